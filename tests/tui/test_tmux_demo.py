"""``vcwallet demo`` in a real terminal: tmux at 120×40, driven by keys, read with capture-pane.

The run checks that the badge table appears (and how fast: the issue asks for 3 seconds; the test
fails only past 10, so a slow machine is not a failure, and prints the time it measured), and that
``/``, Enter, ``v``, ``tab``, ``?`` and ``q`` do what they say. Each step's screen goes into a
transcript written under the test's tmp folder; its key lines must equal those of the committed
transcript ``tests/tui/transcripts/demo-120x40.txt``, which is a real capture from this test.
Regenerate it after a deliberate change with ``VCWALLET_UPDATE_TRANSCRIPT=1 pytest tests/tui/test_tmux_demo.py``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CONTEXTS_MISSING, REPO, pinned_contexts

TMUX = shutil.which("tmux")
CONTEXTS = pinned_contexts()
TRANSCRIPT = Path(__file__).parent / "transcripts" / "demo-120x40.txt"
WIDTH, HEIGHT = 120, 40
GOAL_SECONDS = 3.0
LIMIT_SECONDS = 10.0
STEP_TIMEOUT = 20.0

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(CONTEXTS is None, reason=CONTEXTS_MISSING),
]

#: Each step: (name, keys to send, text that must be on the screen after them). The ``expect``
#: texts are also the transcript's key lines: every line containing one must match the committed
#: transcript exactly.
STEPS: list[tuple[str, list[str], list[str]]] = [
    ("start", [], ["11 badges: 7 verified", "Checking for Student Understanding", "✗ revoked",
                   "‖ suspended", "◷ expired", "? untrusted", "/ Search"]),
    ("slash, type 'mindset'", ["/", "mindset"], ["1 of 11 badges match “mindset”", "Growth Mindset"]),
    ("enter: back to the filtered table", ["Enter"], ["1 of 11 badges match “mindset”", "v Verify"]),
    ("enter: the badge's card", ["Enter"], ["Growth Mindset", "Last verification", "VERIFIED",
                                            "r Raw JSON"]),
    ("escape, then v: re-verify", ["Escape", "v"], ["“Growth Mindset”: verified → verified"]),
    ("tab: the verify desk", ["Tab"], ["Trust list (3 issuers)", "No report yet", "o Open file"]),
    ("?: help", ["?"], ["vcwallet — keys", "switch Wallet ↔ Verify desk"]),
    ("escape, then q: quit", ["Escape", "q"], []),
]


class Tmux:
    """One private tmux server (its own socket), so the test never touches the user's sessions."""

    def __init__(self) -> None:
        assert TMUX is not None
        self.base = [TMUX, "-L", f"vcwallet-test-{os.getpid()}"]
        self.target = "demo"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # COLUMNS/LINES (pytest may set them) would override the pane's real size inside the app.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        return subprocess.run([*self.base, *args], check=check, capture_output=True, text=True, timeout=20,
                              env=env)

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.target, "-x", str(WIDTH), "-y", str(HEIGHT), command)

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.target, check=False).returncode == 0

    def capture(self) -> str:
        if not self.alive():
            return ""
        return self.run("capture-pane", "-p", "-t", self.target, check=False).stdout

    def send(self, key: str) -> None:
        literal = len(key) > 1 and key not in ("Enter", "Escape", "Tab")
        self.run("send-keys", "-t", self.target, *(["-l", key] if literal else [key]))

    def kill(self) -> None:
        self.run("kill-server", check=False)


def wait_for(tmux: Tmux, done: Callable[[str], bool], timeout: float = STEP_TIMEOUT) -> str:
    deadline = time.monotonic() + timeout
    screen = tmux.capture()
    while not done(screen) and time.monotonic() < deadline:
        time.sleep(0.05)
        screen = tmux.capture()
    return screen


def key_lines(screen: str, expect: list[str]) -> list[str]:
    return [line.rstrip() for line in screen.splitlines() if any(text in line for text in expect)]


def sections(transcript: str) -> dict[str, str]:
    found: dict[str, str] = {}
    name = None
    for line in transcript.splitlines():
        if line.startswith("=== after: "):
            name = line.removeprefix("=== after: ").removesuffix(" ===")
            found[name] = ""
        elif name is not None:
            found[name] += line + "\n"
    return found


def test_demo_under_tmux(tmp_path: Path) -> None:
    command = (f"{shlex.quote(sys.executable)} -m vcwallet demo --contexts {shlex.quote(str(CONTEXTS))}"
               f"; sleep 0.3")
    before = set(Path(tempfile.gettempdir()).glob("vcwallet-demo-*"))
    tmux = Tmux()
    captured: list[tuple[str, str]] = []
    try:
        started = time.monotonic()
        tmux.start(f"cd {shlex.quote(str(REPO))} && {command}")
        name, _keys, expect = STEPS[0]
        screen = wait_for(tmux, lambda s: all(text in s for text in expect), LIMIT_SECONDS)
        elapsed = time.monotonic() - started
        print(f"\nvcwallet demo showed the badge table after {elapsed:.2f} s (goal {GOAL_SECONDS:.0f} s)")
        for text in expect:
            assert text in screen, f"start: {text!r} not shown within {LIMIT_SECONDS:.0f} s"
        captured.append((name, screen))
        for name, keys, expect in STEPS[1:]:
            for key in keys:
                tmux.send(key)
                # A lone Escape followed at once by a key reads as Alt+key: let it stand alone.
                time.sleep(0.5 if key == "Escape" else 0.1)
            if expect:
                screen = wait_for(tmux, lambda s, e=expect: all(text in s for text in e))  # type: ignore[misc]
                for text in expect:
                    assert text in screen, f"after {name}: {text!r} is not on the screen:\n{screen}"
            else:
                deadline = time.monotonic() + STEP_TIMEOUT
                while tmux.alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert not tmux.alive(), "q did not quit the demo"
                screen = "(the demo has exited)\n"
            captured.append((name, screen))
    finally:
        tmux.kill()
    left = set(Path(tempfile.gettempdir()).glob("vcwallet-demo-*")) - before
    assert not left, f"quitting left the demo's temporary folder behind: {left}"

    transcript = "".join(f"=== after: {name} ===\n{screen.rstrip()}\n" for name, screen in captured)
    (tmp_path / TRANSCRIPT.name).write_text(transcript, encoding="utf-8")
    if os.environ.get("VCWALLET_UPDATE_TRANSCRIPT") == "1" or not TRANSCRIPT.exists():
        TRANSCRIPT.parent.mkdir(parents=True, exist_ok=True)
        TRANSCRIPT.write_text(transcript, encoding="utf-8")
    committed = sections(TRANSCRIPT.read_text(encoding="utf-8"))
    live = sections(transcript)
    for name, _keys, expect in STEPS:
        assert name in committed, f"the committed transcript has no step {name!r}: regenerate it"
        assert key_lines(live[name], expect) == key_lines(committed[name], expect), name
