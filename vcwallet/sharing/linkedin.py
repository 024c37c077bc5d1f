"""LinkedIn's "Add to profile" link for a certification, filled in from a badge.

LinkedIn has no way to import a verifiable credential, but its Add-to-profile link pre-fills
the Licenses & Certifications form. The link carries ``startTask=CERTIFICATION_NAME`` and the
form fields ``name``, ``organizationName`` (or ``organizationId`` for a LinkedIn company page),
``issueYear``/``issueMonth``, ``expirationYear``/``expirationMonth``, ``certUrl`` and ``certId``.
Nothing is sent anywhere: the holder opens the link while signed in to LinkedIn.

The organization name comes from the verifier's trust list when the issuer is on it, because the
name a credential gives its own issuer is self-asserted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from verifier.trust import TrustList

from ..badge_facts import badge_facts
from ..request_format import RequestError

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
MAX_FIELD = 300


def _field(value: str) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= MAX_FIELD else flat[:MAX_FIELD - 1] + "…"


def _https(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    return value if parts.scheme == "https" and parts.netloc else None


def _cert_id(ident: str) -> str:
    """A short, readable credential id: the UUID of ``urn:uuid:…``, or a URL's last segment."""
    if ident.lower().startswith("urn:uuid:"):
        return ident[9:]
    if _https(ident) is not None:
        tail = [p for p in urlsplit(ident).path.split("/") if p]
        return tail[-1] if tail else ident
    return ident


def linkedin_add_to_profile_url(credential: Mapping[str, Any], *, trust_list: TrustList | None = None,
                                cert_url: str | None = None, organization_id: str | None = None) -> str:
    """The Add-to-profile URL for ``credential`` (parsed JSON-LD, OB 2.0 or SD-JWT VC claims).

    ``cert_url`` overrides the verification link (default: the credential's own ``id`` when it is
    an https URL); ``organization_id`` is the issuer's LinkedIn company id, if known.
    """
    facts = badge_facts(credential)
    if facts.name is None:
        raise RequestError("request.invalid", "the credential has no achievement name to put on a profile")
    entry = trust_list.lookup(facts.issuer_id) if trust_list is not None else None
    organization = entry.name if entry is not None else (facts.issuer_name or facts.issuer_id)
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", _field(facts.name))]
    if organization_id is not None:
        params.append(("organizationId", organization_id))
    elif organization is not None:
        params.append(("organizationName", _field(organization)))
    if facts.issued is not None:
        params += [("issueYear", str(facts.issued.year)), ("issueMonth", str(facts.issued.month))]
    if facts.expires is not None:
        params += [("expirationYear", str(facts.expires.year)),
                   ("expirationMonth", str(facts.expires.month))]
    link = _https(cert_url) or _https(facts.credential_id)
    if cert_url is not None and link is None:
        raise RequestError("request.invalid", "the credential URL must be an https URL")
    if link is not None:
        params.append(("certUrl", link))
    if facts.credential_id is not None:
        params.append(("certId", _field(_cert_id(facts.credential_id))))
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote)}"


__all__ = ["linkedin_add_to_profile_url"]
