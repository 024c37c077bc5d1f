"""Fixtures for presentation tests: the world's HTTPS host, verifiers over it, the holders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import contexts_missing
from tests.vcwallet.present.helpers import CONTEXTS, Holder
from vcwallet.demo.world import WORLD_DIR, world_host, world_verifier
from verifier.contexts import ContextStore
from verifier.presentation import ChallengeStore, MemoryChallengeStore
from verifier.verification import Verifier


@pytest.fixture(scope="session")
def maya() -> Holder:
    return Holder("maya-alvarez")


@pytest.fixture(scope="session")
def jordan() -> Holder:
    return Holder("jordan-okafor")


@pytest.fixture(scope="session")
def context_store() -> ContextStore:
    if CONTEXTS is None:
        pytest.skip(contexts_missing())
    return ContextStore(directories=[CONTEXTS])


@pytest.fixture(scope="module")
def host(context_store: ContextStore) -> Iterator[Any]:
    with world_host(WORLD_DIR) as running:
        yield running


@pytest.fixture
def make_verifier(host: Any, context_store: ContextStore) -> Callable[..., Verifier]:
    """A fresh verifier over the world (its own challenge store unless one is given)."""

    def make(challenges: ChallengeStore | None = None) -> Verifier:
        base = world_verifier(WORLD_DIR, host, context_store)
        base.challenges = challenges if challenges is not None else MemoryChallengeStore()
        return base

    return make


@pytest.fixture
def verifier(make_verifier: Callable[..., Verifier]) -> Verifier:
    return make_verifier()
