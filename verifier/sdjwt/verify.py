"""Verifying an SD-JWT VC presentation: issuer signature, disclosures, key binding, dates, status.

The order matters for safety and is the one RFC 9901 §7 and the SD-JWT VC draft give:

1. split the SD-JWT, and refuse a dangerous issuer header before anything else: ``alg`` must be
   EdDSA (``none``, HMAC and everything else fall out in :mod:`verifier.jose`), the header must
   not carry or point at a key (``jwk``, ``jku``, ``x5u``, ``x5c``: key confusion), ``crit`` must
   be understood, and ``typ`` must be ``dc+sd-jwt`` (``vc+sd-jwt`` from older drafts is read too);
2. take the issuer key from ``iss`` only: ``iss`` is a DID, ``kid`` names a verification method
   *in that DID's document* (a foreign ``kid`` is refused before anything is resolved), and the
   key must be listed under ``assertionMethod``;
3. put the disclosures in place (:mod:`verifier.sdjwt.reconstruct`), refusing the SD-JWT VC
   claims that must never be selectively disclosed (``iss``, ``nbf``, ``exp``, ``cnf``, ``vct``,
   ``vct#integrity``, ``status``);
4. check the key binding (:mod:`verifier.sdjwt.key_binding`): required unless the caller says
   otherwise, and never "passed" when the caller asked no nonce or audience;
5. dates (``exp``, ``nbf``, ``iat``) and, only for an authentic token, the Token Status List.

Bad input never raises out of :func:`verify_sd_jwt_vc`: every problem lands in the result, each
stage in its own field, so a report can say which part failed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from ..clock import Clock
from ..errors import VCError
from ..jose import JoseError, check_algorithm, check_crit, check_key_headers, check_typ, verify_signature
from ..proofs import KeyBinding, KeyLookup
from ..records import record
from ..vc_jwt import key_id_for
from .disclosure import SdJwtError
from .key_binding import DEFAULT_MAX_AGE, DEFAULT_SKEW, verify_key_binding
from .reconstruct import Reconstruction, reconstruct, sd_alg_of
from .status_list import TokenStatusSource, parse_status_claim, status_name
from .token import SdJwt, split_sd_jwt

#: ``typ`` of an SD-JWT VC: the current draft's, then the one drafts before -06 used.
VC_TYPS: tuple[str, ...] = ("dc+sd-jwt", "vc+sd-jwt")
#: Claims the SD-JWT VC draft forbids to disclose selectively: they must always be visible.
ALWAYS_VISIBLE_CLAIMS = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
ASSERTION = "assertionMethod"
_MAX_NUMERIC_DATE = 253402300799

KB_VERIFIED = "verified"
KB_MISSING = "missing"
KB_NOT_REQUIRED = "not required"
KB_INVALID = "invalid"


@dataclass(frozen=True)
class TokenStatusOutcome:
    """The credential's Token Status List entry: its value, or why it could not be read."""

    uri: str | None
    idx: int | None
    value: int | None
    error: VCError | None = None

    @property
    def name(self) -> str:
        return "unknown" if self.value is None else status_name(self.value)


@dataclass(frozen=True)
class SdJwtResult:
    """Everything verifying one SD-JWT VC found out, stage by stage.

    - ``error``: the token could not be read (``parsed`` false) or its issuer signature was
      refused (algorithm, typ, key source, signature, key lookup);
    - ``binding``: whether the key is the issuer's for ``assertionMethod`` (``binding.problem``);
    - ``claims``/``disclosed``/``always_visible`` or ``disclosure_error``: the verifier's view;
    - ``key_binding`` (``verified``, ``missing``, ``not required``, ``invalid``) and ``kb_error``;
    - ``validity``: date findings; ``status``: the Token Status List entry, when there is one.
    """

    parsed: bool
    error: VCError | None
    header: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    issuer: str | None = None
    vct: str | None = None
    vm_id: str | None = None
    binding: KeyBinding | None = None
    view: Reconstruction | None = field(default=None, repr=False)
    disclosure_error: VCError | None = None
    key_binding: str = KB_MISSING
    kb_error: VCError | None = None
    kb_claims: dict[str, Any] = field(default_factory=dict)
    validity: tuple[VCError, ...] = ()
    status: TokenStatusOutcome | None = None

    @property
    def claims(self) -> dict[str, Any] | None:
        """The claims the verifier received, after processing; ``None`` if that failed."""
        return self.view.claims if self.view is not None else None

    @property
    def disclosed(self) -> tuple[str, ...]:
        """The paths of the selectively disclosed claims that were revealed."""
        return self.view.disclosed if self.view is not None else ()

    @property
    def always_visible(self) -> tuple[str, ...]:
        """The paths of the claims that were never selectively disclosable."""
        return self.view.always_visible_paths if self.view is not None else ()

    @property
    def signature_ok(self) -> bool:
        return self.parsed and self.error is None and self.binding is not None \
            and self.binding.public_key is not None

    @property
    def key_bound(self) -> bool:
        return self.binding is not None and self.binding.bound

    @property
    def status_ok(self) -> bool:
        """No status, or a status entry that reads "valid"."""
        return self.status is None or self.status.value == 0

    @property
    def problems(self) -> list[VCError]:
        """Every finding that stops the credential from being accepted, in stage order."""
        found: list[VCError] = []
        if self.error is not None:
            found.append(self.error)
        if self.binding is not None and self.binding.problem is not None:
            found.append(self.binding.problem)
        for extra in (self.disclosure_error, self.kb_error):
            if extra is not None:
                found.append(extra)
        found.extend(self.validity)
        if self.status is not None and self.status.error is not None:
            found.append(self.status.error)
        elif self.status is not None and self.status.value != 0:
            code = "status.revoked" if self.status.value == 1 else (
                "status.suspended" if self.status.value == 2 else "status.unknown")
            found.append(VCError(code, f"the issuer's status list says {self.status.name}"))
        return found

    @property
    def ok(self) -> bool:
        """True only when every stage passed: authentic, bound, disclosed, fresh and valid."""
        return self.signature_ok and self.key_bound and self.claims is not None and not self.problems


def _numeric_date(payload: Mapping[str, Any], name: str) -> float | None:
    if name not in payload:
        return None
    value = payload[name]
    if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            or not 0 <= value <= _MAX_NUMERIC_DATE):
        raise VCError("validity.invalid_period", f"the {name} claim is not a NumericDate",
                      path=f"$.{name}")
    return float(value)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(math.floor(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validity_findings(payload: Mapping[str, Any], clock: Clock, skew: timedelta) -> tuple[VCError, ...]:
    """``exp``, ``nbf`` and ``iat`` against the clock (with ``skew``); findings, never raises.

    Compared as POSIX seconds (what the claims are); a date is built only for a finding's text.
    """
    now = clock.now().timestamp()
    margin = skew.total_seconds()
    found: list[VCError] = []
    for name in ("exp", "nbf", "iat"):
        try:
            seconds = _numeric_date(payload, name)
        except VCError as exc:
            found.append(exc)
            continue
        if seconds is None:
            continue
        if name == "exp" and now - margin >= seconds:
            found.append(VCError("validity.expired", f"the credential expired at {_iso(seconds)}",
                                 path="$.exp", details={"exp": _iso(seconds)}))
        elif name != "exp" and now + margin < seconds:
            found.append(VCError("validity.not_yet_valid",
                                 f"the credential's {name} is in the future ({_iso(seconds)})",
                                 path=f"$.{name}", details={name: _iso(seconds)}))
    return tuple(found)


def _claims_error(message: str, path: str) -> JoseError:
    return JoseError("jwt.invalid_claims", message, path=path)


def _required(payload: Mapping[str, Any]) -> tuple[str, str]:
    iss, vct = payload.get("iss"), payload.get("vct")
    if not isinstance(iss, str) or ":" not in iss:
        raise _claims_error("the SD-JWT VC names no issuer (iss)", "$.iss")
    if not isinstance(vct, str) or not vct:
        raise _claims_error("the SD-JWT VC has no credential type (vct)", "$.vct")
    return iss, vct


def _disclose(sd: SdJwt) -> Reconstruction:
    result = reconstruct(sd.jws.payload, sd.disclosures)
    for entry in result.entries:
        if len(entry.path) == 1 and entry.path[0] in ALWAYS_VISIBLE_CLAIMS:
            raise SdJwtError("sdjwt.reserved_name",
                             f"the claim {entry.path[0]!r} must never be selectively disclosed in "
                             "an SD-JWT VC", path=f"$.{entry.path[0]}",
                             details={"name": entry.path[0], "rule": "sd-jwt-vc"})
    return result


#: ``kid`` → verification method id is pure and checked on every token; remember recent answers.
_key_id = lru_cache(maxsize=256)(key_id_for)


def _issuer_key(sd: SdJwt, issuer: str, key_lookup: KeyLookup) -> tuple[str, KeyBinding]:
    kid = sd.jws.header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise JoseError("jwt.malformed", "the kid header is not a non-empty string")
    vm_id = _key_id(kid, issuer)
    return vm_id, key_lookup.lookup(vm_id, purpose=ASSERTION, expected_controller=issuer)


def _status(payload: Mapping[str, Any], issuer: str,
            checker: TokenStatusSource | None) -> TokenStatusOutcome:
    try:
        ref = parse_status_claim(payload["status"])
    except VCError as exc:
        return TokenStatusOutcome(None, None, None, exc)
    if checker is None:
        return TokenStatusOutcome(ref.uri, ref.idx, None, VCError(
            "status.unknown", "the credential has a status list, but no status checker is configured",
            details={"url": ref.uri}))
    try:
        return TokenStatusOutcome(ref.uri, ref.idx, checker.check(ref.uri, ref.idx, issuer=issuer))
    except VCError as exc:
        return TokenStatusOutcome(ref.uri, ref.idx, None, exc)


def verify_sd_jwt_vc(token: str, *, key_lookup: KeyLookup, clock: Clock, nonce: str | None = None,
                     audience: str | None = None, require_key_binding: bool = True,
                     status_checker: TokenStatusSource | None = None,
                     clock_skew: timedelta = DEFAULT_SKEW,
                     kb_max_age: timedelta = DEFAULT_MAX_AGE) -> SdJwtResult:
    """Verify an SD-JWT VC (issued or presented); see the module text for the order of checks.

    ``nonce`` and ``audience`` are what this verifier asked the holder for. With
    ``require_key_binding`` (the default) a missing KB-JWT is ``sdjwt.kb_missing``; a KB-JWT
    that is present is always checked, and fails with reason ``no nonce asked`` when ``nonce``
    is ``None``. Never raises for bad input.
    """
    try:
        sd = split_sd_jwt(token)
    except VCError as exc:
        return SdJwtResult(False, exc)
    header, payload = sd.jws.header, sd.jws.payload
    header_error: VCError | None = None
    try:
        check_algorithm(header)
        check_key_headers(header)
        check_crit(header)
        check_typ(header, VC_TYPS)
    except VCError as exc:
        header_error = exc
    try:
        issuer, vct = _required(payload)
    except VCError as exc:
        return SdJwtResult(True, header_error or exc, header, payload)
    base = {"header": header, "payload": payload, "issuer": issuer, "vct": vct,
            "validity": validity_findings(payload, clock, clock_skew)}

    view: Reconstruction | None = None
    disclosure_error: VCError | None = None
    try:
        view = _disclose(sd)
    except VCError as exc:
        disclosure_error = exc

    kb_state, kb_error, kb_claims = _key_binding(sd, payload, nonce, audience, require_key_binding,
                                                 clock, clock_skew, kb_max_age)
    parts: dict[str, Any] = dict(base, view=view, disclosure_error=disclosure_error, key_binding=kb_state,
                                 kb_error=kb_error, kb_claims=kb_claims)
    if header_error is not None:
        return SdJwtResult(True, header_error, **parts)
    try:
        vm_id, binding = _issuer_key(sd, issuer, key_lookup)
    except VCError as exc:
        return SdJwtResult(True, exc, **parts)
    if binding.public_key is None:
        problem = binding.problem or JoseError("jwt.untrusted_key", "no key found for the kid")
        return SdJwtResult(True, problem, vm_id=vm_id, binding=binding, **parts)
    try:
        verify_signature(sd.jws, binding.public_key)  # its header passed the checks above
    except VCError as exc:
        return SdJwtResult(True, exc, vm_id=vm_id, binding=binding, **parts)
    status = None
    if "status" in payload and binding.bound:
        status = _status(payload, issuer, status_checker)
    return record(SdJwtResult, {"parsed": True, "error": None, "vm_id": vm_id, "binding": binding,
                                "status": status, **parts})


def _key_binding(sd: SdJwt, payload: Mapping[str, Any], nonce: str | None, audience: str | None,
                 required: bool, clock: Clock, skew: timedelta,
                 max_age: timedelta) -> tuple[str, VCError | None, dict[str, Any]]:
    if sd.kb_jwt is None:
        if not required:
            return KB_NOT_REQUIRED, None, {}
        return KB_MISSING, SdJwtError("sdjwt.kb_missing", "the presentation has no key binding: "
                                      "anyone holding a copy could have sent it"), {}
    try:
        alg = sd_alg_of(payload)
        claims = verify_key_binding(sd.kb_jwt, issuer_payload=payload, presented=sd.presented,
                                    alg=alg, nonce=nonce, audience=audience, clock=clock,
                                    max_age=max_age, skew=skew)
    except VCError as exc:
        return KB_INVALID, exc, {}
    return KB_VERIFIED, None, claims
