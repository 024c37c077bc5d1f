"""The vcwallet terminal app: the educator's wallet and a district's verify desk.

Built by :func:`create_app` from an :class:`~tui.services.AppServices`, so tests, ``vcwallet tui``
and ``vcwallet demo`` share one construction path. The UI holds no crypto and does no I/O of its
own beyond reading files the user names; everything else goes through ``vcwallet``/``verifier``
(the holder's actions through :mod:`vcwallet.usecases`, as on the command line).

Navigation is the app's: screens and widgets post :mod:`tui.messages` (open a badge, share it,
present, show an error, ask a question, the wallet changed) and the handlers here push and pop
screens. No widget walks the screen stack or reaches into another widget.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, TabbedContent, TabPane

from vcwallet.usecases.share import sharing_caution
from vcwallet.wallet import Wallet
from verifier.errors import VCError

from .dialogs.confirm import ConfirmDialog
from .dialogs.error import ErrorDialog
from .messages import Ask, BadgeRemoved, OpenBadge, PresentBadges, ShareBadge, ShowError, WalletChanged
from .screens.detail import DetailScreen
from .screens.help import HelpScreen
from .screens.present import PresentScreen
from .screens.share import ShareScreen
from .screens.unlock import UnlockScreen
from .services import AppServices
from .widgets.verify_desk import VerifyDesk
from .widgets.wallet_view import WalletView

#: Wallet actions offered in the command palette as well as on their keys: (action, title, help).
WALLET_COMMANDS = (
    ("recheck", "Re-verify the selected badge", "Check signature, issuer, dates, revocation, trust (v)"),
    ("import", "Import badges", "From a file or folder, with a file picker (i)"),
    ("present", "Present badges for a request", "Answer a district's request file (p)"),
    ("share", "Share the selected badge", "LinkedIn link, baked image or HTML page (s)"),
    ("backup", "Back up the wallet", "An encrypted single-file backup (b)"),
    ("delete", "Delete the selected badge", "Asks first (d)"),
    ("search", "Search badges", "Filter the table as you type (/)"),
)


class MainScreen(Screen[None]):
    """Two tabs: the wallet and the verify desk (``tab`` switches)."""

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with TabbedContent(id="modes", initial="wallet-tab"):
            with TabPane("Wallet", id="wallet-tab"):
                yield WalletView(self.services, id="wallet")
            with TabPane("Verify desk", id="desk-tab"):
                yield VerifyDesk(self.services, id="desk")
        yield Footer(compact=True)

    @on(TabbedContent.TabActivated, "#modes")
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """Focus follows the tab (a click too), so the footer shows that tab's keys at once."""
        self.focus_mode()
        self.app.refresh_bindings()

    def focus_mode(self) -> None:
        tabs = self.query_one("#modes", TabbedContent)
        if tabs.active == "wallet-tab":
            self.query_one("#badges", DataTable).focus()
        else:
            self.query_one(VerifyDesk).focus_first()


class VCWalletApp(App[None]):
    """The app; see :func:`create_app`."""

    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    TITLE = "vcwallet"
    #: Below 170 columns the detail screen stacks the card over the report, so check lines fit.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (170, "-wide")]
    #: Below 40 rows the present screen keeps its lists short, leaving room for the preview.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("tab", "show_mode('desk')", "Desk", priority=True),
        Binding("tab", "show_mode('wallet')", "Wallet", priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+l", "lock", "Lock", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.title = services.title
        #: A wallet this app unlocked itself (and so closes); a wallet handed in is the caller's.
        self.opened_wallet: Wallet | None = None

    def on_mount(self) -> None:
        if self.services.wallet is None and self.services.open_wallet is not None:
            self.show_unlock()
        else:
            self.push_screen(MainScreen(self.services))

    def show_unlock(self) -> None:
        opener = self.services.open_wallet
        if opener is None:
            return

        def unlocked(wallet: Wallet | None) -> None:
            if wallet is not None:
                self.services.wallet = self.opened_wallet = wallet
                self.push_screen(MainScreen(self.services))

        self.push_screen(UnlockScreen(self.services, opener), unlocked)

    # -- navigation: what screens and widgets ask for (tui.messages) ------------------------------
    def on_open_badge(self, message: OpenBadge) -> None:
        self.push_screen(DetailScreen(message.ident, self.services))

    def on_share_badge(self, message: ShareBadge) -> None:
        """Share a badge; one that gives pause (vcwallet.cautions) is shared only after a yes."""
        try:
            badge = sharing_caution(self.services.opened(), message.ident, clock=self.services.clock(),
                                    trust_list=self.services.trust_list)
        except VCError as exc:
            self.push_screen(ErrorDialog.from_error("Cannot share this badge", exc))
            return
        if not badge.caution.needs_confirmation:
            self.push_screen(ShareScreen(message.ident, self.services))
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.push_screen(ShareScreen(message.ident, self.services, confirmed=True))

        self.push_screen(ConfirmDialog(f"Share “{badge.name}” anyway?",
                                       "\n".join(f"• {w}" for w in badge.caution.warnings)
                                       + "\n\nPeople who check it will most likely see this too.",
                                       "Share anyway"), answer)

    def on_present_badges(self, message: PresentBadges) -> None:
        self.push_screen(PresentScreen(self.services))

    def on_wallet_changed(self, message: WalletChanged) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.query_one(WalletView).refresh_table(message.select)

    def on_badge_removed(self, message: BadgeRemoved) -> None:
        screen = self.screen
        if isinstance(screen, (DetailScreen, ShareScreen)) and screen.ident == message.ident:
            self.pop_screen()
        self.post_message(WalletChanged())

    def on_show_error(self, message: ShowError) -> None:
        self.push_screen(ErrorDialog.from_error(message.title, message.error))

    def on_ask(self, message: Ask[Any]) -> None:
        self.push_screen(message.dialog, message.then)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Wallet", "Show the badge table (tab)", lambda: self.action_show_mode("wallet"))
        yield SystemCommand("Verify desk", "Verify a file someone sent you (tab)",
                            lambda: self.action_show_mode("desk"))
        yield SystemCommand("Help", "List every key binding (?)", self.action_help)
        if isinstance(screen, MainScreen) and self.services.wallet is not None:
            view = screen.query_one(WalletView)
            for action, title, text in WALLET_COMMANDS:
                yield SystemCommand(title, text, getattr(view, f"action_{action}"))
            if self.services.open_wallet is not None:
                yield SystemCommand("Lock the wallet", "Close it and ask for the passphrase again (ctrl+l)",
                                    self.action_lock)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``tab`` switches modes only on the main screen, and not inside the desk's form (there it
        moves to the next field); the footer offers the mode it would switch to."""
        if action != "show_mode":
            return True
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return False
        focused = screen.focused
        if focused is not None and any(node.id == "desk-form" for node in focused.ancestors):
            return False
        active = screen.query_one("#modes", TabbedContent).active
        return parameters[:1] != (active.removesuffix("-tab"),)

    def action_show_mode(self, mode: str) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.query_one("#modes", TabbedContent).active = f"{mode}-tab"
            self.screen.focus_mode()
            self.refresh_bindings()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_lock(self) -> None:
        """Close the wallet and go back to the unlock screen (only when it can be reopened)."""
        if self.services.open_wallet is None or self.services.wallet is None:
            return
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.services.wallet.close()
        self.services.wallet = self.opened_wallet = None
        self.show_unlock()

    def on_unmount(self) -> None:
        if self.opened_wallet is not None:
            self.opened_wallet.close()
        if self.services.cleanup is not None:
            self.services.cleanup()


def create_app(services: AppServices) -> VCWalletApp:
    """The one way to build the app (tests, ``vcwallet tui`` and ``vcwallet demo``)."""
    return VCWalletApp(services)
