"""Command-line plumbing shared by the issuer's commands: ``keys``, ``issue``, ``status``.

They all take a key file, find its passphrase the same way, describe a failure with its stable
code the same way, and print either one JSON object or a line of text; both status list formats
(``status`` and ``status token-list``) also change an entry with the same options. Keeping that
here means a fix (say, to where a passphrase may come from) reaches every issuer command at once,
and their messages cannot drift apart.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import stat
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from verifier.errors import VCError

from ..keyfile import KeyfileError, LoadedKey, inspect_keyfile, load_keyfile
from ..passphrases import PassphraseError, check_new_passphrase, check_passphrase
from .contexts import add_context_options
from .usage import UsageError as UsageError

ENV_PASSPHRASE = "VCWALLET_PASSPHRASE"

Prompt = Callable[[str], str]


def add_passphrase_options(parser: argparse.ArgumentParser, *, allow_none: bool) -> None:
    """``--passphrase-env VAR`` (and, when creating, ``--no-passphrase``)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--passphrase-env", metavar="VAR", default=None,
                       help=f"read the passphrase from this environment variable "
                            f"(default: {ENV_PASSPHRASE}, else a prompt)")
    if allow_none:
        group.add_argument("--no-passphrase", action="store_true",
                           help="store the key unencrypted (the file is still created 0600)")


def get_passphrase(args: argparse.Namespace, *, confirm: bool, environ: Mapping[str, str] | None = None,
                   prompt: Prompt | None = None, interactive: bool | None = None) -> str:
    """The passphrase from the named variable, ``$VCWALLET_PASSPHRASE`` or a terminal prompt.

    Raises :class:`UsageError` when none can be had: a script must never end up with an
    unencrypted key, or hang on a prompt nobody sees.
    """
    env = os.environ if environ is None else environ
    named = getattr(args, "passphrase_env", None)
    if named:
        value = env.get(named, "")
        if not value:
            raise UsageError(f"--passphrase-env {named}: the variable is not set or empty")
        return value
    value = env.get(ENV_PASSPHRASE, "")
    if value:
        return value
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise UsageError(f"no passphrase: set {ENV_PASSPHRASE}, use --passphrase-env VAR, "
                         "or run on a terminal")
    ask = prompt or getpass.getpass
    first = ask("Key file passphrase: ")
    what = "key file passphrase"
    try:
        check_passphrase(first, what=what)
        return check_new_passphrase(first, ask("Repeat passphrase: "), what=what) if confirm else first
    except PassphraseError as exc:
        raise UsageError(f"{exc.message} [{exc.code}]") from exc


def add_key_argument(parser: argparse.ArgumentParser) -> None:
    """``--key KEYFILE``, required: the issuer key file to sign with."""
    parser.add_argument("--key", required=True, type=Path, metavar="KEYFILE",
                        help="the issuer key file (vcwallet keys new)")


def add_signing_options(parser: argparse.ArgumentParser, *, contexts: bool) -> None:
    """``--key``, the passphrase options, the context options when ``contexts``, and ``--json``."""
    add_key_argument(parser)
    add_passphrase_options(parser, allow_none=False)
    if contexts:
        add_context_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_change_options(parser: argparse.ArgumentParser, *, credential_metavar: str, credential_help: str,
                       list_help: str, reinstate: bool, contexts: bool) -> None:
    """The options of a status list ``revoke``/``suspend``/``reinstate`` action.

    The credential (or ``--index``), ``--list``, ``--state``, ``--allow-unrevoke`` when
    ``reinstate``, then :func:`add_signing_options`.
    """
    parser.add_argument("credential", nargs="?", metavar=credential_metavar, help=credential_help)
    parser.add_argument("--list", required=True, type=Path, metavar="FILE", dest="list_path", help=list_help)
    parser.add_argument("--state", type=Path, metavar="FILE", dest="state_path",
                        help="the list's private allocation record (default: LIST.state.json)")
    parser.add_argument("--index", type=index_arg, metavar="N", help="the list index to change")
    if reinstate:
        parser.add_argument("--allow-unrevoke", action="store_true",
                            help="also clear a revocation (only to undo a mistake)")
    add_signing_options(parser, contexts=contexts)


def index_arg(text: str) -> int:
    """An argparse ``type`` for a status list index: a non-negative decimal integer."""
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError("an index is a non-negative decimal integer")
    return int(text)


def _warn_if_exposed(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(f"warning: {path} holds an unencrypted key and others can read it; "
              f"run: chmod 600 {path}", file=sys.stderr)


def load_key(args: argparse.Namespace, *, warn_if_exposed: bool = False) -> LoadedKey:
    """Unlock ``args.key``, asking for a passphrase only when the file is encrypted.

    With ``warn_if_exposed`` an unencrypted key file that others can read draws a warning on
    stderr. Raises :data:`KEY_ERRORS`; :func:`key_error_message` words them.
    """
    info = inspect_keyfile(args.key)
    if warn_if_exposed and not info.encrypted:
        _warn_if_exposed(args.key)
    passphrase = get_passphrase(args, confirm=False) if info.encrypted else None
    return load_keyfile(args.key, passphrase)


#: What :func:`load_key` (and building a context store) raises for an exit-code-2 failure.
KEY_ERRORS: tuple[type[Exception], ...] = (UsageError, KeyfileError, OSError)


def key_error_message(key_path: Path, exc: Exception) -> str:
    """The one-line message for a :data:`KEY_ERRORS` failure (any other error: its text)."""
    if isinstance(exc, KeyfileError):
        return f"{key_path}: {coded(exc)}"
    if isinstance(exc, OSError):
        return f"cannot read: {exc}"
    return str(exc)


def coded(exc: VCError) -> str:
    """``message [code]``, with `` at PATH`` when the error points into the input."""
    where = f" at {exc.path}" if exc.path else ""
    return f"{exc.message}{where} [{exc.code}]"


def cannot_read(name: object, exc: OSError) -> str:
    """``cannot read NAME: reason``, the reason without the errno clutter when there is one."""
    return f"cannot read {name}: {exc.strerror or exc}"


def read_input(name: str) -> bytes:
    """The bytes of file ``name``, or of stdin for ``-``."""
    return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()


def print_usage(parser: argparse.ArgumentParser) -> int:
    """Help on stderr for a command given without its action; the usage exit code, 2."""
    parser.print_help(sys.stderr)
    return 2


def print_result(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """``payload`` as one JSON object under ``--json``, else ``text``."""
    print(json.dumps(payload, ensure_ascii=False) if args.json else text)
