"""Backups and restores leave nothing they should not (issue 13, "Smaller leaks").

* A killed ``backup`` must not leave a hidden ``.partial`` full copy under the *wallet's*
  passphrase on the backup medium: partial copies only ever hold the backup's own key slot, and
  the next backup to the same name removes stale ones.
* A refused ``restore`` into a path with no wallet must leave nothing behind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.vcwallet.attacks.editing import BACKUP_PASSPHRASE, wallet_with
from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet, run_child
from vcwallet.commands import wallet_cmds, wallet_import
from vcwallet.store import CorruptStore, Store, UnexpectedSchema, WalletError, WrongPassphrase
from vcwallet.store.backup import partial_copies, remove_stale_partials
from vcwallet.wallet import Wallet

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals and flock")


def _wallet_secrets(path: Path) -> list[bytes]:
    """The wallet's own key slot values: none may appear in any file on the backup medium."""
    conn = sqlite3.connect(path)
    try:
        return [bytes(v) for v in conn.execute("SELECT salt, kek_check, wrapped_dek FROM keyslot").fetchone()]
    finally:
        conn.close()


def _leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("."))


def test_a_backup_killed_at_any_statement_leaves_nothing_under_the_wallet_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 3, pad=2000)
    secrets = _wallet_secrets(path)
    usb = tmp_path / "usb"
    usb.mkdir()
    dest = usb / "wallet.vcbackup"
    killed = 0
    for target in range(1, 60):
        code, out, err = run_child("backup-kill", str(path), str(dest), BACKUP_PASSPHRASE, str(target), "after")
        if "completed" in out:
            break
        assert code != 0, err
        killed += 1
        assert not dest.exists()
        for leftover in _leftovers(usb):
            raw = leftover.read_bytes()
            assert not any(secret in raw for secret in secrets), (target, leftover.name)
            if leftover.name.endswith(".partial") and raw:
                with pytest.raises(WalletError) as caught:
                    Store.open(leftover, PASSPHRASE, readonly=True)
                assert caught.value.code in ("wallet.wrong_passphrase", "wallet.corrupt_store")
        assert len(partial_copies(dest)) == 1
        remove_stale_partials(dest)  # the next backup does this first
        assert _leftovers(usb) == []
    assert killed >= 10  # every statement of the backup was a kill point
    assert dest.exists() and _leftovers(usb) == []
    with Wallet.create(tmp_path / "restored.db", PASSPHRASE, verifier=StubVerifier(), kdf=FAST) as fresh:
        assert len(fresh.restore(dest, BACKUP_PASSPHRASE).added) == 3


def test_the_next_backup_removes_a_stale_partial_even_one_from_an_older_version(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 2)
    dest = tmp_path / "wallet.vcbackup"
    stale = tmp_path / ".wallet.vcbackup.0123456789ab.partial"
    shutil.copyfile(path, stale)  # what a killed backup of an older vcwallet left: the wallet itself
    Path(f"{stale}-journal").write_bytes(b"journal")
    unrelated = tmp_path / ".other.vcbackup.0123456789ab.partial"
    unrelated.write_bytes(b"not ours to remove")
    with Wallet.open(path, PASSPHRASE) as wallet:
        wallet.backup(dest, BACKUP_PASSPHRASE, kdf=FAST)
    assert not stale.exists() and not Path(f"{stale}-journal").exists()
    assert unrelated.exists() and dest.exists()


def test_a_partial_that_a_running_backup_holds_is_not_removed(tmp_path: Path) -> None:
    import fcntl

    dest = tmp_path / "wallet.vcbackup"
    running = tmp_path / ".wallet.vcbackup.aaaaaaaaaaaa.partial"
    running.write_bytes(b"in progress")
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert remove_stale_partials(dest) == [] and running.exists()
    finally:
        os.close(fd)
    assert remove_stale_partials(dest) == [running] and not running.exists()


def test_twin_a_backup_that_completes_leaves_one_file(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    wallet_with(path, 2)
    usb = tmp_path / "usb"
    usb.mkdir()
    with Wallet.open(path, PASSPHRASE) as wallet:
        backup = wallet.backup(usb / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    assert [p.name for p in usb.iterdir()] == ["b.vcbackup"]
    raw = backup.read_bytes()
    assert not any(secret in raw for secret in _wallet_secrets(path))
    with Store.open(backup, BACKUP_PASSPHRASE, readonly=True) as store:
        assert len(store.ids("credential")) == 2 and store.schema_matches_version()


# -- a refused restore into a new path ----------------------------------------------------------------

def _backup(tmp_path: Path) -> Path:
    with new_wallet(tmp_path / "source.db") as source:
        source.add(credential(1), source="1")
        return source.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)


def _damage_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"\x00" * 16)


def _plant_view(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIEW v AS SELECT 1")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("spoil", "passphrase", "error"), [
    (None, "not the backup passphrase", WrongPassphrase),
    (_damage_header, BACKUP_PASSPHRASE, CorruptStore),
    (_plant_view, BACKUP_PASSPHRASE, UnexpectedSchema),
], ids=["wrong-passphrase", "damaged", "foreign-schema"])
def test_a_refused_restore_into_a_new_path_leaves_nothing(tmp_path: Path, spoil: object, passphrase: str,
                                                          error: type[WalletError]) -> None:
    backup = _backup(tmp_path)
    if callable(spoil):
        spoil(backup)
    laptop = tmp_path / "new-laptop"
    with pytest.raises(error):
        Wallet.restore_new(laptop / "nested" / "wallet.db", backup, passphrase, PASSPHRASE, kdf=FAST)
    assert not laptop.exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(error):
        Wallet.restore_new(existing / "wallet.db", backup, passphrase, PASSPHRASE, kdf=FAST)
    assert list(existing.iterdir()) == []


def test_the_restore_command_into_a_new_path_leaves_nothing_when_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    backup = _backup(tmp_path)
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("VCWALLET_BACKUP_PASSPHRASE", "wrong")
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    monkeypatch.setattr(wallet_import, "make_verifier", lambda _args: StubVerifier())
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    target = tmp_path / "new-laptop" / "wallet.db"
    args = parser.parse_args(["restore", "--wallet", str(target), "--kdf", "insecure-test", str(backup)])
    assert args.func(args) == 2 and "[wallet.wrong_passphrase]" in capsys.readouterr().err
    assert not target.parent.exists()
    monkeypatch.setenv("VCWALLET_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)  # the twin: accepted
    assert args.func(args) == 0
    assert [p.name for p in target.parent.iterdir()] == ["wallet.db"]
    with Wallet.open(target, PASSPHRASE) as restored:
        assert [s.status for s in restored.list()] == ["verified"] and len(restored.holder_keys()) == 1
        assert restored.check().ok
