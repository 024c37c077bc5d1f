"""``vcwallet verify``: check credentials from files (or stdin) and print a report for each."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from verifier.clock import Clock, FixedClock, SystemClock, parse_datetime
from verifier.fetch import Fetcher, RequestsFetcher, StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.policy import Policy
from verifier.report import Status, VerificationReport
from verifier.verification import Verifier

from ..samples import sample_credential_path
from .contexts import add_context_options, build_context_store

EXAMPLES = """examples:
  vcwallet verify badge.json
  vcwallet verify --json a.json b.json | jq .verified
  vcwallet verify --offline --url-map urls.json --contexts ./contexts badge.json
  cat badge.json | vcwallet verify -
"""

_MARK = {Status.PASSED: "✔", Status.FAILED: "✘", Status.ERROR: "!", Status.SKIPPED: "-",
         Status.WARNING: "⚠"}


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify", help="verify credentials and print a report",
        description="Verify credentials: parse, contexts, proof and issuer key.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH", help="credential files, or - for stdin")
    p.add_argument("--sample", nargs="?", const="valid", choices=["valid", "tampered"],
                   help="verify the bundled sample badge (or its tampered copy)")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--url-map", type=Path, metavar="FILE",
                   help="serve these URLs from local files instead of the network "
                        "(JSON {\"urls\": {url: path}}, paths relative to the file)")
    p.add_argument("--url-map-base", type=Path, metavar="DIR",
                   help="resolve the URL map's relative paths against DIR (default: the map's folder)")
    p.add_argument("--offline", action="store_true", help="never use the network")
    p.add_argument("--now", metavar="ISO8601", help="verify as of this time")
    p.add_argument("--allow-test-contexts", action="store_true",
                   help="accept the VC examples contexts (test vectors only)")
    add_context_options(p)
    p.set_defaults(func=run)


def _fetcher(args: argparse.Namespace) -> Fetcher:
    if args.url_map is not None:
        return StaticFetcher.from_url_map(args.url_map, base_dir=args.url_map_base)
    if args.offline:
        return StaticFetcher({})
    return RequestsFetcher()


def build_verifier(args: argparse.Namespace) -> Verifier:
    """The verifier the CLI flags describe (also used by other commands)."""
    fetcher = _fetcher(args)
    clock: Clock = FixedClock(parse_datetime(args.now)) if args.now else SystemClock()
    policy = Policy(production=not args.allow_test_contexts)
    contexts = build_context_store(args, allow_network=not args.offline and args.url_map is None,
                                   production=policy.production,
                                   fetcher=None if isinstance(fetcher, StaticFetcher) else fetcher)
    keys = ResolverKeyLookup.create(fetcher, clock)
    return Verifier(contexts=contexts, keys=keys, clock=clock, policy=policy)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def render(report: VerificationReport) -> str:
    """Plain-language text for a person at a terminal."""
    head = "VERIFIED" if report.verified else "NOT VERIFIED"
    lines = [f"{report.input}: {head} ({report.format})"]
    for check in report.checks:
        mark = _MARK[check.status]
        code = f" [{check.code}]" if check.code else ""
        where = f" at {check.path}" if check.path and check.status is not Status.PASSED else ""
        lines.append(f"  {mark} {check.id:<8} {check.message}{code}{where}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.sample:
        name = "sample-badge.json" if args.sample == "valid" else "sample-badge-tampered.json"
        args.paths = [*args.paths, str(sample_credential_path(name))]
    if not args.paths:
        print("vcwallet verify: give at least one PATH (or --sample)", file=sys.stderr)
        return 2
    if args.now:
        try:
            parse_datetime(args.now)
        except ValueError:
            print(f"vcwallet verify: --now {args.now!r} is not an ISO 8601 date-time", file=sys.stderr)
            return 2
    try:
        verifier = build_verifier(args)
    except (OSError, ValueError) as exc:
        print(f"vcwallet verify: {exc}", file=sys.stderr)
        return 2
    worst = 0
    for path in args.paths:
        try:
            data = _read(path)
        except OSError as exc:
            print(f"vcwallet verify: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            worst = 2
            continue
        report = verifier.verify_credential(data, label=path)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(render(report))
        if not report.verified and worst == 0:
            worst = 1
    return worst
