"""The ``presentation`` check: bound to this request, by this holder, used once.

A presentation proves something only to the verifier that asked for it: its ``authentication``
proof must carry the verifier's challenge and domain, the signing key must belong to the
``holder``, and a challenge that already let one presentation through must not let another
through (replay). The proof's signature itself is the ``proof`` check's job.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Protocol

from .proofs import ProofOutcome
from .report import CheckResult, Status


class ChallengeStore(Protocol):
    """Remembers which challenges were issued and which are spent."""

    def was_used(self, challenge: str) -> bool: ...

    def mark_used(self, challenge: str) -> None: ...


class MemoryChallengeStore:
    """A bounded in-process store: fine for one verifier process and for tests."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._used: OrderedDict[str, None] = OrderedDict()
        self._issued: set[str] = set()
        self._max = max_entries
        self._lock = threading.Lock()

    def issue(self) -> str:
        """A fresh, unguessable challenge."""
        challenge = secrets.token_urlsafe(24)
        with self._lock:
            self._issued.add(challenge)
        return challenge

    def was_used(self, challenge: str) -> bool:
        with self._lock:
            return challenge in self._used

    def mark_used(self, challenge: str) -> None:
        with self._lock:
            self._used[challenge] = None
            self._issued.discard(challenge)
            while len(self._used) > self._max:
                self._used.popitem(last=False)


def _fail(code: str, message: str, path: str | None = None) -> CheckResult:
    return CheckResult("presentation", Status.FAILED, code, message, path)


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("proof")
    items = raw if isinstance(raw, list) else [raw]
    return [p for p in items if isinstance(p, dict)]


def _domains(proof: Mapping[str, Any]) -> list[Any]:
    value = proof.get("domain")
    return value if isinstance(value, list) else [value]


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The holder's identifier, from a string or an object's ``id`` (VCDM 2.0 allows both)."""
    holder = document.get("holder")
    if isinstance(holder, str):
        return holder
    if isinstance(holder, dict) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    return None


def check_presentation(document: Mapping[str, Any], outcome: ProofOutcome | None, *,
                       challenge: str | None, domain: str | None,
                       challenges: ChallengeStore | None = None,
                       credentials_ok: bool = True) -> CheckResult:
    """Decide whether the presentation answers this verifier's request, once."""
    if not challenge or not domain:
        return _fail("presentation.challenge_mismatch" if not challenge else "presentation.domain_mismatch",
                     "a presentation is only meaningful for a request: give the challenge and "
                     "domain you asked for (--challenge, --domain)")
    proofs = _proofs(document)
    if outcome is None or not proofs:
        return _fail("presentation.invalid", "the presentation has no usable proof", "$.proof")
    auth = [p for p in proofs if p.get("proofPurpose") == "authentication"]
    if not auth:
        return _fail("presentation.invalid", "no proof has proofPurpose authentication", "$.proof")
    if not any(p.get("challenge") == challenge for p in auth):
        return _fail("presentation.challenge_mismatch",
                     "the presentation was made for another challenge (or none): it may be a replay",
                     "$.proof.challenge")
    if not any(domain in _domains(p) for p in auth):
        return _fail("presentation.domain_mismatch",
                     "the presentation was made for another verifier's domain", "$.proof.domain")
    holder = holder_id(document)
    if holder is None:
        return _fail("presentation.holder_mismatch",
                     "the presentation names no holder, so the signer cannot be bound to anyone",
                     "$.holder")
    bound = [r for r in outcome.results if r.signature_ok and r.binding is not None and r.binding.bound]
    if not bound:
        problem = next((r.binding.problem for r in outcome.results
                        if r.binding is not None and r.binding.problem is not None), None)
        return _fail("presentation.holder_mismatch",
                     f"the presentation was not signed by its holder {holder}"
                     + (f" ({problem.code})" if problem else ""), "$.proof.verificationMethod")
    if challenges is not None and challenges.was_used(challenge):
        return _fail("presentation.challenge_reused",
                     "this challenge was already used by an accepted presentation", "$.proof.challenge")
    if challenges is not None and credentials_ok and outcome.all_signatures_ok:
        challenges.mark_used(challenge)
    return CheckResult("presentation", Status.PASSED, None,
                       f"made for this request (challenge and domain match) and signed by the "
                       f"holder {holder}")
