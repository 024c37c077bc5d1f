"""The HTTPS fixture host with the real RequestsFetcher: TLS, routing, hooks and clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from fixtures.host import FixtureCA, FixtureHost, domains_under, media_type
from tests.conftest import REPO
from verifier.did import default_resolver
from verifier.errors import VCError
from verifier.fetch import RequestsFetcher
from verifier.keys import Ed25519KeyPair

from .conftest import FixtureHostFactory

LAB = "learning-lab.riverbend.example"
OPENPD = "badges.openpd.example"
STRAY = "stray.example"  # has files under root but is not served
LAB_DID = f"did:web:{LAB}"
NORTH_DID = f"did:web:{OPENPD}:issuers:north"
STATUS_LIST = b'{"type": "BitstringStatusListCredential", "encodedList": "uH4sI"}'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


def did_document(did: str, key: Ed25519KeyPair) -> dict[str, Any]:
    vm = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did,
                                "publicKeyMultibase": key.public.multibase}],
        "assertionMethod": [vm],
        "authentication": [vm],
    }


def _put(path: Path, data: bytes | dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json.dumps(data).encode() if isinstance(data, dict) else data)


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A tiny issuer world: two served domains, one stray one, and a secret outside the root."""
    root = tmp_path / "hosts"
    lab, openpd = root / LAB, root / OPENPD
    _put(lab / ".well-known" / "did.json", did_document(LAB_DID, Ed25519KeyPair.from_seed(b"\x01" * 32)))
    _put(openpd / "issuers" / "north" / "did.json",
         did_document(NORTH_DID, Ed25519KeyPair.from_seed(b"\x02" * 32)))
    _put(lab / "status" / "1", STATUS_LIST)
    _put(lab / "images" / "badge.png", PNG)
    _put(lab / "images" / "badge.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    _put(openpd / "ob2" / "assertions" / "active.json", {"type": "Assertion", "id": "active"})
    _put(openpd / "ob2" / "assertions" / "revoked.json", {"revoked": True})
    _put(openpd / "ob2" / "badge.json", {"type": "BadgeClass"})
    _put(root / STRAY / "page.json", {"stray": True})
    _put(tmp_path / "secret.txt", b"outside the root")
    (lab / "escape.json").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def host(world: Path, fixture_host_factory: FixtureHostFactory) -> FixtureHost:
    return fixture_host_factory(
        world, [LAB, OPENPD],
        statuses={"/ob2/assertions/revoked.json": 410},
        redirects={f"{OPENPD}/ob2/old-badge.json": "/ob2/badge.json",
                   "/moved.json": f"https://{OPENPD}/ob2/badge.json"},
    )


def _code(fetcher: RequestsFetcher, url: str) -> VCError:
    with pytest.raises(VCError) as info:
        fetcher.fetch(url)
    return info.value


def _raw_get(host: FixtureHost, target: str, host_header: str = LAB) -> int:
    """One HTTP/1.0 request with exact bytes on the wire (no client-side path normalisation)."""
    context = ssl.create_default_context(cafile=str(host.ca_path))
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname=LAB) as tls:
        tls.sendall(f"GET {target} HTTP/1.0\r\nHost: {host_header}\r\n\r\n".encode())
        head = b""
        while b"\r\n" not in head:
            chunk = tls.recv(1024)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


# -- did:web over real HTTPS -------------------------------------------------------------------

def test_did_web_resolves(host: FixtureHost) -> None:
    document = default_resolver(host.fetcher()).resolve(LAB_DID)
    method = document.get_verification_method(f"{LAB_DID}#key-1")
    assert method.public_key == Ed25519KeyPair.from_seed(b"\x01" * 32).public
    assert document.is_authorized(method.id, "assertionMethod")


def test_did_web_nested_path_resolves(host: FixtureHost) -> None:
    document = default_resolver(host.fetcher()).resolve(NORTH_DID)
    assert document.id == NORTH_DID
    assert document.get_verification_method(f"{NORTH_DID}#key-1").public_key == \
        Ed25519KeyPair.from_seed(b"\x02" * 32).public


def test_did_web_missing_document_is_not_found(host: FixtureHost) -> None:
    resolver = default_resolver(host.fetcher())
    with pytest.raises(VCError) as info:
        resolver.resolve(f"did:web:{OPENPD}:issuers:south")
    assert info.value.code == "did.not_found"
    assert resolver.resolve(NORTH_DID).id == NORTH_DID


def test_did_json_content_type(host: FixtureHost) -> None:
    response = host.fetcher().fetch(host.url(LAB, "/.well-known/did.json"))
    assert response.media_type == "application/did+json"
    assert response.url == f"https://{LAB}/.well-known/did.json"


# -- files and content types -------------------------------------------------------------------

def test_status_list_without_extension_is_json(host: FixtureHost) -> None:
    response = host.fetcher().fetch(f"https://{LAB}/status/1")
    assert (response.status, response.media_type, response.body) == (200, "application/json",
                                                                      STATUS_LIST)
    assert _code(host.fetcher(), f"https://{LAB}/status/2").details["status"] == 404


def test_images_have_image_types(host: FixtureHost) -> None:
    fetcher = host.fetcher()
    png = fetcher.fetch(f"https://{LAB}/images/badge.png")
    assert (png.media_type, png.body) == ("image/png", PNG)
    assert fetcher.fetch(f"https://{LAB}/images/badge.svg").media_type == "image/svg+xml"


def test_media_types() -> None:
    assert media_type(Path("a/b.json")) == "application/json"
    assert media_type(Path("a/b.jsonld")) == "application/json"
    assert media_type(Path("a/status/7")) == "application/json"
    assert media_type(Path("a/did.json")) == "application/did+json"
    assert media_type(Path("a/b.bin")) == "application/octet-stream"


def test_directories_are_not_listed(host: FixtureHost) -> None:
    assert _raw_get(host, "/images/") == 404
    assert _raw_get(host, "/images") == 404
    assert _raw_get(host, "/images/badge.png") == 200


# -- per-path hooks ----------------------------------------------------------------------------

def test_gone_status(host: FixtureHost) -> None:
    error = _code(host.fetcher(), f"https://{OPENPD}/ob2/assertions/revoked.json")
    assert (error.code, error.details["status"]) == ("fetch.failed", 410)
    assert host.fetcher().fetch(f"https://{OPENPD}/ob2/assertions/active.json").status == 200


def test_same_origin_redirect_followed(host: FixtureHost) -> None:
    response = host.fetcher().fetch(f"https://{OPENPD}/ob2/old-badge.json")
    assert response.url == f"https://{OPENPD}/ob2/badge.json"
    assert json.loads(response.body) == {"type": "BadgeClass"}


def test_cross_origin_redirect_refused(host: FixtureHost) -> None:
    assert _code(host.fetcher(), f"https://{LAB}/moved.json").code == "fetch.redirect_refused"
    # The domain-qualified redirect applies only to its own domain.
    assert _code(host.fetcher(), f"https://{LAB}/ob2/old-badge.json").details["status"] == 404


def test_stalled_path_times_out(world: Path, fixture_host_factory: FixtureHostFactory) -> None:
    host = fixture_host_factory(world, [LAB], stalls={"/status/1"}, stall_seconds=30.0)
    assert _code(host.fetcher(timeout=(1.0, 0.3)), f"https://{LAB}/status/1").code == "fetch.timeout"
    # twin: the same host answers other paths (default timeouts, so a busy machine is no failure)
    assert host.fetcher().fetch(f"https://{LAB}/images/badge.png").status == 200


def test_short_stall_then_answers(world: Path, fixture_host_factory: FixtureHostFactory) -> None:
    host = fixture_host_factory(world, [LAB], stalls={"/status/1"}, stall_seconds=0.05)
    assert host.fetcher().fetch(f"https://{LAB}/status/1").body == STATUS_LIST


# -- what is not served ------------------------------------------------------------------------

def test_unknown_host_header_is_404(host: FixtureHost) -> None:
    assert _raw_get(host, "/page.json", host_header=STRAY) == 404
    assert _raw_get(host, "/page.json", host_header="") == 404
    assert _raw_get(host, "/status/1", host_header=f"{LAB}:{host.port}") == 200
    assert _raw_get(host, "/status/1", host_header=LAB.upper()) == 200


def test_missing_file_is_fetch_failed_404(host: FixtureHost) -> None:
    error = _code(host.fetcher(), f"https://{LAB}/nothing-here.json")
    assert (error.code, error.details["status"]) == ("fetch.failed", 404)
    # The stray domain has files, but no certificate and no route: the fetcher never reaches it.
    assert _code(host.fetcher(), f"https://{STRAY}/page.json").code == "fetch.failed"


@pytest.mark.parametrize("target", [
    "/../stray.example/page.json",
    "/%2e%2e/stray.example/page.json",
    "/..%2fstray.example%2fpage.json",
    "/../../secret.txt",
    "/%2e%2e/%2e%2e/secret.txt",
    f"/../{OPENPD}/ob2/badge.json",
    "/escape.json",
    "/status/1%00",
    "https://learning-lab.riverbend.example/status/1",
    "status/1",
])
def test_path_escapes_are_404(host: FixtureHost, target: str) -> None:
    assert _raw_get(host, target) == 404


def test_path_escape_twin_is_served(host: FixtureHost) -> None:
    assert _raw_get(host, "/status/1") == 200
    assert _raw_get(host, "/status/./1") == 200
    assert _raw_get(host, "/%73tatus/1") == 200
    assert _raw_get(host, "/ob2/badge.json", host_header=OPENPD) == 200


# -- TLS trust and routing scope ---------------------------------------------------------------

def test_untrusted_fetcher_fails_tls(host: FixtureHost) -> None:
    error = _code(host.fetcher(verify=True), f"https://{LAB}/status/1")
    assert error.code == "fetch.failed"
    assert isinstance(error.__cause__, requests.exceptions.SSLError)
    assert host.fetcher().fetch(f"https://{LAB}/status/1").body == STATUS_LIST


def test_untrusted_tls_client_fails(host: FixtureHost) -> None:
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as raw, \
            pytest.raises(ssl.SSLCertVerificationError):
        ssl.create_default_context().wrap_socket(raw, server_hostname=LAB)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://127.0.0.1:{host.port}/status/1", headers={"Host": LAB}, timeout=5)
    trusted = ssl.create_default_context(cafile=str(host.ca_path))
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as raw, \
            trusted.wrap_socket(raw, server_hostname=LAB) as tls:
        assert tls.version() is not None


def test_certificate_names_only_fixture_domains(host: FixtureHost) -> None:
    trusted = ssl.create_default_context(cafile=str(host.ca_path))
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as raw, \
            pytest.raises(ssl.SSLCertVerificationError):
        trusted.wrap_socket(raw, server_hostname=STRAY)
    assert _raw_get(host, "/status/1") == 200


def test_loopback_exception_is_only_for_fixture_domains(host: FixtureHost) -> None:
    fetcher = host.fetcher()
    assert _code(fetcher, f"https://127.0.0.1:{host.port}/status/1").code == "fetch.forbidden_address"
    assert _code(fetcher, f"https://localhost:{host.port}/status/1").code == "fetch.forbidden_address"
    # Same domain, other port: not routed, so the address guard sees the (loopback) DNS answer.
    rebinding = host.fetcher(resolve=lambda name, port: ["127.0.0.1"])
    assert _code(rebinding, f"https://{LAB}:{host.port}/status/1").code == "fetch.forbidden_address"
    assert rebinding.fetch(f"https://{LAB}/status/1").body == STATUS_LIST


def test_connect_to_refuses_proxies(host: FixtureHost) -> None:
    with pytest.raises(ValueError):
        host.fetcher(proxies={"https": "http://proxy.example:3128"})
    with pytest.raises(ValueError):
        host.fetcher(trust_env=True)
    assert host.fetcher(trust_env=False).fetch(f"https://{LAB}/status/1").status == 200


# -- lifecycle ---------------------------------------------------------------------------------

def test_host_stops_cleanly(world: Path) -> None:
    with FixtureHost(world, [LAB]) as host:
        port, ca_dir = host.port, host.ca_path.parent
        assert oct(ca_dir.stat().st_mode & 0o777) == "0o700"
        assert {p.name for p in ca_dir.iterdir()} == {"ca.pem", "server.pem", "server-key.pem"}
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        fetcher = host.fetcher()
        assert fetcher.fetch(f"https://{LAB}/status/1").status == 200
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    assert not ca_dir.exists()
    with pytest.raises(RuntimeError):
        _ = host.port
    host.stop()  # idempotent


def test_stop_cuts_a_stall_short(world: Path) -> None:
    host = FixtureHost(world, [LAB], stalls={"/status/1"}, stall_seconds=30.0).start()
    try:
        assert _code(host.fetcher(timeout=(1.0, 0.2)), f"https://{LAB}/status/1").code == "fetch.timeout"
    finally:
        host.stop()  # must not wait out the 30 s stall
    assert host._thread is None


def test_constructing_does_no_io(tmp_path: Path) -> None:
    host = FixtureHost(tmp_path / "missing", [LAB])
    with pytest.raises(RuntimeError):
        _ = host.ca_path
    with pytest.raises(ValueError):
        FixtureHost(tmp_path, ["not a domain"])
    with pytest.raises(ValueError):
        FixtureHost(tmp_path, [])


def test_ca_certificate_is_a_ca(tmp_path: Path) -> None:
    from cryptography import x509

    ca = FixtureCA([LAB, OPENPD])
    files = ca.write(tmp_path)
    cert = x509.load_pem_x509_certificate(files.ca_path.read_bytes())
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    server = x509.load_pem_x509_certificate(files.cert_path.read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == [LAB, OPENPD]
    assert oct(files.key_path.stat().st_mode & 0o777) == "0o600"


def test_domains_under(world: Path) -> None:
    (world / "not_a_domain").mkdir()
    assert domains_under(world) == [OPENPD, LAB, STRAY]


def test_command_line(world: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "vcwallet.demo.host", "--root", str(world), "--domain", LAB],
        cwd=REPO, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().split(":", 1)[1])
        ca_path = Path(process.stdout.readline().split(":", 1)[1].strip())
        fetcher = RequestsFetcher(verify=str(ca_path), connect_to={(LAB, 443): ("127.0.0.1", port)})
        assert fetcher.fetch(f"https://{LAB}/status/1").body == STATUS_LIST
        fetcher.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert not ca_path.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
