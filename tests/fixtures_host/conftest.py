"""``fixture_host_factory``: start HTTPS fixture hosts over a directory tree, stopped after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from fixtures.host import FixtureHost, domains_under

FixtureHostFactory = Callable[..., FixtureHost]


@pytest.fixture
def fixture_host_factory() -> Iterator[FixtureHostFactory]:
    """``factory(root, domains=None, **hooks)`` → a running :class:`FixtureHost`.

    ``domains`` defaults to the DNS-named sub-directories of ``root``; ``hooks`` are the
    host's keyword options (``statuses``, ``redirects``, ``stalls``, ``stall_seconds``).
    """
    started: list[FixtureHost] = []

    def factory(root: Path, domains: Sequence[str] | None = None, **hooks: Any) -> FixtureHost:
        host = FixtureHost(root, domains if domains is not None else domains_under(root), **hooks)
        started.append(host)
        return host.start()

    yield factory
    for host in reversed(started):
        host.stop()
