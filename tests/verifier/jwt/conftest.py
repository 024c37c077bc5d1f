"""Fixtures for the VC-JWT tests: a fixed clock and an offline key lookup."""

from __future__ import annotations

import pytest

from verifier.clock import FixedClock
from verifier.did import did_jwk_from_key
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup

from .tokens import ISSUER_KEY, NOW, WEB_DOC_URL, web_did_document


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def lookup(clock: FixedClock) -> ResolverKeyLookup:
    """did:key and did:jwk offline, plus one did:web document served from memory."""
    return ResolverKeyLookup.create(StaticFetcher({WEB_DOC_URL: web_did_document()}), clock)


@pytest.fixture
def key_issuer() -> str:
    return ISSUER_KEY.public.did_key


@pytest.fixture
def key_vm(key_issuer: str) -> str:
    return f"{key_issuer}#{ISSUER_KEY.public.multibase}"


@pytest.fixture
def jwk_issuer() -> str:
    return did_jwk_from_key(ISSUER_KEY.public)
