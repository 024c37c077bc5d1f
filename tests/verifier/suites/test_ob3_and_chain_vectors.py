"""The Open Badges 3.0 test vector and the vc-di-eddsa proof-set/chain vectors reproduce."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from verifier.canon import canonize
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import ProofChecker, add_proof
from verifier.suites import default_suites
from verifier.suites.base import check_signature, strip_proof


@pytest.fixture(scope="module")
def ob3(interop: Path) -> dict[str, Any]:
    return load_json(interop / "vectors" / "ob3" / "test-vector.extracted.json")


def test_ob3_vector_reproduces(ob3: dict[str, Any], interop: Path, contexts: Any) -> None:
    loader = contexts.document_loader  # production mode: the OB vector needs no test-only context
    suite = default_suites().by_name("eddsa-rdfc-2022")
    unsigned = ob3["unsignedCredential"]
    doc_canon = canonize(unsigned, document_loader=loader)
    assert doc_canon == (interop / "vectors" / "ob3" / "document-canon.txt").read_text(encoding="utf-8")
    config = suite.proof_config(unsigned, ob3["proofOptions"])
    proof_canon = canonize(config, document_loader=loader)
    assert proof_canon == (interop / "vectors" / "ob3" / "proof-canon.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(doc_canon.encode()).hexdigest() == ob3["documentHashHex"]
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == ob3["proofHashHex"]
    data = suite.hash_data(unsigned, config, document_loader=loader)
    assert data.hex() == ob3["dataToSignHex"]

    key = Ed25519KeyPair.from_seed(bytes.fromhex(ob3["keyPair"]["privateKeyHex"])[:32])
    assert key.public.multibase == ob3["keyPair"]["publicKeyMultibase"]
    assert key.sign(data).hex() == ob3["signatureHex"]
    signed = add_proof(unsigned, key, suites=default_suites(), suite="eddsa-rdfc-2022",
                       verification_method=ob3["proofOptions"]["verificationMethod"],
                       created=ob3["proofOptions"]["created"], document_loader=loader)
    assert signed["proof"]["proofValue"] == ob3["proofValue"]
    check_signature(suite, strip_proof(ob3["signedCredential"]), ob3["signedCredential"]["proof"],
                    key.public, document_loader=loader)


def test_ob3_vector_tampered(ob3: dict[str, Any], contexts: Any) -> None:
    from verifier.errors import ProofError

    signed = ob3["signedCredential"]
    key = Ed25519KeyPair.from_seed(bytes.fromhex(ob3["keyPair"]["privateKeyHex"])[:32])
    tampered = dict(signed, name=str(signed.get("name", "")) + " (edited)")
    with pytest.raises(ProofError) as err:
        check_signature(default_suites().by_name("eddsa-rdfc-2022"), strip_proof(tampered),
                        signed["proof"], key.public, document_loader=contexts.document_loader)
    assert err.value.code == "proof.invalid_signature"


CHAIN_STEPS = [
    # (input document, config, key name, expected signed document)
    ("unsigned.json", "proofSetConfig1.json", "keyPair1", "signedProofSet1.json"),
    ("signedProofSet1.json", "proofSetConfig2.json", "keyPair2", "signedProofSet2.json"),
    ("signedProofSet2.json", "proofChainConfig1.json", "keyPair3", "signedProofChain1.json"),
    ("signedProofChain1.json", "proofChainConfig2.json", "keyPair4", "signedProofChain2.json"),
]


@pytest.mark.parametrize("step", CHAIN_STEPS, ids=[s[3] for s in CHAIN_STEPS])
def test_proof_set_and_chain_reproduce(step: tuple[str, str, str, str], interop: Path,
                                       test_contexts: Any) -> None:
    folder = interop / "vectors" / "vc-di-eddsa" / "proof-set-chain"
    source, config_name, key_name, expected_name = step
    document = load_json(folder / source)
    config = load_json(folder / config_name)
    key = Ed25519KeyPair.from_secret_multibase(load_json(folder / "multiKeyPairs.json")[key_name]["privateKeyMultibase"])
    extra = {k: v for k, v in config.items()
             if k not in ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")}
    signed = add_proof(document, key, suites=default_suites(), suite=config["cryptosuite"],
                       verification_method=config["verificationMethod"], created=config["created"],
                       document_loader=test_contexts.document_loader, extra=extra)
    expected = load_json(folder / expected_name)
    assert [p["proofValue"] for p in _as_list(signed["proof"])] == [
        p["proofValue"] for p in _as_list(expected["proof"])]

    clock = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
    checker = ProofChecker(default_suites(), ResolverKeyLookup.create(StaticFetcher({}), clock), clock,
                           test_contexts.document_loader)
    assert checker.verify(expected).all_signatures_ok


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
