"""The wallet tab: a table of badges with a status pill each, search, and the wallet actions.

Every action that can take time (re-verify, import, backup) runs in a worker thread and reports
back on the UI thread; errors arrive as dialogs with a code and advice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Input, ProgressBar, Static

from verifier.errors import VCError

from ..dialogs.confirm import ConfirmDialog
from ..dialogs.error import ErrorDialog
from ..dialogs.prompt import PromptDialog
from .status_pill import pill

COLUMNS = ("Achievement", "Issuer", "Issued", "Status")
WIDTHS = (34, 44, 10, 13)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def issued_date(value: str | None) -> str:
    return (value or "")[:10] or "—"


def issuer_label(trust: Any, issuer_id: str | None, claimed: str | None) -> str:
    """The trust list's name for the issuer when known, never only the badge's own claim."""
    entry = trust.lookup(issuer_id) if trust is not None and issuer_id else None
    if entry is not None:
        return str(entry.name)
    name = claimed or issuer_id or "unknown issuer"
    return f"{name} (not on your trust list)" if trust is not None else name


class WalletView(Widget):
    """Lists the open wallet; ``/`` filters, Enter opens a badge, v/i/p/s/b/d act on it."""

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("v", "recheck", "Re-verify"),
        Binding("i", "import", "Import"),
        Binding("p", "present", "Present"),
        Binding("s", "share", "Share"),
        Binding("b", "backup", "Backup"),
        Binding("d", "delete", "Delete"),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.search_text = ""

    @property
    def wallet(self) -> Any:
        return self.app.services.wallet  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search achievements, issuers, tags…  (Esc clears)", id="search")
        yield Static("", id="wallet-summary", classes="hint")
        yield ProgressBar(id="wallet-progress", show_eta=False)
        yield DataTable(id="badges", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#search").display = False
        self.query_one("#wallet-progress").display = False
        table = self.query_one("#badges", DataTable)
        for name, width in zip(COLUMNS, WIDTHS, strict=True):
            table.add_column(name, key=name.lower(), width=width)
        self.refresh_table()
        table.focus()

    # -- table ----------------------------------------------------------------------------
    def issuer_label(self, issuer_id: str | None, claimed: str | None) -> str:
        return issuer_label(self.app.services.trust_list, issuer_id, claimed)  # type: ignore[attr-defined]

    def refresh_table(self, select: str | None = None) -> None:
        table = self.query_one("#badges", DataTable)
        table.clear()
        if self.wallet is None:
            self.query_one("#wallet-summary", Static).update("No wallet is open.")
            return
        items = self.wallet.list(search=self.search_text or None)
        for item in items:
            table.add_row(clip(item.achievement or item.name or "(untitled)", WIDTHS[0]),
                          clip(self.issuer_label(item.issuer_id, item.issuer_name), WIDTHS[1]),
                          issued_date(item.issued), pill(item.status), key=item.id)
        total = len(self.wallet.list()) if self.search_text else len(items)
        note = f" matching “{self.search_text}”" if self.search_text else ""
        self.query_one("#wallet-summary", Static).update(
            f"{len(items)} of {total} badges{note}.  Enter: details   /: search   ?: help")
        if select is not None:
            try:
                table.move_cursor(row=table.get_row_index(select))
            except KeyError:
                pass

    def selected_id(self) -> str | None:
        table = self.query_one("#badges", DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value) if key.value is not None else None

    @on(DataTable.RowSelected, "#badges")
    def open_detail(self, event: DataTable.RowSelected) -> None:
        from ..screens.detail import DetailScreen

        if event.row_key.value is not None:
            self.app.push_screen(DetailScreen(str(event.row_key.value)))

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
            self.query_one("#wallet-summary", Static).update(text)

    def action_recheck(self) -> None:
        ident = self.selected_id()
        if self.wallet is None or ident is None:
            return
        self._busy("Re-verifying… (signature, issuer key, dates, revocation, trust)")
        self.recheck_worker(ident)

    @work(thread=True, exclusive=True, group="wallet")
    def recheck_worker(self, ident: str) -> None:
        try:
            results = self.wallet.recheck(ident)
        except VCError as exc:
            self.app.call_from_thread(self._failed, "Re-verify failed", exc)
            return
        result = results[0] if results else None
        message = (f"Re-verified: {result.before} → {result.after}" if result is not None
                   else "Nothing to re-verify.")
        self.app.call_from_thread(self._done, message, ident)

    def _done(self, message: str, select: str | None = None) -> None:
        self._busy(None)
        self.refresh_table(select)
        self.app.notify(message)

    def _failed(self, title: str, exc: BaseException) -> None:
        self._busy(None)
        self.refresh_table()
        self.app.push_screen(ErrorDialog.from_error(title, exc))

    def action_import(self) -> None:
        from ..dialogs.file_picker import FilePicker

        if self.wallet is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._busy(f"Importing {path.name}… every badge is verified before it is stored")
                self.import_worker(str(path))

        self.app.push_screen(FilePicker(self.app.services.start_dir), chosen)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="wallet")
    def import_worker(self, source: str) -> None:
        try:
            results = self.wallet.import_source(source)
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, "Import failed", exc)
            return
        stored = [r for r in results if r.stored]
        refused = [r for r in results if not r.stored and r.outcome != "duplicate"]
        dupes = [r for r in results if r.outcome == "duplicate"]
        message = f"Imported {len(stored)}; {len(dupes)} already in the wallet; {len(refused)} refused."
        if refused:
            first = refused[0]
            error = first.error or VCError("parse.unknown_format", first.reason or "refused")
            self.app.call_from_thread(self._failed, f"Not imported: {first.source}", error)
        self.app.call_from_thread(self._done, message, stored[0].id if stored else None)

    def action_delete(self) -> None:
        ident = self.selected_id()
        if self.wallet is None or ident is None:
            return
        item = self.wallet.get(ident).summary

        def answer(yes: bool | None) -> None:
            if yes:
                self.wallet.remove(ident)
                self._done(f"Deleted “{item.achievement or item.name}”.")

        self.app.push_screen(ConfirmDialog(
            "Delete this badge?",
            f"“{item.achievement or item.name}” will be removed from this wallet. Backups keep "
            "their copy.", "Delete"), answer)

    def action_backup(self) -> None:
        if self.wallet is None:
            return

        def got_path(path: str | None) -> None:
            if not path:
                return

            def got_pass(passphrase: str | None) -> None:
                if passphrase:
                    self._busy("Writing the encrypted backup…")
                    self.backup_worker(Path(path).expanduser(), passphrase)

            self.app.push_screen(PromptDialog("Backup passphrase", password=True,
                                              hint="The backup file is encrypted with this passphrase."),
                                 got_pass)

        default = str(self.app.services.start_dir / "vcwallet-backup.vcwb")  # type: ignore[attr-defined]
        self.app.push_screen(PromptDialog("Back up to file", value=default), got_path)

    @work(thread=True, exclusive=True, group="wallet")
    def backup_worker(self, path: Path, passphrase: str) -> None:
        try:
            written = self.wallet.backup(path, passphrase)
        except (VCError, OSError) as exc:
            self.app.call_from_thread(self._failed, "Backup failed", exc)
            return
        self.app.call_from_thread(self._done, f"Backup written to {written}")

    def action_share(self) -> None:
        from ..screens.share import ShareScreen

        ident = self.selected_id()
        if self.wallet is not None and ident is not None:
            self.app.push_screen(ShareScreen(ident))

    def action_present(self) -> None:
        from ..screens.present import PresentScreen

        if self.wallet is not None:
            self.app.push_screen(PresentScreen())
