"""Backup and restore: a single passphrase-protected file that restores byte for byte into a fresh
wallet elsewhere, merges without duplicates, and offers a dry run."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet
from tests.vcwallet.wallet.world import needs_world, scenario_list, world_file
from vcwallet.demo.world import WORLD_DIR
from vcwallet.store import CorruptStore, WalletExists, WrongPassphrase
from vcwallet.wallet import Wallet

BACKUP_PASSPHRASE = "a different passphrase for the backup"


@needs_world
def test_backup_restores_byte_for_byte_into_a_fresh_wallet_and_still_verifies(
        tmp_path: Path, verifier: Any) -> None:
    home = tmp_path / "laptop-1" / "wallet.db"
    home.parent.mkdir()
    with Wallet.create(home, PASSPHRASE, verifier=verifier, kdf=FAST) as wallet:
        wallet.import_source(str(WORLD_DIR / "credentials"), force=True)
        first = wallet.list()[0]
        wallet.add_tags(first.id, ["leadership"])
        wallet.set_note(first.id, "portfolio")
        original = {s.id: wallet.get(s.id) for s in wallet.list()}
        keys = [k.did for k in wallet.holder_keys()]
        (tmp_path / "usb").mkdir()
        backup = wallet.backup(tmp_path / "usb" / "wallet.vcbackup", BACKUP_PASSPHRASE)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert sorted(p.name for p in backup.parent.iterdir()) == ["wallet.vcbackup"]  # one file

    fresh = tmp_path / "laptop-2" / "wallet.db"
    fresh.parent.mkdir()
    expected = {world_file(s).read_bytes(): s["verified"] for s in scenario_list()}
    # the wallet's own verdict at import (an SD-JWT VC is checked as the holder's copy, without
    # key binding, so it can differ from the scenario's verdict for a presentation)
    should_verify = {rid for rid, stored in original.items() if stored.report["verified"]}
    with Wallet.create(fresh, "new laptop passphrase", verifier=verifier, kdf=FAST, holder_key=False) as wallet:
        # every credential is verified again: the ones that fail now are refused like an import
        result = wallet.restore(backup, BACKUP_PASSPHRASE)
        assert sorted(result.added) == sorted(should_verify) and result.duplicates == []
        assert sorted(i for i, _status in result.refused) == sorted(set(original) - should_verify)
        assert result.keys_added == keys and result.unreadable == [] and result.unchecked == []
        # --force keeps the rest, flagged, with the status their own bytes earn today
        forced = wallet.restore(backup, BACKUP_PASSPHRASE, force=True)
        assert sorted(forced.added) == sorted(set(original) - should_verify) and forced.refused == []
        restored = {s.id: wallet.get(s.id) for s in wallet.list()}
        assert restored.keys() == original.keys()
        for record_id, stored in original.items():
            assert restored[record_id].data == stored.data
            assert restored[record_id].report["verified"] is stored.report["verified"]
            assert restored[record_id].summary.status == stored.summary.status
            assert restored[record_id].summary.name == stored.summary.name
            assert restored[record_id].summary.flagged is not stored.report["verified"]
            assert restored[record_id].summary.tags == stored.summary.tags
        assert restored[first.id].summary.note == "portfolio"
        assert [k.did for k in wallet.holder_keys()] == keys and wallet.holder_keys()[0].active
        assert wallet.check().ok
        for stored in restored.values():  # they still verify exactly as before
            assert verifier.verify_credential(stored.data).verified is expected[stored.data]


def test_restoring_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "a.db") as source:
        for i in range(5):
            source.add(credential(i), source=f"{i}")
        source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    with new_wallet(tmp_path / "c.db") as target:
        target.add(credential(0), source="already here")
        first = target.restore(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
        assert (len(first.added), len(first.duplicates)) == (4, 1)
        second = target.restore(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
        assert (second.added, len(second.duplicates)) == ([], 5)
        assert len(target.list()) == 5 and target.check().ok
        assert len(target.holder_keys()) == 2  # the backup's key joined, ours stays active
        assert target.holder_keys()[0].active


def test_dry_run_reports_without_writing(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "a.db") as source:
        for i in range(3):
            source.add(credential(i), source=f"{i}")
        source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    with new_wallet(tmp_path / "c.db") as target:
        target.add(credential(2), source="here")
        preview = target.restore(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, dry_run=True)
        assert preview.dry_run and (len(preview.added), len(preview.duplicates)) == (2, 1)
        assert len(preview.keys_added) == 1
        assert len(target.list()) == 1 and len(target.holder_keys()) == 1
        done = target.restore(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
        assert sorted(done.added) == sorted(preview.added)


def test_restore_merges_tags_and_notes_of_duplicates(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "a.db") as source:
        record = source.add(credential(1), source="1").id or ""
        source.add_tags(record, ["from-backup"])
        source.set_note(record, "backup note")
        source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    with new_wallet(tmp_path / "c.db") as target:
        mine = target.add(credential(1), source="1").id or ""
        target.add_tags(mine, ["mine"])
        result = target.restore(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
        assert result.merged == [mine]
        summary = target.get(mine).summary
        assert summary.tags == ("mine", "from-backup") and summary.note == "backup note"


def test_the_backup_passphrase_and_the_wallet_passphrase_are_separate(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "a.db") as source:
        source.add(credential(1), source="1")
        source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    with pytest.raises(WrongPassphrase) as caught:
        Wallet.open(tmp_path / "b.vcbackup", PASSPHRASE, readonly=True)
    assert caught.value.code == "wallet.wrong_passphrase"
    with pytest.raises(WrongPassphrase):
        Wallet.open(tmp_path / "a.db", BACKUP_PASSPHRASE)
    with new_wallet(tmp_path / "c.db") as target, pytest.raises(WrongPassphrase):
        target.restore(tmp_path / "b.vcbackup", PASSPHRASE)


def test_a_backup_never_overwrites_and_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken.vcbackup").write_bytes(b"precious")
    with new_wallet(tmp_path / "a.db") as source:
        source.add(credential(1), source="1")
        with pytest.raises(WalletExists):
            source.backup(tmp_path / "taken.vcbackup", BACKUP_PASSPHRASE)
        assert (tmp_path / "taken.vcbackup").read_bytes() == b"precious"
        backup = source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    with open(backup, "r+b") as handle:
        handle.write(b"\x00" * 16)
    with new_wallet(tmp_path / "c.db") as target, pytest.raises(CorruptStore):
        target.restore(backup, BACKUP_PASSPHRASE)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".partial")]


def test_restore_reads_the_backup_without_changing_it(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "a.db") as source:
        source.add(credential(1), source="1")
        backup = source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    before = backup.read_bytes()
    with Wallet.create(tmp_path / "c.db", PASSPHRASE, verifier=StubVerifier(), kdf=FAST) as target:
        target.restore(backup, BACKUP_PASSPHRASE)
    assert backup.read_bytes() == before
