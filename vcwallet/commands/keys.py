"""``vcwallet keys``: create an issuer signing key, and show a key file's public part.

``keys new`` writes the key file and, for did:web, the ``did.json`` the issuer must publish, then
says where to publish it. A passphrase is required unless ``--no-passphrase`` is given, because an
unencrypted signing key lets anyone who copies the file issue badges in the issuer's name.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verifier.did import did_web_url
from verifier.errors import DidError
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

# The passphrase helpers live in issuer_args; re-exported because present, share and tests use them here.
from .issuer_args import ENV_PASSPHRASE as ENV_PASSPHRASE
from .issuer_args import UsageError as UsageError
from .issuer_args import add_passphrase_options, cannot_read, coded, print_usage
from .issuer_args import get_passphrase as get_passphrase

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
    parser.set_defaults(func=lambda _args: print_usage(parser))
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


def _error(message: str) -> None:
    print(f"vcwallet keys: {message}", file=sys.stderr)


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
        _error(coded(exc))
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
        _error(f"{args.keyfile}: {coded(exc)}")
        return 2
    except OSError as exc:
        _error(cannot_read(args.keyfile, exc))
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
