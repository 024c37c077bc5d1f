"""``vcwallet verify``: check credentials from files (or stdin) and print a report for each.

Many inputs are verified on all cores (``--jobs``): a process pool whose workers each build one
verifier from the same flags, fed in order through a bounded window of chunks, so the output
keeps the input order and memory stays flat however many inputs there are (``--paths-from``
streams the list of paths itself). Presentations checked against a ``--challenge`` stay in one
process, because a challenge may be used once.

A ``--challenge`` is checked against the challenge ledger that ``vcwallet request create``
wrote (``--ledger FILE``, default ``challenges.json`` beside the wallet): a challenge it never
issued fails (``presentation.challenge_unknown``) and a spent one fails
(``presentation.challenge_reused``), across runs. ``--no-ledger`` opts out; then only this
process remembers spent challenges.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from verifier.bulk import AUTO_POOL_MIN, CHUNK_SIZE, WINDOW_PER_JOB, isolated_results, usable_cores
from verifier.checks.presentation import not_an_answer
from verifier.clock import Clock, FixedClock, parse_datetime
from verifier.policy import Policy
from verifier.presentation import ChallengeStore, MemoryChallengeStore
from verifier.rendering import render_text, safe_text
from verifier.report import CheckResult, Status, VerificationReport, dumps_json, internal_error_report
from verifier.verification import Verifier

from .contexts import add_context_options

EXAMPLES = """examples:
  vcwallet verify badge.json
  vcwallet verify --json a.json b.json | jq .verified
  vcwallet verify --trust district-trust.json --require-trusted badge.png
  vcwallet verify --challenge=3f9a… --domain=hr.lakeview.example presentation.json
  vcwallet verify --challenge=3f9a… --domain=hr.lakeview.example --no-ledger presentation.json
  vcwallet verify --offline --url-map urls.json --contexts ./contexts badge.json
  find inbox -name '*.json' | vcwallet verify --json --jobs 4 --paths-from - > reports.jsonl
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
    p.add_argument("--challenge", help="the challenge you sent (required for presentations); it must "
                                        "be one 'vcwallet request create' recorded in the ledger")
    p.add_argument("--ledger", type=Path, metavar="FILE",
                   help="the challenge ledger 'vcwallet request create' wrote (default: "
                        "challenges.json beside the wallet); spent challenges are remembered there")
    p.add_argument("--no-ledger", action="store_true",
                   help="accept a challenge the ledger does not know; only this run remembers it as spent")
    p.add_argument("--require-subject-binding", action="store_true",
                   help="fail (not just warn) when a presented credential is about someone other "
                        "than the presenter")
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
    p.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                   help="worker processes for many inputs (default: one per CPU; 1 = this process)")
    p.add_argument("--paths-from", metavar="FILE",
                   help="also verify the paths listed in FILE, one per line (- for stdin)")
    add_context_options(p)
    p.set_defaults(func=run)


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def build_verifier(args: argparse.Namespace) -> Verifier:
    """The verifier the CLI flags describe (also used by other commands), through
    :meth:`Verifier.create`, so the command line, the app and embedding programs agree."""
    policy = Policy(production=not args.allow_test_contexts,
                    require_trusted=args.require_trusted,
                    allow_other_status_issuer=args.allow_other_status_issuer,
                    require_subject_binding=getattr(args, "require_subject_binding", False))
    clock: Clock | None = FixedClock(parse_datetime(args.now)) if args.now else None
    return Verifier.create(contexts=getattr(args, "contexts", None) or (), network=not args.offline,
                           url_map=args.url_map, url_map_base=args.url_map_base,
                           trust_list=args.trust, policy=policy, clock=clock,
                           cache_dir=getattr(args, "cache_dir", None),
                           challenges=challenge_store(args))


def challenge_store(args: argparse.Namespace) -> ChallengeStore:
    """The ledger ``request create`` wrote, when a challenge is checked and ``--no-ledger`` is not
    given; else an in-process store (without a challenge no presentation can pass anyway)."""
    if not getattr(args, "challenge", None) or getattr(args, "no_ledger", False):
        return MemoryChallengeStore()
    from ..requesting import ChallengeLedger, default_ledger_path  # only presentations need it

    return ChallengeLedger(getattr(args, "ledger", None) or default_ledger_path())


#: The most bytes read from one input (a baked image may be larger than a JSON credential); a
#: larger file, or an endless one such as /dev/zero, is that input's ``parse.input_too_large``.
MAX_READ_BYTES = 16 * 1024 * 1024


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(MAX_READ_BYTES + 1)
    with open(path, "rb") as handle:
        return handle.read(MAX_READ_BYTES + 1)


def _too_large(path: str) -> VerificationReport:
    return VerificationReport(path, "unknown", (CheckResult(
        "parse", Status.FAILED, "parse.input_too_large",
        f"the input is larger than {MAX_READ_BYTES // (1024 * 1024)} MiB; it was not read"),))


def _is_sd_jwt(data: bytes) -> bool:
    """A compact SD-JWT: ASCII base64url parts with at least one ``~`` separator."""
    head = data.lstrip()[:2]
    return head == b"ey" and b"~" in data[:65536] and data.isascii()


def _is_presentation(data: bytes) -> bool:
    """A cheap look at the top-level type, so presentations get the presentation checks."""
    head = data[:4096]
    return head.lstrip()[:1] == b"{" and b"VerifiablePresentation" in head


# -- one input ------------------------------------------------------------------------------

class Outcome(NamedTuple):
    """What verifying one input printed: the report text (None if it could not be read), whether
    it verified, and the read error to show on stderr. A plain tuple, because outcomes cross
    process boundaries by the thousand and tuples of strings pickle cheaply."""

    text: str | None
    verified: bool
    error: str | None = None


def verify_input(verifier: Verifier, args: argparse.Namespace, path: str,
                 data: bytes | None = None) -> Outcome:
    """Read (unless ``data`` is given), verify and render one input.

    The per-input boundary of the command: whatever raises while verifying or rendering this
    input becomes its ``internal.error`` report (design rule: no bare ``except Exception``
    outside these boundaries), so the inputs after it still get theirs and no traceback is
    printed (``VCWALLET_DEBUG=1`` prints it on stderr).
    """
    if data is None:
        try:
            data = _read(path)
        except (OSError, ValueError) as exc:  # ValueError: a listed path with a NUL in it
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            return Outcome(None, False, f"cannot read {safe_text(path)}: {safe_text(reason)}")
    if len(data) > MAX_READ_BYTES:
        return _render(args, _too_large(path))
    try:
        return _render(args, _verify(verifier, args, path, data))
    except Exception as exc:  # noqa: BLE001 - the per-input boundary, see above
        return _render(args, internal_error_report(path, exc))


def _render(args: argparse.Namespace, report: VerificationReport) -> Outcome:
    """The report as printed: one JSON line (valid UTF-8 whatever the input held) or text with
    control characters and lone surrogates escaped."""
    return Outcome(dumps_json(report.to_json()) if args.json else render_text(report), report.verified)


def _verify(verifier: Verifier, args: argparse.Namespace, path: str, data: bytes) -> VerificationReport:
    if _is_sd_jwt(data):
        # An SD-JWT VC only counts with a key-binding JWT made for this verifier's nonce.
        report = verifier.verify_sd_jwt(data.decode("ascii").strip(), nonce=args.challenge,
                                        audience=args.domain, label=path)
    elif args.challenge or args.domain or _is_presentation(data):
        report = verifier.verify_presentation(data, challenge=args.challenge, domain=args.domain,
                                              label=path, recipient=args.recipient)
        if report.checks and report.checks[0].status is not Status.PASSED:
            report = verifier.verify_credential(data, label=path, recipient=args.recipient)
            if args.challenge or args.domain:  # a bare credential cannot answer a challenge
                report = not_an_answer(report)
    else:
        report = verifier.verify_credential(data, label=path, recipient=args.recipient)
    return report


# -- worker processes -----------------------------------------------------------------------

_worker: tuple[Verifier, argparse.Namespace] | None = None


def _init_worker(options: dict[str, Any]) -> None:
    """Process-pool initializer: one verifier per worker, built from the parent's flags."""
    global _worker
    args = argparse.Namespace(**options)
    _worker = (build_verifier(args), args)


def _verify_chunk(items: list[tuple[str, bytes | None]]) -> list[tuple[str | None, bool, str | None]]:
    assert _worker is not None, "worker not initialized"
    verifier, args = _worker
    return [tuple(verify_input(verifier, args, path, data)) for path, data in items]  # type: ignore[misc]


def _picklable(args: argparse.Namespace) -> dict[str, Any]:
    return {key: value for key, value in vars(args).items() if key != "func"}


def _chunks(paths: Iterable[str]) -> Iterator[list[tuple[str, bytes | None]]]:
    """Chunks of (path, data) with stdin read here, since workers do not share it."""
    it = iter(paths)
    while True:
        chunk = [(path, _stdin_or_none(path)) for path in islice(it, CHUNK_SIZE)]
        if not chunk:
            return
        yield chunk


def _stdin_or_none(path: str) -> bytes | None:
    return sys.stdin.buffer.read(MAX_READ_BYTES + 1) if path == "-" else None


def verify_in_pool(args: argparse.Namespace, paths: Iterable[str], jobs: int) -> Iterator[Outcome]:
    """Outcomes in input order from ``jobs`` worker processes, at most
    ``jobs * WINDOW_PER_JOB`` chunks in flight. An input whose outcome cannot come back (its
    worker died) gets an ``internal.error`` report; the inputs after it are still verified."""
    from concurrent.futures import Executor, ProcessPoolExecutor  # ~15 ms, only for many inputs

    def start() -> Executor:
        return ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                   initargs=(_picklable(args),))

    def lost(item: tuple[str, bytes | None], exc: BaseException) -> tuple[str | None, bool, str | None]:
        return tuple(_render(args, internal_error_report(item[0], exc)))  # type: ignore[return-value]

    outcomes = isolated_results(start, _verify_chunk, _chunks(paths), jobs * WINDOW_PER_JOB, lost)
    yield from map(Outcome._make, outcomes)


# -- the command ----------------------------------------------------------------------------

def _listed_paths(source: str) -> Iterator[str]:
    """Paths from a file (or stdin), one per line, read lazily; blank lines are skipped.

    Bytes that are not UTF-8 are kept (``surrogateescape``, as the OS gives file names), so a
    name in another encoding is that path's report or read error, never a crash of the run.
    """
    stdin_bytes = getattr(sys.stdin, "buffer", None) if source == "-" else None
    handle: TextIO
    if source != "-":
        handle = open(source, encoding="utf-8", errors="surrogateescape")
    elif stdin_bytes is not None:
        handle = io.TextIOWrapper(stdin_bytes, encoding="utf-8", errors="surrogateescape")
    else:
        handle = sys.stdin  # already text (a test's StringIO)
    try:
        for line in handle:
            path = line.rstrip("\r\n")
            if path:
                yield path
    finally:
        if isinstance(handle, io.TextIOWrapper) and source == "-":
            handle.detach()  # leave sys.stdin's buffer open
        elif handle is not sys.stdin:
            handle.close()


class _Progress:
    """``verified n/N`` on stderr when it is a terminal; quiet when piped."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.shown = False

    def clear(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = False

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done % 50 == 0 or self.done == self.total):
            of = f"/{self.total}" if self.total is not None else ""
            print(f"\rverified {self.done}{of}…", end="", file=sys.stderr, flush=True)
            self.shown = True


def run(args: argparse.Namespace) -> int:
    if args.sample:
        from ..samples import sample_credential_path  # importlib.resources: only for --sample

        name = "sample-badge.json" if args.sample == "valid" else "sample-badge-tampered.json"
        args.paths = [*args.paths, str(sample_credential_path(name))]
    if not args.paths and not args.paths_from:
        print("vcwallet verify: give at least one PATH (or --sample, --paths-from)", file=sys.stderr)
        return 2
    if args.paths_from == "-" and "-" in args.paths:
        print("vcwallet verify: stdin cannot be both an input and the list of paths", file=sys.stderr)
        return 2
    if args.now:
        try:
            parse_datetime(args.now)
        except ValueError:
            print(f"vcwallet verify: --now {args.now!r} is not an ISO 8601 date-time", file=sys.stderr)
            return 2
    if args.paths_from and args.paths_from != "-" and not Path(args.paths_from).is_file():
        print(f"vcwallet verify: --paths-from {args.paths_from}: no such file", file=sys.stderr)
        return 2
    if args.no_ledger and args.ledger is not None:
        print("vcwallet verify: --ledger and --no-ledger contradict each other", file=sys.stderr)
        return 2
    try:
        verifier = build_verifier(args)
        _check_ledger(verifier.challenges)
    except (OSError, ValueError) as exc:  # bad --contexts dir, unreadable trust list, URL map or ledger
        code = getattr(exc, "code", None)
        print(f"vcwallet verify: {exc}" + (f" [{code}]" if isinstance(code, str) else ""), file=sys.stderr)
        return 2

    paths: Iterable[str] = args.paths
    total: int | None = len(args.paths)
    if args.paths_from:
        listed = _chain(args.paths, args.paths_from)
        head = list(islice(listed, AUTO_POOL_MIN))
        if len(head) < AUTO_POOL_MIN:
            paths, total = head, len(head)
        else:
            paths, total = _chain_iter(head, listed), None
    jobs = args.jobs or usable_cores()
    many = total is None or total >= (2 if args.jobs else AUTO_POOL_MIN)
    # one-time challenges are remembered per process, so presentations stay in this one
    pooled = jobs > 1 and many and not (args.challenge or args.domain)
    outcomes = verify_in_pool(args, paths, jobs) if pooled else (
        verify_input(verifier, args, path) for path in paths)

    progress = _Progress(total, enabled=sys.stderr.isatty() and (total is None or total > 1))
    worst = 0
    for outcome in outcomes:
        progress.clear()
        if outcome.text is None:
            print(f"vcwallet verify: {outcome.error}", file=sys.stderr)
            worst = 2
        else:
            print(outcome.text, flush=progress.enabled)
            if not outcome.verified and worst == 0:
                worst = 1
        progress.step()
    progress.clear()
    return worst


def _check_ledger(store: ChallengeStore | None) -> None:
    """A damaged ledger is an unreadable input (exit 2), found before any input is verified."""
    check = getattr(store, "check", None)
    if callable(check):
        check()


def _chain(paths: list[str], source: str) -> Iterator[str]:
    yield from paths
    yield from _listed_paths(source)


def _chain_iter(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest
