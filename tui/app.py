"""The vcwallet terminal app: the educator's wallet and a district's verify desk.

Built by :func:`create_app` from an :class:`~tui.services.AppServices`, so tests, ``vcwallet tui``
and ``vcwallet demo`` share one construction path. The UI holds no crypto and does no I/O of its
own beyond reading files the user names; everything else goes through ``vcwallet``/``verifier``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from .screens.help import HelpScreen
from .services import AppServices
from .widgets.verify_desk import VerifyDesk


class MainScreen(Screen[None]):
    """Two tabs: the wallet and the verify desk (``tab`` switches)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with TabbedContent(id="modes", initial="wallet-tab"):
            with TabPane("Wallet", id="wallet-tab"):
                yield from self.app.compose_wallet()  # type: ignore[attr-defined]
            with TabPane("Verify desk", id="desk-tab"):
                yield VerifyDesk(id="desk")
        yield Footer()


class VCWalletApp(App[None]):
    """The app; see :func:`create_app`."""

    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    TITLE = "vcwallet"
    BINDINGS = [
        Binding("tab", "switch_mode_tab", "Wallet/Desk", priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.title = services.title

    def compose_wallet(self) -> Iterable[object]:
        from .widgets.wallet_view import WalletView

        yield WalletView(id="wallet")

    def on_mount(self) -> None:
        if self.services.wallet is None and self.services.open_wallet is not None:
            from .screens.unlock import UnlockScreen

            def unlocked(wallet: object) -> None:
                self.services.wallet = wallet
                self.push_screen(MainScreen())

            self.push_screen(UnlockScreen(), unlocked)
        else:
            self.push_screen(MainScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Switch wallet / verify desk", "Switch modes (tab)", self.action_switch_mode_tab)
        yield SystemCommand("Help", "List every key binding (?)", self.action_help)

    def action_switch_mode_tab(self) -> None:
        if len(self.screen_stack) > 2 or not isinstance(self.screen, MainScreen):
            # In a dialog or detail screen tab keeps its usual meaning: next field.
            self.screen.focus_next()
            return
        tabs = self.screen.query_one("#modes", TabbedContent)
        tabs.active = "desk-tab" if tabs.active == "wallet-tab" else "wallet-tab"

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def on_unmount(self) -> None:
        wallet = self.services.wallet
        if wallet is not None and hasattr(wallet, "close"):
            wallet.close()
        if self.services.cleanup is not None:
            self.services.cleanup()


def create_app(services: AppServices) -> VCWalletApp:
    """The one way to build the app (tests, ``vcwallet tui`` and ``vcwallet demo``)."""
    return VCWalletApp(services)
