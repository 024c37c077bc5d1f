"""``vcwallet keys``: create an issuer signing key, and show a key file's public part.

``keys new`` writes the key file and, for did:web, the ``did.json`` the issuer must publish, then
says where to publish it. A passphrase is required unless ``--no-passphrase`` is given, because an
unencrypted signing key lets anyone who copies the file issue badges in the issuer's name.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from verifier.did import did_web_url
from verifier.errors import DidError, VCError
from verifier.keys import Ed25519KeyPair

from ..keyfile import (
    INTERACTIVE,
    KdfLimits,
    KeyfileError,
    check_kdf_limits,
    create_keyfile,
    did_web_document,
    inspect_keyfile,
    write_atomic,
)

ENV_PASSPHRASE = "VCWALLET_PASSPHRASE"
VM_FRAGMENT = "key-1"

#: ``--kdf`` levels. ``insecure-test`` is accepted but not advertised: it exists for test suites.
KDF_LEVELS: dict[str, KdfLimits] = {
    "interactive": INTERACTIVE,
    "moderate": KdfLimits(3, 256 * 1024 * 1024),
    "sensitive": KdfLimits(4, 1024 * 1024 * 1024),
    "insecure-test": KdfLimits(2, 8192),
}

KEYS_EXAMPLES = """examples:
  vcwallet keys new --did key --out issuer.key.json
  vcwallet keys new --did web:pd.district.example --out issuer.key.json --did-json did.json
  vcwallet keys show issuer.key.json
"""

NEW_EXAMPLES = """examples:
  vcwallet keys new --did key --out issuer.key.json
  vcwallet keys new --did web:pd.district.example:badges --out issuer.key.json
  VCWALLET_PASSPHRASE=... vcwallet keys new --did key --out issuer.key.json
The passphrase comes from $VCWALLET_PASSPHRASE (or the variable --passphrase-env names), or
from a prompt on a terminal. For did:web, publish the did.json it writes at the URL it prints.
"""

SHOW_EXAMPLES = """examples:
  vcwallet keys show issuer.key.json
  vcwallet keys show --json issuer.key.json | jq -r .did
"""

Prompt = Callable[[str], str]


class UsageError(Exception):
    """A problem with the command line or environment; exit code 2."""


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
    if not first:
        raise UsageError("the passphrase is empty")
    if confirm and ask("Repeat passphrase: ") != first:
        raise UsageError("the passphrases do not match")
    return first


def identity_for(did_spec: str, key: Ed25519KeyPair) -> tuple[str, str]:
    """The DID and verification method for ``--did key`` or ``--did web:DOMAIN[:PATH]``."""
    if did_spec == "key":
        did = key.public.did_key
        return did, f"{did}#{key.public.multibase}"
    if did_spec.startswith("web:"):
        did = "did:" + did_spec
        try:
            did_web_url(did)
        except DidError as exc:
            raise UsageError(f"--did {did_spec}: {exc.message} [{exc.code}]") from exc
        return did, f"{did}#{VM_FRAGMENT}"
    raise UsageError(f"--did {did_spec!r}: use 'key' or 'web:DOMAIN[:PATH]'")


def _kdf_level(value: str) -> KdfLimits:
    if value not in KDF_LEVELS:
        raise argparse.ArgumentTypeError("choose interactive, moderate or sensitive")
    limits = KDF_LEVELS[value]
    check_kdf_limits(limits.opslimit, limits.memlimit)
    return limits


def add_parser(subparsers: Any) -> None:
    """Register ``keys`` with its ``new`` and ``show`` actions."""
    parser = subparsers.add_parser(
        "keys", help="create or show an issuer signing key",
        description="Create an issuer signing key file (did:key or did:web) or show its public part.",
        epilog=KEYS_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=lambda _args: _usage(parser))
    actions = parser.add_subparsers(dest="keys_command", metavar="ACTION")

    new = actions.add_parser(
        "new", help="create a new Ed25519 signing key file",
        description="Create a new Ed25519 signing key and save it in a passphrase-protected key "
                    "file. For did:web, also write the did.json to publish.",
        epilog=NEW_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    new.add_argument("--did", required=True, metavar="key|web:DOMAIN[:PATH]",
                     help="the DID method: 'key', or 'web:' plus the domain (and path)")
    new.add_argument("--out", required=True, type=Path, metavar="KEYFILE",
                     help="where to write the key file (never overwritten)")
    new.add_argument("--did-json", type=Path, metavar="FILE", default=None,
                     help="did:web only: where to write the DID document "
                          "(default: did.json beside the key file)")
    new.add_argument("--kdf", type=_kdf_level, default=INTERACTIVE, metavar="LEVEL",
                     help="passphrase hardening: interactive (default), moderate or sensitive")
    add_passphrase_options(new, allow_none=True)
    new.set_defaults(func=run_new)

    show = actions.add_parser(
        "show", help="print a key file's DID, verification method and public key",
        description="Print the DID, verification method and public key of a key file. "
                    "Needs no passphrase and never prints the secret.",
        epilog=SHOW_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    show.add_argument("keyfile", type=Path, metavar="KEYFILE")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.set_defaults(func=run_show)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _error(message: str) -> None:
    print(f"vcwallet keys: {message}", file=sys.stderr)


def _coded(exc: VCError) -> str:
    return f"{exc.message} [{exc.code}]"


def run_new(args: argparse.Namespace) -> int:
    key = Ed25519KeyPair.generate()
    try:
        did, vm = identity_for(args.did, key)
        did_json_path: Path | None = None
        if did.startswith("did:web:"):
            did_json_path = args.did_json or args.out.with_name("did.json")
            if os.path.lexists(did_json_path):
                raise UsageError(f"{did_json_path} already exists; choose another --did-json")
        elif args.did_json is not None:
            raise UsageError("--did-json is only for did:web keys")
        if os.path.lexists(args.out):
            raise UsageError(f"{args.out} already exists; a key file is never overwritten "
                             "[keyfile.exists]")
        passphrase = None if args.no_passphrase else get_passphrase(args, confirm=True)
    except UsageError as exc:
        _error(str(exc))
        return 2
    try:
        create_keyfile(args.out, key, did, vm, passphrase, kdf_limits=args.kdf)
        if did_json_path is not None:
            document = did_web_document(did, vm, key.public)
            write_atomic(did_json_path, (json.dumps(document, indent=2) + "\n").encode("utf-8"),
                         overwrite=False, mode=0o644)
    except KeyfileError as exc:
        _error(_coded(exc))
        return 2
    except OSError as exc:
        _error(f"cannot write: {exc}")
        return 2
    print(f"key file:            {args.out}")
    print(f"DID:                 {did}")
    print(f"verification method: {vm}")
    print(f"public key:          {key.public.multibase}")
    if passphrase is None:
        print(f"warning: {args.out} is NOT encrypted. Anyone who can read it can issue credentials "
              f"as {did}. It is readable only by you (0600); keep it that way.", file=sys.stderr)
    if did_json_path is not None:
        print(f"DID document:        {did_json_path}")
        print(f"Publish {did_json_path} at {did_web_url(did)} before issuing; verifiers fetch it "
              "from there.")
    return 0


def run_show(args: argparse.Namespace) -> int:
    try:
        info = inspect_keyfile(args.keyfile)
    except KeyfileError as exc:
        _error(f"{args.keyfile}: {_coded(exc)}")
        return 2
    except OSError as exc:
        _error(f"cannot read {args.keyfile}: {exc.strerror or exc}")
        return 2
    publish = did_web_url(info.did) if info.did.startswith("did:web:") else None
    if args.json:
        print(json.dumps({"did": info.did, "verificationMethod": info.verification_method,
                          "publicKeyMultibase": info.public_key.multibase,
                          "encrypted": info.encrypted, "didDocumentUrl": publish}))
        return 0
    print(f"DID:                 {info.did}")
    print(f"verification method: {info.verification_method}")
    print(f"public key:          {info.public_key.multibase}")
    print(f"encrypted:           {'yes' if info.encrypted else 'NO (plain secret key)'}")
    if publish:
        print(f"DID document URL:    {publish}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``keys`` on its own (``python -m vcwallet.commands.keys new …``)."""
    parser = argparse.ArgumentParser(prog="vcwallet")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["keys", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
