"""Read-only salvage: recover what still decrypts from a damaged wallet file.

The damaged file is never written: it is opened ``mode=ro`` (or SQLite's ``immutable`` mode when
even a read-only open would need to write), and nothing is repaired in place. Rows are read in
order; when a damaged page stops the scan, the rows after it are probed one by one by sequence
number. Every row that decrypts under the data key is returned; every one that does not (or that
holds values of the wrong types) is listed as lost. :meth:`vcwallet.wallet.Wallet.salvage`
writes the result into a new wallet.

One damaged byte must not cost everything, so salvage tries the passphrase against the data
itself rather than against the checks that only exist to explain failures:

* the key slot's check value (``kek_check``) says whether a passphrase is right; when it does not
  match but the wrapped data key still authenticates under the derived key, the passphrase *is*
  right (a 128-bit tag cannot be met by chance) and only the check value is damaged;
* the key-check blob (``meta.key_check``) confirms the unwrapped data key; when it does not open,
  the records themselves are the test: every one that authenticates is recovered;
* the wallet id is the wrapped key's associated data; when one of its characters is damaged,
  each single-character repair is tried (a few hundred AEAD checks, no key derivation);
* when the check value confirms the passphrase but the wrapped key does not open, every key one
  flipped bit of the wrapping could hide is tried against the key-check blob and the records
  (:mod:`.repair`).

Each check found damaged is named in :attr:`SalvageRead.damaged`. Damage to the salt or the KDF
parameters changes the derived key and cannot be told from a wrong passphrase: it is reported as
such.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..passphrases import passphrase_bytes
from . import crypto, files, hardening, repair
from .crypto import KdfParams, RecordCipher
from .database import KEY_CHECK_ID, KEY_CHECK_KIND, KEY_CHECK_PLAINTEXT, map_sqlite_error, uri_for
from .errors import CorruptStore, WrongPassphrase
from .reading import SELECT_ANY_ROWS, BadRow, Keyslot, RawRow, parse_row, read_keyslot, read_meta

#: After a damaged region, how many consecutive missing rows the scan probes past.
PROBE_LIMIT = 20_000
_HEX = b"0123456789abcdef"


@dataclass
class SalvageRead:
    """What a salvage scan recovered: decrypted ``(id, kind, plaintext)`` rows and the losses.

    ``damaged`` names what was found damaged and worked around (``kek_check``, ``key_check``,
    ``wallet_id``, ``wrapped_key``); ``ignored`` the SQL objects in the file that are not ours (never run).
    """

    rows: list[tuple[str, str, bytes]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    scan_errors: list[str] = field(default_factory=list)
    kdf: KdfParams | None = None
    damaged: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def salvage_read(path: str | os.PathLike[str], passphrase: str) -> SalvageRead:
    """Every record of the wallet at ``path`` that can still be read and decrypted."""
    path = Path(path)
    passphrase_bytes(passphrase)
    with contextlib.suppress(CorruptStore):
        files.check_existing(path, require_private=False)  # a damaged header is what salvage is for
    result = SalvageRead()
    conn = _open_read_only(path)
    try:
        try:
            result.ignored = hardening.our_tables_are_tables(conn)
            slot = read_keyslot(conn, path)
            meta = read_meta(conn)
        except sqlite3.DatabaseError as exc:
            raise CorruptStore(f"{path}: the key slot cannot be read, so nothing can be decrypted ({exc})",
                               path=str(path), details={"path": str(path), "reason": "keyslot"}) from exc
        raw, bad = _scan(conn, result.scan_errors)
        cipher = _unlock(slot, passphrase, meta, path, result.damaged, raw)
        result.kdf = slot.params()
    finally:
        conn.close()
    for row in bad:
        result.lost.append({"record": row.label, "kind": None, "reason": row.reason})
    for good in raw:
        plaintext = cipher.try_open(good.id, good.kind, good.nonce, good.ciphertext)
        if plaintext is None:
            result.lost.append({"record": good.id, "kind": good.kind, "reason": "does not decrypt"})
        else:
            result.rows.append((good.id, good.kind, plaintext))
    return result


def _unlock(slot: Keyslot, passphrase: str, meta: dict[str, Any], path: Path, damaged: list[str],
            rows: list[RawRow]) -> RecordCipher:
    """The record cipher, trying the passphrase against the wrapped key and the data itself."""
    kek = crypto.derive_kek(passphrase, slot.salt, slot.params())
    check_ok = hmac.compare_digest(crypto.kek_check(kek), slot.kek_check)
    stored = meta.get("wallet_id")
    wallet_id = stored.encode("utf-8", "surrogateescape") if isinstance(stored, str) else stored
    dek = crypto.unwrap_data_key(kek, slot.wrapped_dek, wallet_id) if isinstance(wallet_id, bytes) else None
    if dek is None and isinstance(wallet_id, bytes):
        dek = _repair_wallet_id(kek, slot.wrapped_dek, wallet_id)
        if dek is not None:
            damaged.append("wallet_id")
    key_check = meta.get("key_check")
    if dek is None and check_ok:  # the passphrase is confirmed: look for the key behind a damaged bit
        dek = next((c for c in repair.data_key_candidates(kek, slot.wrapped_dek)
                    if _confirms(c, key_check, rows)), None)
        if dek is not None:
            damaged.append("wrapped_key")
    if dek is None:
        if check_ok:
            raise CorruptStore(f"{path}: the passphrase is right but the wrapped data key is damaged, so "
                               "nothing can be decrypted", path=str(path),
                               details={"path": str(path), "reason": "keyslot"})
        raise WrongPassphrase("the passphrase does not unlock this wallet", path=str(path))
    if not check_ok:
        damaged.append("kek_check")
    cipher = RecordCipher(dek)
    opened = (cipher.try_open(KEY_CHECK_ID, KEY_CHECK_KIND, key_check[:crypto.NONCE_BYTES],
                              key_check[crypto.NONCE_BYTES:]) if isinstance(key_check, bytes) else None)
    if opened != KEY_CHECK_PLAINTEXT:
        damaged.append("key_check")
    return cipher


def _confirms(dek: bytes, key_check: Any, rows: list[RawRow]) -> bool:
    """Whether ``dek`` opens the key-check blob or one of the smallest records (an AEAD proof)."""
    cipher = RecordCipher(dek)
    if isinstance(key_check, bytes) and cipher.try_open(
            KEY_CHECK_ID, KEY_CHECK_KIND, key_check[:crypto.NONCE_BYTES],
            key_check[crypto.NONCE_BYTES:]) == KEY_CHECK_PLAINTEXT:
        return True
    smallest = sorted(rows, key=lambda r: len(r.ciphertext))[:3]
    return any(cipher.try_open(r.id, r.kind, r.nonce, r.ciphertext) is not None for r in smallest)


def _repair_wallet_id(kek: bytes, wrapped: bytes, wallet_id: bytes) -> bytes | None:
    """The data key if changing one character of the wallet id back to a hex digit unwraps it."""
    for i, current in enumerate(wallet_id):
        for digit in _HEX:
            if digit == current:
                continue
            candidate = wallet_id[:i] + bytes([digit]) + wallet_id[i + 1:]
            dek = crypto.unwrap_data_key(kek, wrapped, candidate)
            if dek is not None:
                return dek
    return None


def _open_read_only(path: Path) -> sqlite3.Connection:
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        conn: sqlite3.Connection | None = None
        try:
            conn = hardening.connect(uri_for(path, "ro", immutable=immutable))
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            last = exc
            if conn is not None:
                conn.close()
    assert last is not None
    mapped = map_sqlite_error(last, path, "read")
    raise (mapped or CorruptStore(f"{path} cannot be read at all", path=str(path))) from last


def _scan(conn: sqlite3.Connection, errors: list[str]) -> tuple[list[RawRow], list[BadRow]]:
    found: dict[int, RawRow | BadRow] = {}
    last = 0
    try:
        for raw in conn.execute(SELECT_ANY_ROWS + " ORDER BY seq"):
            row = parse_row(raw)
            found[row.seq] = row
            last = max(last, row.seq)
    except sqlite3.DatabaseError as exc:
        errors.append(str(exc))
        misses = 0
        seq = last + 1
        while misses < PROBE_LIMIT:
            try:
                raw = conn.execute(SELECT_ANY_ROWS + " WHERE seq = ?", (seq,)).fetchone()
            except sqlite3.DatabaseError:
                raw = None
            if raw is not None:
                found[seq] = parse_row(raw)
                misses = 0
            else:
                misses += 1
            seq += 1
    rows = [found[k] for k in sorted(found)]
    return [r for r in rows if isinstance(r, RawRow)], [r for r in rows if isinstance(r, BadRow)]
