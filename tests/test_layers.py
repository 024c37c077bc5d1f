"""Imports go downward only: verifier never loads vcwallet or textual; vcwallet never textual."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(("package", "forbidden"), [
    ("verifier", ("vcwallet", "textual", "tui")),
    ("vcwallet", ("textual", "tui")),
])
def test_layering(package: str, forbidden: tuple[str, ...]) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if m.name.endswith('__main__'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {forbidden!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_import_has_no_side_effects() -> None:
    """Importing the library performs no network or file I/O (checked by blocking sockets)."""
    code = (
        "import socket\n"
        "def boom(*a, **k):\n    raise SystemExit('network at import')\n"
        "socket.socket.connect = boom\n"
        "import verifier.verification, verifier.contexts, verifier.did, verifier.canon, vcwallet.cli\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
