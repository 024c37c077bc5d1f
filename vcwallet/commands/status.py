"""``vcwallet status``: create a Bitstring Status List, then revoke, suspend or reinstate entries.

The list file (``--out``/``--list``) is what the issuer publishes at ``--url``; the
``.state.json`` file beside it is private bookkeeping and must not be published. Every change
re-signs the list with the issuer key file, checks the signature, and replaces the file
atomically. Exit codes: 0 done (also when the entry already had that status), 1 refused
(wrong list purpose, revocation is permanent, key not the list issuer's), 2 a usage error or an
input that could not be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.errors import ParseError, VCError
from verifier.json_reader import loads
from verifier.status import MIN_BITS

from .contexts import build_context_store
from .issuer_args import (
    KEY_ERRORS,
    UsageError,
    add_change_options,
    add_signing_options,
    cannot_read,
    coded,
    key_error_message,
    load_key,
    print_result,
    print_usage,
    read_input,
)

if TYPE_CHECKING:
    from ..issuing.status_list import StatusListManager
    from ..keyfile import LoadedKey

STATUS_EXAMPLES = """examples:
  vcwallet status create --key issuer.key.json --url https://example.edu/status/1 --out status-1.json
  vcwallet status revoke badge.json --list status-1.json --key issuer.key.json
  vcwallet status suspend --list suspend-1.json --index 4711 --key issuer.key.json
  vcwallet status reinstate badge.json --list suspend-1.json --key issuer.key.json
Publish status-1.json at its URL after every change. Keep status-1.state.json private: it maps
list positions to credentials.
"""

CREATE_EXAMPLES = """examples:
  vcwallet status create --key issuer.key.json --url https://example.edu/status/1 --out status-1.json
  vcwallet status create --key issuer.key.json --url https://example.edu/status/s1 \\
      --purpose suspension --out suspend-1.json
"""

CHANGE_EXAMPLES = """examples:
  vcwallet status {verb} badge.json --list status-1.json --key issuer.key.json
  vcwallet status {verb} --list status-1.json --index 4711 --key issuer.key.json
"""


def add_parser(subparsers: Any) -> None:
    """Register ``status`` with ``create``, ``revoke``, ``suspend`` and ``reinstate``."""
    parser = subparsers.add_parser(
        "status", help="create a status list and revoke, suspend or reinstate credentials",
        description="Manage a W3C Bitstring Status List for credentials you issue.",
        epilog=STATUS_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=lambda _args: print_usage(parser))
    actions = parser.add_subparsers(dest="status_command", metavar="ACTION")

    create = actions.add_parser(
        "create", help="write a new, empty, signed status list",
        description="Create a signed BitstringStatusListCredential (all entries clear) and its "
                    "private allocation record FILE.state.json.",
        epilog=CREATE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    create.add_argument("--url", required=True, help="where the list will be published (its id)")
    create.add_argument("--out", required=True, type=Path, metavar="FILE", help="the list file to write")
    create.add_argument("--purpose", choices=("revocation", "suspension"), default="revocation",
                        help="what a set bit means (default: revocation)")
    create.add_argument("--size", type=int, default=MIN_BITS, metavar="BITS",
                        help=f"number of entries, a multiple of 8 (default and minimum: {MIN_BITS})")
    create.add_argument("--force", action="store_true", help="overwrite an existing list")
    add_signing_options(create, contexts=True)
    create.set_defaults(func=run)

    for verb, text in (("revoke", "revoke a credential (permanent)"),
                       ("suspend", "suspend a credential (reversible)"),
                       ("reinstate", "lift a suspension")):
        change = actions.add_parser(
            verb, help=text,
            description=f"{text[0].upper()}{text[1:]}: set or clear its entry on --list, re-sign "
                        "the list and write it. Give the credential or --index.",
            epilog=CHANGE_EXAMPLES.format(verb=verb),
            formatter_class=argparse.RawDescriptionHelpFormatter)
        add_change_options(change, credential_metavar="CREDENTIAL.json",
                           credential_help="the credential whose entry to change (or use --index)",
                           list_help="the status list file (from status create)",
                           reinstate=verb == "reinstate", contexts=True)
        change.set_defaults(func=run)
    from .sdjwt_status import add_token_list_parser

    add_token_list_parser(actions)


def _error(message: str) -> None:
    print(f"vcwallet status: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        key = load_key(args)
        loader = build_context_store(args, allow_network=False).document_loader
    except KEY_ERRORS as exc:
        _error(key_error_message(args.key, exc))
        return 2
    try:
        if args.status_command == "create":
            return _create(args, key, loader)
        return _change(args, key, loader)
    except UsageError as exc:
        _error(str(exc))
        return 2


def _create(args: argparse.Namespace, key: LoadedKey, loader: Any) -> int:
    from ..issuing.status_list import StatusListManager

    try:
        manager = StatusListManager.create(
            args.out, url=args.url, issuer=key.did, key=key.key,
            verification_method=key.verification_method, document_loader=loader,
            purpose=args.purpose, size=args.size, overwrite=args.force)
    except FileExistsError as exc:
        raise UsageError(f"{exc} (use --force to replace it)") from exc
    except VCError as exc:  # before ValueError: coded errors are ValueErrors too
        _error(f"refused: {coded(exc)}")
        return 1
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc}") from exc
    print_result(args, {"list": str(manager.list_path), "state": str(manager.state_path),
                        "url": manager.url, "purpose": manager.purpose, "size": manager.size},
                 f"created {manager.purpose} list {manager.url} ({manager.size} entries) in "
                 f"{manager.list_path}\npublish {manager.list_path.name} at {manager.url}; keep "
                 f"{manager.state_path.name} private")
    return 0


def _index(args: argparse.Namespace, manager: StatusListManager) -> int:
    if (args.credential is None) == (args.index is None):
        raise UsageError("give either CREDENTIAL.json or --index N")
    if args.index is not None:
        return int(args.index)
    try:
        credential = loads(read_input(args.credential))
    except OSError as exc:
        raise UsageError(cannot_read(args.credential, exc)) from exc
    except ParseError as exc:
        raise UsageError(f"{args.credential} is not JSON: {coded(exc)}") from exc
    if not isinstance(credential, dict):
        raise UsageError(f"{args.credential} is not a credential object")
    return manager.index_of(credential)


def _change(args: argparse.Namespace, key: LoadedKey, loader: Any) -> int:
    from ..issuing.status_list import StatusListManager

    verb = args.status_command
    try:
        manager = StatusListManager(args.list_path, document_loader=loader, state_path=args.state_path)
    except OSError as exc:
        raise UsageError(f"cannot read {args.list_path}: {exc}") from exc
    except VCError as exc:
        raise UsageError(f"{args.list_path}: {coded(exc)}") from exc
    try:
        index = _index(args, manager)
        if verb == "revoke":
            changed = manager.revoke(index, key=key.key, verification_method=key.verification_method)
        elif verb == "suspend":
            changed = manager.suspend(index, key=key.key, verification_method=key.verification_method)
        else:
            changed = manager.reinstate(index, key=key.key, verification_method=key.verification_method,
                                        allow_unrevoke=args.allow_unrevoke)
    except VCError as exc:
        _error(f"refused: {coded(exc)}; nothing was written")
        return 1
    except OSError as exc:
        raise UsageError(f"cannot write {args.list_path}: {exc}") from exc
    past = {"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}[verb]
    state = "set" if manager.is_set(index) else "clear"
    note = f"{past} index {index}" if changed else f"index {index} was already {state}; nothing changed"
    print_result(args, {"list": str(manager.list_path), "url": manager.url, "index": index,
                        "purpose": manager.purpose, "set": manager.is_set(index), "changed": changed},
                 f"{note} on {manager.url}"
                 + (f"\npublish {manager.list_path} at {manager.url}" if changed else ""))
    return 0
