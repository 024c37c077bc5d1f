"""DID resolution as a registry of methods, so callers choose exactly which methods they trust.

Each method resolver answers for one method name; :class:`Resolver` dispatches on the method and
refuses the rest with ``did.method_not_supported``. :class:`CachingResolver` wraps any resolver
with a bounded, clock-driven TTL cache (successes only).
"""

from __future__ import annotations

import re
from typing import Protocol

from ..cache import TtlCache
from ..clock import Clock
from ..errors import DidError
from ..fetch.base import Fetcher
from .document import DidDocument
from .jwk import JwkDidResolver
from .key import KeyDidResolver
from .web import WebDidResolver

MAX_DID_CHARS = 8192
_DID_RE = re.compile(r"did:([a-z0-9]+):([A-Za-z0-9._%:-]+)")


class DidResolver(Protocol):
    """Anything that turns a DID (no path, query or fragment) into its document."""

    def resolve(self, did: str) -> DidDocument: ...


def did_method(did: str) -> str:
    """The method name of ``did``; ``did.invalid`` for anything that is not a plain DID."""
    if not isinstance(did, str) or len(did) > MAX_DID_CHARS:
        raise DidError("did.invalid", "DID is not a string or is too long")
    match = _DID_RE.fullmatch(did)
    if match is None or match.group(2).endswith(":"):
        raise DidError("did.invalid", "not a DID (or a DID URL with path, query or fragment)")
    return match.group(1)


class Resolver:
    """A registry of DID method resolvers."""

    def __init__(self) -> None:
        self._methods: dict[str, DidResolver] = {}

    @property
    def methods(self) -> frozenset[str]:
        """The registered method names."""
        return frozenset(self._methods)

    def register(self, method: str, resolver: DidResolver) -> None:
        """Answer DIDs of ``method`` with ``resolver`` (replacing any earlier one)."""
        if re.fullmatch(r"[a-z0-9]+", method) is None:
            raise ValueError(f"invalid DID method name {method!r}")
        self._methods[method] = resolver

    def resolve(self, did: str) -> DidDocument:
        """The document of ``did``; ``did.method_not_supported`` for unregistered methods."""
        method = did_method(did)
        resolver = self._methods.get(method)
        if resolver is None:
            raise DidError("did.method_not_supported", f"did:{method} is not supported",
                           details={"method": method})
        document = resolver.resolve(did)
        if document.id != did:
            raise DidError("did.document_mismatch", f"resolved document is for {document.id}",
                           details={"did": did, "document_id": document.id})
        return document


class CachingResolver:
    """Cache documents for ``ttl_seconds`` of the injected clock, at most ``max_entries`` (a
    :class:`verifier.cache.TtlCache`); failures are never cached."""

    def __init__(self, inner: DidResolver, clock: Clock, ttl_seconds: float = 300.0,
                 max_entries: int = 256) -> None:
        if ttl_seconds < 0 or max_entries < 1:
            raise ValueError("ttl_seconds must be >= 0 and max_entries >= 1")
        self._inner = inner
        self._entries: TtlCache[str, DidDocument] = TtlCache(clock, ttl_seconds, max_entries)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every cached document."""
        self._entries.clear()

    def resolve(self, did: str) -> DidDocument:
        """A fresh cached document, or the inner resolver's answer (then cached)."""
        document = self._entries.get(did)
        if document is None:
            document = self._inner.resolve(did)
            self._entries.put(did, document)
        return document


def default_resolver(fetcher: Fetcher) -> Resolver:
    """A resolver for did:key, did:jwk and did:web (the latter fetched through ``fetcher``)."""
    resolver = Resolver()
    resolver.register("key", KeyDidResolver())
    resolver.register("jwk", JwkDidResolver())
    resolver.register("web", WebDidResolver(fetcher))
    return resolver
