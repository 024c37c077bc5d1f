"""What a badge says about itself, read from any credential form (JSON-LD VC, Open Badges 2.0
assertion, SD-JWT VC claims): its format, types, issuer, subjects, achievement and dates.

These readings are unverified and for display and matching only; whether a credential can be
trusted is the verifier's report. Matching a request, the warnings before presenting or
sharing, the LinkedIn link and the HTML page all read a badge through this one module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from verifier.clock import parse_datetime


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def credential_format(credential: Any) -> str:
    """``dc+sd-jwt`` (SD-JWT VC claims), ``ob2`` (Open Badges 2.0 assertion) or ``ldp_vc``."""
    if isinstance(credential, Mapping):
        if isinstance(credential.get("vct"), str):
            return "dc+sd-jwt"
        if "badge" in credential and "recipient" in credential:
            return "ob2"
    return "ldp_vc"


def credential_types(credential: Mapping[str, Any]) -> list[str]:
    if credential_format(credential) == "dc+sd-jwt":
        return [str(credential["vct"])]
    return [t for t in as_list(credential.get("type")) if isinstance(t, str)]


def credential_issuer(credential: Mapping[str, Any]) -> str | None:
    """The issuer id (``issuer``/``issuer.id``, SD-JWT ``iss``, OB 2.0 ``badge.issuer``)."""
    fmt = credential_format(credential)
    if fmt == "dc+sd-jwt":
        value: Any = credential.get("iss")
    elif fmt == "ob2":
        badge = credential.get("badge")
        value = badge.get("issuer") if isinstance(badge, Mapping) else None
    else:
        value = credential.get("issuer")
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) else None


def credential_subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in as_list(credential.get("credentialSubject")) if isinstance(s, Mapping)]


def achievement_names(credential: Mapping[str, Any]) -> list[str]:
    """Every achievement name the credential states (OB 3.0 subjects, OB 2.0 ``badge.name``)."""
    names: list[str] = []
    if credential_format(credential) == "ob2":
        badge = credential.get("badge")
        if isinstance(badge, Mapping) and isinstance(badge.get("name"), str):
            names.append(badge["name"])
        return names
    for subject in credential_subjects(credential):
        for achievement in as_list(subject.get("achievement")):
            if isinstance(achievement, Mapping) and isinstance(achievement.get("name"), str):
                names.append(achievement["name"])
    return names


@dataclass(frozen=True)
class BadgeFacts:
    """What a person looking at a badge wants to know, read from any credential form.

    ``issuer_name`` is the name the credential gives its issuer (self-asserted); callers that have
    a trust list should prefer the list's name.
    """

    name: str | None
    description: str | None
    criteria: str | None
    issuer_id: str | None
    issuer_name: str | None
    issued: datetime | None
    expires: datetime | None
    credential_id: str | None
    subject_id: str | None
    format: str


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def badge_facts(credential: Mapping[str, Any]) -> BadgeFacts:
    """Name, criteria, issuer, dates and id of a JSON-LD, OB 2.0 or SD-JWT VC credential."""
    fmt = credential_format(credential)
    achievement: Mapping[str, Any] = {}
    issuer: Any = credential.get("iss") if fmt == "dc+sd-jwt" else credential.get("issuer")
    subject_id: Any = None
    if fmt == "ob2":
        badge = credential.get("badge")
        achievement = badge if isinstance(badge, Mapping) else {}
        issuer = achievement.get("issuer")
        recipient = credential.get("recipient")
        subject_id = recipient.get("identity") if isinstance(recipient, Mapping) else None
    for subject in credential_subjects(credential):
        subject_id = subject_id or subject.get("id")
        found = next((a for a in as_list(subject.get("achievement")) if isinstance(a, Mapping)), None)
        if found is not None:
            achievement = found
            break
    if fmt == "dc+sd-jwt":
        subject_id = subject_id or credential.get("sub")
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        criteria = criteria.get("narrative") or criteria.get("id")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    if fmt == "dc+sd-jwt" and issuer_name is None:
        named = credential.get("issuer")
        issuer_name = named.get("name") if isinstance(named, Mapping) else None
    issued = next((d for d in (parse_date(credential.get(k)) for k in
                               ("validFrom", "issuanceDate", "issuedOn", "iat", "nbf")) if d), None)
    ident = credential.get("id")
    return BadgeFacts(
        name=_text(achievement.get("name")) or _text(credential.get("name")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        criteria=_text(criteria), issuer_id=_text(issuer), issuer_name=_text(issuer_name),
        issued=issued, expires=expiry(credential), credential_id=_text(ident),
        subject_id=_text(subject_id), format=fmt)


def parse_date(value: Any) -> datetime | None:
    """A date from an XML Schema dateTime or JWT seconds; ``None`` when unreadable."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            return parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def expiry(credential: Mapping[str, Any]) -> datetime | None:
    """When the credential says it expires (VC 2.0, 1.1, JWT ``exp``, OB 2.0), if it says."""
    for key in ("validUntil", "expirationDate", "exp", "expires"):
        found = parse_date(credential.get(key))
        if found is not None:
            return found
    return None


__all__ = ["BadgeFacts", "achievement_names", "as_list", "badge_facts", "credential_format",
           "credential_issuer", "credential_subjects", "credential_types", "expiry", "parse_date"]
