"""The verifier's two caches: a bounded LRU, and a TTL cache on the injected clock.

Why one module: the fetcher, the DID resolver, both status checkers, the context store and both
JSON-LD paths each carried a hand-written copy, and the copies had drifted (some locked, some
not; some refused an entry whose clock had moved backwards, some kept it). Every cache here is

* **bounded** by a number of entries (zero stores nothing) and, optionally, a total weight
  (bytes of fetched bodies, bytes of decoded status lists), so a hostile batch cannot grow
  memory without limit; a value heavier than the whole budget is not stored at all;
* **thread-safe**, one lock per cache: a verifier is shared by the app's worker threads;
* **on the injected clock** (:class:`TtlCache`), so tests age entries without sleeping. An entry
  is fresh from the instant it was stored until its lifetime ends, exclusive: a clock that moved
  backwards makes its age unknown, so it is dropped, never served.

Callers store only answers: a failure must not stick. Memos on the hottest paths (the fast
JSON-LD expansion's per-context memos, the self-certifying key memo) stay plain dictionaries
emptied when full, because a lock and an LRU move cost more there than the work they save; each
says so where it is defined.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from datetime import datetime, timedelta
from typing import Generic, TypeVar, overload

from .clock import Clock, shift

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")


class _Bounded(Generic[K, V]):
    """The shared core: an ordered dict (least recently used first), its bounds and its lock."""

    __slots__ = ("_data", "_lock", "_max_entries", "_max_weight", "_weigh", "_weight", "_weights")

    def __init__(self, max_entries: int, *, max_weight: int | None = None,
                 weigh: Callable[[V], int] | None = None) -> None:
        if max_entries < 0:
            raise ValueError("max_entries must not be negative")
        if (max_weight is None) != (weigh is None):
            raise ValueError("max_weight and weigh go together")
        if max_weight is not None and max_weight < 0:
            raise ValueError("max_weight must not be negative")
        self._data: OrderedDict[K, V] = OrderedDict()
        self._max_entries = max_entries
        self._max_weight = max_weight
        self._weigh = weigh
        self._weights: dict[K, int] = {}
        self._weight = 0
        self._lock = threading.Lock()

    @property
    def max_entries(self) -> int:
        return self._max_entries

    @property
    def weight(self) -> int:
        """The total weight held now (0 for a cache without a weight bound)."""
        return self._weight

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self._weight = 0

    def discard(self, key: K) -> None:
        """Forget ``key`` if it is held."""
        with self._lock:
            if key in self._data:
                self._remove(key)

    def _remove(self, key: K) -> V:
        """Drop ``key`` (lock held)."""
        value = self._data.pop(key)
        if self._weigh is not None:
            self._weight -= self._weights.pop(key)
        return value

    def _store(self, key: K, value: V) -> bool:
        """Store ``value`` as the most recently used entry and evict down to the bounds; False,
        with nothing stored (and any older value of ``key`` dropped), when it alone is heavier
        than the whole weight budget."""
        weight = self._weigh(value) if self._weigh is not None else 0
        with self._lock:
            if key in self._data:
                self._remove(key)
            if self._max_entries == 0 or (self._max_weight is not None and weight > self._max_weight):
                return False
            self._data[key] = value
            if self._weigh is not None:
                self._weights[key] = weight
                self._weight += weight
            data = self._data
            while len(data) > self._max_entries or (
                    self._max_weight is not None and self._weight > self._max_weight):
                self._remove(next(iter(data)))  # least recently used first
            return True


class LruCache(_Bounded[K, V], MutableMapping[K, V]):
    """A bounded mapping that forgets the least recently used entry first.

    A :class:`~collections.abc.MutableMapping`, so it can stand where a ``dict`` is expected
    (pyld's ``ContextResolver`` keeps its resolved contexts in one). Reading an entry (``get``,
    ``[]``) makes it the most recently used; ``in`` and iteration do not.
    """

    __slots__ = ()

    @overload
    def get(self, key: K, default: None = None) -> V | None: ...

    @overload
    def get(self, key: K, default: V | D) -> V | D: ...

    def get(self, key: K, default: V | D | None = None) -> V | D | None:
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                return default
            self._data.move_to_end(key)
            return value

    def __getitem__(self, key: K) -> V:
        with self._lock:
            value = self._data[key]
            self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> bool:
        """Remember ``value``; False when it is heavier than the whole weight budget (then it is
        not stored, and an older value of ``key`` is forgotten)."""
        return self._store(key, value)

    def __setitem__(self, key: K, value: V) -> None:
        self._store(key, value)

    def __delitem__(self, key: K) -> None:
        with self._lock:
            self._remove(key)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        with self._lock:
            keys = list(self._data)
        return iter(keys)


class _Timed(Generic[V]):
    """A value with the instants it was stored and stops being fresh."""

    __slots__ = ("expires_at", "stored_at", "value")

    def __init__(self, stored_at: datetime, expires_at: datetime, value: V) -> None:
        self.stored_at = stored_at
        self.expires_at = expires_at
        self.value = value


class TtlCache(_Bounded[K, _Timed[V]]):
    """Answers kept for ``ttl_seconds`` of ``clock`` (or a shorter lifetime per entry), at most
    ``max_entries`` of them (and ``max_weight`` by ``weigh``), least recently used evicted first.

    An entry is fresh while ``stored_at <= now < stored_at + lifetime``; a stale entry is dropped
    when it is next asked for. A lifetime of zero or less stores nothing, so ``ttl_seconds=0``
    turns the cache off.
    """

    __slots__ = ("_clock", "_ttl")

    def __init__(self, clock: Clock, ttl_seconds: float, max_entries: int, *,
                 max_weight: int | None = None, weigh: Callable[[V], int] | None = None) -> None:
        if ttl_seconds < 0:
            raise ValueError("ttl_seconds must not be negative")
        timed_weigh: Callable[[_Timed[V]], int] | None = None
        if weigh is not None:
            def timed_weigh(entry: _Timed[V]) -> int:
                return weigh(entry.value)
        super().__init__(max_entries, max_weight=max_weight, weigh=timed_weigh)
        self._clock = clock
        self._ttl = float(ttl_seconds)

    @property
    def ttl_seconds(self) -> float:
        return self._ttl

    def get(self, key: K) -> V | None:
        """The fresh value of ``key``, or None (a stale one is forgotten)."""
        now = self._clock.now()
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            if entry.stored_at <= now < entry.expires_at:
                self._data.move_to_end(key)
                return entry.value
            self._remove(key)
            return None

    def put(self, key: K, value: V, *, ttl_seconds: float | None = None,
            stored_at: datetime | None = None) -> bool:
        """Remember ``value`` for the cache's TTL, or ``ttl_seconds`` when that is shorter.

        ``stored_at`` (default: now) lets a caller date the answer from when it asked for it,
        so a slow load does not lengthen its life. False when nothing was stored (a lifetime of
        zero or less, or a value heavier than the weight budget); an older value is forgotten.
        """
        lifetime = self._ttl if ttl_seconds is None else min(self._ttl, ttl_seconds)
        if lifetime <= 0:
            self.discard(key)
            return False
        start = self._clock.now() if stored_at is None else stored_at
        try:
            delta = timedelta(seconds=lifetime)
        except OverflowError:  # a lifetime beyond timedelta's range: until the end of time
            delta = timedelta.max
        return self._store(key, _Timed(start, shift(start, delta), value))

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is held, fresh or not (for tests and diagnostics)."""
        return key in self._data
