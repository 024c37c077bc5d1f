"""The wallet database schema and its forward-only migrations.

Each migration is a list of DDL statements that runs in one transaction together with the update
of the ``schema_version`` row, so a crash leaves either the old schema with the old version or the
new schema with the new version (SQLite's DDL is transactional). Migrations never need the
passphrase: they change structure only, never record contents.

Only plaintext that identifies nobody lives outside the ciphertexts: random record ids, record
kinds (``credential``, ``report``, ``summary``, ``holder_key``, ``settings``), keyed lookup
tags, the KDF parameters and salt, and the schema version.

Version history:

1. ``meta`` (version, wallet id, key-check blob), ``keyslot`` (the wrapped data key),
   ``records`` (one encrypted row per (id, kind)), ``lookup`` (blind tags for duplicates).
2. Indexes for listing records by kind and for removing a record's lookup tags.
"""

from __future__ import annotations

#: The newest schema this library writes; a file with a higher version is refused untouched.
CURRENT_VERSION = 2
#: ``PRAGMA application_id``: marks the file as a vcwallet database ("vcwl").
APPLICATION_ID = 0x7663776C

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
        "CREATE TABLE keyslot ("
        " slot INTEGER PRIMARY KEY CHECK (slot = 0),"
        " kdf TEXT NOT NULL, opslimit INTEGER NOT NULL, memlimit INTEGER NOT NULL,"
        " salt BLOB NOT NULL, kek_check BLOB NOT NULL, wrapped_dek BLOB NOT NULL)",
        "CREATE TABLE records ("
        " seq INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL,"
        " nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, UNIQUE (id, kind))",
        "CREATE TABLE lookup (tag BLOB PRIMARY KEY, record_id TEXT NOT NULL)",
    ),
    2: (
        "CREATE INDEX records_by_kind ON records (kind, seq)",
        "CREATE INDEX lookup_by_record ON lookup (record_id)",
    ),
}

#: The tables and indexes each version has, so tests (and ``check``) can compare the version row
#: with what is really there.
OBJECTS: dict[int, frozenset[str]] = {
    1: frozenset({"meta", "keyslot", "records", "lookup"}),
    2: frozenset({"meta", "keyslot", "records", "lookup", "records_by_kind", "lookup_by_record"}),
}

assert sorted(MIGRATIONS) == list(range(1, CURRENT_VERSION + 1))
