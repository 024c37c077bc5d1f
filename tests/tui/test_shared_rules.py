"""The app follows the same rules as the command line, because both call vcwallet's use cases:
a badge that gives pause is shared only after a yes, an SD-JWT VC is never baked, a new backup
passphrase is typed twice; and navigation is the app's alone (widgets post messages).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from textual.widgets import Input

from tests.conftest import REPO
from tests.tui.conftest import make_app
from tests.tui.helpers import names, select_row, set_input, settle
from tui.app import MainScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.error import ErrorDialog
from tui.dialogs.prompt import PromptDialog
from tui.screens.detail import DetailScreen
from tui.screens.share import ShareScreen
from vcwallet.usecases.share import unbake

SIZE = (120, 40)
REVOKED = "Formative Assessment"
VERIFIED = "Growth Mindset"
SD_JWT = "Computational Thinking"
#: Calls that move between screens; only the app makes them.
NAVIGATION = {"push_screen", "pop_screen", "switch_screen", "screen_stack", "install_screen"}


async def press(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def open_card(app: Any, pilot: Any, badge: str) -> None:
    await pilot.pause()
    select_row(app, badge)
    await press(pilot, "enter")
    assert isinstance(app.screen, DetailScreen)


# --- the caution before sharing ------------------------------------------------------------------


async def test_sharing_a_revoked_badge_asks_first_and_no_shares_nothing(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, REVOKED)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "revoked" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ShareScreen) and app.screen.confirmed


async def test_sharing_a_verified_badge_asks_nothing(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select_row(app, VERIFIED)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ShareScreen) and not app.screen.confirmed


async def test_the_card_shares_through_the_same_caution(session: Any) -> None:
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(app, pilot, REVOKED)
        await press(pilot, "s")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")
        assert isinstance(app.screen, DetailScreen)


# --- what may be baked -----------------------------------------------------------------------------


async def _bake(app: Any, pilot: Any, badge: str, target: Path) -> None:
    select_row(app, badge)
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, ShareScreen)
    set_input(app.screen, "#share-bake-path", str(target))
    await pilot.click("#share-bake")
    await pilot.pause()


async def test_an_sd_jwt_vc_is_not_baked(session: Any, tmp_path: Path) -> None:
    target = tmp_path / "sd.png"
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _bake(app, pilot, SD_JWT, target)
        assert isinstance(app.screen, ErrorDialog) and app.screen.code == "share.not_bakeable"
    assert not target.exists()


async def test_a_json_ld_badge_bakes_and_unbakes_unchanged(session: Any, tmp_path: Path) -> None:
    target = tmp_path / "growth.svg"
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _bake(app, pilot, VERIFIED, target)
        assert isinstance(app.screen, ShareScreen)
        ident = app.screen.ident
    baked = target.read_bytes()
    assert baked.lstrip().startswith(b"<")  # the .svg name chose an SVG medal
    assert unbake(baked).payload.encode("utf-8") == session.wallet.get(ident).data  # byte for byte
    assert session.make_verifier().verify_credential(baked, label="growth.svg").verified


# --- a new backup passphrase is typed twice ------------------------------------------------------------


async def test_backup_passphrases_that_differ_write_nothing(session: Any, tmp_path: Path) -> None:
    target = tmp_path / "backup.vcwb"
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        set_input(app.screen, "#prompt-input", str(target))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"one passphrase", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        assert app.screen.query_one("#prompt-input", Input).password is True
        await pilot.press(*"another one", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog) and app.screen.code == "passphrase.mismatch"
    assert not target.exists()


# --- navigation is the app's ----------------------------------------------------------------------------


async def test_deleting_from_the_card_returns_to_a_refreshed_table(fresh_session: Any) -> None:
    app = make_app(fresh_session)
    async with app.run_test(size=SIZE) as pilot:
        await open_card(app, pilot, REVOKED)
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert REVOKED not in names(app) and VERIFIED in names(app)


def _navigation_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in NAVIGATION:
            found.append(f"{path.relative_to(REPO)}:{node.lineno} .{node.attr}")
        if (isinstance(node, ast.Attribute) and node.attr == "services" and isinstance(node.value, ast.Attribute)
                and node.value.attr == "app"):
            found.append(f"{path.relative_to(REPO)}:{node.lineno} .app.services")
    return found


def test_only_the_app_moves_between_screens() -> None:
    """Screens and widgets post messages; pushing, popping and walking the stack is tui/app.py's."""
    files = [p for p in sorted((REPO / "tui").rglob("*.py")) if p != REPO / "tui" / "app.py"]
    assert files and not [call for path in files for call in _navigation_calls(path)]
    assert _navigation_calls(REPO / "tui" / "app.py")  # twin: the finder does see the app's own
