"""``vcwallet tui`` and ``vcwallet demo``: start the terminal app.

The app lives in the ``tui`` package, above this one; it is imported only when one of these
commands runs, so the rest of ``vcwallet`` never loads Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from verifier.clock import SystemClock
from verifier.fetch import RequestsFetcher
from verifier.presentation import MemoryChallengeStore
from verifier.trust import TrustList
from verifier.verification import Verifier

from ..wallet import default_wallet_path
from .contexts import add_context_options, build_context_store


def _launcher() -> Any:
    try:
        return importlib.import_module("tui.launch")
    except ImportError as exc:  # textual missing: the 'tui' extra was not installed
        raise SystemExit(f"vcwallet: the terminal app needs the 'tui' extra "
                         f"(pip install 'vcwallet[tui]'): {exc}") from exc


def add_parser(subparsers: Any) -> None:
    tui = subparsers.add_parser(
        "tui", help="open your wallet in the terminal app",
        description="Open the wallet and the verify desk in the terminal app.",
        epilog="examples:\n  vcwallet tui\n  vcwallet tui --wallet ~/badges/wallet.db --trust district.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    tui.add_argument("--wallet", type=Path, metavar="PATH", help="wallet file (default: VCWALLET_HOME "
                                                                 "or your user data folder)")
    tui.add_argument("--trust", type=Path, metavar="FILE", help="a trust list for naming issuers")
    add_context_options(tui)
    tui.set_defaults(func=run_tui)
    demo = subparsers.add_parser(
        "demo", help="try everything with a demo wallet over a local issuer world",
        description="Create a demo wallet with one educator's badges in a temporary folder, start "
                    "the local HTTPS fixture host, and open the terminal app. Quitting removes it all.",
        epilog="examples:\n  vcwallet demo", formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--now", metavar="ISO8601", help="run the demo as of this time")
    add_context_options(demo)
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    try:
        contexts = build_context_store(args, allow_network=True)
    except NotADirectoryError as exc:
        print(f"vcwallet demo: {exc}", file=sys.stderr)
        return 2
    result: int = _launcher().run_demo(contexts, as_of=args.now)
    return result


def run_tui(args: argparse.Namespace) -> int:
    try:
        contexts = build_context_store(args, allow_network=True)
        trust = TrustList.load(args.trust) if args.trust else None
    except (OSError, ValueError) as exc:
        print(f"vcwallet tui: {exc}", file=sys.stderr)
        return 2
    fetcher = RequestsFetcher()
    clock = SystemClock()
    challenges = MemoryChallengeStore()

    def make_verifier(trust_list: TrustList | None) -> Verifier:
        # One context store, fetcher, clock and challenge store for every verifier the app
        # builds (the desk builds one per trust list it loads).
        return Verifier.create(contexts=contexts, fetcher=fetcher, clock=clock,
                               trust_list=trust_list, challenges=challenges)

    path = default_wallet_path(args.wallet)
    if not path.exists():
        print(f"vcwallet tui: no wallet at {path}; create one with 'vcwallet init'", file=sys.stderr)
        return 2
    result: int = _launcher().run_wallet(path, make_verifier, trust)
    return result
