"""A bounded, time-limited cache in front of any fetcher.

One verification run asks for the same did:web document or status list many times (a
presentation of ten credentials from one issuer). Caching answers keeps that to one request,
the TTL comes from the injected clock so tests can age entries without sleeping, and both the
entry count and total bytes are bounded so a hostile batch cannot grow memory without limit.
Failures are never cached: a transient error must not stick.
"""

from __future__ import annotations

from ..cache import TtlCache
from ..clock import Clock
from ..errors import FetchError
from .base import Fetcher, FetchResponse


def _body_size(response: FetchResponse) -> int:
    return len(response.body)


class CachingFetcher:
    """LRU cache keyed by (url, accept); entries expire ``ttl_seconds`` after they were stored
    (a :class:`verifier.cache.TtlCache`: locked, and a clock that moved backwards invalidates)."""

    def __init__(self, inner: Fetcher, clock: Clock, ttl_seconds: float = 300.0,
                 max_entries: int = 128, max_total_bytes: int = 32 * 1024 * 1024) -> None:
        if ttl_seconds < 0 or max_entries < 1:
            raise ValueError("ttl_seconds must be >= 0 and max_entries >= 1")
        self._inner = inner
        self._entries: TtlCache[tuple[str, str | None], FetchResponse] = TtlCache(
            clock, ttl_seconds, max_entries, max_weight=max_total_bytes, weigh=_body_size)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        """A fresh cached response, or the inner fetcher's answer (then cached)."""
        key = (url, accept)
        cached = self._entries.get(key)
        if cached is not None:
            if max_bytes is not None and len(cached.body) > max_bytes:
                raise FetchError("fetch.too_large", f"cached body is {len(cached.body)} bytes",
                                 details={"max_bytes": max_bytes, "url": url})
            return cached
        response = self._inner.fetch(url, accept=accept, max_bytes=max_bytes)
        self._entries.put(key, response)
        return response
