"""Proof sets and chains cost about one canonicalization per document, however many proofs:
each distinct signed input is canonicalized once, a document may carry at most 16 proofs
(``proof.too_many``, configurable), checking stops at the first proof that fails, and the RDFC
work budget counts per document across its proofs.

Costs are asserted by counting canonicalizations (a wrapper around ``verifier.canon.canonize``),
never by timing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import (
    ISSUER,
    NOW,
    OTHER_KEY,
    VC_V2,
    badge,
    codes,
    contexts,
    sign,
    verifier,
)
from verifier import canon
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.policy import Policy
from verifier.proofs import DEFAULT_MAX_PROOFS, ProofChecker
from verifier.suites import default_suites

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")


class Counter:
    """Counts canonicalizations of documents (with a credentialSubject) and of proof options."""

    def __init__(self) -> None:
        self.documents = 0
        self.options = 0


@pytest.fixture
def count(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    counter = Counter()
    real = canon.canonize

    def counting(document: Any, **kwargs: Any) -> str:
        if isinstance(document, dict) and "credentialSubject" in document:
            counter.documents += 1
        else:
            counter.options += 1
        return real(document, **kwargs)

    monkeypatch.setattr(canon, "canonize", counting)
    yield counter


def large_badge() -> dict[str, Any]:
    """About 1.2 MB of real content: 3,000 pieces of evidence."""
    document = badge()
    document["evidence"] = [{"type": ["Evidence"], "name": f"Exit ticket {n}",
                             "description": f"Annotated exit ticket number {n} " + "x" * 300}
                            for n in range(3000)]
    return document


@pytest.fixture(scope="module")
def large_signed() -> dict[str, Any]:
    return sign(large_badge())


def with_proofs(signed: dict[str, Any], count: int) -> dict[str, Any]:
    """The same valid proof ``count`` times: each copy verifies on its own."""
    return dict(signed, proof=[copy.deepcopy(signed["proof"]) for _ in range(count)])


def test_thousands_of_proofs_on_a_large_input_are_refused_before_any_canonicalization(
        large_signed: dict[str, Any], count: Counter) -> None:
    data = json.dumps(with_proofs(large_signed, 3000)).encode("utf-8")
    assert len(data) > 1_000_000
    report = verifier().verify_credential(data)
    assert codes(report)["proof"] == ("failed", "proof.too_many")
    assert report.check("proof").path == "$.proof"
    assert report.check("proof").details == {"proofs": [], "count": 3000, "limit": 16}  # none attempted
    assert (count.documents, count.options) == (0, 0)
    assert codes(report)["trust"][0] == "skipped" and not report.verified


def test_twin_the_large_input_with_one_proof_verifies_with_one_canonicalization(
        large_signed: dict[str, Any], count: Counter) -> None:
    report = verifier().verify_credential(json.dumps(large_signed).encode("utf-8"))
    assert report.verified
    assert (count.documents, count.options) == (1, 1)


def test_a_full_proof_set_costs_one_canonicalization_of_the_document(
        large_signed: dict[str, Any], count: Counter) -> None:
    report = verifier().verify_credential(with_proofs(large_signed, DEFAULT_MAX_PROOFS))
    assert report.verified and DEFAULT_MAX_PROOFS == 16
    assert len(report.check("proof").details["proofs"]) == 16
    assert count.documents == 1  # not 16
    assert count.options == 16  # each proof's own options (small)


def test_one_proof_over_the_cap_is_refused_and_the_cap_is_configurable() -> None:
    signed = sign(badge())
    over = with_proofs(signed, DEFAULT_MAX_PROOFS + 1)
    report = verifier().verify_credential(over)
    assert codes(report)["proof"] == ("failed", "proof.too_many")
    assert report.check("proof").code == "proof.too_many"
    assert verifier(policy=Policy(max_proofs=DEFAULT_MAX_PROOFS + 1)).verify_credential(over).verified
    with pytest.raises(ValueError):
        ProofChecker(default_suites(), ResolverKeyLookup.create(StaticFetcher({}), FixedClock(NOW)),
                     FixedClock(NOW), contexts().document_loader, max_proofs=0)


def test_checking_stops_at_the_first_proof_that_fails(count: Counter) -> None:
    signed = sign(badge())
    good = signed["proof"]
    bad = dict(good, proofValue=sign(badge(name="Something else"))["proof"]["proofValue"])
    count.documents = count.options = 0
    report = verifier().verify_credential(dict(signed, proof=[good, bad, good, good]))
    proof = report.check("proof")
    assert (proof.status.value, proof.code, proof.path) == ("failed", "proof.invalid_signature", "$.proof[1].proofValue")
    assert [p["result"] for p in proof.details["proofs"]] == ["valid", "proof.invalid_signature"]
    assert proof.details["notAttempted"] == 2
    assert count.documents == 1 and count.options == 2  # the last two proofs were not attempted
    # twin: the same set without the bad proof verifies every proof
    twin = verifier().verify_credential(dict(signed, proof=[good, good, good]))
    assert twin.verified and "notAttempted" not in twin.check("proof").details


def test_a_chain_canonicalizes_each_distinct_input_once(count: Counter) -> None:
    first = sign(badge(), id="urn:proof:1")
    second = sign(first, id="urn:proof:2", previousProof="urn:proof:1")
    third = sign(second, OTHER_KEY, id="urn:proof:3", previousProof="urn:proof:1")
    checker = verifier().proofs
    count.documents = count.options = 0
    outcome = checker.verify(third, expected_controller=ISSUER)
    assert [r.signature_ok for r in outcome.results] == [True, True, True]
    # the unsecured document, and the document with proof 1 (shared by proofs 2 and 3)
    assert count.documents == 2 and count.options == 3


def _symmetric(peers: int) -> dict[str, Any]:
    """A small credential whose blank nodes look alike, so canonicalization spends budget."""
    return {"@context": [VC_V2, {"peers": "https://example.org/peers", "knows": "https://example.org/knows"}],
            "type": ["VerifiableCredential"], "issuer": ISSUER, "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:x", "peers": [{"knows": "same"} for _ in range(peers)]}}


def test_the_work_budget_counts_per_document_across_its_proofs() -> None:
    """One canonicalization of this document needs 18 units; a chain needs two distinct inputs.
    With a budget of 30 each would fit alone, but not together: the chain is refused."""
    first = sign(_symmetric(6), id="urn:proof:1")
    chain = sign(first, id="urn:proof:2", previousProof="urn:proof:1")
    clock = FixedClock(NOW)

    def checker(max_work: int) -> ProofChecker:
        return ProofChecker(default_suites(), ResolverKeyLookup.create(StaticFetcher({}), clock), clock,
                            contexts().document_loader, max_work=max_work)

    alone = checker(30).verify(first, expected_controller=ISSUER)
    assert alone.all_signatures_ok  # twin: one proof fits the budget
    refused = checker(30).verify(chain, expected_controller=ISSUER)
    assert [r.error.code if r.error else "valid" for r in refused.results] == [
        "valid", "canonicalization.limit_exceeded"]
    assert checker(200).verify(chain, expected_controller=ISSUER).all_signatures_ok  # twin: enough budget
