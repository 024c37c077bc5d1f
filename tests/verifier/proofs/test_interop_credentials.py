"""Every signed credential in ../shared/interop/credentials checks at proof level as the
collector's offline re-check (``local_check`` in expected-results.json) says.

``VALID`` means our signature check passes. ``INVALID`` means it fails with a signature or
data-loss code (or the
named key is malformed). ``previousProof not found``/``malformed previousProof`` mean a chain error, an
``unresolvable verificationMethod`` means the key could not be found (an error, not a pass), and
``skipped (X)`` means the suite is not one we accept. Checking stops at the first proof of a
set that fails, so only the outcomes up to it are compared.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING, load_json
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.proofs import ProofChecker, ProofResult
from verifier.suites import default_suites

CREDENTIALS = INTEROP / "credentials"


def _entries() -> list[dict[str, Any]]:
    path = CREDENTIALS / "expected-results.json"
    if not path.is_file():
        return []
    return [e for e in load_json(path)["entries"] if e.get("local_check")]


def _cases() -> list[Any]:
    """One case per checked entry; without the corpus, one case that skips and says why."""
    return ([pytest.param(e, id=e["file"]) for e in _entries()]
            or [pytest.param(None, id="interop-missing", marks=pytest.mark.skip(reason=INTEROP_MISSING))])


def _matches(expected: str, result: ProofResult) -> bool:
    code = result.error.code if result.error else None
    if expected == "VALID":
        return result.signature_ok
    if expected == "INVALID":
        # A key named by a malformed multikey fragment (key.*) cannot have made the signature.
        return code in {"proof.invalid_signature", "jsonld.data_loss"} or (
            code is not None and code.startswith("key."))
    if expected in ("previousProof not found", "malformed previousProof"):
        return code == "proof.chain_error"
    if expected == "unresolvable verificationMethod":
        return code is not None and code.split(".")[0] in {"fetch", "did", "vm", "key"}
    if expected.startswith("skipped"):
        return code in {"proof.unsupported_suite", "proof.unsupported_type"}
    raise AssertionError(f"unknown expectation {expected!r}")


@pytest.fixture(scope="module")
def checker(test_contexts: Any, interop: Path) -> ProofChecker:
    fetcher = StaticFetcher.from_url_map(interop / "credentials" / "url-map.json", base_dir=interop)
    clock = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
    keys = ResolverKeyLookup.create(fetcher, clock)
    return ProofChecker(default_suites(), keys, clock, test_contexts.document_loader)


@pytest.mark.parametrize("entry", _cases())
def test_proof_level_outcome(entry: dict[str, Any], checker: ProofChecker) -> None:
    document = load_json(CREDENTIALS / entry["file"])
    purpose = "authentication" if "VerifiablePresentation" in document.get("type", []) else "assertionMethod"
    outcome = checker.verify(document, purpose=purpose)
    assert outcome.error is None, outcome.error
    got = [(r.error.code if r.error else "valid") for r in outcome.results]
    # Checking stops at the first proof that fails; the ones after it are counted, not checked.
    expected = list(entry["local_check"])
    stop = next((i for i, e in enumerate(expected) if e != "VALID"), len(expected) - 1)
    assert len(outcome.results) == stop + 1, got
    assert outcome.details.get("notAttempted", 0) == len(expected) - stop - 1
    for wanted, result in zip(expected, outcome.results, strict=False):
        assert _matches(wanted, result), (wanted, got)


def test_corpus_is_present() -> None:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    assert len(_entries()) > 100
