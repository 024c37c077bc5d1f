"""Keeping badges from being lost: back up a wallet, restore a backup into a wallet or into a new
one (a new laptop), with the same rules in every front end.

A backup is one passphrase-protected file (itself a wallet file); its passphrase is a new
passphrase (asked twice). Nothing is overwritten: a backup target or a new wallet path that
exists is ``wallet.exists``. Restored credentials are verified again (see
:mod:`vcwallet.wallet.recovery`).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..passphrases import check_passphrase
from ..store import DEFAULT_KDF, FAST_FOR_TESTS, KdfParams
from ..wallet.facade import Wallet
from ..wallet.records import CredentialVerifier
from ..wallet.results import RestoreResult
from .open_wallet import refuse_existing


@dataclass(frozen=True)
class BackupDone:
    """Where the backup was written and how many credentials it holds."""

    path: Path
    credentials: int


@dataclass(frozen=True)
class RestoreDone:
    """What a restore did (or, dry, would do), and whether it made a new wallet at ``path``."""

    path: Path
    result: RestoreResult
    created: bool


def backup_wallet(wallet: Wallet, target: str | os.PathLike[str], passphrase: str, *,
                  kdf: KdfParams | None = None) -> BackupDone:
    """Write an encrypted single-file backup to ``target`` (which must not exist)."""
    path = refuse_existing(target, "the backup")
    check_passphrase(passphrase, what="backup passphrase")
    written = wallet.backup(path, passphrase, kdf=kdf)
    return BackupDone(written, len(wallet.list()))


def restore_into(wallet: Wallet, backup: str | os.PathLike[str], backup_passphrase: str, *,
                 dry_run: bool = False, force: bool = False) -> RestoreDone:
    """Merge ``backup`` into an open wallet (see :meth:`vcwallet.wallet.Wallet.restore`)."""
    result = wallet.restore(backup, backup_passphrase, dry_run=dry_run, force=force)
    return RestoreDone(wallet.path, result, created=False)


def restore_new(path: str | os.PathLike[str], backup: str | os.PathLike[str], backup_passphrase: str,
                passphrase: str | None, *, verifier: CredentialVerifier | None = None,
                kdf: KdfParams = DEFAULT_KDF, dry_run: bool = False, force: bool = False) -> RestoreDone:
    """Make a new wallet at ``path`` from ``backup`` (``passphrase`` already confirmed). A dry run
    restores into a throwaway empty wallet elsewhere, so nothing appears at ``path``."""
    target = refuse_existing(path)
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="vcwallet-dry-run-") as folder, Wallet.create(
                Path(folder) / "empty.db", secrets.token_hex(16), verifier=verifier, kdf=FAST_FOR_TESTS,
                holder_key=False) as empty:
            result = empty.restore(backup, backup_passphrase, dry_run=True, force=force)
        return RestoreDone(target, result, created=False)
    if passphrase is None:
        raise TypeError("a new wallet needs its passphrase")
    check_passphrase(passphrase, what="new wallet passphrase")
    result = Wallet.restore_new(target, backup, backup_passphrase, passphrase, kdf=kdf, verifier=verifier,
                                force=force)
    return RestoreDone(target, result, created=True)


__all__ = ["BackupDone", "RestoreDone", "backup_wallet", "restore_into", "restore_new"]
