"""BAD_INPUTS items 20–22 against a did:web issuer whose document is served by StaticFetcher."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import ProofChecker

from .conftest import ATTACKER, badge_v2

DID = "did:web:pl.lakeview.example"
ISSUING = Ed25519KeyPair.from_seed(b"lakeview issuing key".ljust(32, b"."))
LOGIN = Ed25519KeyPair.from_seed(b"lakeview login key".ljust(32, b"."))


def did_document() -> dict[str, Any]:
    def vm(name: str, key: Ed25519KeyPair) -> dict[str, Any]:
        return {"id": f"{DID}#{name}", "type": "Multikey", "controller": DID,
                "publicKeyMultibase": key.public.multibase}
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [vm("issuing", ISSUING), vm("login", LOGIN)],
        "assertionMethod": [f"{DID}#issuing"],
        "authentication": [f"{DID}#login"],
    }


@pytest.fixture(scope="module")
def web_checker(test_contexts: Any) -> ProofChecker:
    body = json.dumps(did_document()).encode()
    fetcher = StaticFetcher({"https://pl.lakeview.example/.well-known/did.json": body})
    clock = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
    return ProofChecker(__import__("verifier.suites", fromlist=["default_suites"]).default_suites(),
                        ResolverKeyLookup.create(fetcher, clock), clock, test_contexts.document_loader)


def _binding_code(checker: ProofChecker, doc: dict[str, Any]) -> str | None:
    outcome = checker.verify(doc, expected_controller=DID)
    assert outcome.results, outcome.error
    binding = outcome.results[0].binding
    assert binding is not None
    return binding.problem.code if binding.problem else None


def test_issuing_key_is_bound(web_checker: ProofChecker, sign: Callable[..., dict[str, Any]]) -> None:
    signed = sign(badge_v2(DID), key=ISSUING, vm=f"{DID}#issuing")
    assert web_checker.verify(signed, expected_controller=DID).all_signatures_ok
    assert _binding_code(web_checker, signed) is None


def test_attacker_key_under_the_issuer_did_is_not_in_its_document(  # BAD_INPUTS 21
        web_checker: ProofChecker, sign: Callable[..., dict[str, Any]]) -> None:
    forged = sign(badge_v2(DID), key=ATTACKER, vm=f"{DID}#{ATTACKER.public.multibase}")
    outcome = web_checker.verify(forged, expected_controller=DID)
    assert outcome.first_error is not None and outcome.first_error.code == "vm.not_found"


def test_authentication_only_key_cannot_issue(  # BAD_INPUTS 22
        web_checker: ProofChecker, sign: Callable[..., dict[str, Any]]) -> None:
    signed = sign(badge_v2(DID), key=LOGIN, vm=f"{DID}#login")
    assert web_checker.verify(signed, expected_controller=DID).all_signatures_ok
    assert _binding_code(web_checker, signed) == "vm.not_authorized"


def test_authentication_key_is_fine_for_presentations(
        web_checker: ProofChecker, sign: Callable[..., dict[str, Any]]) -> None:
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "holder": DID}
    signed = sign(vp, key=LOGIN, vm=f"{DID}#login", purpose="authentication",
                  challenge="c-123", domain="hr.lakeview.example")
    outcome = web_checker.verify(signed, purpose="authentication", expected_controller=DID,
                                 challenge="c-123", domain="hr.lakeview.example")
    assert outcome.all_signatures_ok
    assert outcome.results[0].binding is not None and outcome.results[0].binding.bound
