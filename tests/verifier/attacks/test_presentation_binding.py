"""Attacks on presentation binding: one proof, by the holder, carries the whole request.

Each attack is a presentation an attacker could send without breaking a signature; each has a
positive twin (the same presentation, unattacked) that verifies. The rule under test
(``verifier.presentation``): every proof is the holder's and verifies, only ``authentication``
proofs, and one of them carries challenge, domain and an unexpired ``expires`` by itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.verifier.attacks.presentation_kit import (
    ATTACKER,
    CHALLENGE,
    DOMAIN,
    HOLDER,
    ISSUER,
    OLD_CHALLENGE,
    SUITES,
    all_checks,
    badge,
    did,
    make_verifier,
    present,
    presentation,
    presentation_result,
    sign,
    vm_of,
)
from verifier.contexts import ContextStore
from verifier.presentation import MemoryChallengeStore
from verifier.report import Status

FAILED, PASSED = Status.FAILED, Status.PASSED


@pytest.fixture(scope="module")
def credential(contexts: ContextStore) -> dict[str, Any]:
    return sign(contexts, badge(), ISSUER)


def unsigned(credential: dict[str, Any], suite: str = "eddsa-rdfc-2022", **kw: Any) -> dict[str, Any]:
    return presentation([credential], suite=suite, **kw)


def verify(contexts: ContextStore, vp: dict[str, Any], **kw: Any) -> Any:
    return make_verifier(contexts).verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN, **kw)


# -- positive twins ---------------------------------------------------------------------------------

@pytest.mark.parametrize("suite", SUITES)
def test_twin_holder_proof_with_challenge_and_domain_verifies(contexts: ContextStore,
                                                              credential: dict[str, Any], suite: str) -> None:
    vp = present(contexts, unsigned(credential, suite), suite=suite)
    report = verify(contexts, vp)
    assert report.verified, report.to_json()
    assert presentation_result(report) == (PASSED, None)


def test_twin_two_holder_proofs_one_binding_verifies(contexts: ContextStore,
                                                     credential: dict[str, Any]) -> None:
    """A proof set by the holder where only one proof carries the request is fine."""
    vp = present(contexts, unsigned(credential), challenge=None, domain=None)
    vp = present(contexts, vp)
    report = verify(contexts, vp)
    assert report.verified, report.to_json()
    assert report.check("presentation").details["bindingProof"] == "$.proof[1]"  # type: ignore[union-attr]


def test_twin_domain_list_containing_the_asked_domain(contexts: ContextStore,
                                                      credential: dict[str, Any]) -> None:
    vp = present(contexts, unsigned(credential), domain=["other.example", DOMAIN])
    assert verify(contexts, vp).verified


def test_twin_unexpired_binding_proof(contexts: ContextStore, credential: dict[str, Any]) -> None:
    vp = present(contexts, unsigned(credential), expires="2026-03-01T13:00:00Z")
    assert verify(contexts, vp).verified


# -- 1. captured presentation + an extra proof by the attacker -----------------------------------

@pytest.mark.parametrize("suite", SUITES)
def test_captured_presentation_plus_attacker_proof_with_the_right_challenge(
        contexts: ContextStore, credential: dict[str, Any], suite: str) -> None:
    captured = present(contexts, unsigned(credential, suite), suite=suite, challenge=OLD_CHALLENGE)
    replay = present(contexts, captured, ATTACKER, suite=suite)  # fresh challenge, attacker's key
    report = verify(contexts, replay)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.foreign_proof")
    assert report.check("presentation").details["signer"] == did(ATTACKER)  # type: ignore[union-attr]
    # twin: the holder answering the fresh challenge themselves
    assert verify(contexts, present(contexts, unsigned(credential, suite), suite=suite)).verified


def test_attacker_proof_first_in_the_set(contexts: ContextStore, credential: dict[str, Any]) -> None:
    """The order of the set does not matter: the attacker's proof before the holder's."""
    first = present(contexts, unsigned(credential), ATTACKER)
    vp = present(contexts, first, challenge=OLD_CHALLENGE)
    assert presentation_result(verify(contexts, vp)) == (FAILED, "presentation.foreign_proof")


def test_attacker_proof_chained_to_the_holder_proof(contexts: ContextStore, credential: dict[str, Any]) -> None:
    """A previousProof chain does not make the attacker's proof the holder's."""
    captured = present(contexts, unsigned(credential), challenge=OLD_CHALLENGE, id="urn:proof:holder")
    vp = present(contexts, captured, ATTACKER, previousProof="urn:proof:holder")
    assert presentation_result(verify(contexts, vp)) == (FAILED, "presentation.foreign_proof")


def test_holder_as_an_object_with_an_attacker_proof(contexts: ContextStore, credential: dict[str, Any]) -> None:
    doc = unsigned(credential, holder={"id": did(HOLDER), "name": "Maya Alvarez"})
    captured = present(contexts, doc, challenge=OLD_CHALLENGE)
    assert presentation_result(verify(contexts, present(contexts, captured, ATTACKER))) == (
        FAILED, "presentation.foreign_proof")
    assert verify(contexts, present(contexts, doc)).verified  # twin


def test_presentation_signed_only_by_someone_else(contexts: ContextStore, credential: dict[str, Any]) -> None:
    vp = present(contexts, unsigned(credential), ATTACKER)
    assert presentation_result(verify(contexts, vp)) == (FAILED, "presentation.holder_mismatch")


def test_attacker_claims_the_holders_did_with_their_own_key(contexts: ContextStore,
                                                            credential: dict[str, Any]) -> None:
    """The attacker's key under the holder's DID: the did:key fragment gives it away."""
    captured = present(contexts, unsigned(credential), challenge=OLD_CHALLENGE)
    forged = present(contexts, captured, ATTACKER, vm=f"{did(HOLDER)}#{ATTACKER.public.multibase}")
    report = verify(contexts, forged)
    assert not report.verified
    assert presentation_result(report)[0] is FAILED


# -- 2. challenge in one proof, domain in another -----------------------------------------------

@pytest.mark.parametrize(("first", "second"), [
    ({"domain": "other.example"}, {"challenge": OLD_CHALLENGE}),
    ({"domain": None}, {"challenge": None}),
], ids=["each-wrong-in-one", "each-missing-in-one"])
def test_challenge_in_one_holder_proof_domain_in_another(contexts: ContextStore, credential: dict[str, Any],
                                                         first: dict[str, Any], second: dict[str, Any]) -> None:
    vp = present(contexts, present(contexts, unsigned(credential), **first), **second)
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.domain_mismatch")


def test_challenge_and_domain_split_between_holder_and_attacker(contexts: ContextStore,
                                                                credential: dict[str, Any]) -> None:
    vp = present(contexts, present(contexts, unsigned(credential), domain=None), ATTACKER, challenge=None)
    assert presentation_result(verify(contexts, vp)) == (FAILED, "presentation.foreign_proof")


# -- 3. holder proof without a challenge + attacker proof with it ---------------------------------

def test_holder_proof_without_challenge_plus_attacker_proof_with_it(contexts: ContextStore,
                                                                    credential: dict[str, Any]) -> None:
    holder_only = present(contexts, unsigned(credential), challenge=None)
    assert presentation_result(verify(contexts, holder_only)) == (FAILED, "presentation.challenge_mismatch")
    vp = present(contexts, holder_only, ATTACKER)
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.foreign_proof")


# -- 4. expiry -------------------------------------------------------------------------------------

def test_expired_binding_proof_beside_an_unexpired_foreign_one(contexts: ContextStore,
                                                               credential: dict[str, Any]) -> None:
    expired = present(contexts, unsigned(credential), expires="2026-03-01T11:30:00Z")
    vp = present(contexts, expired, ATTACKER, expires="2026-03-02T00:00:00Z")
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.foreign_proof")


def test_expired_binding_proof_beside_an_unexpired_holder_proof_without_challenge(
        contexts: ContextStore, credential: dict[str, Any]) -> None:
    """Expiry is read from the proof that carries the challenge, never from another one."""
    expired = present(contexts, unsigned(credential), expires="2026-03-01T11:30:00Z")
    vp = present(contexts, expired, challenge=None, domain=None, expires="2026-03-02T00:00:00Z")
    report = verify(contexts, vp)
    assert not report.verified
    assert all_checks(report)["proof"] == ("failed", "proof.expired")
    assert presentation_result(report) == (FAILED, "presentation.proof_invalid")


def test_expired_binding_proof_alone(contexts: ContextStore, credential: dict[str, Any]) -> None:
    vp = present(contexts, unsigned(credential), expires="2026-03-01T11:30:00Z")
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.proof_invalid")


# -- 5. a proof that fails beside a good one --------------------------------------------------------

@pytest.mark.parametrize("broken", ["signature", "created-in-future", "unsupported-suite"])
def test_failing_holder_proof_beside_a_good_one(contexts: ContextStore, credential: dict[str, Any],
                                                broken: str) -> None:
    vp = present(contexts, present(contexts, unsigned(credential), challenge=None, domain=None))
    bad = vp["proof"][0]
    if broken == "signature":
        value = bad["proofValue"]
        bad["proofValue"] = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    elif broken == "created-in-future":
        vp = present(contexts, present(contexts, unsigned(credential), challenge=None, domain=None,
                                       created="2027-01-01T00:00:00Z"))
    else:
        bad["cryptosuite"] = "eddsa-unknown-2099"
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.proof_invalid")
    assert report.check("presentation").details["proof"] == 0  # type: ignore[union-attr]


def test_failing_binding_proof_beside_a_good_holder_proof(contexts: ContextStore,
                                                          credential: dict[str, Any]) -> None:
    vp = present(contexts, present(contexts, unsigned(credential)), challenge=None, domain=None)
    value = vp["proof"][0]["proofValue"]
    vp["proof"][0]["proofValue"] = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    report = verify(contexts, vp)
    assert not report.verified
    assert all_checks(report)["proof"][0] == "failed"
    assert presentation_result(report) == (FAILED, "presentation.proof_invalid")


# -- 6. purposes other than authentication -----------------------------------------------------------

def test_assertion_method_proof_alone_on_a_presentation(contexts: ContextStore,
                                                        credential: dict[str, Any]) -> None:
    vp = present(contexts, unsigned(credential), purpose="assertionMethod")
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.invalid")


@pytest.mark.parametrize("purpose", ["assertionMethod", "capabilityInvocation"])
def test_other_purpose_beside_a_good_authentication_proof(contexts: ContextStore, credential: dict[str, Any],
                                                          purpose: str) -> None:
    vp = present(contexts, present(contexts, unsigned(credential)), purpose=purpose)
    report = verify(contexts, vp)
    assert not report.verified
    assert presentation_result(report) == (FAILED, "presentation.invalid")
    assert report.check("presentation").path == "$.proof[1].proofPurpose"  # type: ignore[union-attr]


# -- option shapes an attacker might try ---------------------------------------------------------------

@pytest.mark.parametrize(("options", "code"), [
    ({"challenge": [CHALLENGE]}, "presentation.challenge_mismatch"),
    ({"challenge": CHALLENGE.upper()}, "presentation.challenge_mismatch"),
    ({"domain": [f"{DOMAIN}.evil.example"]}, "presentation.domain_mismatch"),
    ({"domain": f"https://{DOMAIN}"}, "presentation.domain_mismatch"),
], ids=["challenge-list", "challenge-case", "domain-suffix", "domain-with-scheme"])
def test_near_miss_challenge_or_domain(contexts: ContextStore, credential: dict[str, Any],
                                       options: dict[str, Any], code: str) -> None:
    report = verify(contexts, present(contexts, unsigned(credential), **options))
    assert not report.verified
    assert presentation_result(report) == (FAILED, code)


def test_no_holder_named(contexts: ContextStore, credential: dict[str, Any]) -> None:
    doc = unsigned(credential)
    del doc["holder"]
    report = verify(contexts, present(contexts, doc))
    assert presentation_result(report) == (FAILED, "presentation.holder_mismatch")


# -- in-process replay (no ledger) ---------------------------------------------------------------------

def test_one_store_lets_a_challenge_through_once(contexts: ContextStore, credential: dict[str, Any]) -> None:
    store = MemoryChallengeStore()
    verifier = make_verifier(contexts, store)
    vp = present(contexts, unsigned(credential))
    assert verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN).verified
    again = verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert presentation_result(again) == (FAILED, "presentation.challenge_reused")


def test_a_failing_presentation_does_not_spend_the_challenge(contexts: ContextStore,
                                                             credential: dict[str, Any]) -> None:
    store = MemoryChallengeStore()
    verifier = make_verifier(contexts, store)
    attacked = present(contexts, present(contexts, unsigned(credential), challenge=OLD_CHALLENGE), ATTACKER)
    assert not verifier.verify_presentation(attacked, challenge=CHALLENGE, domain=DOMAIN).verified
    assert not store.was_used(CHALLENGE)
    good = present(contexts, unsigned(credential))
    assert verifier.verify_presentation(good, challenge=CHALLENGE, domain=DOMAIN).verified


def test_keys_named_in_the_proof_are_not_trusted(contexts: ContextStore, credential: dict[str, Any]) -> None:
    """Sanity for the kit: the holder's proof names the holder's did:key method."""
    vp = present(contexts, unsigned(credential))
    assert vp["proof"]["verificationMethod"] == vm_of(HOLDER)
