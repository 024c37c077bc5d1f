"""Shared builders for the robustness attack tests (issue 12, section 4): signed credentials in
every format for one did:key issuer, an offline verifier over the interop contexts, and a trust
list that names the issuer.

Kept out of a ``conftest.py`` so other attack suites in this folder stay independent.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.conftest import INTEROP
from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.fetch import Fetcher, StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.policy import Policy
from verifier.proofs import add_proof
from verifier.suites import default_suites
from verifier.trust import TrustedIssuer, TrustList
from verifier.verification import Verifier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
HOLDER_KEY = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
ISSUER = ISSUER_KEY.public.did_key
VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS_DIR = INTEROP / "contexts"
TRUST = TrustList("robustness tests", [TrustedIssuer(ISSUER, "The Issuer")])


def vm_of(key: Ed25519KeyPair) -> str:
    return f"{key.public.did_key}#{key.public.multibase}"


def contexts(directories: list[Path] | None = None) -> ContextStore:
    return ContextStore(directories=[CONTEXTS_DIR] if directories is None else directories,
                        allow_network=False)


def verifier(*, fetcher: Fetcher | None = None, trust: TrustList | None = None,
             policy: Policy | None = None, store: ContextStore | None = None) -> Verifier:
    clock = FixedClock(NOW)
    fetcher = fetcher if fetcher is not None else StaticFetcher({})
    return Verifier(contexts=store or contexts(), keys=ResolverKeyLookup.create(fetcher, clock),
                    fetcher=fetcher, clock=clock, trust_list=trust, policy=policy)


def badge(**extra: Any) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential (VC 2.0) of :data:`ISSUER`."""
    document: dict[str, Any] = {
        "@context": [VC_V2, OB3],
        "id": "urn:uuid:0b4c6a52-1d7e-4d8a-9d51-1c4f6a0e2b11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Formative Assessment",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Lakeview District Professional Learning"},
        "validFrom": "2025-09-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:teacher-okafor",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://pl.lakeview.example/achievements/formative-assessment",
                "type": ["Achievement"],
                "name": "Formative Assessment",
                "description": "Uses exit tickets to check understanding.",
                "criteria": {"narrative": "Three annotated exit tickets and a reflection."},
            },
        },
    }
    document.update(extra)
    return document


def sign(document: dict[str, Any], key: Ed25519KeyPair = ISSUER_KEY, *,
         suite: str = "eddsa-rdfc-2022", store: ContextStore | None = None,
         **options: Any) -> dict[str, Any]:
    """``document`` with one more proof by ``key`` (a proof set when it already has one)."""
    return add_proof(copy.deepcopy(document), key, suites=default_suites(), suite=suite,
                     verification_method=options.pop("vm", vm_of(key)),
                     created=options.pop("created", "2025-09-01T00:00:00Z"),
                     document_loader=(store or contexts()).document_loader, extra=options or None)


def codes(report: Any) -> dict[str, tuple[str, str | None]]:
    """``{check id: (status, code)}`` of a report's top-level checks."""
    return {c.id: (c.status.value, c.code) for c in report.checks}
