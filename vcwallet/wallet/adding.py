"""Credentials coming in: ``import`` (verify, then store the exact bytes with their report) and
``recheck`` (verify what is stored again).

Nothing enters the wallet unverified. A credential that fails verification is refused unless
``force`` (then it is stored ``flagged``). Duplicates (the same bytes, or the same credential id)
are not stored twice, except that a stored copy that failed verification gives way to one with
the same id that verifies. All records of one credential are written in one transaction: after
a crash a credential is fully present or absent.
"""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import BinaryIO

from verifier.errors import ParseError, VCError
from verifier.fetch import Fetcher
from verifier.report import VerificationReport

from .. import importing
from ..importing import ImportItem, view_credential
from ..store import MalformedRow, RecordCorrupt, RecordIntegrityError, Transaction, WalletError
from .core import WalletCore
from .records import KIND_CREDENTIAL, KIND_REPORT, KIND_SUMMARY, CredentialSummary, json_bytes, json_record
from .results import ImportResult, RecheckResult

Progress = Callable[[int, int, ImportResult], None]


def add(wallet: WalletCore, data: bytes, *, source: str, force: bool = False, presentation: str | None = None,
        recipient: str | None = None) -> ImportResult:
    """:meth:`vcwallet.wallet.Wallet.add`."""
    verifier = wallet.need_verifier()
    data = bytes(data)
    view = view_credential(data)
    if view.kind == "presentation":
        error = ParseError("parse.unknown_format", "this is a presentation: import the credentials in it")
        return ImportResult("refused", source, reason="presentation", presentation=presentation, error=error)
    tags = wallet.tags_for(data, view.credential_id)
    found = wallet.duplicate(tags)
    replacing: str | None = None
    if found is not None:
        if found[1] != "id" or not _replaceable(wallet, found[0]):
            return ImportResult("duplicate", source, duplicate_of=found[0], reason=found[1],
                                presentation=presentation)
        replacing = found[0]
    report = wallet.verify_bytes(verifier, data, view, label=source, recipient=recipient)
    report_json = report.to_json()
    if replacing is not None and not report.verified:
        return ImportResult("duplicate", source, duplicate_of=replacing, reason="id", report=report,
                            presentation=presentation)
    if not report.verified and not force:
        return ImportResult("refused", source, report=report, reason="not_verified",
                            presentation=presentation)
    record_id = replacing or secrets.token_hex(8)
    summary = wallet.build_summary(record_id, data, view, report_json, source=source,
                                   presentation=presentation, flagged=not report.verified,
                                   extra=wallet.ob2_extra(view))
    with wallet.store.transaction() as txn:
        found = wallet.duplicate(tags, txn.find, txn.get)  # another process may have added it meanwhile
        if found is not None and found != (replacing, "id"):
            return ImportResult("duplicate", source, duplicate_of=found[0], reason=found[1],
                                presentation=presentation, report=report)
        if replacing is not None:
            summary = _carry_over(txn, replacing, summary)
            txn.delete(replacing)
        wallet.write_credential(txn, record_id, data, report_json, summary, tags)
    outcome = "replaced" if replacing else "added" if report.verified else "added_flagged"
    return ImportResult(outcome, source, id=record_id, summary=summary, report=report,
                        duplicate_of=replacing, presentation=presentation)


def _replaceable(wallet: WalletCore, record_id: str) -> bool:
    """A stored copy with the same id that did not verify may give way to one that does."""
    try:
        return not wallet.summary_of(record_id).verified
    except (WalletError, ParseError):
        return True


def _carry_over(txn: Transaction, record_id: str, summary: CredentialSummary) -> CredentialSummary:
    """Keep the holder's tags and note (and first import time) when a copy is replaced."""
    try:
        old = CredentialSummary.from_record(record_id, json_record(txn.get(record_id, KIND_SUMMARY)))
    except (WalletError, ParseError):
        return summary
    return replace(summary, tags=old.tags, note=old.note, imported_at=old.imported_at or summary.imported_at)


def add_item(wallet: WalletCore, item: ImportItem, *, force: bool = False) -> ImportResult:
    """:func:`add` for one :class:`~vcwallet.importing.ImportItem` (reports unreadable ones)."""
    if item.error is not None:
        return ImportResult("unreadable", item.source, presentation=item.presentation, error=item.error,
                            reason=item.error.code)
    return add(wallet, item.data, source=item.source, force=force, presentation=item.presentation)


def import_source(wallet: WalletCore, source: str, *, fetcher: Fetcher | None = None, force: bool = False,
                  stdin: BinaryIO | None = None, progress: Progress | None = None) -> list[ImportResult]:
    """Import a file, folder, ``-`` or https URL (see :func:`vcwallet.importing.read_source`)."""
    fetcher = fetcher or getattr(wallet.verifier, "fetcher", None)
    items = importing.read_source(source, fetcher=fetcher, stdin=stdin)
    results = []

    def failed(item: ImportItem, error: VCError, report: VerificationReport) -> ImportResult:
        return ImportResult("refused", item.source, reason="internal_error", error=error,
                            report=report, presentation=item.presentation)

    added = importing.import_each(items, lambda item: add_item(wallet, item, force=force), failed,
                                  keep=(WalletError,))
    for n, result in enumerate(added, 1):
        results.append(result)
        if progress is not None:
            progress(n, len(items), result)
    return results


def recheck(wallet: WalletCore, ident: str | None = None) -> builtins.list[RecheckResult]:
    """Verify stored credentials again (one, or all) and store the new report and status."""
    verifier = wallet.need_verifier()
    store = wallet.store
    ids = [wallet.resolve(ident)] if ident is not None else store.ids(KIND_SUMMARY)
    results = []
    for record_id in ids:
        try:
            summary = wallet.summary_of(record_id)
            data = store.get(record_id, KIND_CREDENTIAL)
        except (RecordCorrupt, RecordIntegrityError, MalformedRow) as exc:
            results.append(RecheckResult(record_id, "unknown", "unknown", error=exc))
            continue
        view = view_credential(data)
        report = wallet.verify_bytes(verifier, data, view, label=summary.source or record_id)
        report_json = report.to_json()
        fresh = wallet.build_summary(record_id, data, view, report_json, source=summary.source,
                                     presentation=summary.presentation, flagged=summary.flagged,
                                     extra=wallet.ob2_extra(view) or summary.extra,
                                     imported_at=summary.imported_at)
        updated = replace(fresh, tags=summary.tags, note=summary.note, salvaged=summary.salvaged)
        with store.transaction() as txn:
            if not txn.has(record_id, KIND_SUMMARY):
                continue  # removed meanwhile
            txn.put(record_id, KIND_REPORT, json_bytes(report_json))
            txn.put(record_id, KIND_SUMMARY, json_bytes(updated.to_record()))
        results.append(RecheckResult(record_id, summary.status, updated.status, report))
    return results


__all__ = ["add", "add_item", "import_source", "recheck"]
