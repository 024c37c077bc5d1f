"""Child processes for the crash, limit and concurrency tests (run with ``python -m``).

Each action works on a wallet created by the parent test with the fast KDF and the shared test
passphrase, and reports on stdout. Kill points: ``passwd-kill`` and ``migrate-kill`` wrap
``Store._sql`` so the process SIGKILLs itself before or after the K-th statement of that phase;
``backup-kill`` wraps ``vcwallet.store.backup._step`` (every statement on the backup file) the
same way; ``insert`` and ``passwd-loop`` are killed by the parent at random moments.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import sys
from typing import Any

from tests.vcwallet.store.support import PASSPHRASE, StubVerifier, credential
from vcwallet.store import FAST_FOR_TESTS, StorageFull, Store, WalletError
from vcwallet.wallet import Wallet


def _say(text: str) -> None:
    print(text, flush=True)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_at(phase: str, target: int, when: str) -> None:
    """Make ``Store._sql`` kill this process around its ``target``-th statement in ``phase``."""
    original = Store._sql
    seen = {"n": 0}

    def patched(self: Store, statement: str, params: Any = ()) -> sqlite3.Cursor:
        if self._phase != phase:
            return original(self, statement, params)
        seen["n"] += 1
        if seen["n"] == target and when == "before":
            _die()
        cursor = original(self, statement, params)
        if seen["n"] == target and when == "after":
            _die()
        return cursor

    Store._sql = patched  # type: ignore[method-assign]


def insert(path: str, start: int, count: int) -> int:
    with Wallet.open(path, PASSPHRASE, verifier=StubVerifier()) as wallet:
        _say("ready")
        added = duplicates = 0
        for i in range(start, start + count):
            result = wallet.add(credential(i, pad=1500), source=f"cred-{i}")
            added += result.outcome == "added"
            duplicates += result.outcome == "duplicate"
            _say(f"progress {i}")
    _say(f"done {added} {duplicates}")
    return 0


def passwd_loop(path: str, first: str, second: str) -> int:
    current, other = first, second
    with Wallet.open(path, current) as wallet:
        _say("ready")
        while True:
            wallet.passwd(current, other)
            current, other = other, current


def passwd_kill(path: str, old: str, new: str, target: int, when: str) -> int:
    with Wallet.open(path, old) as wallet:
        _kill_at("passwd", target, when)
        wallet.passwd(old, new)
    _say("completed")
    return 0


def migrate_kill(path: str, target: int, when: str) -> int:
    _kill_at("migrate", target, when)
    with Store.open(path, PASSPHRASE) as store:
        _say(f"completed {store.schema_version}")
    return 0


def fill(path: str, limit: int, most: int) -> int:
    with Wallet.open(path, PASSPHRASE, verifier=StubVerifier()) as wallet:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        added = 0
        try:
            for i in range(most):
                wallet.add(credential(i, pad=6000), source=f"cred-{i}")
                added += 1
        except StorageFull as exc:
            _say(f"full {added} {exc.code}")
        _say(f"added {added}")
        _say(f"listed {len(wallet.list())}")
    return 0


def crash_with_wal(path: str, start: int, count: int) -> int:
    wallet = Wallet.open(path, PASSPHRASE, verifier=StubVerifier())
    for i in range(start, start + count):
        wallet.add(credential(i, pad=1500), source=f"cred-{i}")
    _say("ready")
    _die()
    return 0


def hot_journal(path: str) -> int:
    """Leave a hot rollback journal: a big uncommitted UPDATE spilled to the file, then SIGKILL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE records SET ciphertext = zeroblob(length(ciphertext))")
    _say("ready")
    _die()
    return 0


def unprivileged(action: str, path: str) -> int:
    """Open or create as an unprivileged user (root ignores file permissions)."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        if action == "open":
            Store.open(path, PASSPHRASE).close()
        else:
            Store.create(path, PASSPHRASE, kdf=FAST_FOR_TESTS).close()
    except WalletError as exc:
        _say(f"error {exc.code} {exc.details.get('path', '')}")
        return 0
    _say("ok")
    return 0


def backup_kill(path: str, dest: str, secret: str, target: int, when: str) -> int:
    import vcwallet.store.backup as backup_module

    original = backup_module._step
    seen = {"n": 0}

    def patched(conn: sqlite3.Connection, statement: str, params: Any = (), *,
                many: bool = False) -> sqlite3.Cursor:
        seen["n"] += 1
        if seen["n"] == target and when == "before":
            _die()
        cursor = original(conn, statement, params, many=many)
        if seen["n"] == target and when == "after":
            _die()
        return cursor

    backup_module._step = patched  # type: ignore[assignment]
    with Wallet.open(path, PASSPHRASE) as wallet:
        wallet.backup(dest, secret, kdf=FAST_FOR_TESTS)
    _say(f"completed {seen['n']}")
    return 0


def core_limit(path: str) -> int:
    """Report the soft core-file limit before and after unlocking (raised first, where allowed)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else min(hard, 1 << 20)
    resource.setrlimit(resource.RLIMIT_CORE, (wanted, hard))
    _say(f"before {resource.getrlimit(resource.RLIMIT_CORE)[0]}")
    with Wallet.open(path, PASSPHRASE) as wallet:
        _say(f"unlocked {resource.getrlimit(resource.RLIMIT_CORE)[0]} {len(wallet.list())}")
    return 0


def main(argv: list[str]) -> int:
    action, *rest = argv
    if action == "insert":
        return insert(rest[0], int(rest[1]), int(rest[2]))
    if action == "passwd-loop":
        return passwd_loop(rest[0], rest[1], rest[2])
    if action == "passwd-kill":
        return passwd_kill(rest[0], rest[1], rest[2], int(rest[3]), rest[4])
    if action == "migrate-kill":
        return migrate_kill(rest[0], int(rest[1]), rest[2])
    if action == "fill":
        return fill(rest[0], int(rest[1]), int(rest[2]))
    if action == "crash-wal":
        return crash_with_wal(rest[0], int(rest[1]), int(rest[2]))
    if action == "hot-journal":
        return hot_journal(rest[0])
    if action == "backup-kill":
        return backup_kill(rest[0], rest[1], rest[2], int(rest[3]), rest[4])
    if action == "core-limit":
        return core_limit(rest[0])
    if action in ("open", "create"):
        return unprivileged(action, rest[0])
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
