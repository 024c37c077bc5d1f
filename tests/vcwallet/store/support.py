"""Shared helpers for the wallet store and wallet tests: a stub verifier, synthetic credentials,
and a way to run a child process that works on a wallet (to kill it, limit it, or race it).

The stub verifier keeps storage tests fast and independent of the verifier: it passes anything
except bytes containing ``FAIL``. Tests that need real verification use the fixture world.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from vcwallet.store import FAST_FOR_TESTS, KdfParams
from vcwallet.wallet import Wallet
from verifier.report import CheckResult, Status, VerificationReport

REPO = Path(__file__).resolve().parents[3]
FAST: KdfParams = FAST_FOR_TESTS
PASSPHRASE = "correct horse battery staple"


class StubVerifier:
    """Passes every credential except those whose bytes contain ``FAIL`` (proof fails)."""

    fetcher = None

    def __init__(self) -> None:
        self.calls = 0

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        self.calls += 1
        raw = data if isinstance(data, bytes) else str(data).encode()
        checks = [CheckResult("parse", Status.PASSED, None, "read")]
        if b"REVOKED" in raw:
            checks += [CheckResult("proof", Status.PASSED, None, "ok"),
                       CheckResult("status", Status.FAILED, "status.revoked", "revoked")]
        elif b"FAIL" in raw:
            checks.append(CheckResult("proof", Status.FAILED, "proof.invalid_signature", "bad"))
        else:
            checks.append(CheckResult("proof", Status.PASSED, None, "ok"))
        return VerificationReport(label, "vc2", tuple(checks))


def credential(i: int, *, name: str | None = None, pad: int = 0, marker: str = "") -> bytes:
    """A small OB 3.0-shaped credential with a unique id (not signed: the stub accepts it)."""
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name or f"Stub Badge {i}",
        "issuer": {"id": "did:example:stub-issuer", "type": ["Profile"], "name": "Stub Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:holder",
                              "achievement": {"id": f"urn:example:achievement:{i}", "type": ["Achievement"],
                                              "name": name or f"Stub Badge {i}",
                                              "criteria": {"narrative": "Do the thing."}}},
    }
    if pad:
        doc["padding"] = "x" * pad
    if marker:
        doc["marker"] = marker
    return json.dumps(doc, separators=(",", ":")).encode()


def new_wallet(path: Path, **kwargs: Any) -> Wallet:
    return Wallet.create(path, PASSPHRASE, verifier=StubVerifier(), kdf=FAST, **kwargs)


def open_wallet(path: Path, **kwargs: Any) -> Wallet:
    return Wallet.open(path, PASSPHRASE, verifier=StubVerifier(), **kwargs)


def child(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    """Start ``python -m tests.vcwallet.store.child ARGS`` in the repository."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "tests.vcwallet.store.child", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def run_child(*args: str, timeout: float = 60) -> tuple[int, str, str]:
    proc = child(*args)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def wait_for_line(proc: subprocess.Popen[str], prefix: str, timeout: float = 30) -> str:
    """Read the child's stdout until a line starts with ``prefix``."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended before printing {prefix!r}: {proc.stderr.read() if proc.stderr else ''}")
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"child did not print {prefix!r} in time")


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the child (if it still runs) and reap it."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def sidecars(path: Path) -> dict[str, bytes]:
    """The raw bytes of the database file and its -wal/-shm files that exist."""
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            out[suffix or "db"] = candidate.read_bytes()
    return out
