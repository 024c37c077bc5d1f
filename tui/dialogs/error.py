"""An error dialog that carries the stable code and what to do, never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from verifier.errors import VCError
from verifier.rendering import advice


class ErrorDialog(ModalScreen[None]):
    """Shows ``title``, the message, the code and advice; Enter or Escape closes it."""

    BINDINGS = [("escape", "dismiss_dialog", "Close"), ("enter", "dismiss_dialog", "Close")]

    def __init__(self, title: str, message: str, code: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.code = code

    @classmethod
    def from_error(cls, title: str, error: BaseException) -> ErrorDialog:
        if isinstance(error, VCError):
            return cls(title, error.message, error.code)
        return cls(title, str(error) or type(error).__name__)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog error"):
            yield Label(f"✗ {self.title_text}", classes="dialog-title")
            yield Static(self.message, classes="dialog-body")
            if self.code:
                yield Static(f"code: {self.code}", classes="dialog-code")
                tip = advice(self.code)
                if tip:
                    yield Static(f"→ {tip}", classes="dialog-advice")
            yield Button("Close", id="close", variant="primary")

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)
