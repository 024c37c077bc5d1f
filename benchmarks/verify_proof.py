"""Benchmark: warm eddsa-rdfc-2022 proof verification of an Open Badges 3.0 credential.

Prints the median time per verify (and its spread) next to a bare pynacl Ed25519 verify measured
in the same run, so the ratio stays meaningful on a noisy or slower machine.

    .venv/bin/python benchmarks/verify_proof.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from vcwallet.samples import sample_credential_path  # noqa: E402
from verifier.verification import Verifier  # noqa: E402


def timed(fn: Callable[[], object], runs: int, inner: int) -> list[float]:
    """Per-call seconds for ``runs`` batches of ``inner`` calls each."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - start) / inner)
    return out


def row(name: str, samples: list[float], floor: float) -> str:
    med = statistics.median(samples)
    q = statistics.quantiles(samples, n=4) if len(samples) >= 4 else [med, med, med]
    return (f"| {name} | {med * 1e6:9.1f} µs | {q[0] * 1e6:.1f}–{q[2] * 1e6:.1f} µs "
            f"| {med / floor:7.1f}× |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--contexts", type=Path, default=REPO.parent / "shared/interop/contexts")
    args = parser.parse_args()

    import nacl.signing

    signing = nacl.signing.SigningKey.generate()
    message = bytes(64)
    signed = signing.sign(message)
    verify_key = signing.verify_key

    def floor_op() -> None:
        verify_key.verify(signed)

    credential = json.loads(sample_credential_path().read_text(encoding="utf-8"))
    verifier = Verifier.create(contexts=[args.contexts] if args.contexts.is_dir() else [],
                               network=False)  # did:key: no network needed
    checker = verifier.proofs
    issuer = credential["issuer"]["id"]

    def verify_op() -> None:
        outcome = checker.verify(credential, expected_controller=issuer)
        if not outcome.all_signatures_ok:
            raise SystemExit(f"benchmark credential did not verify: {outcome.first_error!r}")

    verify_op()  # warm: contexts processed once, as in a long-running verifier
    floor = timed(floor_op, args.runs, 2000)
    proof = timed(verify_op, args.runs, 50)
    floor_med = statistics.median(floor)
    print(f"# verify_proof — {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
          f"Python {platform.python_version()}, {platform.processor() or 'cpu'}")
    print("| operation | median | IQR | × pynacl floor |")
    print("|---|---|---|---|")
    print(row("pynacl Ed25519 verify (floor)", floor, floor_med))
    print(row("eddsa-rdfc-2022 OB 3.0 proof verify, warm", proof, floor_med))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
