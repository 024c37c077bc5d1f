"""Pilot tests: the verify desk inside the demo (tab, presentations with challenge and domain, a
request file, trust lists, pasted text) and what a failing worker looks like."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, TextArea

from tests.tui.conftest import make_app
from tests.tui.helpers import set_input, settle
from tui.app import MainScreen
from tui.dialogs.error import ErrorDialog
from tui.dialogs.file_picker import FilePicker
from tui.widgets.report_view import ReportView
from tui.widgets.verify_desk import VerifyDesk
from vcwallet.demo.session import DEMO_DISTRICT

SIZE = (120, 40)
CHALLENGE = "desk-test-challenge-0123456789"
GOOD = "credentials/educator-lab/maya-alvarez--growth-mindset.json"
PLATFORM = "credentials/platform/maya-alvarez--blended-learning-design.json"


async def to_desk(app: Any, pilot: Any) -> VerifyDesk:
    await pilot.pause()
    await pilot.press("tab")
    await pilot.pause()
    return app.screen.query_one(VerifyDesk)


async def verify(app: Any, pilot: Any, desk: VerifyDesk, path: Path | str) -> Any:
    set_input(desk, "#desk-path", str(path))
    await pilot.press("enter")
    await settle(app, pilot)
    return desk.last_report


def make_presentation(session: Any, tmp_path: Path) -> Path:
    from vcwallet.presenting import answer_request
    from vcwallet.requesting import create_request

    request = create_request(domain=DEMO_DISTRICT, achievement="Growth Mindset", challenge=CHALLENGE)
    ident = next(s.id for s in session.wallet.list() if s.achievement == "Growth Mindset")
    loader = session.make_verifier().contexts.document_loader
    answer = answer_request(session.wallet, request, [ident], document_loader=loader, clock=session.clock)
    path = tmp_path / "vp.json"
    path.write_text(answer.serialize(), encoding="utf-8")
    (tmp_path / "request.json").write_text(json.dumps(request), encoding="utf-8")
    return path


async def test_tab_switches_modes_and_focus_follows(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await to_desk(app, pilot)
        assert isinstance(app.focused, ReportView)
        await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, DataTable)
        await pilot.press("tab")
        await pilot.pause()
        set_input(app.screen, "#desk-path", "")
        await pilot.press("tab")  # inside the form tab moves to the next field
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "desk-verify"
        await pilot.press("escape", "tab")  # Esc leaves the form; then tab switches again
        await pilot.pause()
        assert isinstance(app.focused, DataTable)


async def test_presentation_with_the_right_challenge_and_domain(session: Any, tmp_path: Path) -> None:
    vp = make_presentation(session, tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        set_input(desk, "#desk-challenge", CHALLENGE)
        set_input(desk, "#desk-domain", DEMO_DISTRICT)
        report = await verify(app, pilot, desk, vp)
        assert report.verified
        assert report.check("presentation").status.value == "passed"
        assert "VERIFIED" in str(desk.query_one(ReportView).root.label)


async def test_presentation_for_another_domain_fails_with_its_code(session: Any, tmp_path: Path) -> None:
    vp = make_presentation(session, tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        set_input(desk, "#desk-challenge", CHALLENGE)
        set_input(desk, "#desk-domain", "someone-else.example")
        report = await verify(app, pilot, desk, vp)
        assert not report.verified
        assert report.check("presentation").code == "presentation.domain_mismatch"


async def test_load_request_fills_challenge_and_domain(session: Any, tmp_path: Path) -> None:
    make_presentation(session, tmp_path)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        set_input(app.screen, "#picker-path", str(tmp_path / "request.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert desk.query_one("#desk-challenge", Input).value == CHALLENGE
        assert desk.query_one("#desk-domain", Input).value == DEMO_DISTRICT
        report = await verify(app, pilot, desk, tmp_path / "vp.json")
        assert report.verified


async def test_trust_list_loaded_at_the_desk_changes_the_verdict(session: Any, tmp_path: Path) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"name": "Test district", "issuers": [
        {"id": "did:web:badges.learnbridge.example", "name": "LearnBridge"}]}), encoding="utf-8")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        before = await verify(app, pilot, desk, session.world_dir / PLATFORM)
        assert before.check("trust").code == "trust.untrusted_issuer"
        set_input(desk, "#desk-trust", str(trust))
        await pilot.press("enter")
        await pilot.pause()
        assert "Test district" in str(desk.query_one("#desk-trust-status").render())
        after = await verify(app, pilot, desk, session.world_dir / PLATFORM)
        assert after.verified and after.check("trust").status.value == "passed"


async def test_missing_trust_list_is_a_dialog_with_a_code(session: Any, tmp_path: Path) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        set_input(desk, "#desk-trust", str(tmp_path / "nope.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and app.screen.code == "trust.invalid_list"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert "Lakeview" in str(desk.query_one("#desk-trust-status").render())  # unchanged


async def test_pasted_credential_is_verified(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        desk.query_one("#desk-paste", TextArea).text = (session.world_dir / GOOD).read_text(encoding="utf-8")
        await pilot.click("#desk-verify")
        await settle(app, pilot)
        assert desk.last_report.verified and desk.last_report.input == "pasted text"


async def test_pasted_garbage_is_a_report_not_a_crash(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        desk.query_one("#desk-paste", TextArea).text = "this is not a credential"
        await pilot.click("#desk-verify")
        await settle(app, pilot)
        assert not desk.last_report.verified
        assert desk.last_report.check("parse").code.startswith("parse.")


async def test_a_failing_worker_shows_an_error_dialog_not_a_traceback(session: Any) -> None:
    def broken(_trust: Any) -> Any:
        raise RuntimeError("the verifier could not be built")

    app = make_app(session, make_verifier=broken)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        await verify(app, pilot, desk, session.world_dir / GOOD)
        assert app.is_running
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.code == "app.internal_error"
        assert "RuntimeError" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert not desk.query_one(ReportView).loading


async def test_a_working_verifier_shows_no_dialog(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        desk = await to_desk(app, pilot)
        report = await verify(app, pilot, desk, session.world_dir / GOOD)
        assert report.verified and isinstance(app.screen, MainScreen)
