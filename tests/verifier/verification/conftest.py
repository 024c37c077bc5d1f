"""Signed credentials built in the test run, and a verifier over the interop contexts."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import ProofChecker, add_proof
from verifier.suites import default_suites
from verifier.verification import Verifier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER = Ed25519KeyPair.from_seed(bytes(range(32)))
ATTACKER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))


def vm_of(key: Ed25519KeyPair) -> str:
    return f"{key.public.did_key}#{key.public.multibase}"


def badge_v2(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0b4c6a52-1d7e-4d8a-9d51-1c4f6a0e2b11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Formative Assessment",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Lakeview District Professional Learning"},
        "validFrom": "2025-09-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:teacher-okafor",
            "type": ["AchievementSubject"],
            "name": "Adaeze Okafor",
            "achievement": {
                "id": "https://pl.lakeview.example/achievements/formative-assessment",
                "type": ["Achievement"],
                "name": "Formative Assessment",
                "criteria": {"narrative": "Three annotated exit tickets and a reflection."},
            },
        },
    }


def credential_v1(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "https://w3id.org/security/data-integrity/v2"],
        "id": "urn:uuid:7d0a2f33-5b7c-4c1e-8a8f-2e6e1b9c4d21",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-09-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:teacher-okafor"},
    }


@pytest.fixture(scope="session")
def sign(test_contexts: Any) -> Callable[..., dict[str, Any]]:
    def _sign(doc: dict[str, Any], key: Ed25519KeyPair = ISSUER, suite: str = "eddsa-rdfc-2022",
              purpose: str = "assertionMethod", **extra: Any) -> dict[str, Any]:
        return add_proof(copy.deepcopy(doc), key, suites=default_suites(), suite=suite,
                         verification_method=extra.pop("vm", vm_of(key)), purpose=purpose,
                         created=extra.pop("created", "2025-09-01T00:00:00Z"),
                         document_loader=test_contexts.document_loader, extra=extra or None)
    return _sign


@pytest.fixture(scope="session")
def checker(test_contexts: Any) -> ProofChecker:
    clock = FixedClock(NOW)
    keys = ResolverKeyLookup.create(StaticFetcher({}), clock)
    return ProofChecker(default_suites(), keys, clock, test_contexts.document_loader)


@pytest.fixture(scope="session")
def verifier(contexts: Any) -> Verifier:
    clock = FixedClock(NOW)
    return Verifier(contexts=contexts, keys=ResolverKeyLookup.create(StaticFetcher({}), clock),
                    clock=clock)


@pytest.fixture()
def good_badge(sign: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return sign(badge_v2(ISSUER.public.did_key))
