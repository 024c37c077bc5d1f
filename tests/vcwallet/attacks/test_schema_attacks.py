"""The file cannot run code or lie about writes (issue 13).

SQLite runs triggers and views stored in the file. A planted trigger on ``keyslot`` would make
``passwd`` report success while the old passphrase still works. Wallets and backups are opened
defensively: any trigger, view or object that is not ours is refused (``wallet.unexpected_schema``)
before anything is read; every connection has ``trusted_schema`` off, the defensive flag on and
triggers and views disabled; and ``passwd`` confirms afterwards that the new slot opens and the
old one does not. A rewound schema version is a coded error, not a SQLite traceback.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.attacks.editing import BACKUP_PASSPHRASE, edit, open_wallet, wallet_with
from tests.vcwallet.store.support import FAST, PASSPHRASE, credential, new_wallet
from vcwallet.commands import wallet_cmds
from vcwallet.store import CorruptStore, Store, UnexpectedSchema, WalletError, WrongPassphrase, hardening
from vcwallet.wallet import Wallet

UNDO_PASSWD = ("CREATE TRIGGER keep_old_passphrase AFTER UPDATE ON keyslot BEGIN "
               "UPDATE keyslot SET kdf = old.kdf, opslimit = old.opslimit, memlimit = old.memlimit, "
               "salt = old.salt, kek_check = old.kek_check, wrapped_dek = old.wrapped_dek; END")
PLANTED: dict[str, str | tuple[str, ...]] = {
    "trigger": UNDO_PASSWD,
    "view": "CREATE VIEW everything AS SELECT * FROM records",
    "table": "CREATE TABLE exfiltrate (x)",
    "index": "CREATE INDEX records_by_nonce ON records (nonce)",
    "temp-trigger-on-lookup": "CREATE TRIGGER t2 BEFORE INSERT ON lookup BEGIN SELECT 1; END",
    "records-as-view": ("ALTER TABLE records RENAME TO records_real",
                        "CREATE VIEW records AS SELECT * FROM records_real"),
}


def _plant(path: Path, sql: str | tuple[str, ...]) -> None:
    with edit(path) as conn:
        for statement in (sql,) if isinstance(sql, str) else sql:
            conn.execute(statement)


@pytest.mark.parametrize("what", sorted(PLANTED))
def test_a_wallet_holding_code_is_refused_before_anything_runs(tmp_path: Path, what: str) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    _plant(path, PLANTED[what])
    before = path.read_bytes()
    with pytest.raises(UnexpectedSchema) as caught:
        open_wallet(path)
    assert caught.value.code == "wallet.unexpected_schema"
    with pytest.raises(UnexpectedSchema):
        Store.inspect(path)
    assert path.read_bytes() == before


def test_a_planted_trigger_cannot_fake_a_passphrase_change(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    _plant(path, UNDO_PASSWD)
    with pytest.raises(UnexpectedSchema):  # refused before passwd can even start
        Wallet.open(path, PASSPHRASE).passwd(PASSPHRASE, "new")
    # salvage reads the records into a clean wallet, reporting (never running) the trigger
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "clean.db")
    assert report.ignored == ["trigger keep_old_passphrase"] and len(report.credentials) == 1
    with Wallet.open(tmp_path / "clean.db", PASSPHRASE) as clean:
        clean.passwd(PASSPHRASE, "new")
    with pytest.raises(WrongPassphrase):
        Wallet.open(tmp_path / "clean.db", PASSPHRASE)
    Wallet.open(tmp_path / "clean.db", "new").close()


def test_a_trigger_planted_while_the_wallet_is_open_does_not_fire(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    with open_wallet(path) as wallet:
        _plant(path, UNDO_PASSWD)  # another process edits the schema under our feet
        if hardening.describe_protection() == "authorizer":
            with pytest.raises(WalletError):  # the fallback refuses the statement the trigger rides on
                wallet.passwd(PASSPHRASE, "new passphrase")
            return
        wallet.passwd(PASSPHRASE, "new passphrase")  # triggers are off on our connection
    _plant(path, "DROP TRIGGER keep_old_passphrase")
    with pytest.raises(WrongPassphrase):
        Wallet.open(path, PASSPHRASE)
    Wallet.open(path, "new passphrase").close()


def test_passwd_reports_a_change_that_did_not_take_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the file silently drops the write (whatever the means), passwd must not say it worked."""
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    original = Store._sql

    def lying(self: Store, statement: str, params: Any = ()) -> sqlite3.Cursor:
        if statement.startswith("UPDATE keyslot"):
            return original(self, "SELECT 1")
        return original(self, statement, params)

    with open_wallet(path) as wallet:
        monkeypatch.setattr(Store, "_sql", lying)
        with pytest.raises(CorruptStore) as caught:
            wallet.passwd(PASSPHRASE, "new passphrase")
        assert caught.value.details["reason"] == "passwd_not_applied"


def test_twin_passwd_on_a_clean_wallet_opens_with_the_new_passphrase_only(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    with open_wallet(path) as wallet:
        wallet.passwd(PASSPHRASE, "new passphrase")
    with pytest.raises(WrongPassphrase):
        Wallet.open(path, PASSPHRASE)
    with Wallet.open(path, "new passphrase") as wallet:
        assert len(wallet.list()) == 1 and wallet.check().ok


def test_a_backup_holding_code_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "source.db") as source:
        source.add(credential(1), source="1")
        backup = source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    _plant(backup, "CREATE TRIGGER t AFTER INSERT ON records BEGIN DELETE FROM records; END")
    with new_wallet(tmp_path / "mine.db") as mine, pytest.raises(UnexpectedSchema):
        mine.restore(backup, BACKUP_PASSPHRASE)
    target = tmp_path / "new-laptop" / "wallet.db"
    with pytest.raises(UnexpectedSchema):
        Wallet.restore_new(target, backup, BACKUP_PASSPHRASE, PASSPHRASE, kdf=FAST)
    assert not (tmp_path / "new-laptop").exists()


# -- the schema version -----------------------------------------------------------------------------

def test_a_rewound_schema_version_is_a_coded_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    with edit(path) as conn:
        conn.execute("UPDATE meta SET value = 1 WHERE key = 'schema_version'")
    with pytest.raises(UnexpectedSchema) as caught:
        open_wallet(path)
    assert caught.value.details["tables_of_version"] == 2 and caught.value.details["version"] == 1
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["list", "--wallet", str(path)])
    assert args.func(args) == 2 and "[wallet.unexpected_schema]" in capsys.readouterr().err


def test_a_forwarded_schema_version_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    Store.create(path, PASSPHRASE, kdf=FAST, schema_version=1).close()
    with edit(path) as conn:
        conn.execute("UPDATE meta SET value = 2 WHERE key = 'schema_version'")
    with pytest.raises(UnexpectedSchema) as caught:
        Store.open(path, PASSPHRASE)
    assert caught.value.details["tables_of_version"] == 1


@pytest.mark.parametrize("value", ["'2'", "CAST(X'ff' AS TEXT)", "X'02'", "2.0", "-1"])
def test_a_malformed_schema_version_is_a_coded_error(tmp_path: Path, value: str) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    with edit(path) as conn:
        conn.execute(f"UPDATE meta SET value = {value} WHERE key = 'schema_version'")
    with pytest.raises(CorruptStore) as caught:
        open_wallet(path)
    assert caught.value.details["reason"] == "schema_version"


def test_twin_an_older_wallet_still_migrates(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    Store.create(path, PASSPHRASE, kdf=FAST, schema_version=1).close()
    with Store.open(path, PASSPHRASE) as store:
        assert store.schema_version == 2 and store.schema_matches_version()


# -- the connection itself ----------------------------------------------------------------------------

def test_every_connection_is_defensive(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    with open_wallet(path) as wallet:
        conn = wallet.store.connection
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        if hardening.describe_protection() != "authorizer":
            conn.execute("PRAGMA writable_schema = ON")  # refused silently in defensive mode
            with pytest.raises(sqlite3.DatabaseError):
                conn.execute("UPDATE sqlite_master SET sql = 'x' WHERE name = 'meta'")


@pytest.mark.parametrize("method", ["ctypes", "authorizer", "setconfig"])
def test_each_way_of_hardening_stops_a_trigger(method: str) -> None:
    if method == "setconfig" and not hasattr(sqlite3.Connection, "setconfig"):
        pytest.skip("Connection.setconfig needs Python 3.12")
    if method == "ctypes" and hardening._db_config() is None:
        pytest.skip("the ctypes path is only for CPython 3.11 on Linux, whose sqlite3 connection "
                    "layout is known")
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("CREATE TABLE log (x)")
    conn.execute("CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); END")
    conn.execute("CREATE VIEW v AS SELECT x FROM t")
    assert hardening.harden(conn, method=method) == method
    try:
        conn.execute("INSERT INTO t VALUES (1)")
    except sqlite3.DatabaseError:
        assert method == "authorizer"  # the authorizer refuses the statement the trigger rides on
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 0
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM v").fetchall()
    conn.close()


def test_twin_without_hardening_the_trigger_fires() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("CREATE TABLE log (x)")
    conn.execute("CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.x); END")
    conn.execute("INSERT INTO t VALUES (1)")
    assert conn.execute("SELECT count(*) FROM log").fetchone()[0] == 1
    conn.close()
