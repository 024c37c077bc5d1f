"""RequestsFetcher against a loopback server (BAD_INPUTS 33): every refusal has a passing twin."""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from verifier.errors import VCError
from verifier.fetch import RequestsFetcher, is_forbidden_address

JSON = b'{"ok": true}'
MIB = 1024 * 1024
BOMB = gzip.compress(bytes(8 * MIB), compresslevel=9)  # ~8 KiB on the wire, 8 MiB inflated


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stop: threading.Event


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers and body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        path = self.path
        if path == "/ok":
            self._send(200, JSON)
        elif path == "/gzip":
            self._send(200, gzip.compress(JSON), Content_Encoding="gzip")
        elif path == "/deflate":
            self._send(200, zlib.compress(JSON), Content_Encoding="deflate")
        elif path == "/bomb":
            self._send(200, BOMB, Content_Encoding="gzip")
        elif path == "/brotli":
            self._send(200, b"\x00" * 10, Content_Encoding="br")
        elif path == "/big":
            self._send(200, b" " * (MIB + 1))
        elif path == "/exact":
            self._send(200, b" " * MIB)
        elif path == "/big-unsized":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.end_headers()
            chunk = b" " * 65536
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except OSError:
                return
        elif path == "/redirect-same":
            self._send(302, b"", Location="/ok")
        elif path == "/redirect-other":
            self._send(302, b"", Location=f"http://localhost:{port}/ok")
        elif path == "/redirect-https":
            self._send(302, b"", Location=f"https://127.0.0.1:{port}/ok")
        elif path.startswith("/chain/"):
            remaining = int(path.rsplit("/", 1)[1])
            target = "/ok" if remaining == 0 else f"/chain/{remaining - 1}"
            self._send(302, b"", Location=target)
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"{}")
        elif path == "/stall-body":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"{")
            self.wfile.flush()
            self.server.stop.wait(3)
        elif path == "/trickle":
            self.send_response(200)
            self.end_headers()
            try:
                while not self.server.stop.wait(0.05):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:
                return
        else:
            self._send(404, b"{}")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.stop = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local() -> RequestsFetcher:
    """The positive twin: a fetcher allowed to use a plain-http loopback server.

    Default timeouts: an honest answer must never time out, even with both cores busy.
    """
    return RequestsFetcher(allow_http=True, allow_private=True)


def _code(fetcher: RequestsFetcher, url: str, **kwargs: int) -> str:
    with pytest.raises(VCError) as info:
        fetcher.fetch(url, **kwargs)
    return info.value.code


def test_loopback_positive(server: str, local: RequestsFetcher) -> None:
    response = local.fetch(server + "/ok", accept="application/json")
    assert (response.status, response.body, response.media_type) == (200, JSON,
                                                                      "application/json")
    assert response.url == server + "/ok"


def test_insecure_url(server: str) -> None:
    assert _code(RequestsFetcher(allow_private=True), server + "/ok") == "fetch.insecure_url"
    for url in ("ftp://example.com/x", "file:///etc/passwd", "/relative", "https://",
                "https://user:pw@example.com/", "https://exa mple.com/", "https://a\\b.com/"):
        assert _code(RequestsFetcher(), url) == "fetch.insecure_url"


def test_default_refuses_loopback(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    default = RequestsFetcher()
    assert _code(default, f"https://127.0.0.1:{port}/ok") == "fetch.forbidden_address"
    assert _code(default, f"https://localhost:{port}/ok") == "fetch.forbidden_address"
    assert _code(default, f"https://[::ffff:127.0.0.1]:{port}/ok") == "fetch.forbidden_address"
    assert _code(default, f"https://[::1]:{port}/ok") == "fetch.forbidden_address"
    http_only = RequestsFetcher(allow_http=True)
    assert _code(http_only, server + "/ok") == "fetch.forbidden_address"


def test_every_resolved_address_is_checked() -> None:
    fetcher = RequestsFetcher(resolve=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    assert _code(fetcher, "https://mixed.example/") == "fetch.forbidden_address"


def test_peer_address_checked_after_connect(server: str, local: RequestsFetcher) -> None:
    # DNS rebinding: the pre-check sees a public address, the socket reaches loopback.
    port = server.rsplit(":", 1)[1]
    rebinding = RequestsFetcher(allow_http=True, resolve=lambda host, port: ["93.184.216.34"])
    assert _code(rebinding, f"http://localhost:{port}/ok") == "fetch.forbidden_address"
    assert local.fetch(f"http://localhost:{port}/ok").body == JSON


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
     "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1", "64:ff9b::a00:1", "fe80::1%eth0",
     "not-an-ip"],
)
def test_forbidden_addresses(address: str) -> None:
    assert is_forbidden_address(address) is True


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111",
                                     "::ffff:8.8.8.8"])
def test_public_addresses(address: str) -> None:
    assert is_forbidden_address(address) is False


def test_same_origin_redirect_followed(server: str, local: RequestsFetcher) -> None:
    response = local.fetch(server + "/redirect-same")
    assert response.body == JSON
    assert response.url == server + "/ok"
    assert local.fetch(server + "/chain/2").body == JSON  # three redirects: the maximum


def test_redirect_refused(server: str, local: RequestsFetcher) -> None:
    assert _code(local, server + "/redirect-other") == "fetch.redirect_refused"
    assert _code(local, server + "/redirect-https") == "fetch.redirect_refused"
    assert _code(local, server + "/chain/3") == "fetch.redirect_refused"  # four redirects


def test_size_cap(server: str, local: RequestsFetcher) -> None:
    assert len(local.fetch(server + "/exact").body) == MIB
    assert _code(local, server + "/big") == "fetch.too_large"
    assert _code(local, server + "/big-unsized") == "fetch.too_large"
    assert _code(local, server + "/ok", max_bytes=4) == "fetch.too_large"


def test_content_encoding(server: str, local: RequestsFetcher) -> None:
    assert local.fetch(server + "/gzip").body == JSON
    assert local.fetch(server + "/deflate").body == JSON
    assert len(BOMB) < MIB
    assert _code(local, server + "/bomb") == "fetch.too_large"
    assert _code(local, server + "/brotli") == "fetch.failed"


def test_http_errors_carry_status(server: str, local: RequestsFetcher) -> None:
    for status in (404, 410, 500):
        with pytest.raises(VCError) as info:
            local.fetch(f"{server}/status/{status}")
        assert info.value.code == "fetch.failed"
        assert info.value.details["status"] == status
    assert local.fetch(server + "/status/200").status == 200


def test_stalled_server_times_out(local: RequestsFetcher) -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts in the kernel, never answers
    try:
        port = listener.getsockname()[1]
        fetcher = RequestsFetcher(allow_http=True, allow_private=True, timeout=(0.5, 0.3))
        assert _code(fetcher, f"http://127.0.0.1:{port}/") == "fetch.timeout"
    finally:
        listener.close()


def test_stalled_body_times_out(server: str) -> None:
    fetcher = RequestsFetcher(allow_http=True, allow_private=True, timeout=(0.5, 0.3))
    assert _code(fetcher, server + "/stall-body") == "fetch.timeout"


def test_trickling_body_hits_total_deadline(server: str) -> None:
    fetcher = RequestsFetcher(allow_http=True, allow_private=True, timeout=(0.5, 0.5),
                              total_timeout=0.4)
    assert _code(fetcher, server + "/trickle") == "fetch.timeout"


def test_connection_refused_is_failed(local: RequestsFetcher) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    assert _code(local, f"http://127.0.0.1:{port}/") == "fetch.failed"


def test_constructing_does_no_io() -> None:
    fetcher = RequestsFetcher()
    assert fetcher._session_obj is None
    fetcher.close()
