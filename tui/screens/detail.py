"""One badge: the Open Badges card, the last verification report, and the raw JSON on a toggle."""

from __future__ import annotations

import json
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from verifier.errors import VCError
from verifier.report import VerificationReport

from ..dialogs.error import ErrorDialog
from ..widgets.badge_card import badge_markdown
from ..widgets.report_view import ReportView
from ..widgets.status_pill import pill
from ..widgets.wallet_view import issuer_label


class DetailScreen(Screen[None]):
    """``r`` toggles the raw JSON, ``v`` re-verifies, ``s`` shares, ``d`` deletes, Esc goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "raw", "Raw JSON"),
        Binding("v", "recheck", "Re-verify"),
        Binding("s", "share", "Share"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, ident: str) -> None:
        super().__init__()
        self.ident = ident

    @property
    def wallet(self) -> Any:
        return self.app.services.wallet  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="detail"):
            with VerticalScroll(id="card-pane"):
                yield Static("", id="detail-pill")
                yield Markdown("", id="card")
                yield Static("", id="raw", classes="raw")
            yield ReportView(id="detail-report")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#raw").display = False
        self.load()

    def load(self) -> None:
        stored = self.wallet.get(self.ident)
        summary = stored.summary
        view = stored.view()
        document = view.document or {}
        issuer = issuer_label(self.app.services.trust_list,  # type: ignore[attr-defined]
                              summary.issuer_id, summary.issuer_name)
        self.query_one("#detail-pill", Static).update(pill(summary.status))
        self.query_one("#card", Markdown).update(badge_markdown(
            document, issuer_name=issuer, issued=summary.issued, expires=summary.expires,
            status_word=summary.status))
        raw = stored.data.decode("utf-8", "replace")
        try:
            raw = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
        except ValueError:
            pass  # a JWT or a baked image: show what was imported
        self.query_one("#raw", Static).update(raw[:20000])
        if stored.report:
            self.query_one("#detail-report", ReportView).show_report(
                VerificationReport.from_json(stored.report))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_raw(self) -> None:
        raw = self.query_one("#raw")
        raw.display = not raw.display

    def action_recheck(self) -> None:
        self.notify("Re-verifying…")
        self.recheck_worker()

    @work(thread=True, exclusive=True)
    def recheck_worker(self) -> None:
        try:
            self.wallet.recheck(self.ident)
        except VCError as exc:
            self.app.call_from_thread(self.app.push_screen, ErrorDialog.from_error("Re-verify failed", exc))
            return
        self.app.call_from_thread(self._rechecked)

    def _rechecked(self) -> None:
        self.load()
        self.notify("Re-verified.")

    def action_share(self) -> None:
        from .share import ShareScreen

        self.app.push_screen(ShareScreen(self.ident))

    def action_delete(self) -> None:
        from ..dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.wallet.remove(self.ident)
                self.app.pop_screen()
                wallet_view = self.app.screen.query_one("#wallet")
                wallet_view.refresh_table()  # type: ignore[attr-defined]

        self.app.push_screen(ConfirmDialog("Delete this badge?", "It will be removed from this wallet.",
                                           "Delete"), answer)
