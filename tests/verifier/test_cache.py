"""``verifier.cache``: the bounded LRU and the TTL cache every layer shares."""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

import pytest

from verifier.cache import LruCache, TtlCache
from verifier.clock import END_OF_TIME, FixedClock

START = datetime(2026, 1, 1, tzinfo=UTC)


# -- LruCache ------------------------------------------------------------------------------------

def test_lru_forgets_the_least_recently_used_first() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache["c"] = 3
    assert "b" not in cache and cache.get("a") == 1 and cache["c"] == 3
    assert len(cache) == 2 and sorted(cache) == ["a", "c"]


def test_lru_membership_and_iteration_do_not_count_as_use() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache["a"], cache["b"] = 1, 2
    assert "a" in cache and list(cache) == ["a", "b"]
    cache["c"] = 3
    assert "a" not in cache  # looking did not save it
    # twin: reading does
    cache.get("b")
    cache["d"] = 4
    assert "b" in cache and "c" not in cache


def test_lru_stands_where_a_dict_is_expected() -> None:
    cache: LruCache[str, int] = LruCache(4)
    assert isinstance(cache, MutableMapping)
    cache.update({"x": 1, "y": 2})
    assert cache.get("missing") is None and cache.get("missing", 7) == 7
    assert cache.pop("x") == 1 and cache.pop("x", None) is None
    del cache["y"]
    with pytest.raises(KeyError):
        cache["y"]
    with pytest.raises(KeyError):
        del cache["y"]


def test_lru_weight_bound_evicts_and_refuses_what_alone_is_too_heavy() -> None:
    cache: LruCache[str, bytes] = LruCache(10, max_weight=10, weigh=len)
    cache["a"], cache["b"] = b"1234", b"1234"
    cache["c"] = b"1234"  # 12 > 10: "a" goes
    assert sorted(cache) == ["b", "c"] and cache.weight == 8
    assert cache.put("b", b"x" * 11) is False  # heavier than the whole budget: not stored
    assert "b" not in cache and cache.weight == 4  # and the older value is not kept either
    assert cache.put("d", b"x" * 6) is True and cache.weight == 10


def test_lru_of_zero_entries_stores_nothing_and_bad_bounds_are_refused() -> None:
    empty: LruCache[str, int] = LruCache(0)
    assert empty.put("a", 1) is False and len(empty) == 0
    with pytest.raises(ValueError):
        LruCache(-1)
    with pytest.raises(ValueError):
        LruCache(3, max_weight=10)  # a weight bound needs a way to weigh
    with pytest.raises(ValueError):
        LruCache(3, weigh=len)


def test_lru_stays_within_bounds_under_threads() -> None:
    cache: LruCache[int, bytes] = LruCache(50, max_weight=400, weigh=len)

    def writer(offset: int) -> None:
        for n in range(2000):
            cache[offset + n % 120] = b"x" * (n % 16)
            cache.get(offset + (n * 7) % 120)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) <= 50
    assert cache.weight == sum(len(cache[key]) for key in list(cache)) <= 400


# -- TtlCache ------------------------------------------------------------------------------------

def test_ttl_entries_are_fresh_until_their_lifetime_ends() -> None:
    clock = FixedClock(START)
    cache: TtlCache[str, str] = TtlCache(clock, 60, 8)
    cache.put("k", "v")
    clock.advance(59.999)
    assert cache.get("k") == "v"
    clock.advance(0.001)  # exactly 60 s: the lifetime is over
    assert cache.get("k") is None and "k" not in cache  # and the stale entry is dropped


def test_ttl_a_clock_that_moved_backwards_invalidates() -> None:
    clock = FixedClock(START)
    cache: TtlCache[str, str] = TtlCache(clock, 60, 8)
    cache.put("k", "v")
    clock.advance(-1)
    assert cache.get("k") is None
    # twin: stored at this (earlier) time, it is fresh again
    cache.put("k", "v")
    assert cache.get("k") == "v"


def test_ttl_an_entry_may_live_shorter_never_longer() -> None:
    clock = FixedClock(START)
    cache: TtlCache[str, str] = TtlCache(clock, 300, 8)
    cache.put("short", "v", ttl_seconds=10)
    cache.put("long", "v", ttl_seconds=10_000)
    clock.advance(11)
    assert cache.get("short") is None and cache.get("long") == "v"
    clock.advance(290)
    assert cache.get("long") is None


def test_ttl_of_zero_or_less_stores_nothing() -> None:
    clock = FixedClock(START)
    off: TtlCache[str, str] = TtlCache(clock, 0, 8)
    assert off.put("k", "v") is False and off.get("k") is None
    cache: TtlCache[str, str] = TtlCache(clock, 60, 8)
    cache.put("k", "old")
    assert cache.put("k", "new", ttl_seconds=0) is False
    assert cache.get("k") is None  # the older answer is not served instead
    with pytest.raises(ValueError):
        TtlCache(clock, -1, 8)


def test_ttl_lifetime_counts_from_when_the_answer_was_asked_for() -> None:
    clock = FixedClock(START)
    cache: TtlCache[str, str] = TtlCache(clock, 60, 8)
    asked = clock.now()
    clock.advance(50)  # a slow load
    cache.put("k", "v", stored_at=asked)
    clock.advance(10)
    assert cache.get("k") is None


def test_ttl_near_the_end_of_time_does_not_overflow() -> None:
    clock = FixedClock(END_OF_TIME - timedelta(seconds=5))
    cache: TtlCache[str, str] = TtlCache(clock, 1e15, 8)
    assert cache.put("k", "v") is True and cache.get("k") == "v"


def test_ttl_is_bounded_by_entries_and_weight_least_recently_used_first() -> None:
    clock = FixedClock(START)
    cache: TtlCache[str, bytes] = TtlCache(clock, 60, 2, max_weight=10, weigh=len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    cache.get("a")
    cache.put("c", b"1234")
    assert cache.get("b") is None and cache.get("a") == b"1234" and len(cache) == 2
    assert cache.put("d", b"x" * 11) is False and cache.weight <= 10
    cache.clear()
    assert len(cache) == 0 and cache.weight == 0
