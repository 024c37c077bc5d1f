"""Verify many credentials on every core: reports in input order, lazily, with flat memory.

``Verifier.verify_many`` delegates here. The module imports ``concurrent.futures`` and
``multiprocessing`` only when a pool is actually started, because those cost import time that a
single verification (and the CLI's cold start) never needs.

How the work is split:

* The input is read lazily in chunks of ``chunk_size`` items. One chunk is one task for a worker
  process: large enough that inter-process overhead is small next to a verification (about a
  millisecond each), small enough to keep every core busy to the end.
* At most ``jobs * WINDOW_PER_JOB`` chunks are in flight. Results are taken in submission order,
  so the output is in input order and a slow chunk holds back at most one window of work. Memory
  therefore stays flat however long the input is, and an infinite input works.
* Each worker needs its own ``Verifier``. A verifier is not sent to workers by pickling, because
  injected parts (a fetcher's HTTP session, a context store's cache, a challenge store's lock or
  SQLite handle) hold sessions, locks and handles that do not pickle, or that would silently stop
  being shared if they did. Instead either the workers are forked and inherit the caller's
  verifier as it is, or the caller gives a picklable ``factory`` that each worker calls once.

Fail closed, and one bad input never hurts the next: ``verify_credential`` turns bad input into
failed checks, and a defect that raises anyway becomes that item's report, an ``error`` with
code ``internal.error`` and the exception's type in its details (``_verify_one`` is a per-input
boundary). A chunk that cannot come back at all (its worker process died, or its reports could
not be sent) gives each of its items that report too, and a pool broken by a dead worker is
replaced, so the items after it are still verified. Nothing is skipped silently.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from .report import VerificationReport, internal_error_report

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

#: Inputs per task sent to a worker (see the module docstring for why 16).
CHUNK_SIZE = 16
#: Chunks in flight per worker: enough to keep workers fed while the consumer reads; this and
#: ``CHUNK_SIZE`` bound how many inputs are held at once.
WINDOW_PER_JOB = 4
#: How often a pool broken by a dead worker is replaced in one run before lost chunks simply
#: get ``internal.error`` reports (a worker that dies at start-up would otherwise loop).
MAX_POOL_RESTARTS = 8
#: With ``jobs`` left to its default, fewer inputs than this are verified in this process:
#: starting workers (each builds a verifier and loads its contexts, about 0.2 s for the CLI's)
#: costs more than it saves for them. ``vcwallet verify`` uses the same threshold.
AUTO_POOL_MIN = 256

T = TypeVar("T")
R = TypeVar("R")

#: What one item may carry: credential input as ``Verifier.verify_credential`` accepts it.
#: (Process pools pickle it, so bytes-likes other than ``bytes``/``bytearray`` only work in-process.)
CredentialData = bytes | bytearray | str | Mapping[str, Any]


class CredentialVerifier(Protocol):
    """What bulk verification needs of a verifier: its ``verify_credential``.

    A protocol rather than :class:`verifier.verification.Verifier` itself, so this module stands
    below the orchestrator that delegates to it.
    """

    def verify_credential(self, data: Any, *, label: str = ...) -> VerificationReport: ...


#: A zero-argument, picklable callable that builds the verifier a worker process uses.
VerifierFactory = Callable[[], CredentialVerifier]


class BulkItem(NamedTuple):
    """One input with the label its report should carry (for example its file name).

    Plain items are labelled ``"<input N>"`` by their 0-based position instead.
    """

    label: str
    data: CredentialData


def usable_cores() -> int:
    """The CPUs this process may run on: its affinity mask where the OS has one, else all."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def fork_available() -> bool:
    """Whether worker processes can be forked, and so inherit a verifier without pickling."""
    import multiprocessing  # only when a pool is wanted

    return "fork" in multiprocessing.get_all_start_methods()


def verify_many(verifier: CredentialVerifier, items: Iterable[CredentialData | BulkItem], *,
                jobs: int | None = None, chunk_size: int | None = None,
                factory: VerifierFactory | None = None) -> Iterator[VerificationReport]:
    """Reports for ``items``, in input order, produced lazily; see ``Verifier.verify_many``.

    Arguments are checked here, before the generator starts, so a mistake raises at the call and
    not at the first ``next()``.
    """
    workers = usable_cores() if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    size = CHUNK_SIZE if chunk_size is None else chunk_size
    if size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
    labelled = _labelled(iter(items))
    if workers == 1:
        return _in_process(verifier, labelled)
    if jobs is None:
        return _automatic(verifier, labelled, workers, size, factory)
    if factory is None and not fork_available():
        raise ValueError("verify_many with jobs > 1 needs a factory here: this platform cannot fork, "
                         "so worker processes cannot inherit this verifier (its fetcher and stores "
                         "may hold sessions and locks that do not pickle); pass factory=, a "
                         "picklable zero-argument function that builds a Verifier")
    return _in_pool(verifier, labelled, workers, size, factory)


def ordered_results(pool: Executor, fn: Callable[[T], R], tasks: Iterable[T],
                    limit: int) -> Iterator[R]:
    """``fn(task)`` for each task, run in ``pool``, yielded in task order.

    ``tasks`` is read lazily and at most ``limit`` tasks are submitted but not yet yielded, so
    memory stays flat. An exception from a task is raised here at that task's place. When the
    consumer stops early (or a task fails), the tasks not yet started are cancelled, so shutting
    the pool down afterwards waits only for the few already running.
    """
    window: deque[Future[R]] = deque()
    try:
        for task in tasks:
            window.append(pool.submit(fn, task))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        for future in window:
            future.cancel()


# -- the two ways of working ----------------------------------------------------------------

def _labelled(items: Iterator[CredentialData | BulkItem]) -> Iterator[BulkItem]:
    for n, item in enumerate(items):
        yield item if isinstance(item, BulkItem) else BulkItem(f"<input {n}>", item)


def _verify_one(verifier: CredentialVerifier, item: BulkItem) -> VerificationReport:
    """One item's report, whatever happens: the per-input boundary of bulk verification.

    ``Verifier.verify_credential`` has its own boundary; this one also covers a subclass or a
    stand-in verifier that raises (design rule: no bare ``except Exception`` outside these
    per-input boundaries).
    """
    try:
        return verifier.verify_credential(item.data, label=item.label)
    except Exception as exc:  # noqa: BLE001 - a defect becomes this item's report, see above
        return internal_error_report(item.label, exc)


def _in_process(verifier: CredentialVerifier, items: Iterator[BulkItem]) -> Iterator[VerificationReport]:
    for item in items:
        yield _verify_one(verifier, item)


def _automatic(verifier: CredentialVerifier, items: Iterator[BulkItem], jobs: int, size: int,
               factory: VerifierFactory | None) -> Iterator[VerificationReport]:
    """``jobs`` left to its default: a pool only for a long input, and only where workers can
    get a verifier (a factory, or fork); otherwise this process. Reads ahead at most
    :data:`AUTO_POOL_MIN` inputs, when the first report is asked for."""
    head = list(islice(items, AUTO_POOL_MIN))
    if len(head) < AUTO_POOL_MIN or (factory is None and not fork_available()):
        yield from _in_process(verifier, chain(head, items))
    else:
        yield from _in_pool(verifier, chain(head, items), jobs, size, factory)


def _chunks(items: Iterator[BulkItem], size: int) -> Iterator[list[BulkItem]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _in_pool(verifier: CredentialVerifier, items: Iterator[BulkItem], jobs: int, size: int,
             factory: VerifierFactory | None) -> Iterator[VerificationReport]:
    import multiprocessing  # ~15 ms of imports with the next line, only for many inputs
    from concurrent.futures import ProcessPoolExecutor

    def start() -> Executor:
        if factory is None:
            # Forked children get the verifier through initargs without pickling: a fork-started
            # Process keeps its arguments in the copied memory. Each worker then has its own
            # copy, so nothing (a status cache, a challenge store) is shared back with this one.
            return ProcessPoolExecutor(max_workers=jobs, initializer=_adopt, initargs=(verifier,),
                                       mp_context=multiprocessing.get_context("fork"))
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(),
                                   initializer=_build, initargs=(factory,))

    def lost(item: BulkItem, exc: BaseException) -> VerificationReport:
        return internal_error_report(item.label, exc)

    yield from isolated_results(start, _verify_chunk, _chunks(items, size), jobs * WINDOW_PER_JOB, lost)


def isolated_results(start: Callable[[], Executor], fn: Callable[[list[T]], list[R]],
                     chunks: Iterable[list[T]], limit: int,
                     lost: Callable[[T, BaseException], R]) -> Iterator[R]:
    """``fn(chunk)`` for each chunk, run in a pool that ``start()`` makes, flattened, in order.

    Like :func:`ordered_results` (lazy, at most ``limit`` chunks in flight), but no chunk can
    take the ones after it down: a chunk whose results cannot be had gives ``lost(item, exc)``
    for each of its items. When a worker dies (killed, out of memory) it breaks the pool and
    every chunk in flight with it; the pool is replaced and those chunks run again, and the
    chunk being read when it broke is retried alone, one item at a time with nothing else in
    flight, so only the input that kills its worker is lost (a chunk that fails otherwise, say
    an item that cannot be pickled, is retried item by item too). A pool that keeps breaking (a
    verifier factory that fails) is replaced at most :data:`MAX_POOL_RESTARTS` times.
    """
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    pool = start()

    def submit(chunk: list[T]) -> Future[list[R]]:
        try:
            return pool.submit(fn, chunk)
        except (BrokenProcessPool, RuntimeError) as exc:  # a pool that broke, or was shut down
            failed: Future[list[R]] = Future()
            failed.set_exception(exc)
            return failed

    restarts = 0
    # (chunk, retry, future); retry: an item being tried alone; None: submit when it is read
    window: deque[tuple[list[T], bool, Future[list[R]] | None]] = deque()
    source = iter(chunks)
    try:
        while True:
            quarantine = any(retry for _, retry, _ in window)
            if not quarantine and any(future is None for _, _, future in window):
                window = deque((c, r, f or submit(c)) for c, r, f in window)
            while not quarantine and len(window) < limit and (chunk := next(source, None)) is not None:
                window.append((chunk, False, submit(chunk)))
            if not window:
                return
            chunk, retry, future = window.popleft()
            try:
                results = (future or submit(chunk)).result()
            except BrokenProcessPool as exc:
                results = [lost(item, exc) for item in chunk]
                if restarts < MAX_POOL_RESTARTS:
                    restarts += 1
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = start()
                    pending: list[tuple[list[T], bool, Future[list[R]] | None]] = [
                        (c, r, None) for c, r, _ in window]
                    if not retry:
                        results = []
                        pending = [([item], True, None) for item in chunk] + pending
                    window = deque(pending)
            except Exception as exc:  # noqa: BLE001 - the chunk's results could not come back
                # (an item that does not pickle, a result that cannot be sent): try its items
                # one by one, so only the one at fault is lost
                results = [lost(item, exc) for item in chunk]
                if not retry and len(chunk) > 1:
                    results = []
                    window.extendleft(([item], True, None) for item in reversed(chunk))
            yield from results
    finally:
        for _, _, future in window:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


# -- inside a worker process ----------------------------------------------------------------

_worker_verifier: CredentialVerifier | None = None


def _adopt(verifier: CredentialVerifier) -> None:
    """Pool initializer (fork): use the verifier the parent had."""
    global _worker_verifier
    _worker_verifier = verifier


def _build(factory: VerifierFactory) -> None:
    """Pool initializer (factory): build this worker's verifier once."""
    global _worker_verifier
    _worker_verifier = factory()


def _verify_chunk(chunk: list[BulkItem]) -> list[VerificationReport]:
    verifier = _worker_verifier
    if verifier is None:
        raise RuntimeError("verify_many worker has no verifier (its initializer did not run)")
    return [_verify_one(verifier, item) for item in chunk]
