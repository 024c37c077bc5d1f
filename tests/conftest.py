"""Shared test fixtures: where the interop reference data is, and stores built over it.

The interop corpus (``../shared/interop``) is third-party reference data that is never
committed; tests that need it skip with a clear reason when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# The suite must pass with both cores busy: Hypothesis may judge neither a test's speed nor its
# input generation's. (A test's own @settings still chooses its number of examples.)
settings.register_profile("unhurried", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example,
                                                 HealthCheck.data_too_large])
settings.load_profile("unhurried")

REPO = Path(__file__).resolve().parents[1]
INTEROP = REPO.parent / "shared" / "interop"
INTEROP_MISSING = "../shared/interop is not beside this checkout (third-party vectors are not committed)"


def interop_path(*parts: str) -> Path:
    """A path inside the interop corpus; skips the calling test when the corpus is absent."""
    path = INTEROP.joinpath(*parts)
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    return path


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def interop() -> Path:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    return INTEROP


@pytest.fixture(scope="session")
def test_contexts(interop: Path) -> Any:
    """A context store over the interop contexts that also accepts the test-only examples."""
    from verifier.contexts import ContextStore

    return ContextStore(directories=[interop / "contexts"], production=False)


@pytest.fixture(scope="session")
def contexts(interop: Path) -> Any:
    """A production-mode context store over the interop contexts."""
    from verifier.contexts import ContextStore

    return ContextStore(directories=[interop / "contexts"], production=True)
