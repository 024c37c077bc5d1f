"""``Verifier.verify_many``: input order, labels, laziness, early close, workers and defects.

Pool tests stay few and small (2 workers, a handful of inputs, small chunks) to keep CI cheap.
Nothing here times anything; "does not hang" means the test returns at all.
"""

from __future__ import annotations

import copy
import itertools
import json
import multiprocessing
import pickle
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import contexts_path
from tests.verifier.verification.conftest import ISSUER, NOW, badge_v2, vm_of
from verifier import bulk
from verifier.bulk import WINDOW_PER_JOB, BulkItem
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.proofs import add_proof
from verifier.report import VerificationReport
from verifier.suites import default_suites
from verifier.verification import Verifier

V2 = "https://www.w3.org/ns/credentials/v2"


def _offline_verifier(contexts: Any = None) -> Verifier:
    """The verifier every test uses; also the ``factory`` (module level, so it pickles)."""
    if contexts is None:
        from verifier.contexts import ContextStore

        contexts = ContextStore(directories=[contexts_path()], production=True)
    clock = FixedClock(NOW)
    return Verifier(contexts=contexts, keys=ResolverKeyLookup.create(StaticFetcher({}), clock),
                    clock=clock)


class _Faulty(Verifier):
    """A verifier with a defect: it raises (instead of reporting) on one particular input."""

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        if data == b"boom":
            raise ZeroDivisionError("a defect, not bad input")
        return super().verify_credential(data, label=label, recipient=recipient)


@pytest.fixture(scope="module")
def verifier(contexts: Any) -> Verifier:
    return _offline_verifier(contexts)


@pytest.fixture(scope="module")
def good(test_contexts: Any) -> dict[str, Any]:
    return add_proof(badge_v2(ISSUER.public.did_key), ISSUER, suites=default_suites(),
                     suite="eddsa-rdfc-2022", verification_method=vm_of(ISSUER),
                     purpose="assertionMethod", created="2025-09-01T00:00:00Z",
                     document_loader=test_contexts.document_loader)


@pytest.fixture(scope="module")
def mix(good: dict[str, Any]) -> list[Any]:
    """Valid, tampered, garbage and nested inputs, in every accepted form, plus a BulkItem."""
    tampered = copy.deepcopy(good)
    tampered["name"] = "Formative Assessment (with honours)"
    presentation = {"@context": [V2], "type": ["VerifiablePresentation"],
                    "verifiableCredential": [good]}
    return [good, tampered, b"not json at all", json.dumps(good).encode(), json.dumps("a string").encode(),
            BulkItem("badge.json", json.dumps(good).encode()), presentation, b'{"a": 1, "a": 2}', good]


def _summary(report: VerificationReport) -> tuple[Any, ...]:
    return (report.input, report.verified, report.format,
            [(c.id, c.status, c.code) for c in report.checks],
            [_summary(r) for r in report.credentials])


def _one_by_one(verifier: Verifier, items: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for n, item in enumerate(items):
        label, data = item if isinstance(item, BulkItem) else (f"<input {n}>", item)
        out.append(_summary(verifier.verify_credential(data, label=label)))
    return out


def _new_children(before: set[Any]) -> set[Any]:
    return set(multiprocessing.active_children()) - before


# -- order, labels, results ------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_reports_match_verify_credential_in_input_order(verifier: Verifier, mix: list[Any],
                                                        jobs: int) -> None:
    before = set(multiprocessing.active_children())
    reports = list(verifier.verify_many(mix, jobs=jobs, chunk_size=2))
    assert [_summary(r) for r in reports] == _one_by_one(verifier, mix)
    assert [r.input for r in reports] == ["<input 0>", "<input 1>", "<input 2>", "<input 3>",
                                          "<input 4>", "badge.json", "<input 6>", "<input 7>",
                                          "<input 8>"]
    assert [r.verified for r in reports] == [True, False, False, True, False, True, False, False, True]
    assert reports[1].check("proof").code == "proof.invalid_signature"  # type: ignore[union-attr]
    assert reports[2].checks[0].code == "parse.malformed_json"
    assert reports[4].checks[0].code == "parse.not_an_object"
    assert reports[7].checks[0].code == "parse.duplicate_key"
    assert reports[6].credentials and reports[6].credentials[0].verified
    assert not _new_children(before)  # the pool is gone once the output is consumed


def test_reports_pickle_round_trip(verifier: Verifier, mix: list[Any]) -> None:
    """Reports cross process boundaries: every kind (nested, failed, garbage) round-trips."""
    for report in verifier.verify_many(mix, jobs=1):
        again = pickle.loads(pickle.dumps(report))
        assert again == report
        assert again.to_json() == report.to_json()


# -- arguments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [0, -2])
def test_jobs_below_one_is_refused_at_the_call(verifier: Verifier, jobs: int) -> None:
    with pytest.raises(ValueError):  # plain ValueError by contract: no code to match
        verifier.verify_many([b"{}"], jobs=jobs)  # raised before any iteration


def test_chunk_size_below_one_is_refused(verifier: Verifier) -> None:
    with pytest.raises(ValueError):
        verifier.verify_many([b"{}"], jobs=1, chunk_size=0)


def test_one_job_and_default_chunk_size_twin(verifier: Verifier) -> None:
    [report] = verifier.verify_many([b"{}"], jobs=1, chunk_size=None)
    assert report.input == "<input 0>"
    assert report.checks[0].id == "parse"


def test_default_jobs_is_the_usable_cores(monkeypatch: pytest.MonkeyPatch, verifier: Verifier) -> None:
    monkeypatch.setattr(bulk, "usable_cores", lambda: 1)
    assert next(verifier.verify_many([b"x"])).input == "<input 0>"  # one core: no pool needed
    assert bulk.usable_cores() == 1
    monkeypatch.undo()
    assert bulk.usable_cores() >= 1


def test_by_default_a_short_input_stays_in_this_process(verifier: Verifier, mix: list[Any]) -> None:
    before = set(multiprocessing.active_children())
    seen = []
    for report in verifier.verify_many(mix):  # jobs left to its default, fewer than 256 inputs
        seen.append(_summary(report))
        assert not _new_children(before)  # no worker was started for this
    assert seen == _one_by_one(verifier, mix)


def test_by_default_a_long_input_gets_a_pool(monkeypatch: pytest.MonkeyPatch, verifier: Verifier,
                                             mix: list[Any]) -> None:
    monkeypatch.setattr(bulk, "usable_cores", lambda: 2)
    monkeypatch.setattr(bulk, "AUTO_POOL_MIN", 4)  # the twin: long enough for the pool
    before = set(multiprocessing.active_children())
    out = verifier.verify_many(mix, chunk_size=2)
    first = next(out)
    assert _new_children(before)  # workers are running
    reports = [first, *out]
    assert [_summary(r) for r in reports] == _one_by_one(verifier, mix)
    assert not _new_children(before)


def test_without_fork_a_factory_is_required(monkeypatch: pytest.MonkeyPatch, verifier: Verifier,
                                            mix: list[Any]) -> None:
    monkeypatch.setattr(bulk, "fork_available", lambda: False)
    with pytest.raises(ValueError):
        verifier.verify_many(mix, jobs=2)
    # the default never raises for that: it stays in this process
    monkeypatch.setattr(bulk, "AUTO_POOL_MIN", 2)
    assert [_summary(r) for r in verifier.verify_many(mix)] == _one_by_one(verifier, mix)
    # twin: with a factory, each worker builds its own verifier
    reports = list(verifier.verify_many(mix, jobs=2, chunk_size=4, factory=_offline_verifier))
    assert [_summary(r) for r in reports] == _one_by_one(verifier, mix)


# -- laziness and early close --------------------------------------------------------------

def _endless(pulled: list[int]) -> Iterator[bytes]:
    for n in itertools.count():
        pulled.append(n)
        yield b"not json at all" if n % 2 else b"[]"


def test_one_job_reads_only_what_is_asked(verifier: Verifier) -> None:
    pulled: list[int] = []
    reports = list(itertools.islice(verifier.verify_many(_endless(pulled), jobs=1), 5))
    assert [r.input for r in reports] == [f"<input {n}>" for n in range(5)]
    assert len(pulled) == 5


def test_pool_reads_at_most_one_window_and_closes_early(verifier: Verifier) -> None:
    pulled: list[int] = []
    before = set(multiprocessing.active_children())
    out = verifier.verify_many(_endless(pulled), jobs=2, chunk_size=2)
    assert pulled == []  # nothing is read before the first report is asked for
    reports = list(itertools.islice(out, 3))
    assert [r.checks[0].code for r in reports] == ["parse.not_an_object", "parse.malformed_json",
                                                   "parse.not_an_object"]
    window = 2 * WINDOW_PER_JOB * 2  # jobs * chunks per job * chunk_size
    # read ahead only to fill the window: read but not yet reported stays within it
    assert window <= len(pulled) <= len(reports) + window
    assert _new_children(before)  # twin of the assertion below: workers were running
    out.close()  # returns (does not hang) with work still queued
    assert not _new_children(before)
    assert len(pulled) <= len(reports) + window  # closing read nothing more


# -- defects -----------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_a_defect_is_that_items_report_and_the_rest_still_verify(contexts: Any, jobs: int) -> None:
    faulty = _Faulty(contexts=contexts, keys=ResolverKeyLookup.create(StaticFetcher({}), FixedClock(NOW)),
                     clock=FixedClock(NOW))
    items = [b"[]", b"x", b"[]", b"x", b"boom", b"[]", b"x"]
    reports = list(faulty.verify_many(items, jobs=jobs, chunk_size=3))
    assert [r.input for r in reports] == [f"<input {n}>" for n in range(len(items))]  # none lost
    broken = reports[4]
    assert not broken.verified
    assert [(c.id, c.status.value, c.code) for c in broken.checks] == [("parse", "error", "internal.error")]
    assert broken.checks[0].details["exception"] == "ZeroDivisionError"
    # twin: every other item got its ordinary report, the same as verifying it alone
    for item, report in zip(items, reports, strict=True):
        if item != b"boom":
            assert report.checks[0].code == faulty.verify_credential(item).checks[0].code
            assert report.checks[0].code != "internal.error"
