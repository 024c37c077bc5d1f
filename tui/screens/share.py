"""Share one badge: a LinkedIn "Add to profile" link, a baked PNG/SVG, or an HTML badge page.

Each action is a use case of :mod:`vcwallet.usecases.share`, the same the command line runs: the
same caution (asked by the app before this screen opens; ``confirmed`` carries the answer), the
same rule for what may be baked, the same image and issuer name on the page.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from vcwallet.usecases.share import bake_badge, share_html, share_linkedin
from vcwallet.wallet import Wallet
from verifier.errors import VCError

from ..messages import ShowError
from ..services import AppServices


class ShareScreen(ModalScreen[None]):
    """Three ways out; each writes only where the user says."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self, ident: str, services: AppServices, *, confirmed: bool = False) -> None:
        super().__init__()
        self.ident = ident
        self.services = services
        self.confirmed = confirmed

    @property
    def wallet(self) -> Wallet:
        return self.services.opened()

    def compose(self) -> ComposeResult:
        stored = self.wallet.get(self.ident)
        name = stored.summary.achievement or stored.summary.name or "badge"
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "badge"
        out = self.services.output_dir
        with Vertical(id="dialog", classes="dialog share"):
            yield Label(Text(f"Share “{name}”"), classes="dialog-title")
            with Horizontal(classes="row"):
                yield Label("LinkedIn", classes="field-label")
                yield Static("an “Add to profile” link, copied to the clipboard", classes="grow hint")
                yield Button("Copy link", id="share-linkedin", variant="primary", compact=True)
            with Horizontal(classes="row"):
                yield Label("Web page", classes="field-label")
                yield Input(value=self.services.show_path(out / f"{slug}.html"), id="share-html-path",
                            compact=True)
                yield Button("Write page", id="share-html", compact=True)
            with Horizontal(classes="row"):
                yield Label("Baked", classes="field-label")
                yield Input(value=self.services.show_path(out / f"{slug}.png"), id="share-bake-path",
                            compact=True)
                yield Button("Bake image", id="share-bake", compact=True)
            yield Static("A baked image carries the credential inside it (.png or .svg).", classes="hint")
            yield Static("", id="share-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (Esc)", id="share-close", compact=True)

    @on(Button.Pressed, "#share-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def _say(self, text: str) -> None:
        self.query_one("#share-result", Static).update(Text(text))

    @on(Button.Pressed, "#share-linkedin")
    def linkedin(self) -> None:
        try:
            done = share_linkedin(self.wallet, self.ident, confirmed=self.confirmed,
                                  trust_list=self.services.trust_list, clock=self.services.clock())
        except VCError as exc:
            self.post_message(ShowError("No LinkedIn link for this badge", exc))
            return
        self.app.copy_to_clipboard(done.url)
        self._say(f"Copied to the clipboard (if your terminal allows):\n{done.url}")

    @on(Button.Pressed, "#share-html")
    def html(self) -> None:
        target = self.services.read_path(self.query_one("#share-html-path", Input).value)
        try:
            done = share_html(self.wallet, self.ident, confirmed=self.confirmed,
                              trust_list=self.services.trust_list, clock=self.services.clock())
            target.write_text(done.html, encoding="utf-8")
        except (OSError, VCError) as exc:
            self.post_message(ShowError("Could not write the page", exc))
            return
        self._say(f"Wrote {self.services.show_path(target)}")

    @on(Button.Pressed, "#share-bake")
    def bake(self) -> None:
        target = self.services.read_path(self.query_one("#share-bake-path", Input).value)
        try:
            done = bake_badge(self.wallet, self.ident, confirmed=self.confirmed,
                              image_type="svg" if target.suffix.lower() == ".svg" else "png",
                              trust_list=self.services.trust_list, clock=self.services.clock())
            target.write_bytes(done.image)
        except (OSError, VCError) as exc:
            self.post_message(ShowError("Could not bake the image", exc))
            return
        self._say(f"Wrote {self.services.show_path(target)}; check it with: vcwallet verify FILE")
