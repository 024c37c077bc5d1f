"""What a presentation request is, as both sides read it: its two languages, reading one
strictly, the challenge and domain an answer must be bound to, and claim paths.

Two request languages are used, because holders carry two kinds of credential:

* a W3C **Verifiable Presentation Request** (w3c-ccg "vp-request-spec") with one
  ``QueryByExample``, for JSON-LD credentials answered with a signed VP. The ``challenge`` and
  ``domain`` it carries end up in the VP's ``authentication`` proof;
* an **OpenID4VP 1.0** authorization request carrying a **DCQL** query, for SD-JWT VCs
  (``dc+sd-jwt``). Its ``nonce`` and ``client_id`` end up in the key-binding JWT (``nonce`` and
  ``aud``, OpenID4VP 1.0 B.3.6).

The verifier's side (writing requests, remembering challenges) is :mod:`vcwallet.requesting`;
the holder's (matching and answering) is :mod:`vcwallet.matching` and :mod:`vcwallet.presenting`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from verifier.clock import Clock, SystemClock
from verifier.errors import ParseError
from verifier.json_reader import loads

from .errors import VCWalletError

_PATH_PART = re.compile(r"[^.\s]+")


class RequestError(VCWalletError, ValueError):
    """A request could not be written or read (``request.invalid``, ``request.ledger_invalid``)."""


def parse_claim_path(path: str | Sequence[str | int | None]) -> tuple[str | int | None, ...]:
    """A claim path from ``credentialSubject.achievement.name`` (or a DCQL array) as a tuple.

    In the dotted form a number selects an array index and ``*`` every array element (DCQL's
    ``null``), so ``evidence.*.id`` is ``("evidence", None, "id")``.
    """
    if isinstance(path, str):
        parts = path.split(".")
        if not path or not all(_PATH_PART.fullmatch(p) for p in parts):
            raise RequestError("request.invalid", f"claim path {path!r} is not a dotted path such as "
                                                  "credentialSubject.achievement.name")
        return tuple(None if p == "*" else int(p) if p.isdigit() else p for p in parts)
    items = tuple(path)
    if not items or not all(
            p is None or (isinstance(p, str) and p) or (isinstance(p, int) and not isinstance(p, bool)
                                                        and p >= 0) for p in items):
        raise RequestError("request.invalid", "a claim path is a non-empty list of names, indexes or null")
    return items


def format_claim_path(path: Sequence[str | int | None]) -> str:
    """The dotted form of a claim path (inverse of :func:`parse_claim_path`)."""
    return ".".join("*" if p is None else str(p) for p in path)


def request_kind(request: Any) -> str:
    """``"vpr"`` (QueryByExample), ``"dcql"`` (OpenID4VP), or ``request.invalid``."""
    if isinstance(request, dict):
        if isinstance(request.get("query"), (list, dict)):
            return "vpr"
        if isinstance(request.get("dcql_query"), dict) or isinstance(request.get("credentials"), list):
            return "dcql"
    raise RequestError("request.invalid", "not a Verifiable Presentation Request (query) or an "
                                          "OpenID4VP request (dcql_query)")


def request_binding(request: dict[str, Any]) -> tuple[str, str]:
    """The ``(challenge, domain)`` a presentation answering ``request`` must be bound to.

    For DCQL the pair is ``(nonce, client_id)``: that is what goes into the key-binding JWT.
    """
    kind = request_kind(request)
    challenge = request.get("challenge" if kind == "vpr" else "nonce")
    domain = request.get("domain" if kind == "vpr" else "client_id")
    if not isinstance(challenge, str) or not challenge:
        raise RequestError("request.invalid", "the request carries no challenge (nonce)")
    if not isinstance(domain, str) or not domain:
        raise RequestError("request.invalid", "the request carries no domain (client_id)")
    return challenge, domain


def load_request(data: bytes | str) -> dict[str, Any]:
    """Read a request file strictly; anything unreadable is ``request.invalid``."""
    try:
        value = loads(data, max_bytes=1024 * 1024)
    except ParseError as exc:
        raise RequestError("request.invalid", f"the request is not valid JSON: {exc.message}") from exc
    request_kind(value)
    request_binding(value)
    result: dict[str, Any] = value
    return result


def utc_now_iso(clock: Clock | None = None) -> str:
    """``clock``'s now as an XML Schema dateTime in UTC (ledger stamps, proof ``created``)."""
    return (clock or SystemClock()).now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["RequestError", "format_claim_path", "load_request", "parse_claim_path", "request_binding",
           "request_kind", "utc_now_iso"]
