"""Pilot tests: every wallet flow of issue 7 against the demo session (Maya Alvarez's badges).

Unlock, search, detail, re-verify, import, backup, delete, share, help, lock and quit; the
present flow and the verify desk have their own modules.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input

from tests.tui.conftest import Cleanup, make_app
from tests.tui.helpers import names, rows, select_row, set_input, settle, status_of
from tui.app import MainScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.error import ErrorDialog
from tui.dialogs.file_picker import FilePicker
from tui.dialogs.prompt import PromptDialog
from tui.screens.detail import DetailScreen
from tui.screens.help import KEYS, HelpScreen
from tui.screens.share import ShareScreen
from tui.screens.unlock import UnlockScreen
from tui.widgets.report_view import ReportView
from tui.widgets.wallet_view import WalletView
from vcwallet.demo.session import DEMO_PASSPHRASE

SIZE = (120, 40)
MAYA = ("Checking for Student Understanding", "Growth Mindset", "Family Engagement",
        "Restorative Classroom Circles", "Formative Assessment", "Classroom Discourse",
        "Culturally Responsive Teaching", "Mentoring New Teachers", "Literacy Coach",
        "Computational Thinking", "Blended Learning Design")
STATUSES = {"Formative Assessment": "✗ revoked", "Classroom Discourse": "‖ suspended",
            "Culturally Responsive Teaching": "◷ expired", "Blended Learning Design": "? untrusted",
            "Growth Mindset": "✓ verified", "Literacy Coach": "✓ verified",
            "Computational Thinking": "✓ verified"}


# --- the table -------------------------------------------------------------------------------


async def test_table_lists_every_badge_with_a_status_word(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert sorted(names(app)) == sorted(MAYA)
        for achievement, pill in STATUSES.items():
            assert status_of(app, achievement) == pill
        # The OB 2.0 issuer is named from the trust list; the platform is flagged as not on it.
        issuers = {row[0]: row[1] for row in rows(app)}
        assert issuers["Literacy Coach"].startswith("Riverbend School District")
        assert "(not on" in issuers["Blended Learning Design"]
        # An SD-JWT VC's issued date is its iat, shown as a date like the others.
        assert next(r[2] for r in rows(app) if r[0] == "Computational Thinking") == "2026-03-20"


async def test_narrow_terminal_keeps_the_status_column(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#badges", DataTable)
        assert sum(col.get_render_width(table) for col in table.columns.values()) <= table.size.width
        assert status_of(app, "Formative Assessment") == "✗ revoked"


# --- unlock ------------------------------------------------------------------------------------


def _unlock_app(session: Any) -> Any:
    from vcwallet.wallet import Wallet

    def open_wallet(passphrase: str) -> Any:
        return Wallet.open(session.wallet_path, passphrase, verifier=session.make_verifier())

    return make_app(session, wallet=None, open_wallet=open_wallet)


async def test_unlock_wrong_passphrase_shows_the_code_and_stays(session: Any) -> None:
    app = _unlock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        box = app.screen.query_one("#passphrase", Input)
        assert box.password is True
        await pilot.press(*"not the passphrase", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert "wallet.wrong_passphrase" in str(app.screen.query_one("#unlock-error").render())
        assert box.value == "" and not box.disabled
        assert app.services.wallet is None


async def test_unlock_right_passphrase_opens_the_table(session: Any) -> None:
    app = _unlock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert DEMO_PASSPHRASE in str(app.screen.query_one("#demo-pass").render())
        set_input(app.screen, "#passphrase", DEMO_PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert sorted(names(app)) == sorted(MAYA)
        opened = app.services.wallet
    assert opened.store.closed  # the app closes the wallet it opened itself


async def test_lock_returns_to_unlock_and_reopens(fresh_session: Any) -> None:
    from tui.app import create_app
    from tui.launch import demo_services

    services = demo_services(fresh_session)
    services.cleanup = Cleanup()
    app = create_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen) and services.wallet is None
        set_input(app.screen, "#passphrase", DEMO_PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(rows(app)) == len(MAYA)


# --- search ------------------------------------------------------------------------------------


async def test_search_filters_rows_and_escape_clears(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)
        await pilot.press(*"mindset")
        await pilot.pause()
        assert names(app) == ["Growth Mindset"]
        await pilot.press("enter")  # back to the table, the filter stays
        assert isinstance(app.focused, DataTable) and names(app) == ["Growth Mindset"]
        await pilot.press("escape")
        await pilot.pause()
        assert sorted(names(app)) == sorted(MAYA)
        assert not app.screen.query_one("#search", Input).display


async def test_search_with_no_match_shows_an_empty_table(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        assert names(app) == []
        assert "0 of 11" in str(app.screen.query_one("#wallet-summary").render())


# --- detail ------------------------------------------------------------------------------------


async def test_enter_opens_detail_raw_toggles_and_escape_goes_back(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Growth Mindset")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert "Growth Mindset" in str(screen.query_one("#facts").render())
        report = screen.query_one("#detail-report", ReportView)
        assert "VERIFIED" in str(report.root.label)
        raw = screen.query_one("#raw")
        assert not raw.display
        await pilot.press("r")
        assert raw.display and not screen.query_one("#card").display
        assert '"@context"' in str(raw.render())
        await pilot.press("r")
        assert not raw.display and screen.query_one("#card").display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_detail_of_a_revoked_badge_shows_why(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Formative Assessment")
        await pilot.press("enter")
        await pilot.pause()
        report = app.screen.query_one("#detail-report", ReportView)
        assert "NOT VERIFIED" in str(report.root.label)
        assert any("status.revoked" in str(leaf.label) for node in report.root.children
                   for leaf in node.children)
        assert "revoked" in str(app.screen.query_one("#facts").render())


async def test_detail_of_an_ob2_badge_uses_its_badge_class(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Literacy Coach")
        await pilot.press("enter")
        await pilot.pause()
        facts = str(app.screen.query_one("#facts").render())
        assert "Literacy Coach" in facts and "Open Badges 2.0" in facts


# --- re-verify -----------------------------------------------------------------------------------


async def test_reverify_runs_in_a_worker_and_the_row_keeps_its_status(session: Any,
                                                                    monkeypatch: Any) -> None:
    threads: list[str] = []
    recheck = session.wallet.recheck

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return recheck(*args, **kwargs)

    monkeypatch.setattr(session.wallet, "recheck", spy)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for achievement in ("Growth Mindset", "Formative Assessment"):
            select_row(app, achievement)
            before = status_of(app, achievement)
            await pilot.press("v")
            view = app.screen.query_one(WalletView)
            await settle(app, pilot)
            assert threads and threads[-1] != threading.main_thread().name  # never on the UI thread
            assert status_of(app, achievement) == before
            assert view.selected_id() is not None and names(app)[
                app.screen.query_one("#badges", DataTable).cursor_row] == achievement
            summary = str(app.screen.query_one("#wallet-summary").render())
            assert f"“{achievement}”" in summary and "checks passed" in summary
        assert "Revocation" in summary  # the revoked one names the failing check


# --- import --------------------------------------------------------------------------------------


async def _import(app: Any, pilot: Any, path: Path) -> None:
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, FilePicker)
    set_input(app.screen, "#picker-path", str(path))
    await pilot.press("enter")
    await settle(app, pilot)


async def test_import_picks_a_file_and_it_appears(fresh_session: Any) -> None:
    app = make_app(fresh_session)
    badge = fresh_session.world_dir / "credentials/educator-lab/jordan-okafor--supporting-deeper-learning.json"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Supporting Deeper Learning" not in names(app)
        await _import(app, pilot, badge)
        assert isinstance(app.screen, MainScreen)
        assert "Supporting Deeper Learning" in names(app)
        assert status_of(app, "Supporting Deeper Learning") == "✓ verified"


async def test_import_of_a_tampered_badge_is_refused_with_a_code(fresh_session: Any) -> None:
    app = make_app(fresh_session)
    badge = fresh_session.world_dir / "credentials/educator-lab/jordan-okafor--grit-and-resilience--tampered.json"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _import(app, pilot, badge)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.code == "proof.invalid_signature"
        await pilot.press("escape")
        assert len(rows(app)) == len(MAYA)


async def test_import_picker_escape_imports_nothing(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, FilePicker)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and len(rows(app)) == len(MAYA)


# --- backup ------------------------------------------------------------------------------------


async def test_backup_writes_a_file_that_restores(fresh_session: Any, tmp_path: Path) -> None:
    from vcwallet.store import INTERACTIVE
    from vcwallet.wallet import Wallet

    app = make_app(fresh_session)
    target = tmp_path / "maya.vcwb"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        assert app.screen.query_one("#prompt-input", Input).value == "~demo/vcwallet-backup.vcwb"
        set_input(app.screen, "#prompt-input", str(target))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        secret = app.screen.query_one("#prompt-input", Input)
        assert secret.password is True
        await pilot.press(*"backup secret", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)  # a new passphrase is typed twice, as on the CLI
        assert app.screen.query_one("#prompt-input", Input).password is True
        await pilot.press(*"backup secret", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert target.is_file()
    with Wallet.create(tmp_path / "empty.db", "x", kdf=INTERACTIVE, holder_key=False) as empty:
        result = empty.restore(target, "backup secret", dry_run=True)
    assert len(result.added) == len(MAYA) and not result.unreadable


async def test_backup_to_a_missing_folder_is_a_dialog_with_a_code(session: Any, tmp_path: Path) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        set_input(app.screen, "#prompt-input", str(tmp_path / "no" / "such" / "folder" / "b.vcwb"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"pw", "enter")
        await pilot.pause()
        await pilot.press(*"pw", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.code in ("io.file_error", "wallet.storage_unavailable")


# --- delete ----------------------------------------------------------------------------------


async def test_delete_after_confirm_removes_the_row(fresh_session: Any) -> None:
    app = make_app(fresh_session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Classroom Discourse")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "Classroom Discourse" not in names(app)
        assert len(rows(app)) == len(MAYA) - 1


async def test_delete_cancelled_keeps_the_row(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Classroom Discourse")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert "Classroom Discourse" in names(app)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert len(rows(app)) == len(MAYA)


# --- share -------------------------------------------------------------------------------------


async def test_share_writes_an_html_page(session: Any, tmp_path: Path) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, "Growth Mindset")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ShareScreen)
        set_input(app.screen, "#share-html-path", str(tmp_path / "page.html"))
        await pilot.click("#share-html")
        await pilot.pause()
        assert "Growth Mindset" in (tmp_path / "page.html").read_text(encoding="utf-8")
        set_input(app.screen, "#share-html-path", str(tmp_path / "missing" / "page.html"))
        await pilot.pause(0.3)  # a button ignores a second click while it still shows the first
        await pilot.click("#share-html")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and app.screen.code == "io.file_error"


# --- help, palette, quit -----------------------------------------------------------------------


async def test_help_lists_every_binding(session: Any) -> None:
    from tui.app import VCWalletApp
    from tui.screens.detail import DetailScreen
    from tui.screens.present import PresentScreen
    from tui.widgets.verify_desk import VerifyDesk

    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    listed = " ".join(key for key, _where, _what in KEYS)
    aliases = {"slash": "/", "question_mark": "?"}
    for owner in (VCWalletApp, WalletView, DetailScreen, VerifyDesk, PresentScreen):
        for binding in owner.BINDINGS:
            key = binding.key if hasattr(binding, "key") else binding[0]  # type: ignore[index]
            shown = aliases.get(key, key)
            short = shown.replace("ctrl+", "")
            assert shown in listed or short in listed, f"{owner.__name__}: {key} is not in the help"


async def test_palette_offers_every_wallet_action(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
    for wanted in ("Re-verify", "Import", "Present", "Share", "Back up", "Delete", "Search", "Help",
                   "Verify desk"):
        assert any(wanted in title for title in titles), wanted


async def test_quit_runs_the_cleanup(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.services.cleanup.calls == 1
    assert not session.wallet.store.closed  # a wallet handed in is the caller's to close


async def test_q_inside_the_search_box_types_instead_of_quitting(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running and app.screen.query_one("#search", Input).value == "q"
    assert app.services.cleanup.calls == 1
