"""Backups: a consistent, passphrase-protected single-file copy of a wallet.

Format decision: a backup *is a wallet file*: the same schema, the same sealed records, with a
key slot wrapped for the backup passphrase, a rollback journal instead of WAL (one self-contained
file) and ``role = backup`` in ``meta``. It opens with ``Store.open(path, passphrase,
readonly=True)`` (or ``Wallet.open``), so restoring needs no second format, and every record in
it keeps its authenticated encryption.

How it is written, so that no moment leaves a copy under the *wallet's* passphrase: a fresh file
is created (0600) beside the destination under a hidden ``.NAME.XXXXXXXXXXXX.partial`` name, and
its first committed transaction holds only the schema and the backup's own key slot. The rows are
then copied from one read snapshot of the wallet (writers in other processes carry on) in a
second transaction; the copy is integrity-checked, synced, and only then linked into place. A
backup killed at any point leaves at most a partial file that the backup passphrase opens (never
the wallet's), and the next backup to the same name removes it: a partial is stale when no
process holds its lock (``flock``; where that does not exist, stale partials are left alone).

What a local file cannot know, and the commands say where backups are made:

* The records stay sealed under the wallet's data key; only the small key slot differs. Someone
  holding a backup *and its passphrase* can therefore read any copy of the wallet file, including
  records written after the backup was made, until the wallet's data key changes (a new wallet
  and a restore). Changing the wallet's passphrase does not change the data key.
* A backup cannot show that it is the newest one, and a wallet cannot tell that the whole file,
  or one record, was replaced by an older copy of itself (a rollback): each record authenticates
  on its own, and an older file is a consistent file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..passphrases import passphrase_bytes
from . import crypto, files, hardening
from .crypto import KdfParams
from .database import Store, guarded, uri_for
from .errors import CorruptStore, WalletExists
from .reading import SELECT_ROWS, name_text, parse_rows, read_meta
from .schema import APPLICATION_ID, MIGRATIONS

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - Windows has no flock
    fcntl = None

PARTIAL = ".partial"
_BATCH = 256


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _step(conn: sqlite3.Connection, statement: str, params: Any = (), *,
          many: bool = False) -> sqlite3.Cursor:
    """Every statement on the backup file goes through here (crash tests kill at the K-th one)."""
    if many:
        return conn.executemany(statement, params)
    return conn.execute(statement, params)


def backup_store(store: Store, dest: str | os.PathLike[str], passphrase: str, *,
                 kdf: KdfParams | None = None) -> Path:
    """Write a consistent copy of ``store`` to ``dest``, unlocked by ``passphrase``; returns ``dest``.

    An existing ``dest`` is never overwritten; stale partial copies of an earlier, killed backup
    to the same name are removed first.
    """
    dest = Path(dest)
    passphrase_bytes(passphrase)
    if os.path.lexists(dest):
        raise WalletExists(f"{dest} already exists; choose another backup file name", path=str(dest),
                           details={"path": str(dest)})
    remove_stale_partials(dest)
    params = kdf or store.kdf
    params = crypto.check_kdf_params(params.opslimit, params.memlimit)
    salt = crypto.new_salt()
    kek = crypto.derive_kek(passphrase, salt, params)
    slot = (crypto.KDF_NAME, params.opslimit, params.memlimit, salt, crypto.kek_check(kek),
            crypto.wrap_data_key(kek, store.cipher.data_key, store.wallet_id))
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(6)}{PARTIAL}"
    files.create_private(tmp, report_as=dest)
    lock = _hold(tmp)
    try:
        target = hardening.connect(uri_for(tmp, "rw"))
        try:
            with guarded(dest, "write the backup"):
                _step(target, "PRAGMA journal_mode = DELETE")
                _step(target, "PRAGMA secure_delete = ON")
                _step(target, f"PRAGMA application_id = {APPLICATION_ID}")
                _step(target, "BEGIN IMMEDIATE")
                for version in range(1, store.schema_version + 1):
                    for statement in MIGRATIONS[version]:
                        _step(target, statement)
                _step(target, "INSERT INTO keyslot (slot, kdf, opslimit, memlimit, salt, kek_check, "
                              "wrapped_dek) VALUES (0, ?, ?, ?, ?, ?, ?)", slot)
                _step(target, "COMMIT")  # from here on, the partial file opens with the backup's slot only
                _step(target, "BEGIN IMMEDIATE")
                _copy(store, target)
                _step(target, "COMMIT")
                found = [str(r[0]) for r in _step(target, "PRAGMA integrity_check").fetchall()]
                if found != ["ok"]:
                    raise CorruptStore(f"the backup copy failed its integrity check: {found[0]}",
                                       path=str(dest), details={"problems": found})
        finally:
            target.close()
        files.fsync_file(tmp)
        files.publish(tmp, dest)
    except BaseException:
        _remove(tmp)  # the unfinished temporary copy only, never the wallet's files
        raise
    finally:
        if lock is not None:
            os.close(lock)
    return dest


def _copy(store: Store, target: sqlite3.Connection) -> None:
    """Copy meta, records and lookup rows from one read snapshot of ``store`` (rows that are not
    well-formed are not copied)."""
    with store.locked(), guarded(store.path, "back up"):
        source = store.connection
        source.execute("BEGIN")
        try:
            meta = read_meta(source)
            key_check = meta.get("key_check")
            if not isinstance(key_check, bytes):
                raise CorruptStore(f"{store.path}: the key-check blob is missing", path=str(store.path))
            created = meta.get("created_at")
            _step(target, "INSERT INTO meta (key, value) VALUES (?, ?)", [
                ("schema_version", store.schema_version), ("wallet_id", store.wallet_id),
                ("created_at", created if isinstance(created, str) else ""), ("role", "backup"),
                ("backed_up_at", _now()), ("key_check", key_check)], many=True)
            cursor = source.execute(SELECT_ROWS + " ORDER BY seq")
            while batch := cursor.fetchmany(_BATCH):
                rows = parse_rows(batch)[0]
                _step(target, "INSERT INTO records (id, kind, nonce, ciphertext) VALUES (?, ?, ?, ?)",
                      [(r.id, r.kind, r.nonce, r.ciphertext) for r in rows], many=True)
            links = []
            for tag, raw_id in source.execute("SELECT CAST(tag AS BLOB), CAST(record_id AS BLOB) FROM lookup "
                                              "WHERE typeof(tag) = 'blob' AND typeof(record_id) = 'text'"):
                record_id = name_text(raw_id)
                if record_id is not None:
                    links.append((bytes(tag), record_id))
            _step(target, "INSERT INTO lookup (tag, record_id) VALUES (?, ?)", links, many=True)
        finally:
            with contextlib.suppress(sqlite3.Error):
                source.execute("COMMIT")  # ends the read snapshot


_PARTIAL_NAME = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}\.partial")


def partial_copies(dest: str | os.PathLike[str]) -> list[Path]:
    """The partial files a backup to ``dest`` leaves while it runs (or when killed)."""
    dest = Path(dest)
    try:
        names = os.listdir(dest.parent)
    except OSError:
        return []
    out = []
    for name in names:
        match = _PARTIAL_NAME.fullmatch(name)
        if match is not None and match.group("name") == dest.name:
            out.append(dest.parent / name)
    return sorted(out)


def remove_stale_partials(dest: str | os.PathLike[str]) -> list[Path]:
    """Remove partial copies of earlier backups to ``dest`` that no running backup holds."""
    removed = []
    for partial in partial_copies(dest):
        if _is_stale(partial):
            _remove(partial)
            removed.append(partial)
    return removed


def _hold(path: Path) -> int | None:
    """Lock ``path`` for as long as this backup runs, so others know it is not stale."""
    if fcntl is None:  # pragma: no cover
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _is_stale(path: Path) -> bool:
    if fcntl is None:  # pragma: no cover - cannot tell a running backup from a killed one
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a backup is writing it right now
    finally:
        os.close(fd)
    return True


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            os.unlink(leftover)
