"""did:web: a DID document served over https at a path derived from the DID.

The DID-to-URL mapping is where path tricks hide, so it is strict: the host must be a plain DNS
name (an optional ``%3A``-encoded port is the only escape allowed there), path segments may not
be empty, ``.`` or ``..``, and no percent-escape may decode to a character that changes the URL's
structure (``/``, ``?``, ``#``, ``\\``, ``%``, control characters). The fetched document must
name the DID it was fetched for, or a server could answer for someone else's DID.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from ..errors import DidError, FetchError, ParseError
from ..fetch.base import Fetcher
from ..json_reader import loads
from .document import DidDocument

PREFIX = "did:web:"
ACCEPT = "application/did+json, application/did+ld+json, application/json;q=0.9"
MAX_DOCUMENT_BYTES = 256 * 1024
_DID_RE = re.compile(r"did:web:[A-Za-z0-9._%:-]+")
_LABEL_RE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_SEGMENT_RE = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=@-]+")
_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _host(segment: str) -> str:
    decoded = unquote(segment, errors="strict")
    host, sep, port = decoded.partition(":")
    host = host.lower()
    if "%" in host or len(host) > 253:
        raise DidError("did.invalid", "did:web host may only escape its port separator")
    labels = host.split(".")
    if len(labels) < 1 or any(_LABEL_RE.fullmatch(label) is None for label in labels):
        raise DidError("did.invalid", f"did:web host {host!r} is not a DNS name")
    if sep:
        if not port.isdigit() or not 0 < int(port) < 65536 or port.startswith("0"):
            raise DidError("did.invalid", f"did:web port {port!r} is invalid")
        return f"{host}:{port}"
    return host


def _segment(segment: str) -> str:
    if not segment:
        raise DidError("did.invalid", "did:web has an empty path segment")
    decoded = unquote(segment, errors="strict")
    if decoded in (".", "..") or _SEGMENT_RE.fullmatch(decoded) is None:
        raise DidError("did.invalid", f"did:web path segment {segment!r} is not allowed")
    return decoded


def did_web_url(did: str) -> str:
    """The https URL of the document for ``did``; ``did.invalid`` for anything unsafe."""
    if not isinstance(did, str) or _DID_RE.fullmatch(did) is None:
        raise DidError("did.invalid", "not a did:web DID")
    if _ESCAPE_RE.search(did):
        raise DidError("did.invalid", "did:web has a malformed percent-escape")
    parts = did[len(PREFIX):].split(":")
    try:
        host = _host(parts[0])
        path = [_segment(segment) for segment in parts[1:]]
    except UnicodeDecodeError as exc:
        raise DidError("did.invalid", "did:web escape is not UTF-8") from exc
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{'/'.join(path)}/did.json"


def resolve_did_web(did: str, fetcher: Fetcher) -> DidDocument:
    """Fetch and parse the document of ``did``.

    A 404 or 410 becomes ``did.not_found``; other ``fetch.*`` errors pass through so the caller
    can tell a refused address from a missing document.
    """
    url = did_web_url(did)
    try:
        response = fetcher.fetch(url, accept=ACCEPT, max_bytes=MAX_DOCUMENT_BYTES)
    except FetchError as exc:
        if exc.code == "fetch.failed" and exc.details.get("status") in (404, 410):
            raise DidError("did.not_found", f"no DID document at {url}",
                           details={"url": url, "status": exc.details["status"]}) from exc
        raise
    try:
        data = loads(response.body, max_bytes=MAX_DOCUMENT_BYTES)
    except ParseError as exc:
        raise DidError("did.invalid_document", f"DID document at {url} is not strict JSON",
                       details={"url": url, "cause": exc.code}) from exc
    document = DidDocument.from_json(data)
    if document.id != did:
        raise DidError("did.document_mismatch", f"document at {url} is for {document.id}",
                       details={"did": did, "document_id": document.id})
    return document


class WebDidResolver:
    """The did:web method for the :class:`~verifier.did.resolver.Resolver` registry."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    def resolve(self, did: str) -> DidDocument:
        return resolve_did_web(did, self._fetcher)
