"""Years beyond 9999 and before 1 (XML Schema allows both) never crash a check.

What we chose, per field (see ``verifier/clock.py``): XML Schema dateTimes are *read*, and a
moment Python's ``datetime`` cannot hold is clamped to the first or last representable instant,
which no clock reaches. So a ``validUntil`` in year 10000 is not expired, a ``validFrom`` or a
``proof.created`` in year 10000 is in the future, and a ``validUntil`` in year 0 is long past;
9999-12-31 late in a zone west of UTC is the same far future. JWT NumericDates (``exp``,
``nbf``, ``iat``) beyond 9999-12-31 are refused with the token's claims code, and a token status
list's far-future ``exp`` is simply far future.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import (
    ISSUER,
    ISSUER_KEY,
    NOW,
    VC_V1,
    badge,
    codes,
    sign,
    verifier,
    vm_of,
)
from verifier.checks.validity import check_validity
from verifier.clock import END_OF_TIME, START_OF_TIME, FixedClock, parse_datetime
from verifier.data_model import parse_date_time

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")

FAR_FUTURE = ["10000-01-01T00:00:00Z", "123456789-06-01T00:00:00Z", "9999-12-31T23:59:59-01:00",
              "9999-12-31T24:00:00Z", "1" * 500 + "-01-01T00:00:00Z"]
FAR_PAST = ["0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "-123456-12-31T23:59:59Z",
            "0001-01-01T00:00:00+01:00"]


@pytest.mark.parametrize("text", FAR_FUTURE)
def test_far_future_reads_as_the_end_of_time(text: str) -> None:
    assert parse_date_time(text) == END_OF_TIME


@pytest.mark.parametrize("text", FAR_PAST)
def test_far_past_reads_as_the_start_of_time(text: str) -> None:
    assert parse_date_time(text) == START_OF_TIME


@pytest.mark.parametrize("text", ["10001-02-29T00:00:00Z", "-0000-01-01T00:00:00Z", "010000-01-01T00:00:00Z",
                                  "10000-13-01T00:00:00Z", "10000-01-01T25:00:00Z"])
def test_impossible_dates_in_far_years_are_still_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_time(text)


def test_leap_days_follow_the_calendar_in_far_years() -> None:
    assert parse_date_time("10400-02-29T00:00:00Z") == END_OF_TIME  # divisible by 400: leap
    with pytest.raises(ValueError):
        parse_date_time("10100-02-29T00:00:00Z")  # divisible by 100, not by 400


@settings(max_examples=300)
@given(st.from_regex(r"-?[0-9]{4,12}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
                     r"(Z|[+-][0-9]{2}:[0-9]{2})?", fullmatch=True))
def test_any_xml_schema_shaped_date_reads_or_is_refused_with_value_error(text: str) -> None:
    for parse in (lambda t: parse_date_time(t, require_timezone=False), parse_datetime):
        try:
            moment = parse(text)
        except ValueError:
            continue
        assert START_OF_TIME <= moment <= END_OF_TIME


@pytest.mark.parametrize("text", FAR_FUTURE)
def test_valid_until_far_future_is_not_expired(text: str) -> None:
    report = verifier().verify_credential(sign(badge(validUntil=text)))
    assert report.verified, codes(report)
    assert report.check("validity").details["validNow"] is True


@pytest.mark.parametrize("text", FAR_FUTURE)
def test_valid_from_far_future_is_not_yet_valid(text: str) -> None:
    report = verifier().verify_credential(sign(badge(validFrom=text)))
    assert codes(report)["validity"] == ("failed", "validity.not_yet_valid")


@pytest.mark.parametrize("text", FAR_PAST)
def test_valid_from_far_past_has_started(text: str) -> None:
    assert verifier().verify_credential(sign(badge(validFrom=text))).verified


@pytest.mark.parametrize("text", FAR_PAST)
def test_valid_until_far_past_is_over(text: str) -> None:
    report = verifier().verify_credential(sign(badge(validFrom=text, validUntil=text)))
    assert codes(report)["validity"] == ("failed", "validity.expired")


def _v1(**dates: Any) -> dict[str, Any]:
    return {"@context": [VC_V1, "https://w3id.org/security/data-integrity/v2"],
            "id": "urn:uuid:7d0a2f33-5b7c-4c1e-8a8f-2e6e1b9c4d21", "type": ["VerifiableCredential"],
            "issuer": ISSUER, "credentialSubject": {"id": "did:example:teacher"}, **dates}


def test_vcdm_1_1_dates_in_far_years() -> None:
    v = verifier()
    assert v.verify_credential(sign(_v1(issuanceDate="2025-01-01T00:00:00Z",
                                        expirationDate="10000-01-01T00:00:00"))).verified
    late = v.verify_credential(sign(_v1(issuanceDate="10000-01-01T00:00:00Z")))
    assert codes(late)["validity"] == ("failed", "validity.not_yet_valid")
    twin = v.verify_credential(sign(_v1(issuanceDate="2025-01-01T00:00:00Z")))
    assert twin.verified


def test_huge_clock_skew_does_not_overflow_at_the_end_of_time() -> None:
    from datetime import timedelta

    document = {"validFrom": "10000-01-01T00:00:00Z", "validUntil": "10001-01-01T00:00:00Z"}
    result = check_validity(document, FixedClock(NOW), timedelta(days=365 * 100))
    assert result.code == "validity.not_yet_valid"
    past = {"validFrom": "-0001-01-01T00:00:00Z", "validUntil": "0000-06-01T00:00:00Z"}
    assert check_validity(past, FixedClock(NOW), timedelta(days=365 * 100)).code == "validity.expired"


@pytest.mark.parametrize(("option", "text", "code"), [
    ("created", "10000-01-01T00:00:00Z", "proof.invalid_date"),        # in the future
    ("created", "9999-12-31T23:59:59-01:00", "proof.invalid_date"),     # was an OverflowError
    ("created", "-0001-01-01T00:00:00Z", None),                         # long ago: fine
    ("created", "0001-01-01T00:00:00+01:00", None),                     # was an OverflowError
    ("expires", "10000-01-01T00:00:00Z", None),                         # not expired
    ("expires", "9999-12-31T23:59:59-01:00", None),                     # was an OverflowError
    ("expires", "0001-01-01T00:00:00+01:00", "proof.expired"),          # was an OverflowError
])
def test_proof_dates_in_far_years(option: str, text: str, code: str | None) -> None:
    signed = sign(badge(), **{option: text})
    report = verifier().verify_credential(signed)
    assert report.check("proof").code == code
    assert report.verified is (code is None)


def _jwt(**claims: Any) -> str:
    from tests.verifier.jwt.tokens import forge

    credential = badge()
    payload = {"iss": ISSUER, "jti": credential["id"], "sub": "did:example:teacher-okafor",
               "iat": 1756684800, "nbf": 1756684800, **claims, "vc": credential}
    return forge({"alg": "EdDSA", "typ": "JWT", "kid": vm_of(ISSUER_KEY)}, payload, ISSUER_KEY)


@pytest.mark.parametrize("claim", ["exp", "nbf"])
@pytest.mark.parametrize("value", [10**20, 1e300, -(10**20), 253402300800])
def test_jwt_numeric_dates_beyond_9999_are_refused_with_a_code(claim: str, value: Any) -> None:
    report = verifier().verify_credential(_jwt(**{claim: value}))
    assert not report.verified
    assert "internal.error" not in {c.code for c in report.checks}
    assert {c.code for c in report.errors} & {"jwt.invalid_claims", "validity.invalid_period"}


@pytest.mark.parametrize("value", [10**20, 1e300, -(10**20)])
def test_jwt_iat_beyond_9999_never_crashes(value: Any) -> None:
    """``iat`` says nothing about validity in the VCDM 1.1 form; it may be ignored, never crash."""
    report = verifier().verify_credential(_jwt(iat=value))
    assert "internal.error" not in {c.code for c in report.checks}


def test_jwt_twin_with_ordinary_dates_verifies() -> None:
    report = verifier().verify_credential(_jwt(exp=1893456000))
    assert report.verified, codes(report)


@pytest.mark.parametrize(("exp", "code"), [(10**20, None), (10**39, None), (1, "status.unknown")])
def test_token_status_list_exp_far_future_is_far_future(exp: int, code: str | None) -> None:
    from verifier.fetch import StaticFetcher
    from verifier.key_lookup import ResolverKeyLookup
    from verifier.sdjwt import TokenStatusChecker, TokenStatusList, status_list_token
    from verifier.status.bitstring import StatusError

    uri = "https://issuer.example/status/1"
    token = status_list_token(TokenStatusList.new(64, 1), uri=uri, issuer=ISSUER, key=ISSUER_KEY,
                              kid=vm_of(ISSUER_KEY), iat=int(NOW.timestamp()) - 60, exp=exp)
    clock = FixedClock(NOW)
    checker = TokenStatusChecker(StaticFetcher({uri: token.encode("ascii")}),
                                 ResolverKeyLookup.create(StaticFetcher({}), clock), clock)
    if code is None:
        assert checker.check(uri, 3, issuer=ISSUER) == 0
    else:
        with pytest.raises(StatusError) as caught:
            checker.check(uri, 3, issuer=ISSUER)
        assert caught.value.code == code
