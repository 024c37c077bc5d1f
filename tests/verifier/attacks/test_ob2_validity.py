"""Open Badges 2.0 ``expires`` and ``issuedOn`` are judged like a VC's validity period."""

from __future__ import annotations

import json

from .ob2_world import as_file, code, genuine, hosted, jws, rsa_key, served, signed, verify

PAST = "2026-03-01T00:00:00Z"  # before the tests' clock (2026-06-01)
FUTURE = "2027-03-01T00:00:00Z"


def test_expired_hosted_assertion_fails_but_was_valid_when_issued() -> None:
    key = rsa_key("issuer")
    doc = hosted(expires=PAST)
    report = verify(as_file(doc), {**genuine(key), **served(doc)})
    assert not report.verified
    assert code(report, "proof") == "passed"
    validity = report.check("validity")
    assert validity.code == "validity.expired" and validity.path == "$.expires"
    assert validity.details["validWhenIssued"] is True and validity.details["validNow"] is False
    assert validity.details["validUntil"] == PAST
    # twin: an expiry still ahead
    doc = hosted(expires=FUTURE)
    report = verify(as_file(doc), {**genuine(key), **served(doc)})
    assert report.verified and report.check("validity").details["validNow"] is True


def test_expired_signed_assertion_fails() -> None:
    key = rsa_key("issuer")
    report = verify(jws(signed(expires=PAST), key), genuine(key))
    assert not report.verified and code(report, "validity") == "validity.expired"
    assert verify(jws(signed(expires=FUTURE), key), genuine(key)).verified


def test_assertion_issued_in_the_future_is_not_yet_valid() -> None:
    key = rsa_key("issuer")
    report = verify(jws(signed(issuedOn=FUTURE), key), genuine(key))
    assert code(report, "validity") == "validity.not_yet_valid" and not report.verified
    assert report.check("validity").path == "$.issuedOn"


def test_expired_before_issue_and_malformed_dates_fail() -> None:
    key = rsa_key("issuer")
    backwards = verify(jws(signed(issuedOn="2025-09-01T00:00:00Z", expires="2025-08-01T00:00:00Z"), key),
                       genuine(key))
    assert code(backwards, "validity") == "validity.invalid_period" and not backwards.verified
    assert backwards.check("validity").path == "$.expires"
    for bad in ("next year", 1767225600, "2026-13-01T00:00:00Z"):
        report = verify(jws(signed(expires=bad), key), genuine(key))
        assert code(report, "validity") == "validity.invalid_period", bad
        assert report.check("validity").path == "$.expires" and not report.verified


def test_hosted_copy_decides_the_expiry() -> None:
    # The holder's copy leaves expires out; the hosted assertion has it, and it has passed.
    key = rsa_key("issuer")
    world = {**genuine(key), **served(hosted(expires=PAST))}
    report = verify(json.dumps(hosted()).encode(), world)
    assert code(report, "validity") == "validity.expired" and not report.verified
