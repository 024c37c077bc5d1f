"""An error dialog that carries the stable code and what to do, never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from vcwallet.errors import advice
from verifier.errors import VCError
from verifier.rendering import safe_text


def error_parts(error: BaseException) -> tuple[str, str]:
    """``(message, code)`` for any error: file errors and unexpected ones get codes too."""
    if isinstance(error, VCError):
        return error.message, error.code
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or type(error).__name__}{where}", "io.file_error"
    return f"{type(error).__name__}: {error}", "app.internal_error"


class ErrorDialog(ModalScreen[None]):
    """Shows ``title``, the message, the code and advice; Enter or Escape closes it."""

    BINDINGS = [("escape", "dismiss_dialog", "Close"), ("enter", "dismiss_dialog", "Close")]

    def __init__(self, title: str, message: str, code: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.code = code

    @classmethod
    def from_error(cls, title: str, error: BaseException) -> ErrorDialog:
        message, code = error_parts(error)
        return cls(title, message, code)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog error"):
            # markup off everywhere: titles name files, messages quote badges
            yield Label(f"✗ {safe_text(self.title_text)}", classes="dialog-title", markup=False)
            body = "\n".join(safe_text(line) for line in self.message.splitlines())
            yield Static(body, classes="dialog-body", markup=False)
            yield Static(f"code: {self.code}", classes="dialog-code", markup=False)
            tip = advice(self.code)  # the one lookup the command line uses too
            if tip:
                yield Static(f"→ {tip}", classes="dialog-advice", markup=False)
            yield Button("Close (Esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)
