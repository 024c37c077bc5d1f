"""What the wallet's operations answer: one frozen dataclass per operation, never printed here.

The command line and the terminal app turn these into lines and dialogs; the wallet itself only
reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.errors import VCError
from verifier.report import VerificationReport

from ..store import WalletError
from .records import CredentialSummary


@dataclass(frozen=True)
class ImportResult:
    """What happened to one import item.

    ``outcome``: ``added``; ``added_flagged`` (failed verification, kept because ``force``);
    ``replaced`` (a stored copy with the same credential id had failed verification and this one
    verifies: it takes that record's place, keeping its tags and note; ``duplicate_of`` names it);
    ``duplicate`` (``duplicate_of`` names the record, ``reason`` says ``content`` or ``id``);
    ``refused`` (failed verification without ``force``, or not a credential); ``unreadable``.
    """

    outcome: str
    source: str
    id: str | None = None
    summary: CredentialSummary | None = None
    report: VerificationReport | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    presentation: str | None = None
    error: VCError | None = None

    @property
    def stored(self) -> bool:
        return self.outcome in ("added", "added_flagged", "replaced")


@dataclass(frozen=True)
class RecheckResult:
    """A credential's status before and after re-verification (``error`` if it could not be read)."""

    id: str
    before: str
    after: str
    report: VerificationReport | None = None
    error: WalletError | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class RestoreResult:
    """What a restore added (or, in a dry run, would add).

    ``added``: backup record ids that are new here; ``duplicates``: (backup id, existing id);
    ``merged``: existing ids whose tags or note were merged in; ``keys_added``: holder DIDs;
    ``unreadable``: backup records that did not decrypt or could not be read (malformed rows
    appear as ``row#SEQ``); ``refused``: (backup id, status) of credentials that failed
    verification again and were not added (``force`` keeps them, flagged); ``unchecked``: added
    backup ids that could not be verified here (status ``unchecked``, "not rechecked").
    """

    dry_run: bool
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    keys_added: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SalvageReport:
    """What :meth:`Wallet.salvage` recovered into the new wallet, and what was lost.

    ``damaged``: what was found damaged and worked around (``kek_check``, ``key_check``,
    ``wallet_id``, ``wrapped_key``); ``ignored``: SQL objects in the damaged file that are not ours
    (never run); ``unchecked``: recovered credentials that could not be verified again here.
    """

    path: Path
    credentials: list[str]
    keys: list[str]
    lost: list[dict[str, Any]]
    scan_errors: list[str]
    damaged: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckReport:
    """The result of :meth:`Wallet.check`: SQLite's integrity check and the wallet's own."""

    integrity: list[str]
    problems: list[str]
    credentials: int
    keys: int

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.problems


__all__ = ["CheckReport", "ImportResult", "RecheckResult", "RestoreResult", "SalvageReport"]
