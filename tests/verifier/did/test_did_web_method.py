"""did:web: URL mapping, path-trick rejection, and the DCC documents via the interop URL map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier.did import did_web_url, resolve_did_web
from verifier.errors import FetchError, VCError
from verifier.fetch import FetchResponse, StaticFetcher
from verifier.keys import Ed25519PublicKey

INTEROP = Path(__file__).resolve().parents[3] / ".." / "shared" / "interop"
LEGACY = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy"
OIDF = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf"
DCC_KEY = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"


def _interop_fetcher() -> StaticFetcher:
    url_map = INTEROP / "credentials" / "url-map.json"
    if not url_map.is_file():
        pytest.skip(f"interop URL map {url_map} is absent (shared/interop not checked out)")
    return StaticFetcher.from_url_map(url_map, base_dir=INTEROP)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:localhost%3a8443:u", "https://localhost:8443/u/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice%40x", "https://w3c-ccg.github.io/user/alice@x/did.json"),
        (LEGACY, "https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json"),
    ],
)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        pytest.param("did:web:example.com:..:..", id="dot-dot"),
        pytest.param("did:web:example.com:.", id="dot"),
        pytest.param("did:web:example.com:%2e%2e", id="escaped-dot-dot"),
        pytest.param("did:web:example.com::alice", id="empty-segment"),
        pytest.param("did:web:example.com:", id="trailing-colon"),
        pytest.param("did:web:", id="empty"),
        pytest.param("did:web:example.com:a%2Fb", id="escaped-slash"),
        pytest.param("did:web:example.com:a%5Cb", id="escaped-backslash"),
        pytest.param("did:web:example.com:a%3Fb", id="escaped-query"),
        pytest.param("did:web:example.com:a%23b", id="escaped-hash"),
        pytest.param("did:web:example.com:a%00b", id="escaped-nul"),
        pytest.param("did:web:example.com:a%zz", id="bad-escape"),
        pytest.param("did:web:example.com:a%ff", id="non-utf8-escape"),
        pytest.param("did:web:example.com%2Fevil", id="slash-in-host"),
        pytest.param("did:web:user%40example.com", id="userinfo-in-host"),
        pytest.param("did:web:example.com%3A0", id="port-zero"),
        pytest.param("did:web:example.com%3A99999", id="port-too-big"),
        pytest.param("did:web:example.com%3Ahttp", id="port-not-number"),
        pytest.param("did:web:-bad-.com", id="bad-label"),
        pytest.param("did:web:example.com/path", id="raw-slash"),
        pytest.param("did:web:example.com#frag", id="fragment"),
        pytest.param("did:key:z6Mk", id="other-method"),
    ],
)
def test_did_web_url_rejects(did: str) -> None:
    with pytest.raises(VCError) as info:
        did_web_url(did)
    assert info.value.code == "did.invalid"


@pytest.mark.parametrize("did", [LEGACY, OIDF])
def test_dcc_documents_resolve(did: str) -> None:
    document = resolve_did_web(did, _interop_fetcher())
    vm_id = f"{did}#{DCC_KEY}"
    assert document.id == did
    assert document.is_authorized(vm_id, "assertionMethod")
    assert document.get_verification_method(vm_id).public_key == (
        Ed25519PublicKey.from_multibase(DCC_KEY))


def test_unmapped_did_web_is_not_fetched() -> None:
    with pytest.raises(VCError) as info:
        resolve_did_web("did:web:digitalcredentials.github.io:dcc-did-web-bad", _interop_fetcher())
    assert info.value.code == "fetch.not_allowed"


def _serving(did: str, body: bytes) -> StaticFetcher:
    return StaticFetcher({did_web_url(did): body})


def test_document_id_mismatch() -> None:
    wrong = json.dumps({"id": "did:web:attacker.example", "verificationMethod": []}).encode()
    with pytest.raises(VCError) as info:
        resolve_did_web("did:web:issuer.example", _serving("did:web:issuer.example", wrong))
    assert info.value.code == "did.document_mismatch"
    right = json.dumps({"id": "did:web:issuer.example"}).encode()
    assert resolve_did_web("did:web:issuer.example",
                           _serving("did:web:issuer.example", right)).id == "did:web:issuer.example"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"not json", "did.invalid_document", id="not-json"),
        pytest.param(b'{"id": "did:web:issuer.example", "id": "x"}', "did.invalid_document",
                     id="duplicate-key"),
        pytest.param(b'"did:web:issuer.example"', "did.invalid_document", id="string"),
        pytest.param(b'{"id": "did:web:issuer.example", "verificationMethod": {}}',
                     "did.invalid_document", id="vm-not-array"),
    ],
)
def test_bad_documents(body: bytes, code: str) -> None:
    with pytest.raises(VCError) as info:
        resolve_did_web("did:web:issuer.example", _serving("did:web:issuer.example", body))
    assert info.value.code == code


class _StatusFetcher:
    """Answers every URL with an HTTP error status, as RequestsFetcher reports one."""

    def __init__(self, status: int) -> None:
        self.status = status

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        raise FetchError("fetch.failed", "HTTP error", details={"status": self.status})


@pytest.mark.parametrize(("status", "code"), [(404, "did.not_found"), (410, "did.not_found"),
                                              (500, "fetch.failed")])
def test_http_errors(status: int, code: str) -> None:
    with pytest.raises(VCError) as info:
        resolve_did_web("did:web:issuer.example", _StatusFetcher(status))
    assert info.value.code == code
