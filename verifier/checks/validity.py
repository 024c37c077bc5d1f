"""The ``validity`` check: is the credential inside its validity period right now?

For a JSON-LD credential (and the credential inside a VC-JWT) the dates of the data model
(:func:`check_validity`); for an Open Badges 2.0 assertion ``issuedOn``/``expires``
(:func:`check_ob2_validity`); for the JWT claims of a VC-JWT or an SD-JWT VC ``exp``, ``nbf`` and
``iat`` (:func:`jwt_claims`, :func:`sd_jwt`), which the token readers compare with the clock.

VCDM 2.0 says when a credential starts and stops being valid with ``validFrom``/``validUntil``;
VCDM 1.1 with ``issuanceDate``/``expirationDate``. When a document carries both pairs (it
happens: the Bitstring Status List REC examples put ``issuanceDate`` under the v2 context), the
*narrower* period wins, so a stray field can only make the answer stricter, never looser.

The clock skew applies both ways: a credential stays valid until ``validUntil + skew`` and
becomes valid at ``validFrom - skew``. Both edges are inclusive.

The details always say ``validWhenIssued`` and ``validNow`` so a user interface can say "expired
in 2024, but it was valid when issued", which is the normal fate of a badge and not a forgery.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ..clock import Clock, shift
from ..data_model import as_list, child, iso, parse_date_time
from ..errors import VCError
from ..report import CheckResult, Status
from ..sdjwt.verify import SdJwtResult
from .results import from_error

START_FIELDS = ("validFrom", "issuanceDate")
END_FIELDS = ("validUntil", "expirationDate")
#: VCDM 2.0 dates are dateTimeStamps; 1.1 dates may omit the zone (then UTC).
_NEEDS_ZONE = {"validFrom": True, "validUntil": True, "issuanceDate": False, "expirationDate": False}


def check_validity(document: Mapping[str, Any], clock: Clock,
                   skew: timedelta = timedelta(0)) -> CheckResult:
    """Compare the credential's validity period with ``clock.now()``; result id ``"validity"``.

    Expired is ``validity.expired``, not yet valid ``validity.not_yet_valid``, a malformed date or
    a start after the end ``validity.invalid_period``; all FAILED. No dates at all is PASSED.
    """
    if skew < timedelta(0):
        raise ValueError("clock skew must not be negative")
    now = clock.now()
    base: dict[str, Any] = {"validFrom": None, "validUntil": None, "validWhenIssued": False,
                            "validNow": False, "asOf": iso(now)}
    starts: list[tuple[str, datetime]] = []
    ends: list[tuple[str, datetime]] = []
    for names, bucket in ((START_FIELDS, starts), (END_FIELDS, ends)):
        for name in names:
            if name not in document:
                continue
            try:
                bucket.append((name, parse_date_time(document[name], require_timezone=_NEEDS_ZONE[name])))
            except ValueError as exc:
                return CheckResult("validity", Status.FAILED, "validity.invalid_period",
                                   f"{name} is not a usable date: {exc}", child("$", name), base)
    start = max(starts, key=lambda pair: pair[1]) if starts else None
    end = min(ends, key=lambda pair: pair[1]) if ends else None
    details = dict(base, validFrom=iso(start[1]) if start else None, validUntil=iso(end[1]) if end else None)

    if start and end and start[1] > end[1]:
        return CheckResult("validity", Status.FAILED, "validity.invalid_period",
                           f"the credential says it is valid from {iso(start[1])} until {iso(end[1])}, "
                           "which is an empty period", child("$", end[0]), details)
    issued = start[1] if start else _proof_created(document)
    details["validWhenIssued"] = end is None or issued is None or issued <= shift(end[1], skew)
    if end and now > shift(end[1], skew):
        when = ("It was valid when issued." if details["validWhenIssued"]
                else "It was already expired when it was signed.")
        return CheckResult("validity", Status.FAILED, "validity.expired",
                           f"the credential expired on {iso(end[1])}. {when}", child("$", end[0]), details)
    if start and now < shift(start[1], -skew):
        return CheckResult("validity", Status.FAILED, "validity.not_yet_valid",
                           f"the credential is not valid before {iso(start[1])}", child("$", start[0]),
                           details)
    details["validNow"] = True
    if not start and not end:
        return CheckResult("validity", Status.PASSED, None,
                           "no validity period: the credential does not say when it starts or stops "
                           "being valid", details=details)
    since = f" since {iso(start[1])}" if start else ""
    until = f" until {iso(end[1])}" if end else " with no end date"
    return CheckResult("validity", Status.PASSED, None, f"valid now{since}{until}", details=details)


def _proof_created(document: Mapping[str, Any]) -> datetime | None:
    """When no start date is given, the earliest parseable ``proof.created`` stands in for issuance."""
    times = []
    for proof in as_list(document.get("proof")):
        if isinstance(proof, dict) and "created" in proof:
            try:
                times.append(parse_date_time(proof["created"], require_timezone=False))
            except ValueError:
                continue
    return min(times) if times else None


#: Open Badges 2.0 names for the two ends of the period, read as VCDM 1.1 dates (zone optional).
_OB2_FIELDS = {"issuanceDate": "issuedOn", "expirationDate": "expires"}


def check_ob2_validity(assertion: Mapping[str, Any], clock: Clock,
                       skew: timedelta = timedelta(0)) -> CheckResult:
    """The ``validity`` check for an Open Badges 2.0 assertion: ``issuedOn`` and ``expires``.

    The same rules, codes and details shape as :func:`check_validity` (``validWhenIssued`` reads
    "expired, but valid when issued"), with ``issuedOn`` as the issue date and ``expires`` as the
    end; paths name the OB 2.0 fields. A missing ``issuedOn`` is the ``openbadges`` check's to
    report, so it does not fail here.
    """
    view = {vc: assertion[ob] for vc, ob in _OB2_FIELDS.items() if ob in assertion}
    result = check_validity(view, clock, skew)
    path = result.path
    for vc, ob in _OB2_FIELDS.items():
        if path == child("$", vc):
            path = child("$", ob)
    message = result.message
    for vc, ob in _OB2_FIELDS.items():
        message = message.replace(vc, ob)
    return CheckResult(result.id, result.status, result.code,
                       message.replace("the credential", "the badge"), path, result.details)


# -- JWT claims -------------------------------------------------------------------------------

def jwt_claims(findings: tuple[VCError, ...]) -> tuple[CheckResult, ...]:
    """One failed ``validity`` result per date claim of a VC-JWT that is out of its period.

    They stand before the credential's own :func:`check_validity`, which also runs: the claims
    and the credential's dates are both signed, and both must hold.
    """
    return tuple(from_error("validity", finding, Status.FAILED) for finding in findings)


def sd_jwt(result: SdJwtResult) -> CheckResult:
    """The SD-JWT VC's ``exp``, ``nbf`` and ``iat``: passed, or the first finding (all of them in
    ``details["findings"]``)."""
    if not result.validity:
        return CheckResult("validity", Status.PASSED, None,
                           "the credential is within its validity period (exp, nbf, iat)")
    first = result.validity[0]
    details = dict(first.details)
    details["findings"] = [{"code": f.code, "path": f.path} for f in result.validity]
    return CheckResult("validity", Status.FAILED, first.code, first.message, first.path, details)
