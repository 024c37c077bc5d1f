"""Fixtures for the terminal app's tests: demo sessions over the fixture world, and the app.

A demo session (temporary wallet with Maya Alvarez's fixture badges, local HTTPS host) takes
about a second to start, so read-only tests share one per module; tests that change the wallet
(import, delete, backup, lock) get their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import contexts_path

#: The demo's fixed clock, so every screen and every verdict is the same on every run.
AS_OF = "2026-06-01T12:00:00Z"


def _start() -> Any:
    from vcwallet.demo.session import DemoSession
    from verifier.contexts import ContextStore

    return DemoSession(ContextStore(directories=[contexts_path()]), as_of=AS_OF).start()


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    """One demo session for the module's read-only tests."""
    demo = _start()
    try:
        yield demo
    finally:
        demo.close()


@pytest.fixture
def fresh_session() -> Iterator[Any]:
    """A demo session of the test's own, for tests that change the wallet."""
    demo = _start()
    try:
        yield demo
    finally:
        demo.close()


class Cleanup:
    """Stands in for the session's cleanup, so an app quitting does not close a shared session."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def make_services(session: Any, **changes: Any) -> Any:
    """The services ``vcwallet demo`` builds, with a recording cleanup (and any ``changes``)."""
    from tui.launch import demo_services

    services = demo_services(session)
    services.cleanup = Cleanup()
    for name, value in changes.items():
        setattr(services, name, value)
    return services


def make_app(session: Any, **changes: Any) -> Any:
    from tui.app import create_app

    return create_app(make_services(session, **changes))
