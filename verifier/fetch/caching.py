"""A bounded, time-limited cache in front of any fetcher.

One verification run asks for the same did:web document or status list many times (a
presentation of ten credentials from one issuer). Caching answers keeps that to one request,
the TTL comes from the injected clock so tests can age entries without sleeping, and both the
entry count and total bytes are bounded so a hostile batch cannot grow memory without limit.
Failures are never cached: a transient error must not stick.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from ..clock import Clock
from ..errors import FetchError
from .base import Fetcher, FetchResponse


class CachingFetcher:
    """LRU cache keyed by (url, accept); entries expire ``ttl_seconds`` after they were stored."""

    def __init__(self, inner: Fetcher, clock: Clock, ttl_seconds: float = 300.0,
                 max_entries: int = 128, max_total_bytes: int = 32 * 1024 * 1024) -> None:
        if ttl_seconds < 0 or max_entries < 1:
            raise ValueError("ttl_seconds must be >= 0 and max_entries >= 1")
        self._inner = inner
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._max_entries = max_entries
        self._max_total_bytes = max_total_bytes
        self._entries: OrderedDict[tuple[str, str | None], tuple[datetime, FetchResponse]] = (
            OrderedDict())
        self._total_bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._total_bytes = 0

    def _drop(self, key: tuple[str, str | None]) -> None:
        _, response = self._entries.pop(key)
        self._total_bytes -= len(response.body)

    def _lookup(self, key: tuple[str, str | None]) -> FetchResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, response = entry
            age = self._clock.now() - stored_at
            # A clock that moved backwards also invalidates: the entry's age is unknown.
            if age > self._ttl or age < timedelta(0):
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return response

    def _store(self, key: tuple[str, str | None], response: FetchResponse) -> None:
        size = len(response.body)
        if size > self._max_total_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock.now(), response)
            self._total_bytes += size
            while (len(self._entries) > self._max_entries
                   or self._total_bytes > self._max_total_bytes):
                self._drop(next(iter(self._entries)))

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        """A fresh cached response, or the inner fetcher's answer (then cached)."""
        key = (url, accept)
        cached = self._lookup(key)
        if cached is not None:
            if max_bytes is not None and len(cached.body) > max_bytes:
                raise FetchError("fetch.too_large", f"cached body is {len(cached.body)} bytes",
                                 details={"max_bytes": max_bytes, "url": url})
            return cached
        response = self._inner.fetch(url, accept=accept, max_bytes=max_bytes)
        self._store(key, response)
        return response
