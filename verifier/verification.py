"""The ``Verifier``: turns any input into a ``VerificationReport`` of named checks.

This is the one place where errors become check results. Everything below it raises coded
errors; everything above it reads reports. ``verify_credential`` never raises for bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .clock import Clock, SystemClock
from .errors import ContextError, ParseError, VCError
from .json_reader import loads
from .policy import Policy
from .proofs import KeyLookup, ProofChecker, ProofOutcome
from .report import CheckResult, Status, VerificationReport
from .suites.base import DocumentLoader, SuiteRegistry, default_suites

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


class ContextSource(Protocol):
    """What the verifier needs from a context store: load a URL, and a pyld loader."""

    def load(self, url: str) -> Mapping[str, Any]: ...

    @property
    def document_loader(self) -> DocumentLoader: ...


def _failed(check: str, exc: VCError, status: Status = Status.FAILED) -> CheckResult:
    return CheckResult(check, status, exc.code, exc.message, exc.path, dict(exc.details))


def _status_for(exc: VCError) -> Status:
    """Unreachable documents mean "could not decide" (error), everything else "no" (failed)."""
    return Status.ERROR if exc.code.startswith(("fetch.", "did.not_found")) else Status.FAILED


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's identifier, from a string or an object's ``id``; ``None`` if malformed."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


class Verifier:
    """Decides whether a credential can be trusted, with every outside effect injected."""

    def __init__(self, *, contexts: ContextSource, keys: KeyLookup, clock: Clock | None = None,
                 suites: SuiteRegistry | None = None, policy: Policy | None = None) -> None:
        self.contexts = contexts
        self.keys = keys
        self.clock = clock or SystemClock()
        self.policy = policy or Policy()
        self.suites = suites or default_suites()
        self.proofs = ProofChecker(self.suites, keys, self.clock, contexts.document_loader)

    # -- input ---------------------------------------------------------------------------
    def _parse(self, data: Any) -> dict[str, Any]:
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = loads(bytes(data), max_bytes=self.policy.max_input_bytes)
        elif isinstance(data, str):
            data = loads(data, max_bytes=self.policy.max_input_bytes)
        if not isinstance(data, dict):
            raise ParseError("parse.not_an_object",
                             f"a credential is a JSON object, this is a {type(data).__name__}")
        return data

    # -- checks --------------------------------------------------------------------------
    def check_context(self, document: Mapping[str, Any], *, kind: str = "credential") -> CheckResult:
        """@context is present, starts with a VC base context, and every URL is pinned."""
        ctx = document.get("@context")
        if ctx is None:
            return CheckResult("context", Status.FAILED, "format.invalid_context",
                               f"the {kind} has no @context", "$.@context")
        items = ctx if isinstance(ctx, list) else [ctx]
        if not items or items[0] not in (VC_V1, VC_V2):
            return CheckResult("context", Status.FAILED, "format.invalid_context",
                               f"the first @context must be {VC_V2} or {VC_V1}", "$.@context[0]")
        for i, item in enumerate(items):
            where = f"$.@context[{i}]"
            if isinstance(item, str):
                try:
                    self.contexts.load(item)
                except ContextError as exc:
                    exc.path = exc.path or where
                    return _failed("context", exc)
            elif isinstance(item, dict):
                if item.get("@base") is not None:
                    return CheckResult("context", Status.FAILED, "jsonld.base_not_allowed",
                                       "an inline context sets @base; signed documents must not",
                                       where + ".@base")
            else:
                return CheckResult("context", Status.FAILED, "format.invalid_context",
                                   "a @context entry must be a URL or an object", where)
        if VC_V1 in items[1:] or VC_V2 in items[1:]:
            return CheckResult("context", Status.FAILED, "format.invalid_context",
                               "the VC base context must appear only first", "$.@context")
        return CheckResult("context", Status.PASSED, None,
                           f"all {len(items)} contexts are pinned and available")

    def proof_checks(self, outcome: ProofOutcome, issuer: str | None) -> list[CheckResult]:
        """The ``proof`` (integrity) and ``issuer`` (key belongs to the issuer) results."""
        checks: list[CheckResult] = []
        details = {"proofs": [
            {"suite": r.suite, "verificationMethod": r.vm_id,
             "result": "valid" if r.signature_ok else (r.error.code if r.error else "invalid"),
             "keySource": r.binding.source if r.binding else None}
            for r in outcome.results]}
        first = outcome.first_error
        if outcome.all_signatures_ok:
            n = len(outcome.results)
            checks.append(CheckResult("proof", Status.PASSED, None,
                                      f"{n} signature{'s' if n > 1 else ''} checked: the content "
                                      "is exactly what was signed", details=details))
        else:
            assert first is not None
            checks.append(CheckResult("proof", _status_for(first), first.code, first.message, first.path,
                                      details))
        if issuer is None:
            checks.append(CheckResult("issuer", Status.FAILED, "format.invalid_issuer",
                                      "the credential names no issuer to check the key against",
                                      "$.issuer"))
            return checks
        good = [r for r in outcome.results if r.signature_ok and r.binding and r.binding.bound]
        if good:
            checks.append(CheckResult("issuer", Status.PASSED, None,
                                      f"the signing key belongs to {issuer} and is authorized "
                                      "for issuing", details={"verificationMethod": good[0].vm_id}))
            return checks
        problem = next((r.binding.problem for r in outcome.results
                        if r.binding is not None and r.binding.problem is not None), None)
        if problem is not None:
            checks.append(_failed("issuer", problem, _status_for(problem)))
        elif first is not None:
            checks.append(CheckResult("issuer", Status.SKIPPED, None,
                                      "not decided: there is no valid signature to attribute to "
                                      "the issuer"))
        else:
            checks.append(CheckResult("issuer", Status.FAILED, "proof.issuer_key_mismatch",
                                      "no valid proof was made with a key of the issuer"))
        return checks

    # -- entry points --------------------------------------------------------------------
    def verify_credential(self, data: Any, *, label: str = "<input>") -> VerificationReport:
        """Verify one credential (parsed JSON, JSON text or bytes). Never raises for bad input."""
        try:
            credential = self._parse(data)
        except ParseError as exc:
            return VerificationReport(label, "unknown", (_failed("parse", exc),))
        checks = [CheckResult("parse", Status.PASSED, None, "read as a JSON-LD credential")]
        fmt = "vc2" if _first_context(credential) == VC_V2 else "vc1"
        context = self.check_context(credential)
        checks.append(context)
        if context.status is not Status.PASSED:
            checks.append(CheckResult("proof", Status.SKIPPED, None,
                                      "not checked: the contexts could not be loaded safely"))
            return VerificationReport(label, fmt, tuple(checks))
        issuer = issuer_id(credential)
        outcome = self.proofs.verify(credential, purpose="assertionMethod",
                                     expected_controller=issuer)
        checks.extend(self.proof_checks(outcome, issuer))
        return VerificationReport(label, fmt, tuple(checks))


def _first_context(document: Mapping[str, Any]) -> Any:
    ctx = document.get("@context")
    return ctx[0] if isinstance(ctx, list) and ctx else ctx
