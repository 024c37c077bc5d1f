"""Open Badges 2.0 revocation: the issuer's ``revocationList`` and the hosted assertion's 410.

OB 2.0 has two ways to say "this badge no longer stands":

- A *signed* assertion's issuer profile names a ``revocationList`` URL. That document lists
  ``revokedAssertions``: each item is an assertion id (a string), or an object with ``id`` or
  the legacy ``uid`` and an optional ``revocationReason``.
- A *hosted* assertion's URL answers ``410 Gone`` (or the assertion says ``"revoked": true``).

The revocation list is plain JSON with no signature of its own; it is trusted because it is the
one the issuer profile names. Unreachable or malformed lists are ``error`` (``status.unknown``),
never ``passed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import FetchError, ParseError
from ..fetch import Fetcher
from ..json_reader import loads
from ..report import CheckResult, Status

#: The HTTP status a hosted OB 2.0 assertion answers once revoked.
GONE = 410


def is_gone(error: FetchError) -> bool:
    """True when ``error`` is the fetcher's report of an HTTP 410 answer.

    ``RequestsFetcher`` raises ``fetch.failed`` with ``details["status"]`` for every non-2xx
    status, so the HTTP code is read from there.
    """
    return error.code == "fetch.failed" and error.details.get("status") == GONE


def hosted_assertion_gone(error: FetchError, url: str | None = None) -> CheckResult | None:
    """A ``status.revoked`` result when fetching a hosted assertion answered 410, else ``None``.

    Other fetch failures are not a revocation; the caller reports them as it would any
    unreachable document.
    """
    if not is_gone(error):
        return None
    details: dict[str, Any] = {"outcome": "revoked", "http_status": GONE}
    where = url or error.details.get("url")
    if where:
        details["url"] = where
    return CheckResult("status", Status.FAILED, "status.revoked",
                       "The issuer has revoked this badge: its hosted assertion answers 410 Gone.",
                       None, details)


def _revoked_entry(items: list[Any], ids: set[str]) -> tuple[bool, str | None]:
    for item in items:
        if isinstance(item, str) and item in ids:
            return True, None
        if isinstance(item, Mapping):
            names = {item.get("id"), item.get("uid")}
            if any(isinstance(n, str) and n in ids for n in names):
                reason = item.get("revocationReason")
                return True, reason if isinstance(reason, str) else None
    return False, None


def check_ob2_revocation(assertion: Mapping[str, Any], issuer_profile: Mapping[str, Any],
                         fetcher: Fetcher) -> CheckResult:
    """The ``status`` check for an OB 2.0 assertion; never raises for bad input."""
    if assertion.get("revoked") is True:
        details: dict[str, Any] = {"outcome": "revoked"}
        if isinstance(assertion.get("revocationReason"), str):
            details["revocationReason"] = assertion["revocationReason"]
        return CheckResult("status", Status.FAILED, "status.revoked",
                           "The issuer has revoked this badge (the assertion says so).",
                           "$.revoked", details)
    ref = issuer_profile.get("revocationList")
    if ref is None:
        return CheckResult("status", Status.SKIPPED, None,
                           "The issuer publishes no revocation list.")
    ids = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str) and v}
    if isinstance(ref, Mapping):  # an embedded list
        document: Any = ref
        url = ref.get("id") if isinstance(ref.get("id"), str) else None
    elif isinstance(ref, str) and ref:
        url = ref
        try:
            document = loads(fetcher.fetch(ref, accept="application/ld+json, application/json").body)
        except FetchError as exc:
            return CheckResult("status", Status.ERROR, "status.unknown",
                               "The issuer's revocation list could not be fetched, so the badge's "
                               "status is unknown; try again later.", None,
                               {"outcome": "unknown", "underlying_code": exc.code, "url": ref})
        except ParseError as exc:
            return CheckResult("status", Status.ERROR, "status.unknown",
                               "The issuer's revocation list is not valid JSON.", None,
                               {"outcome": "unknown", "underlying_code": exc.code, "url": ref})
    else:
        return CheckResult("status", Status.ERROR, "status.unknown",
                           "The issuer profile's revocationList is neither a URL nor an object.",
                           None, {"outcome": "unknown"})
    base = {"url": url} if url else {}
    items = document.get("revokedAssertions") if isinstance(document, Mapping) else None
    if not isinstance(items, list):
        return CheckResult("status", Status.ERROR, "status.invalid_list",
                           "The issuer's revocation list has no revokedAssertions array.", None,
                           {"outcome": "unknown", **base})
    list_issuer = document.get("issuer") if isinstance(document, Mapping) else None
    profile_id = issuer_profile.get("id")
    if isinstance(list_issuer, str) and isinstance(profile_id, str) and list_issuer != profile_id:
        return CheckResult("status", Status.FAILED, "status.list_mismatch",
                           "The revocation list belongs to another issuer.", None,
                           {"outcome": "mismatch", "list_issuer": list_issuer,
                            "issuer": profile_id, **base})
    if not ids:
        return CheckResult("status", Status.ERROR, "status.unknown",
                           "The assertion has no id or uid, so the revocation list cannot name it.",
                           None, {"outcome": "unknown", **base})
    revoked, reason = _revoked_entry(items, ids)
    if revoked:
        details = {"outcome": "revoked", **base}
        if reason:
            details["revocationReason"] = reason
        return CheckResult("status", Status.FAILED, "status.revoked",
                           "The issuer has revoked this badge." + (f" Reason: {reason}" if reason else ""),
                           None, details)
    return CheckResult("status", Status.PASSED, None,
                       "The issuer's revocation list does not name this badge.", None,
                       {"outcome": "active", **base})
