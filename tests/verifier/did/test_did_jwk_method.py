"""did:jwk for Ed25519 OKP keys."""

from __future__ import annotations

import json

import pytest

from verifier.did import did_jwk_from_key, resolve_did_jwk
from verifier.errors import VCError
from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_encode


def _did(jwk: dict[str, str]) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode())


def test_round_trip() -> None:
    pair = Ed25519KeyPair.from_seed(bytes(range(32)))
    did = did_jwk_from_key(pair.public)
    document = resolve_did_jwk(did)
    vm = document.get_verification_method(did + "#0")
    assert vm.public_key == pair.public
    assert vm.type == "JsonWebKey2020"
    assert document.is_authorized(did + "#0", "assertionMethod")
    assert document.is_authorized(did + "#0", "authentication")


def test_use_enc_is_key_agreement_only() -> None:
    jwk = {**Ed25519KeyPair.generate().public.to_jwk(), "use": "enc"}
    document = resolve_did_jwk(_did(jwk))
    assert not document.assertion_method
    assert document.relationships["keyAgreement"]


def test_use_sig_is_not_key_agreement() -> None:
    jwk = {**Ed25519KeyPair.generate().public.to_jwk(), "use": "sig"}
    document = resolve_did_jwk(_did(jwk))
    assert document.assertion_method
    assert not document.relationships["keyAgreement"]


def test_other_key_type_resolves_but_is_unsupported_when_used() -> None:
    jwk = {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
           "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
    did = _did(jwk)
    document = resolve_did_jwk(did)
    with pytest.raises(VCError) as info:
        document.get_verification_method(did + "#0")
    assert info.value.code == "vm.unsupported_type"


@pytest.mark.parametrize(
    "did",
    [
        pytest.param("did:jwk:", id="empty"),
        pytest.param("did:jwk:not*base64", id="alphabet"),
        pytest.param("did:jwk:" + b64url_encode(b"[1,2]"), id="not-object"),
        pytest.param("did:jwk:" + b64url_encode(b"{\"kty\":1}"), id="kty-not-string"),
        pytest.param("did:jwk:" + b64url_encode(b"{not json"), id="not-json"),
        pytest.param(_did({**Ed25519KeyPair.from_seed(bytes(32)).to_jwk(True)}), id="private-d"),
    ],
)
def test_bad_did_jwk(did: str) -> None:
    with pytest.raises(VCError) as info:
        resolve_did_jwk(did)
    assert info.value.code == "did.invalid"
