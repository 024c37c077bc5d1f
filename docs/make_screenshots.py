"""Regenerate the README's screenshots: ``docs/screenshots/wallet.svg`` and ``verify-desk.svg``.

    python docs/make_screenshots.py [--contexts DIR] [--out DIR]

Both come from ``vcwallet demo``'s own session (Maya Alvarez's fixture badges on the demo's fixed
clock) through Textual's ``App.save_screenshot``, so running this again writes the same files
unless the app itself changed. ``tests/tui/test_screenshots.py`` checks exactly that.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONTEXTS = REPO.parent / "shared" / "interop" / "contexts"
SIZE = (120, 34)
THEME = "textual-dark"
#: Shown relative to the repository, so the picture does not depend on where it is checked out.
REVOKED = "vcwallet/data/world/credentials/educator-lab/maya-alvarez--formative-assessment.json"


async def _settle(pilot: Any) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _wallet(pilot: Any) -> None:
    await _settle(pilot)


async def _desk(pilot: Any) -> None:
    from textual.widgets import Input

    from tui.widgets.report_view import ReportView

    await pilot.press("tab")
    await pilot.pause()
    box = pilot.app.screen.query_one("#desk-path", Input)
    box.value = REVOKED
    box.focus()
    await pilot.press("enter")
    await _settle(pilot)
    tree = pilot.app.screen.query_one("#desk-report", ReportView)
    status = next(node for node in tree.root.children if "Revocation" in str(node.label))
    status.expand()
    tree.move_cursor(status)
    await pilot.pause()


SHOTS: dict[str, Callable[[Any], Awaitable[None]]] = {"wallet.svg": _wallet, "verify-desk.svg": _desk}


def make_screenshots(contexts: Path, out: Path) -> list[Path]:
    """Write every screenshot into ``out``; returns the files written."""
    from tui.app import create_app
    from tui.launch import demo_services
    from vcwallet.demo.session import DemoSession
    from verifier.contexts import ContextStore

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    session = DemoSession(ContextStore(directories=[contexts])).start()
    here = Path.cwd()
    os.chdir(REPO)
    try:
        for name, steps in SHOTS.items():
            services = demo_services(session)
            services.cleanup = None  # the session is closed once, below
            app = create_app(services)

            async def pilot_run(pilot: Any, steps: Callable[[Any], Awaitable[None]] = steps,
                                name: str = name) -> None:
                pilot.app.theme = THEME
                await pilot.pause()
                await steps(pilot)
                await pilot.wait_for_scheduled_animations()
                await pilot.pause()
                pilot.app.save_screenshot(filename=name, path=str(out))
                pilot.app.exit()

            app.run(headless=True, size=SIZE, auto_pilot=pilot_run)
            written.append(out / name)
    finally:
        os.chdir(here)
        session.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contexts", type=Path, default=DEFAULT_CONTEXTS,
                        help="the interop JSON-LD contexts folder (default: ../shared/interop/contexts)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not args.contexts.is_dir():
        print(f"make_screenshots: no contexts folder at {args.contexts}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO))
    for path in make_screenshots(args.contexts, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
