"""Unlock: ask for the passphrase (never echoed) and wait for Argon2id in a worker."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, Static

from verifier.errors import VCError
from verifier.rendering import advice


class UnlockScreen(Screen[Any]):
    """Dismisses with the open wallet. Wrong passphrases stay on this screen with the code."""

    def compose(self) -> ComposeResult:
        services = self.app.services  # type: ignore[attr-defined]
        with Center(), Vertical(id="unlock", classes="dialog"):
            yield Label("Unlock your wallet", classes="dialog-title")
            yield Static(f"Wallet: {services.wallet_path}", classes="hint")
            if services.demo_passphrase:
                yield Static(f"Demo wallet passphrase: {services.demo_passphrase}", id="demo-pass")
            yield Input(password=True, placeholder="passphrase", id="passphrase")
            yield LoadingIndicator(id="unlock-busy")
            yield Static("", id="unlock-error")

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

    @work(thread=True, exclusive=True)
    def unlock(self, passphrase: str) -> None:
        try:
            wallet = self.app.services.open_wallet(passphrase)  # type: ignore[attr-defined]
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self.dismiss, wallet)

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#unlock-busy").display = False
        box = self.query_one("#passphrase", Input)
        box.disabled = False
        box.value = ""
        box.focus()
        if isinstance(exc, VCError):
            tip = advice(exc.code) or ""
            text = f"✗ {exc.message}\ncode {exc.code}" + (f"\n→ {tip}" if tip else "")
        else:
            text = f"✗ {exc}"
        self.query_one("#unlock-error", Static).update(text)
