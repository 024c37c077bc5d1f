"""Every key binding, in one place (``?``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """
# vcwallet — keys

| key | where | what it does |
|---|---|---|
| `tab` | anywhere | switch between **Wallet** and **Verify desk** |
| `/` | wallet | search and filter badges |
| `enter` | wallet | open the badge's detail card |
| `v` | wallet, detail | re-verify (live per-check progress) |
| `i` | wallet | import a badge from a path |
| `p` | wallet | present badges for a district's request |
| `s` | wallet, detail | share: LinkedIn link, baked image, HTML page |
| `b` | wallet | back up the wallet to an encrypted file |
| `d` | wallet, detail | delete the selected badge (asks first) |
| `r` | detail | show or hide the raw JSON |
| `escape` | dialogs, detail | go back |
| `ctrl+p` | anywhere | command palette: every action by name |
| `?` | anywhere | this help |
| `q` | anywhere | quit |

Status words: **verified**, **revoked**, **suspended**, **expired**, **untrusted**, **unknown** —
colour is never the only signal.
"""


class HelpScreen(ModalScreen[None]):
    """A scrollable list of bindings; any of escape, q or ? closes it."""

    BINDINGS = [("escape", "close", "Close"), ("question_mark", "close", "Close"),
                ("q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
