"""Every benchmark in one command, printed as one table for the README.

    .venv/bin/python benchmarks/run.py [--quick] [--memory-count N] [--bulk-count N]
                                       [--no-callgrind] [--skip NAME ...]

Rows, each with its median, the interquartile range of repeated batches, and the ratio to a bare
PyNaCl Ed25519 verify (the floor) measured in the same run, so the ratios stay meaningful on a
slower or busier machine:

* warm eddsa-rdfc-2022 proof verify of the bundled Open Badges 3.0 sample, with the fast JSON-LD
  path and with the pyld reference path; for these (and the floor) also the instructions per
  verify counted by ``valgrind --tool=callgrind`` (a script doing N warm verifies minus the same
  script doing none), which barely moves on a noisy machine;
* a full verify with every check of a fixture-world badge through the fixture HTTPS host, its
  DID document and status lists cached after the first run, and the status check alone;
* bulk ``vcwallet verify --jobs 2`` over a few thousand copies of the world's badges (with
  ``--jobs 1`` for comparison), and the memory of streaming many through ``--paths-from``:
  peak RSS of the command and its workers, sampled, and whether it stayed flat;
* the rows of the other benchmarks here (cold start, SD-JWT, wallet), run as subprocesses.

Nothing here is a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

CONTEXTS = REPO.parent / "shared" / "interop" / "contexts"
#: The other benchmark scripts, run as subprocesses (verify_proof's measurement is row 1 here).
OTHERS = ("cold_start.py", "sdjwt.py", "wallet.py")
BADGE = "credentials/educator-lab/maya-alvarez--growth-mindset.json"


@dataclass
class Row:
    operation: str
    median: str
    spread: str
    ratio: str
    instructions: str = "—"
    target: str = ""


# -- measuring ------------------------------------------------------------------------------

def timed(fn: Callable[[], object], runs: int, inner: int) -> list[float]:
    """Seconds per call, one sample per batch of ``inner`` calls."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        out.append((time.perf_counter() - start) / inner)
    return out


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def iqr(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 4:
        return min(samples), max(samples)
    q = statistics.quantiles(samples, n=4)
    return q[0], q[2]


def time_row(name: str, samples: list[float], floor: float, target: str = "",
             instructions: str = "—") -> Row:
    med = statistics.median(samples)
    low, high = iqr(samples)
    return Row(name, fmt_time(med), f"{fmt_time(low)} – {fmt_time(high)}", f"{med / floor:,.1f}×",
               instructions, target)


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


# -- proof verify (fast and reference), floor ----------------------------------------------

_PROOF_SCRIPT = '''
import json, sys
sys.path.insert(0, {repo!r})
n, mode = int(sys.argv[1]), sys.argv[2]
if mode == "floor":
    import nacl.signing
    key = nacl.signing.SigningKey(bytes(32))
    signed, verify_key = key.sign(bytes(64)), key.verify_key
    for _ in range(3 + n):
        verify_key.verify(signed)
    raise SystemExit(0)
from pathlib import Path
from vcwallet.samples import sample_credential_path
from verifier.canon import fast_expand
from verifier.verification import Verifier
fast_expand.set_enabled(mode == "fast")
credential = json.loads(sample_credential_path().read_text(encoding="utf-8"))
checker = Verifier.create(contexts=[Path({contexts!r})], network=False).proofs
issuer = credential["issuer"]["id"]
for _ in range(3 + n):
    assert checker.verify(credential, expected_controller=issuer).all_signatures_ok
'''


def callgrind_per_call(mode: str, calls: int, workdir: Path) -> int | None:
    """Instructions per call of ``mode`` (fast, reference or floor): callgrind's total for a
    script doing ``calls`` warm calls minus the same script doing none."""
    if shutil.which("valgrind") is None:
        return None
    script = workdir / "callgrind_proof.py"
    script.write_text(_PROOF_SCRIPT.format(repo=str(REPO), contexts=str(CONTEXTS)), encoding="utf-8")
    totals = []
    for n in (0, calls):
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={workdir / 'callgrind.out'}",
             sys.executable, str(script), str(n), mode],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            print(f"callgrind {mode} failed: {done.stderr[-400:]}", file=sys.stderr)
            return None
        totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) // calls


def proof_rows(args: argparse.Namespace, workdir: Path) -> tuple[float, list[Row]]:
    import nacl.signing

    from vcwallet.samples import sample_credential_path
    from verifier.canon import fast_expand
    from verifier.verification import Verifier

    signing = nacl.signing.SigningKey.generate()
    signed = signing.sign(bytes(64))
    verify_key = signing.verify_key
    credential = json.loads(sample_credential_path().read_text(encoding="utf-8"))
    checker = Verifier.create(contexts=[CONTEXTS] if CONTEXTS.is_dir() else [], network=False).proofs
    issuer = credential["issuer"]["id"]

    def verify() -> None:
        if not checker.verify(credential, expected_controller=issuer).all_signatures_ok:
            raise SystemExit("the benchmark credential did not verify")

    floor = timed(lambda: verify_key.verify(signed), args.runs, 2000)
    fast_expand.set_enabled(True)
    verify()
    fast = timed(verify, args.runs, 100)
    fast_expand.set_enabled(False)
    verify()
    reference = timed(verify, args.runs, 30)
    fast_expand.set_enabled(True)
    floor_med = statistics.median(floor)

    counts: dict[str, str] = {}
    for mode in ("floor", "fast", "reference"):
        if args.no_callgrind:
            counts[mode] = "—"
            continue
        per = callgrind_per_call(mode, 2000 if mode == "floor" else args.callgrind_calls, workdir)
        counts[mode] = f"{per / 1e6:.2f} M" if per is not None else "n/a (no valgrind)"
    fast_med = statistics.median(fast)
    rows = [
        time_row("pynacl Ed25519 verify (the floor)", floor, floor_med, instructions=counts["floor"]),
        time_row("proof verify, OB 3.0 eddsa-rdfc-2022, warm, fast JSON-LD path", fast, floor_med,
                 f"≤ 1 ms ({verdict(fast_med, 1e-3)}); stretch ≤ 0.5 ms ({verdict(fast_med, 5e-4)})",
                 counts["fast"]),
        time_row("proof verify, same, pyld reference path", reference, floor_med,
                 instructions=counts["reference"]),
    ]
    return floor_med, rows


# -- full verify and status through the fixture world ---------------------------------------

def world_rows(args: argparse.Namespace, floor: float) -> list[Row]:
    from fixtures.__main__ import DEFAULT_OUT as WORLD
    from fixtures.world import world_host, world_verifier

    data = (WORLD / BADGE).read_bytes()
    credential = json.loads(data)
    with world_host(WORLD) as host:
        verifier = world_verifier(WORLD, host, CONTEXTS)
        first = verifier.verify_credential(data, label=BADGE)  # fetches DID document and lists once
        if not first.verified:
            raise SystemExit(f"the world badge did not verify: {first.to_json()}")
        full = timed(lambda: verifier.verify_credential(data, label=BADGE), args.runs, 50)
        status = timed(lambda: verifier.status.check(credential), args.runs, 2000)
    full_med, status_med = statistics.median(full), statistics.median(status)
    return [
        time_row("full verify, every check, DID document and status lists cached", full, floor,
                 f"≤ 1.5 ms ({verdict(full_med, 1.5e-3)})"),
        time_row("status check (2 Bitstring entries), lists cached", status, floor,
                 f"≤ 0.05 ms ({verdict(status_med, 5e-5)})"),
    ]


# -- bulk and memory through the command line -----------------------------------------------

def _world_copies(directory: Path, count: int) -> list[Path]:
    from fixtures.__main__ import DEFAULT_OUT as WORLD

    sources = sorted(p for sub in ("educator-lab", "consortium", "platform")
                     for p in (WORLD / "credentials" / sub).glob("*.json"))
    paths = []
    for n in range(count):
        target = directory / f"badge-{n:06d}.json"
        shutil.copyfile(sources[n % len(sources)], target)
        paths.append(target)
    return paths


def _url_map(directory: Path) -> Path:
    from fixtures.__main__ import DEFAULT_OUT as WORLD

    hosts = WORLD / "hosts"
    urls = {f"https://{p.relative_to(hosts).as_posix()}": str(p) for p in hosts.rglob("*") if p.is_file()}
    target = directory / "url-map.json"
    target.write_text(json.dumps({"urls": urls}), encoding="utf-8")
    return target


def _verify_command(url_map: Path, listing: Path, jobs: int) -> list[str]:
    from fixtures.world import World

    return [sys.executable, "-m", "vcwallet", "verify", "--json", "--jobs", str(jobs),
            "--url-map", str(url_map), "--contexts", str(CONTEXTS), "--now", World.AS_OF,
            "--paths-from", str(listing)]


def _process_tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree = {pid}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                changed = True
    return sum(rss.get(p, 0) for p in tree)


def _run_streamed(command: list[str], out: Path, expected: int,
                  sample: bool) -> tuple[float, float, list[tuple[int, int]]]:
    """Run ``command`` with stdout to ``out``; returns wall seconds, CPU seconds of the command
    and all its workers, and (lines done, tree RSS) samples taken every 0.2 s."""
    samples: list[tuple[int, int]] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with out.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, cwd=REPO)
        if sample:
            def poll() -> None:
                seen = 0
                with out.open("rb") as reader:
                    while process.poll() is None:
                        seen += reader.read().count(b"\n")
                        try:
                            samples.append((seen, _process_tree_rss(process.pid)))
                        except OSError:
                            pass
                        time.sleep(0.2)

            sampler = threading.Thread(target=poll, daemon=True)
            sampler.start()
        _, err = process.communicate()
        elapsed = time.perf_counter() - start
        if sample:
            sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = out.read_bytes().count(b"\n")
    if process.returncode not in (0, 1) or lines != expected:
        raise SystemExit(f"bulk verify failed (exit {process.returncode}, {lines}/{expected} lines): "
                         f"{err.decode(errors='replace')[-500:]}")
    return elapsed, cpu, samples


def _verify_many_row(paths: list[Path], url_map: Path) -> Row:
    """The Python API's bulk path, ``Verifier.verify_many(jobs=2)``, over the same copies (files
    read lazily in this process, workers forked; the pool's start-up is included)."""
    from fixtures.world import World
    from verifier.bulk import BulkItem
    from verifier.clock import FixedClock, parse_datetime
    from verifier.verification import Verifier

    verifier = Verifier.create(contexts=[CONTEXTS], url_map=url_map,
                               clock=FixedClock(parse_datetime(World.AS_OF)))
    items = (BulkItem(str(path), path.read_bytes()) for path in paths)
    start = time.perf_counter()
    verified = sum(report.verified for report in verifier.verify_many(items, jobs=2))
    rate = len(paths) / (time.perf_counter() - start)
    return Row(f"bulk `Verifier.verify_many(jobs=2)`, {len(paths):,} world badges, pool start-up "
               "included", f"{rate:,.0f} credentials/s", f"one run; {verified:,} verified", "—", "—",
               f"≥ 1,500/s ({'met' if rate >= 1500 else 'NOT met'})")


def bulk_rows(args: argparse.Namespace, workdir: Path) -> list[Row]:
    directory = workdir / "bulk"
    directory.mkdir()
    paths = _world_copies(directory, args.bulk_count)
    url_map = _url_map(workdir)
    listing = workdir / "bulk.txt"
    listing.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    rows = []
    for jobs in (2, 1):
        elapsed, cpu, _ = _run_streamed(_verify_command(url_map, listing, jobs),
                                        workdir / "bulk.jsonl", len(paths), sample=False)
        rate = len(paths) / elapsed
        target = f"≥ 1,500/s ({'met' if rate >= 1500 else 'NOT met'})" if jobs == 2 else ""
        rows.append(Row(f"bulk `vcwallet verify --jobs {jobs}`, {len(paths):,} world badges, "
                        "whole command incl. start-up", f"{rate:,.0f} credentials/s",
                        f"one run; {cpu / len(paths) * 1e3:.2f} ms CPU per credential, all processes",
                        "—", "—", target))

    rows.append(_verify_many_row(paths, url_map))

    # memory: the same copies listed over and over, streamed through --paths-from
    count = args.memory_count
    with (workdir / "memory.txt").open("w", encoding="utf-8") as handle:
        for n in range(count):
            handle.write(f"{paths[n % len(paths)]}\n")
    elapsed, _, samples = _run_streamed(_verify_command(url_map, workdir / "memory.txt", 2),
                                        workdir / "memory.jsonl", count, sample=True)
    if not samples:
        return [*rows, Row(f"memory, {count:,} credentials through `verify --jobs 2`", "n/a",
                           "no samples", "—")]
    peak = max(rss for _, rss in samples)
    early = [rss for done, rss in samples if done >= count * 0.1]
    at_10 = early[0] if early else samples[0][1]
    late = max(rss for done, rss in samples if done >= count * 0.1) if early else peak
    flat = late <= at_10 * 1.10 + 8 * 2**20
    rows.append(Row(
        f"memory, {count:,} credentials streamed through `verify --jobs 2 --paths-from` "
        f"({count / elapsed:,.0f}/s)",
        f"peak {peak / 2**20:,.0f} MB", f"{at_10 / 2**20:,.0f} MB at 10% → max {late / 2**20:,.0f} MB after",
        "—", "—", f"flat ({'met' if flat else 'NOT met'})"))
    return rows


# -- the other benchmark scripts ------------------------------------------------------------

_UNITS = {"µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def _seconds(text: str) -> float | None:
    found = re.fullmatch(r"\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(µs|us|ms|s)\s*", text)
    if found is None:
        return None
    return float(found.group(1).replace(",", "")) * _UNITS[found.group(2)]


#: The issue's targets for rows of the other scripts: (script, words in the row name, seconds).
#: sdjwt.py prints its own verdicts (on this machine and scaled to the issues' floor), kept as is.
_TARGETS = (("cold_start.py", ("cached",), 0.3, "≤ 0.3 s"),)


def _target(script: str, operation: str, seconds: float | None) -> str:
    for name, words, limit, text in _TARGETS:
        if script == name and all(w in operation.lower() for w in words) and seconds is not None:
            return f"{text} ({verdict(seconds, limit)})"
    return ""


def other_rows(name: str, floor: float, extra: list[str]) -> list[Row]:
    """The table rows ``benchmarks/<name>`` prints (its own floor rows left out), with the
    ratio recomputed against this run's floor where the median is a time (except sdjwt.py's,
    already against a PyNaCl floor timed in turns with its rows), and its instruction counts."""
    script = BENCH / name
    if not script.is_file():
        return [Row(f"{name}: not present", "—", "—", "—")]
    done = subprocess.run([sys.executable, str(script), *extra], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    if done.returncode != 0:
        return [Row(f"{name}: failed (exit {done.returncode})", "—", "—", "—",
                    target=done.stderr.strip().splitlines()[-1][:80] if done.stderr.strip() else "")]
    rows = []
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[1]) <= set("-: ") \
                or cells[0] == "operation" or "floor" in cells[0].lower():
            continue
        seconds = _seconds(cells[1])
        # sdjwt.py times its rows in turns with its own PyNaCl floor, which is steadier than this
        # run's floor measured minutes earlier; the other scripts' ratios use other floors
        own_ratio = name == "sdjwt.py" and len(cells) > 3 and cells[3].endswith("×")
        ratio = cells[3] if own_ratio else (f"{seconds / floor:,.1f}×" if seconds is not None else "—")
        counted = cells[4] if len(cells) > 4 and cells[4].endswith(("M", "×)")) else "—"
        own_target = cells[5] if own_ratio and len(cells) > 5 else ""  # sdjwt.py's two verdicts
        rows.append(Row(f"{name.removesuffix('.py')}: {cells[0]}", cells[1], cells[2], ratio,
                        instructions=counted, target=own_target or _target(name, cells[0], seconds)))
    notes = [line for line in done.stdout.splitlines() if line.startswith(("#", "cached median"))]
    for note in notes:
        print(f"  ({name}) {note.lstrip('# ')}", file=sys.stderr)
    return rows or [Row(f"{name}: printed no table rows", "—", "—", "—")]


# -- main -----------------------------------------------------------------------------------

def machine() -> str:
    model = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{model}, {cpus} CPUs, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="batches per timed row")
    parser.add_argument("--bulk-count", type=int, default=3000)
    parser.add_argument("--memory-count", type=int, default=100_000)
    parser.add_argument("--callgrind-calls", type=int, default=100)
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs, 1,000 bulk and 10,000 memory inputs, no callgrind")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["proof", "world", "bulk", *[n.removesuffix(".py") for n in OTHERS]])
    args = parser.parse_args()
    if args.quick:
        args.runs, args.bulk_count, args.memory_count, args.no_callgrind = 7, 1000, 10_000, True
    if not CONTEXTS.is_dir():
        raise SystemExit(f"{CONTEXTS} is missing: the benchmarks need the pinned contexts")

    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vcwallet-bench-") as temp:
        workdir = Path(temp)
        floor, proof = proof_rows(args, workdir)
        if "proof" not in args.skip:
            rows += proof
        else:
            rows.append(proof[0])
        if "world" not in args.skip:
            rows += world_rows(args, floor)
        if "bulk" not in args.skip:
            rows += bulk_rows(args, workdir)
        extra = {"cold_start.py": ["--runs", "5" if args.quick else "10"],
                 "sdjwt.py": ["--no-callgrind"] if args.no_callgrind else []}
        for name in OTHERS:
            if name.removesuffix(".py") not in args.skip:
                rows += other_rows(name, floor, extra.get(name, []))

    print(f"Benchmarks — {datetime.now(UTC):%Y-%m-%d}, {machine()} "
          f"({time.perf_counter() - started:.0f} s for the whole run)\n")
    print("| operation | median | spread (IQR) | × pynacl floor | instructions / op | target |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row.operation} | {row.median} | {row.spread} | {row.ratio} | {row.instructions} "
              f"| {row.target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
