"""``vcwallet request`` (the verifier asks) and ``vcwallet present`` (the holder answers).

``request create`` writes a presentation request with a fresh challenge and records the challenge
in a ledger, so the verifier can later tell a fresh answer from a replayed one. ``present`` lists
the wallet's credentials that answer a request and why (flagged ones included, marked), shows
exactly what would be sent, and writes a presentation bound to the request: a signed JSON-LD VP
for a QueryByExample request, or a key-bound SD-JWT presentation for an OpenID4VP DCQL request.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from verifier.clock import Clock, FixedClock, SystemClock, parse_datetime
from verifier.errors import VCError
from verifier.trust import TrustList

from ..matching import Match
from ..presenting import SUITES, choose
from ..request_format import request_binding
from ..requesting import (
    LEDGER_FILE,
    ChallengeLedger,
    create_dcql_request,
    create_request,
    default_ledger_path,
)
from ..usecases.open_wallet import unlock_wallet
from ..usecases.present import make_presentation, open_request, presentation_caution
from ..wallet import Wallet, default_wallet_path
from .contexts import add_context_options, build_context_store
from .keys import UsageError
from .wallet_common import ENV_PASSPHRASE, get_passphrase

Ask = Callable[[str], str]

REQUEST_EXAMPLES = """examples:
  vcwallet request create --domain hr.lakeview.example --type OpenBadgeCredential \\
      --issuer did:web:credentials.educatorlab.example \\
      --achievement "Checking for Student Understanding" --out request.json
  vcwallet request create --dcql --domain hr.lakeview.example \\
      --vct https://credentials.educatorlab.example/vct/educator-badge \\
      --claims credentialSubject.achievement.criteria --out request.json
  vcwallet request outstanding
then, when the answer arrives (the challenge is checked against the same ledger):
  vcwallet verify --challenge=CHALLENGE --domain=hr.lakeview.example presentation.json
"""

PRESENT_EXAMPLES = """examples:
  vcwallet present --request request.json                   # what matches, and why
  vcwallet present --request request.json --select 3fa2 --out presentation.json
  vcwallet present --request dcql.json --select 9c01 --disclose credentialSubject.result --out vp.txt
The exact JSON the verifier will receive is shown before anything is written. Credentials that
are revoked, expired or from an untrusted issuer are listed with a warning; presenting one needs
--yes (or a yes at the prompt).
The wallet passphrase comes from $VCWALLET_PASSPHRASE or a prompt.
"""


# --- shared helpers (also used by ``share`` and ``bake``) --------------------------------------


def add_wallet_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wallet", metavar="PATH", default=None,
                        help="the wallet file (default: $VCWALLET_HOME/wallet.db or the user data folder)")


def open_wallet(args: argparse.Namespace, *, ask: Ask | None = None,
                interactive: bool | None = None) -> Wallet:
    """Unlock the wallet the flags name; the passphrase from the environment or a prompt."""
    path = default_wallet_path(getattr(args, "wallet", None))
    passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE, interactive=interactive, prompt=ask)
    return unlock_wallet(path, passphrase)


def _clock(args: argparse.Namespace) -> Clock:
    now = getattr(args, "now", None)
    return FixedClock(parse_datetime(now)) if now else SystemClock()


def load_trust(args: argparse.Namespace) -> TrustList | None:
    path = getattr(args, "trust", None)
    return TrustList.load(path) if path else None


def _confirm(question: str, ask: Ask | None, interactive: bool) -> bool:
    if not interactive:
        return False
    answer = (ask or input)(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _error(command: str, exc: BaseException) -> int:
    code = f" [{exc.code}]" if isinstance(exc, VCError) else ""
    message = exc.message if isinstance(exc, VCError) else str(exc)
    print(f"vcwallet {command}: {message}{code}", file=sys.stderr)
    return 2


# --- vcwallet request ----------------------------------------------------------------------------


def add_parser(subparsers: Any) -> None:
    """Register ``request`` and ``present``."""
    add_request_parser(subparsers)
    add_present_parser(subparsers)


def add_request_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "request", help="write a presentation request (verifier side)",
        description="Write a presentation request with a fresh challenge, and remember the challenge "
                    "so a replayed answer can be refused.",
        epilog=REQUEST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="request_command", metavar="ACTION")
    create = sub.add_parser("create", help="write a new request",
                            epilog=REQUEST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    create.add_argument("--domain", required=True, help="your domain; the answer is bound to it")
    create.add_argument("--type", action="append", default=[], metavar="TYPE", dest="types",
                        help="a credential type to ask for (repeatable), e.g. OpenBadgeCredential")
    create.add_argument("--issuer", metavar="DID", help="accept only this issuer")
    create.add_argument("--achievement", metavar="NAME", help="the achievement name to ask for")
    create.add_argument("--claims", nargs="+", default=[], metavar="PATH",
                        help="claim paths that must be present (dotted, comma-separated or repeated)")
    create.add_argument("--reason", help="the sentence the holder sees (default: generated)")
    create.add_argument("--dcql", action="store_true",
                        help="write an OpenID4VP request with a DCQL query (for SD-JWT VCs)")
    create.add_argument("--vct", action="append", default=[], metavar="URI",
                        help="with --dcql: an accepted SD-JWT VC type (repeatable)")
    create.add_argument("--client-id", help="with --dcql: the client_id (default: the domain)")
    create.add_argument("--response-uri", help="with --dcql: where answers are posted")
    create.add_argument("--ledger", type=Path, metavar="FILE",
                        help=f"the challenge ledger (default: {LEDGER_FILE} beside the wallet); "
                             "'vcwallet verify --challenge' reads the same file")
    create.add_argument("--no-ledger", action="store_true",
                        help="do not record the challenge (then verify the answer with --no-ledger)")
    create.add_argument("--wallet", metavar="PATH", default=None, help=argparse.SUPPRESS)
    create.add_argument("--out", required=True, metavar="FILE",
                        help="where to write the request (- for stdout)")
    create.set_defaults(func=run_request_create)
    outstanding = sub.add_parser("outstanding", help="list challenges not yet answered")
    outstanding.add_argument("--ledger", type=Path, metavar="FILE")
    outstanding.add_argument("--wallet", metavar="PATH", default=None, help=argparse.SUPPRESS)
    outstanding.set_defaults(func=run_request_outstanding)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def ledger_path(args: argparse.Namespace) -> Path:
    """``--ledger``, else ``challenges.json`` beside the wallet file."""
    explicit: Path | None = getattr(args, "ledger", None)
    if explicit is not None:
        return explicit
    return default_ledger_path(getattr(args, "wallet", None))


def verify_hint(args: argparse.Namespace, challenge: str, domain: str) -> str:
    """The ``vcwallet verify`` command that checks an answer, exactly as it must be typed.

    ``verify`` reads the default ledger by itself, but the hint names the ledger this request
    went to, as an absolute path, so it stays right from another folder, with another
    ``$VCWALLET_HOME`` or after ``--ledger``/``--wallet``; a request not recorded must be
    verified with ``--no-ledger``. Every word is shell-quoted, and the challenge and domain are
    given as ``--flag=value`` so a value starting with ``-`` cannot read as an option.
    """
    words = ["vcwallet", "verify", f"--challenge={challenge}", f"--domain={domain}"]
    if args.no_ledger:
        words.append("--no-ledger")
    else:
        words.append(f"--ledger={ledger_path(args).expanduser().resolve()}")
    return " ".join(shlex.quote(word) for word in words) + " ANSWER"


def _split_claims(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def run_request_create(args: argparse.Namespace) -> int:
    claims = _split_claims(args.claims)
    try:
        if args.dcql:
            request = create_dcql_request(domain=args.domain, vct_values=args.vct, issuer=args.issuer,
                                          achievement=args.achievement, claims=claims,
                                          client_id=args.client_id, response_uri=args.response_uri)
        else:
            if args.vct or args.client_id or args.response_uri:
                raise UsageError("--vct, --client-id and --response-uri go with --dcql")
            request = create_request(domain=args.domain, types=args.types, issuer=args.issuer,
                                     achievement=args.achievement, claims=claims, reason=args.reason)
        challenge, domain = request_binding(request)
        if not args.no_ledger:
            ChallengeLedger(ledger_path(args)).issue(challenge, domain=domain)
    except (VCError, UsageError) as exc:
        return _error("request create", exc)
    text = json.dumps(request, indent=2, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _error("request create", exc)
    where = "" if args.no_ledger else f" (recorded in {ledger_path(args)})"
    print(f"challenge: {challenge}{where}\ndomain:    {domain}\n"
          f"check the answer (the file ANSWER) with: {verify_hint(args, challenge, domain)}",
          file=sys.stderr)
    return 0


def run_request_outstanding(args: argparse.Namespace) -> int:
    try:
        pending = ChallengeLedger(ledger_path(args)).outstanding()
    except VCError as exc:
        return _error("request outstanding", exc)
    for challenge in pending:
        print(challenge)
    return 0


# --- vcwallet present ----------------------------------------------------------------------------


def add_present_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "present", help="answer a presentation request with credentials from the wallet",
        description="List the credentials that answer a request (and why), preview exactly what "
                    "would be sent, and write a presentation bound to the request.",
        epilog=PRESENT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--request", required=True, type=Path, metavar="REQ.json", help="the request file")
    p.add_argument("--select", nargs="+", default=[], metavar="ID",
                   help="the credential(s) to present (ids or unique prefixes from the listing)")
    p.add_argument("--disclose", nargs="+", default=[], metavar="PATH",
                   help="SD-JWT only: claims to reveal beyond what the request asks")
    p.add_argument("--yes", action="store_true",
                   help="present flagged credentials and write without asking")
    p.add_argument("--suite", choices=SUITES, default=SUITES[0], help="the proof suite for a JSON-LD VP")
    p.add_argument("--trust", type=Path, metavar="FILE", help="flag issuers missing from this trust list")
    p.add_argument("--now", metavar="ISO8601", help="present as of this time (tests, demos)")
    p.add_argument("--offline", action="store_true", help="never use the network (contexts)")
    p.add_argument("--out", metavar="FILE", help="write the presentation here (without it: only list)")
    add_wallet_options(p)
    add_context_options(p)
    p.set_defaults(func=run_present)


def _listing(wallet: Wallet, matches: Sequence[Match]) -> str:
    if not matches:
        return "No credential in the wallet answers this request."
    lines = []
    for item in matches:
        summary = wallet.get(item.id).summary
        name = summary.achievement or summary.name or "(unnamed)"
        issuer = summary.issuer_name or summary.issuer_id or "unknown issuer"
        lines.append(f"{'!' if item.warnings else '*'} {item.id}  {name} — {issuer}  [answers {item.query}]")
        lines.extend(f"    because {reason}" for reason in item.reasons)
        lines.extend(f"    WARNING: {warning}" for warning in item.warnings)
        if item.blocked:
            lines.append("    presenting it needs your confirmation (--yes)")
    return "\n".join(lines)


def run_present(args: argparse.Namespace, *, ask: Ask | None = None, interactive: bool | None = None) -> int:
    tty = sys.stdin.isatty() if interactive is None else interactive
    try:
        data = args.request.read_bytes()
        clock = _clock(args)
        trust = load_trust(args)
    except (OSError, VCError, ValueError) as exc:
        return _error("present", exc)
    try:
        with open_wallet(args, ask=ask, interactive=tty) as wallet:
            opened = open_request(wallet, data, clock=clock, trust_list=trust)
            print(_listing(wallet, opened.matches))
            if args.out is None:
                return 0 if opened.matches else 1
            if not opened.matches:
                return 1
            if not args.select and len(opened.ids) > 1:
                raise UsageError("several credentials answer this request: choose with --select ID")
            chosen = [m.id for m in choose(wallet, opened.matches, args.select)]
            flagged = [i for i in chosen if presentation_caution(opened, [i]).needs_confirmation]
            confirmed = args.yes or not flagged or _confirm(
                f"{', '.join(flagged)} has warnings (above). Present it anyway?", ask, tty)
            if not confirmed:
                print("vcwallet present: not written; confirm flagged credentials with --yes",
                      file=sys.stderr)
                return 1
            store = (None if opened.kind == "dcql"
                     else build_context_store(args, allow_network=not args.offline))
            answer = make_presentation(wallet, opened, args.select, disclose=args.disclose, confirmed=True,
                                       suite=args.suite, clock=clock,
                                       document_loader=store.document_loader if store else None)
    except (VCError, UsageError, OSError, ValueError) as exc:
        return _error("present", exc)
    print("\nThe verifier will receive exactly this:\n" + answer.preview.json_text, file=sys.stderr)
    for note in [*answer.notes, *answer.preview.warnings]:
        print(f"  note: {note}", file=sys.stderr)
    if tty and not args.yes and not _confirm("Write this presentation?", ask, tty):
        print("vcwallet present: nothing written", file=sys.stderr)
        return 1
    try:
        Path(args.out).write_text(answer.serialize(), encoding="utf-8")
    except OSError as exc:
        return _error("present", exc)
    command = " ".join(shlex.quote(w) for w in ("vcwallet", "verify", f"--challenge={opened.challenge}",
                                                f"--domain={opened.domain}", str(args.out)))
    print(f"wrote {args.out}; the verifier checks it with: {command}", file=sys.stderr)
    return 0


__all__ = ["add_parser", "add_present_parser", "add_request_parser", "load_trust", "open_wallet",
           "run_present", "run_request_create", "run_request_outstanding"]

