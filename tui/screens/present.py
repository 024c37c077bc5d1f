"""Answer a district's request: open it, pick matching badges, choose claims, preview, write.

Revoked, expired and untrusted badges are listed with their warnings, never hidden; choosing one
asks for a confirmation. For an SD-JWT VC the disclosable claims appear as checkboxes; for a
JSON-LD badge the preview says plainly that the whole credential is shown, because its issuer's
signature covers all of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from verifier.errors import VCError

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.error import ErrorDialog


class PresentScreen(Screen[None]):
    """Steps: request → matches → (claims) → preview → write."""

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self) -> None:
        super().__init__()
        self.request: dict[str, Any] | None = None
        self.matches: list[Any] = []
        self.answer: Any = None
        self.confirmed = False

    @property
    def wallet(self) -> Any:
        return self.app.services.wallet  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        start: Path = self.app.services.start_dir  # type: ignore[attr-defined]
        yield Header()
        with Vertical(id="present"):
            with Horizontal(classes="row"):
                yield Label("Request", classes="field-label")
                yield Input(placeholder="path to the district's request (REQ.json)", id="req-path",
                            value=str(start.parent / "requests"))
                yield Button("Open", id="req-open", variant="primary")
            yield Static("1. Open the request file the district sent you.", id="req-info", classes="hint")
            yield Label("2. Badges that answer it (space to choose):", classes="step")
            yield SelectionList[str](id="matches")
            yield Label("3. Claims to disclose (SD-JWT VC only):", classes="step")
            yield SelectionList[str](id="claims")
            with Horizontal(classes="row"):
                yield Button("4. Preview", id="preview")
                yield Input(placeholder="where to write the presentation", id="out-path",
                            value=str(start.parent / "presentation.json"))
                yield Button("5. Write", id="write", variant="success")
            with VerticalScroll(id="preview-pane"):
                yield Static("", id="preview-warnings")
                yield Static("", id="preview-json", classes="raw")
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _error(self, title: str, exc: BaseException) -> None:
        self.app.push_screen(ErrorDialog.from_error(title, exc))

    @on(Input.Submitted, "#req-path")
    @on(Button.Pressed, "#req-open")
    def open_request(self) -> None:
        from vcwallet.presenting import match_wallet
        from vcwallet.requests import load_request

        path = Path(self.query_one("#req-path", Input).value.strip()).expanduser()
        try:
            self.request = load_request(path.read_bytes())
            self.matches = match_wallet(self.wallet, self.request,
                                        trust_list=self.app.services.trust_list)  # type: ignore[attr-defined]
        except (OSError, VCError) as exc:
            self._error("Cannot use this request", exc)
            return
        domain = self.request.get("domain") or self.request.get("client_id") or "?"
        self.query_one("#req-info", Static).update(
            f"Request from {domain}: {len(self.matches)} matching badge(s).")
        box = self.query_one("#matches", SelectionList)
        box.clear_options()
        for m in self.matches:
            name = self.wallet.get(m.id).summary.achievement or m.id
            notes = "; ".join(m.reasons[:2])
            warn = ("  ⚠ " + "; ".join(m.warnings)) if m.warnings else ""
            box.add_option(Selection(f"{name} — {notes}{warn}", m.id))
        self.query_one("#claims", SelectionList).clear_options()

    def _chosen(self) -> list[str]:
        return [str(v) for v in self.query_one("#matches", SelectionList).selected]

    @on(SelectionList.SelectedChanged, "#matches")
    def matches_changed(self) -> None:
        from vcwallet.sdjwt_holder import claim_tree

        claims = self.query_one("#claims", SelectionList)
        claims.clear_options()
        for ident in self._chosen():
            stored = self.wallet.get(ident)
            if stored.view().kind != "sd-jwt":
                continue
            token = stored.data.decode("utf-8").strip()
            stack = list(claim_tree(token))
            while stack:
                node = stack.pop(0)
                if node.disclosable:
                    claims.add_option(Selection(f"{node.path} = {str(node.value)[:50]}", node.path))
                stack[:0] = list(node.children)

    @on(Button.Pressed, "#preview")
    def preview(self) -> None:
        chosen = self._chosen()
        if self.request is None or not chosen:
            self._error("Nothing to preview", ValueError("Open a request and choose a badge first."))
            return
        flagged = [m for m in self.matches if m.id in chosen and m.warnings]
        if flagged and not self.confirmed:
            def answer(yes: bool | None) -> None:
                if yes:
                    self.confirmed = True
                    self.preview()

            self.app.push_screen(ConfirmDialog(
                "Present a badge with warnings?",
                "\n".join(f"• {w}" for m in flagged for w in m.warnings), "Present anyway"), answer)
            return
        from vcwallet.presenting import answer_request

        disclose = [str(v) for v in self.query_one("#claims", SelectionList).selected]
        loader = self.app.services.make_verifier(None).contexts.document_loader  # type: ignore[attr-defined]
        try:
            self.answer = answer_request(self.wallet, self.request, chosen, document_loader=loader,
                                         disclose=disclose, confirmed=self.confirmed,
                                         trust_list=self.app.services.trust_list,  # type: ignore[attr-defined]
                                         matches=self.matches)
        except VCError as exc:
            self._error("Could not make the presentation", exc)
            return
        warnings = self.answer.preview.warnings + list(self.answer.notes)
        self.query_one("#preview-warnings", Static).update(
            "\n".join(f"⚠ {w}" for w in warnings) or "No warnings.")
        self.query_one("#preview-json", Static).update(self.answer.preview.json_text[:20000])

    @on(Button.Pressed, "#write")
    def write(self) -> None:
        if self.answer is None:
            self._error("Preview first", ValueError("Look at the preview before writing anything."))
            return
        target = Path(self.query_one("#out-path", Input).value.strip()).expanduser()
        try:
            target.write_text(self.answer.serialize(), encoding="utf-8")
        except OSError as exc:
            self._error("Could not write the presentation", exc)
            return
        self.app.notify(f"Presentation written to {target}")
