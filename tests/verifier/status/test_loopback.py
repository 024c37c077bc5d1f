"""Status over real HTTP on loopback (BAD_INPUTS 33): 410 Gone, and fetch refusals as unknown."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import FetchError
from verifier.fetch import RequestsFetcher
from verifier.report import Status
from verifier.status import StatusChecker, hosted_assertion_gone

from .helpers import FakeListVerifier, credential, entry, status_list

LIST = json.dumps(status_list(set_bits=[9])).encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/gone":
            status, body = 410, b'{"revoked": true}'
        elif self.path == "/assertion":
            status, body = 200, b'{"type": "Assertion"}'
        elif self.path == "/list":
            status, body = 200, LIST
        elif self.path == "/elsewhere":
            self.send_response(302)
            self.send_header("Location", "https://other.example/list")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            status, body = 404, b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def local() -> RequestsFetcher:
    """Loopback and plain http allowed: for test servers only."""
    return RequestsFetcher(allow_http=True, allow_private=True)  # default timeouts: never too short


def _error(fetcher: RequestsFetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    return info.value


def test_hosted_assertion_answering_410_is_revoked(server: str, local: RequestsFetcher) -> None:
    result = hosted_assertion_gone(_error(local, server + "/gone"))
    assert result is not None
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"


def test_hosted_assertion_answering_200_or_404_is_not_revoked(server: str, local: RequestsFetcher) -> None:
    assert local.fetch(server + "/assertion").status == 200
    assert hosted_assertion_gone(_error(local, server + "/missing")) is None


def _check(fetcher: RequestsFetcher, url: str, index: str = "9") -> Any:
    checker = StatusChecker(fetcher, FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), FakeListVerifier())
    return checker.check(credential(entry(index, url=url)))


def test_status_list_over_loopback_decides(server: str, local: RequestsFetcher) -> None:
    assert _check(local, server + "/list").code == "status.revoked"
    assert _check(local, server + "/list", "8").status is Status.PASSED


@pytest.mark.parametrize(("path", "fetcher_options", "underlying"), [
    ("/list", {"allow_private": True}, "fetch.insecure_url"),
    ("/list", {"allow_http": True}, "fetch.forbidden_address"),
    ("/elsewhere", {"allow_http": True, "allow_private": True}, "fetch.redirect_refused"),
], ids=["http-url", "loopback-address", "cross-origin-redirect"])
def test_refused_fetches_leave_the_status_unknown(server: str, path: str,
                                                  fetcher_options: dict[str, Any],
                                                  underlying: str) -> None:
    result = _check(RequestsFetcher(**fetcher_options), server + path)
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"
    assert result.details["underlying_code"] == underlying
