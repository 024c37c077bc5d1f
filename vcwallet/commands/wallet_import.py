"""``vcwallet import`` and ``vcwallet recheck``: verify credentials, then keep them (or re-verify).

Every import is verified first and the report is stored beside the credential. Nothing is refused
silently: each input gets one line saying what happened to it. A credential that does not verify
is refused unless ``--force``, and then it is kept with a visible flag.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from verifier.rendering import could_not_check_advice, safe_text
from verifier.report import dumps_json
from verifier.verification import Verifier

from ..wallet import ImportResult, status_of
from .contexts import add_context_options
from .verify import build_verifier
from .wallet_common import guarded, label_of, make_parser, open_wallet, short

IMPORT_EXAMPLES = """examples:
  vcwallet import badge.json
  vcwallet import ~/Downloads/badges/            (everything in the folder)
  vcwallet import badge.png presentation.json
  vcwallet import https://badges.example.org/assertions/a1b2c3.json
  cat badge.jwt | vcwallet import -
  vcwallet import --force revoked-but-mine.json   (kept, flagged as not verified)
Formats: JSON-LD credentials (Open Badges 3.0), VC-JWT, SD-JWT VC, baked PNG/SVG badges,
Open Badges 2.0 JSON and hosted URLs, and presentations (their credentials are unpacked).
"""

RECHECK_EXAMPLES = """examples:
  vcwallet recheck            (every credential)
  vcwallet recheck 3f9a1c
Re-verifies stored credentials (revocation and expiry can change) and stores the new report.
"""

#: Builds the verifier from the parsed flags; tests replace it to reach a local fixture host.
VerifierFactory = Callable[[argparse.Namespace], Verifier]
make_verifier: VerifierFactory = build_verifier


def add_verifier_options(parser: argparse.ArgumentParser) -> None:
    """The ``vcwallet verify`` flags that decide how credentials are checked."""
    parser.add_argument("--trust", type=Path, metavar="FILE", help="a trust list of accepted issuers")
    parser.add_argument("--require-trusted", action="store_true",
                        help="treat issuers missing from the trust list as a failure")
    parser.add_argument("--url-map", type=Path, metavar="FILE",
                        help="serve these URLs from local files instead of the network")
    parser.add_argument("--url-map-base", type=Path, metavar="DIR",
                        help="resolve the URL map's relative paths against DIR")
    parser.add_argument("--offline", action="store_true", help="never use the network")
    parser.add_argument("--now", metavar="ISO8601", help="verify as of this time")
    parser.add_argument("--allow-test-contexts", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--allow-other-status-issuer", action="store_true", help=argparse.SUPPRESS)
    add_context_options(parser)


def _problem(result: ImportResult) -> str:
    if result.error is not None:
        return f"{safe_text(result.error.message)} [{result.error.code}]"
    if result.report is not None:
        codes = sorted({c.code for c in result.report.errors if c.code})
        return ", ".join(codes) or "did not verify"
    return result.reason or ""


def describe(result: ImportResult) -> str:
    """One line per input: what happened, and for refusals why and what to do."""
    where = safe_text(result.source)
    if result.stored and result.summary is not None:
        flagged = result.outcome == "added_flagged"
        flag = f"  (FLAGGED: did not verify: {_problem(result)})" if flagged else ""
        verb = "replaced" if result.outcome == "replaced" else "added"
        return (f"{verb:9} {short(result.summary.id)}  {label_of(result.summary)} "
                f"[{result.summary.status}]{flag}  <- {where}")
    if result.outcome == "duplicate":
        what = "the same file" if result.reason == "content" else "a credential with the same id"
        return f"duplicate {where}: the wallet already holds {what} ({short(result.duplicate_of or '')})"
    if result.outcome == "refused":
        if result.reason == "presentation":
            return f"refused   {where}: a presentation inside a presentation is not imported"
        if result.report is not None and status_of(result.report.to_json()) == "unknown":
            tip = could_not_check_advice(c.code for c in result.report.errors)
            return (f"refused   {where}: could not check it, which is not invalid "
                    f"({_problem(result)}). {tip} Or use --force to keep it, flagged")
        return (f"refused   {where}: it did not verify ({_problem(result)}); "
                "use --force to keep it, flagged")
    return f"unreadable {where}: {_problem(result)}"


def _word(status: str) -> str:
    return "could not check" if status == "unknown" else status


def _exit_code(results: list[ImportResult]) -> int:
    if any(r.outcome == "unreadable" for r in results):
        return 2
    if any(r.outcome == "refused" for r in results):
        return 1
    return 0


def _progress(enabled: bool) -> Callable[[int, int, ImportResult], None] | None:
    if not enabled:
        return None

    def show(n: int, total: int, _result: ImportResult) -> None:
        width = 30
        done = int(width * n / max(total, 1))
        end = "\n" if n == total else ""
        print(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def run_import(args: argparse.Namespace) -> int:
    def body() -> int:
        verifier = make_verifier(args)
        results: list[ImportResult] = []
        with open_wallet(args, verifier=verifier) as wallet:
            progress = _progress(sys.stderr.isatty() and not args.json)
            for source in args.sources:
                try:
                    found = wallet.import_source(source, force=args.force, stdin=sys.stdin.buffer,
                                                 progress=progress)
                except FileNotFoundError as exc:
                    print(f"vcwallet import: {exc}", file=sys.stderr)
                    return 2
                results.extend(found)
        for result in results:
            if args.json:
                print(dumps_json(_result_json(result)))
            else:
                print(describe(result))
        if not args.json:
            stored = sum(1 for r in results if r.stored)
            print(f"{stored} imported, {sum(1 for r in results if r.outcome == 'duplicate')} already "
                  f"held, {sum(1 for r in results if r.outcome in ('refused', 'unreadable'))} not imported",
                  file=sys.stderr)
        return _exit_code(results)
    return guarded("import", body)


def _result_json(result: ImportResult) -> dict[str, Any]:
    return {"source": result.source, "outcome": result.outcome, "id": result.id,
            "duplicate_of": result.duplicate_of, "reason": result.reason,
            "presentation": result.presentation,
            "status": result.summary.status if result.summary else None,
            "error": result.error.code if result.error else None,
            "report": result.report.to_json() if result.report else None}


def run_recheck(args: argparse.Namespace) -> int:
    def body() -> int:
        verifier = make_verifier(args)
        with open_wallet(args, verifier=verifier) as wallet:
            results = wallet.recheck(args.id)
            names = {s.id: label_of(s) for s in wallet.list()}
        worst = 0
        for result in results:
            name = names.get(result.id, result.id)
            if result.error is not None:
                print(f"{short(result.id)}  {name}: cannot be read [{result.error.code}]")
                worst = 2
                continue
            before, after = (_word(result.before), _word(result.after))
            change = f"{before} -> {after}" if result.changed else after
            print(f"{short(result.id)}  {name}: {change}")
            if result.after == "unknown" and result.report is not None:
                print(f"          {could_not_check_advice(c.code for c in result.report.errors)}")
            if result.after not in ("verified", "untrusted") and worst == 0:
                worst = 1
        return worst
    return guarded("recheck", body)


def add_parser(subparsers: Any) -> None:
    """``import`` and ``recheck``."""
    p = make_parser(subparsers, "import", "verify credentials and add them to the wallet",
                    "Verify credentials and keep them in the wallet with their reports.", IMPORT_EXAMPLES)
    p.add_argument("sources", nargs="+", metavar="PATH|URL|-",
                   help="files, folders, https URLs, or - for stdin")
    p.add_argument("--force", action="store_true",
                   help="keep credentials that fail verification, visibly flagged")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    add_verifier_options(p)
    p.set_defaults(func=run_import)

    p = make_parser(subparsers, "recheck", "re-verify stored credentials",
                    "Verify stored credentials again and update their status.", RECHECK_EXAMPLES)
    p.add_argument("id", nargs="?", metavar="ID", help="one credential (default: all)")
    add_verifier_options(p)
    p.set_defaults(func=run_recheck)
