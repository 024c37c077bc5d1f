"""The clear lookup table cannot redirect a lookup (issue 13, "The index cannot redirect").

The ``lookup`` table maps blind tags to record ids in the clear. An attacker with the file cannot
compute a tag, but can point every tag of one credential at another record. ``show ID``,
``present --select ID`` and ``remove ID`` by credential id must then refuse with
``wallet.corrupt_store`` naming the record, and duplicate detection must not believe the pointer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from tests.vcwallet.attacks.editing import edit, open_wallet, wallet_with
from tests.vcwallet.store.support import PASSPHRASE, credential
from vcwallet.commands import wallet_cmds
from vcwallet.presenting import choose
from vcwallet.store import CorruptStore

CRED_A = "urn:uuid:00000000-0000-4000-8000-000000000000"  # credential(0)'s own id


def _redirect(path: Path, source: str, target: str) -> None:
    """Point every lookup tag of record ``source`` at record ``target``."""
    with edit(path) as conn:
        moved = conn.execute("UPDATE lookup SET record_id = ? WHERE record_id = ?", (target, source)).rowcount
    assert moved == 2  # the content digest and the credential id


def test_show_by_credential_id_refuses_a_redirected_index(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    a, b, _c = wallet_with(path)
    _redirect(path, a, b)
    with open_wallet(path) as wallet:
        with pytest.raises(CorruptStore) as caught:
            wallet.get(CRED_A)
        assert caught.value.code == "wallet.corrupt_store"
        assert caught.value.details["record"] == b and caught.value.details["reason"] == "lookup_mismatch"
        with pytest.raises(CorruptStore):
            wallet.remove(CRED_A)  # never removes the other credential
        with pytest.raises(CorruptStore):
            choose(wallet, [], [CRED_A])  # present --select
        assert len(wallet.list()) == 3
        assert wallet.get(a).data == credential(0)  # the wallet id itself still works
        problems = wallet.check().problems
        assert any(b in p and "does not carry it" in p for p in problems)


def test_twin_an_untouched_index_finds_the_credential(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    a, _b, _c = wallet_with(path)
    with open_wallet(path) as wallet:
        assert wallet.resolve(CRED_A) == a and wallet.get(CRED_A).data == credential(0)
        assert wallet.check().ok


def test_the_show_command_exits_with_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wallet.db"
    a, b, _c = wallet_with(path)
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["show", "--wallet", str(path), "--raw", CRED_A])
    assert args.func(args) == 0 and capsys.readouterr().out.encode() == credential(0)
    _redirect(path, a, b)
    assert args.func(args) == 2
    captured = capsys.readouterr()
    assert "[wallet.corrupt_store]" in captured.err and captured.out == ""


def test_a_redirected_index_neither_invents_nor_hides_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    a, b, _c = wallet_with(path)
    _redirect(path, a, b)
    with open_wallet(path) as wallet:
        again = wallet.add(credential(0), source="again")  # A once more: a duplicate of A, not of B
        assert (again.outcome, again.duplicate_of) == ("duplicate", a)
        fresh = wallet.add(credential(7), source="new")
        assert fresh.outcome == "added"
        assert len(wallet.list()) == 4
