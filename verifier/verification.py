"""The ``Verifier``: turns any input into a ``VerificationReport`` of named checks.

This is the one place where errors become check results. Everything below it raises coded
errors; everything above it reads reports. ``verify_credential`` and ``verify_presentation``
never raise for bad input.

Inputs it reads: bytes (JSON, a compact token, a PNG/SVG image with a baked badge) or an
already parsed JSON object; a ``str`` only as a compact VC-JWT or SD-JWT (text by nature), never
as JSON text to parse (that is ``parse.unknown_format``: pass the bytes, or the parsed object).
Credentials are JSON-LD (VC 1.1/2.0, Open Badges 3.0), VC-JWT, SD-JWT VC and Open Badges 2.0
assertions (hosted or signed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self, TypeVar, Unpack

from . import baked, ob2
from .assembly import ContextSource as ContextSource
from .assembly import CreateOptions, verifier_parts
from .clock import Clock, SystemClock
from .data_model import ENVELOPED, check_format, enveloped_token, issuer_id, type_names
from .errors import ContextError, FetchError, ParseError, VCError
from .fetch import Fetcher, StaticFetcher
from .json_reader import loads
from .openbadges import achievement_types, check_ob2, check_openbadges, embedded_endorsements
from .policy import Policy
from .presentation import ChallengeStore, challenge_not_issued, check_presentation, holder_id
from .proofs import KeyLookup, ProofChecker, ProofOutcome
from .report import CheckResult, Status, VerificationReport, internal_error_report
from .sdjwt import TokenStatusChecker, sd_jwt_report, verify_sd_jwt_vc, with_replay_check
from .status import StatusChecker
from .status.ob2 import check_ob2_revocation, hosted_assertion_gone
from .suites.base import SuiteRegistry, default_suites
from .terms import UNREADABLE, TermGate
from .trust import TrustList, check_trust
from .validity import check_ob2_validity, check_validity
from .vc_jwt import looks_like_jwt, verify_vc_jwt

if TYPE_CHECKING:
    from .bulk import BulkItem, CredentialData

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
MAX_NESTING = 3


_CHECK_OBSERVER: ContextVar[Callable[[CheckResult], None] | None] = ContextVar(
    "vcwallet_check_observer", default=None)


@contextmanager
def observe_checks(callback: Callable[[CheckResult], None]) -> Iterator[None]:
    """Call ``callback`` with each top-level check result as soon as it is decided.

    For progress displays ("signature ✓ … revocation …"): verification stays synchronous, and
    the callback runs in the verifying thread. Nested credentials (endorsements, status lists)
    do not report.
    """
    token = _CHECK_OBSERVER.set(callback)
    try:
        yield
    finally:
        _CHECK_OBSERVER.reset(token)


class _Checks(list[CheckResult]):
    """The checks of one report, announced to an observer (if any) as they are added."""

    def __init__(self, first: Iterable[CheckResult] = (), *, announce: bool = True) -> None:
        super().__init__()
        self._observer = _CHECK_OBSERVER.get() if announce else None
        self.extend(first)

    def append(self, item: CheckResult) -> None:
        super().append(item)
        if self._observer is not None:
            self._observer(item)

    def extend(self, items: Iterable[CheckResult]) -> None:
        for item in items:
            self.append(item)


def _failed(check: str, exc: VCError, status: Status = Status.FAILED) -> CheckResult:
    return CheckResult(check, status, exc.code, exc.message, exc.path, dict(exc.details))


#: Codes that mean "could not get what the check needs" (a context with no local copy and no
#: network, an unreachable DID document or list): the check is ``error``, "could not check",
#: never "invalid". A context that is refused (not pinned, digest mismatch) stays ``failed``.
_UNREACHABLE = ("fetch.", "did.not_found", "context.not_found")


def _status_for(exc: VCError) -> Status:
    """Unreachable documents mean "could not decide" (error), everything else "no" (failed)."""
    return Status.ERROR if exc.code.startswith(_UNREACHABLE) else Status.FAILED


def _gate_trust(checks: Iterable[CheckResult], trust: CheckResult) -> CheckResult:
    """``trust`` itself, or ``skipped`` when the signature or the issuer's key did not pass.

    Whether an issuer is on the trust list says nothing about a document that issuer did not
    (provably) sign: a tampered badge must never show a green "trusted issuer".
    """
    if trust.id != "trust":
        return trust
    for check in checks:
        if check.id in ("proof", "issuer") and check.status is not Status.PASSED:
            what = "signature" if check.id == "proof" else "issuer's key"
            how = {Status.FAILED: "did not pass", Status.ERROR: "could not be checked"}.get(
                check.status, "was not checked")
            return CheckResult("trust", Status.SKIPPED, None,
                               f"not checked: the {what} {how}, so the trust list cannot vouch "
                               "for this content")
    return trust


_Entry = TypeVar("_Entry", bound=Callable[..., VerificationReport])


def _boundary(method: _Entry) -> _Entry:
    """The orchestrator boundary of a ``Verifier`` entry point: whatever raises inside becomes
    this input's ``internal.error`` report (see :func:`verifier.report.internal_error_report`).

    Design rule: no bare ``except Exception``, except here and at the other per-input
    boundaries (bulk workers, the CLI loop, wallet import, the TUI worker). Bad input is
    reported by the checks with its own codes; this only keeps a defect from costing the other
    inputs their reports or printing a traceback.
    """
    @functools.wraps(method)
    def guarded(self: Verifier, *args: Any, **kwargs: Any) -> VerificationReport:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the per-input boundary, see above
            return internal_error_report(str(kwargs.get("label", "<input>")), exc)
    return guarded  # type: ignore[return-value]


def _skipped(check: str, why: str) -> CheckResult:
    return CheckResult(check, Status.SKIPPED, None, why)


def _first_context(document: Mapping[str, Any]) -> Any:
    ctx = document.get("@context")
    return ctx[0] if isinstance(ctx, list) and ctx else ctx


def _unread(checks: list[CheckResult], label: str, fmt: str,
            rest: tuple[str, ...] = ("proof", "issuer", "validity", "status", "trust", "openbadges"),
            ) -> VerificationReport:
    """The report of a document the checks cannot read as it is signed: nothing after the
    ``context`` check is judged, because it would judge a different document than the signed one."""
    why = "not checked: the document is not written the way its contexts define, so what it " \
          "says cannot be read as it is signed"
    return VerificationReport(label, fmt, (*checks, *(_skipped(name, why) for name in rest)))


def _text_refused(label: str, what: str) -> VerificationReport:
    """The report for a ``str`` that is not a compact token: JSON text is given as bytes or
    parsed, so that a ``str`` never has two meanings (a token, or JSON to guess at)."""
    problem = ParseError("parse.unknown_format",
                         f"a {what} given as text must be a compact JWT or SD-JWT; give JSON as "
                         "bytes or as a parsed object")
    return VerificationReport(label, "unknown", (_failed("parse", problem),))


def _read_from(report: VerificationReport, container: str) -> VerificationReport:
    """``report`` with its passed ``parse`` check saying the credential came out of ``container``
    (a baked image, an envelope), so the report names where it was found."""
    first = report.checks[0] if report.checks else None
    if first is None or first.id != "parse" or first.status is not Status.PASSED:
        return report
    parse = replace(first, message=f"{first.message}, from {container}")
    return replace(report, checks=(parse, *report.checks[1:]))


class Verifier:
    """Decides whether a credential or presentation can be trusted.

    Every outside effect is injected: ``contexts`` (pinned JSON-LD contexts), ``keys`` (DID and
    controller documents), ``fetcher`` (status lists, hosted badges), ``clock`` and ``policy``.
    """

    @classmethod
    def create(cls, **options: Unpack[CreateOptions]) -> Self:
        """A ready verifier in one call, with the command line's defaults: contexts from the
        named folders, ``$VCWALLET_CONTEXTS``, the checkout's interop folder and the user cache;
        the network on; no trust list. ``Verifier.create(network=False, trust_list="t.json")``.
        Every option: :class:`verifier.assembly.CreateOptions`."""
        return cls(**verifier_parts(**options))

    def __init__(self, *, contexts: ContextSource, keys: KeyLookup, fetcher: Fetcher | None = None,
                 clock: Clock | None = None, suites: SuiteRegistry | None = None,
                 policy: Policy | None = None, trust_list: TrustList | None = None,
                 challenges: ChallengeStore | None = None, status_cache_ttl: float = 300.0) -> None:
        self.contexts = contexts
        self.keys = keys
        self.fetcher: Fetcher = fetcher if fetcher is not None else StaticFetcher({})
        self.clock = clock or SystemClock()
        self.policy = policy or Policy()
        self.suites = suites or default_suites()
        self.trust_list = trust_list
        self.challenges = challenges
        self.terms = TermGate(contexts.load)
        self.proofs = ProofChecker(self.suites, keys, self.clock, contexts.document_loader,
                                   max_proofs=self.policy.max_proofs)
        self.status = StatusChecker(self.fetcher, self.clock, self._verify_status_list,
                                    cache_ttl=status_cache_ttl,
                                    allow_other_issuer=self.policy.allow_other_status_issuer)
        self.token_status = TokenStatusChecker(self.fetcher, keys, self.clock, cache_ttl=status_cache_ttl)

    # -- input ---------------------------------------------------------------------------
    def _json(self, data: Any) -> Any:
        if isinstance(data, (bytes, bytearray, memoryview)):
            return loads(bytes(data), max_bytes=self.policy.max_input_bytes)
        if isinstance(data, str):
            return loads(data, max_bytes=self.policy.max_input_bytes)
        return data

    def _as_text(self, data: Any) -> str | None:
        """The input as text when it is a compact token (JWT/SD-JWT), else ``None``."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            raw = bytes(data)
            if len(raw) > self.policy.max_input_bytes or raw[:1] in (b"{", b"[") or not raw.strip():
                return None
            try:
                text = raw.decode("ascii").strip()
            except UnicodeDecodeError:
                return None
        elif isinstance(data, str):
            text = data.strip()
        else:
            return None
        return text if text[:2] == "ey" and "." in text else None

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
                    return _failed("context", exc, _status_for(exc))
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
        try:  # one reading: every check below reads the terms exactly as they are signed
            self.terms.check(document, skip=("verifiableCredential",) if kind == "presentation" else ())
        except VCError as exc:
            return _failed("context", exc, _status_for(exc))
        return CheckResult("context", Status.PASSED, None,
                           f"all {len(items)} contexts are pinned and available, and every term "
                           "is written as they define it")

    def proof_checks(self, outcome: ProofOutcome, issuer: str | None, *,
                     controller_name: str = "issuer") -> list[CheckResult]:
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
            skipped = outcome.details.get("notAttempted")
            details.update({k: v for k, v in first.details.items() if k != "proofs"})
            message = first.message
            if skipped:
                details["notAttempted"] = skipped
                message += (f" (the {skipped} later proof{'s were' if skipped > 1 else ' was'} "
                            "not checked)")
            checks.append(CheckResult("proof", _status_for(first), first.code, message,
                                      first.path, details))
        if controller_name != "issuer":
            return checks
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
            checks.append(_skipped("issuer", "not decided: there is no valid signature to "
                                             "attribute to the issuer"))
        else:
            checks.append(CheckResult("issuer", Status.FAILED, "proof.issuer_key_mismatch",
                                      "no valid proof was made with a key of the issuer"))
        return checks

    def _trust(self, credential: Mapping[str, Any], issuer: str | None) -> CheckResult:
        return check_trust(self.trust_list, issuer, achievement_types(credential),
                           require_trusted=self.policy.require_trusted)

    def _openbadges(self, credential: Mapping[str, Any], recipient: str | None,
                    depth: int) -> CheckResult:
        result = check_openbadges(credential, recipient=recipient)
        if result.status is not Status.PASSED or depth >= MAX_NESTING:
            return result
        endorsements = []
        for path, endorsement in embedded_endorsements(credential):
            report = self._verify_jsonld(endorsement, label=path, recipient=None, depth=depth + 1,
                                         check_status=True)
            endorsements.append({"path": path, "issuer": issuer_id(endorsement),
                                 "verified": report.verified,
                                 "problems": [c.code for c in report.errors]})
        if not endorsements:
            return result
        details = dict(result.details, endorsements=endorsements)
        bad = [e for e in endorsements if not e["verified"]]
        if bad:
            return CheckResult("openbadges", Status.WARNING, "openbadges.endorsement_invalid",
                               f"{len(bad)} of {len(endorsements)} embedded endorsements do not "
                               "verify; the badge itself is judged without them",
                               str(bad[0]["path"]), details)
        return replace(result, message=result.message + f"; {len(endorsements)} endorsement"
                       f"{'s' if len(endorsements) > 1 else ''} verified", details=details)

    def _verify_status_list(self, document: dict[str, Any]) -> tuple[bool, str | None, str]:
        """Full verification of a status list credential (no status check of its own)."""
        report = self._verify_jsonld(document, label=str(document.get("id")), recipient=None,
                                     depth=MAX_NESTING, check_status=False, check_trust=False)
        reasons = ", ".join(sorted({c.code or c.id for c in report.errors}))
        return report.verified, issuer_id(document), reasons or "verified"

    # -- formats -------------------------------------------------------------------------
    def _verify_jsonld(self, credential: dict[str, Any], *, label: str, recipient: str | None,
                       depth: int, check_status: bool = True, check_trust: bool = True,
                       parse_note: str = "read as a JSON-LD credential",
                       fmt: str | None = None) -> VerificationReport:
        checks = _Checks([CheckResult("parse", Status.PASSED, None, parse_note)],
                         announce=depth == 0)
        fmt = fmt or ("vc2" if _first_context(credential) == VC_V2 else "vc1")
        checks.append(check_format(credential))
        context = self.check_context(credential)
        checks.append(context)
        if context.code in UNREADABLE:
            return _unread(checks, label, fmt)
        issuer = issuer_id(credential)
        if context.status is Status.PASSED:
            outcome = self.proofs.verify(credential, purpose="assertionMethod",
                                         expected_controller=issuer)
            checks.extend(self.proof_checks(outcome, issuer))
        else:
            checks.append(_skipped("proof", "not checked: the contexts could not be loaded safely"))
        return self._finish(credential, checks, label, fmt, recipient, depth, issuer,
                            check_status=check_status, check_trust=check_trust)

    def _finish(self, credential: Mapping[str, Any], checks: list[CheckResult], label: str,
                fmt: str, recipient: str | None, depth: int, issuer: str | None, *,
                check_status: bool = True, check_trust: bool = True) -> VerificationReport:
        """The checks that are the same whatever the proof format: dates, status, trust, OB."""
        checks.append(check_validity(credential, self.clock, self.policy.clock_skew))
        proof = next((c for c in checks if c.id == "proof"), None)
        if not check_status:
            pass
        elif proof is not None and proof.status is Status.PASSED:
            checks.append(self.status.check(credential))
        else:
            checks.append(_skipped("status", "not checked: the credential's content is not "
                                             "shown to be the issuer's"))
        if check_trust:
            checks.append(_gate_trust(checks, self._trust(credential, issuer)))
        checks.append(self._openbadges(credential, recipient, depth))
        return VerificationReport(label, fmt, tuple(checks))

    def _verify_jwt(self, token: str, *, label: str, recipient: str | None,
                    depth: int) -> VerificationReport:
        if "~" in token:  # an SD-JWT VC: verify_credential asks no nonce, so KB cannot pass
            return self.verify_sd_jwt(token, label=label)
        result = verify_vc_jwt(token, self.keys, clock=self.clock)
        if result.credential is None:
            error = result.error or ParseError("jwt.malformed")
            return VerificationReport(label, "unknown", (_failed("parse", error),))
        credential = result.credential
        fmt = result.form or "vc-jwt"
        checks = _Checks([CheckResult("parse", Status.PASSED, None, f"read as a {fmt} token"),
                          check_format(credential), self.check_context(credential)], announce=depth == 0)
        if checks[-1].code in UNREADABLE:
            return _unread(checks, label, fmt)
        issuer = result.issuer or issuer_id(credential)
        if result.error is None:
            checks.append(CheckResult("proof", Status.PASSED, None,
                                      "the token's EdDSA signature is valid",
                                      details={"verificationMethod": result.vm_id}))
        else:
            checks.append(_failed("proof", result.error, _status_for(result.error)))
        binding = result.binding
        if result.error is not None and (binding is None or binding.problem is None):
            checks.append(_skipped("issuer", "not decided: there is no valid signature"))
        elif binding is not None and binding.problem is not None:
            checks.append(_failed("issuer", binding.problem, _status_for(binding.problem)))
        else:
            checks.append(CheckResult("issuer", Status.PASSED, None,
                                      f"the signing key belongs to {issuer}"))
        for finding in result.validity:
            checks.append(_failed("validity", finding))
        return self._finish(credential, checks, label, fmt, recipient, depth, issuer)

    def _verify_ob2(self, source: str | dict[str, Any], *, label: str, recipient: str | None,
                    signed: str | None = None) -> VerificationReport:
        """An OB 2.0 assertion: hosted (a URL or a copy of the hosted JSON) or ``signed`` (its JWS).

        Only what the issuer published counts: the hosted copy, the BadgeClass and issuer Profile
        fetched from their ids (see :mod:`verifier.ob2`)."""
        what = "a signed (JWS) Open Badges 2.0 assertion" if signed else "an Open Badges 2.0 assertion"
        checks = _Checks([CheckResult("parse", Status.PASSED, None, f"read as {what}")])
        try:
            bundle = (ob2.verify_signed_assertion(signed, self.fetcher) if signed
                      else ob2.load_hosted_assertion(source, self.fetcher))
        except FetchError as exc:
            gone = hosted_assertion_gone(exc)
            if gone is not None:
                checks.append(CheckResult("proof", Status.SKIPPED, None,
                                          "the issuer's host says the assertion is gone"))
                checks.append(gone)
            else:
                checks.append(_failed("proof", exc, Status.ERROR))
            return VerificationReport(label, "ob2", tuple(checks))
        except VCError as exc:
            checks.append(_failed("proof", exc, _status_for(exc)))
            return VerificationReport(label, "ob2", tuple(checks))
        if isinstance(bundle, ob2.Ob2Revoked):
            checks.append(CheckResult("proof", Status.SKIPPED, None,
                                      "the issuer's host says the assertion is gone"))
            answer = ("answers 410 Gone" if bundle.status == 410
                      else "serves only a notice that it is revoked")
            checks.append(CheckResult("status", Status.FAILED, "status.revoked",
                                      f"the issuer's host {answer}: the badge was withdrawn", None,
                                      {"outcome": "revoked", "http_status": bundle.status, "url": bundle.url,
                                       **({"revocationReason": bundle.reason} if bundle.reason else {})}))
            return VerificationReport(label, "ob2", tuple(checks))
        how = ("signed by a key the issuer publishes" if bundle.verification == "signed"
               else "fetched from the issuer's own site (hosted verification)")
        checks.append(CheckResult("proof", Status.PASSED, None, f"the assertion was {how}",
                                  details={"verification": bundle.verification,
                                           "issuer": str(bundle.issuer.get("id")),
                                           **({"key": bundle.key_id} if bundle.key_id else {})}))
        checks.append(check_ob2_validity(bundle.assertion, self.clock, self.policy.clock_skew))
        if bundle.revoked:
            checks.append(CheckResult("status", Status.FAILED, "status.revoked",
                                      "the hosted assertion says it is revoked"))
        else:
            checks.append(check_ob2_revocation(bundle.assertion, bundle.issuer, self.fetcher))
        issuer = bundle.issuer.get("id") if isinstance(bundle.issuer.get("id"), str) else None
        checks.append(check_trust(self.trust_list, issuer, (),
                                  require_trusted=self.policy.require_trusted))
        checks.append(check_ob2(bundle.assertion, bundle.badge_class, bundle.issuer,
                                recipient=recipient))
        return VerificationReport(label, "ob2", tuple(checks))

    def _verify_enveloped(self, envelope: dict[str, Any], *, label: str, recipient: str | None,
                          depth: int) -> VerificationReport:
        """An ``EnvelopedVerifiableCredential`` (how a VCDM 2.0 presentation carries a VC-JWT or
        an SD-JWT VC): the token in its ``data:`` URL, verified like the token on its own."""
        try:
            media, token = enveloped_token(envelope)
        except ParseError as exc:
            return VerificationReport(label, "unknown", (_failed("parse", exc),))
        inner = self._verify_jwt(token, label=label, recipient=recipient, depth=depth + 1)
        return _read_from(inner, f"an enveloped credential ({media})")

    def _verify_baked(self, data: bytes, *, label: str, recipient: str | None,
                      depth: int) -> VerificationReport:
        try:
            badge = baked.read_baked(data)
        except VCError as exc:
            return VerificationReport(label, "image", (_failed("parse", exc),))
        note = f"a badge baked into a {badge.kind.upper()} image"
        if badge.verify is not None and badge.payload_kind == "json":
            # OB 2.0 SVG: the verify attribute beside baked JSON must be that assertion's URL, or
            # the image carries two different badges.
            try:
                inner_id = self._json(badge.payload).get("id")
            except (ParseError, AttributeError):
                inner_id = None
            if inner_id != badge.verify:
                return VerificationReport(label, "image", (CheckResult(
                    "parse", Status.FAILED, "openbadges.baked_mismatch",
                    "the SVG's verify attribute is not the URL of the assertion baked beside it"),))
        if badge.payload_kind == "url":
            if badge.spec != "ob2":
                return VerificationReport(label, "image", (CheckResult(
                    "parse", Status.FAILED, "openbadges.invalid_image",
                    "an Open Badges 3.0 image must carry the credential, not a link"),))
            inner = self._verify_ob2(badge.payload, label=label, recipient=recipient)
        else:
            inner = self._dispatch(badge.payload, label=label, recipient=recipient, depth=depth + 1)
        inner = _read_from(inner, note)
        return replace(inner, format=f"{inner.format}+{badge.kind}")

    def _dispatch(self, data: Any, *, label: str, recipient: str | None,
                  depth: int) -> VerificationReport:
        if depth > MAX_NESTING:
            return VerificationReport(label, "unknown", (CheckResult(
                "parse", Status.FAILED, "parse.unknown_format", "credentials nested too deeply"),))
        if isinstance(data, (bytes, bytearray, memoryview)) and (
                baked.is_png(bytes(data)) or baked.is_svg(bytes(data))):
            return self._verify_baked(bytes(data), label=label, recipient=recipient, depth=depth)
        token = self._as_text(data)
        if token is not None:
            if looks_like_jwt(token.split("~", 1)[0]):
                if "~" not in token and ob2.is_signed_assertion_token(token):
                    return self._verify_ob2(token, label=label, recipient=recipient, signed=token)
                return self._verify_jwt(token, label=label, recipient=recipient, depth=depth)
        try:
            document = self._json(data)
        except ParseError as exc:
            return VerificationReport(label, "unknown", (_failed("parse", exc),))
        if isinstance(document, str) and document.startswith("ey") and looks_like_jwt(document):
            if ob2.is_signed_assertion_token(document.strip()):
                return self._verify_ob2(document, label=label, recipient=recipient,
                                        signed=document.strip())
            return self._verify_jwt(document, label=label, recipient=recipient, depth=depth)
        if not isinstance(document, dict):
            problem = ParseError("parse.not_an_object",
                                 f"a credential is a JSON object, this is a {type(document).__name__}")
            return VerificationReport(label, "unknown", (_failed("parse", problem),))
        if ENVELOPED in type_names(document.get("type")):
            return self._verify_enveloped(document, label=label, recipient=recipient, depth=depth)
        if ob2.is_ob2(document):
            verification = document.get("verification")
            if isinstance(verification, dict) and verification.get("type") in ("signed", "SignedBadge"):
                return VerificationReport(label, "ob2", (CheckResult(
                    "parse", Status.FAILED, "parse.unknown_format",
                    "a signed Open Badges 2.0 assertion must be given as its JWS"),))
            return self._verify_ob2(document, label=label, recipient=recipient)
        if "VerifiablePresentation" in type_names(document.get("type")):
            return self.verify_presentation(document, label=label)
        return self._verify_jsonld(document, label=label, recipient=recipient, depth=depth)

    # -- entry points --------------------------------------------------------------------
    @_boundary
    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        """Verify one credential: bytes (JSON, a compact token or a baked PNG/SVG), a parsed
        JSON object, or a compact VC-JWT/SD-JWT as ``str``. Any other ``str`` (JSON text) is
        ``parse.unknown_format``: it is never guessed at. Never raises (a defect below becomes an
        ``internal.error`` report)."""
        if isinstance(data, str) and self._as_text(data) is None:
            return _text_refused(label, "credential")
        try:
            return self._dispatch(data, label=label, recipient=recipient, depth=0)
        except (VCError, RecursionError) as exc:  # a defect below must still give a report
            code = exc.code if isinstance(exc, VCError) else "parse.malformed_json"
            return VerificationReport(label, "unknown", (CheckResult(
                "parse", Status.ERROR, code, f"verification stopped: {exc}"),))

    def verify_many(self, items: Iterable[CredentialData | BulkItem], *, jobs: int | None = None,
                    chunk_size: int | None = None,
                    factory: Callable[[], Verifier] | None = None) -> Iterator[VerificationReport]:
        """Verify many credentials, on every core, yielding reports lazily in input order.

        Each item is what :meth:`verify_credential` takes (bytes, a parsed object, or a compact
        token as ``str``), labelled ``"<input N>"`` (N counts from 0), or a
        :class:`verifier.bulk.BulkItem` that carries its own label (say, a file name). The input
        is read lazily and at most ``jobs * 4`` chunks of ``chunk_size`` items (default 16) are
        in flight, so memory stays flat and the input may be endless; closing the generator early
        stops the workers.

        ``jobs`` defaults to the CPUs this process may use, with a pool only for 256 inputs or
        more (fewer are verified here, where a pool's start-up would cost more than it saves);
        ``jobs=1`` verifies here with this verifier. With more, each worker process needs its
        own verifier: ``factory`` (a picklable zero-argument callable) builds one per worker;
        without it the workers are forked and inherit this one, because a verifier's fetcher and
        stores may hold sessions and locks that do not pickle. Where fork is missing (Windows) an
        explicit ``jobs`` needs a factory (ValueError; the default then stays in this process),
        and a factory is the safer choice in a program with threads, since forking copies locks
        that other threads may be holding. Worker copies share nothing back (status caches, challenge
        stores): what a worker learns stays in that worker.

        Bad input gives failed checks as usual. A defect that raises while verifying one item
        becomes that item's ``internal.error`` report; the items after it are still verified.
        """
        from .bulk import verify_many  # lazy: keeps process-pool imports out of `import verifier`

        return verify_many(self, items, jobs=jobs, chunk_size=chunk_size, factory=factory)

    @_boundary
    def verify_sd_jwt(self, token: str, *, nonce: str | None = None, audience: str | None = None,
                      require_key_binding: bool = True, label: str = "<input>") -> VerificationReport:
        """Verify an SD-JWT VC presented for ``nonce`` (the challenge) and ``audience`` (the domain).

        Checks ``parse``, ``proof``, ``issuer``, ``validity``, ``status`` (Token Status List),
        ``trust`` and ``disclosure`` (``details["disclosed"]``: the claim paths revealed). Key
        binding is required unless ``require_key_binding=False`` (a holder checking its own
        stored copy); a KB-JWT is never accepted when no nonce/audience was asked. With a
        challenge store, a nonce lets one passing presentation through (``presentation`` check).
        Never raises.
        """
        result = verify_sd_jwt_vc(token, key_lookup=self.keys, clock=self.clock, nonce=nonce,
                                  audience=audience, require_key_binding=require_key_binding,
                                  status_checker=self.token_status,
                                  clock_skew=self.policy.clock_skew)
        report = sd_jwt_report(result, label=label, trust_list=self.trust_list,
                               require_trusted=self.policy.require_trusted)
        report = replace(report, checks=tuple(_gate_trust(report.checks, c) for c in report.checks))
        unknown = challenge_not_issued(self.challenges, nonce, audience) if nonce else None
        if unknown is not None:  # the same ledger rule as for a JSON-LD presentation
            return replace(report, checks=(*report.checks, unknown))
        return with_replay_check(report, nonce, self.challenges)

    @_boundary
    def verify_presentation(self, data: Any, *, challenge: str | None = None,
                            domain: str | None = None, label: str = "<input>",
                            recipient: str | None = None) -> VerificationReport:
        """Verify a presentation bound to ``challenge`` and ``domain``, and every credential in it.

        One proof by the holder must carry the challenge and domain, and every proof must be the
        holder's and verify (:func:`verifier.presentation.check_presentation`). ``recipient``
        is checked on each credential inside, as for :meth:`verify_credential`. ``data`` is bytes
        or a parsed object (a ``str`` is ``parse.unknown_format``).
        """
        if isinstance(data, str):
            return _text_refused(label, "presentation")
        try:
            document = self._json(data)
        except ParseError as exc:
            return VerificationReport(label, "unknown", (_failed("parse", exc),))
        if not isinstance(document, dict):
            problem = ParseError("parse.not_an_object", "a presentation is a JSON object")
            return VerificationReport(label, "unknown", (_failed("parse", problem),))
        checks = [CheckResult("parse", Status.PASSED, None, "read as a JSON-LD presentation"),
                  check_format(document, kind="presentation")]
        context = self.check_context(document, kind="presentation")
        checks.append(context)
        if context.code in UNREADABLE:
            return _unread(checks, label, "vp", ("proof", "presentation"))
        holder = holder_id(document)
        outcome: ProofOutcome | None = None
        if context.status is Status.PASSED:
            outcome = self.proofs.verify(document, purpose="authentication",
                                         expected_controller=holder)
            checks.extend(self.proof_checks(outcome, holder, controller_name="holder"))
        else:
            checks.append(_skipped("proof", "not checked: the contexts could not be loaded safely"))
        nested = []
        items = document.get("verifiableCredential", [])
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            nested.append(self.verify_credential(item, label=f"{label}#verifiableCredential[{i}]",
                                                 recipient=recipient))
        others_ok = all(r.verified for r in nested) and not any(
            c.status in (Status.FAILED, Status.ERROR) for c in checks)
        checks.append(check_presentation(document, outcome, challenge=challenge, domain=domain,
                                         challenges=self.challenges, credentials_ok=others_ok,
                                         now=self.clock.now(), nested=nested,
                                         require_subject_binding=self.policy.require_subject_binding))
        return VerificationReport(label, "vp", tuple(checks), tuple(nested))
