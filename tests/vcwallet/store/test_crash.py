"""Crash safety (BAD_INPUTS S1, S2, S3, S9): SIGKILL at any moment leaves a wallet that opens,
passes SQLite's integrity check and the wallet's own check, and holds only whole credentials.

The children are real processes (``tests.vcwallet.store.child``) killed with SIGKILL, either at
random moments or at a chosen SQL statement of a phase (passwd, migration).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from tests.vcwallet.store.support import (
    FAST,
    PASSPHRASE,
    StubVerifier,
    child,
    credential,
    kill,
    new_wallet,
    open_wallet,
    run_child,
    wait_for_line,
)
from vcwallet.store import CURRENT_VERSION, Store, WrongPassphrase
from vcwallet.store.schema import OBJECTS
from vcwallet.wallet import Wallet

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


def _assert_whole(path: Path) -> int:
    """Open the wallet, run both checks, and compare every stored credential with its source."""
    with open_wallet(path) as wallet:
        report = wallet.check()
        assert report.ok, (report.integrity, report.problems[:5])
        summaries = wallet.list()
        for summary in summaries:
            assert summary.damaged is None
            i = int(summary.source.removeprefix("cred-"))
            assert wallet.get(summary.id).data == credential(i, pad=1500)
        return len(summaries)


# -- S1 ---------------------------------------------------------------------------------------------

def test_sigkill_during_1000_inserts_leaves_whole_credentials(tmp_path: Path) -> None:  # BAD_INPUTS S1
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    rng = random.Random(20260601)
    counts = []
    # Kill points are chosen by progress, not by wall time, so a slow or fast machine still
    # kills in the middle of the inserts; a small random delay varies the statement it lands on.
    for target in sorted(rng.sample(range(20, 900), 5)):
        proc = child("insert", str(path), "0", "1000")
        wait_for_line(proc, "ready")
        wait_for_line(proc, f"progress {target}")
        time.sleep(rng.uniform(0, 0.02))
        kill(proc)
        counts.append(_assert_whole(path))
    assert counts == sorted(counts)  # killed runs never lose what earlier runs committed
    assert 0 < counts[0] and counts[-1] < 1000  # the kills landed in the middle of the inserts


def test_an_uninterrupted_run_stores_all_1000(tmp_path: Path) -> None:  # BAD_INPUTS S1
    path = tmp_path / "wallet.db"
    new_wallet(path).close()
    code, out, err = run_child("insert", str(path), "0", "1000", timeout=120)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "done 1000 0"
    assert _assert_whole(path) == 1000


# -- S2 ---------------------------------------------------------------------------------------------

OLD, NEW = "old passphrase é", "new passphrase ü"


def _which_opens(path: Path) -> list[str]:
    opened = []
    for name, passphrase in (("old", OLD), ("new", NEW)):
        try:
            Store.open(path, passphrase).close()
        except WrongPassphrase:
            continue
        opened.append(name)
    return opened


@pytest.fixture(scope="module")
def passwd_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("passwd") / "template.db"
    with Wallet.create(path, OLD, verifier=StubVerifier(), kdf=FAST) as wallet:
        wallet.add(credential(1), source="cred-1")
    return path


# passwd runs: BEGIN IMMEDIATE, SELECT keyslot, UPDATE keyslot, COMMIT, wal_checkpoint.
@pytest.mark.parametrize(("statement", "when", "expected"), [
    (1, "before", "old"), (1, "after", "old"), (2, "after", "old"), (3, "before", "old"),
    (3, "after", "old"), (4, "before", "old"), (4, "after", "new"), (5, "before", "new"),
    (5, "after", "new"),
])
def test_sigkill_at_each_passwd_statement_leaves_exactly_one_passphrase(  # BAD_INPUTS S2
        tmp_path: Path, passwd_template: Path, statement: int, when: str, expected: str) -> None:
    path = tmp_path / "wallet.db"
    shutil.copy(passwd_template, path)
    code, out, _err = run_child("passwd-kill", str(path), OLD, NEW, str(statement), when)
    assert code == -9 and "completed" not in out
    assert _which_opens(path) == [expected]
    with Wallet.open(path, OLD if expected == "old" else NEW) as wallet:
        assert wallet.check().ok and len(wallet.list()) == 1


def test_passwd_without_a_crash_switches_to_the_new_passphrase(  # BAD_INPUTS S2
        tmp_path: Path, passwd_template: Path) -> None:
    path = tmp_path / "wallet.db"
    shutil.copy(passwd_template, path)
    code, out, err = run_child("passwd-kill", str(path), OLD, NEW, "99", "before")
    assert code == 0 and "completed" in out, err
    assert _which_opens(path) == ["new"]


def test_sigkill_at_random_moments_of_repeated_passwd(tmp_path: Path, passwd_template: Path) -> None:  # BAD_INPUTS S2
    path = tmp_path / "wallet.db"
    shutil.copy(passwd_template, path)
    rng = random.Random(7)
    for _round in range(3):
        opened = _which_opens(path)
        assert len(opened) == 1
        first, second = (OLD, NEW) if opened == ["old"] else (NEW, OLD)
        proc = child("passwd-loop", str(path), first, second)
        wait_for_line(proc, "ready")
        time.sleep(rng.uniform(0.05, 0.3))
        kill(proc)
        assert len(_which_opens(path)) == 1


# -- S3 ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def v1_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrate") / "v1.db"
    store = Store.create(path, PASSPHRASE, kdf=FAST, schema_version=1)
    wallet = Wallet(store, verifier=StubVerifier())
    for i in range(5):
        wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    wallet.close()
    return path


def _version_and_objects(path: Path) -> tuple[int, set[str]]:
    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
                                            "AND name NOT LIKE 'sqlite_%'")}
    finally:
        conn.close()
    return version, names


# migration 1 -> 2 runs: BEGIN IMMEDIATE, SELECT version, CREATE INDEX, CREATE INDEX, UPDATE, COMMIT.
@pytest.mark.parametrize(("statement", "when"), [
    (1, "before"), (2, "after"), (3, "after"), (4, "after"), (5, "after"), (6, "before"), (6, "after"),
])
def test_sigkill_during_migration_keeps_version_and_schema_in_step(  # BAD_INPUTS S3
        tmp_path: Path, v1_template: Path, statement: int, when: str) -> None:
    path = tmp_path / "wallet.db"
    shutil.copy(v1_template, path)
    code, out, _err = run_child("migrate-kill", str(path), str(statement), when)
    assert code == -9 and "completed" not in out
    version, names = _version_and_objects(path)
    assert version == (2 if (statement, when) == (6, "after") else 1)
    assert names == OBJECTS[version]
    with Store.open(path, PASSPHRASE) as store:  # the migration simply runs again
        assert store.schema_version == CURRENT_VERSION and store.schema_matches_version()
    assert _assert_whole(path) == 5


def test_an_uninterrupted_migration_reaches_the_current_schema(tmp_path: Path, v1_template: Path) -> None:  # BAD_INPUTS S3
    path = tmp_path / "wallet.db"
    shutil.copy(v1_template, path)
    code, out, err = run_child("migrate-kill", str(path), "99", "before")
    assert code == 0, err
    assert out.strip() == f"completed {CURRENT_VERSION}"
    assert _version_and_objects(path) == (CURRENT_VERSION, set(OBJECTS[CURRENT_VERSION]))


# -- S9 ---------------------------------------------------------------------------------------------

def _track_file_moves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    touched: list[str] = []

    def tracker(name: str, real: object) -> object:
        def wrapped(*args: object, **kwargs: object) -> object:
            touched.extend(str(a) for a in args[:2])
            return real(*args, **kwargs)  # type: ignore[operator]
        return wrapped

    for name in ("remove", "unlink", "rename", "replace"):
        monkeypatch.setattr(os, name, tracker(name, getattr(os, name)))
    monkeypatch.setattr(shutil, "move", tracker("move", shutil.move))
    return touched


def test_hot_wal_left_by_a_crash_is_recovered_and_never_touched(  # BAD_INPUTS S9
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(3):
            wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    proc = child("crash-wal", str(path), "3", "5")
    wait_for_line(proc, "ready")
    proc.wait(timeout=30)
    kill(proc)
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    touched = _track_file_moves(monkeypatch)
    with open_wallet(path) as wallet:
        assert len(wallet.list()) == 8
        assert wallet.check().ok
        wallet.add(credential(50, pad=1500), source="cred-50")
    assert not [name for name in touched if name.endswith(("-wal", "-journal"))]
    monkeypatch.undo()
    assert _assert_whole(path) == 9


def test_clean_shutdown_leaves_no_wal_and_the_same_content(tmp_path: Path) -> None:  # BAD_INPUTS S9
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(8):
            wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    assert not Path(f"{path}-wal").exists()
    assert _assert_whole(path) == 8


def test_hot_rollback_journal_is_rolled_back_on_open(tmp_path: Path) -> None:  # BAD_INPUTS S9
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(40):
            wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    proc = child("hot-journal", str(path))
    wait_for_line(proc, "ready")
    proc.wait(timeout=30)
    kill(proc)
    journal = Path(f"{path}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    assert _assert_whole(path) == 40
    with open_wallet(path) as wallet:  # and it is a WAL-mode wallet again
        assert wallet.store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
