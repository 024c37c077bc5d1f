"""Plumbing shared by the wallet commands: where the wallet is, where passphrases come from,
and how failures are printed (with their stable code and a hint) and mapped to exit codes.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from verifier.errors import VCError
from verifier.rendering import safe_text

from ..errors import advice
from ..passphrases import PassphraseError, check_new_passphrase, check_passphrase
from ..store import FAST_FOR_TESTS, INTERACTIVE, MODERATE, SENSITIVE, KdfParams, files
from ..usecases.open_wallet import unlock_wallet
from ..wallet import CredentialSummary, Wallet, default_wallet_path
from .usage import UsageError as UsageError

ENV_PASSPHRASE = "VCWALLET_PASSPHRASE"
ENV_NEW_PASSPHRASE = "VCWALLET_NEW_PASSPHRASE"
ENV_BACKUP_PASSPHRASE = "VCWALLET_BACKUP_PASSPHRASE"

#: ``--kdf`` levels. ``insecure-test`` is accepted but not advertised: it exists for test suites.
KDF_LEVELS: dict[str, KdfParams] = {
    "interactive": INTERACTIVE, "moderate": MODERATE, "sensitive": SENSITIVE,
    "insecure-test": FAST_FOR_TESTS,
}

Prompt = Callable[[str], str]

WALLET_HELP = ("the wallet file (default: $VCWALLET_HOME/wallet.db, else "
               "~/.local/share/vcwallet/wallet.db or your platform's data folder)")
PASSPHRASE_NOTE = ("The passphrase comes from $VCWALLET_PASSPHRASE, or from a prompt (not echoed) "
                   "on a terminal.")


def add_wallet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wallet", metavar="PATH", default=None, help=WALLET_HELP)


def kdf_level(value: str) -> KdfParams:
    if value not in KDF_LEVELS:
        raise argparse.ArgumentTypeError("choose interactive, moderate or sensitive")
    return KDF_LEVELS[value]


def wallet_path(args: argparse.Namespace) -> Path:
    return default_wallet_path(getattr(args, "wallet", None))


def get_passphrase(what: str, env_name: str, *, confirm: bool = False,
                   environ: Mapping[str, str] | None = None, prompt: Prompt | None = None,
                   interactive: bool | None = None) -> str:
    """A passphrase from ``env_name``, else a no-echo prompt on a terminal, else a usage error.

    Core dumps are switched off first: from here on the process holds a secret.
    """
    files.disable_core_dumps()
    env = os.environ if environ is None else environ
    value = env.get(env_name, "")
    if value:
        return value
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise UsageError(f"no {what}: set {env_name} or run on a terminal")
    ask = prompt or getpass.getpass
    first = ask(f"{what[:1].upper()}{what[1:]}: ")
    try:
        check_passphrase(first, what=what)
        return check_new_passphrase(first, ask(f"Repeat the {what}: "), what=what) if confirm else first
    except PassphraseError as exc:
        raise UsageError(f"{exc.message} [{exc.code}]") from exc


def open_wallet(args: argparse.Namespace, *, verifier: Any = None) -> Wallet:
    path = wallet_path(args)
    return unlock_wallet(path, get_passphrase("wallet passphrase", ENV_PASSPHRASE), verifier=verifier)


def report_error(command: str, exc: BaseException) -> int:
    """Print a failure with its code and what to do (:func:`vcwallet.errors.advice`); exit code 2."""
    if isinstance(exc, VCError):
        print(f"vcwallet {command}: {exc.message} [{exc.code}]", file=sys.stderr)
        hint = advice(exc.code)
        if hint:
            print(f"  {hint}", file=sys.stderr)
    else:
        print(f"vcwallet {command}: {exc}", file=sys.stderr)
    return 2


def guarded(command: str, body: Callable[[], int]) -> int:
    try:
        return body()
    except UsageError as exc:
        print(f"vcwallet {command}: {exc}", file=sys.stderr)
        return 2
    except (VCError, OSError) as exc:
        return report_error(command, exc)


def short(record_id: str) -> str:
    return record_id[:10]


def label_of(summary: CredentialSummary) -> str:
    """The name a person knows the credential by, safe to print (it comes from the badge:
    control characters and lone surrogates are shown escaped)."""
    return safe_text(summary.name or summary.achievement or summary.credential_id or "(unnamed credential)")


def confirm(question: str, *, interactive: bool | None = None, prompt: Prompt | None = None) -> bool:
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise UsageError("refusing to remove without confirmation: pass --yes")
    answer = (prompt or input)(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def make_parser(subparsers: Any, name: str, help_text: str, description: str, epilog: str) -> Any:
    parser = subparsers.add_parser(name, help=help_text, description=description,
                                   epilog=epilog + PASSPHRASE_NOTE + "\n",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    add_wallet_option(parser)
    return parser


