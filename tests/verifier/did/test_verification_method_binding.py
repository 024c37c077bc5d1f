"""Never trust a key because the proof names it (BAD_INPUTS 19–24)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.did import default_resolver, resolve_verification_method
from verifier.errors import VCError
from verifier.fetch import FetchResponse, RequestsFetcher, StaticFetcher
from verifier.keys import Ed25519KeyPair

INTEROP = Path(__file__).resolve().parents[3] / ".." / "shared" / "interop"
DCC_DID = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy"
DCC_VM = DCC_DID + "#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"
ISSUER_KEY = Ed25519KeyPair.from_seed(bytes([1]) * 32).public
ATTACKER_KEY = Ed25519KeyPair.from_seed(bytes([2]) * 32).public
ISSUER_DID = ISSUER_KEY.did_key
ISSUER_VM = f"{ISSUER_DID}#{ISSUER_KEY.multibase}"
ATTACKER_VM = f"{ATTACKER_KEY.did_key}#{ATTACKER_KEY.multibase}"
HTTPS_ISSUER = "https://issuer.example/keys"
WEB_DID = "did:web:issuer.example"


def _controller_doc(doc_id: str, **members: Any) -> bytes:
    def vm(key_id: str, key: Any) -> dict[str, str]:
        return {"id": f"{doc_id}#{key_id}", "type": "Multikey", "controller": doc_id,
                "publicKeyMultibase": key.multibase}

    document = {
        "id": doc_id,
        "verificationMethod": [vm("issuer", ISSUER_KEY), vm("auth-only", ATTACKER_KEY),
                               vm(ATTACKER_KEY.multibase, ATTACKER_KEY)],
        "assertionMethod": ["#issuer"],
        "authentication": ["#issuer", "#auth-only"],
        **members,
    }
    return json.dumps(document).encode()


FETCHER = StaticFetcher({
    HTTPS_ISSUER: _controller_doc(HTTPS_ISSUER),
    "https://issuer.example/.well-known/did.json": _controller_doc(WEB_DID),
    "https://liar.example/keys": _controller_doc("https://other.example/keys"),
})


class _NoNetwork:
    """A fetcher that fails the test if anything is fetched."""

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        raise AssertionError(f"unexpected fetch of {url}")


def _resolve(vm_url: object, *, purpose: str = "assertionMethod",
             expected: str | None = None, fetcher: Any = FETCHER) -> Any:
    return resolve_verification_method(vm_url, resolver=default_resolver(fetcher),
                                       fetcher=fetcher, purpose=purpose,
                                       expected_controller=expected)


# 19: verificationMethod missing, relative or not a URL.

def test_did_key_method_positive() -> None:
    method = _resolve(ISSUER_VM, expected=ISSUER_DID)
    assert method.public_key == ISSUER_KEY
    assert method.controller == ISSUER_DID


def test_bare_did_key_stands_for_its_key() -> None:
    assert _resolve(ISSUER_DID, expected=ISSUER_DID).id == ISSUER_VM


@pytest.mark.parametrize(
    "vm_url",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param(42, id="number"),
        pytest.param(["did:key:z"], id="array"),
        pytest.param("#key-1", id="relative-fragment"),
        pytest.param("key-1", id="relative-path"),
        pytest.param("not a url", id="spaces"),
        pytest.param("urn:uuid:1234#key", id="urn"),
        pytest.param(HTTPS_ISSUER, id="https-without-fragment"),
        pytest.param(WEB_DID, id="did-web-without-fragment"),
        pytest.param(WEB_DID + "#", id="empty-fragment"),
        pytest.param("did:web:issuer.example/path#key", id="did-url-path"),
        pytest.param("did:#key", id="no-method"),
    ],
)
def test_invalid_verification_method(vm_url: object) -> None:
    with pytest.raises(VCError) as info:
        _resolve(vm_url, fetcher=_NoNetwork())
    assert info.value.code == "vm.invalid"


# 20: attacker did:key used for a did:web issuer.

def test_issuer_key_positive_did_web() -> None:
    assert _resolve(f"{WEB_DID}#issuer", expected=WEB_DID).public_key == ISSUER_KEY


def test_attacker_did_key_for_did_web_issuer() -> None:
    with pytest.raises(VCError) as info:
        _resolve(ATTACKER_VM, expected=WEB_DID, fetcher=_NoNetwork())
    assert info.value.code == "vm.controller_mismatch"


def test_dcc_did_web_issuer() -> None:
    url_map = INTEROP / "credentials" / "url-map.json"
    if not url_map.is_file():
        pytest.skip(f"interop URL map {url_map} is absent (shared/interop not checked out)")
    fetcher = StaticFetcher.from_url_map(url_map, base_dir=INTEROP)
    method = _resolve(DCC_VM, expected=DCC_DID, fetcher=fetcher)
    assert method.public_key.multibase == DCC_VM.split("#")[1]
    with pytest.raises(VCError) as info:
        _resolve(DCC_VM, expected=ISSUER_DID, fetcher=fetcher)
    assert info.value.code == "vm.controller_mismatch"


def test_method_controller_must_be_document() -> None:
    body = json.dumps({
        "id": WEB_DID,
        "verificationMethod": [{"id": "#k", "type": "Multikey", "controller": "did:web:evil",
                                "publicKeyMultibase": ATTACKER_KEY.multibase}],
        "assertionMethod": ["#k"],
    }).encode()
    fetcher = StaticFetcher({"https://issuer.example/.well-known/did.json": body})
    with pytest.raises(VCError) as info:
        _resolve(f"{WEB_DID}#k", expected=WEB_DID, fetcher=fetcher)
    assert info.value.code == "vm.controller_mismatch"


# 21: https://issuer#z<attacker key> not listed in the issuer's assertionMethod.

def test_https_controller_document_positive() -> None:
    assert _resolve(f"{HTTPS_ISSUER}#issuer", expected=HTTPS_ISSUER).public_key == ISSUER_KEY


def test_https_attacker_key_not_in_assertion_method() -> None:
    with pytest.raises(VCError) as info:
        _resolve(f"{HTTPS_ISSUER}#{ATTACKER_KEY.multibase}", expected=HTTPS_ISSUER)
    assert info.value.code == "vm.not_authorized"


def test_https_unknown_key() -> None:
    other = Ed25519KeyPair.generate().public.multibase
    with pytest.raises(VCError) as info:
        _resolve(f"{HTTPS_ISSUER}#{other}", expected=HTTPS_ISSUER)
    assert info.value.code == "vm.not_found"


def test_https_document_id_must_match_url() -> None:
    with pytest.raises(VCError) as info:
        _resolve("https://liar.example/keys#issuer")
    assert info.value.code == "did.document_mismatch"


def test_https_vm_needs_https() -> None:
    with pytest.raises(VCError) as info:
        _resolve("http://issuer.example/keys#issuer",
                 fetcher=RequestsFetcher())
    assert info.value.code == "fetch.insecure_url"


# 22: a method only under authentication, used for a credential.

def test_authentication_only_method() -> None:
    with pytest.raises(VCError) as info:
        _resolve(f"{WEB_DID}#auth-only", expected=WEB_DID)
    assert info.value.code == "vm.not_authorized"
    assert _resolve(f"{WEB_DID}#auth-only", expected=WEB_DID,
                    purpose="authentication").public_key == ATTACKER_KEY


def test_unknown_purpose_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        _resolve(ISSUER_VM, purpose="assertion")


# 23: did:key problems surface through the verification method.

@pytest.mark.parametrize(
    ("vm_url", "code"),
    [
        pytest.param("did:key:zTjsVPtY#zTjsVPtY", "key.invalid_length", id="short"),
        pytest.param("did:key:z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p"
                     "#z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",
                     "key.invalid_multicodec", id="x25519"),
        pytest.param(f"did:key:1.0:{ISSUER_KEY.multibase}#{ISSUER_KEY.multibase}",
                     "did.invalid", id="version"),
    ],
)
def test_bad_did_key_method(vm_url: str, code: str) -> None:
    with pytest.raises(VCError) as info:
        _resolve(vm_url, fetcher=_NoNetwork())
    assert info.value.code == code


# 24: did:key fragment that is not the key.

def test_did_key_fragment_mismatch() -> None:
    with pytest.raises(VCError) as info:
        _resolve(f"{ISSUER_DID}#{ATTACKER_KEY.multibase}", expected=ISSUER_DID)
    assert info.value.code == "vm.fragment_mismatch"
    assert _resolve(f"{ISSUER_DID}#{ISSUER_KEY.multibase}", expected=ISSUER_DID).id == ISSUER_VM
