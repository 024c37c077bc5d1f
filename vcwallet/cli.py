"""The ``vcwallet`` command line: one subcommand per task, each with ``--help`` and an example.

Subcommands live in ``vcwallet.commands``; each module exposes ``add_parser(subparsers)`` and
sets ``func`` on its parser. Exit codes are a contract scripts rely on: 0 success, 1 a negative
answer (something did not verify), 2 a usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import app_cmds
from .commands import contexts as contexts_cmd
from .commands import issue as issue_cmd
from .commands import keys as keys_cmd
from .commands import present as present_cmd
from .commands import share as share_cmd
from .commands import status as status_cmd
from .commands import verify as verify_cmd
from .commands import wallet_cmds

EPILOG = """examples:
  vcwallet verify badge.json
  vcwallet verify --json --contexts ./contexts badge.json other.json
  vcwallet keys new --did web:pl.lakeview.example --out issuer.key.json
  vcwallet issue badge.json --key issuer.key.json --out signed.json
  vcwallet contexts list
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vcwallet",
        description="Wallet and verifier for educator micro-credentials.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    verify_cmd.add_parser(subparsers)
    wallet_cmds.register(subparsers)
    keys_cmd.add_parser(subparsers)
    issue_cmd.add_parser(subparsers)
    status_cmd.add_parser(subparsers)
    present_cmd.add_parser(subparsers)
    share_cmd.add_parser(subparsers)
    contexts_cmd.add_parser(subparsers)
    app_cmds.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
