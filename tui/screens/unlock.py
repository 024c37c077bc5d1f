"""Unlock: ask for the passphrase (never echoed) and wait for Argon2id in a worker."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from vcwallet.errors import advice
from vcwallet.wallet import Wallet
from verifier.errors import VCError

from ..dialogs.error import error_parts
from ..services import AppServices, WalletOpener


class UnlockScreen(Screen[Wallet]):
    """Dismisses with the open wallet. Wrong passphrases stay on this screen with the code."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]

    def __init__(self, services: AppServices, opener: WalletOpener) -> None:
        super().__init__()
        self.services = services
        self.opener = opener

    def compose(self) -> ComposeResult:
        services = self.services
        yield Header()
        with Center(id="unlock-center"), Vertical(id="unlock", classes="dialog"):
            yield Label("Unlock your wallet", classes="dialog-title")
            yield Static(Text(f"Wallet: {services.show_path(services.wallet_path)}"), classes="hint")
            if services.demo_passphrase:
                yield Static(Text(f"Demo wallet passphrase: {services.demo_passphrase}"), id="demo-pass")
            yield Input(password=True, placeholder="passphrase (Enter to unlock)", id="passphrase")
            yield LoadingIndicator(id="unlock-busy")
            yield Static("", id="unlock-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#unlock-busy").display = False
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        self.query_one("#unlock-busy").display = True
        self.query_one("#unlock-error", Static).update("Deriving the key (Argon2id)…")
        event.input.disabled = True
        self.unlock(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def unlock(self, passphrase: str) -> None:
        try:
            wallet = self.opener(passphrase)
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self.dismiss, wallet)

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._failed(event.worker.error)

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#unlock-busy").display = False
        box = self.query_one("#passphrase", Input)
        box.disabled = False
        box.value = ""
        box.focus()
        message, code = error_parts(exc)
        tip = advice(code)
        text = Text(f"✗ {message}\n", style="bold")
        text.append(f"code {code}", style="bold red3")
        if tip:
            text.append(f"\n→ {tip}", style="italic")
        self.query_one("#unlock-error", Static).update(text)
