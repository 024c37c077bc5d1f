"""The README's "From Python" example, exactly as the README shows it, run from another folder.

The code is read out of README.md (never copied here), so the README cannot drift from what
works. It runs in a fresh interpreter whose working directory is a temporary folder holding
only the badge, with an empty user cache, no ``VCWALLET_CONTEXTS`` and the network refused:
what it answers comes from the package's own defaults.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING, REPO
from vcwallet.demo.world import WORLD_DIR

#: A real badge of the demo world that needs no network: a did:key issuer (the DID document is
#: the DID itself), no status list, no expiry. Only its contexts must be found.
BADGE = WORLD_DIR / "credentials" / "consortium" / "maya-alvarez--mentoring-new-teachers.json"
OTHER = WORLD_DIR / "credentials" / "consortium" / "jordan-okafor--science-lab-safety-leadership.json"

#: Runs before the README's code: any attempt to reach the network is refused and noted on
#: stderr, so "offline" is enforced, not assumed.
NO_NETWORK = """
import socket, sys
def _refuse(*args, **kwargs):
    print("NETWORK ATTEMPT", file=sys.stderr)
    raise OSError("network refused by the test")
socket.socket.connect = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""
#: Hides ``../shared/interop/contexts`` from the package, as on a checkout without it.
NO_CHECKOUT_CONTEXTS = """
import verifier.assembly
verifier.assembly.checkout_contexts_dir = lambda: None
"""


def readme_blocks() -> list[str]:
    """The ``python`` code blocks of the README's "From Python" section, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### From Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run_example(folder: Path, code: str, *, prelude: str = NO_NETWORK) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("VCWALLET_CONTEXTS", "PYTHONPATH", "HTTPS_PROXY", "https_proxy")}
    env.update(PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(folder / "empty-cache"), HOME=str(folder))
    program = prelude + f"\nexec(compile({code!r}, 'README.md', 'exec'))\n"
    return subprocess.run([sys.executable, "-c", program], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Somewhere else entirely, holding only ``badge.json``."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copyfile(BADGE, work / "badge.json")
    return work


def test_the_readme_shows_import_create_verify() -> None:
    first = readme_blocks()[0]
    code = [line for line in first.splitlines() if line.strip()]
    assert "from verifier import Verifier" in first
    assert any(re.match(r"verifier = Verifier\.create\(\)$", line) for line in code)
    assert any("verifier.verify_credential(" in line for line in code)


def test_the_readme_example_verifies_a_real_badge_offline_from_any_folder(folder: Path) -> None:
    if not INTEROP.is_dir():
        pytest.skip(f"{INTEROP_MISSING}: offline, with an empty cache, nothing else supplies the "
                    "badge's contexts (the example then says 'could not check', tested below)")
    done = run_example(folder, readme_blocks()[0])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(": VERIFIED (vc1)"), done.stdout
    assert "NETWORK ATTEMPT" not in done.stderr


def test_without_contexts_the_readme_example_says_could_not_check(folder: Path) -> None:
    """The twin: the same badge with no contexts to be had is "could not check", never a
    failure of the badge (before ``Verifier.create`` it was a bare ``context.not_found``)."""
    done = run_example(folder, readme_blocks()[0], prelude=NO_NETWORK + NO_CHECKOUT_CONTEXTS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(": NOT VERIFIED — COULD NOT CHECK (vc1)"), done.stdout
    assert "context.not_found" in done.stdout and "FAILED" not in done.stdout


def test_the_readme_bulk_example_verifies_an_inbox(folder: Path) -> None:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copyfile(BADGE, inbox / "a.json")
    shutil.copyfile(OTHER, inbox / "b.json")
    (inbox / "c.json").write_bytes(BADGE.read_bytes().replace(b"Mentoring", b"Mentor1ng"))
    first, bulk = readme_blocks()[:2]
    done = run_example(folder, first + "\n" + bulk)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-3:] == ["inbox/a.json True", "inbox/b.json True",
                                             "inbox/c.json False"], done.stdout
