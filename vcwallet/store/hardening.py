"""Opening wallet files defensively: the file is data, never code.

A SQLite file can carry code: triggers run on our writes (one planted on ``keyslot`` can undo a
``passwd`` while it reports success), views run when a table name is shadowed, and schema SQL can
call functions. A wallet, a backup or a file being salvaged may come from an attacker, so every
connection this package opens goes through :func:`connect`:

* ``PRAGMA trusted_schema = OFF``: SQL functions and virtual tables not marked innocuous cannot
  be used from the schema (triggers, views, CHECK and DEFAULT expressions).
* SQLite's defensive flag (``SQLITE_DBCONFIG_DEFENSIVE``: no ``writable_schema``, no
  ``journal_mode=OFF``, read-only shadow tables), and triggers and views switched off for the
  connection (``SQLITE_DBCONFIG_ENABLE_TRIGGER`` / ``ENABLE_VIEW`` = 0).

  - Python 3.12+ sets them with ``Connection.setconfig``.
  - Python 3.11 has no ``setconfig``. On CPython 3.11 for Linux (x86-64, aarch64), we call
    libsqlite3's ``sqlite3_db_config`` through ctypes on the connection's ``sqlite3 *``, which
    CPython 3.11 keeps as the first field after the object header of ``sqlite3.Connection``
    (``Modules/_sqlite/connection.h``), and read each flag back to confirm it took. Nowhere
    else is that layout assumed.
  - Anywhere else (other 3.11 builds, a library that does not export the symbol) an authorizer
    (``Connection.set_authorizer``, public API since Python 2.5) denies every action that comes
    from inside a trigger or view and the creation of triggers and views. That gives the same
    protection against the file's code; what it does not give is the rest of the defensive
    flag, which guards against *our own* SQL corrupting the file (we issue none of those
    statements).

Then, before anything is trusted, :func:`verify_schema` compares ``sqlite_master`` with exactly
what our migrations create for the version the file claims: a trigger, a view, an extra table or
index, a changed ``CREATE`` statement, or tables of another version than the version row says (a
rewound version) is ``wallet.unexpected_schema`` and the file is not opened.
"""

from __future__ import annotations

import ctypes
import functools
import platform
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import UnexpectedSchema
from .schema import CURRENT_VERSION, MIGRATIONS

# sqlite3.h values (stable API numbers); Python 3.12+ exposes the same names.
DBCONFIG_ENABLE_TRIGGER = 1003
DBCONFIG_DEFENSIVE = 1010
DBCONFIG_ENABLE_VIEW = 1015
DBCONFIG_TRUSTED_SCHEMA = 1017
#: flag -> value wanted: defensive on; triggers, views and a trusted schema off.
WANTED: dict[int, int] = {DBCONFIG_DEFENSIVE: 1, DBCONFIG_ENABLE_TRIGGER: 0, DBCONFIG_ENABLE_VIEW: 0,
                          DBCONFIG_TRUSTED_SCHEMA: 0}

SchemaRow = tuple[str, str, str, str | None]


def connect(uri: str, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to ``uri`` (``file:…?mode=…``) with every protection of this module applied."""
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=timeout)
    try:
        harden(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def harden(conn: sqlite3.Connection, *, method: str | None = None) -> str:
    """Apply the protections; returns how the flags were set: ``setconfig``, ``ctypes`` or
    ``authorizer`` (``method`` forces one, for tests of each path)."""
    conn.execute("PRAGMA trusted_schema = OFF")
    chosen = method or _best_method()
    if chosen == "setconfig" and _setconfig(conn):
        return chosen
    if chosen == "ctypes" and _ctypes_config(conn):
        return chosen
    conn.set_authorizer(_authorize)
    return "authorizer"


def _setconfig(conn: sqlite3.Connection) -> bool:
    """Python 3.12+: set each flag; False when the SQLite library is too old for one of them."""
    setconfig: Callable[[int, bool], None] = getattr(conn, "setconfig")  # noqa: B009 (3.12+ only)
    getconfig: Callable[[int], bool] = getattr(conn, "getconfig")  # noqa: B009
    try:
        for flag, value in WANTED.items():
            setconfig(flag, bool(value))
        return all(getconfig(flag) == bool(value) for flag, value in WANTED.items())
    except (sqlite3.Error, ValueError):
        return False


def _best_method() -> str:
    if hasattr(sqlite3.Connection, "setconfig"):
        return "setconfig"
    if _db_config() is not None:
        return "ctypes"
    return "authorizer"


@functools.lru_cache(maxsize=1)
def _db_config() -> Any:
    """libsqlite3's ``sqlite3_db_config`` where the 3.11 connection layout is known, else None."""
    if (sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11)
            or not sys.platform.startswith("linux") or platform.machine() not in ("x86_64", "aarch64")):
        return None
    try:
        import _sqlite3

        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_db_config
    except (ImportError, OSError, AttributeError):
        return None
    function.restype = ctypes.c_int
    return function


def _ctypes_config(conn: sqlite3.Connection) -> bool:
    """Set and read back each flag; False (nothing assumed) if any did not take."""
    function = _db_config()
    if function is None:
        return False
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not handle:
        return False
    db = ctypes.c_void_p(handle)
    for flag, value in WANTED.items():
        out = ctypes.c_int(-1)
        status = function(db, ctypes.c_int(flag), ctypes.c_int(value), ctypes.byref(out))
        if status != 0 or out.value != value:
            return False
    return True


_DENIED_ACTIONS = frozenset({sqlite3.SQLITE_CREATE_TRIGGER, sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
                             sqlite3.SQLITE_CREATE_VIEW, sqlite3.SQLITE_CREATE_TEMP_VIEW})


def _authorize(action: int, _arg1: str | None, _arg2: str | None, _database: str | None,
               source: str | None) -> int:
    """Deny anything a trigger or view would do (``source`` names it), and creating either."""
    if source is not None or action in _DENIED_ACTIONS:
        return int(sqlite3.SQLITE_DENY)
    return int(sqlite3.SQLITE_OK)


@functools.cache
def expected_schema(version: int) -> frozenset[SchemaRow]:
    """``sqlite_master`` exactly as our migrations leave it at ``version`` (built in memory once)."""
    if not 1 <= version <= CURRENT_VERSION:
        raise ValueError(f"no schema version {version}")
    conn = sqlite3.connect(":memory:")
    try:
        for step in range(1, version + 1):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        return frozenset(read_schema(conn))
    finally:
        conn.close()


def read_schema(conn: sqlite3.Connection) -> list[SchemaRow]:
    """Every ``sqlite_master`` row as text (bytes that are not UTF-8 are replaced, so they differ)."""
    rows = conn.execute("SELECT CAST(type AS BLOB), CAST(name AS BLOB), CAST(tbl_name AS BLOB), "
                        "CAST(sql AS BLOB) FROM sqlite_master").fetchall()
    out: list[SchemaRow] = []
    for kind, name, table, sql in rows:
        out.append((_text(kind), _text(name), _text(table), None if sql is None else _text(sql)))
    return out


def _text(value: Any) -> str:
    return bytes(value or b"").decode("utf-8", "replace")


def verify_schema(conn: sqlite3.Connection, version: int, path: Path | str) -> None:
    """``wallet.unexpected_schema`` unless the file holds exactly our objects for ``version``."""
    found = set(read_schema(conn))
    expected = expected_schema(version)
    if found == expected:
        return
    extra = sorted(found - expected, key=str)
    missing = sorted(expected - found, key=str)
    matches = next((v for v in range(1, CURRENT_VERSION + 1) if found == expected_schema(v)), None)
    where = str(path)
    details: dict[str, Any] = {"path": where, "version": version,
                               "unexpected": [f"{kind} {name}" for kind, name, _t, _s in extra],
                               "missing": [f"{kind} {name}" for kind, name, _t, _s in missing]}
    if matches is not None:
        details["tables_of_version"] = matches
        message = (f"{where} says schema version {version} but holds the tables of version {matches} "
                   "(the version row was rewound or edited)")
    else:
        shown = (", ".join(details["unexpected"][:3])
                 or ", ".join(f"missing {m}" for m in details["missing"][:3]))
        message = (f"{where} holds SQL objects that are not a vcwallet wallet's ({shown}); it was not "
                   "opened. 'vcwallet salvage' copies the records into a clean wallet")
    raise UnexpectedSchema(message, path=where, details=details)


def our_tables_are_tables(conn: sqlite3.Connection) -> list[str]:
    """For salvage: names of objects that are not ours (reported, never run). Raises
    ``wallet.unexpected_schema`` when ``meta``, ``keyslot`` or ``records`` is not a plain table."""
    rows = read_schema(conn)
    kinds = {name: kind for kind, name, _t, _s in rows}
    for name in ("meta", "keyslot", "records"):
        if name in kinds and kinds[name] != "table":
            raise UnexpectedSchema(f"in this file {name} is a {kinds[name]}, not a table",
                                   details={"object": name, "type": kinds[name]})
    ours = {name for _k, name, _t, _s in expected_schema(CURRENT_VERSION)}
    return sorted(f"{kind} {name}" for kind, name, _t, _s in rows if name not in ours)


def describe_protection() -> str:
    """How this interpreter applies the defensive flags (for diagnostics and tests)."""
    return _best_method()


__all__ = ["connect", "describe_protection", "expected_schema", "harden", "our_tables_are_tables",
           "read_schema", "verify_schema"]
