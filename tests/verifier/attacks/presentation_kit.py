"""Shared pieces for the presentation attack tests: fixed did:key parties, a badge about the
holder, presentations signed by whoever the attack needs, and an offline verifier.

Everything is built in the test run (no third-party data is committed); the JSON-LD contexts
come from ``../shared/interop/contexts`` through the ``contexts`` fixture.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.policy import Policy
from verifier.presentation import ChallengeStore, MemoryChallengeStore
from verifier.proofs import add_proof
from verifier.report import Status, VerificationReport
from verifier.suites import default_suites
from verifier.verification import Verifier

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CREATED = "2026-03-01T11:00:00Z"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")

ISSUER = Ed25519KeyPair.from_seed(b"presentation attack issuer".ljust(32, b"."))
HOLDER = Ed25519KeyPair.from_seed(b"presentation attack holder".ljust(32, b"."))
ATTACKER = Ed25519KeyPair.from_seed(b"presentation attack attacker".ljust(32, b"."))

CHALLENGE = "attack-test-challenge-0123456789"
OLD_CHALLENGE = "an-older-challenge-0123456789ab"
DOMAIN = "hr.lakeview.example"
EMAIL = "maya.alvarez@lakeview.example"


def did(key: Ed25519KeyPair) -> str:
    return key.public.did_key


def vm_of(key: Ed25519KeyPair) -> str:
    return f"{key.public.did_key}#{key.public.multibase}"


def badge(subject: dict[str, Any] | None = None) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential, by default about the holder."""
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:3c1f2d0e-6a57-4b8e-9f21-7d4c0b9e5a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Checking for Student Understanding",
        "issuer": {"id": did(ISSUER), "type": ["Profile"], "name": "Educator Lab"},
        "validFrom": "2025-09-01T00:00:00Z",
        "credentialSubject": subject if subject is not None else {
            "id": did(HOLDER),
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://educatorlab.example/achievements/cfsu",
                "type": ["Achievement"],
                "name": "Checking for Student Understanding",
                "criteria": {"narrative": "Three observed lessons with exit tickets."},
            },
        },
    }


def achievement_subject(**fields: Any) -> dict[str, Any]:
    subject = copy.deepcopy(badge()["credentialSubject"])
    subject.pop("id")
    subject.update(fields)
    return subject


def sign(store: ContextStore, document: dict[str, Any], key: Ed25519KeyPair, *,
         purpose: str = "assertionMethod", suite: str = "eddsa-rdfc-2022",
         vm: str | None = None, **options: Any) -> dict[str, Any]:
    """``document`` with one more proof by ``key`` (a proof set when it had one)."""
    options = {k: v for k, v in options.items() if v is not None}
    return add_proof(copy.deepcopy(document), key, suites=default_suites(), suite=suite,
                     verification_method=vm or vm_of(key), purpose=purpose,
                     created=options.pop("created", CREATED), document_loader=store.document_loader,
                     extra=options or None)


def presentation(credentials: list[Any], *, holder: Any = None, suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """An unsigned VCDM 2.0 presentation (the 2020 suite needs its context)."""
    context = [V2, ED25519_2020] if suite == "Ed25519Signature2020" else [V2]
    return {"@context": context, "type": ["VerifiablePresentation"],
            "holder": did(HOLDER) if holder is None else holder,
            "verifiableCredential": credentials}


def present(store: ContextStore, document: dict[str, Any], key: Ed25519KeyPair = HOLDER, *,
            suite: str = "eddsa-rdfc-2022", purpose: str = "authentication",
            **options: Any) -> dict[str, Any]:
    """Sign ``document`` as ``key`` for the test request (override challenge/domain, or None)."""
    options = {"challenge": CHALLENGE, "domain": DOMAIN, **options}
    return sign(store, document, key, purpose=purpose, suite=suite, **options)


def make_verifier(store: ContextStore, challenges: ChallengeStore | None = None,
                  policy: Policy | None = None) -> Verifier:
    """An offline verifier at ``NOW`` (did:key needs no network), with its own challenge store."""
    clock = FixedClock(NOW)
    return Verifier(contexts=store, keys=ResolverKeyLookup.create(StaticFetcher({}), clock),
                    fetcher=StaticFetcher({}), clock=clock, policy=policy,
                    challenges=challenges if challenges is not None else MemoryChallengeStore())


def presentation_result(report: VerificationReport) -> tuple[Status, str | None]:
    check = report.check("presentation")
    assert check is not None, report.to_json()
    return check.status, check.code


def all_checks(report: VerificationReport) -> dict[str, tuple[str, str | None]]:
    return {c.id: (c.status.value, c.code) for c in report.checks}
