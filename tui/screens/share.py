"""Share one badge: a LinkedIn "Add to profile" link, a baked PNG/SVG, or an HTML badge page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from verifier.errors import VCError

from ..dialogs.error import ErrorDialog


class ShareScreen(ModalScreen[None]):
    """Three ways out; each writes only where the user says."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self, ident: str) -> None:
        super().__init__()
        self.ident = ident

    @property
    def wallet(self) -> Any:
        return self.app.services.wallet  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        stored = self.wallet.get(self.ident)
        name = stored.summary.achievement or stored.summary.name or "badge"
        start: Path = self.app.services.start_dir  # type: ignore[attr-defined]
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "badge"
        with Vertical(id="dialog", classes="dialog"):
            yield Label(f"Share “{name}”", classes="dialog-title")
            yield Static("", id="share-result")
            with Horizontal(classes="row"):
                yield Button("LinkedIn link", id="share-linkedin", variant="primary")
            with Horizontal(classes="row"):
                yield Input(value=str(start.parent / f"{slug}.html"), id="share-html-path")
                yield Button("HTML page", id="share-html")
            with Horizontal(classes="row"):
                yield Input(value=str(start.parent / f"{slug}.png"), id="share-bake-path")
                yield Button("Baked image", id="share-bake")
            yield Button("Close", id="share-close")

    @on(Button.Pressed, "#share-close")
    def action_close(self) -> None:
        self.dismiss(None)

    def _say(self, text: str) -> None:
        self.query_one("#share-result", Static).update(text)

    @on(Button.Pressed, "#share-linkedin")
    def linkedin(self) -> None:
        from vcwallet.sharing.linkedin import linkedin_add_to_profile_url

        stored = self.wallet.get(self.ident)
        try:
            url = linkedin_add_to_profile_url(stored.view().document or {},
                                              trust_list=self.app.services.trust_list)  # type: ignore[attr-defined]
        except (VCError, ValueError) as exc:
            self.app.push_screen(ErrorDialog.from_error("No LinkedIn link for this badge", exc))
            return
        self.app.copy_to_clipboard(url)
        self._say(f"Copied to the clipboard (if your terminal allows):\n{url}")

    @on(Button.Pressed, "#share-html")
    def html(self) -> None:
        from vcwallet.sharing.html_page import badge_page

        stored = self.wallet.get(self.ident)
        target = Path(self.query_one("#share-html-path", Input).value).expanduser()
        try:
            target.write_text(badge_page(stored.data, image=None), encoding="utf-8")
        except (OSError, VCError, ValueError) as exc:
            self.app.push_screen(ErrorDialog.from_error("Could not write the page", exc))
            return
        self._say(f"Wrote {target}")

    @on(Button.Pressed, "#share-bake")
    def bake(self) -> None:
        from vcwallet.sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg

        stored = self.wallet.get(self.ident)
        target = Path(self.query_one("#share-bake-path", Input).value).expanduser()
        name = stored.summary.achievement or stored.summary.name or "Badge"
        spec = "ob2" if stored.summary.kind == "ob2" else "ob3"
        payload = stored.data.decode("utf-8").strip()
        try:
            if target.suffix.lower() == ".svg":
                data = bake_svg(make_badge_svg(name, (38, 110, 160)), payload, spec=spec)
            else:
                data = bake_png(make_badge_png(name, (38, 110, 160)), payload, spec=spec)
            target.write_bytes(data)
        except (OSError, VCError, ValueError, UnicodeDecodeError) as exc:
            self.app.push_screen(ErrorDialog.from_error("Could not bake the image", exc))
            return
        self._say(f"Wrote {target}; it verifies with: vcwallet verify {target}")
