"""One badge: the Open Badges card, the last verification report, and the raw JSON on a toggle.

Wide terminals show the card and the report side by side; below 170 columns the report goes under
the card (the ``-narrow`` breakpoint class), so check lines are not cut off.
"""

from __future__ import annotations

import json

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static
from textual.worker import Worker

from vcwallet.wallet import Wallet
from verifier.errors import VCError
from verifier.rendering import safe_text
from verifier.report import VerificationReport, dumps_json
from verifier.verification import observe_checks

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.worker_errors import show_worker_error
from ..messages import Ask, BadgeRemoved, ShareBadge, ShowError, WalletChanged
from ..services import AppServices
from ..widgets.badge_card import (
    achievement_of,
    card_body,
    card_facts,
    image_url,
    issued_date,
    issuer_label,
    medallion,
)
from ..widgets.report_view import ReportView

MAX_RAW = 20000


class DetailScreen(Screen[None]):
    """``r`` toggles the raw JSON, ``v`` re-verifies, ``s`` shares, ``d`` deletes, Esc goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "raw", "Raw JSON"),
        Binding("v", "recheck", "Re-verify"),
        Binding("s", "share", "Share"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, ident: str, services: AppServices) -> None:
        super().__init__()
        self.ident = ident
        self.services = services
        self.show_raw = False

    @property
    def wallet(self) -> Wallet:
        return self.services.opened()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="detail"):
            with VerticalScroll(id="card-pane"):
                with Horizontal(id="card-head"):
                    yield Static("", id="medallion")
                    yield Static("", id="facts")
                yield Markdown("", id="card")
                yield Static("", id="raw", markup=False)
            yield ReportView(id="detail-report")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#raw").display = False
        self.query_one("#card-pane").border_title = "Badge"
        self.query_one("#detail-report").border_title = "Last verification"
        self.load()
        self.query_one("#card-pane").focus()

    def load(self) -> None:
        stored = self.wallet.get(self.ident)
        summary = stored.summary
        document = stored.view().document or {}
        achievement = achievement_of(document, summary.extra)
        title = summary.achievement or summary.name or "Credential"
        issuer = issuer_label(self.services.trust_list, summary.issuer_id, summary.issuer_name)
        self.query_one("#medallion", Static).update(medallion(title))
        self.query_one("#facts", Static).update(card_facts(
            title, status=summary.status, issuer_name=issuer, issued=issued_date(summary.issued),
            expires=summary.expires, kind=summary.kind, image=image_url(achievement)))
        self.query_one("#card", Markdown).update(card_body(document, achievement))
        raw = stored.data.decode("utf-8", "replace")
        try:
            raw = dumps_json(json.loads(raw), indent=2)
        except (ValueError, RecursionError):
            pass  # a JWT or a baked image: show what was imported
        # line by line with control characters escaped: an image's bytes must not drive the terminal
        shown = "\n".join(safe_text(line) for line in raw[:MAX_RAW].splitlines())
        self.query_one("#raw", Static).update(shown + ("\n…" if len(raw) > MAX_RAW else ""))
        if stored.report:
            self.query_one("#detail-report", ReportView).show_report(
                VerificationReport.from_json(stored.report))

    def action_back(self) -> None:
        self.dismiss()

    def action_raw(self) -> None:
        """Swap the card for the exact stored bytes (pretty-printed when JSON) and back."""
        self.show_raw = not self.show_raw
        self.query_one("#card-head").display = not self.show_raw
        self.query_one("#card").display = not self.show_raw
        self.query_one("#raw").display = self.show_raw
        pane = self.query_one("#card-pane", VerticalScroll)
        pane.border_title = "Raw JSON (r: back to the badge)" if self.show_raw else "Badge"
        pane.scroll_home(animate=False)

    def action_recheck(self) -> None:
        self.notify("Re-verifying…")
        view = self.query_one("#detail-report", ReportView)
        view.start_live("Re-verifying: each check appears as it is decided")
        self.recheck_worker()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def recheck_worker(self) -> None:
        view = self.query_one("#detail-report", ReportView)
        try:
            with observe_checks(lambda check: self.app.call_from_thread(view.add_live, check)):
                results = self.wallet.recheck(self.ident)
        except VCError as exc:
            self.post_message(ShowError("Re-verify failed", exc))
            return
        if results and results[0].error is not None:
            self.post_message(ShowError("Re-verify failed", results[0].error))
            return
        self.app.call_from_thread(self._rechecked)

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        show_worker_error(self, event, "Re-verify failed")

    def _rechecked(self) -> None:
        self.load()
        self.notify("Re-verified.")
        self.post_message(WalletChanged(self.ident))

    def action_share(self) -> None:
        self.post_message(ShareBadge(self.ident))

    def action_delete(self) -> None:
        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.wallet.remove(self.ident)
            except VCError as exc:
                self.post_message(ShowError("Delete failed", exc))
                return
            self.post_message(BadgeRemoved(self.ident))

        self.post_message(Ask(ConfirmDialog("Delete this badge?", "It will be removed from this wallet. "
                                            "Backups keep their copy.", "Delete"), answer))
