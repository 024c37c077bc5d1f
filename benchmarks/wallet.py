"""Benchmark: wallet unlock, import of 1,000 credentials, and listing them.

Each operation is printed with its median and spread next to a floor measured in the same run,
so the ratios stay meaningful on a slower or noisier machine:

* unlock (``Wallet.open``) against one bare Argon2id derivation at the same strength: unlocking
  is dominated by Argon2id, which is the point;
* import (``Wallet.add``, one transaction and one fsync per credential) against a bare SQLite
  insert-and-commit of the same number of bytes with the same durability settings;
* list (decrypt and parse every summary) and search against reading the same rows without
  decrypting.

The credentials are copies of a fixture Open Badges 3.0 badge with unique ids. The verifier is a
stub that returns a fixed passing report, so the numbers are the wallet's own cost; verification
itself is measured by ``benchmarks/verify_proof.py``.

    .venv/bin/python benchmarks/wallet.py [--runs N] [--count 1000] [--kdf moderate]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nacl.pwhash.argon2id as argon2id  # noqa: E402

from vcwallet.commands.wallet_common import KDF_LEVELS  # noqa: E402
from vcwallet.demo.world import WORLD_DIR  # noqa: E402
from vcwallet.store import FAST_FOR_TESTS, KdfParams  # noqa: E402
from vcwallet.wallet import Wallet  # noqa: E402
from verifier.report import CheckResult, Status, VerificationReport  # noqa: E402

PASSPHRASE = "benchmark passphrase"
TEMPLATE = "credentials/educator-lab/maya-alvarez--growth-mindset.json"


class FixedVerifier:
    """Returns the same passing report for everything (the wallet's cost, not the verifier's)."""

    fetcher = None

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        return VerificationReport(label, "vc2", (
            CheckResult("parse", Status.PASSED, None, "read as a JSON-LD credential"),
            CheckResult("proof", Status.PASSED, None, "1 signature checked"),
            CheckResult("status", Status.PASSED, None, "not revoked"),
        ))


def credentials(count: int) -> list[bytes]:
    template = json.loads((WORLD_DIR / TEMPLATE).read_text(encoding="utf-8"))
    out = []
    for i in range(count):
        template["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        template["name"] = f"Growth Mindset {i}"
        out.append(json.dumps(template, indent=2).encode("utf-8"))
    return out


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def row(name: str, samples: list[float], floor: list[float]) -> str:
    med = statistics.median(samples)
    low, high = min(samples), max(samples)
    base = statistics.median(floor)
    return f"| {name} | {fmt(med)} | {fmt(low)} – {fmt(high)} | {fmt(base)} | {med / base:6.2f}× |"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kdf", choices=sorted(KDF_LEVELS), default="moderate",
                        help="Argon2id strength to unlock with (default: the wallet default)")
    args = parser.parse_args()
    kdf: KdfParams = KDF_LEVELS[args.kdf]
    blobs = credentials(args.count)
    size = sum(len(b) for b in blobs) // len(blobs)
    rows: list[str] = []

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # -- unlock ---------------------------------------------------------------------------
        Wallet.create(root / "unlock.db", PASSPHRASE, kdf=kdf).close()
        salt = os.urandom(16)

        def derive() -> None:
            argon2id.kdf(32, PASSPHRASE.encode(), salt, opslimit=kdf.opslimit, memlimit=kdf.memlimit)

        derive()  # warm up: the first run pays for mapping the memory
        floor: list[float] = []
        unlock: list[float] = []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            floor += timed(derive, 1)
            unlock += timed(lambda: Wallet.open(root / "unlock.db", PASSPHRASE).close(), 1)
        rows.append(row("unlock (open + key check)", unlock, floor))

        # -- import -----------------------------------------------------------------------------
        import_runs = max(3, args.runs // 2)
        wallets: list[Wallet] = []

        def import_all() -> None:
            wallet = Wallet.create(root / f"import-{len(wallets)}.db", PASSPHRASE, verifier=FixedVerifier(),
                                   kdf=FAST_FOR_TESTS, holder_key=False)
            wallets.append(wallet)
            for n, blob in enumerate(blobs):
                result = wallet.add(blob, source=f"badge-{n}.json")
                if result.outcome != "added":
                    raise SystemExit(f"benchmark import failed: {result.outcome}")

        def bare_inserts() -> None:
            conn = sqlite3.connect(root / f"bare-{time.perf_counter_ns()}.db", isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("CREATE TABLE t (id TEXT, kind TEXT, nonce BLOB, ciphertext BLOB)")
            for blob in blobs:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", ("x", "credential", b"n" * 24, blob))
                conn.execute("COMMIT")
            conn.close()

        import_floor: list[float] = []
        imports: list[float] = []
        for _ in range(import_runs):  # interleaved: fsync cost drifts with the machine's other work
            import_floor += timed(bare_inserts, 1)
            imports += timed(import_all, 1)
        rows.append(row(f"import {args.count:,} (total)", imports, import_floor))
        rows.append(row("import, per credential", [s / args.count for s in imports],
                        [s / args.count for s in import_floor]))

        # -- list -------------------------------------------------------------------------------
        wallet = wallets[-1]
        for other in wallets[:-1]:
            other.close()

        def raw_rows() -> None:
            wallet.store.connection.execute("SELECT id, nonce, ciphertext FROM records WHERE kind = 'summary'"
                                            ).fetchall()

        list_floor = timed(raw_rows, args.runs * 4)
        listing = timed(lambda: wallet.list(), args.runs * 4)
        searching = timed(lambda: wallet.list(search="growth mindset 99"), args.runs * 4)
        if len(wallet.list()) != args.count:
            raise SystemExit("benchmark list returned the wrong number of credentials")
        rows.append(row(f"list {args.count:,}", listing, list_floor))
        rows.append(row(f"search {args.count:,}", searching, list_floor))
        wallet.close()

    print(f"vcwallet wallet benchmark — Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{platform.machine()}")
    print(f"unlock strength: {kdf.describe()} (level '{args.kdf}'); credentials ≈ {size:,} bytes each; "
          "WAL, synchronous=FULL, one transaction per credential")
    print()
    print("| operation | median | spread (min – max) | floor | ratio |")
    print("|---|---|---|---|---|")
    for line in rows:
        print(line)
    print()
    print("floors: unlock = one Argon2id derivation; import = bare SQLite insert+commit of the same bytes; "
          "list/search = reading the summary rows without decrypting")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
