"""CachingFetcher: bounded, TTL from the injected clock, failures never cached."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from verifier.clock import FixedClock
from verifier.errors import FetchError, VCError
from verifier.fetch import CachingFetcher, FetchResponse


class _Counting:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail = False

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        self.calls.append(url)
        if self.fail:
            raise FetchError("fetch.timeout", "slow")
        return FetchResponse(url=url, status=200, content_type="application/json",
                             body=url.encode())


def _setup(**kwargs: float) -> tuple[_Counting, FixedClock, CachingFetcher]:
    inner = _Counting()
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    return inner, clock, CachingFetcher(inner, clock, **kwargs)  # type: ignore[arg-type]


def test_hit_within_ttl_and_miss_after() -> None:
    inner, clock, cache = _setup(ttl_seconds=60)
    assert cache.fetch("https://a").body == b"https://a"
    clock.advance(59)
    cache.fetch("https://a")
    assert len(inner.calls) == 1
    clock.advance(2)
    cache.fetch("https://a")
    assert len(inner.calls) == 2


def test_accept_is_part_of_the_key() -> None:
    inner, _, cache = _setup()
    cache.fetch("https://a", accept="application/json")
    cache.fetch("https://a", accept="text/html")
    assert len(inner.calls) == 2


def test_bounded_entries() -> None:
    inner, _, cache = _setup(max_entries=2)
    for url in ("https://a", "https://b", "https://c"):
        cache.fetch(url)
    assert len(cache) == 2
    cache.fetch("https://c")
    assert len(inner.calls) == 3
    cache.fetch("https://a")
    assert len(inner.calls) == 4


def test_bounded_bytes() -> None:
    _, _, cache = _setup(max_total_bytes=20)
    cache.fetch("https://aaaaaaaaa")  # 17 bytes
    cache.fetch("https://bbbbbbbbb")  # evicts the first
    assert len(cache) == 1


def test_failures_not_cached() -> None:
    inner, _, cache = _setup()
    inner.fail = True
    with pytest.raises(VCError) as info:
        cache.fetch("https://a")
    assert info.value.code == "fetch.timeout"
    inner.fail = False
    assert cache.fetch("https://a").status == 200
    assert len(inner.calls) == 2


def test_cached_body_respects_smaller_cap() -> None:
    _, _, cache = _setup()
    cache.fetch("https://abcdef")
    with pytest.raises(VCError) as info:
        cache.fetch("https://abcdef", max_bytes=4)
    assert info.value.code == "fetch.too_large"
    assert cache.fetch("https://abcdef", max_bytes=100).body == b"https://abcdef"


def test_clock_going_backwards_invalidates() -> None:
    inner, clock, cache = _setup()
    cache.fetch("https://a")
    clock.advance(-10)
    cache.fetch("https://a")
    assert len(inner.calls) == 2
