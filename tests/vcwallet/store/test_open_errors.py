"""Opening a wallet that is damaged, locked away, shared, foreign or newer (BAD_INPUTS S6, S7, S8,
S10, S17, S18, S20). Each fault has its own code, the file is never changed, and nothing ever
initialises a new wallet over it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, credential, new_wallet, open_wallet, run_child
from vcwallet.store import (
    CURRENT_VERSION,
    CorruptStore,
    InsecureFile,
    Store,
    UnsupportedSchemaVersion,
    WalletExists,
    WalletNotFound,
    WrongPassphrase,
)
from vcwallet.wallet import Wallet

PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filled") / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(60):
            wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def filled(tmp_path: Path, filled_template: Path) -> Path:
    """A closed wallet (WAL checkpointed into the file) with 60 credentials, one per page."""
    path = tmp_path / "wallet.db"
    shutil.copy2(filled_template, path)
    return path


def _assert_refused_unchanged(path: Path, error: type[Exception], code: str) -> None:
    before = _digest(path)
    with pytest.raises(error) as caught:
        Store.open(path, PASSPHRASE)
    assert getattr(caught.value, "code", None) == code
    with pytest.raises(WalletExists):
        Wallet.create(path, PASSPHRASE, kdf=FAST)
    assert _digest(path) == before


def test_open_never_creates_a_missing_wallet(tmp_path: Path) -> None:
    with pytest.raises(WalletNotFound) as caught:
        Store.open(tmp_path / "missing.db", PASSPHRASE)
    assert caught.value.code == "wallet.not_found"
    assert list(tmp_path.iterdir()) == []


def test_a_healthy_wallet_opens(filled: Path) -> None:
    with open_wallet(filled) as wallet:
        assert len(wallet.list()) == 60 and wallet.check().ok


# -- S6 ----------------------------------------------------------------------------------------------

def test_zeroed_header_is_a_corrupt_store_and_never_reinitialised(filled: Path) -> None:  # BAD_INPUTS S6
    with open(filled, "r+b") as handle:
        handle.write(b"\x00" * 16)
    _assert_refused_unchanged(filled, CorruptStore, "wallet.corrupt_store")


def test_an_empty_file_is_not_a_wallet_either(tmp_path: Path) -> None:  # BAD_INPUTS S6
    path = tmp_path / "wallet.db"
    path.touch(mode=0o600)
    _assert_refused_unchanged(path, CorruptStore, "wallet.corrupt_store")
    assert path.stat().st_size == 0


def test_a_foreign_sqlite_database_is_not_a_wallet(tmp_path: Path) -> None:  # BAD_INPUTS S6
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    os.chmod(path, 0o600)
    _assert_refused_unchanged(path, CorruptStore, "wallet.corrupt_store")


# -- S7 ----------------------------------------------------------------------------------------------

def test_random_bytes_mid_file_are_a_corrupt_store_with_a_read_only_salvage(  # BAD_INPUTS S7
        filled: Path, tmp_path: Path) -> None:
    pages = filled.stat().st_size // PAGE
    rng = random.Random(42)
    with open(filled, "r+b") as handle:
        for page in (pages // 2, pages // 2 + 1, pages // 2 + 5):
            handle.seek(page * PAGE)
            handle.write(rng.randbytes(PAGE))
    _assert_refused_unchanged(filled, CorruptStore, "wallet.corrupt_store")
    before = _digest(filled)
    report = Wallet.salvage(filled, PASSPHRASE, tmp_path / "salvaged.db")
    assert _digest(filled) == before  # read-only: the damaged file is untouched
    assert 40 <= len(report.credentials) < 60
    with open_wallet(tmp_path / "salvaged.db") as salvaged:
        assert salvaged.check().ok
        for summary in salvaged.list():
            # a credential whose summary was lost has source "salvage": name it by its own bytes
            data = salvaged.get(summary.id).data
            i = int(json.loads(data)["id"].rsplit("-", 1)[1])
            assert data == credential(i, pad=1500)
            assert summary.source in (f"cred-{i}", "salvage") and summary.salvaged
        assert len(salvaged.holder_keys()) == 1


def test_salvaging_a_healthy_wallet_recovers_everything(filled: Path, tmp_path: Path) -> None:  # BAD_INPUTS S7
    report = Wallet.salvage(filled, PASSPHRASE, tmp_path / "copy.db")
    assert len(report.credentials) == 60 and report.lost == [] and report.scan_errors == []
    with open_wallet(tmp_path / "copy.db") as copy:
        assert copy.check().ok and len(copy.list()) == 60


# -- S8 ----------------------------------------------------------------------------------------------

def test_truncated_to_half_is_a_corrupt_store(filled: Path) -> None:  # BAD_INPUTS S8
    with open(filled, "r+b") as handle:
        handle.truncate(filled.stat().st_size // 2)
    _assert_refused_unchanged(filled, CorruptStore, "wallet.corrupt_store")


def test_the_untruncated_copy_opens(filled: Path, tmp_path: Path) -> None:  # BAD_INPUTS S8
    copy = tmp_path / "copy.db"
    shutil.copy(filled, copy)
    with Store.open(copy, PASSPHRASE) as store:
        assert store.integrity_check() == []


# -- S10 ---------------------------------------------------------------------------------------------

def test_wrong_passphrase_is_its_own_error(filled: Path) -> None:  # BAD_INPUTS S10
    with pytest.raises(WrongPassphrase) as caught:
        Store.open(filled, "not the passphrase")
    assert caught.value.code == "wallet.wrong_passphrase"


def test_damaged_key_slot_with_the_right_passphrase_is_corruption(filled: Path) -> None:  # BAD_INPUTS S10
    conn = sqlite3.connect(filled)
    with conn:
        wrapped = bytearray(conn.execute("SELECT wrapped_dek FROM keyslot").fetchone()[0])
        wrapped[30] ^= 0x01
        conn.execute("UPDATE keyslot SET wrapped_dek = ?", (bytes(wrapped),))
    conn.close()
    with pytest.raises(CorruptStore) as caught:
        Store.open(filled, PASSPHRASE)
    assert caught.value.code == "wallet.corrupt_store"
    with pytest.raises(WrongPassphrase):  # the key check still tells a wrong passphrase apart
        Store.open(filled, "not the passphrase")


# -- S17 ---------------------------------------------------------------------------------------------

@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private tmp (so an unprivileged child can reach it)."""
    folder = Path(tempfile.mkdtemp(prefix="vcwallet-s17-", dir="/tmp"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
UNPRIVILEGED = 65534


def _child_says(action: str, path: Path) -> str:
    code, out, err = run_child(action, str(path))
    assert code == 0, err
    return out.strip()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_permission_denied_on_the_file_is_storage_unavailable_with_the_path(shared_dir: Path) -> None:  # BAD_INPUTS S17
    path = shared_dir / "wallet.db"
    new_wallet(path).close()
    if not ROOT:
        os.chmod(path, 0o000)
    said = _child_says("open", path)  # as root the child drops to an unprivileged user
    assert said == f"error wallet.storage_unavailable {path}"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_read_only_directory_is_storage_unavailable(shared_dir: Path) -> None:  # BAD_INPUTS S17
    path = shared_dir / "wallet.db"
    new_wallet(path).close()
    if ROOT:
        os.chown(path, UNPRIVILEGED, UNPRIVILEGED)  # the file is theirs, the folder is not
    else:
        os.chmod(shared_dir, 0o555)
    assert _child_says("open", path) == f"error wallet.storage_unavailable {path}"
    assert _child_says("create", shared_dir / "new.db") == (
        f"error wallet.storage_unavailable {shared_dir / 'new.db'}")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_writable_folder_and_file_open_and_create(shared_dir: Path) -> None:  # BAD_INPUTS S17
    path = shared_dir / "wallet.db"
    new_wallet(path).close()
    if ROOT:
        os.chown(shared_dir, UNPRIVILEGED, UNPRIVILEGED)
        os.chown(path, UNPRIVILEGED, UNPRIVILEGED)
    assert _child_says("open", path) == "ok"
    assert _child_says("create", shared_dir / "new.db") == "ok"


# -- S18 ---------------------------------------------------------------------------------------------

def test_a_symlinked_wallet_is_refused(filled: Path, tmp_path: Path) -> None:  # BAD_INPUTS S18
    link = tmp_path / "link.db"
    link.symlink_to(filled)
    with pytest.raises(InsecureFile) as caught:
        Store.open(link, PASSPHRASE)
    assert caught.value.code == "wallet.insecure_file"


def test_a_symlinked_wal_is_refused(filled: Path, tmp_path: Path) -> None:  # BAD_INPUTS S18
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"")
    Path(f"{filled}-wal").symlink_to(elsewhere)
    with pytest.raises(InsecureFile):
        Store.open(filled, PASSPHRASE)


@pytest.mark.parametrize("mode", [0o644, 0o604, 0o640, 0o660])
def test_a_wallet_readable_by_others_is_refused(filled: Path, mode: int) -> None:  # BAD_INPUTS S18
    os.chmod(filled, mode)
    with pytest.raises(InsecureFile) as caught:
        Store.open(filled, PASSPHRASE)
    assert caught.value.code == "wallet.insecure_file"
    assert caught.value.details["mode"] == oct(mode)


def test_new_files_are_0600_and_open(tmp_path: Path) -> None:  # BAD_INPUTS S18
    path = tmp_path / "wallet.db"
    old = os.umask(0)
    try:
        wallet = new_wallet(path)
    finally:
        os.umask(old)
    with wallet:
        wallet.add(credential(1), source="cred-1")
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    with Store.open(path, PASSPHRASE):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wallet.db"]  # no temporary files left


# -- S20 ---------------------------------------------------------------------------------------------

def test_a_newer_schema_is_refused_without_writing(filled: Path) -> None:  # BAD_INPUTS S20
    conn = sqlite3.connect(filled)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (CURRENT_VERSION + 1,))
    conn.close()
    before = _digest(filled)
    for opener in (lambda: Store.open(filled, PASSPHRASE), lambda: open_wallet(filled)):
        with pytest.raises(UnsupportedSchemaVersion) as caught:
            opener()
        assert caught.value.code == "wallet.unsupported_schema"
        assert caught.value.details["found"] == CURRENT_VERSION + 1
    assert _digest(filled) == before
    assert Store.inspect(filled).schema_version == CURRENT_VERSION + 1


def test_the_current_schema_opens(filled: Path) -> None:  # BAD_INPUTS S20
    with contextlib.closing(Store.open(filled, PASSPHRASE)) as store:
        assert store.schema_version == CURRENT_VERSION
