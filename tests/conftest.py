"""Shared test fixtures: where the interop reference data is, and stores built over it.

The interop corpus (``../shared/interop``) is third-party reference data that is never
committed; tests that need it skip with a clear reason when it is absent.

Tests that need only the pinned JSON-LD contexts (not the corpus's credentials or vectors) take
them from, in order: ``../shared/interop/contexts``; the user's context cache, when it holds every
pinned context (``vcwallet contexts fetch`` or ``vcwallet contexts import DIR`` fills it); or, only
when ``VCWALLET_TEST_FETCH_CONTEXTS=1`` allows the network, a one-time download of the pinned
contexts into that cache, each copy checked against its pinned digest. Otherwise they skip, and
say why. Tests never touch the network by default.
"""

from __future__ import annotations

import functools
import json
import os
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
#: Set to ``1`` to let the tests download the pinned contexts once into the user cache.
FETCH_CONTEXTS_ENV = "VCWALLET_TEST_FETCH_CONTEXTS"
CONTEXTS_MISSING = ("the pinned JSON-LD contexts are not available offline: put ../shared/interop beside "
                    "this checkout, fill the user cache once with `vcwallet contexts fetch`, or set "
                    f"{FETCH_CONTEXTS_ENV}=1 to let the tests download them once")


def interop_path(*parts: str) -> Path:
    """A path inside the interop corpus; skips the calling test when the corpus is absent."""
    path = INTEROP.joinpath(*parts)
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    return path


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _holds_every_pin(directory: Path) -> bool:
    """True when ``directory`` serves every pinned context (each copy checked by its digest)."""
    from verifier.contexts import ContextStore
    from verifier.contexts.admin import ContextAdmin

    if not directory.is_dir():
        return False
    # A plain directory scan, with no cache: checking the user's cache must not write into it.
    return all(info.where != "missing" for info in ContextAdmin(ContextStore([directory])).list())


#: Why the one-time download (when allowed) did not complete: ``URL: code`` for each failure.
_FETCH_FAILURES: list[str] = []


@functools.cache
def pinned_contexts() -> Path | None:
    """A folder holding every pinned context, found (or fetched) as the module docstring says."""
    if (INTEROP / "contexts").is_dir():
        return INTEROP / "contexts"
    from verifier.contexts import ContextStore, user_cache_dir
    from verifier.contexts.admin import ContextAdmin

    cache = user_cache_dir()
    if _holds_every_pin(cache):
        return cache
    if os.environ.get(FETCH_CONTEXTS_ENV) == "1":
        from verifier.fetch import RequestsFetcher

        store = ContextStore([], cache_dir=cache, fetcher=RequestsFetcher(), allow_network=True)
        outcomes = ContextAdmin(store).fetch_all()
        if _holds_every_pin(cache):
            return cache
        _FETCH_FAILURES.extend(f"{url}: {o.code or o.message}" for url, o in outcomes.items()
                               if o.status == "failed")
    return None


def contexts_missing() -> str:
    """The reason a test that needs the pinned contexts is skipped (after :func:`pinned_contexts`)."""
    if _FETCH_FAILURES:
        return (f"the one-time download of the pinned contexts ({FETCH_CONTEXTS_ENV}=1) failed for "
                f"{len(_FETCH_FAILURES)} of them (first: {_FETCH_FAILURES[0]})")
    return CONTEXTS_MISSING


def contexts_path() -> Path:
    """:func:`pinned_contexts`; skips the calling test when there is none."""
    found = pinned_contexts()
    if found is None:
        pytest.skip(contexts_missing())
    return found


@pytest.fixture(scope="session")
def interop() -> Path:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    return INTEROP


@pytest.fixture(scope="session")
def contexts_dir() -> Path:
    """A folder with every pinned context (see the module docstring for where it comes from)."""
    return contexts_path()


@pytest.fixture
def cli_contexts(contexts_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the command line (and its subprocesses) at :func:`contexts_dir` via the environment."""
    monkeypatch.setenv("VCWALLET_CONTEXTS", str(contexts_dir))
    return contexts_dir


@pytest.fixture(scope="session")
def test_contexts(contexts_dir: Path) -> Any:
    """A context store over the pinned contexts that also accepts the test-only examples."""
    from verifier.contexts import ContextStore

    return ContextStore(directories=[contexts_dir], production=False)


@pytest.fixture(scope="session")
def contexts(contexts_dir: Path) -> Any:
    """A production-mode context store over the pinned contexts."""
    from verifier.contexts import ContextStore

    return ContextStore(directories=[contexts_dir], production=True)
