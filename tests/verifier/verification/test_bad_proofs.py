"""BAD_INPUTS.md section A, proof-level items (2–10, 17–22, 25, 40, 41).

Each case mutates a freshly signed credential and asserts the stable error code. The positive
twin, ``test_untouched_badge_verifies`` and the ``*_ok`` cases, shows the same path passing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from verifier.multibase import multibase_decode, multibase_encode
from verifier.proofs import ProofChecker

from .conftest import ATTACKER, ISSUER, badge_v2, credential_v1

Mutator = Callable[[dict[str, Any]], None]


def _set_proof(key: str, value: Any) -> Mutator:
    def mutate(doc: dict[str, Any]) -> None:
        doc["proof"][key] = value
    return mutate


def _del_proof(key: str) -> Mutator:
    def mutate(doc: dict[str, Any]) -> None:
        del doc["proof"][key]
    return mutate


def _resize_signature(n: int) -> Mutator:
    def mutate(doc: dict[str, Any]) -> None:
        sig = multibase_decode(doc["proof"]["proofValue"])
        doc["proof"]["proofValue"] = multibase_encode((sig * 2)[:n])
    return mutate


def _flip_last_byte(doc: dict[str, Any]) -> None:
    sig = bytearray(multibase_decode(doc["proof"]["proofValue"]))
    sig[-1] ^= 0x01
    doc["proof"]["proofValue"] = multibase_encode(bytes(sig))


def _rename_subject(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["name"] = "Someone Else"


def _add_undefined_type(doc: dict[str, Any]) -> None:
    doc["type"].append("TotallyUndefinedType")


CASES: list[tuple[str, Mutator, str]] = [
    ("proof-null", lambda d: d.__setitem__("proof", None), "proof.missing"),
    ("proof-string", lambda d: d.__setitem__("proof", "abc"), "proof.malformed"),
    ("no-proof", lambda d: d.pop("proof"), "proof.missing"),
    ("type-missing", _del_proof("type"), "proof.unsupported_type"),
    ("type-unknown", _set_proof("type", "UnknownProofType"), "proof.unsupported_type"),
    ("cryptosuite-missing", _del_proof("cryptosuite"), "proof.unsupported_suite"),
    ("cryptosuite-number", _set_proof("cryptosuite", 7), "proof.unsupported_suite"),
    ("cryptosuite-unknown", _set_proof("cryptosuite", "UnknownCryptosuite"), "proof.unsupported_suite"),
    ("rdfc-rewritten-to-jcs", _set_proof("cryptosuite", "eddsa-jcs-2022"), "proof.invalid_signature"),
    ("proofvalue-missing", _del_proof("proofValue"), "proof.value_missing"),
    ("proofvalue-null", _set_proof("proofValue", None), "proof.value_missing"),
    ("proofvalue-no-header", lambda d: d["proof"].__setitem__("proofValue", d["proof"]["proofValue"][1:]),
     "proof.invalid_multibase"),
    ("proofvalue-u-header", lambda d: d["proof"].__setitem__("proofValue", "u" + d["proof"]["proofValue"][1:]),
     "proof.invalid_multibase"),
    ("proofvalue-bad-alphabet", lambda d: d["proof"].__setitem__("proofValue", "z0OIl" + d["proof"]["proofValue"][5:]),
     "proof.invalid_multibase"),
    ("signature-63-bytes", _resize_signature(63), "proof.invalid_signature_length"),
    ("signature-96-bytes", _resize_signature(96), "proof.invalid_signature_length"),
    ("last-byte-flipped", _flip_last_byte, "proof.invalid_signature"),
    ("subject-name-changed", _rename_subject, "proof.invalid_signature"),
    ("undefined-type", _add_undefined_type, "jsonld.data_loss"),
    ("proof-context-differs", _set_proof("@context", ["https://www.w3.org/2018/credentials/v1"]),
     "proof.context_mismatch"),
    ("purpose-missing", _del_proof("proofPurpose"), "proof.invalid_purpose"),
    ("purpose-invalid", _set_proof("proofPurpose", "invalidPurpose"), "proof.invalid_purpose"),
    ("purpose-authentication-on-vc", _set_proof("proofPurpose", "authentication"), "proof.invalid_purpose"),
    ("vm-missing", _del_proof("verificationMethod"), "vm.invalid"),
    ("vm-relative", _set_proof("verificationMethod", "#key-1"), "vm.invalid"),
    ("vm-not-url", _set_proof("verificationMethod", "not a url"), "vm.invalid"),
    ("did-key-fragment-mismatch",
     lambda d: d["proof"].__setitem__("verificationMethod",
                                      f"{ISSUER.public.did_key}#{ATTACKER.public.multibase}"),
     "vm.fragment_mismatch"),
    ("created-month-13", _set_proof("created", "2024-13-45T00:00:00Z"), "proof.invalid_date"),
    ("created-far-future", _set_proof("created", "2030-01-01T00:00:00Z"), "proof.invalid_date"),
    ("expires-past", _set_proof("expires", "2020-01-01T00:00:00Z"), "proof.expired"),
]


def _first_code(checker: ProofChecker, doc: dict[str, Any]) -> str | None:
    outcome = checker.verify(doc, expected_controller=ISSUER.public.did_key)
    err = outcome.first_error
    return err.code if err else None


def test_untouched_badge_verifies(checker: ProofChecker, good_badge: dict[str, Any]) -> None:
    outcome = checker.verify(good_badge, expected_controller=ISSUER.public.did_key)
    assert outcome.all_signatures_ok
    assert all(r.binding is not None and r.binding.bound for r in outcome.results)


@pytest.mark.parametrize(("name", "mutate", "code"), CASES, ids=[c[0] for c in CASES])
def test_bad_proof(name: str, mutate: Mutator, code: str, checker: ProofChecker,
                   good_badge: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_badge)
    mutate(doc)
    assert _first_code(checker, doc) == code


def test_undefined_term_under_vc_v1_is_data_loss(checker: ProofChecker, sign: Any) -> None:  # BAD_INPUTS 11
    signed = sign(credential_v1(ISSUER.public.did_key))
    assert _first_code(checker, signed) is None  # positive twin
    signed["credentialSubject"]["favouriteColour"] = "teal"
    assert _first_code(checker, signed) == "jsonld.data_loss"


def test_attacker_did_key_is_not_bound_to_a_did_web_issuer(checker: ProofChecker, sign: Any) -> None:  # BAD_INPUTS 20
    issuer = "did:web:pl.lakeview.example"
    forged = sign(badge_v2(issuer), key=ATTACKER)
    outcome = checker.verify(forged, expected_controller=issuer)
    assert outcome.all_signatures_ok  # the content is intact…
    binding = outcome.results[0].binding
    assert binding is not None and not binding.bound  # …but the key is not the issuer's
    assert binding.problem is not None and binding.problem.code == "vm.controller_mismatch"
    own = sign(badge_v2(ATTACKER.public.did_key), key=ATTACKER)
    twin = checker.verify(own, expected_controller=ATTACKER.public.did_key)
    assert twin.results[0].binding is not None and twin.results[0].binding.bound


def test_ed25519signature2020_with_a_foreign_canonicalization_fails(checker: ProofChecker, sign: Any) -> None:  # BAD_INPUTS 40
    doc = badge_v2(ISSUER.public.did_key)
    doc["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    signed = sign(doc, suite="Ed25519Signature2020")
    assert _first_code(checker, signed) is None
    signed["proof"]["canonicalizationAlgorithm"] = "URGNA2012"
    assert _first_code(checker, signed) == "proof.invalid_signature"


def test_proof_set_with_one_bad_proof_fails_at_that_proof(checker: ProofChecker, sign: Any) -> None:  # BAD_INPUTS 41
    doc = sign(badge_v2(ISSUER.public.did_key), id="urn:uuid:proof-1")
    both = sign(doc, key=ISSUER, id="urn:uuid:proof-2")
    assert len(both["proof"]) == 2
    assert checker.verify(both).all_signatures_ok
    _flip = copy.deepcopy(both)
    sig = bytearray(multibase_decode(_flip["proof"][1]["proofValue"]))
    sig[0] ^= 1
    _flip["proof"][1]["proofValue"] = multibase_encode(bytes(sig))
    outcome = checker.verify(_flip)
    assert [r.signature_ok for r in outcome.results] == [True, False]
    assert outcome.first_error is not None and outcome.first_error.path == "$.proof[1].proofValue"


def test_previous_proof_must_name_an_earlier_proof_of_the_set(checker: ProofChecker, sign: Any) -> None:  # BAD_INPUTS 41
    first = sign(badge_v2(ISSUER.public.did_key), id="urn:uuid:proof-1")
    chained = sign(first, key=ATTACKER, id="urn:uuid:proof-2", previousProof="urn:uuid:proof-1")
    assert checker.verify(chained).all_signatures_ok
    dangling = copy.deepcopy(chained)
    dangling["proof"][1]["previousProof"] = "urn:uuid:nowhere"
    assert _first_code(checker, dangling) == "proof.chain_error"
    not_string = copy.deepcopy(chained)
    not_string["proof"][1]["previousProof"] = 42
    assert _first_code(checker, not_string) == "proof.chain_error"
    # Removing the earlier proof breaks the chain even though the later signature is intact.
    orphan = copy.deepcopy(chained)
    orphan["proof"] = [orphan["proof"][1]]
    assert _first_code(checker, orphan) == "proof.chain_error"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_each_suite_signs_and_verifies(suite: str, checker: ProofChecker, sign: Any) -> None:
    signed = sign(badge_v2(ISSUER.public.did_key), suite=suite)
    assert _first_code(checker, signed) is None
    signed["name"] = "Tampered"
    assert _first_code(checker, signed) == "proof.invalid_signature"

