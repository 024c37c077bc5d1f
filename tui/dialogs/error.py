"""An error dialog that carries the stable code and what to do, never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from verifier.errors import VCError, advice
from verifier.rendering import safe_text

#: What to do about the errors the app itself meets (the verifier's advice covers the checks).
APP_ADVICE = {
    "wallet.wrong_passphrase": "Check the passphrase (and Caps Lock) and try again.",
    "wallet.not_found": "The badge or wallet is gone; it may have been deleted in another window.",
    "wallet.busy": "Another vcwallet is using this wallet; close it and try again.",
    "wallet.": "The wallet could not do this; run 'vcwallet check' to look at the wallet file.",
    "io.file_error": "Check the path: the file must exist (or its folder, when writing) and be yours.",
    "app.internal_error": "This is a bug in vcwallet. Nothing was changed; please report what you did.",
    "presentation.holder_mismatch": "This badge is bound to a key this wallet does not hold; present it "
                                    "from the wallet that holds its key.",
    "request.unconfirmed": "Confirm that you want to present a flagged badge, or choose another.",
    "request.": "Ask the district for a new request file.",
    "sdjwt.unknown_path": "Choose claims from the list; that path is not in this credential.",
}


def app_advice(code: str | None) -> str | None:
    """Advice for ``code``: the app's own first, then the verifier's (longest prefix wins)."""
    if not code:
        return None
    best = max((p for p in APP_ADVICE if code.startswith(p)), key=len, default=None)
    return APP_ADVICE[best] if best else advice(code)


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
            tip = app_advice(self.code)
            if tip:
                yield Static(f"→ {tip}", classes="dialog-advice", markup=False)
            yield Button("Close (Esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_dismiss_dialog(self) -> None:
        self.dismiss(None)
