"""Open Badges 2.0 revocation: the issuer's revocationList, ``revoked`` flags, and HTTP 410."""

from __future__ import annotations

from typing import Any

import pytest

from verifier.errors import FetchError
from verifier.report import Status
from verifier.status import check_ob2_revocation, hosted_assertion_gone, is_gone

from .helpers import CountingFetcher

ISSUER = "https://issuer.example/organization"
LIST_URL = "https://issuer.example/revocations"
ASSERTION = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
             "id": "urn:uuid:52e4c6b3-8c13-4fa8-8482-a5cf34ef37a9"}
PROFILE = {"id": ISSUER, "type": "Profile", "revocationList": LIST_URL}


def revocation_list(*items: Any, issuer: str = ISSUER) -> dict[str, Any]:
    return {"@context": "https://w3id.org/openbadges/v2", "id": LIST_URL, "type": "RevocationList",
            "issuer": issuer, "revokedAssertions": list(items)}


def test_listed_assertion_is_revoked_with_its_reason() -> None:
    fetcher = CountingFetcher({LIST_URL: revocation_list(
        "urn:uuid:someone-else", {"id": ASSERTION["id"], "revocationReason": "Issued in error"})})
    result = check_ob2_revocation(ASSERTION, PROFILE, fetcher)
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"
    assert result.details["revocationReason"] == "Issued in error"


def test_unlisted_assertion_is_active() -> None:
    fetcher = CountingFetcher({LIST_URL: revocation_list("urn:uuid:someone-else",
                                                         {"uid": "abc123", "revocationReason": "x"})})
    result = check_ob2_revocation(ASSERTION, PROFILE, fetcher)
    assert result.status is Status.PASSED
    assert result.details["outcome"] == "active"


@pytest.mark.parametrize("item", [ASSERTION["id"], {"uid": "abc123"}], ids=["id-string", "uid"])
def test_plain_ids_and_legacy_uids_match(item: Any) -> None:
    fetcher = CountingFetcher({LIST_URL: revocation_list(item)})
    result = check_ob2_revocation({**ASSERTION, "uid": "abc123"}, PROFILE, fetcher)
    assert result.code == "status.revoked"


def test_assertion_that_says_revoked_is_revoked() -> None:
    result = check_ob2_revocation({**ASSERTION, "revoked": True, "revocationReason": "cheating"},
                                  {"id": ISSUER}, CountingFetcher({}))
    assert result.code == "status.revoked"
    assert result.details["revocationReason"] == "cheating"
    assert check_ob2_revocation({**ASSERTION, "revoked": False}, {"id": ISSUER},
                                CountingFetcher({})).status is Status.SKIPPED


def test_profile_without_revocation_list_is_skipped() -> None:
    assert check_ob2_revocation(ASSERTION, {"id": ISSUER}, CountingFetcher({})).status is Status.SKIPPED


def test_embedded_revocation_list_is_read() -> None:
    profile = {**PROFILE, "revocationList": revocation_list(ASSERTION["id"])}
    assert check_ob2_revocation(ASSERTION, profile, CountingFetcher({})).code == "status.revoked"


def test_unreachable_list_is_unknown() -> None:
    fetcher = CountingFetcher({LIST_URL: FetchError("fetch.timeout", "slow")})
    result = check_ob2_revocation(ASSERTION, PROFILE, fetcher)
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"
    assert result.details["underlying_code"] == "fetch.timeout"


def test_malformed_list_is_not_passed() -> None:
    assert check_ob2_revocation(ASSERTION, PROFILE, CountingFetcher({LIST_URL: b"{nope"})).code \
        == "status.unknown"
    assert check_ob2_revocation(ASSERTION, PROFILE, CountingFetcher({LIST_URL: {"id": LIST_URL}})).code \
        == "status.invalid_list"
    assert check_ob2_revocation(ASSERTION, {**PROFILE, "revocationList": 5}, CountingFetcher({})).code \
        == "status.unknown"


def test_list_of_another_issuer_is_a_mismatch() -> None:
    fetcher = CountingFetcher({LIST_URL: revocation_list(issuer="https://evil.example/org")})
    result = check_ob2_revocation(ASSERTION, PROFILE, fetcher)
    assert result.status is Status.FAILED
    assert result.code == "status.list_mismatch"


def test_assertion_without_ids_is_unknown() -> None:
    fetcher = CountingFetcher({LIST_URL: revocation_list()})
    result = check_ob2_revocation({"type": "Assertion"}, PROFILE, fetcher)
    assert result.code == "status.unknown"


# -- hosted assertions: 410 Gone -------------------------------------------------------------

def test_410_is_recognised_as_revoked() -> None:
    error = FetchError("fetch.failed", "HTTP 410", details={"status": 410, "url": "https://a.example/1"})
    assert is_gone(error)
    result = hosted_assertion_gone(error)
    assert result is not None
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"
    assert result.details["url"] == "https://a.example/1"


@pytest.mark.parametrize("details", [{"status": 404}, {"status": 500}, {}])
def test_other_fetch_failures_are_not_revocations(details: dict[str, Any]) -> None:
    error = FetchError("fetch.failed", "HTTP error", details=details)
    assert not is_gone(error)
    assert hosted_assertion_gone(error) is None
    assert hosted_assertion_gone(FetchError("fetch.timeout", "slow", details={"status": 410})) is None
