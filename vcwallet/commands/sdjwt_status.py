"""``vcwallet status token-list``: the IETF Token Status List for SD-JWT VC badges.

``create`` writes a signed Status List Token (``LIST.jwt``, publish it at ``--url``) and its
private allocation record (``LIST.state.json``, never publish it). ``revoke``, ``suspend`` and
``reinstate`` change one entry, re-sign the token and replace the file atomically. Revocation is
permanent: ``reinstate`` on a revoked entry is refused unless ``--allow-unrevoke``.

Exit codes: 0 done (also when the entry already had that status), 1 refused (revocation is
permanent, the credential is not on this list), 2 a usage error or unreadable input.

This module only adds the sub-command; :func:`add_token_list_parser` is called with the
``status`` command's sub-parsers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.errors import VCError

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
    from ..issuing.token_status_list import TokenStatusListManager
    from ..keyfile import LoadedKey

TOKEN_LIST_EXAMPLES = """examples:
  vcwallet status token-list create --key issuer.key.json --url https://example.edu/tsl/1 --out tsl-1.jwt
  vcwallet status token-list revoke badge.sdjwt --list tsl-1.jwt --key issuer.key.json
  vcwallet status token-list suspend --list tsl-1.jwt --index 4711 --key issuer.key.json
  vcwallet status token-list reinstate badge.sdjwt --list tsl-1.jwt --key issuer.key.json
Publish tsl-1.jwt at its URL (media type application/statuslist+jwt) after every change. Keep
tsl-1.state.json private: it maps list positions to credentials.
"""


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError("a positive decimal integer is needed")
    return int(text)


def add_token_list_parser(status_subparsers: Any) -> None:
    """Register ``token-list`` with ``create``, ``revoke``, ``suspend`` and ``reinstate``."""
    parser = status_subparsers.add_parser(
        "token-list", help="IETF Token Status List for SD-JWT VC badges",
        description="Create and change an IETF Token Status List (the status mechanism of "
                    "SD-JWT VC credentials): 0 valid, 1 revoked, 2 suspended.",
        epilog=TOKEN_LIST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=lambda _args: print_usage(parser))
    actions = parser.add_subparsers(dest="token_list_command", metavar="ACTION")

    create = actions.add_parser(
        "create", help="write a new, all-valid, signed status list token",
        description="Create a signed Status List Token (typ statuslist+jwt) and its private "
                    "allocation record FILE.state.json.",
        epilog=TOKEN_LIST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    create.add_argument("--url", required=True, help="where the token will be published (its sub)")
    create.add_argument("--out", required=True, type=Path, metavar="FILE", help="the token file to write")
    create.add_argument("--size", type=_positive, default=131_072, metavar="N",
                        help="number of entries (default 131072)")
    create.add_argument("--bits", type=int, choices=(1, 2, 4, 8), default=2,
                        help="bits per entry (default 2: room for 'suspended')")
    create.add_argument("--ttl", type=_positive, default=3600, metavar="SECONDS",
                        help="how long verifiers may cache the list (default 3600)")
    create.add_argument("--force", action="store_true", help="overwrite an existing list")
    add_signing_options(create, contexts=False)
    create.set_defaults(func=run)

    for verb, text in (("revoke", "revoke a credential (permanent)"),
                       ("suspend", "suspend a credential (reversible)"),
                       ("reinstate", "make a suspended credential valid again")):
        change = actions.add_parser(
            verb, help=text,
            description=f"{text[0].upper()}{text[1:]}: change its entry on --list, re-sign the "
                        "token and write it. Give the SD-JWT VC or --index.",
            epilog=TOKEN_LIST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
        add_change_options(change, credential_metavar="CREDENTIAL.sdjwt",
                           credential_help="the SD-JWT VC whose entry to change "
                                           "(or use --index; '-' = stdin)",
                           list_help="the status list token file (from token-list create)",
                           reinstate=verb == "reinstate", contexts=False)
        change.set_defaults(func=run)


def _error(message: str) -> None:
    print(f"vcwallet status token-list: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Carry out ``token-list create|revoke|suspend|reinstate``; returns the exit code."""
    try:
        key = load_key(args)
    except KEY_ERRORS as exc:
        _error(key_error_message(args.key, exc))
        return 2
    try:
        if args.token_list_command == "create":
            return _create(args, key)
        return _change(args, key)
    except UsageError as exc:
        _error(str(exc))
        return 2


def _create(args: argparse.Namespace, key: LoadedKey) -> int:
    from ..issuing.token_status_list import TokenStatusListManager

    try:
        manager = TokenStatusListManager.create(
            args.out, uri=args.url, issuer=key.did, key=key.key, kid=key.verification_method,
            size=args.size, bits=args.bits, ttl=args.ttl, overwrite=args.force)
    except VCError as exc:
        if exc.code == "keyfile.exists":
            raise UsageError(f"{args.out} or its state file already exists (use --force to replace it)"
                             ) from exc
        _error(f"refused: {coded(exc)}")
        return 1
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc}") from exc
    print_result(args, {"list": str(manager.list_path), "state": str(manager.state_path), "url": manager.uri,
                        "size": manager.size, "bits": manager.bits},
                 f"created token status list {manager.uri} ({manager.size} entries, {manager.bits} bits) in "
                 f"{manager.list_path}\npublish {manager.list_path.name} at {manager.uri}; keep "
                 f"{manager.state_path.name} private")
    return 0


def _target(args: argparse.Namespace, manager: TokenStatusListManager) -> int:
    if (args.credential is None) == (args.index is None):
        raise UsageError("give either CREDENTIAL.sdjwt or --index N")
    if args.index is not None:
        return int(args.index)
    try:
        text = read_input(args.credential).decode("ascii")
    except OSError as exc:
        raise UsageError(cannot_read(args.credential, exc)) from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{args.credential} is not an SD-JWT (not ASCII text)") from exc
    return manager.index_of(text)


def _change(args: argparse.Namespace, key: LoadedKey) -> int:
    from ..issuing.token_status_list import TokenStatusListManager

    verb = args.token_list_command
    try:
        manager = TokenStatusListManager(args.list_path, state_path=args.state_path)
    except OSError as exc:
        raise UsageError(f"cannot read {args.list_path}: {exc}") from exc
    except VCError as exc:
        raise UsageError(f"{args.list_path}: {coded(exc)}") from exc
    try:
        index = _target(args, manager)
        kid = key.verification_method
        if verb == "revoke":
            changed = manager.revoke(index, key=key.key, kid=kid)
        elif verb == "suspend":
            changed = manager.suspend(index, key=key.key, kid=kid)
        else:
            changed = manager.reinstate(index, key=key.key, kid=kid, allow_unrevoke=args.allow_unrevoke)
    except VCError as exc:
        _error(f"refused: {coded(exc)}; nothing was written")
        return 1
    except OSError as exc:
        raise UsageError(f"cannot write {args.list_path}: {exc}") from exc
    names = {0: "valid", 1: "revoked", 2: "suspended"}
    value = manager.value(index)
    past = {"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}[verb]
    state = names.get(value, f"0x{value:02x}")
    note = f"{past} index {index}" if changed else f"index {index} was already {state}; nothing changed"
    print_result(args, {"list": str(manager.list_path), "url": manager.uri, "index": index,
                        "status": state, "changed": changed},
                 f"{note} on {manager.uri}"
                 + (f"\npublish {manager.list_path} at {manager.uri}" if changed else ""))
    return 0
