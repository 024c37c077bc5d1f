"""One flipped bit in a check never costs everything (issue 13, "One bit never costs everything").

The key slot's check value (``kek_check``) and the key-check blob (``meta.key_check``) only exist
to tell a wrong passphrase from damage. Damaged, they must not make ``salvage`` recover nothing:
the passphrase is tried against the wrapped key and the records themselves. The wallet id (the
wrapped key's associated data) gets the same treatment for one damaged character.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from tests.vcwallet.attacks.editing import edit, flip_bit, open_wallet, wallet_with
from tests.vcwallet.store.support import PASSPHRASE, StubVerifier, credential
from vcwallet.commands import wallet_cmds
from vcwallet.store import CorruptStore, WrongPassphrase
from vcwallet.wallet import Wallet

COUNT = 4


def _damage(path: Path, what: str) -> None:
    if what in ("kek_check", "both"):
        flip_bit(path, "keyslot", "kek_check", "slot = 0")
    if what in ("key_check", "both"):
        flip_bit(path, "meta", "value", "key = 'key_check'", at=40)
    if what == "wallet_id":
        with edit(path) as conn:
            ident = conn.execute("SELECT value FROM meta WHERE key = 'wallet_id'").fetchone()[0]
            damaged = ident[:7] + ("0" if ident[7] != "0" else "1") + ident[8:]
            conn.execute("UPDATE meta SET value = ? WHERE key = 'wallet_id'", (damaged,))


@pytest.mark.parametrize(("what", "named"), [
    ("kek_check", ["kek_check"]), ("key_check", ["key_check"]), ("both", ["kek_check", "key_check"]),
    ("wallet_id", ["wallet_id"]),
])
def test_salvage_recovers_every_record_past_a_damaged_check(tmp_path: Path, what: str,
                                                             named: list[str]) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path, COUNT)
    _damage(path, what)
    with pytest.raises(CorruptStore) as caught:  # the right passphrase is never called wrong
        open_wallet(path)
    assert caught.value.code == "wallet.corrupt_store"
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert sorted(report.damaged) == sorted(named)
    assert sorted(report.credentials) == sorted(ids) and len(report.keys) == 1 and report.lost == []
    with open_wallet(tmp_path / "saved.db") as saved:
        assert [saved.get(i).data for i in ids] == [credential(i) for i in range(COUNT)]
        assert {s.status for s in saved.list()} == {"verified"}
        assert len(saved.holder_keys()) == 1 and saved.check().ok


@pytest.mark.parametrize("what", ["kek_check", "both", "wallet_id"])
def test_a_wrong_passphrase_is_still_wrong_when_a_check_is_damaged(tmp_path: Path, what: str) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    _damage(path, what)
    with pytest.raises(WrongPassphrase) as caught:
        Wallet.salvage(path, "not the passphrase", tmp_path / "saved.db")
    assert caught.value.code == "wallet.wrong_passphrase"
    assert not (tmp_path / "saved.db").exists()


def test_the_reason_names_the_damaged_check_on_open(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    _damage(path, "kek_check")
    with pytest.raises(CorruptStore) as caught:
        open_wallet(path)
    assert caught.value.details["reason"] == "kek_check"
    with pytest.raises(WrongPassphrase):
        Wallet.open(path, "not the passphrase")


def test_twin_a_healthy_wallet_salvages_whole(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path, COUNT)
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert report.damaged == [] and report.lost == [] and report.scan_errors == [] and report.ignored == []
    assert sorted(report.credentials) == sorted(ids) and report.unchecked == []
    with open_wallet(tmp_path / "saved.db") as saved:
        assert [saved.get(i).data for i in ids] == [credential(i) for i in range(COUNT)]
        assert saved.check().ok


def test_the_salvage_command_says_which_check_was_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.commands import wallet_import

    path = tmp_path / "wallet.db"
    wallet_with(path, 2)
    _damage(path, "kek_check")
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    monkeypatch.setattr(wallet_import, "make_verifier", lambda _args: StubVerifier())
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["salvage", "--wallet", str(path), "--out", str(tmp_path / "saved.db")])
    assert args.func(args) == 1  # recovered, with damage to report
    out = capsys.readouterr().out
    assert "2 credential(s)" in out and "check value" in out


# -- the wrapped data key itself ---------------------------------------------------------------------

WRAPPED_AT = [("nonce", 3), ("ciphertext", 24 + 17), ("tag", 24 + 32 + 9)]


@pytest.mark.parametrize(("part", "at"), WRAPPED_AT, ids=[p for p, _a in WRAPPED_AT])
def test_salvage_finds_the_data_key_behind_one_flipped_bit_of_its_wrapping(tmp_path: Path, part: str,
                                                                            at: int) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path, COUNT)
    flip_bit(path, "keyslot", "wrapped_dek", "slot = 0", at=at, bit=0x20)
    with pytest.raises(CorruptStore) as caught:
        open_wallet(path)
    assert caught.value.details["reason"] == "keyslot"
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert report.damaged == ["wrapped_key"] and sorted(report.credentials) == sorted(ids)
    with open_wallet(tmp_path / "saved.db") as saved:
        assert [saved.get(i).data for i in ids] == [credential(i) for i in range(COUNT)]


def test_the_wrapped_key_is_also_found_when_the_key_check_blob_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    ids = wallet_with(path, COUNT)
    flip_bit(path, "keyslot", "wrapped_dek", "slot = 0", at=30)
    _damage(path, "key_check")  # now only the records themselves can confirm a candidate
    report = Wallet.salvage(path, PASSPHRASE, tmp_path / "saved.db", verifier=StubVerifier())
    assert sorted(report.damaged) == ["key_check", "wrapped_key"]
    assert sorted(report.credentials) == sorted(ids)


def test_a_damaged_wrapping_with_a_wrong_passphrase_is_still_a_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    flip_bit(path, "keyslot", "wrapped_dek", "slot = 0", at=30)
    with pytest.raises(WrongPassphrase):
        Wallet.salvage(path, "not the passphrase", tmp_path / "saved.db")


def test_the_keystream_matches_libsodium() -> None:
    """The recovery path's XChaCha20 is the one libsodium's AEAD uses (so candidates are right)."""
    import nacl.bindings

    from vcwallet.store import repair

    for size in (1, 32, 64):
        key, nonce, message = os.urandom(32), os.urandom(24), os.urandom(size)
        sealed = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(message, b"", nonce, key)
        stream = repair.xchacha20_aead_keystream(key, nonce)
        assert bytes(a ^ b for a, b in zip(sealed[:size], stream, strict=False)) == message
