"""One planted row with odd bytes never crashes a reader (issue 13, "One bit never costs everything").

Rows are planted (or existing rows edited) with plain ``sqlite3``: a NUL inside an id, a BLOB id,
an integer where the nonce or ciphertext belongs, text that is not UTF-8 in an id or a kind, and
an unreadable lookup pointer. ``list``, ``restore``, ``salvage`` and ``check`` must skip such a
row and report it (``wallet.malformed_row``), and everything else must still work.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from tests.vcwallet.attacks.editing import BACKUP_PASSPHRASE, edit, open_wallet, wallet_with
from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet
from vcwallet.commands import wallet_cmds
from vcwallet.wallet import Wallet

NONCE = "randomblob(24)"
SEALED = "randomblob(512)"
#: (name, SQL run on the file). ``{a}`` is the first credential's record id.
PLANTED = [
    ("nul-in-id", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES ('ab' || char(0) || 'cd', 'summary', "
                  f"{NONCE}, {SEALED})"),
    ("blob-id", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES (X'00ff00ff', 'summary', {NONCE}, {SEALED})"),
    ("non-utf8-id", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES (CAST(X'fffe41' AS TEXT), "
                    f"'summary', {NONCE}, {SEALED})"),
    ("non-utf8-kind", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES ('0123456789abcdef', "
                      f"CAST(X'c3' AS TEXT), {NONCE}, {SEALED})"),
    ("integer-ciphertext", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES ('0123456789abcdef', "
                           f"'summary', {NONCE}, 12345)"),
    ("integer-nonce", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES ('0123456789abcdef', "
                      f"'credential', 7, {SEALED})"),
    ("text-ciphertext-not-utf8", "UPDATE records SET ciphertext = CAST(X'ff00ff' AS TEXT) "
                                 "WHERE id = '{a}' AND kind = 'summary'"),
    ("escape-in-id", f"INSERT INTO records (id, kind, nonce, ciphertext) VALUES (char(27) || '[2J', 'summary', "
                     f"{NONCE}, {SEALED})"),
    ("lookup-pointer", "INSERT INTO lookup (tag, record_id) VALUES (randomblob(32), CAST(X'ff' AS TEXT))"),
    ("meta-junk", "INSERT INTO meta (key, value) VALUES (CAST(X'ff' AS TEXT), CAST(X'fe' AS TEXT))"),
]
IDS = [name for name, _sql in PLANTED]


def _plant(path: Path, sql: str, first: str) -> None:
    with edit(path) as conn:
        conn.execute(sql.replace("{a}", first))


@pytest.mark.parametrize(("name", "sql"), PLANTED, ids=IDS)
def test_list_skips_and_reports_a_hostile_row(tmp_path: Path, name: str, sql: str) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path)
    _plant(path, sql, ids[0])
    with open_wallet(path) as wallet:
        listed = wallet.list()
        good = [s for s in listed if s.damaged is None]
        damaged = [s for s in listed if s.damaged is not None]
        expected_good = ids[1:] if name == "text-ciphertext-not-utf8" else ids
        assert [s.id for s in good] == expected_good
        assert all(s.damaged == "wallet.malformed_row" for s in damaged)
        assert all(s.id.startswith("row#") for s in damaged)  # a label, never the hostile bytes
        assert len(wallet.list(search="Stub")) == len(expected_good)
        assert len(wallet.holder_keys()) == 1
        if name not in ("meta-junk",):
            assert not wallet.check().ok  # check reports it
        for record_id in expected_good:
            assert wallet.get(record_id).summary.damaged is None


@pytest.mark.parametrize(("name", "sql"), PLANTED, ids=IDS)
def test_salvage_never_crashes_on_a_hostile_row(tmp_path: Path, name: str, sql: str) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path)
    _plant(path, sql, ids[0])
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert sorted(report.credentials) == sorted(ids)  # a damaged summary is rebuilt from the bytes
    if name not in ("lookup-pointer", "meta-junk"):
        assert report.lost
    with open_wallet(tmp_path / "saved.db") as saved:
        assert sorted(s.id for s in saved.list()) == sorted(ids) and saved.check().ok


@pytest.mark.parametrize(("name", "sql"), PLANTED, ids=IDS)
def test_restore_never_crashes_on_a_hostile_row_in_the_backup(tmp_path: Path, name: str, sql: str) -> None:
    with new_wallet(tmp_path / "source.db") as source:
        ids = [source.add(credential(i), source=f"{i}").id or "" for i in range(3)]
        backup = source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    _plant(backup, sql, ids[0])
    with new_wallet(tmp_path / "mine.db") as mine:
        result = mine.restore(backup, BACKUP_PASSPHRASE)
        assert sorted(result.added) == sorted(ids)  # the credential rows themselves are intact
        if name not in ("lookup-pointer", "meta-junk", "text-ciphertext-not-utf8"):
            assert any(u.startswith("row#") for u in result.unreadable)
        assert mine.check().ok and len(mine.list()) == 3


def test_the_list_command_prints_a_hostile_row_as_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path)
    _plant(path, PLANTED[2][1], ids[0])
    _plant(path, PLANTED[7][1], ids[0])
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["list", "--wallet", str(path)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.count("DAMAGED") == 2 and out.count("Stub Badge") == 3 and "\x1b" not in out


def test_twin_an_untouched_file_lists_restores_and_salvages_whole(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path)
    with open_wallet(path) as wallet:
        assert [s.id for s in wallet.list()] == ids and wallet.check().ok
        backup = wallet.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    with new_wallet(tmp_path / "mine.db") as mine:
        result = mine.restore(backup, BACKUP_PASSPHRASE)
        assert sorted(result.added) == sorted(ids) and result.unreadable == []
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert sorted(report.credentials) == sorted(ids) and report.lost == []
