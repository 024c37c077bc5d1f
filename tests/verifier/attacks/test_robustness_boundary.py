"""One bad input never hurts the next: a defect while verifying one input becomes that input's
``internal.error`` report (``error`` status, the exception type in details), never a traceback,
and every input after it still gets its own report: ``Verifier`` entry points, ``verify_many``
(in this process and on a pool, including a worker that dies), ``vcwallet verify`` (one process
and ``--jobs 2``) and ``vcwallet import``.

The defect is injected by making one check raise for one marked input: that is exactly what the
boundaries guard against, and the unmarked inputs are each test's positive twins.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import badge, codes, sign, verifier
from verifier import verification
from verifier.bulk import BulkItem
from verifier.checks import presentation as presentation_check
from verifier.checks import validity
from verifier.report import Status

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")

MARK = "urn:uuid:defect-0000-0000-0000-000000000000"


class Defect(Exception):
    """Stands for any bug below the orchestrator."""


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return sign(badge())


@pytest.fixture(scope="module")
def marked() -> dict[str, Any]:
    return sign(badge(id=MARK))


@pytest.fixture
def defect(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check_validity`` raises for the marked credential only (forked workers inherit it)."""
    real = validity.check_validity

    def faulty(document: Any, *args: Any, **kwargs: Any) -> Any:
        if document.get("id") == MARK:
            raise Defect("a bug, not bad input")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(validity, "check_validity", faulty)


def _is_internal(report: Any, exception: str = "Defect") -> bool:
    return ([(c.id, c.status, c.code) for c in report.checks] == [("parse", Status.ERROR, "internal.error")]
            and report.checks[0].details == {"exception": exception} and not report.verified)


# -- the Verifier's entry points ---------------------------------------------------------------

@pytest.mark.usefixtures("defect")
def test_verify_credential_turns_a_defect_into_internal_error(good: Any, marked: Any,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    v = verifier()
    report = v.verify_credential(json.dumps(marked).encode(), label="marked.json")
    assert _is_internal(report) and report.input == "marked.json"
    assert v.verify_credential(good).verified  # twin: the same verifier, unmarked input
    assert capsys.readouterr().err == ""  # no traceback


def test_without_the_defect_the_marked_input_verifies(marked: Any) -> None:
    assert verifier().verify_credential(marked).verified


@pytest.mark.usefixtures("defect")
def test_debug_variable_prints_the_traceback_on_stderr(marked: Any, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VCWALLET_DEBUG", "1")
    assert _is_internal(verifier().verify_credential(marked))
    err = capsys.readouterr().err
    assert "Traceback" in err and "Defect" in err


def test_verify_presentation_and_sd_jwt_entry_points_are_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise Defect("a bug")

    v = verifier()
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"], "verifiableCredential": []}
    twin = v.verify_presentation(presentation, challenge="c", domain="d")
    assert twin.checks[0].code != "internal.error"
    monkeypatch.setattr(presentation_check, "check_presentation", broken)
    assert _is_internal(v.verify_presentation(presentation, challenge="c", domain="d", label="vp"))
    token = "eyJhbGciOiJFZERTQSJ9.e30.c2ln~"
    assert v.verify_sd_jwt(token).checks[0].code != "internal.error"
    monkeypatch.setattr(verification, "verify_sd_jwt_vc", broken)
    assert _is_internal(v.verify_sd_jwt(token, label="sd"))


# -- verify_many ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("defect")
@pytest.mark.parametrize("jobs", [1, 2])
def test_verify_many_reports_every_input_around_a_defect(good: Any, marked: Any, jobs: int) -> None:
    items = [BulkItem(f"in-{n}", json.dumps(marked if n == 3 else good).encode()) for n in range(8)]
    reports = list(verifier().verify_many(items, jobs=jobs, chunk_size=2))
    assert [r.input for r in reports] == [f"in-{n}" for n in range(8)]
    assert _is_internal(reports[3])
    assert all(r.verified for n, r in enumerate(reports) if n != 3)


class _Dying(verification.Verifier):
    """A verifier whose worker process dies on one input (as if killed or out of memory)."""

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> Any:
        if label == "in-5":
            os._exit(3)
        return super().verify_credential(data, label=label, recipient=recipient)


def test_a_worker_that_dies_costs_only_its_own_input(good: Any) -> None:
    base = verifier()
    dying = _Dying(contexts=base.contexts, keys=base.keys, fetcher=base.fetcher, clock=base.clock)
    items = [BulkItem(f"in-{n}", json.dumps(good).encode()) for n in range(12)]
    reports = list(dying.verify_many(items, jobs=2, chunk_size=3))
    assert [r.input for r in reports] == [f"in-{n}" for n in range(12)]
    lost = [r.input for r in reports if not r.verified]
    assert lost == ["in-5"]
    assert reports[5].checks[0].code == "internal.error"
    assert reports[5].checks[0].details["exception"] == "BrokenProcessPool"


# -- vcwallet verify ---------------------------------------------------------------------------

def _write(tmp_path: Path, good: Any, marked: Any, count: int = 5) -> list[str]:
    paths = []
    for n in range(count):
        path = tmp_path / f"badge-{n}.json"
        path.write_text(json.dumps(marked if n == 2 else good), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.usefixtures("defect")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_reports_every_input_around_a_defect(tmp_path: Path, good: Any, marked: Any, jobs: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.cli import main

    paths = _write(tmp_path, good, marked)
    assert main(["verify", "--offline", "--json", "--now", "2026-11-23T12:00:00Z", "--jobs", jobs,
                 *paths]) == 1
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [line["input"] for line in lines] == paths
    assert [line["verified"] for line in lines] == [True, True, False, True, True]
    assert [(c["id"], c["status"], c["code"]) for c in lines[2]["checks"]] == [
        ("parse", "error", "internal.error")]
    assert lines[2]["checks"][0]["details"] == {"exception": "Defect"}
    assert "Traceback" not in out.err and "Traceback" not in out.out


@pytest.mark.usefixtures("defect")
def test_cli_text_says_could_not_check_for_the_defect(tmp_path: Path, good: Any, marked: Any,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.cli import main

    paths = _write(tmp_path, good, marked, count=3)
    assert main(["verify", "--offline", "--now", "2026-11-23T12:00:00Z", *paths]) == 1
    out = capsys.readouterr().out
    assert out.count(": VERIFIED (vc2)") == 2
    assert "NOT VERIFIED — COULD NOT CHECK" in out and "code internal.error" in out


# -- vcwallet import ---------------------------------------------------------------------------

def _inbox(tmp_path: Path, marked: Any) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    others = [sign(badge(id=f"urn:uuid:0b4c6a52-1d7e-4d8a-9d51-00000000000{n}")) for n in range(3)]
    for n, document in enumerate([others[0], marked, others[1], others[2]]):
        (folder / f"{n}.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def _import(tmp_path: Path, folder: Path) -> tuple[list[Any], int]:
    from vcwallet.store import FAST_FOR_TESTS
    from vcwallet.wallet import Wallet

    with Wallet.create(tmp_path / "wallet.db", "correct horse", kdf=FAST_FOR_TESTS,
                       verifier=verifier()) as wallet:
        return wallet.import_source(str(folder)), len(wallet.list())


@pytest.mark.usefixtures("defect")
def test_wallet_import_stores_the_others_around_a_verifier_defect(tmp_path: Path, marked: Any) -> None:
    results, stored = _import(tmp_path, _inbox(tmp_path, marked))
    assert [r.outcome for r in results] == ["added", "refused", "added", "added"]
    assert results[1].report is not None and _is_internal(results[1].report)
    assert stored == 3


def test_wallet_import_stores_the_others_around_a_wallet_defect(tmp_path: Path, marked: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect in the wallet's own handling of one input (here: summarizing it)."""
    from vcwallet.wallet import core as wallet_module

    real = wallet_module.summarize

    def faulty(view: Any, *args: Any, **kwargs: Any) -> Any:
        if (view.document or {}).get("id") == MARK:
            raise Defect("a bug in the wallet")
        return real(view, *args, **kwargs)

    monkeypatch.setattr(wallet_module, "summarize", faulty)
    results, stored = _import(tmp_path, _inbox(tmp_path, marked))
    assert [r.outcome for r in results] == ["added", "refused", "added", "added"]
    assert results[1].error is not None and results[1].error.code == "internal.error"
    assert results[1].error.details == {"exception": "Defect"}
    assert results[1].report is not None and _is_internal(results[1].report)
    assert stored == 3


def test_wallet_import_twin_stores_all_four(tmp_path: Path, marked: Any) -> None:
    results, stored = _import(tmp_path, _inbox(tmp_path, marked))
    assert [r.outcome for r in results] == ["added"] * 4 and stored == 4


def test_import_cli_describes_the_defect_and_goes_on(tmp_path: Path, marked: Any, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.cli import main
    from vcwallet.commands import wallet_import
    from vcwallet.wallet import core as wallet_module

    real = wallet_module.summarize

    def faulty(view: Any, *args: Any, **kwargs: Any) -> Any:
        if (view.document or {}).get("id") == MARK:
            raise Defect("a bug in the wallet")
        return real(view, *args, **kwargs)

    monkeypatch.setattr(wallet_module, "summarize", faulty)
    monkeypatch.setattr(wallet_import, "make_verifier", lambda _args: verifier())
    monkeypatch.setenv("VCWALLET_PASSPHRASE", "correct horse")
    wallet = str(tmp_path / "wallet.db")
    assert main(["init", "--wallet", wallet, "--kdf", "insecure-test"]) == 0
    capsys.readouterr()
    folder = _inbox(tmp_path, marked)
    code = main(["import", "--wallet", wallet, "--json", str(folder)])
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [line["outcome"] for line in lines] == ["added", "refused", "added", "added"], out.err
    assert lines[1]["error"] == "internal.error"
    assert code == 1 and "Traceback" not in out.err


def test_import_boundary_keeps_wallet_failures_fatal() -> None:
    """The boundary is per input: a failing wallet file still stops the import (twin above)."""
    from vcwallet.importing import ImportItem, import_each
    from vcwallet.store import WalletError

    def add(item: ImportItem) -> str:
        if item.source == "b":
            raise WalletError("the disk is full", code="wallet.storage_full")
        return item.source

    items = [ImportItem(b"", "a"), ImportItem(b"", "b")]
    with pytest.raises(WalletError):
        list(import_each(items, add, lambda item, error, report: error.code, keep=(WalletError,)))
    assert list(import_each(items[:1], add, lambda item, error, report: error.code)) == ["a"]


def test_codes_helper_shape(good: Any) -> None:
    assert codes(verifier().verify_credential(good))["proof"] == ("passed", None)


# -- odd inputs to the command line --------------------------------------------------------------

def test_cli_odd_paths_never_stop_the_run(tmp_path: Path, good: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """A listed path that is not UTF-8, one with a NUL, a folder and an endless file each get
    their own error; the good inputs around them are all verified."""
    from vcwallet.cli import main

    paths = _write(tmp_path, good, good, count=3)
    listing = tmp_path / "list.txt"
    listing.write_bytes(b"\n".join([paths[0].encode(), b"/no/such/\xff\xfe.json", paths[1].encode(),
                                    b"bad\x00name.json", str(tmp_path).encode(), b"/dev/zero",
                                    paths[2].encode()]) + b"\n")
    code = main(["verify", "--offline", "--json", "--now", "2026-11-23T12:00:00Z",
                 "--paths-from", str(listing)])
    out = capsys.readouterr()
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [(line["input"], line["verified"]) for line in lines] == [
        (paths[0], True), (paths[1], True), ("/dev/zero", False), (paths[2], True)]
    assert lines[2]["checks"][0]["code"] == "parse.input_too_large"
    assert code == 2  # unreadable inputs: a usage-level problem, reported on stderr
    assert out.err.count("cannot read") == 3 and "\\udcff\\udcfe" in out.err and "Traceback" not in out.err


def test_an_item_that_cannot_reach_a_worker_costs_only_itself(good: Any) -> None:
    """Sent to a worker, an item that does not pickle fails its whole chunk; its neighbours are
    retried one by one and verified."""
    items: list[Any] = [BulkItem(f"in-{n}", json.dumps(good).encode()) for n in range(7)]
    items[4] = BulkItem("in-4", {"@context": lambda: None})  # a Mapping, but not picklable
    reports = list(verifier().verify_many(items, jobs=2, chunk_size=3))
    assert [r.input for r in reports] == [f"in-{n}" for n in range(7)]
    assert [r.verified for r in reports] == [True] * 4 + [False] + [True] * 2
    assert reports[4].checks[0].code == "internal.error"
    # twin: in this process the same item is just bad input, with its own code
    alone = verifier().verify_credential(items[4].data)
    assert alone.check("context").code == "format.invalid_context"
