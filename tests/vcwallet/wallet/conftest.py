"""Fixtures for the wallet tests: the fixture world's HTTPS host and a verifier over it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.vcwallet.wallet.world import CONTEXTS
from vcwallet.demo.world import WORLD_DIR, world_host, world_verifier


@pytest.fixture(scope="module")
def host() -> Iterator[Any]:
    with world_host() as running:
        yield running


@pytest.fixture(scope="module")
def verifier(host: Any) -> Any:
    return world_verifier(WORLD_DIR, host, CONTEXTS)
