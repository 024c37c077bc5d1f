"""Fixtures for the SD-JWT tests: a fixed clock, an offline key lookup, a one-call verifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.sdjwt import SdJwtResult, verify_sd_jwt_vc

from .builders import AUDIENCE, NONCE, NOW


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def lookup(clock: FixedClock) -> ResolverKeyLookup:
    """did:key resolves offline; nothing else is reachable."""
    return ResolverKeyLookup.create(StaticFetcher({}), clock)


@pytest.fixture
def verify(lookup: ResolverKeyLookup, clock: FixedClock) -> Callable[..., SdJwtResult]:
    def run(token: str, **kwargs: Any) -> SdJwtResult:
        kwargs.setdefault("nonce", NONCE)
        kwargs.setdefault("audience", AUDIENCE)
        return verify_sd_jwt_vc(token, key_lookup=lookup, clock=clock, **kwargs)
    return run
