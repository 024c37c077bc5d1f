"""The ``status`` check: outcomes, fail-closed errors, list binding and the TTL cache."""

from __future__ import annotations

import base64
import gzip
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import FetchError
from verifier.report import Status
from verifier.status import MIN_BITS, Bitstring, StatusChecker, StatusError, parse_index

from .helpers import ISSUER, URL, CountingFetcher, FakeListVerifier, credential, entry, status_list

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make(documents: dict[str, Any], **options: Any) -> tuple[StatusChecker, CountingFetcher,
                                                             FakeListVerifier, FixedClock]:
    fetcher = CountingFetcher(documents)
    verify = FakeListVerifier()
    clock = FixedClock(NOW)
    return StatusChecker(fetcher, clock, verify, **options), fetcher, verify, clock


def check(documents: dict[str, Any], cred: dict[str, Any], **options: Any) -> Any:
    return make(documents, **options)[0].check(cred)


# -- outcomes --------------------------------------------------------------------------------

def test_no_credential_status_is_skipped() -> None:
    result = check({}, credential())
    assert result.status is Status.SKIPPED
    assert result.code is None


def test_clear_bit_is_active() -> None:
    result = check({URL: status_list(set_bits=[1])}, credential(entry("94567")))
    assert result.status is Status.PASSED
    assert result.id == "status"
    assert result.details["outcome"] == "active"
    assert result.details["entries"] == [
        {"type": "BitstringStatusListEntry", "purpose": "revocation", "index": 94567,
         "outcome": "active"}]
    assert "warnings" not in result.details


def test_set_bit_on_revocation_list_is_revoked() -> None:
    result = check({URL: status_list(set_bits=[94567])}, credential(entry("94567")))
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"
    assert result.details["outcome"] == "revoked"
    assert result.details["entries"][0]["outcome"] == "revoked"


def test_set_bit_on_suspension_list_is_suspended() -> None:
    result = check({URL: status_list("suspension", set_bits=[7])}, credential(entry("7", "suspension")))
    assert result.status is Status.FAILED
    assert result.code == "status.suspended"


def test_clear_bit_on_suspension_list_is_active() -> None:
    result = check({URL: status_list("suspension", set_bits=[8])}, credential(entry("7", "suspension")))
    assert result.status is Status.PASSED


def test_two_entries_on_one_list_fetch_it_once() -> None:
    # The REC's multiple-status-entries example: revocation and suspension on one list.
    checker, fetcher, verify, _ = make({URL: status_list(["revocation", "suspension"], set_bits=[12345])})
    result = checker.check(credential(entry("94567"), entry("12345", "suspension")))
    assert result.code == "status.suspended"
    assert result.path == "$.credentialStatus[1]"
    assert [e["outcome"] for e in result.details["entries"]] == ["active", "suspended"]
    assert fetcher.calls[URL] == 1 and verify.calls == 1


def test_revoked_wins_over_an_unreachable_entry() -> None:
    other = "https://status.example/lists/2"
    documents = {URL: status_list(set_bits=[3]), other: FetchError("fetch.timeout", "slow")}
    result = check(documents, credential(entry("1", url=other), entry("3")))
    assert result.code == "status.revoked"
    assert [e["outcome"] for e in result.details["entries"]] == ["unknown", "revoked"]


def test_unknown_is_never_passed_even_beside_an_active_entry() -> None:
    other = "https://status.example/lists/2"
    documents = {URL: status_list(), other: FetchError("fetch.timeout", "slow")}
    result = check(documents, credential(entry("3"), entry("1", url=other)))
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"


def test_status_list_2021_entry() -> None:
    documents = {URL: status_list(kind="2021", set_bits=[42])}
    revoked = check(documents, credential(entry("42", type_="StatusList2021Entry")))
    active = check(documents, credential(entry("41", type_="StatusList2021Entry")))
    assert revoked.code == "status.revoked"
    assert active.status is Status.PASSED


def test_message_purpose_reports_the_message() -> None:
    bits = Bitstring.new(MIN_BITS * 2)
    bits.set_value(10, 2, 2)
    listing = status_list("message", size=MIN_BITS * 2)
    listing["credentialSubject"]["encodedList"] = bits.encode()
    messages = [{"status": "0x0", "message": "pending"}, {"status": "0x1", "message": "accepted"},
                {"status": "0x2", "message": "rejected"}]
    result = check({URL: listing}, credential(entry("10", "message", statusSize=2,
                                                          statusMessage=messages)))
    assert result.status is Status.PASSED
    assert result.details["entries"][0]["outcome"] == "message"
    assert result.details["messages"] == ["rejected"]
    assert result.details["statusValue"] == "0x2"


def test_unknown_purpose_is_an_error() -> None:
    result = check({URL: status_list("whatever")}, credential(entry("1", "whatever")))
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"


def test_unsupported_entry_type_is_an_error_never_passed() -> None:
    result = check({}, credential({"id": "https://x.example/s#1", "type": "RevocationList2020Status",
                                   "revocationListIndex": "1"}))
    assert result.status is Status.ERROR
    assert result.code == "status.unsupported_type"


def test_entry_that_is_not_an_object_is_an_error() -> None:
    assert check({}, credential("https://status.example/lists/1#5")).code == "status.unknown"
    assert check({}, credential(issuer=ISSUER, credentialStatus=[])).code == "status.unknown"


# -- indexes (BAD_INPUTS 32) -----------------------------------------------------------------

BAD_INDEXES = ["-1", "1e3", "+5", " 5", "5 ", "0x5", "", "5.0", "\u0661\u0662", "1_000", -1, 5.0,
               True, None, str(MIN_BITS), MIN_BITS, "9" * 30]


@pytest.mark.parametrize("index", BAD_INDEXES, ids=[repr(i) for i in BAD_INDEXES])
def test_bad_index_is_invalid(index: Any) -> None:
    result = check({URL: status_list()}, credential(entry(index)))
    assert result.status is Status.ERROR
    assert result.code == "status.invalid_index"
    assert result.path == "$.credentialStatus.statusListIndex"


GOOD_INDEXES = [("0", 0), ("94567", 94567), (str(MIN_BITS - 1), MIN_BITS - 1), ("007", 7), (23, 23)]


@pytest.mark.parametrize(("index", "value"), GOOD_INDEXES, ids=[repr(i) for i, _ in GOOD_INDEXES])
def test_good_index_is_read(index: Any, value: int) -> None:
    assert parse_index(index) == value
    result = check({URL: status_list(set_bits=[value])}, credential(entry(index)))
    assert result.code == "status.revoked"


def test_parse_index_refuses_negative() -> None:
    with pytest.raises(StatusError) as info:
        parse_index("-1")
    assert info.value.code == "status.invalid_index"


# -- fetching and verifying the list ---------------------------------------------------------

FETCH_CODES = ["fetch.insecure_url", "fetch.redirect_refused", "fetch.forbidden_address",
               "fetch.too_large", "fetch.timeout", "fetch.failed", "fetch.not_allowed"]


@pytest.mark.parametrize("code", FETCH_CODES)
def test_fetch_failure_is_unknown_with_the_underlying_code(code: str) -> None:
    result = check({URL: FetchError(code, "no")}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"
    assert result.details["underlying_code"] == code
    assert result.details["outcome"] == "unknown"


def test_list_that_is_not_json_is_unknown() -> None:
    result = check({URL: b"<html>not json</html>"}, credential(entry("1")))
    assert result.code == "status.unknown"
    assert result.details["underlying_code"] == "parse.malformed_json"


def test_list_whose_proof_fails_is_unknown() -> None:
    result = check({URL: status_list(proof="bad")}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"
    assert result.details["reason"] == "proof.invalid_signature"


def test_list_verifier_raising_a_coded_error_is_unknown() -> None:
    def raising(document: dict[str, Any]) -> tuple[bool, str | None, str]:
        raise FetchError("fetch.timeout", "did:web took too long")

    checker = StatusChecker(CountingFetcher({URL: status_list()}), FixedClock(NOW), raising)
    result = checker.check(credential(entry("1")))
    assert result.code == "status.unknown"
    assert result.details["reason"] == "fetch.timeout"


def test_list_from_another_issuer_is_a_mismatch() -> None:
    documents = {URL: status_list(issuer="did:example:someone-else")}
    result = check(documents, credential(entry("1")))
    assert result.status is Status.FAILED
    assert result.code == "status.list_mismatch"
    assert result.details["list_issuer"] == "did:example:someone-else"
    allowed = check(documents, credential(entry("1")), allow_other_issuer=True)
    assert allowed.status is Status.PASSED


def test_issuer_given_as_object_matches() -> None:
    result = check({URL: status_list()}, credential(entry("1"), issuer={"id": ISSUER, "name": "PD"}))
    assert result.status is Status.PASSED


def test_purpose_mismatch_is_a_mismatch() -> None:
    result = check({URL: status_list("revocation")}, credential(entry("1", "suspension")))
    assert result.status is Status.FAILED
    assert result.code == "status.list_mismatch"


def test_list_kind_mismatch_is_a_mismatch() -> None:
    result = check({URL: status_list(kind="2021")}, credential(entry("1")))
    assert result.code == "status.list_mismatch"
    listing = status_list()
    listing["credentialSubject"]["type"] = "SomethingElse"
    assert check({URL: listing}, credential(entry("1"))).code == "status.list_mismatch"


def test_document_that_is_no_status_list_is_invalid() -> None:
    listing = status_list()
    listing["type"] = ["VerifiableCredential"]
    result = check({URL: listing}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.invalid_list"


@pytest.mark.parametrize(("extra", "reason"), [
    ({"validUntil": "2025-01-01T00:00:00Z"}, "list expired"),
    ({"expirationDate": "2025-01-01T00:00:00Z"}, "list expired"),
    ({"validFrom": "3000-01-01T00:00:00Z"}, "list not yet valid"),
    ({"validUntil": "next tuesday"}, "malformed validUntil"),
])
def test_list_outside_its_validity_is_unknown(extra: dict[str, Any], reason: str) -> None:
    result = check({URL: status_list(**extra)}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.unknown"
    assert result.details["reason"] == reason


def test_list_inside_its_validity_is_used() -> None:
    result = check({URL: status_list(validUntil="2027-01-01T00:00:00Z")}, credential(entry("1")))
    assert result.status is Status.PASSED


def test_gzip_bomb_list_is_too_large() -> None:
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    raw = b"".join([deflater.compress(bytes(1 << 20)) for _ in range(20)] + [deflater.flush()])
    listing = status_list()
    listing["credentialSubject"]["encodedList"] = "u" + _b64(raw)
    result = check({URL: listing}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.list_too_large"


@pytest.mark.parametrize("encoded", ["H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
                                     "u" + _b64(b"plain text, no gzip"), 17])
def test_undecodable_list_is_invalid(encoded: Any) -> None:
    listing = status_list()
    listing["credentialSubject"]["encodedList"] = encoded
    result = check({URL: listing}, credential(entry("1")))
    assert result.status is Status.ERROR
    assert result.code == "status.invalid_list"


def test_short_list_still_decides_with_a_warning() -> None:
    result = check({URL: status_list(size=800, set_bits=[5])}, credential(entry("5")))
    assert result.code == "status.revoked"
    assert result.details["warnings"]
    active = check({URL: status_list(size=800)}, credential(entry("5")))
    assert (active.status, active.code) == (Status.WARNING, "status.short_list")
    assert len(active.details["warnings"]) == 1
    full = check({URL: status_list()}, credential(entry("5")))  # the positive twin: a full-size list
    assert (full.status, full.code) == (Status.PASSED, None)


def test_list_fetched_from_another_url_than_its_id_warns() -> None:
    result = check({URL: status_list(url="https://elsewhere.example/list")}, credential(entry("5")))
    assert result.status is Status.PASSED
    assert result.details["warnings"]


def test_list_compressed_by_another_encoder_decodes() -> None:
    listing = status_list()
    raw = gzip.compress(bytes(MIN_BITS // 8), compresslevel=1)
    listing["credentialSubject"]["encodedList"] = "u" + _b64(raw)
    assert check({URL: listing}, credential(entry("5"))).status is Status.PASSED


# -- 1EdTech revocation list -----------------------------------------------------------------

REVOCATIONS = "https://issuer.example/api/revocations/org-1"


def _edtech(cred_id: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if cred_id is not None:
        extra["id"] = cred_id
    cred = credential({"id": REVOCATIONS, "type": "1EdTechRevocationList"})
    cred.pop("id")
    cred.update(extra)
    return cred


def test_1edtech_revocation_list_names_the_credential() -> None:
    documents = {REVOCATIONS: {"revokedCredentials": [
        {"id": "urn:uuid:other", "revoked": True},
        {"id": "urn:uuid:mine", "revocationReason": "issued in error"}]}}
    result = check(documents, _edtech("urn:uuid:mine"))
    assert result.status is Status.FAILED
    assert result.code == "status.revoked"
    assert result.details["revocationReason"] == "issued in error"
    assert result.details["entries"][0]["type"] == "1EdTechRevocationList"


def test_1edtech_revocation_list_without_the_credential_is_active() -> None:
    documents = {REVOCATIONS: {"revokedCredentials": [{"id": "urn:uuid:mine", "revoked": False},
                                                      {"id": "urn:uuid:other"}]}}
    assert check(documents, _edtech("urn:uuid:mine")).status is Status.PASSED


def test_1edtech_malformed_list_or_missing_id_is_not_passed() -> None:
    assert check({REVOCATIONS: {"revoked": []}}, _edtech("urn:uuid:mine")).code == "status.invalid_list"
    assert check({REVOCATIONS: {"revokedCredentials": []}}, _edtech()).code == "status.unknown"
    failed = check({REVOCATIONS: FetchError("fetch.failed", "500")}, _edtech("urn:uuid:mine"))
    assert failed.code == "status.unknown"
    assert failed.details["underlying_code"] == "fetch.failed"


# -- the cache -------------------------------------------------------------------------------

def test_cache_hit_skips_fetch_and_verification_until_the_ttl_passes() -> None:
    checker, fetcher, verify, clock = make({URL: status_list()}, cache_ttl=300)
    cred = credential(entry("1"))
    assert checker.check(cred).status is Status.PASSED
    clock.advance(299)
    assert checker.check(cred).status is Status.PASSED
    assert fetcher.calls[URL] == 1 and verify.calls == 1
    clock.advance(2)
    fetcher.documents[URL] = status_list(set_bits=[1])
    assert checker.check(cred).code == "status.revoked"
    assert fetcher.calls[URL] == 2 and verify.calls == 2


def test_failures_are_not_cached() -> None:
    checker, fetcher, _, _ = make({URL: FetchError("fetch.timeout", "slow")})
    assert checker.check(credential(entry("1"))).code == "status.unknown"
    fetcher.documents[URL] = status_list()
    assert checker.check(credential(entry("1"))).status is Status.PASSED
    assert fetcher.calls[URL] == 2


def test_list_ttl_shorter_than_the_cache_ttl_wins() -> None:
    listing = status_list()
    listing["credentialSubject"]["ttl"] = 60_000  # milliseconds
    checker, fetcher, _, clock = make({URL: listing}, cache_ttl=300)
    checker.check(credential(entry("1")))
    clock.advance(61)
    checker.check(credential(entry("1")))
    assert fetcher.calls[URL] == 2


def test_cached_list_is_still_checked_for_expiry() -> None:
    checker, fetcher, _, clock = make({URL: status_list(validUntil="2026-11-23T00:01:00Z")},
                                      cache_ttl=300)
    assert checker.check(credential(entry("1"))).status is Status.PASSED
    clock.advance(120)
    result = checker.check(credential(entry("1")))
    assert result.code == "status.unknown"
    assert fetcher.calls[URL] == 1


def test_cache_is_bounded_least_recently_used_first() -> None:
    urls = [f"https://status.example/lists/{n}" for n in range(3)]
    checker, fetcher, _, _ = make({u: status_list(url=u) for u in urls}, max_entries=2)
    for u in urls:
        checker.check(credential(entry("1", url=u)))
    checker.check(credential(entry("1", url=urls[2])))
    checker.check(credential(entry("1", url=urls[0])))
    assert fetcher.calls[urls[2]] == 1
    assert fetcher.calls[urls[0]] == 2


def test_zero_ttl_disables_the_cache() -> None:
    checker, fetcher, _, _ = make({URL: status_list()}, cache_ttl=0)
    checker.check(credential(entry("1")))
    checker.check(credential(entry("1")))
    assert fetcher.calls[URL] == 2


def test_cache_is_bounded_in_bytes() -> None:
    urls = [f"https://status.example/lists/{n}" for n in range(3)]
    checker, fetcher, _, _ = make({u: status_list(url=u) for u in urls},
                                  max_cache_bytes=2 * MIN_BITS // 8)
    for u in [*urls, urls[2], urls[1], urls[0]]:
        checker.check(credential(entry("1", url=u)))
    assert [fetcher.calls[u] for u in urls] == [2, 1, 1]


def test_list_without_an_issuer_never_matches() -> None:
    listing = status_list()
    del listing["issuer"]
    result = check({URL: listing}, credential(entry("1"), issuer=None))
    assert result.code == "status.list_mismatch"
