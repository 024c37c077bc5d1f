"""The DID method registry and its caching wrapper."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from verifier.clock import FixedClock
from verifier.did import CachingResolver, DidDocument, Resolver, default_resolver
from verifier.did.key import resolve_did_key
from verifier.errors import DidError, VCError
from verifier.fetch import StaticFetcher
from verifier.keys import Ed25519KeyPair

DID_KEY = Ed25519KeyPair.from_seed(bytes(32)).public.did_key


class _Counting:
    """A method resolver that counts calls and can be told to fail."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    def resolve(self, did: str) -> DidDocument:
        self.calls += 1
        if self.fail:
            raise DidError("did.not_found", "gone")
        return resolve_did_key(did)


def test_registry_dispatches() -> None:
    resolver = Resolver()
    resolver.register("key", _Counting())
    assert resolver.resolve(DID_KEY).id == DID_KEY
    assert resolver.methods == {"key"}


@pytest.mark.parametrize(
    ("did", "code"),
    [
        pytest.param("did:example:123", "did.method_not_supported", id="unknown-method"),
        pytest.param("did:web:example.com", "did.method_not_supported", id="unregistered-web"),
        pytest.param("not-a-did", "did.invalid", id="not-a-did"),
        pytest.param("did:KEY:z6Mk", "did.invalid", id="uppercase-method"),
        pytest.param(DID_KEY + "#frag", "did.invalid", id="did-url-fragment"),
        pytest.param(DID_KEY + "?q=1", "did.invalid", id="did-url-query"),
        pytest.param("did:key:", "did.invalid", id="empty-id"),
        pytest.param("did:key:" + "z" * 9000, "did.invalid", id="too-long"),
    ],
)
def test_registry_rejects(did: str, code: str) -> None:
    resolver = Resolver()
    resolver.register("key", _Counting())
    with pytest.raises(VCError) as info:
        resolver.resolve(did)
    assert info.value.code == code


def test_registry_checks_document_id() -> None:
    class Liar:
        def resolve(self, did: str) -> DidDocument:
            return resolve_did_key(DID_KEY)

    resolver = Resolver()
    resolver.register("example", Liar())
    with pytest.raises(VCError) as info:
        resolver.resolve("did:example:123")
    assert info.value.code == "did.document_mismatch"


def test_default_resolver_methods() -> None:
    resolver = default_resolver(StaticFetcher({}))
    assert resolver.methods == {"key", "jwk", "web"}
    assert resolver.resolve(DID_KEY).id == DID_KEY
    with pytest.raises(VCError) as info:
        resolver.resolve("did:web:example.com")
    assert info.value.code == "fetch.not_allowed"


def test_caching_resolver_ttl() -> None:
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    inner = _Counting()
    cache = CachingResolver(inner, clock, ttl_seconds=60, max_entries=2)
    cache.resolve(DID_KEY)
    cache.resolve(DID_KEY)
    assert inner.calls == 1
    clock.advance(61)
    cache.resolve(DID_KEY)
    assert inner.calls == 2


def test_caching_resolver_is_bounded() -> None:
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    inner = _Counting()
    cache = CachingResolver(inner, clock, ttl_seconds=60, max_entries=2)
    dids = [Ed25519KeyPair.from_seed(bytes([i]) * 32).public.did_key for i in range(3)]
    for did in dids:
        cache.resolve(did)
    assert len(cache) == 2
    cache.resolve(dids[0])  # evicted first, so fetched again
    assert inner.calls == 4


def test_caching_resolver_does_not_cache_failures() -> None:
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))
    inner = _Counting()
    inner.fail = True
    cache = CachingResolver(inner, clock)
    for _ in range(2):
        with pytest.raises(VCError) as info:
            cache.resolve(DID_KEY)
        assert info.value.code == "did.not_found"
    assert inner.calls == 2
    inner.fail = False
    assert cache.resolve(DID_KEY).id == DID_KEY
