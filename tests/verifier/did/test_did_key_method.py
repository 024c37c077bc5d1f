"""did:key for Ed25519 against the published vectors, and its rejections (BAD_INPUTS 23)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.did import DidDocument, did_key_document_json, parse_did_key, resolve_did_key
from verifier.errors import VCError
from verifier.keys import Ed25519KeyPair, Ed25519PublicKey
from verifier.multibase import b64url_decode, decode_base58btc, multibase_decode

VECTORS = Path(__file__).resolve().parents[3] / ".." / "shared" / "interop" / "vectors" / "did-key"
GOOD = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def _load(name: str) -> Any:
    path = VECTORS / name
    if not path.is_file():
        pytest.skip(f"interop vector {path} is absent (shared/interop not checked out)")
    return json.loads(path.read_text(encoding="utf-8"))


def _legacy_ids() -> list[str]:
    path = VECTORS / "w3c-ccg-did-method-key.ed25519-x25519.json"
    if not path.is_file():
        return ["absent"]
    return list(json.loads(path.read_text(encoding="utf-8")))


def test_spec_example_document() -> None:
    expected = _load("did-key-spec.example-ed25519-multikey-did-document.extracted.json")
    produced = did_key_document_json(expected["id"], key_agreement=True)
    # The spec example uses the DID v1.1 context; ours names the DID v1 and Multikey contexts.
    expected.pop("@context")
    produced.pop("@context")
    assert produced == expected


def _raw_key(vm: dict[str, Any]) -> bytes:
    """Key bytes of a legacy vector method (publicKeyBase58 or an OKP publicKeyJwk)."""
    if "publicKeyBase58" in vm:
        return decode_base58btc(vm["publicKeyBase58"])
    return b64url_decode(vm["publicKeyJwk"]["x"])


@pytest.mark.parametrize("did", _legacy_ids())
def test_legacy_vectors(did: str) -> None:
    vectors = _load("w3c-ccg-did-method-key.ed25519-x25519.json")
    vector = vectors[did]
    pair = Ed25519KeyPair.from_seed(bytes.fromhex(vector["seed"]))
    assert pair.public.did_key == did
    expected = vector["didDocument"]
    produced = did_key_document_json(did, key_agreement=True)
    # Legacy vectors use the 2018/JsonWebKey2020 key types; compare ids, key bytes, relationships.
    ed_vm, x_vm = expected["verificationMethod"]
    assert produced["verificationMethod"][0]["id"] == ed_vm["id"]
    assert _raw_key(ed_vm) == pair.public.raw
    x_produced = produced["keyAgreement"][0]
    assert x_produced["id"] == x_vm["id"]
    assert multibase_decode(x_produced["publicKeyMultibase"])[2:] == _raw_key(x_vm)
    for name in ("assertionMethod", "authentication", "capabilityInvocation",
                 "capabilityDelegation"):
        assert produced[name] == expected[name]
    assert [x_produced["id"]] == expected["keyAgreement"]
    ours = resolve_did_key(did)
    theirs = DidDocument.from_json(expected)
    assert ours.get_verification_method(ed_vm["id"]).public_key == pair.public
    assert theirs.get_verification_method(ed_vm["id"]).public_key == pair.public
    assert ours.assertion_method == theirs.assertion_method
    assert ours.authentication == theirs.authentication
    # X25519 key-agreement methods are skipped by this verifier: unsupported when used.
    with pytest.raises(VCError) as info:
        theirs.get_verification_method(x_vm["id"])
    assert info.value.code == "vm.unsupported_type"


def _x25519_ids() -> list[str]:
    path = VECTORS / "w3c-ccg-did-method-key.x25519.json"
    if not path.is_file():
        return ["absent"]
    return list(json.loads(path.read_text(encoding="utf-8"))["didDocument"])


@pytest.mark.parametrize("did", _x25519_ids())
def test_x25519_did_key_is_wrong_multicodec(did: str) -> None:
    # X25519 did:keys are key-agreement only; this verifier resolves Ed25519 did:keys only.
    _load("w3c-ccg-did-method-key.x25519.json")
    with pytest.raises(VCError) as info:
        resolve_did_key(did)
    assert info.value.code == "key.invalid_multicodec"


def test_good_did_key_resolves() -> None:
    document = resolve_did_key(GOOD)
    vm_id = f"{GOOD}#{GOOD.split(':')[-1]}"
    assert document.id == GOOD
    assert document.assertion_method == {vm_id}
    assert document.authentication == {vm_id}
    assert document.get_verification_method(vm_id).controller == GOOD


def test_versioned_did_key_accepted() -> None:
    assert parse_did_key("did:key:1:" + GOOD.split(":")[-1]) == parse_did_key(GOOD)


@pytest.mark.parametrize(
    ("did", "code"),
    [
        pytest.param("did:key:zTjsVPtY", "key.invalid_length", id="short-key"),
        pytest.param("did:key:z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",
                     "key.invalid_multicodec", id="x25519-codec"),
        pytest.param("did:key:u" + GOOD.split(":")[-1][1:], "key.invalid_multibase",
                     id="u-multibase"),
        pytest.param("did:key:" + GOOD.split(":")[-1][1:], "key.invalid_multibase",
                     id="no-multibase-header"),
        pytest.param("did:key:1.0:" + GOOD.split(":")[-1], "did.invalid", id="version-1.0"),
        pytest.param("did:key:x:" + GOOD.split(":")[-1], "did.invalid", id="version-x"),
        pytest.param("did:key:0:" + GOOD.split(":")[-1], "did.invalid", id="version-0"),
        pytest.param("did:key:2:" + GOOD.split(":")[-1], "did.invalid", id="version-2"),
        pytest.param("did:key:", "did.invalid", id="empty"),
        pytest.param(GOOD + "#" + GOOD.split(":")[-1], "did.invalid", id="did-url"),
        pytest.param("did:web:example.com", "did.invalid", id="other-method"),
    ],
)
def test_bad_did_key(did: str, code: str) -> None:
    with pytest.raises(VCError) as info:
        resolve_did_key(did)
    assert info.value.code == code


def test_did_key_of_generated_key_round_trips() -> None:
    pair = Ed25519KeyPair.generate()
    assert parse_did_key(pair.public.did_key) == pair.public
    assert isinstance(parse_did_key(pair.public.did_key), Ed25519PublicKey)
