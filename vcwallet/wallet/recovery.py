"""Credentials that arrive from outside the wallet: what ``restore`` (a backup) and ``salvage`` (a
damaged file) share.

Both are data from outside. A backup may be a colleague's, or edited by whoever held the USB
stick; a damaged file may have been damaged on purpose. So nothing they *say* about a credential
is kept: the stored status, name, report and lookup tags are discarded, every credential is
verified again from its exact original bytes with the wallet's verifier (the one ``import``
uses), and its summary is rebuilt from those bytes and the fresh report. What is kept is what
belongs to the holder and is shown as theirs: tags and the note (from a salvaged file also where
a credential first came from and when, since only this wallet's key could have sealed them).

Outcomes per credential:

* verified again: added;
* definitively failing (revoked, expired, invalid, untrusted…): refused like a failed import,
  unless ``force``, which keeps it flagged, as ``import --force`` does; salvage keeps it
  flagged (it is the owner's own record, authenticated by the wallet's key);
* not decidable here (no verifier, or offline and the check needs the network): added with status
  ``unchecked`` ("not rechecked") and a report that says so. Never ``verified``.

Recovery never crashes on a hostile row: a record that cannot be read, parsed or verified is
reported (``unreadable`` / ``lost``) and the rest carry on. Errors writing *into* the wallet
(a full disk) still stop the restore: each credential is one transaction, so running it again
continues where it stopped.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

from verifier.errors import ParseError
from verifier.report import CheckResult, Status, VerificationReport

from ..importing import CredentialView
from .core import WalletCore
from .keys import clean
from .records import CredentialSummary, json_record, not_rechecked_report, status_of

#: Record ids this wallet mints; any other id from outside is replaced by a fresh one.
WALLET_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Checked:
    """A credential's fresh verification: the report (JSON), the status word, and the verdict."""

    report: dict[str, Any]
    status: str
    verified: bool

    @property
    def admitted(self) -> bool:
        """Added without ``force``: it verified, or it could not be decided here (never a failure)."""
        return self.verified or self.status == "unchecked"


@dataclass(frozen=True)
class Kept:
    """What is kept from a credential's stored summary: the holder's own fields."""

    tags: tuple[str, ...] = ()
    note: str = ""
    source: str | None = None
    presentation: str | None = None
    imported_at: str | None = None


def recheck_bytes(wallet: WalletCore, data: bytes, view: CredentialView, label: str) -> Checked:
    """Verify ``data`` again with the wallet's verifier; ``unchecked`` when nothing can decide."""
    if wallet.verifier is None:
        return Checked(not_rechecked_report(label, view.kind), "unchecked", False)
    try:
        report = wallet.verify_bytes(wallet.verifier, data, view, label=label)
    except Exception as exc:  # noqa: BLE001 - hostile bytes must not stop a restore; refused below
        check = CheckResult("parse", Status.FAILED, "app.internal_error",
                            f"the verifier failed on this credential ({type(exc).__name__})")
        report = VerificationReport(label, view.kind, (check,))
    report_json = report.to_json()
    status = status_of(report_json)
    return Checked(report_json, "unchecked" if status == "unknown" else status, report.verified)


def kept_fields(record_id: str, plaintext: bytes | None, *, provenance: bool) -> Kept:
    """Tags and note (and with ``provenance`` source, presentation and import time) from a summary."""
    if plaintext is None:
        return Kept()
    try:
        summary = CredentialSummary.from_record(record_id, json_record(plaintext))
    except (ParseError, ValueError, TypeError):
        return Kept()
    tags = tuple(dict.fromkeys(t for t in (clean(tag) for tag in summary.tags) if t))
    if not provenance:
        return Kept(tags, clean(summary.note, lines=True))
    return Kept(tags, clean(summary.note, lines=True), clean(summary.source) or None,
                clean(summary.presentation or "") or None, clean(summary.imported_at) or None)


def rebuilt_summary(wallet: WalletCore, record_id: str, data: bytes, view: CredentialView, checked: Checked,
                    kept: Kept, *, source: str, salvaged: bool) -> CredentialSummary:
    """A summary derived from the bytes and the fresh report, with the kept holder fields."""
    summary = wallet.build_summary(record_id, data, view, checked.report, source=source,
                                   presentation=kept.presentation, flagged=not checked.admitted,
                                   extra=wallet.ob2_extra(view), imported_at=kept.imported_at)
    return replace(summary, status=checked.status, tags=kept.tags, note=kept.note, salvaged=salvaged)


def new_id(wallet: WalletCore, record_id: str) -> str:
    """``record_id`` when it is one this wallet would mint and is free here, else a fresh one."""
    if WALLET_ID.fullmatch(record_id) and not wallet.store.has(record_id):
        return record_id
    return secrets.token_hex(8)


__all__ = ["Checked", "Kept", "kept_fields", "new_id", "rebuilt_summary", "recheck_bytes"]
