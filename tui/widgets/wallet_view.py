"""The wallet tab: a table of badges with a status pill each, search, and the wallet actions.

Every action that can take time (re-verify, import, backup) runs in a worker thread and reports
back on the UI thread; errors arrive as dialogs with a code and advice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Input, ProgressBar, Static

from vcwallet.passphrases import check_new_passphrase
from vcwallet.usecases.safety import backup_wallet
from vcwallet.wallet import CredentialSummary, RecheckResult, Wallet
from verifier.errors import VCError
from verifier.rendering import TITLES, could_not_check, safe_text
from verifier.report import CheckResult, Status, VerificationReport
from verifier.verification import observe_checks

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.file_picker import FilePicker
from ..dialogs.prompt import PromptDialog
from ..messages import Ask, OpenBadge, PresentBadges, ShareBadge, ShowError
from ..services import AppServices
from .badge_card import issued_date, issuer_label
from .report_view import MARK, STYLE, check_label
from .status_pill import PILLS, WORDS, pill, status_word

COLUMNS = ("Achievement", "Issuer", "Issued", "Status")
#: Fixed widths for the date and the pill; achievement and issuer share what is left.
ISSUED_WIDTH = 10
STATUS_WIDTH = 13
MIN_TEXT_WIDTH = 12
#: Columns lost to cell padding (one each side of four columns) and the scrollbar.
CHROME = 2 * len(COLUMNS) + 2
STATUS_ORDER = ("verified", "untrusted", "revoked", "suspended", "expired", "invalid", "unknown")


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def column_widths(total: int) -> tuple[int, int, int, int]:
    """Widths for a table ``total`` cells wide: the text columns split the room 9 : 11."""
    room = max(total - CHROME - ISSUED_WIDTH - STATUS_WIDTH, 2 * MIN_TEXT_WIDTH)
    achievement = max(room * 9 // 20, MIN_TEXT_WIDTH)
    return achievement, max(room - achievement, MIN_TEXT_WIDTH), ISSUED_WIDTH, STATUS_WIDTH


def check_marks(report: VerificationReport) -> Text:
    """``✓ 8 checks passed  ✗ Revocation``: the one-line outcome of a re-verification."""
    text = Text()
    passed = [c for c in report.checks if c.status is Status.PASSED]
    text.append(f"{MARK[Status.PASSED]} {len(passed)} checks passed", style=STYLE[Status.PASSED])
    for check in report.checks:
        if check.status is not Status.PASSED:
            text.append(f"  {MARK[check.status]} {TITLES.get(check.id, check.id)}", style=STYLE[check.status])
    return text


def status_counts(items: list[CredentialSummary]) -> str:
    counts = Counter(item.status for item in items)
    order = [s for s in STATUS_ORDER if counts[s]] + sorted(s for s in counts if s not in STATUS_ORDER)
    return " · ".join(f"{counts[s]} {WORDS.get(s) or PILLS.get(s, (s,))[0].split(' ', 1)[-1]}"
                      for s in order)


class WalletView(Widget):
    """Lists the open wallet; ``/`` filters, Enter opens a badge, v/i/p/s/b/d act on it."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("v", "recheck", "Verify"),
        Binding("i", "import", "Import"),
        Binding("p", "present", "Present"),
        Binding("s", "share", "Share"),
        Binding("b", "backup", "Backup"),
        Binding("d", "delete", "Delete"),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self, services: AppServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.search_text = ""
        self.widths = column_widths(120)

    @property
    def wallet(self) -> Wallet | None:
        return self.services.wallet

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search achievements, issuers, tags…  (Enter: back to the table, Esc: clear)",
                    id="search")
        yield Static("", id="wallet-summary", classes="hint")
        yield ProgressBar(id="wallet-progress", show_eta=False, show_percentage=False)
        yield DataTable(id="badges", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        self.query_one("#wallet-progress").display = False
        self._set_columns()
        self.refresh_table()
        self.query_one("#badges", DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        widths = column_widths(event.size.width)
        if widths != self.widths:
            selected = self.selected_id()
            self.widths = widths
            self._set_columns()
            self.refresh_table(selected)

    def _set_columns(self) -> None:
        table = self.query_one("#badges", DataTable)
        table.clear(columns=True)
        for name, width in zip(COLUMNS, self.widths, strict=True):
            table.add_column(name, key=name.lower(), width=width)

    # -- table ----------------------------------------------------------------------------
    def issuer_label(self, issuer_id: str | None, claimed: str | None) -> str:
        return issuer_label(self.services.trust_list, issuer_id, claimed)

    def refresh_table(self, select: str | None = None, *, summary: bool = True) -> None:
        table = self.query_one("#badges", DataTable)
        row = table.cursor_row
        table.clear()
        if self.wallet is None:
            self.query_one("#wallet-summary", Static).update("No wallet is open.")
            return
        items = self.wallet.list(search=self.search_text or None)
        width_a, width_i = self.widths[0], self.widths[1]
        for item in items:
            # Text cells: a str cell is parsed as markup, and these come from the badge
            table.add_row(Text(clip(safe_text(item.achievement or item.name or "(untitled)"), width_a)),
                          Text(clip(safe_text(self.issuer_label(item.issuer_id, item.issuer_name)), width_i)),
                          Text(safe_text(issued_date(item.issued))), pill(item.status), key=item.id)
        if summary:
            self.show_summary(items)
        if select is not None:
            try:
                table.move_cursor(row=table.get_row_index(select))
            except KeyError:
                select = None
        if select is None and table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def show_summary(self, items: list[CredentialSummary] | None = None) -> None:
        wallet = self.services.opened()
        items = items if items is not None else wallet.list(search=self.search_text or None)
        if self.search_text:
            total = len(wallet.list())
            text = (f"{len(items)} of {total} badges match “{safe_text(self.search_text)}”.  "
                    "Esc clears the search.")
        elif items:
            text = f"{len(items)} badges: {status_counts(items)}"
        else:
            text = "No badges yet: press i to import a badge file or a folder of them."
        self.query_one("#wallet-summary", Static).update(Text(text))

    def selected_id(self) -> str | None:
        table = self.query_one("#badges", DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value) if key.value is not None else None

    @on(DataTable.RowSelected, "#badges")
    def open_detail(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenBadge(str(event.row_key.value)))

    # -- search ---------------------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#search")
    def filter_rows(self, event: Input.Changed) -> None:
        self.search_text = event.value.strip()
        self.refresh_table()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one("#badges", DataTable).focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.display = False
        self.search_text = ""
        self.refresh_table()
        self.query_one("#badges", DataTable).focus()

    # -- actions ----------------------------------------------------------------------------
    def _busy(self, text: str | None) -> None:
        bar = self.query_one("#wallet-progress", ProgressBar)
        bar.display = text is not None
        if text is not None:
            bar.update(total=None)
            self.query_one("#wallet-summary", Static).update(Text(text))

    def action_recheck(self) -> None:
        ident = self.selected_id()
        if self.wallet is None or ident is None:
            return
        name = self.wallet.get(ident).summary.achievement or "this badge"
        self._busy(f"Re-verifying “{safe_text(name)}”: signature, issuer key, dates, revocation, trust…")
        self.recheck_worker(self.wallet, ident, name)

    @work(thread=True, exclusive=True, group="wallet")
    def recheck_worker(self, wallet: Wallet, ident: str, name: str) -> None:
        def progress(check: CheckResult) -> None:
            self.app.call_from_thread(self._progress, name, check)

        try:
            with observe_checks(progress):
                results = wallet.recheck(ident)
        except Exception as exc:  # noqa: BLE001 - the worker's boundary: a dialog, never a crash
            self.app.call_from_thread(self._failed, "Re-verify failed", exc)
            return
        result = results[0] if results else None
        if result is not None and result.error is not None:
            self.app.call_from_thread(self._failed, "Re-verify failed", result.error)
            return
        self.app.call_from_thread(self._rechecked, ident, name, result)

    def _progress(self, name: str, check: CheckResult) -> None:
        line = Text(f"Re-verifying “{safe_text(name)}”…  ", style="bold")
        line.append_text(check_label(check))
        self.query_one("#wallet-summary", Static).update(line)

    def _rechecked(self, ident: str, name: str, result: RecheckResult | None) -> None:
        self._busy(None)
        self.refresh_table(ident, summary=False)
        summary = self.query_one("#wallet-summary", Static)
        if result is None:
            summary.update("Nothing to re-verify.")
            return
        line = Text(f"“{safe_text(name)}”: {status_word(result.before)} → {status_word(result.after)}   ",
                    style="bold")
        if result.report is not None:
            line.append_text(check_marks(result.report))
        summary.update(line)
        self.notify(f"Re-verified “{safe_text(name)}”: {status_word(result.after)}.", markup=False)

    def _done(self, message: str, select: str | None = None) -> None:
        self._busy(None)
        self.refresh_table(select)
        self.notify(message, markup=False)

    def _failed(self, title: str, exc: BaseException) -> None:
        self._busy(None)
        self.refresh_table()
        self.post_message(ShowError(title, exc))

    def action_import(self) -> None:
        wallet = self.wallet
        if wallet is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._busy(f"Importing {path.name}… every badge is verified before it is stored")
                self.import_worker(wallet, str(path))

        self.post_message(Ask(FilePicker(self.services, self.services.start_dir), chosen))

    @work(thread=True, exclusive=True, group="wallet")
    def import_worker(self, wallet: Wallet, source: str) -> None:
        try:
            results = wallet.import_source(source)
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, "Import failed", exc)
            return
        except Exception as exc:  # noqa: BLE001 - the worker's boundary: a dialog, never a crash
            self.app.call_from_thread(self._failed, "Import failed", exc)
            return
        stored = [r for r in results if r.stored]
        refused = [r for r in results if not r.stored and r.outcome != "duplicate"]
        dupes = [r for r in results if r.outcome == "duplicate"]
        message = f"Imported {len(stored)}; {len(dupes)} already in the wallet; {len(refused)} refused."
        self.app.call_from_thread(self._done, message, stored[0].id if stored else None)
        if refused:
            first = refused[0]
            error = first.error or _refusal(first.report, first.reason)
            self.app.call_from_thread(self._failed, f"Not imported: {Path(first.source).name}", error)

    def action_delete(self) -> None:
        ident = self.selected_id()
        wallet = self.wallet
        if wallet is None or ident is None:
            return
        item = wallet.get(ident).summary

        def answer(yes: bool | None) -> None:
            if yes:
                try:
                    wallet.remove(ident)
                except VCError as exc:
                    self._failed("Delete failed", exc)
                    return
                self._done(f"Deleted “{item.achievement or item.name}”.")

        self.post_message(Ask(ConfirmDialog(
            "Delete this badge?",
            f"“{item.achievement or item.name}” will be removed from this wallet. Backups keep "
            "their copy.", "Delete"), answer))

    def action_backup(self) -> None:
        """Where, then the backup passphrase twice (a new passphrase: :mod:`vcwallet.passphrases`)."""
        wallet = self.wallet
        if wallet is None:
            return

        def got_path(text: str | None) -> None:
            if not text or not text.strip():
                return
            path = self.services.read_path(text)

            def got_pass(passphrase: str | None) -> None:
                if not passphrase:
                    return

                def got_repeat(repeat: str | None) -> None:
                    if repeat is None:
                        return
                    try:
                        check_new_passphrase(passphrase, repeat, what="backup passphrase")
                    except VCError as exc:
                        self._failed("Backup not written", exc)
                        return
                    self._busy("Writing the encrypted backup…")
                    self.backup_worker(wallet, path, passphrase)

                self.post_message(Ask(PromptDialog("Repeat the backup passphrase", password=True,
                                                   hint="Type it again, so a typing mistake cannot lock "
                                                        "you out of the backup."), got_repeat))

            self.post_message(Ask(PromptDialog("Backup passphrase", password=True,
                                               hint="The backup file is encrypted with this passphrase. "
                                                    "Keep it somewhere other than the backup."), got_pass))

        default = self.services.show_path(self.services.output_dir / "vcwallet-backup.vcwb")
        where = PromptDialog("Back up to file", value=default,
                             hint="Where to write the backup (Enter to accept, Esc to cancel).")
        self.post_message(Ask(where, got_path))

    @work(thread=True, exclusive=True, group="wallet")
    def backup_worker(self, wallet: Wallet, path: Path, passphrase: str) -> None:
        try:
            done = backup_wallet(wallet, path, passphrase)
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, "Backup failed", exc)
            return
        self.app.call_from_thread(self._done, f"Backup written to {self.services.show_path(done.path)}")

    def action_share(self) -> None:
        ident = self.selected_id()
        if self.wallet is not None and ident is not None:
            self.post_message(ShareBadge(ident))

    def action_present(self) -> None:
        if self.wallet is not None:
            self.post_message(PresentBadges())


def _refusal(report: VerificationReport | None, reason: str | None) -> VCError:
    """The error to show for a refused import: the first failed check's code when there is one."""
    if report is not None:
        failed = next((c for c in report.checks if c.code and c.status.value in ("failed", "error")), None)
        if failed is not None and failed.code is not None:
            why = ("it could not be checked, which does not make it invalid; it was not stored"
                   if could_not_check(report) else "a badge that does not verify is not stored")
            return VCError(failed.code, f"{safe_text(failed.message)} ({why})")
    return VCError("parse.unknown_format", reason or "not a credential this wallet can store")
