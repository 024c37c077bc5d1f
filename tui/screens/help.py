"""Every key binding, in one place (``?``)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

#: (key, where, what): the single list the help screen shows; a test checks it against the bindings.
KEYS = (
    ("tab", "main", "switch Wallet ↔ Verify desk (in a form: next field)"),
    ("/", "wallet", "search as you type; Esc clears"),
    ("enter", "wallet", "open the badge's card and its last report"),
    ("v", "wallet, badge", "re-verify: signature, dates, revocation, trust"),
    ("i", "wallet", "import a badge file or a folder of them"),
    ("p", "wallet", "present badges for a district's request"),
    ("s", "wallet, badge", "share: LinkedIn link, baked image, HTML page"),
    ("b", "wallet", "back up the wallet to an encrypted file"),
    ("d", "wallet, badge", "delete the selected badge (asks first)"),
    ("r", "badge", "show or hide the raw JSON"),
    ("o", "desk", "open a file to verify"),
    ("r", "desk", "challenge and domain from your request file"),
    ("t", "desk", "load a trust list"),
    ("ctrl+o/r/s", "present", "open a request, preview, write"),
    ("escape", "anywhere", "go back, close a dialog, leave a field"),
    ("ctrl+l", "wallet", "lock the wallet"),
    ("ctrl+p", "anywhere", "command palette: every action by name"),
    ("?", "anywhere", "this help"),
    ("q", "anywhere", "quit"),
)


def keys_table() -> Table:
    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("where", style="italic", no_wrap=True)
    table.add_column("what it does", ratio=1)
    for key, where, what in KEYS:
        table.add_row(key, where, what)
    return table


class HelpScreen(ModalScreen[None]):
    """A scrollable list of bindings; any of escape, q or ? closes it."""

    BINDINGS = [("escape", "close", "Close"), ("question_mark", "close", "Close"),
                ("q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Label("vcwallet — keys", classes="dialog-title")
            yield Static(keys_table(), id="help-keys")
            yield Static(Text("Status words: verified, revoked, suspended, expired, untrusted, invalid, "
                              "unchecked (could not check: not invalid; the badge's report says what "
                              "to do). Colour is never the only signal. Esc, q or ? closes this."),
                         classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
