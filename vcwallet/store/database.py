"""The encrypted SQLite store: one file, WAL mode, every record sealed under the data key.

The store knows records, not credentials: a record is ``(id, kind) -> plaintext bytes``, sealed
with XChaCha20-Poly1305 with the id and kind as associated data, plus blind lookup tags that map
to record ids. :mod:`vcwallet.wallet` decides what the records mean.

Durability and crash safety come from SQLite, used carefully:

* WAL mode with ``synchronous=FULL``: a commit is on disk when ``commit`` returns, and a crash at
  any moment leaves the last committed state (SQLite ignores WAL frames after the last commit
  record). Every write is one ``BEGIN IMMEDIATE … COMMIT`` transaction, so the write lock is taken
  up front and the busy timeout applies; a transaction that fails is rolled back whole.
* ``secure_delete`` so removed or replaced rows (an old wrapped key) are zeroed, not left in
  free pages.
* Opening never creates: the URI is opened ``mode=rw`` after our own checks, and creating builds
  the file under a temporary name and links it into place only when it is complete.
* The file is data, never code: every connection is hardened and the schema compared with ours
  before anything else is read (:mod:`.hardening`), and rows are read so that a hostile one is
  skipped and reported instead of crashing the reader (:mod:`.reading`).

Error mapping: SQLite's result codes become the wallet's coded errors (``SQLITE_FULL`` ->
:class:`StorageFull`, ``SQLITE_NOTADB``/``SQLITE_CORRUPT`` -> :class:`CorruptStore`,
``SQLITE_CANTOPEN``/``SQLITE_READONLY``/``SQLITE_PERM`` -> :class:`StorageUnavailable`,
``SQLITE_BUSY`` -> :class:`WalletBusy`); an I/O error is :class:`StorageFull` when the disk or the
process's file-size limit explains it.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..passphrases import passphrase_bytes
from . import crypto, files, hardening
from .crypto import KdfParams, RecordCipher
from .errors import (
    CorruptStore,
    KdfParamsInvalid,
    RecordCorrupt,
    RecordIntegrityError,
    StorageFull,
    StorageUnavailable,
    UnsupportedSchemaVersion,
    WalletBusy,
    WalletError,
    WalletExists,
    WalletNotFound,
    WrongPassphrase,
)
from .reading import (
    SELECT_ROWS,
    BadRow,
    Keyslot,
    RawRow,
    meta_text,
    name_text,
    parse_row,
    parse_rows,
    read_keyslot,
    read_meta,
    read_version,
    texts,
)
from .schema import APPLICATION_ID, CURRENT_VERSION, MIGRATIONS

log = logging.getLogger("vcwallet.store")

#: Seconds a writer waits for another process's transaction before giving up with ``wallet.busy``.
DEFAULT_BUSY_TIMEOUT = 15.0
KEY_CHECK_PLAINTEXT = b"vcwallet key check v1"
KEY_CHECK_ID = "meta"
KEY_CHECK_KIND = "key-check"
_CANDIDATE_LIMIT = 50_000


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def map_sqlite_error(exc: sqlite3.Error, path: Path, action: str) -> WalletError | None:
    """The wallet error for a SQLite error, or ``None`` for a programming error to re-raise."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    where = str(path)
    details: dict[str, Any] = {"path": where, "sqlite": getattr(exc, "sqlite_errorname", None) or text}
    if primary is None:  # very old Pythons: fall back on the message
        lowered = text.lower()
        primary = (sqlite3.SQLITE_FULL if "full" in lowered else
                   sqlite3.SQLITE_NOTADB if "not a database" in lowered else
                   sqlite3.SQLITE_CORRUPT if "malformed" in lowered else
                   sqlite3.SQLITE_BUSY if "locked" in lowered else
                   sqlite3.SQLITE_CANTOPEN if "unable to open" in lowered else None)
    if primary == sqlite3.SQLITE_FULL:
        return StorageFull(f"cannot {action} {where}: the disk is full", path=where, details=details)
    if primary == sqlite3.SQLITE_IOERR:
        if files.looks_full(path):
            return StorageFull(f"cannot {action} {where}: the disk or the file size limit is full",
                               path=where, details=details)
        return StorageUnavailable(f"cannot {action} {where}: input/output error ({text})", path=where,
                                  details=details)
    if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return CorruptStore(f"{where} is damaged ({text})", path=where, details=details)
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM,
                   sqlite3.SQLITE_AUTH):
        return StorageUnavailable(f"cannot {action} {where}: {text} (check the permissions of the file "
                                  "and its folder)", path=where, details=details)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return WalletBusy(f"{where} is locked by another process; try again", path=where, details=details)
    if primary == sqlite3.SQLITE_TOOBIG:
        return StorageFull(f"cannot {action} {where}: the record is too large", path=where,
                           details=dict(details, reason="too_big"))
    return None


def uri_for(path: Path, mode: str, *, immutable: bool = False) -> str:
    url = urllib.request.pathname2url(os.path.abspath(path))
    return f"file:{url}?mode={mode}" + ("&immutable=1" if immutable else "")


@dataclass(frozen=True)
class StoreInfo:
    """What can be read from a wallet file without its passphrase."""

    path: Path
    schema_version: int
    wallet_id: str
    created_at: str
    role: str
    kdf: KdfParams | None


def unlock(slot: Keyslot, passphrase: str, wallet_id: str, key_check: bytes | None,
            path: Path) -> RecordCipher:
    """Derive the KEK, tell a wrong passphrase from damage, and unwrap the data key.

    The check value only *explains* failures: when it does not match but the wrapped key still
    authenticates, the passphrase is right and the check value is what is damaged (say so, and
    point at ``salvage``, rather than telling the owner their passphrase is wrong).
    """
    params = slot.params()  # bounds are checked before any derivation
    kek = crypto.derive_kek(passphrase, slot.salt, params)
    dek = crypto.unwrap_data_key(kek, slot.wrapped_dek, wallet_id)
    if not hmac.compare_digest(crypto.kek_check(kek), slot.kek_check):
        if dek is None:
            raise WrongPassphrase("the passphrase does not unlock this wallet", path=str(path))
        raise CorruptStore(f"{path}: the passphrase is right (it unwraps the data key) but the key slot's "
                           "check value is damaged", path=str(path),
                           details={"path": str(path), "reason": "kek_check"})
    if dek is None:
        raise CorruptStore(f"{path}: the passphrase is right but the key slot is damaged",
                           path=str(path), details={"path": str(path), "reason": "keyslot"})
    cipher = RecordCipher(dek)
    if key_check is not None:
        got = cipher.try_open(KEY_CHECK_ID, KEY_CHECK_KIND, key_check[:crypto.NONCE_BYTES],
                              key_check[crypto.NONCE_BYTES:])
        if got != KEY_CHECK_PLAINTEXT:
            raise CorruptStore(f"{path}: the key-check blob is damaged", path=str(path),
                               details={"path": str(path), "reason": "key_check"})
    return cipher


class Store:
    """An open, unlocked wallet database. Use :meth:`create` or :meth:`open`, then :meth:`close`.

    Thread-safe: one lock serialises use of the connection. Several processes may use the same
    file; SQLite's locking and the busy timeout arbitrate.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, cipher: RecordCipher, *, readonly: bool,
                 schema_version: int, wallet_id: str, kdf: KdfParams) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self._cipher = cipher
        self.readonly = readonly
        self.schema_version = schema_version
        self.wallet_id = wallet_id
        self.kdf = kdf
        self._lock = threading.RLock()
        #: What the store is doing ("", "migrate", "passwd", "backup"): crash tests kill at
        #: statements of one phase.
        self._phase = ""

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str, *, kdf: KdfParams = crypto.DEFAULT_KDF,
               busy_timeout: float = DEFAULT_BUSY_TIMEOUT, schema_version: int | None = None) -> Store:
        """Create a new wallet file at ``path``; refuses if anything at all exists there.

        The file is built under a temporary name in the same folder and linked into place only
        when complete, so a crash during creation never leaves a half-made wallet at ``path``.
        ``schema_version`` (older than current) exists for migration tests.
        """
        path = Path(path)
        version = CURRENT_VERSION if schema_version is None else schema_version
        if not 1 <= version <= CURRENT_VERSION:
            raise ValueError(f"schema_version must be 1..{CURRENT_VERSION}")
        params = crypto.check_kdf_params(kdf.opslimit, kdf.memlimit)
        passphrase_bytes(passphrase)
        if os.path.lexists(path):
            raise WalletExists(f"{path} already exists; a wallet is never created over a file",
                               path=str(path), details={"path": str(path)})
        if not path.parent.is_dir():
            raise StorageUnavailable(f"the folder {path.parent} does not exist", path=str(path),
                                     details={"path": str(path)})
        wallet_id = secrets.token_hex(16)
        dek = crypto.new_data_key()
        cipher = RecordCipher(dek)
        salt = crypto.new_salt()
        kek = crypto.derive_kek(passphrase, salt, params)
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.creating"
        files.create_private(tmp, report_as=path)
        try:
            conn = hardening.connect(uri_for(tmp, "rw"), timeout=busy_timeout)
            try:
                with guarded(tmp, "create"):
                    conn.execute("PRAGMA secure_delete = ON")
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    conn.execute("BEGIN IMMEDIATE")
                    for step in range(1, version + 1):
                        for statement in MIGRATIONS[step]:
                            conn.execute(statement)
                    nonce, sealed = cipher.seal(KEY_CHECK_ID, KEY_CHECK_KIND, KEY_CHECK_PLAINTEXT)
                    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                        ("schema_version", version), ("wallet_id", wallet_id), ("created_at", _now()),
                        ("role", "wallet"), ("key_check", nonce + sealed)])
                    conn.execute("INSERT INTO keyslot (slot, kdf, opslimit, memlimit, salt, kek_check, "
                                 "wrapped_dek) VALUES (0, ?, ?, ?, ?, ?, ?)",
                                 (crypto.KDF_NAME, params.opslimit, params.memlimit, salt,
                                  crypto.kek_check(kek), crypto.wrap_data_key(kek, dek, wallet_id)))
                    conn.execute("COMMIT")
                    conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            files.fsync_file(tmp)
            files.publish(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # our own unfinished temporary file, never the wallet
            raise
        conn = cls._connect(path, "rw", busy_timeout)
        store = cls(path, conn, cipher, readonly=False, schema_version=version, wallet_id=wallet_id,
                    kdf=params)
        store._configure()
        return store

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str, *, readonly: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT, require_private: bool | None = None,
             migrate: bool = True) -> Store:
        """Open and unlock an existing wallet; never creates one.

        Order matters: our own file checks, then the schema version (refused *before* any write
        when newer), then SQLite's ``quick_check``, then the passphrase, then migrations.
        ``readonly`` opens without writing anything (backups being restored, other wallets);
        read-only opens accept files readable by others unless ``require_private``.
        """
        path = Path(path)
        passphrase_bytes(passphrase)
        files.check_existing(path, require_private=not readonly if require_private is None
                             else require_private)
        conn = cls._connect(path, "ro" if readonly else "rw", busy_timeout)
        try:
            with guarded(path, "open"):
                version = read_version(conn, path)
                if version > CURRENT_VERSION:
                    raise UnsupportedSchemaVersion(
                        f"{path} was written by a newer vcwallet (schema {version}; this version "
                        f"reads up to {CURRENT_VERSION}). Upgrade vcwallet; the file was not changed.",
                        path=str(path), details={"path": str(path), "found": version,
                                                 "supported": CURRENT_VERSION})
                hardening.verify_schema(conn, version, path)
                problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check(20)").fetchall()]
                if problems != ["ok"]:
                    raise CorruptStore(f"{path} is damaged: {problems[0]}", path=str(path),
                                       details={"path": str(path), "problems": problems})
                slot = read_keyslot(conn, path)
                meta = read_meta(conn)
            wallet_id = meta_text(meta, "wallet_id", path)
            key_check = meta.get("key_check")
            if not isinstance(key_check, bytes):
                raise CorruptStore(f"{path}: the key-check blob is missing", path=str(path),
                                   details={"path": str(path), "reason": "key_check"})
            cipher = unlock(slot, passphrase, wallet_id, key_check, path)
        except BaseException:
            conn.close()
            raise
        store = cls(path, conn, cipher, readonly=readonly, schema_version=version, wallet_id=wallet_id,
                    kdf=slot.params())
        try:
            if not readonly:
                store._configure()
                if migrate and version < CURRENT_VERSION:
                    store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def inspect(cls, path: str | os.PathLike[str]) -> StoreInfo:
        """Schema version, KDF parameters and role, read without the passphrase or any write."""
        path = Path(path)
        files.check_existing(path, require_private=False)
        conn = cls._connect(path, "ro", DEFAULT_BUSY_TIMEOUT)
        try:
            with guarded(path, "read"):
                version = read_version(conn, path)
                if version <= CURRENT_VERSION:
                    hardening.verify_schema(conn, version, path)
                meta = read_meta(conn)
                slot = read_keyslot(conn, path)
        finally:
            conn.close()
        try:
            params: KdfParams | None = slot.params()
        except KdfParamsInvalid:
            params = None
        return StoreInfo(path, version, str(meta.get("wallet_id", "")), str(meta.get("created_at", "")),
                         str(meta.get("role", "wallet")), params)

    @staticmethod
    def _connect(path: Path, mode: str, busy_timeout: float) -> sqlite3.Connection:
        try:
            conn = hardening.connect(uri_for(path, mode), timeout=busy_timeout)
        except sqlite3.Error as exc:
            mapped = map_sqlite_error(exc, path, "open")
            if mapped is None:
                raise
            raise mapped from exc
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        return conn

    def _configure(self) -> None:
        with self._guard("open"):
            mode = self._sql("PRAGMA journal_mode").fetchone()
            if not mode or str(mode[0]).lower() != "wal":  # switching needs a lock: only when needed
                mode = self._sql("PRAGMA journal_mode = WAL").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                raise StorageUnavailable(f"cannot use write-ahead logging for {self.path}",
                                         path=str(self.path), details={"path": str(self.path)})
            self._sql("PRAGMA synchronous = FULL")
            self._sql("PRAGMA secure_delete = ON")
            self._sql("PRAGMA temp_store = MEMORY")

    def close(self) -> None:
        """Close the connection (SQLite checkpoints the WAL itself when it is the last one)."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    def close_as_single_file(self) -> None:
        """Leave WAL mode (which checkpoints and removes the ``-wal``) and close: afterwards the
        wallet is one self-contained file that may be linked into place. The next read-write
        open switches it back to WAL."""
        with self._lock, self._guard("close"):
            mode = self._sql("PRAGMA journal_mode = DELETE").fetchone()
            if not mode or str(mode[0]).lower() != "delete":
                raise StorageUnavailable(f"cannot finish {self.path}: another process has it open",
                                         path=str(self.path), details={"path": str(self.path)})
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for diagnostics and fault-injection tests (``max_page_count``)."""
        if self._conn is None:
            raise ValueError("the wallet is closed")
        return self._conn

    @property
    def cipher(self) -> RecordCipher:
        return self._cipher

    def locked(self) -> threading.RLock:
        """The lock that serialises use of the connection (hold it to use :attr:`connection`)."""
        return self._lock

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------------------
    def _sql(self, statement: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Every statement goes through here (one place to observe or interrupt them in tests)."""
        return self.connection.execute(statement, params)

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        with guarded(self.path, action):
            yield

    def _rollback_quietly(self) -> None:
        conn = self._conn
        if conn is not None and conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One ``BEGIN IMMEDIATE … COMMIT``; anything raised inside rolls it back whole."""
        if self.readonly:
            raise StorageUnavailable(f"{self.path} is open read-only", path=str(self.path),
                                     details={"path": str(self.path)})
        with self._lock, self._guard("write to"):
            self._sql("BEGIN IMMEDIATE")
            try:
                yield Transaction(self)
                self._sql("COMMIT")
            except BaseException:
                self._rollback_quietly()
                raise

    def _migrate(self) -> None:
        """Apply each pending migration in its own transaction with its version bump."""
        self._phase = "migrate"
        try:
            for step in range(self.schema_version + 1, CURRENT_VERSION + 1):
                with self.transaction():
                    now = self._sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                    if now is not None and int(now[0]) >= step:
                        continue  # another process migrated meanwhile
                    for statement in MIGRATIONS[step]:
                        self._sql(statement)
                    self._sql("UPDATE meta SET value = ? WHERE key = 'schema_version'", (step,))
                self.schema_version = step
                log.info("migrated %s to schema %d", files.redact(self.path), step)
        finally:
            self._phase = ""

    # -- reading -------------------------------------------------------------------------------
    def _parsed(self, raw: tuple[Any, ...] | None) -> RawRow | None:
        """One fetched row as a :class:`RawRow`; a malformed one is ``wallet.malformed_row``."""
        if raw is None:
            return None
        row = parse_row(raw)
        if isinstance(row, BadRow):
            raise row.error()
        return row

    def _row(self, record_id: str, kind: str) -> RawRow | None:
        with self._lock, self._guard("read"):
            raw = self._sql(SELECT_ROWS + " WHERE id = ? AND kind = ?", (record_id, kind)).fetchone()
        return self._parsed(raw)

    def decrypt_row(self, row: RawRow) -> bytes:
        """The plaintext of ``row``; :class:`RecordIntegrityError` when it belongs to another row."""
        plaintext = self._cipher.try_open(row.id, row.kind, row.nonce, row.ciphertext)
        if plaintext is not None:
            return plaintext
        raise self._explain_failure(row)

    def _names(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[str, str]]:
        """``(id, kind)`` pairs from a ``SELECT CAST(id AS BLOB), CAST(kind AS BLOB)``; unreadable skipped."""
        with self._lock, self._guard("read"):
            found = self._sql(statement, params).fetchall()
        out = []
        for raw_id, raw_kind in found:
            rid, kind = name_text(raw_id), name_text(raw_kind)
            if rid is not None and kind is not None:
                out.append((rid, kind))
        return out

    def _explain_failure(self, row: RawRow) -> WalletError:
        """Swapped (authenticates as another row) or damaged (authenticates as nothing)?"""
        names = "SELECT CAST(id AS BLOB), CAST(kind AS BLOB) FROM records WHERE "
        same_size = self._names(names + "length(ciphertext) = ? AND seq != ?", (len(row.ciphertext), row.seq))
        others = self._names(names + "seq != ? LIMIT ?", (row.seq, _CANDIDATE_LIMIT))
        candidates = [*same_size, *others, (KEY_CHECK_ID, KEY_CHECK_KIND)]
        seen: set[tuple[str, str]] = set()
        for other_id, other_kind in candidates:
            if (other_id, other_kind) in seen:
                continue
            seen.add((other_id, other_kind))
            if self._cipher.try_open(other_id, other_kind, row.nonce, row.ciphertext) is not None:
                return RecordIntegrityError(
                    f"record {row.id} ({row.kind}) holds the ciphertext of record {other_id} "
                    f"({other_kind}): rows were swapped or copied", details={
                        "record": row.id, "kind": row.kind, "belongs_to": other_id,
                        "belongs_to_kind": other_kind})
        return RecordCorrupt(f"record {row.id} ({row.kind}) is damaged and cannot be decrypted",
                             details={"record": row.id, "kind": row.kind})

    def get(self, record_id: str, kind: str) -> bytes:
        """The plaintext of one record; :class:`WalletNotFound` when there is no such row,
        ``wallet.malformed_row`` when the row holds values of the wrong types."""
        row = self._row(record_id, kind)
        if row is None:
            raise WalletNotFound(f"no record {record_id} ({kind})", details={"record": record_id})
        return self.decrypt_row(row)

    def has(self, record_id: str, kind: str | None = None) -> bool:
        with self._lock, self._guard("read"):
            if kind is None:
                row = self._sql("SELECT 1 FROM records WHERE id = ? LIMIT 1", (record_id,)).fetchone()
            else:
                row = self._sql("SELECT 1 FROM records WHERE id = ? AND kind = ?",
                                (record_id, kind)).fetchone()
        return row is not None

    def scan(self, kind: str | None = None) -> tuple[list[RawRow], list[BadRow]]:
        """Encrypted rows (of one kind), oldest first, and the malformed rows that were skipped.

        A row whose kind cannot be read is only seen by a scan of every kind (``kind=None``).
        """
        with self._lock, self._guard("read"):
            if kind is None:
                found = self._sql(SELECT_ROWS + " ORDER BY seq").fetchall()
            else:
                found = self._sql(SELECT_ROWS + " WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
        return parse_rows(found)

    def rows(self, kind: str | None = None) -> list[RawRow]:
        """Encrypted rows (of one kind), oldest first; malformed rows are left out (see :meth:`scan`)."""
        return self.scan(kind)[0]

    def read_all(self, kind: str) -> list[tuple[str, bytes | WalletError]]:
        """Every record of ``kind`` decrypted, oldest first; a damaged one gives its error instead.

        A malformed row appears under its label (``row#SEQ``, not an id) with ``wallet.malformed_row``.
        """
        good, bad = self.scan(kind)
        out: list[tuple[str, bytes | WalletError]] = []
        for row in good:
            try:
                out.append((row.id, self.decrypt_row(row)))
            except (RecordCorrupt, RecordIntegrityError) as exc:
                out.append((row.id, exc))
        if not bad:
            return out
        order = {row.id: row.seq for row in good}
        merged = [(order[rid], rid, value) for rid, value in out] + [(b.seq, b.label, b.error()) for b in bad]
        return [(label, value) for _seq, label, value in sorted(merged, key=lambda item: item[0])]

    def ids(self, kind: str) -> list[str]:
        with self._lock, self._guard("read"):
            return texts(self._sql("SELECT CAST(id AS BLOB) FROM records WHERE kind = ? "
                                   "AND typeof(id) = 'text' ORDER BY seq", (kind,)).fetchall())

    def ids_with_prefix(self, prefix: str, kind: str) -> list[str]:
        with self._lock, self._guard("read"):
            return texts(self._sql(
                "SELECT CAST(id AS BLOB) FROM records WHERE kind = ? AND typeof(id) = 'text' "
                "AND substr(id, 1, ?) = ? ORDER BY seq", (kind, len(prefix), prefix)).fetchall())

    def kinds(self, record_id: str) -> set[str]:
        with self._lock, self._guard("read"):
            return set(texts(self._sql("SELECT CAST(kind AS BLOB) FROM records WHERE id = ? "
                                       "AND typeof(kind) = 'text'", (record_id,)).fetchall()))

    def find(self, tag: bytes) -> str | None:
        """The record id a lookup tag points to (``None`` when the pointer is unreadable).

        The lookup table is not authenticated: callers must check that the record found really
        carries the value looked up (:meth:`vcwallet.wallet.Wallet.resolve` does).
        """
        with self._lock, self._guard("read"):
            row = self._sql("SELECT CAST(record_id AS BLOB) FROM lookup WHERE tag = ? "
                            "AND typeof(record_id) = 'text'", (tag,)).fetchone()
        return name_text(row[0]) if row else None

    def lookup_rows(self) -> list[tuple[bytes, str]]:
        """Every readable ``(tag, record id)`` pair of the lookup table."""
        with self._lock, self._guard("read"):
            found = self._sql("SELECT CAST(tag AS BLOB), CAST(record_id AS BLOB) FROM lookup "
                              "WHERE typeof(tag) = 'blob' AND typeof(record_id) = 'text'").fetchall()
        out = []
        for tag, raw_id in found:
            rid = name_text(raw_id)
            if rid is not None:
                out.append((bytes(tag), rid))
        return out

    def unreadable_lookup_rows(self) -> int:
        """How many lookup rows hold values of the wrong types or unreadable ids (for ``check``)."""
        with self._lock, self._guard("read"):
            total = int(self._sql("SELECT count(*) FROM lookup").fetchone()[0])
        return total - len(self.lookup_rows())

    def lookup_tag(self, namespace: str, value: str | bytes) -> bytes:
        return self._cipher.lookup_tag(namespace, value)

    def integrity_check(self) -> list[str]:
        """SQLite's full ``integrity_check``: ``[]`` when the file is sound."""
        with self._lock, self._guard("check"):
            found = [str(r[0]) for r in self._sql("PRAGMA integrity_check").fetchall()]
        return [] if found == ["ok"] else found

    def schema_objects(self) -> set[str]:
        with self._lock, self._guard("read"):
            return {name for kind, name, _t, _s in hardening.read_schema(self.connection)
                    if kind in ("table", "index") and not name.startswith("sqlite_")}

    def schema_matches_version(self) -> bool:
        """Whether the schema is exactly ours for the version row (no trigger, view or stray object)."""
        with self._lock, self._guard("read"):
            found = set(hardening.read_schema(self.connection))
        return found == hardening.expected_schema(self.schema_version)

    # -- passphrase, backup ----------------------------------------------------------------------
    def _keyslot(self) -> Keyslot:
        with self._lock, self._guard("read"):
            return read_keyslot(self.connection, self.path)

    def verify_passphrase(self, passphrase: str) -> None:
        """Raise :class:`WrongPassphrase` unless ``passphrase`` unlocks this wallet now."""
        slot = self._keyslot()
        cipher = unlock(slot, passphrase, self.wallet_id, None, self.path)
        if not hmac.compare_digest(cipher.data_key, self._cipher.data_key):
            raise CorruptStore(f"{self.path}: the key slot holds another data key", path=str(self.path))

    def change_passphrase(self, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Re-wrap the data key under ``new`` in one UPDATE: after a crash exactly one works.

        Both derivations (the slow part) run before the transaction. The keyslot row is re-read
        inside the transaction, so a concurrent ``passwd`` from another process is detected
        instead of overwritten. Afterwards the WAL is truncated so the old wrapping does not
        linger in it, and the slot is read back and tried: the new passphrase must open it and
        the old one must not, or the change is reported as not applied (``wallet.corrupt_store``)
        rather than as a success.
        """
        passphrase_bytes(new)
        slot = self._keyslot()
        old_cipher = unlock(slot, old, self.wallet_id, None, self.path)
        if not hmac.compare_digest(old_cipher.data_key, self._cipher.data_key):
            raise CorruptStore(f"{self.path}: the key slot holds another data key", path=str(self.path))
        params = kdf or slot.params()
        params = crypto.check_kdf_params(params.opslimit, params.memlimit)
        salt = crypto.new_salt()
        kek = crypto.derive_kek(new, salt, params)
        wrapped = crypto.wrap_data_key(kek, self._cipher.data_key, self.wallet_id)
        self._phase = "passwd"
        try:
            with self.transaction():
                row = self._sql("SELECT CAST(salt AS BLOB), CAST(wrapped_dek AS BLOB) FROM keyslot "
                                "WHERE slot = 0").fetchone()
                if row is None or bytes(row[0]) != slot.salt or bytes(row[1]) != slot.wrapped_dek:
                    raise WrongPassphrase("the passphrase was changed by another process meanwhile",
                                          path=str(self.path))
                self._sql("UPDATE keyslot SET kdf = ?, opslimit = ?, memlimit = ?, salt = ?, kek_check = ?, "
                          "wrapped_dek = ? WHERE slot = 0",
                          (crypto.KDF_NAME, params.opslimit, params.memlimit, salt, crypto.kek_check(kek),
                           wrapped))
            self.kdf = params
            self._checkpoint()
        finally:
            self._phase = ""
        self._confirm_passphrase_change(old, new)

    def _confirm_passphrase_change(self, old: str, new: str) -> None:
        """The slot as stored now must open with ``new`` (to our data key) and not with ``old``."""
        def not_applied(why: str) -> CorruptStore:
            return CorruptStore(f"{self.path}: the passphrase change did not take effect ({why}); "
                                "the file may hold code or another process changed it", path=str(self.path),
                                details={"path": str(self.path), "reason": "passwd_not_applied"})

        slot = self._keyslot()
        try:
            cipher = unlock(slot, new, self.wallet_id, None, self.path)
        except WrongPassphrase as exc:
            raise not_applied("the new passphrase does not open the wallet") from exc
        if not hmac.compare_digest(cipher.data_key, self._cipher.data_key):
            raise not_applied("the key slot holds another data key")
        if passphrase_bytes(old) == passphrase_bytes(new):
            return
        try:
            unlock(slot, old, self.wallet_id, None, self.path)
        except WrongPassphrase:
            return
        raise not_applied("the old passphrase still opens the wallet")

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it (best effort: readers may block it)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._sql("PRAGMA wal_checkpoint(TRUNCATE)")

class Transaction:
    """Writes inside one :meth:`Store.transaction`. Reads here see the transaction's own writes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def put(self, record_id: str, kind: str, plaintext: bytes) -> None:
        """Insert or replace the record ``(record_id, kind)``, sealed with a fresh nonce."""
        nonce, ciphertext = self._store.cipher.seal(record_id, kind, plaintext)
        self._store._sql("INSERT INTO records (id, kind, nonce, ciphertext) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (id, kind) DO UPDATE SET nonce = excluded.nonce, "
                         "ciphertext = excluded.ciphertext", (record_id, kind, nonce, ciphertext))

    def get(self, record_id: str, kind: str) -> bytes:
        row = self._store._parsed(self._store._sql(SELECT_ROWS + " WHERE id = ? AND kind = ?",
                                                   (record_id, kind)).fetchone())
        if row is None:
            raise WalletNotFound(f"no record {record_id} ({kind})", details={"record": record_id})
        return self._store.decrypt_row(row)

    def has(self, record_id: str, kind: str | None = None) -> bool:
        if kind is None:
            return self._store._sql("SELECT 1 FROM records WHERE id = ? LIMIT 1",
                                    (record_id,)).fetchone() is not None
        return self._store._sql("SELECT 1 FROM records WHERE id = ? AND kind = ?",
                                (record_id, kind)).fetchone() is not None

    def delete(self, record_id: str) -> int:
        """Remove every row of ``record_id`` and its lookup tags; the number of rows removed."""
        count = self._store._sql("DELETE FROM records WHERE id = ?", (record_id,)).rowcount
        self._store._sql("DELETE FROM lookup WHERE record_id = ?", (record_id,))
        return int(count)

    def find(self, tag: bytes) -> str | None:
        row = self._store._sql("SELECT CAST(record_id AS BLOB) FROM lookup WHERE tag = ? "
                               "AND typeof(record_id) = 'text'", (tag,)).fetchone()
        return name_text(row[0]) if row else None

    def link(self, tag: bytes, record_id: str) -> None:
        """Point a lookup tag at ``record_id`` (replacing a stale pointer to a removed record)."""
        self._store._sql("INSERT INTO lookup (tag, record_id) VALUES (?, ?) "
                         "ON CONFLICT (tag) DO UPDATE SET record_id = excluded.record_id", (tag, record_id))


@contextlib.contextmanager
def guarded(path: Path, action: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        mapped = map_sqlite_error(exc, path, action)
        if mapped is None:
            raise
        log.info("wallet %s: %s (%s)", files.redact(path), mapped.code, type(exc).__name__)
        raise mapped from exc


__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "Keyslot",
    "RawRow",
    "Store",
    "StoreInfo",
    "Transaction",
    "map_sqlite_error",
]
