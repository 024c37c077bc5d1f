"""Answer a district's request: open it, pick matching badges, choose claims, preview, write.

Revoked, expired and untrusted badges are listed with their warnings, never hidden; choosing one
asks for a confirmation. For an SD-JWT VC the disclosable claims appear as checkboxes; for a
JSON-LD badge the preview says plainly that the whole credential is shown, because its issuer's
signature covers all of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from vcwallet.presenting import Answer
from vcwallet.sdjwt_holder import claim_tree
from vcwallet.usecases.present import OpenedRequest, make_presentation, open_request, presentation_caution
from vcwallet.wallet import Wallet
from verifier.errors import VCError

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.file_picker import FilePicker
from ..messages import Ask, ShowError
from ..services import AppServices

OUT_NAMES = ("presentation.json", "presentation.sd-jwt")


def claim_summary(value: Any, limit: int = 48) -> str:
    """A short, readable stand-in for a claim's value (objects by their name-like field)."""
    if isinstance(value, dict):
        for key in ("name", "targetName", "identityType", "id", "type"):
            if isinstance(value.get(key), str):
                shown = str(value[key])
                if key == "identityType" and isinstance(value.get("identityHash"), str):
                    shown = f"{shown}: {value['identityHash']}"
                break
        else:
            shown = "{…}"
    elif isinstance(value, list):
        shown = f"[{len(value)} items]"
    else:
        shown = str(value)
    shown = " ".join(shown.split())
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class PresentScreen(Screen[None]):
    """Steps: request → matches → (claims) → preview → write."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "browse", "Open request"),
        Binding("ctrl+r", "preview", "Preview"),
        Binding("ctrl+s", "write", "Write"),
    ]

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.opened: OpenedRequest | None = None
        self.answer: Answer | None = None
        self.confirmed = False
        self.written: Path | None = None

    @property
    def wallet(self) -> Wallet:
        return self.services.opened()

    def default_request(self) -> str:
        folder = self.services.requests_dir
        if folder is None:
            return ""
        found = sorted(folder.glob("*.json")) if folder.is_dir() else []
        return self.services.show_path(found[0] if found else folder)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="present"):
            with Horizontal(classes="row"):
                yield Label("1. Request", classes="field-label")
                yield Input(placeholder="path to the district's request file", id="req-path",
                            value=self.default_request(), compact=True)
                yield Button("Open", id="req-open", variant="primary", compact=True)
                yield Button("Browse…", id="req-browse", compact=True)
            yield Static("Open the request file the district sent you.", id="req-info", classes="hint")
            yield Label("2. Badges that answer it (space or click to choose)", classes="step")
            yield SelectionList[str](id="matches")
            yield Label("3. Claims to disclose", classes="step", id="claims-label")
            yield SelectionList[str](id="claims")
            with Horizontal(classes="row", id="present-actions"):
                yield Button("4. Preview", id="preview", compact=True)
                yield Input(placeholder="where to write the presentation", id="out-path",
                            value=self.services.show_path(self.services.output_dir / OUT_NAMES[0]),
                            compact=True)
                yield Button("5. Write", id="write", variant="success", compact=True)
            with VerticalScroll(id="preview-pane"):
                yield Static("The preview shows exactly what the district will receive.",
                             id="preview-warnings")
                yield Static("", id="preview-json", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#preview-pane").border_title = "Preview"
        self.query_one("#claims").display = False
        self.query_one("#claims-label", Label).update("3. Claims to disclose (only for SD-JWT VCs)")
        self.query_one("#req-path", Input).focus()

    def action_back(self) -> None:
        self.dismiss()

    def _error(self, title: str, exc: BaseException) -> None:
        self.post_message(ShowError(title, exc))

    # -- 1. the request -------------------------------------------------------------------------
    @on(Button.Pressed, "#req-browse")
    def action_browse(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.query_one("#req-path", Input).value = self.services.show_path(path)
                self.open_request()

        start = self.services.requests_dir or self.services.start_dir
        picker = FilePicker(self.services, start, "Open the district's request", files_only=True)
        self.post_message(Ask(picker, chosen))

    @on(Input.Submitted, "#req-path")
    @on(Button.Pressed, "#req-open")
    def open_request(self) -> None:
        path = self.services.read_path(self.query_one("#req-path", Input).value)
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "That is a folder; choose a request file in it (Browse…)",
                                        self.services.show_path(path))
            opened = open_request(self.wallet, path.read_bytes(), clock=self.services.clock(),
                                  trust_list=self.services.trust_list)
        except (OSError, VCError) as exc:
            self._error("Cannot use this request", exc)
            return
        self.opened, self.answer, self.confirmed = opened, None, False
        ids = opened.ids
        info = Text()
        info.append(f"Request from {opened.domain}: ", style="bold")
        info.append(f"{len(ids)} badge(s) in your wallet answer it." if ids
                    else "nothing in your wallet answers it.")
        if opened.reason:
            info.append(f"  “{opened.reason}”", style="italic")
        self.query_one("#req-info", Static).update(info)
        box = self.query_one("#matches", SelectionList)
        box.clear_options()
        for ident in ids:
            match = next(m for m in opened.matches if m.id == ident)
            summary = self.wallet.get(ident).summary
            label = Text(summary.achievement or summary.name or ident, style="bold")
            label.append(f"  {summary.issuer_name or summary.issuer_id or ''}", style="dim")
            if match.warnings:
                label.append("  ⚠ " + "; ".join(match.warnings), style="bold dark_orange3")
            box.add_option(Selection(label, ident, initial_state=len(ids) == 1))
        self._show_claims()
        self._clear_preview()
        box.focus()

    # -- 2./3. badges and claims ------------------------------------------------------------------
    def _chosen(self) -> list[str]:
        return [str(v) for v in self.query_one("#matches", SelectionList).selected]

    @on(SelectionList.SelectedChanged, "#matches")
    def matches_changed(self) -> None:
        self.confirmed = False
        self._show_claims()
        self._clear_preview()

    @on(SelectionList.SelectedChanged, "#claims")
    def claims_changed(self) -> None:
        self._clear_preview()

    def _show_claims(self) -> None:
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
                    label = Text(node.path, style="bold")
                    label.append(f"  {claim_summary(node.value)}", style="dim")
                    claims.add_option(Selection(label, node.path))
                stack[:0] = list(node.children)
        has = claims.option_count > 0
        claims.display = has
        self.query_one("#claims-label", Label).update(
            "3. Claims to disclose (unticked claims stay hidden; what the request asks for is always shown)"
            if has else "3. Claims to disclose (only for SD-JWT VCs; a JSON-LD badge is shown whole)")

    def _clear_preview(self) -> None:
        self.answer = None
        self.query_one("#preview-warnings", Static).update(
            "Press 4. Preview to see exactly what will be sent.")
        self.query_one("#preview-json", Static).update("")

    # -- 4. preview ---------------------------------------------------------------------------------
    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        chosen = self._chosen()
        opened = self.opened
        if opened is None or not chosen:
            self.notify("Open a request and choose a badge first.", severity="warning")
            return
        caution = presentation_caution(opened, chosen)
        if caution.needs_confirmation and not self.confirmed:
            def answer(yes: bool | None) -> None:
                if yes:
                    self.confirmed = True
                    self.action_preview()

            self.post_message(Ask(ConfirmDialog(
                "Present a badge with warnings?",
                "\n".join(f"• {w}" for w in caution.warnings), "Present anyway"), answer))
            return
        disclose = [str(v) for v in self.query_one("#claims", SelectionList).selected]
        try:
            self.answer = make_presentation(self.wallet, opened, chosen,
                                            document_loader=self.services.document_loader(),
                                            disclose=disclose, confirmed=self.confirmed,
                                            trust_list=self.services.trust_list, clock=self.services.clock())
        except (VCError, OSError) as exc:
            self._error("Could not make the presentation", exc)
            return
        warnings = self.answer.preview.warnings + list(self.answer.notes)
        text = Text()
        for line in warnings:
            text.append(f"⚠ {line}\n", style="bold dark_orange3")
        text.append("Below is exactly what the district will receive." if warnings
                    else "No warnings. Below is exactly what the district will receive.")
        self.query_one("#preview-warnings", Static).update(text)
        self.query_one("#preview-json", Static).update(self.answer.preview.json_text[:20000])
        out = self.query_one("#out-path", Input)
        name = OUT_NAMES[1] if isinstance(self.answer.presentation, str) else OUT_NAMES[0]
        if Path(out.value).name in OUT_NAMES:
            out.value = self.services.show_path(self.services.read_path(out.value).with_name(name))

    # -- 5. write -------------------------------------------------------------------------------------
    @on(Button.Pressed, "#write")
    def action_write(self) -> None:
        if self.answer is None:
            self.notify("Look at the preview (4) before writing anything.", severity="warning")
            return
        target = self.services.read_path(self.query_one("#out-path", Input).value)
        try:
            target.write_text(self.answer.serialize(), encoding="utf-8")
        except OSError as exc:
            self._error("Could not write the presentation", exc)
            return
        self.written = target
        self.notify(f"Presentation written to {self.services.show_path(target)}. "
                    "Send it to the district.")

