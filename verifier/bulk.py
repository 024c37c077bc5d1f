"""Verify many credentials on every core: reports in input order, lazily, with flat memory.

``Verifier.verify_many`` delegates here. The module is imported lazily by that method, and it
imports ``concurrent.futures`` and ``multiprocessing`` only when a pool is actually started,
because those cost import time that a single verification (and the CLI's cold start) never needs.

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

Fail closed: ``verify_credential`` turns bad input into a failed check, so one bad item never
stops the batch. If verification raises anyway (a defect), the exception comes out of the
generator at that item's place, with a note naming the item; it is never skipped silently.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from .report import VerificationReport
    from .verification import Verifier

#: Inputs per task sent to a worker (see the module docstring for why 16).
CHUNK_SIZE = 16
#: Chunks in flight per worker: enough to keep workers fed while the consumer reads; this and
#: ``CHUNK_SIZE`` bound how many inputs are held at once.
WINDOW_PER_JOB = 4
#: With ``jobs`` left to its default, fewer inputs than this are verified in this process:
#: starting workers (each builds a verifier and loads its contexts, about 0.2 s for the CLI's)
#: costs more than it saves for them. ``vcwallet verify`` uses the same threshold.
AUTO_POOL_MIN = 256

T = TypeVar("T")
R = TypeVar("R")

#: What one item may carry: credential input as ``Verifier.verify_credential`` accepts it.
#: (Process pools pickle it, so bytes-likes other than ``bytes``/``bytearray`` only work in-process.)
CredentialData = bytes | bytearray | str | Mapping[str, Any]
#: A zero-argument, picklable callable that builds the verifier a worker process uses.
VerifierFactory = Callable[[], "Verifier"]


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


def verify_many(verifier: Verifier, items: Iterable[CredentialData | BulkItem], *,
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


def _verify_one(verifier: Verifier, item: BulkItem) -> VerificationReport:
    try:
        return verifier.verify_credential(item.data, label=item.label)
    except Exception as exc:  # a defect, not bad input: re-raised, only annotated
        exc.add_note(f"verify_many: raised while verifying {item.label}")
        raise


def _in_process(verifier: Verifier, items: Iterator[BulkItem]) -> Iterator[VerificationReport]:
    for item in items:
        yield _verify_one(verifier, item)


def _automatic(verifier: Verifier, items: Iterator[BulkItem], jobs: int, size: int,
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


def _in_pool(verifier: Verifier, items: Iterator[BulkItem], jobs: int, size: int,
             factory: VerifierFactory | None) -> Iterator[VerificationReport]:
    import multiprocessing  # ~15 ms of imports with the next line, only for many inputs
    from concurrent.futures import ProcessPoolExecutor

    if factory is None:
        # Forked children get the verifier through initargs without pickling: a fork-started
        # Process keeps its arguments in the copied memory. Each worker then has its own copy,
        # so nothing (a status cache, a challenge store) is shared back with this process.
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_adopt, initargs=(verifier,))
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(),
                                   initializer=_build, initargs=(factory,))
    try:
        for reports in ordered_results(pool, _verify_chunk, _chunks(items, size), jobs * WINDOW_PER_JOB):
            yield from reports
    except _ChunkFailed as failed:
        yield from failed.reports  # the inputs before the defective one still get their reports
        raise failed.error from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- inside a worker process ----------------------------------------------------------------

_worker_verifier: Verifier | None = None


def _adopt(verifier: Verifier) -> None:
    """Pool initializer (fork): use the verifier the parent had."""
    global _worker_verifier
    _worker_verifier = verifier


def _build(factory: VerifierFactory) -> None:
    """Pool initializer (factory): build this worker's verifier once."""
    global _worker_verifier
    _worker_verifier = factory()


class _ChunkFailed(Exception):
    """A defect in a worker, carried home with the reports of the chunk's earlier inputs.

    Exceptions lose their ``__cause__`` and traceback when pickled, so both ride in ``args``
    (the worker's traceback as a note on ``error``).
    """

    def __init__(self, reports: list[VerificationReport], error: Exception) -> None:
        super().__init__(reports, error)
        self.reports = reports
        self.error = error


def _verify_chunk(chunk: list[BulkItem]) -> list[VerificationReport]:
    verifier = _worker_verifier
    if verifier is None:
        raise RuntimeError("verify_many worker has no verifier (its initializer did not run)")
    reports: list[VerificationReport] = []
    try:
        for item in chunk:
            reports.append(_verify_one(verifier, item))
    except Exception as exc:  # a defect: sent to the parent, which raises it in its place
        import traceback

        exc.add_note("worker traceback (most recent call last):\n"
                     + "".join(traceback.format_tb(exc.__traceback__)).rstrip())
        raise _ChunkFailed(reports, _portable(exc)) from exc
    return reports


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives the trip to the parent, else a ``RuntimeError`` describing it.

    An exception whose constructor does not take its own ``args`` back fails to unpickle in the
    parent, which then reports only a broken pool and loses the reports that came before it.
    (``VCError`` pickles as its constructor call, so typed errors travel as themselves.)
    """
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except (pickle.PickleError, TypeError, AttributeError, LookupError, ValueError,
            RecursionError) as problem:  # what pickling, or a constructor fed wrong args, raises
        portable = RuntimeError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}")
        for note in [*getattr(exc, "__notes__", ()), f"(not picklable: {problem!r})"]:
            portable.add_note(note)
        return portable
    return exc
