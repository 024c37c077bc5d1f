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
    p.add_argument("--format", choices=("json-ld", "sd-jwt"), default="json-ld", dest="fmt",
                   help="json-ld: an embedded proof (default); sd-jwt: an SD-JWT VC whose recipient "
                        "details, evidence, results and dates the holder can disclose one by one")
    p.add_argument("--holder", metavar="DID",
                   help="with --format sd-jwt: the holder's did:key or did:jwk (its key goes in cnf)")
    p.add_argument("--token-list", type=Path, metavar="FILE",
                   help="with --format sd-jwt: a Token Status List (from 'status token-list create') "
                        "to allocate the badge's status entry from")
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
    if args.fmt == "sd-jwt" and not args.holder:
        _error("--format sd-jwt needs --holder DID (the key the SD-JWT VC is bound to)")
        return 2
    try:
        if args.fmt == "sd-jwt":
            token, credential_id = _issue_sd_jwt(credential, key, args)
            text = token + "\n"
        else:
            signed = issue_credential(credential, key, suite=args.suite, contexts=contexts,
                                      clock=SystemClock())
            credential_id = str(signed["id"])
            text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    except VCError as exc:
        _error(f"refused: {coded(exc)}; nothing was written")
        return 1
    except OSError as exc:
        _error(f"cannot use {args.token_list}: {exc}")
        return 2
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomic(args.out, text.encode("utf-8"), overwrite=True, mode=0o600)
    except OSError as exc:
        _error(f"cannot write {args.out}: {exc}")
        return 2
    how = "SD-JWT VC" if args.fmt == "sd-jwt" else args.suite
    print(f"issued {credential_id} as {key.did} ({how}) to {args.out}", file=sys.stderr)
    return 0


def _issue_sd_jwt(credential: dict[str, Any], key: Any, args: argparse.Namespace) -> tuple[str, str]:
    """Issue ``credential`` as an SD-JWT VC and check the result before anything is written."""
    from verifier.did import parse_did_key, resolve_did_jwk
    from verifier.errors import FormatError
    from verifier.sdjwt import verify_sd_jwt_vc

    from ..issuing.issuer import prepare, self_check_lookup
    from ..issuing.token_status_list import TokenStatusListManager
    from ..sdjwt_issuer import issue_ob3_sd_jwt_vc

    clock = SystemClock()
    holder: str = args.holder
    if holder.startswith("did:key:"):
        holder_key = parse_did_key(holder)
    elif holder.startswith("did:jwk:"):
        holder_key = next(iter(resolve_did_jwk(holder).verification_methods.values())).public_key
    else:
        raise FormatError("issue.invalid_credential", "--holder must be a did:key or did:jwk")
    document = prepare(credential, key, suite=DEFAULT_SUITE, clock=clock)
    status = None
    manager = None
    if args.token_list is not None:
        manager = TokenStatusListManager(args.token_list, clock=clock)
        status = manager.allocate(str(document.get("id")))
    token = issue_ob3_sd_jwt_vc(document, key=key.key, kid=key.verification_method,
                                holder_jwk=holder_key, status=status, clock=clock)
    check = verify_sd_jwt_vc(token, key_lookup=self_check_lookup(key, clock), clock=clock,
                             require_key_binding=False)
    if not check.signature_ok or not check.key_bound or check.claims is None:
        problem = check.problems[0].code if check.problems else "unknown"
        raise FormatError("issue.self_check_failed",
                          f"the new SD-JWT VC did not verify ({problem}); nothing was written")
    return token, str(document.get("id"))
