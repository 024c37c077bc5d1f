"""The status check over third-party lists, with real signature checks on the list credentials.

The list verifier here is a small stand-in for the full ``Verifier``: it runs ``ProofChecker``
with the interop contexts and accepts a list whose signatures all check. (The 1EdTech test list
names an https key URL that is not reachable offline, so its key comes from the multikey
fragment; a production verifier would also demand the issuer binding.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_json
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.proofs import ProofChecker
from verifier.report import Status
from verifier.status import ListVerifier, StatusChecker, issuer_id
from verifier.suites import default_suites

CLOCK = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
EDTECH = ("credentials", "1edtech-validator-ob30", "bit-string-list")
DCC = ("credentials", "dcc-vc-test-fixtures", "verifiableCredentials", "v2")


def proof_list_verifier(checker: ProofChecker) -> ListVerifier:
    def verify(document: dict[str, Any]) -> tuple[bool, str | None, str]:
        issuer = issuer_id(document)
        outcome = checker.verify(document)
        error = outcome.first_error
        if error is not None or not outcome.all_signatures_ok:
            return False, issuer, error.code if error else "proof.missing"
        return True, issuer, "verified"
    return verify


@pytest.fixture(scope="module")
def fetcher(interop: Path) -> StaticFetcher:
    return StaticFetcher.from_url_map(interop / "credentials" / "url-map.json", base_dir=interop)


@pytest.fixture(scope="module")
def verify(test_contexts: Any, fetcher: StaticFetcher) -> ListVerifier:
    keys = ResolverKeyLookup.create(fetcher, CLOCK)
    return proof_list_verifier(ProofChecker(default_suites(), keys, CLOCK, test_contexts.document_loader))


def _checker(fetcher: StaticFetcher, verify: ListVerifier, **options: Any) -> StatusChecker:
    return StatusChecker(fetcher, CLOCK, verify, **options)


@pytest.mark.parametrize("name", ["credential-status-revoked.json",
                                  "credential-status-revoked-blank-nodes.json"])
def test_1edtech_bitstring_sample_is_revoked(name: str, interop: Path, fetcher: StaticFetcher,
                                             verify: ListVerifier) -> None:
    document = load_json(interop.joinpath(*EDTECH, name))
    result = _checker(fetcher, verify).check(document)
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"
    assert result.details["entries"][0]["index"] == 23
    # The list's id is not the URL it is served from: decided, with a warning.
    assert result.details["warnings"]


def test_1edtech_sample_with_another_index_is_active(interop: Path, fetcher: StaticFetcher,
                                                     verify: ListVerifier) -> None:
    document = load_json(interop.joinpath(*EDTECH, "credential-status-revoked.json"))
    document["credentialStatus"]["statusListIndex"] = "22"
    result = _checker(fetcher, verify).check(document)
    assert result.status is Status.PASSED


DCC_CASES = [
    ("ed25519/didKey/noRegistry-revokedStatus-notExpired.json", Status.FAILED, "status.revoked"),
    ("dataIntegrityProof/didKey/twoOIDF-validStatus-expired.json", Status.WARNING, "status.short_list"),
    ("ed25519/didKey/legacy-expiredStatus-noExpiry.json", Status.ERROR, "status.unknown"),
    ("ed25519/didKey/legacy-notYetValidStatus-noExpiry.json", Status.ERROR, "status.unknown"),
    ("ed25519/didKey/legacy-tamperedStatus-noExpiry.json", Status.ERROR, "status.unknown"),
    ("ed25519/didKey/legacy-missingTypeStatus-noExpiry.json", Status.ERROR, "status.invalid_list"),
]


@pytest.mark.parametrize(("name", "status", "code"), DCC_CASES, ids=[c[0] for c in DCC_CASES])
def test_dcc_fixtures(name: str, status: Status, code: str | None, interop: Path,
                      fetcher: StaticFetcher, verify: ListVerifier) -> None:
    # The DCC lists are signed by one test key for credentials of several issuers.
    document = load_json(interop.joinpath(*DCC, name))
    result = _checker(fetcher, verify, allow_other_issuer=True).check(document)
    assert (result.status, result.code) == (status, code), result


def test_dcc_short_list_warns(interop: Path, fetcher: StaticFetcher, verify: ListVerifier) -> None:
    document = load_json(interop.joinpath(*DCC, DCC_CASES[1][0]))
    result = _checker(fetcher, verify, allow_other_issuer=True).check(document)
    assert (result.status, result.code) == (Status.WARNING, "status.short_list")
    assert any("100000 bits" in w for w in result.details["warnings"])


def test_dcc_list_of_another_issuer_is_refused_by_default(interop: Path, fetcher: StaticFetcher,
                                                          verify: ListVerifier) -> None:
    document = load_json(interop.joinpath(*DCC, DCC_CASES[1][0]))
    result = _checker(fetcher, verify).check(document)
    assert result.status is Status.FAILED
    assert result.code == "status.list_mismatch"
