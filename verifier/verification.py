"""The ``Verifier``: turns any input into a ``VerificationReport`` of named checks.

This is the orchestrator: for each form it reads, it says which checks run and in which order,
and each check's decision is in its own module under :mod:`verifier.checks`. It is also where
an error that escapes becomes a result: everything below it raises coded errors or returns
outcomes; everything above it reads reports. ``verify_credential`` and ``verify_presentation``
never raise for bad input.

Inputs it reads: bytes (JSON, a compact token, a PNG/SVG image with a baked badge) or an
already parsed JSON object; a ``str`` only as a compact VC-JWT or SD-JWT (text by nature), never
as JSON text to parse (that is ``parse.unknown_format``: pass the bytes, or the parsed object).
Credentials are JSON-LD (VC 1.1/2.0, Open Badges 3.0, with ``EnvelopedVerifiableCredential``),
VC-JWT, SD-JWT VC and Open Badges 2.0 assertions (hosted or signed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Self, TypeVar, Unpack

from . import baked, ob2
from .assembly import ContextSource as ContextSource
from .assembly import CreateOptions, verifier_parts
from .bulk import BulkItem, CredentialData, verify_many
from .checks import (
    context,
    disclosure,
    issuer,
    openbadges,
    parse,
    presentation,
    proof,
    status,
    trust,
    validity,
)
from .checks.format import check_format
from .clock import Clock, SystemClock
from .data_model import ENVELOPED, enveloped_token, issuer_id, type_names, vc_version
from .errors import FetchError, ParseError, VCError
from .fetch import Fetcher, StaticFetcher
from .openbadges import achievement_types
from .policy import Policy
from .presentation import ChallengeStore, holder_id
from .proofs import KeyLookup, ProofChecker, ProofOutcome
from .report import CheckResult, Status, VerificationReport, internal_error_report
from .sdjwt import SdJwtResult, TokenStatusChecker, verify_sd_jwt_vc
from .status import StatusChecker
from .suites.registry import SuiteRegistry, default_suites
from .terms import TermGate
from .trust import TrustList
from .vc_jwt import looks_like_jwt, verify_vc_jwt

#: How deep credentials may nest (an image holding an envelope holding a token, endorsements).
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

    def passed(self, check_id: str) -> bool:
        """Whether the first ``check_id`` result so far passed."""
        found = next((c for c in self if c.id == check_id), None)
        return found is not None and found.status is Status.PASSED


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


def _unreadable(label: str, exc: VCError, fmt: str = "unknown") -> VerificationReport:
    """The report of an input that could not be read at all."""
    return VerificationReport(label, fmt, (parse.unreadable(exc),))


def _text_refused(label: str, what: str) -> VerificationReport:
    """The report for a ``str`` that is not a compact token: JSON text is given as bytes or
    parsed, so that a ``str`` never has two meanings (a token, or JSON to guess at)."""
    return _unreadable(label, ParseError(
        "parse.unknown_format", f"a {what} given as text must be a compact JWT or SD-JWT; give "
        "JSON as bytes or as a parsed object"))


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

    def check_context(self, document: Mapping[str, Any], *, kind: str = "credential") -> CheckResult:
        """The ``context`` check (:func:`verifier.checks.context.check_context`) with this
        verifier's contexts and term gate."""
        return context.check_context(document, self.contexts.load, self.terms, kind=kind)

    # -- the checks every credential form ends with ----------------------------------------
    def _finish(self, credential: Mapping[str, Any], checks: _Checks, label: str, fmt: str,
                recipient: str | None, depth: int, stated_issuer: str | None, *,
                check_status: bool = True, check_trust: bool = True) -> VerificationReport:
        """``validity``, ``status``, ``trust`` and ``openbadges``: the same whatever the proof."""
        checks.append(validity.check_validity(credential, self.clock, self.policy.clock_skew))
        if check_status:
            checks.append(status.status_list(credential, self.status, authentic=checks.passed("proof")))
        if check_trust:
            checks.append(trust.gate(checks, trust.check_trust(
                self.trust_list, stated_issuer, achievement_types(credential),
                require_trusted=self.policy.require_trusted)))
        checks.append(openbadges.check_openbadges(credential, recipient=recipient,
                                                  verify_endorsement=self._endorsements(depth)))
        return VerificationReport(label, fmt, tuple(checks))

    def _endorsements(self, depth: int) -> openbadges.EndorsementVerifier | None:
        """How the ``openbadges`` check verifies an embedded endorsement: as a credential of its
        own, one level deeper (none beyond :data:`MAX_NESTING`)."""
        if depth >= MAX_NESTING:
            return None
        return lambda path, endorsement: self._verify_jsonld(endorsement, label=path, recipient=None,
                                                             depth=depth + 1)

    def _verify_status_list(self, document: dict[str, Any]) -> tuple[bool, str | None, str]:
        """Full verification of a status list credential (no status check of its own)."""
        report = self._verify_jsonld(document, label=str(document.get("id")), recipient=None,
                                     depth=MAX_NESTING, check_status=False, check_trust=False)
        reasons = ", ".join(sorted({c.code or c.id for c in report.errors}))
        return report.verified, issuer_id(document), reasons or "verified"

    # -- formats -------------------------------------------------------------------------
    def _verify_jsonld(self, credential: dict[str, Any], *, label: str, recipient: str | None,
                       depth: int, check_status: bool = True,
                       check_trust: bool = True) -> VerificationReport:
        """A JSON-LD credential secured with Data Integrity proofs."""
        checks = _Checks([parse.read_as("read as a JSON-LD credential")], announce=depth == 0)
        fmt = "vc2" if vc_version(credential) == "2.0" else "vc1"
        checks.append(check_format(credential))
        checks.append(self.check_context(credential))
        if context.unreadable(checks[-1]):
            return VerificationReport(label, fmt, (*checks, *context.not_read()))
        stated_issuer = issuer_id(credential)
        if checks.passed("context"):
            outcome = self.proofs.verify(credential, purpose="assertionMethod",
                                         expected_controller=stated_issuer)
            checks.append(proof.data_integrity(outcome))
            checks.append(issuer.data_integrity(outcome, stated_issuer))
        else:
            checks.append(proof.contexts_unsafe())
        return self._finish(credential, checks, label, fmt, recipient, depth, stated_issuer,
                            check_status=check_status, check_trust=check_trust)

    def _verify_jwt(self, token: str, *, label: str, recipient: str | None,
                    depth: int) -> VerificationReport:
        """A VC-JWT (or, with ``~``, an SD-JWT VC: asked no nonce, its key binding cannot pass)."""
        if "~" in token:
            return self.verify_sd_jwt(token, label=label)
        result = verify_vc_jwt(token, self.keys, clock=self.clock)
        if result.credential is None:
            return _unreadable(label, result.error or ParseError("jwt.malformed"))
        credential = result.credential
        fmt = result.form or "vc-jwt"
        checks = _Checks([parse.read_as(f"read as a {fmt} token"), check_format(credential),
                          self.check_context(credential)], announce=depth == 0)
        if context.unreadable(checks[-1]):
            return VerificationReport(label, fmt, (*checks, *context.not_read()))
        stated_issuer = result.issuer or issuer_id(credential)
        checks.append(proof.vc_jwt(result))
        checks.append(issuer.vc_jwt(result, stated_issuer))
        checks.extend(validity.jwt_claims(result.validity))
        return self._finish(credential, checks, label, fmt, recipient, depth, stated_issuer)

    def _sd_jwt_checks(self, result: SdJwtResult) -> tuple[CheckResult, ...]:
        """``parse``, ``proof``, ``issuer``, ``validity``, ``status``, ``trust`` (gated on the
        proof and the issuer's key) and ``disclosure`` of one SD-JWT VC."""
        read = parse.sd_jwt(result)
        if read.status is not Status.PASSED:
            return (read,)
        if result.issuer is None:
            return (read, proof.sd_jwt_unattributed(result))
        checks = [read, proof.sd_jwt(result), issuer.sd_jwt(result), validity.sd_jwt(result),
                  status.token_status_list(result.status,
                                           authentic=result.signature_ok and result.key_bound)]
        view = result.claims if result.claims is not None else result.payload
        checks.append(trust.gate(checks, trust.check_trust(
            self.trust_list, result.issuer, achievement_types(view),
            require_trusted=self.policy.require_trusted)))
        checks.append(disclosure.check_disclosure(result))
        return tuple(checks)

    def _verify_ob2(self, source: str | dict[str, Any], *, label: str, recipient: str | None,
                    signed: str | None = None) -> VerificationReport:
        """An OB 2.0 assertion: hosted (a URL or a copy of the hosted JSON) or ``signed`` (its JWS).

        Only what the issuer published counts: the hosted copy, the BadgeClass and issuer Profile
        fetched from their ids (see :mod:`verifier.ob2`)."""
        what = "a signed (JWS) Open Badges 2.0 assertion" if signed else "an Open Badges 2.0 assertion"
        checks = _Checks([parse.read_as(f"read as {what}")])
        try:
            bundle = (ob2.verify_signed_assertion(signed, self.fetcher) if signed
                      else ob2.load_hosted_assertion(source, self.fetcher))
        except FetchError as exc:
            gone = status.ob2_gone(exc)
            checks.extend((proof.ob2_gone(), gone) if gone is not None else (proof.ob2_not_loaded(exc),))
            return VerificationReport(label, "ob2", tuple(checks))
        except VCError as exc:
            checks.append(proof.ob2_not_loaded(exc))
            return VerificationReport(label, "ob2", tuple(checks))
        if isinstance(bundle, ob2.Ob2Revoked):
            checks.extend((proof.ob2_gone(), status.ob2_withdrawn(bundle)))
            return VerificationReport(label, "ob2", tuple(checks))
        checks.append(proof.ob2(bundle))
        checks.append(validity.check_ob2_validity(bundle.assertion, self.clock, self.policy.clock_skew))
        checks.append(status.ob2(bundle, self.fetcher))
        stated_issuer = bundle.issuer.get("id") if isinstance(bundle.issuer.get("id"), str) else None
        checks.append(trust.check_trust(self.trust_list, stated_issuer, (),
                                        require_trusted=self.policy.require_trusted))
        checks.append(openbadges.check_ob2(bundle.assertion, bundle.badge_class, bundle.issuer,
                                           recipient=recipient))
        return VerificationReport(label, "ob2", tuple(checks))

    def _verify_enveloped(self, envelope: dict[str, Any], *, label: str, recipient: str | None,
                          depth: int) -> VerificationReport:
        """An ``EnvelopedVerifiableCredential`` (how a VCDM 2.0 presentation carries a VC-JWT or
        an SD-JWT VC): the token in its ``data:`` URL, verified like the token on its own."""
        try:
            media, token = enveloped_token(envelope)
        except ParseError as exc:
            return _unreadable(label, exc)
        inner = self._verify_jwt(token, label=label, recipient=recipient, depth=depth + 1)
        return parse.from_container(inner, f"an enveloped credential ({media})")

    def _verify_baked(self, data: bytes, *, label: str, recipient: str | None,
                      depth: int) -> VerificationReport:
        """A PNG or SVG image with a badge baked into it: the badge, verified as itself."""
        try:
            badge = baked.read_baked(data)
        except VCError as exc:
            return _unreadable(label, exc, "image")
        if badge.verify is not None and badge.payload_kind == "json":
            # OB 2.0 SVG: the verify attribute beside baked JSON must be that assertion's URL, or
            # the image carries two different badges.
            try:
                inner_id = parse.json_value(badge.payload, max_bytes=self.policy.max_input_bytes).get("id")
            except (ParseError, AttributeError):
                inner_id = None
            if inner_id != badge.verify:
                return VerificationReport(label, "image", (parse.baked_mismatch(),))
        if badge.payload_kind == "url":
            if badge.spec != "ob2":
                return VerificationReport(label, "image", (parse.ob3_image_link(),))
            inner = self._verify_ob2(badge.payload, label=label, recipient=recipient)
        else:
            inner = self._dispatch(badge.payload, label=label, recipient=recipient, depth=depth + 1)
        inner = parse.from_container(inner, f"a badge baked into a {badge.kind.upper()} image")
        return replace(inner, format=f"{inner.format}+{badge.kind}")

    def _dispatch(self, data: Any, *, label: str, recipient: str | None,
                  depth: int) -> VerificationReport:
        """Which form ``data`` is, and so which checks it gets."""
        if depth > MAX_NESTING:
            return VerificationReport(label, "unknown", (parse.nested_too_deeply(),))
        if isinstance(data, (bytes, bytearray, memoryview)) and (
                baked.is_png(bytes(data)) or baked.is_svg(bytes(data))):
            return self._verify_baked(bytes(data), label=label, recipient=recipient, depth=depth)
        token = parse.compact_token(data, max_bytes=self.policy.max_input_bytes)
        if token is not None:
            if looks_like_jwt(token.split("~", 1)[0]):
                if "~" not in token and ob2.is_signed_assertion_token(token):
                    return self._verify_ob2(token, label=label, recipient=recipient, signed=token)
                return self._verify_jwt(token, label=label, recipient=recipient, depth=depth)
        try:
            document = parse.json_value(data, max_bytes=self.policy.max_input_bytes)
        except ParseError as exc:
            return _unreadable(label, exc)
        if isinstance(document, str) and document.startswith("ey") and looks_like_jwt(document):
            if ob2.is_signed_assertion_token(document.strip()):
                return self._verify_ob2(document, label=label, recipient=recipient,
                                        signed=document.strip())
            return self._verify_jwt(document, label=label, recipient=recipient, depth=depth)
        if not isinstance(document, dict):
            return VerificationReport(label, "unknown", (parse.not_an_object(document),))
        if ENVELOPED in type_names(document.get("type")):
            return self._verify_enveloped(document, label=label, recipient=recipient, depth=depth)
        if ob2.is_ob2(document):
            verification = document.get("verification")
            if isinstance(verification, dict) and verification.get("type") in ("signed", "SignedBadge"):
                return VerificationReport(label, "ob2", (parse.signed_ob2_as_json(),))
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
        if isinstance(data, str) and parse.compact_token(data, max_bytes=self.policy.max_input_bytes) is None:
            return _text_refused(label, "credential")
        try:
            return self._dispatch(data, label=label, recipient=recipient, depth=0)
        except (VCError, RecursionError) as exc:  # a defect below must still give a report
            return VerificationReport(label, "unknown", (parse.stopped(exc),))

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
        report = VerificationReport(label, "sd-jwt-vc", self._sd_jwt_checks(result))
        unknown = presentation.challenge_not_issued(self.challenges, nonce, audience) if nonce else None
        if unknown is not None:  # the same ledger rule as for a JSON-LD presentation
            return replace(report, checks=(*report.checks, unknown))
        return presentation.sd_jwt_nonce(report, nonce, self.challenges)

    @_boundary
    def verify_presentation(self, data: Any, *, challenge: str | None = None,
                            domain: str | None = None, label: str = "<input>",
                            recipient: str | None = None) -> VerificationReport:
        """Verify a presentation bound to ``challenge`` and ``domain``, and every credential in it.

        One proof by the holder must carry the challenge and domain, and every proof must be the
        holder's and verify (:func:`verifier.checks.presentation.check_presentation`). ``recipient``
        is checked on each credential inside, as for :meth:`verify_credential`. ``data`` is bytes
        or a parsed object (a ``str`` is ``parse.unknown_format``).
        """
        if isinstance(data, str):
            return _text_refused(label, "presentation")
        try:
            document = parse.json_value(data, max_bytes=self.policy.max_input_bytes)
        except ParseError as exc:
            return _unreadable(label, exc)
        if not isinstance(document, dict):
            return VerificationReport(label, "unknown", (parse.not_an_object(document, "presentation"),))
        checks = _Checks([parse.read_as("read as a JSON-LD presentation"),
                          check_format(document, kind="presentation"),
                          self.check_context(document, kind="presentation")], announce=False)
        if context.unreadable(checks[-1]):
            return VerificationReport(label, "vp", (*checks, *context.not_read(("proof", "presentation"))))
        holder = holder_id(document)
        outcome: ProofOutcome | None = None
        if checks.passed("context"):
            outcome = self.proofs.verify(document, purpose="authentication",
                                         expected_controller=holder)
            checks.append(proof.data_integrity(outcome))
        else:
            checks.append(proof.contexts_unsafe())
        nested = []
        items = document.get("verifiableCredential", [])
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            nested.append(self.verify_credential(item, label=f"{label}#verifiableCredential[{i}]",
                                                 recipient=recipient))
        others_ok = all(r.verified for r in nested) and not any(
            c.status in (Status.FAILED, Status.ERROR) for c in checks)
        checks.append(presentation.check_presentation(
            document, outcome, challenge=challenge, domain=domain, challenges=self.challenges,
            credentials_ok=others_ok, now=self.clock.now(), nested=nested,
            require_subject_binding=self.policy.require_subject_binding))
        return VerificationReport(label, "vp", tuple(checks), tuple(nested))
