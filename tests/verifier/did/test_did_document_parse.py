"""DID/controller document parsing: references, embedded methods, key types, deferred errors."""

from __future__ import annotations

from typing import Any

import pytest

from verifier.did import DidDocument
from verifier.errors import VCError
from verifier.keys import Ed25519KeyPair
from verifier.multibase import encode_multikey, multibase_encode

DID = "did:web:issuer.example"
KEY = Ed25519KeyPair.from_seed(bytes(range(32))).public


def _doc(**members: Any) -> dict[str, Any]:
    return {"id": DID, **members}


def _vm(frag: str, vm_type: str = "Multikey", **key: Any) -> dict[str, Any]:
    if not key:
        key = {"publicKeyMultibase": KEY.multibase}
    return {"id": f"#{frag}", "type": vm_type, "controller": DID, **key}


def test_relative_references_and_embedded_methods() -> None:
    document = DidDocument.from_json(_doc(
        verificationMethod=[_vm("a")],
        assertionMethod=["#a", {**_vm("b"), "id": f"{DID}#b"}],
        authentication=[f"{DID}#a"],
    ))
    assert document.assertion_method == {f"{DID}#a", f"{DID}#b"}
    assert document.authentication == {f"{DID}#a"}
    assert document.get_verification_method(f"{DID}#b").public_key == KEY
    assert document.get_verification_method(f"{DID}#a").id == f"{DID}#a"


@pytest.mark.parametrize(
    ("vm_type", "key"),
    [
        ("Multikey", {"publicKeyMultibase": KEY.multibase}),
        ("Ed25519VerificationKey2020", {"publicKeyMultibase": KEY.multibase}),
        ("Ed25519VerificationKey2018", {"publicKeyBase58": KEY.base58}),
        ("JsonWebKey2020", {"publicKeyJwk": KEY.to_jwk()}),
        ("JsonWebKey", {"publicKeyJwk": KEY.to_jwk()}),
    ],
)
def test_supported_key_types(vm_type: str, key: dict[str, Any]) -> None:
    document = DidDocument.from_json(_doc(verificationMethod=[_vm("k", vm_type, **key)]))
    assert document.get_verification_method(f"{DID}#k").public_key == KEY


@pytest.mark.parametrize(
    ("vm_type", "key", "code"),
    [
        pytest.param("EcdsaSecp256k1VerificationKey2019", {"publicKeyHex": "02ab"},
                     "vm.unsupported_type", id="secp256k1"),
        pytest.param("Multikey", {"publicKeyMultibase": multibase_encode(b"\x80\x24" + bytes(33))},
                     "vm.unsupported_type", id="p256-multikey"),
        pytest.param("JsonWebKey2020", {"publicKeyJwk": {"kty": "OKP", "crv": "X25519",
                                                         "x": KEY.to_jwk()["x"]}},
                     "vm.unsupported_type", id="x25519-jwk"),
        pytest.param("Multikey", {"publicKeyMultibase": encode_multikey("ed25519-pub", bytes(31))},
                     "key.invalid_length", id="short-multikey"),
        pytest.param("Ed25519VerificationKey2020",
                     {"publicKeyMultibase": multibase_encode(b"\xec\x01" + bytes(32))},
                     "key.invalid_multicodec", id="2020-with-x25519"),
        pytest.param("Ed25519VerificationKey2018", {"publicKeyBase58": "0OIl"},
                     "key.invalid_multibase", id="bad-base58"),
        pytest.param("Ed25519VerificationKey2020", {}, "key.invalid_multibase", id="no-key"),
        pytest.param("JsonWebKey2020", {"publicKeyJwk": {**KEY.to_jwk(), "d": "AAAA"}},
                     "key.invalid_jwk", id="jwk-with-d"),
    ],
)
def test_unusable_method_fails_only_when_used(vm_type: str, key: dict[str, Any],
                                              code: str) -> None:
    bad = _vm("bad", vm_type, **key) if key else {"id": "#bad", "type": vm_type,
                                                   "controller": DID}
    document = DidDocument.from_json(_doc(verificationMethod=[bad, _vm("good")]))
    assert document.get_verification_method(f"{DID}#good").public_key == KEY
    with pytest.raises(VCError) as info:
        document.get_verification_method(f"{DID}#bad")
    assert info.value.code == code


def test_missing_method() -> None:
    document = DidDocument.from_json(_doc(verificationMethod=[_vm("a")]))
    with pytest.raises(VCError) as info:
        document.get_verification_method(f"{DID}#nope")
    assert info.value.code == "vm.not_found"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([], id="array"),
        pytest.param({"verificationMethod": []}, id="no-id"),
        pytest.param({"id": "relative"}, id="relative-id"),
        pytest.param({"id": f"{DID}#frag"}, id="id-with-fragment"),
        pytest.param(_doc(verificationMethod=[{"type": "Multikey"}]), id="vm-without-id"),
        pytest.param(_doc(verificationMethod=[{"id": "#a", "controller": DID}]),
                     id="vm-without-type"),
        pytest.param(_doc(verificationMethod=[{"id": "#a", "type": "Multikey"}]),
                     id="vm-without-controller"),
        pytest.param(_doc(verificationMethod=["#a"]), id="vm-not-object"),
        pytest.param(_doc(assertionMethod="#a"), id="relationship-not-array"),
        pytest.param(_doc(assertionMethod=["a"]), id="relative-reference"),
        pytest.param(_doc(verificationMethod=[_vm("a")],
                          assertionMethod=[{**_vm("a"), "publicKeyMultibase":
                                            Ed25519KeyPair.generate().public.multibase}]),
                     id="conflicting-duplicate"),
    ],
)
def test_malformed_documents(data: Any) -> None:
    with pytest.raises(VCError) as info:
        DidDocument.from_json(data)
    assert info.value.code == "did.invalid_document"


def test_identical_duplicate_is_fine() -> None:
    document = DidDocument.from_json(_doc(verificationMethod=[_vm("a")],
                                          assertionMethod=[_vm("a")]))
    assert document.assertion_method == {f"{DID}#a"}
