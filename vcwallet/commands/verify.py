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
from verifier.presentation import MemoryChallengeStore
from verifier.rendering import render_text
from verifier.report import Status
from verifier.trust import TrustList
from verifier.verification import Verifier

from ..samples import sample_credential_path
from .contexts import add_context_options, build_context_store

EXAMPLES = """examples:
  vcwallet verify badge.json
  vcwallet verify --json a.json b.json | jq .verified
  vcwallet verify --trust district-trust.json --require-trusted badge.png
  vcwallet verify --challenge 3f9a… --domain hr.lakeview.example presentation.json
  vcwallet verify --offline --url-map urls.json --contexts ./contexts badge.json
  cat badge.json | vcwallet verify -
"""


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify", help="verify credentials, baked badges and presentations",
        description="Verify credentials (JSON-LD, VC-JWT, Open Badges 2.0, baked PNG/SVG) and "
                    "presentations, and print a report of named checks for each input.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to verify, or - for stdin")
    p.add_argument("--sample", nargs="?", const="valid", choices=["valid", "tampered"],
                   help="verify the bundled sample badge (or its tampered copy)")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--challenge", help="the challenge you sent (required for presentations)")
    p.add_argument("--domain", help="your domain, as sent in the request (required for presentations)")
    p.add_argument("--trust", type=Path, metavar="FILE", help="a trust list of accepted issuers")
    p.add_argument("--require-trusted", action="store_true",
                   help="fail (not just warn) when the issuer is not on the trust list")
    p.add_argument("--recipient", metavar="ID",
                   help="the email or identifier the badge must have been issued to")
    p.add_argument("--url-map", type=Path, metavar="FILE",
                   help="serve these URLs from local files instead of the network "
                        "(JSON {\"urls\": {url: path}}, paths relative to the file)")
    p.add_argument("--url-map-base", type=Path, metavar="DIR",
                   help="resolve the URL map's relative paths against DIR (default: the map's folder)")
    p.add_argument("--offline", action="store_true", help="never use the network")
    p.add_argument("--now", metavar="ISO8601", help="verify as of this time")
    p.add_argument("--allow-test-contexts", action="store_true",
                   help="accept the VC examples contexts (test vectors only)")
    p.add_argument("--allow-other-status-issuer", action="store_true",
                   help="accept a status list signed by someone other than the issuer")
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
    policy = Policy(production=not args.allow_test_contexts,
                    require_trusted=args.require_trusted,
                    allow_other_status_issuer=args.allow_other_status_issuer)
    contexts = build_context_store(args, allow_network=not args.offline and args.url_map is None,
                                   production=policy.production,
                                   fetcher=None if isinstance(fetcher, StaticFetcher) else fetcher)
    keys = ResolverKeyLookup.create(fetcher, clock)
    trust = TrustList.load(args.trust) if args.trust else None
    return Verifier(contexts=contexts, keys=keys, fetcher=fetcher, clock=clock, policy=policy,
                    trust_list=trust, challenges=MemoryChallengeStore())


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


def _is_presentation(data: bytes) -> bool:
    """A cheap look at the top-level type, so presentations get the presentation checks."""
    head = data[:4096]
    return head.lstrip()[:1] == b"{" and b"VerifiablePresentation" in head


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
    except (OSError, ValueError) as exc:  # bad --contexts dir, unreadable trust list or URL map
        print(f"vcwallet verify: {exc}", file=sys.stderr)
        return 2
    worst = 0
    progress = len(args.paths) > 1 and sys.stderr.isatty() and not args.json
    for n, path in enumerate(args.paths, 1):
        try:
            data = _read(path)
        except OSError as exc:
            print(f"vcwallet verify: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            worst = 2
            continue
        if progress:
            print(f"\rverifying {n}/{len(args.paths)}…", end="", file=sys.stderr, flush=True)
        if args.challenge or args.domain or _is_presentation(data):
            report = verifier.verify_presentation(data, challenge=args.challenge, domain=args.domain,
                                                  label=path)
            if report.checks and report.checks[0].status is not Status.PASSED:
                report = verifier.verify_credential(data, label=path, recipient=args.recipient)
        else:
            report = verifier.verify_credential(data, label=path, recipient=args.recipient)
        if progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(render_text(report))
        if not report.verified and worst == 0:
            worst = 1
    return worst
