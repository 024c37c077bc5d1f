"""The app never crashes on what a badge says, and "could not check" is never "invalid" (issue 12,
section 4): hostile text (markup, terminal escapes) in a badge is shown escaped in the table,
the card and the report; a badge that could not be checked gets its own grey pill; a defect
while verifying at the desk is that input's report, and the desk goes on.
"""

from __future__ import annotations

import json
from typing import Any

from tests.tui.conftest import make_app
from tests.tui.helpers import rows, select_row, set_input, settle
from tests.verifier.attacks.robustness_helpers import badge, sign
from tui.app import MainScreen
from tui.screens.detail import DetailScreen
from tui.widgets.report_view import ReportView, verdict_label
from tui.widgets.status_pill import pill
from tui.widgets.verify_desk import VerifyDesk
from verifier.checks import validity
from verifier.report import CheckResult, Status, VerificationReport

SIZE = (120, 40)
HOSTILE = "Evil [/x][bold]\x1b[2J\x07\u202e"
SHOWN = "Evil [/x][bold]\\x1b[2J\\x07\\u202e"


def _hostile() -> bytes:
    document = badge(name=HOSTILE)
    document["credentialSubject"]["achievement"]["name"] = HOSTILE
    document["credentialSubject"]["achievement"]["criteria"] = {"narrative": f"Do this {HOSTILE}"}
    document["issuer"]["name"] = HOSTILE
    return json.dumps(sign(document)).encode("utf-8")


async def test_hostile_badge_text_is_shown_escaped_never_parsed(fresh_session: Any) -> None:
    app = make_app(fresh_session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        result = app.services.wallet.add(_hostile(), source="hostile.json", force=True)
        assert result.stored
        view = app.screen.query_one("WalletView")
        view.refresh_table(result.id)
        await pilot.pause()
        shown = [row for row in rows(app) if row[0].startswith("Evil")]
        assert shown and shown[0][0] == SHOWN  # the markup is text, the escapes are visible
        select_row(app, SHOWN)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("r")  # the raw JSON too
        await pilot.pause()
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        # twin: an ordinary badge in the same wallet shows its name as it is
        assert isinstance(app.screen, MainScreen) and "Growth Mindset" in [row[0] for row in rows(app)]


def test_could_not_check_has_its_own_pill_and_verdict() -> None:
    assert pill("unknown").plain.strip() == "! unchecked" and "red" not in str(pill("unknown").style)
    assert pill("invalid").plain.strip() == "✗ invalid"  # twin
    error = VerificationReport("b.json", "vc2", (
        CheckResult("parse", Status.PASSED), CheckResult("context", Status.ERROR, "context.not_found")))
    failed = VerificationReport("b.json", "vc2", (
        CheckResult("parse", Status.PASSED), CheckResult("proof", Status.FAILED, "proof.invalid_signature")))
    assert verdict_label(error).plain.startswith("! COULD NOT CHECK")
    assert verdict_label(failed).plain.startswith("✗ NOT VERIFIED")


async def test_report_view_survives_markup_and_escapes_in_details() -> None:
    from textual.app import App, ComposeResult

    report = VerificationReport(f"in{HOSTILE}", "vc2", (CheckResult(
        "format", Status.FAILED, "format.invalid_issuer", HOSTILE, f"$.x[{HOSTILE!r}]",
        {"value": HOSTILE, "lone": "\ud800"}),))

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield ReportView(report)

    async with Host().run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = pilot.app.query_one(ReportView)
        tree.root.expand_all()
        await pilot.pause()
        labels = []
        stack = [tree.root]
        while stack:
            node = stack.pop()
            labels.append(node.label.plain)
            stack.extend(node.children)
        text = "\n".join(labels)
        assert "\x1b" not in text and "\ud800" not in text and "[/x]" in text


async def test_a_defect_at_the_desk_is_that_inputs_report(session: Any, monkeypatch: Any) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("a bug")

    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        desk = app.screen.query_one(VerifyDesk)
        good = session.world_dir / "credentials/educator-lab/maya-alvarez--growth-mindset.json"
        monkeypatch.setattr(validity, "check_validity", broken)
        set_input(desk, "#desk-path", str(good))
        await pilot.press("enter")
        await settle(app, pilot)
        report = desk.last_report
        assert [(c.status, c.code) for c in report.checks] == [(Status.ERROR, "internal.error")]
        assert report.checks[0].details == {"exception": "KeyError"}
        assert isinstance(app.screen, MainScreen)  # no dialog, no crash
        monkeypatch.undo()  # twin: the next input at the same desk verifies
        set_input(desk, "#desk-path", str(good))
        await pilot.press("enter")
        await settle(app, pilot)
        assert desk.last_report.verified
