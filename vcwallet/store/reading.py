"""Reading rows from a file someone else may have edited, without ever crashing on them.

Python's ``sqlite3`` decodes every TEXT value as UTF-8 while *fetching*, so one planted row with
bytes that are not UTF-8 would abort a whole ``SELECT`` (and with it ``list``, ``restore`` or
``salvage``); a BLOB or an integer where text or ciphertext belongs, or a NUL inside an id,
would fail later in the middle of our code. So every read here fetches raw bytes
(``CAST(… AS BLOB)``) together with ``typeof`` of each value, and decides in Python: a row of
the right types with readable names becomes a :class:`RawRow`; anything else becomes a
:class:`BadRow` that readers skip and report (``wallet.malformed_row``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import crypto
from .crypto import KdfParams
from .errors import CorruptStore, KdfParamsInvalid, MalformedRow

#: The longest record id or kind accepted (ours are 16 hex characters, or a short word).
MAX_NAME = 128
#: 1 when every value of a ``records`` row has the type we write.
_WELL_TYPED = ("(typeof(id) = 'text' AND typeof(kind) = 'text' AND typeof(nonce) = 'blob' "
               "AND typeof(ciphertext) = 'blob')")
#: Rows of a file whose schema was verified (``seq`` is the rowid, so always an integer).
SELECT_ROWS = (f"SELECT seq, {_WELL_TYPED}, CAST(id AS BLOB), CAST(kind AS BLOB), CAST(nonce AS BLOB), "
               "CAST(ciphertext AS BLOB) FROM records")
#: Rows of a file whose schema was not verified (salvage): ``seq`` may be anything.
SELECT_ANY_ROWS = SELECT_ROWS.replace("SELECT seq,",
                                      "SELECT CASE WHEN typeof(seq) = 'integer' THEN seq END,", 1)


class RawRow(NamedTuple):
    """One encrypted row as stored, with values of the right types."""

    seq: int
    id: str
    kind: str
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be read as one of ours; ``label`` names it in reports (not an id)."""

    seq: int
    reason: str

    @property
    def label(self) -> str:
        return f"row#{self.seq}"

    def error(self) -> MalformedRow:
        return MalformedRow(f"{self.label} cannot be read: {self.reason}",
                            details={"row": self.seq, "reason": self.reason})


def name_text(raw: Any) -> str | None:
    """An id, kind or key from raw bytes: printable UTF-8 (so no NUL) of 1..MAX_NAME characters."""
    if not isinstance(raw, bytes):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or len(text) > MAX_NAME or not text.isprintable():
        return None
    return text


def parse_rows(raws: Iterable[tuple[Any, ...]]) -> tuple[list[RawRow], list[BadRow]]:
    """Results of :data:`SELECT_ROWS` split into well-formed rows and the rest (with the reason).

    The common case is inlined: this runs for every row ``list`` decrypts.
    """
    good: list[RawRow] = []
    bad: list[BadRow] = []
    for seq, typed, record_id, kind, nonce, ciphertext in raws:
        if not isinstance(seq, int):
            bad.append(BadRow(-1, "its sequence number is not an integer"))
            continue
        if typed != 1:
            bad.append(BadRow(seq, "values of the wrong SQL types (ids and kinds are text, nonces and "
                                   "ciphertexts are blobs)"))
            continue
        try:
            rid = record_id.decode("utf-8")
            kind_text = kind.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(BadRow(seq, "its id or kind is not UTF-8 text"))
            continue
        if (0 < len(rid) <= MAX_NAME and 0 < len(kind_text) <= MAX_NAME and rid.isprintable()
                and kind_text.isprintable()):
            good.append(RawRow(seq, rid, kind_text, nonce, ciphertext))
        else:
            bad.append(BadRow(seq, "its id or kind is empty, too long or holds control characters"))
    return good, bad


def parse_row(raw: tuple[Any, ...]) -> RawRow | BadRow:
    """One result of :data:`SELECT_ROWS` as a :class:`RawRow`, or the reason it is not one."""
    good, bad = parse_rows((raw,))
    return good[0] if good else bad[0]


def texts(rows: list[Any]) -> list[str]:
    """The readable names among single-column ``CAST(… AS BLOB)`` results (others are skipped)."""
    out = []
    for (raw,) in rows:
        text = name_text(raw)
        if text is not None:
            out.append(text)
    return out


# -- meta and key slot ---------------------------------------------------------------------------------


def read_version(conn: sqlite3.Connection, path: Path) -> int:
    """The ``schema_version`` row, or ``wallet.corrupt_store`` (never a SQLite traceback)."""
    try:
        row = conn.execute("SELECT typeof(value), CASE WHEN typeof(value) = 'integer' THEN value END "
                           "FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        raise CorruptStore(f"{path} is a SQLite database but not a vcwallet wallet", path=str(path),
                           details={"path": str(path), "reason": "not_a_wallet"}) from exc
    if row is None or row[0] != "integer" or not isinstance(row[1], int) or row[1] < 1:
        raise CorruptStore(f"{path}: the schema version row is missing or malformed", path=str(path),
                           details={"path": str(path), "reason": "schema_version"})
    return int(row[1])


def read_meta(conn: sqlite3.Connection) -> dict[str, Any]:
    """The ``meta`` table as ``{key: int | str | bytes}``; unreadable keys or text are left out."""
    rows = conn.execute("SELECT CAST(key AS BLOB), typeof(value), CAST(value AS BLOB), "
                        "CASE WHEN typeof(value) = 'integer' THEN value END FROM meta").fetchall()
    out: dict[str, Any] = {}
    for raw_key, kind, raw_value, number in rows:
        key = name_text(raw_key)
        if key is None:
            continue
        if kind == "integer":
            out[key] = number
        elif kind == "blob":
            out[key] = bytes(raw_value)
        elif kind == "text":
            try:
                out[key] = bytes(raw_value).decode("utf-8")
            except UnicodeDecodeError:
                out[key] = bytes(raw_value)  # shown as malformed by whoever needs it as text
    return out


def meta_text(meta: dict[str, Any], key: str, path: Path) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.isascii() or not value.isprintable():
        raise CorruptStore(f"{path}: the {key} entry is missing or malformed", path=str(path),
                           details={"path": str(path), "reason": key})
    return value


@dataclass(frozen=True)
class Keyslot:
    """The stored wrapping of the data key."""

    kdf: str
    opslimit: int | None  # None: not an integer in the file (refused by ``params``)
    memlimit: int | None
    salt: bytes
    kek_check: bytes
    wrapped_dek: bytes

    def params(self) -> KdfParams:
        if self.kdf != crypto.KDF_NAME:
            raise KdfParamsInvalid(f"unknown key-derivation function {self.kdf!r}",
                                   details={"kdf": self.kdf})
        return crypto.check_kdf_params(self.opslimit, self.memlimit)


_SLOT_TYPES = "text,blob,blob,blob"


def read_keyslot(conn: sqlite3.Connection, path: Path) -> Keyslot:
    row = conn.execute(
        "SELECT typeof(kdf) || ',' || typeof(salt) || ',' || typeof(kek_check) || ',' || typeof(wrapped_dek),"
        " CAST(kdf AS BLOB),"
        " CASE WHEN typeof(opslimit) = 'integer' THEN opslimit END,"
        " CASE WHEN typeof(memlimit) = 'integer' THEN memlimit END,"
        " CAST(salt AS BLOB), CAST(kek_check AS BLOB), CAST(wrapped_dek AS BLOB)"
        " FROM keyslot WHERE slot = 0").fetchone()
    if row is None:
        raise CorruptStore(f"{path}: the key slot is missing", path=str(path),
                           details={"path": str(path), "reason": "keyslot"})
    types, kdf, opslimit, memlimit, salt, check, wrapped = row
    kdf_text = name_text(kdf)
    if types != _SLOT_TYPES or kdf_text is None:
        raise CorruptStore(f"{path}: the key slot is malformed", path=str(path),
                           details={"path": str(path), "reason": "keyslot"})
    return Keyslot(kdf_text, opslimit, memlimit, bytes(salt), bytes(check), bytes(wrapped))


__all__ = ["MAX_NAME", "SELECT_ANY_ROWS", "SELECT_ROWS", "BadRow", "Keyslot", "RawRow", "meta_text",
           "name_text", "parse_row", "parse_rows", "read_keyslot", "read_meta", "read_version", "texts"]
