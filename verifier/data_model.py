"""The W3C VC Data Model's vocabulary, as every check reads it.

The two base contexts and the version each means, what counts as a URL, JSON paths for error
locations, JSON-LD's "one or many" values, issuer ids, XML Schema dates, language values, and
the ``data:`` URL of an enveloped credential. Plain JSON, no JSON-LD processing: the rules built
from these live in the checks (:mod:`verifier.checks.format` for the data model's own).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from .clock import utc_instant, xsd_year
from .errors import KeyFormatError, ParseError
from .multibase import b64url_decode

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
VERSIONS = {VC_V1: "1.1", VC_V2: "2.0"}

# -- URLs, paths and one-or-many values -------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
#: ASCII controls and space, C1 controls, and the characters RFC 3987 never allows unescaped.
NOT_IN_URI = re.compile(r"[\x00-\x20\x7f-\x9f<>\"{}|\\^`]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DID = re.compile(r"did:[a-z0-9]+:\S+")
_URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+", re.IGNORECASE)
_PATH_KEY = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$\-]*")


def is_url(value: object) -> bool:
    """True for an absolute URI with a scheme: ``https://…``, ``did:…``, ``urn:…``, ``data:…``.

    Spaces, control characters and characters that RFC 3987 forbids make it not a URL, so
    ``"https ://x"`` and a bare multibase key are refused. ``http(s)`` needs a host, ``did:`` a
    method and identifier, ``urn:`` a namespace and a name.
    """
    if not isinstance(value, str) or not value:
        return False
    scheme, sep, rest = value.partition(":")
    if not sep or not rest or _SCHEME.fullmatch(scheme) is None:
        return False
    if NOT_IN_URI.search(value) or _BAD_PERCENT.search(value):
        return False
    lowered = scheme.lower()
    if lowered in ("http", "https"):
        if not rest.startswith("//"):
            return False
        try:
            return bool(urlsplit(value).hostname)
        except ValueError:
            return False
    if lowered == "did":
        return _DID.fullmatch(value) is not None
    if lowered == "urn":
        return _URN.fullmatch(value) is not None
    return True


def child(path: str, key: str | int) -> str:
    """The JSON path of ``key`` inside ``path``: ``$.issuer.id``, ``$.type[1]``, ``$['a b']``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PATH_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def as_list(value: Any) -> list[Any]:
    """JSON-LD's "one or many": a list as is, anything else (but ``None``) as a one-item list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def entries(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, item) for a one-or-many value; a single value keeps its own path (no ``[0]``)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield child(path, i), item
    elif value is not None:
        yield path, value


def type_names(value: Any) -> list[str]:
    """The string members of a ``type`` value (string or list); other members are ignored."""
    return [t for t in as_list(value) if isinstance(t, str)]


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's identifier, from a string or an object's ``id``; ``None`` if malformed."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def is_type_value(value: Any) -> bool:
    """A well-formed ``type``: a non-empty string or a non-empty list of non-empty strings."""
    items = as_list(value)
    return bool(items) and all(isinstance(t, str) and t for t in items)


def vc_version(document: Mapping[str, Any]) -> str | None:
    """``"1.1"`` or ``"2.0"`` from the first ``@context`` entry; ``None`` when it is neither."""
    ctx = document.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return VERSIONS.get(first) if isinstance(first, str) else None


_DATETIME = re.compile(
    r"(?P<sign>-?)(?P<y>[0-9]{4,})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]+))?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?")


def parse_date_time(value: object, *, require_timezone: bool = True) -> datetime:
    """Parse an XML Schema ``dateTime`` (``dateTimeStamp`` when ``require_timezone``) into UTC.

    Stricter than ``datetime.fromisoformat`` on purpose: ``T`` and ``Z`` upper case, seconds
    present, ASCII digits, zone within ±14:00. ``24:00:00`` is the next midnight, as XML Schema
    says. A missing zone (allowed only for VCDM 1.1 dates) is taken as UTC. Years outside 1-9999
    (XML Schema allows them) are read and clamped to :data:`verifier.clock.END_OF_TIME` /
    ``START_OF_TIME``, so comparisons with the clock keep their meaning and nothing overflows.
    Raises ``ValueError``.
    """
    if not isinstance(value, str):
        raise ValueError("a date must be a string")
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not an XML Schema dateTime such as 2024-05-01T12:00:00Z")
    tz_text = match["tz"]
    if tz_text is None and require_timezone:
        raise ValueError(f"{value!r} has no time zone (add Z or an offset such as +02:00)")
    fraction = match["f"] or ""
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"])
    end_of_day = hour == 24
    if end_of_day and (minute or second or fraction.strip("0")):
        raise ValueError(f"{value!r}: hour 24 is only allowed as 24:00:00")
    zone = UTC
    if tz_text and tz_text != "Z":
        sign = -1 if tz_text[0] == "-" else 1
        tz_hours, tz_minutes = int(tz_text[1:3]), int(tz_text[4:6])
        if tz_minutes > 59 or tz_hours > 14 or (tz_hours == 14 and tz_minutes):
            raise ValueError(f"{value!r}: time zone offset out of range")
        zone = timezone(sign * timedelta(hours=tz_hours, minutes=tz_minutes))
    try:
        return utc_instant(xsd_year(match["sign"], match["y"]), int(match["mo"]), int(match["d"]),
                           0 if end_of_day else hour, minute, second,
                           int((fraction + "000000")[:6]), zone, next_day=end_of_day)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value[:60]!r} is not a real date and time: {exc}") from None


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with ``Z``, the form reports use."""
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


_LANGUAGE_KEYS = {"@value", "@language", "@direction"}


def is_language_value(value: Any) -> bool:
    """A VCDM 2.0 name/description: a string, a ``{"@value", "@language", "@direction"}``
    object, or a non-empty list of those. Any other key makes it invalid."""
    if isinstance(value, list):
        return bool(value) and all(_is_single_language_value(v) for v in value)
    return _is_single_language_value(value)


def _is_single_language_value(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if not isinstance(value, dict) or set(value) - _LANGUAGE_KEYS:
        return False
    if not isinstance(value.get("@value"), str):
        return False
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and language):
        return False
    return value.get("@direction") in (None, "ltr", "rtl")


# -- enveloped credentials and compact JWTs ------------------------------------------------------

_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
ENVELOPED = "EnvelopedVerifiableCredential"


#: The ``data:`` media types of an enveloped credential that this verifier reads: VC-JOSE-COSE's
#: ``vc+jwt`` (and earlier drafts' spellings), a plain ``jwt``, and SD-JWT VCs.
ENVELOPED_JWT_TYPES = frozenset({"application/vc+jwt", "application/vc-ld+jwt", "application/vc+ld+jwt",
                                 "application/jwt", "application/vc+sd-jwt", "application/dc+sd-jwt"})


def enveloped_token(item: Mapping[str, Any]) -> tuple[str, str]:
    """``(media type, token)`` from an ``EnvelopedVerifiableCredential``'s ``data:`` URL id.

    ``data:[<media type>][;base64],<data>`` (RFC 2397): the token is the data as it is, or
    decoded when ``;base64`` is given. ``parse.unknown_format`` for anything else, a media
    type this verifier does not read (COSE, say) included, so nothing inside is skipped silently.
    """
    ident = item.get("id")
    if not isinstance(ident, str) or not ident.startswith("data:") or "," not in ident:
        raise ParseError("parse.unknown_format", "an enveloped credential's id must be a data: URL",
                         path="$.id")
    head, data = ident[len("data:"):].split(",", 1)
    media, *params = (part.strip().lower() for part in head.split(";"))
    if media not in ENVELOPED_JWT_TYPES:
        raise ParseError("parse.unknown_format",
                         f"an enveloped credential of media type {media[:60]!r} is not read here; "
                         f"only {', '.join(sorted(ENVELOPED_JWT_TYPES))}",
                         path="$.id", details={"mediaType": media[:60]})
    if "base64" in params:
        try:
            data = base64.b64decode(data, validate=True).decode("ascii")
        except (binascii.Error, ValueError) as exc:
            raise ParseError("parse.unknown_format", "the data: URL's base64 is not valid",
                             path="$.id") from exc
    return media, data.strip()


def is_compact_jwt(value: object) -> bool:
    """Three base64url parts whose first decodes to a JSON object with ``alg``."""
    if not isinstance(value, str) or _JWT.fullmatch(value) is None:
        return False
    try:
        header = json.loads(b64url_decode(value.split(".", 1)[0]))
    except (KeyFormatError, ValueError):
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)
