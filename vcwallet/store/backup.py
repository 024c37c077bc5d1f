"""Backups: a consistent, passphrase-protected single-file copy of a wallet.

Format decision: a backup *is a wallet file*. It is the same SQLite database, copied page by page
with SQLite's online backup API, whose key slot is re-wrapped for the backup passphrase and whose
journal mode is switched from WAL to a rollback journal so the backup is one self-contained file.
It opens with ``Store.open(path, passphrase, readonly=True)`` (or ``Wallet.open``), so restoring
needs no second format, and every record in it keeps its authenticated encryption. Its ``meta``
table says ``role = backup`` and when it was taken.

The records stay sealed under the wallet's data key (as after ``passwd``): only the small key
slot differs. Someone holding both a backup and its passphrase can therefore read the wallet
file of the same era, which is the point of a backup.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from . import crypto, files
from .crypto import KdfParams
from .database import Store, guarded, uri_for
from .errors import CorruptStore, WalletExists


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_store(store: Store, dest: str | os.PathLike[str], passphrase: str, *,
                 kdf: KdfParams | None = None) -> Path:
    """Write a consistent copy of ``store`` to ``dest``, unlocked by ``passphrase``; returns ``dest``.

    The copy is taken in one backup step (a snapshot: writers in other processes carry on) into a
    temporary file beside ``dest``. There its key slot is re-wrapped, it is switched to a
    rollback journal, vacuumed with ``secure_delete`` so the wallet's own key wrapping leaves no
    trace, integrity-checked, synced, and only then linked into place. An existing ``dest`` is
    never overwritten.
    """
    dest = Path(dest)
    crypto.passphrase_bytes(passphrase)
    if os.path.lexists(dest):
        raise WalletExists(f"{dest} already exists; choose another backup file name", path=str(dest),
                           details={"path": str(dest)})
    params = kdf or store.kdf
    params = crypto.check_kdf_params(params.opslimit, params.memlimit)
    salt = crypto.new_salt()
    kek = crypto.derive_kek(passphrase, salt, params)
    wrapped = crypto.wrap_data_key(kek, store.cipher.data_key, store.wallet_id)
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(6)}.partial"
    files.create_private(tmp, report_as=dest)
    try:
        target = sqlite3.connect(uri_for(tmp, "rw"), uri=True, isolation_level=None)
        try:
            with store.locked(), guarded(store.path, "back up"):
                store.connection.backup(target)
        finally:
            target.close()
        target = sqlite3.connect(uri_for(tmp, "rw"), uri=True, isolation_level=None)
        try:
            with guarded(dest, "write the backup"):
                target.execute("PRAGMA journal_mode = DELETE")
                target.execute("PRAGMA secure_delete = ON")
                target.execute("BEGIN IMMEDIATE")
                target.execute("UPDATE keyslot SET kdf = ?, opslimit = ?, memlimit = ?, salt = ?, "
                               "kek_check = ?, wrapped_dek = ? WHERE slot = 0",
                               (crypto.KDF_NAME, params.opslimit, params.memlimit, salt,
                                crypto.kek_check(kek), wrapped))
                target.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   [("role", "backup"), ("backed_up_at", _now())])
                target.execute("COMMIT")
                target.execute("VACUUM")
                found = [str(r[0]) for r in target.execute("PRAGMA integrity_check").fetchall()]
                if found != ["ok"]:
                    raise CorruptStore(f"the backup copy failed its integrity check: {found[0]}",
                                       path=str(dest), details={"problems": found})
        finally:
            target.close()
        files.fsync_file(tmp)
        files.publish(tmp, dest)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)  # the unfinished temporary copy only, never the wallet's files
        raise
    return dest
