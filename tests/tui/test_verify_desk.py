"""Pilot tests for the verify desk against the fixture world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import contexts_missing, pinned_contexts
from tui.app import create_app
from tui.services import AppServices
from tui.widgets.report_view import ReportView
from tui.widgets.verify_desk import VerifyDesk
from vcwallet.demo.world import WORLD_DIR, world_host, world_verifier

CONTEXTS = pinned_contexts()
pytestmark = pytest.mark.skipif(CONTEXTS is None, reason=contexts_missing())


@pytest.fixture(scope="module")
def host() -> Iterator[Any]:
    with world_host() as running:
        yield running


def services(host: Any) -> AppServices:
    def make(trust: Any) -> Any:
        verifier = world_verifier(WORLD_DIR, host, CONTEXTS, trust=False)
        verifier.trust_list = trust
        return verifier
    return AppServices(make_verifier=make)


async def _verify_path(host: Any, path: Path) -> Any:
    app = create_app(services(host))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab")
        desk = app.screen.query_one(VerifyDesk)
        desk.query_one("#desk-path").value = str(path)  # type: ignore[attr-defined]
        await pilot.click("#desk-verify")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = desk.last_report
        tree = app.screen.query_one("#desk-report", ReportView)
        return report, str(tree.root.label)


async def test_desk_verifies_a_good_badge(host: Any) -> None:
    report, label = await _verify_path(
        host, WORLD_DIR / "credentials/educator-lab/maya-alvarez--growth-mindset.json")
    assert report.verified
    assert "VERIFIED" in label and "NOT" not in label


async def test_desk_shows_a_revoked_badge(host: Any) -> None:
    report, label = await _verify_path(
        host, WORLD_DIR / "credentials/educator-lab/maya-alvarez--formative-assessment.json")
    assert not report.verified
    assert report.check("status").code == "status.revoked"
    assert "NOT VERIFIED" in label


async def test_desk_reads_a_baked_png(host: Any) -> None:
    report, _ = await _verify_path(
        host, WORLD_DIR / "credentials/educator-lab/maya-alvarez--checking-for-student-understanding.baked.png")
    assert report.verified and report.format.endswith("+png")


async def test_missing_file_is_a_dialog_not_a_crash(host: Any, tmp_path: Path) -> None:
    from tui.dialogs.error import ErrorDialog

    app = create_app(services(host))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab")
        desk = app.screen.query_one(VerifyDesk)
        desk.query_one("#desk-path").value = str(tmp_path / "nope.json")  # type: ignore[attr-defined]
        await pilot.click("#desk-verify")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)


async def test_help_and_quit(host: Any) -> None:
    from tui.screens.help import HelpScreen

    app = create_app(services(host))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
    assert app.return_code == 0
