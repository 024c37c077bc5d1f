"""The W3C vc-di-eddsa test vectors reproduce byte for byte, and tampering is caught."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from verifier import jcs
from verifier.canon import canonize
from verifier.errors import ProofError
from verifier.keys import Ed25519KeyPair
from verifier.suites import default_suites
from verifier.suites.base import check_signature, sign, strip_proof

CASES = {
    # name: (folder, file suffix, canonicalization)
    "eddsa-rdfc-2022": ("eddsa-rdfc-2022", "DataInt", "rdfc"),
    "eddsa-jcs-2022": ("eddsa-jcs-2022", "JCS", "jcs"),
    "Ed25519Signature2020": ("Ed25519Signature2020", "EdSig", "rdfc"),
}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def vectors(interop: Path) -> Path:
    return interop / "vectors" / "vc-di-eddsa"


@pytest.fixture(scope="module")
def key(vectors: Path) -> Ed25519KeyPair:
    pair = load_json(vectors / "keyPair.json")
    kp = Ed25519KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    assert kp.public.multibase == pair["publicKeyMultibase"]
    return kp


def _canon(kind: str, doc: dict[str, Any], loader: Any) -> str:
    if kind == "jcs":
        return jcs.canonicalize(doc).decode("utf-8")
    return canonize(doc, document_loader=loader)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vector_reproduces(name: str, vectors: Path, key: Ed25519KeyPair, test_contexts: Any) -> None:
    folder, suffix, kind = CASES[name]
    base = vectors / folder
    loader = test_contexts.document_loader
    suite = default_suites().by_name(name)
    signed = load_json(base / f"signed{suffix}.json")
    unsecured = strip_proof(signed)
    options = load_json(base / f"proofConfig{suffix}.json")

    doc_canon = _canon(kind, unsecured, loader)
    assert doc_canon == _text(base / f"canonDoc{suffix}.txt")
    config = suite.proof_config(unsecured, options)
    assert _canon(kind, config, loader) == _text(base / f"proofCanon{suffix}.txt")

    doc_hash = hashlib.sha256(doc_canon.encode()).hexdigest()
    assert doc_hash == _text(base / f"docHash{suffix}.txt").strip()
    proof_hash = hashlib.sha256(_canon(kind, config, loader).encode()).hexdigest()
    assert proof_hash == _text(base / f"proofHash{suffix}.txt").strip()
    data = suite.hash_data(unsecured, config, document_loader=loader)
    assert data.hex() == _text(base / f"combinedHash{suffix}.txt").strip()

    proof = sign(suite, unsecured, {k: v for k, v in options.items() if k != "@context"}
                 if name == "Ed25519Signature2020" else options, key, document_loader=loader)
    assert key.sign(data).hex() == _text(base / f"sigHex{suffix}.txt").strip()
    assert proof["proofValue"] == _text(base / f"sigBTC58{suffix}.txt").strip()
    assert proof["proofValue"] == signed["proof"]["proofValue"]

    check_signature(suite, unsecured, signed["proof"], key.public, document_loader=loader)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vector_tampered_fails(name: str, vectors: Path, key: Ed25519KeyPair, test_contexts: Any) -> None:
    folder, suffix, _ = CASES[name]
    signed = load_json(vectors / folder / f"signed{suffix}.json")
    suite = default_suites().by_name(name)
    loader = test_contexts.document_loader
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    with pytest.raises(ProofError) as err:
        check_signature(suite, strip_proof(tampered), tampered["proof"], key.public,
                        document_loader=loader)
    assert err.value.code == "proof.invalid_signature"


@pytest.mark.parametrize("name", sorted(CASES))
def test_vector_flipped_signature_byte_fails(name: str, vectors: Path, key: Ed25519KeyPair,
                                              test_contexts: Any) -> None:
    import base58

    folder, suffix, _ = CASES[name]
    signed = load_json(vectors / folder / f"signed{suffix}.json")
    suite = default_suites().by_name(name)
    sig = bytearray(base58.b58decode(signed["proof"]["proofValue"][1:]))
    sig[-1] ^= 0x01
    proof = dict(signed["proof"], proofValue="z" + base58.b58encode(bytes(sig)).decode())
    with pytest.raises(ProofError) as err:
        check_signature(suite, strip_proof(signed), proof, key.public,
                        document_loader=test_contexts.document_loader)
    assert err.value.code == "proof.invalid_signature"

