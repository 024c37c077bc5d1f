"""Read-only salvage: recover what still decrypts from a damaged wallet file.

The damaged file is never written: it is opened ``mode=ro`` (or SQLite's ``immutable`` mode when
even a read-only open would need to write), and nothing is repaired in place. Rows are read in
order; when a damaged page stops the scan, the rows after it are probed one by one by sequence
number. Every row that decrypts under the data key is returned; every one that does not is listed
as lost. :meth:`vcwallet.wallet.Wallet.salvage` writes the result into a new wallet.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import crypto, files
from .crypto import KdfParams
from .database import RawRow, map_sqlite_error, meta_text, read_keyslot, unlock, uri_for
from .errors import CorruptStore

#: After a damaged region, how many consecutive missing rows the scan probes past.
PROBE_LIMIT = 20_000


@dataclass
class SalvageRead:
    """What a salvage scan recovered: decrypted ``(id, kind, plaintext)`` rows and the losses."""

    rows: list[tuple[str, str, bytes]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    scan_errors: list[str] = field(default_factory=list)
    kdf: KdfParams | None = None


def salvage_read(path: str | os.PathLike[str], passphrase: str) -> SalvageRead:
    """Every record of the wallet at ``path`` that can still be read and decrypted."""
    path = Path(path)
    crypto.passphrase_bytes(passphrase)
    with contextlib.suppress(CorruptStore):
        files.check_existing(path, require_private=False)  # a damaged header is what salvage is for
    result = SalvageRead()
    conn = _open_read_only(path)
    try:
        try:
            slot = read_keyslot(conn, path)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise CorruptStore(f"{path}: the key slot cannot be read, so nothing can be decrypted ({exc})",
                               path=str(path), details={"path": str(path), "reason": "keyslot"}) from exc
        wallet_id = meta_text(meta, "wallet_id", path)
        key_check = meta.get("key_check")
        cipher = unlock(slot, passphrase, wallet_id, key_check if isinstance(key_check, bytes) else None,
                        path)
        result.kdf = slot.params()
        raw = _scan(conn, result.scan_errors)
    finally:
        conn.close()
    for row in raw:
        plaintext = cipher.try_open(row.id, row.kind, row.nonce, row.ciphertext)
        if plaintext is None:
            result.lost.append({"record": row.id, "kind": row.kind, "reason": "does not decrypt"})
        else:
            result.rows.append((row.id, row.kind, plaintext))
    return result


def _open_read_only(path: Path) -> sqlite3.Connection:
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(uri_for(path, "ro", immutable=immutable), uri=True, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            last = exc
            if conn is not None:
                conn.close()
    assert last is not None
    mapped = map_sqlite_error(last, path, "read")
    raise (mapped or CorruptStore(f"{path} cannot be read at all", path=str(path))) from last


def _well_formed(row: Sequence[Any]) -> bool:
    return (isinstance(row[1], str) and isinstance(row[2], str) and isinstance(row[3], bytes)
            and isinstance(row[4], bytes))


def _scan(conn: sqlite3.Connection, errors: list[str]) -> list[RawRow]:
    found: dict[int, RawRow] = {}
    last = 0
    query = "SELECT seq, id, kind, nonce, ciphertext FROM records"
    try:
        for row in conn.execute(query + " ORDER BY seq"):
            if _well_formed(row):
                found[int(row[0])] = RawRow(*row)
            last = int(row[0])
        return list(found.values())
    except sqlite3.DatabaseError as exc:
        errors.append(str(exc))
    misses = 0
    seq = last + 1
    while misses < PROBE_LIMIT:
        try:
            row = conn.execute(query + " WHERE seq = ?", (seq,)).fetchone()
        except sqlite3.DatabaseError:
            row = None
        if row is not None and _well_formed(row):
            found[seq] = RawRow(*row)
            misses = 0
        else:
            misses += 1
        seq += 1
    return [found[k] for k in sorted(found)]
