"""The ``vcwallet`` command line: one subcommand per task, each with ``--help`` and an example.

Subcommands live in ``vcwallet.commands``; each module exposes ``add_parser(subparsers)`` (the
wallet commands: ``register``) and sets ``func`` on its parser. Exit codes are a contract scripts
rely on: 0 success, 1 a negative answer (something did not verify), 2 a usage error or unreadable
input.

Command modules are imported lazily. Between them they load the wallet store, the issuer, the
request and sharing code and the whole verifier, which is most of a one-shot ``vcwallet verify``'s
start-up time, so the top-level parser knows each command only by name and help line
(:data:`COMMANDS`) and a module is imported when argparse dispatches to one of its commands.
``vcwallet --help`` therefore imports no command module at all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

PROG = "vcwallet"

EPILOG = """examples:
  vcwallet verify badge.json
  vcwallet verify --json --contexts ./contexts badge.json other.json
  vcwallet keys new --did web:pl.lakeview.example --out issuer.key.json
  vcwallet issue badge.json --key issuer.key.json --out signed.json
  vcwallet contexts list
"""


@dataclass(frozen=True)
class CommandGroup:
    """The commands one module registers, with the help lines ``vcwallet --help`` shows.

    ``commands`` must name every command the module's ``register`` function adds, in the order it
    adds them, with the same help line (a test compares the two).
    """

    module: str
    register: str
    commands: tuple[tuple[str, str], ...]


#: Every command, in ``--help`` order.
COMMANDS: tuple[CommandGroup, ...] = (
    CommandGroup("verify", "add_parser", (
        ("verify", "verify credentials, baked badges and presentations"),
    )),
    CommandGroup("wallet_cmds", "register", (
        ("init", "create an encrypted wallet and a holder key"),
        ("list", "list the credentials in the wallet"),
        ("remove", "remove a credential from the wallet"),
        ("tag", "add or remove tags on a credential"),
        ("note", "set or clear a credential's note"),
        ("holder", "list or rotate your holder keys"),
        ("import", "verify credentials and add them to the wallet"),
        ("recheck", "re-verify stored credentials"),
        ("show", "show one credential"),
        ("backup", "write an encrypted backup file"),
        ("restore", "merge a backup into the wallet"),
        ("passwd", "change the wallet passphrase"),
        ("salvage", "copy what still decrypts from a damaged wallet"),
    )),
    CommandGroup("keys", "add_parser", (
        ("keys", "create or show an issuer signing key"),
    )),
    CommandGroup("issue", "add_parser", (
        ("issue", "sign a credential with an issuer key file"),
    )),
    CommandGroup("status", "add_parser", (
        ("status", "create a status list and revoke, suspend or reinstate credentials"),
    )),
    CommandGroup("present", "add_parser", (
        ("request", "write a presentation request (verifier side)"),
        ("present", "answer a presentation request with credentials from the wallet"),
    )),
    CommandGroup("share", "add_parser", (
        ("share", "share a badge on LinkedIn or as an HTML page"),
        ("bake", "bake a credential into a PNG or SVG badge image"),
    )),
    CommandGroup("contexts", "add_parser", (
        ("contexts", "list, import or download the pinned JSON-LD contexts"),
    )),
    CommandGroup("app_cmds", "add_parser", (
        ("tui", "open your wallet in the terminal app"),
        ("demo", "try everything with a demo wallet over a local issuer world"),
    )),
)


def load_group(group: CommandGroup) -> dict[str, argparse.ArgumentParser]:
    """Import ``group``'s module and return the parsers it registers, by command name.

    They are registered under a throwaway ``vcwallet`` parser, so each one's ``prog`` (in usage
    lines and errors) is ``vcwallet COMMAND`` exactly as when registered on the real one.
    """
    module = importlib.import_module(f"{__package__}.commands.{group.module}")
    holder = argparse.ArgumentParser(prog=PROG)
    subparsers = holder.add_subparsers(dest="command", metavar="COMMAND")
    getattr(module, group.register)(subparsers)
    return dict(subparsers.choices)


class _GroupLoader:
    """Loads one group's parsers the first time any of its commands is used (per top parser)."""

    def __init__(self, group: CommandGroup) -> None:
        self.group = group
        self._parsers: dict[str, argparse.ArgumentParser] | None = None

    def parser(self, name: str) -> argparse.ArgumentParser:
        if self._parsers is None:
            self._parsers = load_group(self.group)
        return self._parsers[name]


class LazyCommandParser(argparse.ArgumentParser):
    """Stands in for one command's parser; parsing or asking for help loads the real one.

    argparse hands a subcommand's arguments to ``parse_known_args`` of the parser registered
    under its name, so delegating that (and help and usage) is all a stand-in needs.
    """

    command: str = ""
    loader: _GroupLoader | None = None

    def real(self) -> argparse.ArgumentParser:
        if self.loader is None:
            raise RuntimeError(f"no command module registered for {self.command!r}")
        return self.loader.parser(self.command)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        return self.real().parse_known_args(args, namespace)

    def format_help(self) -> str:
        return self.real().format_help()

    def format_usage(self) -> str:
        return self.real().format_usage()

    def error(self, message: str) -> NoReturn:
        self.real().error(message)


class _VersionAction(argparse.Action):
    """``--version``: the installed package's version, read from its metadata only when asked.

    argparse's own ``version`` action wants the string when the parser is built, which would put
    a metadata lookup on every command's start-up path.
    """

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **_kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the installed version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version(PROG)
        except PackageNotFoundError:
            parser.exit(1, f"{PROG}: no package metadata (install it: pip install -e .)\n")
        print(f"{PROG} {found}")  # stdout, as argparse's own version action does
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The ``vcwallet`` parser; no command module is imported until a command is parsed."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Wallet and verifier for educator micro-credentials.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    subparsers: Any = parser.add_subparsers(dest="command", metavar="COMMAND",
                                            parser_class=LazyCommandParser)
    for group in COMMANDS:
        loader = _GroupLoader(group)
        for name, help_line in group.commands:
            stand_in: LazyCommandParser = subparsers.add_parser(name, help=help_line, add_help=False)
            stand_in.command = name
            stand_in.loader = loader
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
