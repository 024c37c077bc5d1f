"""Full disks, file-size limits, concurrent writers and backups during writes (BAD_INPUTS S4,
S5, S16, S19)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.vcwallet.store.support import (
    FAST,
    PASSPHRASE,
    child,
    credential,
    kill,
    new_wallet,
    open_wallet,
    run_child,
    wait_for_line,
)
from vcwallet.store import StorageFull, Store
from vcwallet.wallet import Wallet

posix_only = pytest.mark.skipif(os.name != "posix", reason="needs POSIX processes and limits")


# -- S4 ----------------------------------------------------------------------------------------------

def test_page_limit_reached_is_storage_full_with_no_partial_row(tmp_path: Path) -> None:  # BAD_INPUTS S4
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        conn = wallet.store.connection
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        added = 0
        with pytest.raises(StorageFull) as caught:
            for i in range(1000):
                wallet.add(credential(i, pad=6000), source=f"cred-{i}")
                added += 1
        assert caught.value.code == "wallet.storage_full"
        assert 0 < added < 1000
        assert len(wallet.list()) == added  # still readable, nothing half-written
        report = wallet.check()
        assert report.ok and report.credentials == added
        conn.execute("PRAGMA max_page_count = 1073741823")  # twin: with room again, adding works
        assert wallet.add(credential(5000, pad=6000), source="cred-5000").outcome == "added"
    with open_wallet(path) as wallet:
        assert len(wallet.list()) == added + 1 and wallet.check().ok


def test_without_a_limit_the_same_adds_succeed(tmp_path: Path) -> None:  # BAD_INPUTS S4
    with new_wallet(tmp_path / "wallet.db") as wallet:
        for i in range(30):
            assert wallet.add(credential(i, pad=6000), source=f"cred-{i}").outcome == "added"
        assert wallet.check().ok


# -- S5 ----------------------------------------------------------------------------------------------

def _sizes(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


@posix_only
def test_file_size_limit_in_a_child_is_storage_full_not_a_crash(tmp_path: Path) -> None:  # BAD_INPUTS S5
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    limit = _sizes(path) + 300_000
    code, out, err = run_child("fill", str(path), str(limit), "100000")
    assert code == 0, err
    lines = out.splitlines()
    full = next(line for line in lines if line.startswith("full "))
    added = int(full.split()[1])
    assert full.split()[2] == "wallet.storage_full" and added > 0
    assert f"listed {added}" in lines  # the child could still read its wallet
    with open_wallet(path) as wallet:
        report = wallet.check()
        assert report.ok and report.credentials == added


@posix_only
def test_within_the_limit_nothing_fails(tmp_path: Path) -> None:  # BAD_INPUTS S5
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    code, out, err = run_child("fill", str(path), str(_sizes(path) + 50_000_000), "10")
    assert code == 0, err
    assert out.splitlines() == ["added 10", "listed 10"]


# -- S16 ---------------------------------------------------------------------------------------------

@posix_only
def test_two_processes_writing_at_once_wait_for_each_other(tmp_path: Path) -> None:  # BAD_INPUTS S16
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    first = child("insert", str(path), "0", "200")
    second = child("insert", str(path), "100", "200")  # 100 of them are the same credentials
    outputs = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and "locked" not in err, err
        outputs.append(out.strip().splitlines()[-1].split())
    added = sum(int(o[1]) for o in outputs)
    duplicates = sum(int(o[2]) for o in outputs)
    assert (added, duplicates) == (300, 100)
    with open_wallet(path) as wallet:
        report = wallet.check()
        assert report.ok and report.credentials == 300


@posix_only
def test_one_process_writes_the_same_credentials(tmp_path: Path) -> None:  # BAD_INPUTS S16
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    code, out, err = run_child("insert", str(path), "0", "300")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "done 300 0"


# -- S19 ---------------------------------------------------------------------------------------------

BACKUP_PASSPHRASE = "backup passphrase for the usb stick"


@posix_only
def test_backups_taken_while_another_process_writes_open_and_restore(tmp_path: Path) -> None:  # BAD_INPUTS S19
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    writer = child("insert", str(path), "0", "1000")
    wait_for_line(writer, "ready")
    counts = []
    try:
        with open_wallet(path) as wallet:
            for n in range(3):
                time.sleep(0.15)
                backup = tmp_path / f"backup-{n}.vcbackup"
                wallet.backup(backup, BACKUP_PASSPHRASE, kdf=FAST)
                with Wallet.open(backup, BACKUP_PASSPHRASE, readonly=True) as copy:
                    report = copy.check()
                    assert report.ok, report.problems[:3]
                    counts.append(report.credentials)
    finally:
        kill(writer)
    assert counts == sorted(counts) and counts[-1] > 0
    fresh = tmp_path / "elsewhere" / "restored.db"
    fresh.parent.mkdir()
    with Wallet.create(fresh, PASSPHRASE, kdf=FAST, holder_key=False) as restored:
        result = restored.restore(tmp_path / "backup-2.vcbackup", BACKUP_PASSPHRASE)
        assert len(result.added) == counts[-1] and result.unreadable == []
        assert restored.check().ok


def test_a_backup_of_an_idle_wallet_is_complete_and_single_file(tmp_path: Path) -> None:  # BAD_INPUTS S19
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(20):
            wallet.add(credential(i), source=f"cred-{i}")
        wallet.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.vcbackup", "wallet.db"]
    info = Store.inspect(tmp_path / "b.vcbackup")
    assert info.role == "backup"
    with Wallet.open(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, readonly=True) as copy:
        assert copy.check().ok and len(copy.list()) == 20


def test_storage_errors_carry_the_path_but_logs_name_only_the_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "private-folder" / "wallet.db"
    path.parent.mkdir()
    with new_wallet(path) as wallet, caplog.at_level("INFO", logger="vcwallet.store"):
        conn = wallet.store.connection
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(StorageFull) as caught:
            wallet.add(credential(1, pad=9000), source="big")
    assert caught.value.details["path"] == str(path)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "wallet.storage_full" in logged and "wallet.db" in logged and "private-folder" not in logged
