"""Backing up and restoring with no front end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet
from vcwallet.usecases.open_wallet import unlock_wallet
from vcwallet.usecases.safety import backup_wallet, restore_into, restore_new
from verifier.errors import VCError

BACKUP_PASSPHRASE = "the usb stick's own passphrase"


def _backup(tmp_path: Path, count: int = 2) -> Path:
    target = tmp_path / "usb" / "wallet.vcwb"
    target.parent.mkdir()
    with new_wallet(tmp_path / "wallet.db") as wallet:
        for i in range(count):
            wallet.add(credential(i + 1), source=f"{i}.json")
        done = backup_wallet(wallet, target, BACKUP_PASSPHRASE, kdf=FAST)
    assert done.path == target and done.credentials == count
    return target


def test_backup_writes_a_file_a_new_wallet_can_be_made_from(tmp_path: Path) -> None:
    backup = _backup(tmp_path)
    laptop = tmp_path / "laptop" / "wallet.db"
    done = restore_new(laptop, backup, BACKUP_PASSPHRASE, "the new laptop's passphrase",
                       verifier=StubVerifier(), kdf=FAST)
    assert done.created and len(done.result.added) == 2 and not done.result.refused
    with unlock_wallet(laptop, "the new laptop's passphrase") as wallet:
        assert sorted(s.name or "" for s in wallet.list()) == ["Stub Badge 1", "Stub Badge 2"]


def test_a_dry_run_of_a_new_wallet_leaves_nothing_behind(tmp_path: Path) -> None:
    backup = _backup(tmp_path)
    laptop = tmp_path / "laptop" / "wallet.db"
    done = restore_new(laptop, backup, BACKUP_PASSPHRASE, None, verifier=StubVerifier(), dry_run=True)
    assert not done.created and done.result.dry_run and len(done.result.added) == 2
    assert not laptop.exists() and not laptop.parent.exists()


def test_backup_and_new_wallet_never_overwrite(tmp_path: Path) -> None:
    backup = _backup(tmp_path)
    before = backup.read_bytes()
    with new_wallet(tmp_path / "other.db") as wallet, pytest.raises(VCError) as caught:
        backup_wallet(wallet, backup, BACKUP_PASSPHRASE)
    assert caught.value.code == "wallet.exists" and backup.read_bytes() == before
    with pytest.raises(VCError) as caught:
        restore_new(tmp_path / "other.db", backup, BACKUP_PASSPHRASE, PASSPHRASE, kdf=FAST)
    assert caught.value.code == "wallet.exists"


def test_a_backup_needs_a_passphrase(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "wallet.db") as wallet, pytest.raises(VCError) as caught:
        backup_wallet(wallet, tmp_path / "b.vcwb", "")
    assert caught.value.code == "passphrase.empty" and not (tmp_path / "b.vcwb").exists()


def test_restore_into_an_open_wallet_merges_without_duplicates(tmp_path: Path) -> None:
    backup = _backup(tmp_path, count=2)
    with new_wallet(tmp_path / "mine.db") as wallet:
        wallet.add(credential(1), source="already.json")
        done = restore_into(wallet, backup, BACKUP_PASSPHRASE)
        assert not done.created and done.path == tmp_path / "mine.db"
        assert len(done.result.added) == 1 and len(done.result.duplicates) == 1
        assert len(wallet.list()) == 2
