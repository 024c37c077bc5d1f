"""``vcwallet issue``: sign a credential template with an issuer key file.

The signed credential is checked with the verifier before anything is written; on any error
nothing is written at all, so a script can never publish a half-written or unverifiable badge.
Exit codes: 0 issued, 1 the credential was refused (data model, issuer, contexts, self-check),
2 a usage error or an input that could not be read (file, JSON, key file, passphrase).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from verifier.clock import SystemClock
from verifier.errors import ParseError, VCError
from verifier.json_reader import loads

from ..issuing.issuer import DEFAULT_SUITE, SUITE_NAMES, issue_credential
from ..keyfile import write_atomic
from .contexts import add_context_options, build_context_store
from .issuer_args import (
    KEY_ERRORS,
    add_key_argument,
    add_passphrase_options,
    cannot_read,
    coded,
    key_error_message,
    load_key,
    read_input,
)

EXAMPLES = """examples:
  vcwallet issue badge-template.json --key issuer.key.json --out badge.json
  vcwallet issue template.json --key issuer.key.json --suite eddsa-jcs-2022 > badge.json
  cat template.json | VCWALLET_PASSPHRASE=... vcwallet issue - --key issuer.key.json
Missing issuer, validFrom (issuanceDate for VC 1.1) and id are filled in. The result is verified
before it is written; nothing is written if anything fails.
"""


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "issue", help="sign a credential with an issuer key file",
        description="Sign a credential template with an issuer key file, check the result with "
                    "the verifier, and write it to --out or stdout.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("credential", metavar="CREDENTIAL.json", help="the unsigned credential, or - for stdin")
    add_key_argument(p)
    p.add_argument("--suite", choices=SUITE_NAMES, default=DEFAULT_SUITE,
                   help=f"the proof suite (default: {DEFAULT_SUITE})")
    p.add_argument("--out", type=Path, metavar="FILE", default=None,
                   help="write the signed credential here (atomically) instead of stdout")
    add_passphrase_options(p, allow_none=False)
    add_context_options(p)
    p.set_defaults(func=run)


def _error(message: str) -> None:
    print(f"vcwallet issue: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        credential = loads(read_input(args.credential))
    except OSError as exc:
        _error(cannot_read(args.credential, exc))
        return 2
    except ParseError as exc:
        _error(f"{args.credential} is not a JSON credential: {coded(exc)}")
        return 2
    try:
        key = load_key(args, warn_if_exposed=True)
        contexts = build_context_store(args, allow_network=False)
    except KEY_ERRORS as exc:
        _error(key_error_message(args.key, exc))
        return 2
    try:
        signed = issue_credential(credential, key, suite=args.suite, contexts=contexts,
                                  clock=SystemClock())
    except VCError as exc:
        _error(f"refused: {coded(exc)}; nothing was written")
        return 1
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomic(args.out, text.encode("utf-8"), overwrite=True, mode=0o600)
    except OSError as exc:
        _error(f"cannot write {args.out}: {exc}")
        return 2
    print(f"issued {signed['id']} as {key.did} ({args.suite}) to {args.out}", file=sys.stderr)
    return 0
