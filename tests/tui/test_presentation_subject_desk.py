"""The verify desk shows a presentation whose credential is about someone else: the
``Presentation`` line is a ⚠ note with the code ``presentation.subject_mismatch``; the holder
presenting their own badge shows a plain ✓."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.tui.conftest import make_app
from tests.tui.helpers import set_input, settle
from tui.widgets.report_view import ReportView
from tui.widgets.verify_desk import VerifyDesk
from vcwallet.demo.session import DEMO_DISTRICT
from vcwallet.presenting import build_presentation
from verifier.keys import Ed25519KeyPair

SIZE = (120, 40)
CHALLENGE = "desk-subject-challenge-0123456789"
STRANGER = Ed25519KeyPair.from_seed(b"tui desk stranger".ljust(32, b"."))


def labels(view: ReportView) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        found.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(view.root)
    return found


def write_presentation(session: Any, tmp_path: Path, *, stranger: bool) -> Path:
    """Maya's Growth Mindset badge, presented by Maya (her wallet key) or by a stranger."""
    from vcwallet.requesting import create_request

    ident = next(s.id for s in session.wallet.list() if s.achievement == "Growth Mindset")
    credential = session.wallet.get(ident).view().document
    loader = session.make_verifier().contexts.document_loader
    if stranger:
        vp = build_presentation([credential], holder_key=STRANGER, holder_did=STRANGER.public.did_key,
                                vm=f"{STRANGER.public.did_key}#{STRANGER.public.multibase}",
                                challenge=CHALLENGE, domain=DEMO_DISTRICT, document_loader=loader,
                                created="2026-06-01T11:00:00Z")
        text = json.dumps(vp)
    else:
        from vcwallet.presenting import answer_request

        request = create_request(domain=DEMO_DISTRICT, achievement="Growth Mindset", challenge=CHALLENGE)
        text = answer_request(session.wallet, request, [ident], document_loader=loader,
                              clock=session.clock).serialize()
    path = tmp_path / ("theirs.json" if stranger else "own.json")
    path.write_text(text, encoding="utf-8")
    return path


async def show(app: Any, pilot: Any, path: Path) -> tuple[Any, ReportView]:
    await pilot.pause()
    await pilot.press("tab")
    await pilot.pause()
    desk = app.screen.query_one(VerifyDesk)
    set_input(desk, "#desk-challenge", CHALLENGE)
    set_input(desk, "#desk-domain", DEMO_DISTRICT)
    set_input(desk, "#desk-path", str(path))
    await pilot.press("enter")
    await settle(app, pilot)
    return desk.last_report, desk.query_one(ReportView)


async def test_desk_shows_a_subject_mismatch(session: Any, tmp_path: Path) -> None:
    path = write_presentation(session, tmp_path, stranger=True)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        report, view = await show(app, pilot, path)
        assert report.verified, report.to_json()  # a note under the default policy, not a failure
        check = report.check("presentation")
        assert (check.status.value, check.code) == ("warning", "presentation.subject_mismatch")
        shown = labels(view)
        line = next(text for text in shown if "Presentation" in text)
        assert line.lstrip().startswith("⚠")
        assert "code presentation.subject_mismatch" in shown


async def test_desk_twin_own_badge_has_no_subject_note(session: Any, tmp_path: Path) -> None:
    path = write_presentation(session, tmp_path, stranger=False)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        report, view = await show(app, pilot, path)
        assert report.verified, report.to_json()
        check = report.check("presentation")
        assert (check.status.value, check.code) == ("passed", None)
        assert not any("subject_mismatch" in text for text in labels(view))


async def test_desk_bare_credential_does_not_answer_a_challenge(session: Any, tmp_path: Path) -> None:
    """A credential (not a presentation) checked with the request's challenge filled in fails."""
    ident = next(s.id for s in session.wallet.list() if s.achievement == "Growth Mindset")
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(session.wallet.get(ident).view().document), encoding="utf-8")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        report, _view = await show(app, pilot, path)
        assert not report.verified
        check = report.check("presentation")
        assert (check.status.value, check.code) == ("failed", "presentation.challenge_mismatch")
        desk = app.screen.query_one(VerifyDesk)
        set_input(desk, "#desk-challenge", "")
        set_input(desk, "#desk-domain", "")
        set_input(desk, "#desk-path", str(path))
        await pilot.press("enter")
        await settle(app, pilot)
        assert desk.last_report.verified  # twin: the same file as the credential it is
