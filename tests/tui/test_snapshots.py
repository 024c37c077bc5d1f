"""Snapshot tests: every screen at 100×30 and 160×48, in the dark and the light theme.

The demo runs on a fixed clock and shows its temporary folder as ``~demo``, so the screens are the
same on every run and every machine. Update after a deliberate change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.conftest import REPO
from tests.tui.conftest import make_app
from tests.tui.helpers import set_input, settle
from tui.widgets.report_view import ReportView

SIZES = [pytest.param((100, 30), id="100x30"), pytest.param((160, 48), id="160x48")]
THEMES = ["textual-dark", "textual-light"]
#: Shown by a path relative to the repository, so the screen does not depend on the checkout.
REVOKED = "vcwallet/data/world/credentials/educator-lab/maya-alvarez--formative-assessment.json"
SD_JWT_REQUEST = "~demo/requests/lakeview-sd-jwt-request.json"
CLAIMS = ("credentialSubject.achievement.alignment[0]", "evidence[0]")

Before = Callable[[Any], Awaitable[None]]


def themed(theme: str, then: Before | None = None) -> Before:
    async def run_before(pilot: Any) -> None:
        pilot.app.theme = theme
        await pilot.pause()
        if then is not None:
            await then(pilot)
        await settle(pilot.app, pilot)

    return run_before


async def open_detail(pilot: Any) -> None:
    await pilot.press("home", "enter")  # the first badge: Checking for Student Understanding
    await pilot.pause()


async def desk_report(pilot: Any) -> None:
    await pilot.press("tab")
    await pilot.pause()
    set_input(pilot.app.screen, "#desk-path", REVOKED)
    await pilot.press("enter")
    await settle(pilot.app, pilot)
    tree = pilot.app.screen.query_one("#desk-report", ReportView)
    status = next(node for node in tree.root.children if "Revocation" in str(node.label))
    status.expand()
    tree.move_cursor(status)
    await pilot.pause()


async def present_claims(pilot: Any) -> None:
    from textual.widgets import SelectionList

    await pilot.press("p")
    await pilot.pause()
    set_input(pilot.app.screen, "#req-path", SD_JWT_REQUEST)
    await pilot.press("enter")
    await pilot.pause()
    claims = pilot.app.screen.query_one("#claims", SelectionList)
    for path in CLAIMS:
        claims.select(path)
    claims.focus()
    await pilot.pause()


def _unlock_app(session: Any) -> Any:
    def never(_passphrase: str) -> Any:
        raise AssertionError("the snapshot does not unlock")

    return make_app(session, wallet=None, open_wallet=never)


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_wallet_screen(snap_compare: Any, session: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(make_app(session), terminal_size=size, run_before=themed(theme))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_detail_screen(snap_compare: Any, session: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(make_app(session), terminal_size=size, run_before=themed(theme, open_detail))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_verify_desk_with_a_report(snap_compare: Any, session: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(make_app(session), terminal_size=size, run_before=themed(theme, desk_report))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_present_screen(snap_compare: Any, session: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(make_app(session), terminal_size=size, run_before=themed(theme, present_claims))


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
def test_unlock_screen(snap_compare: Any, session: Any, size: tuple[int, int], theme: str) -> None:
    assert snap_compare(_unlock_app(session), terminal_size=size, run_before=themed(theme))
