"""Edit a wallet file the way an attacker with the file would: plain ``sqlite3``, no vcwallet code.

Every helper opens the database with Python's own ``sqlite3`` module (no hardening, no checks),
changes rows, blobs or the schema, commits and closes, so the file on disk is exactly what a
stolen laptop, a sync service or a colleague could hand back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.vcwallet.store.support import PASSPHRASE, StubVerifier, credential, new_wallet
from vcwallet.wallet import Wallet

BACKUP_PASSPHRASE = "the backup's own passphrase"


@contextlib.contextmanager
def edit(path: Path) -> Iterator[sqlite3.Connection]:
    """A raw connection to ``path``; committed and closed afterwards (WAL folded into the file)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def flip_bit(path: Path, table: str, column: str, where: str = "1", params: tuple[Any, ...] = (),
             *, at: int = 5, bit: int = 0x04) -> None:
    """Flip one bit of one blob value, in place."""
    with edit(path) as conn:
        value = bytearray(conn.execute(f"SELECT {column} FROM {table} WHERE {where}", params).fetchone()[0])
        value[at] ^= bit
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (bytes(value), *params))


def wallet_with(path: Path, count: int = 3, **kwargs: Any) -> list[str]:
    """A wallet at ``path`` holding ``count`` stub credentials; their record ids."""
    with new_wallet(path) as wallet:
        return [wallet.add(credential(i, **kwargs), source=f"cred-{i}").id or "" for i in range(count)]


def open_wallet(path: Path, verifier: Any = None) -> Wallet:
    return Wallet.open(path, PASSPHRASE, verifier=verifier if verifier is not None else StubVerifier())


def sizes(path: Path, kind: str) -> list[int]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return [int(r[0]) for r in conn.execute(
            "SELECT length(ciphertext) FROM records WHERE kind = ? ORDER BY seq", (kind,))]
