"""Share one badge: a LinkedIn "Add to profile" link, a baked PNG/SVG, or an HTML badge page."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from verifier.errors import VCError

from ..dialogs.error import ErrorDialog

BADGE_COLOUR = (38, 110, 160)


class ShareScreen(ModalScreen[None]):
    """Three ways out; each writes only where the user says."""

    BINDINGS = [("escape", "close", "Close")]

    def __init__(self, ident: str) -> None:
        super().__init__()
        self.ident = ident

    @property
    def wallet(self) -> Any:
        return self.app.services.wallet  # type: ignore[attr-defined]

    @property
    def services(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

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
        from vcwallet.sharing.linkedin import linkedin_add_to_profile_url

        stored = self.wallet.get(self.ident)
        try:
            url = linkedin_add_to_profile_url(stored.view().document or {},
                                              trust_list=self.services.trust_list)
        except VCError as exc:
            self.app.push_screen(ErrorDialog.from_error("No LinkedIn link for this badge", exc))
            return
        self.app.copy_to_clipboard(url)
        self._say(f"Copied to the clipboard (if your terminal allows):\n{url}")

    @on(Button.Pressed, "#share-html")
    def html(self) -> None:
        from vcwallet.sharing.html_page import badge_page

        stored = self.wallet.get(self.ident)
        target = self.services.read_path(self.query_one("#share-html-path", Input).value)
        try:
            target.write_text(badge_page(stored.data, image=None), encoding="utf-8")
        except (OSError, VCError) as exc:
            self.app.push_screen(ErrorDialog.from_error("Could not write the page", exc))
            return
        self._say(f"Wrote {self.services.show_path(target)}")

    @on(Button.Pressed, "#share-bake")
    def bake(self) -> None:
        from vcwallet.presenting import stored_payload
        from vcwallet.sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg

        stored = self.wallet.get(self.ident)
        target = self.services.read_path(self.query_one("#share-bake-path", Input).value)
        name = stored.summary.achievement or stored.summary.name or "Badge"
        spec = "ob2" if stored.summary.kind == "ob2" else "ob3"
        try:
            _kind, payload = stored_payload(stored)
            if target.suffix.lower() == ".svg":
                data = bake_svg(make_badge_svg(name, BADGE_COLOUR), payload, spec=spec)
            else:
                data = bake_png(make_badge_png(name, BADGE_COLOUR), payload, spec=spec)
            target.write_bytes(data)
        except (OSError, VCError, UnicodeDecodeError) as exc:
            self.app.push_screen(ErrorDialog.from_error("Could not bake the image", exc))
            return
        self._say(f"Wrote {self.services.show_path(target)}; check it with: vcwallet verify FILE")
