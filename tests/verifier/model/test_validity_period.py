"""The ``validity`` check with an injected clock: BAD_INPUTS 26, skew edges, and the details."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import interop_path
from tests.verifier.model.helpers import credential
from verifier.checks.validity import check_validity
from verifier.clock import FixedClock
from verifier.report import Status

SKEW = timedelta(minutes=5)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def at(moment: datetime, doc: dict[str, Any], skew: timedelta = SKEW) -> Any:
    return check_validity(doc, FixedClock(moment), skew)


def test_inside_period_passes_with_details() -> None:
    doc = credential(validFrom="2024-01-01T00:00:00Z", validUntil="2026-01-01T00:00:00+01:00")
    result = at(NOW, doc)
    assert result.status is Status.PASSED
    assert result.details == {"validFrom": "2024-01-01T00:00:00Z", "validUntil": "2025-12-31T23:00:00Z",
                              "validWhenIssued": True, "validNow": True, "asOf": "2025-06-01T12:00:00Z"}


def test_expired_but_valid_when_issued() -> None:
    result = at(NOW, credential(validFrom="2023-01-01T00:00:00Z", validUntil="2024-01-01T00:00:00Z"))
    assert (result.status, result.code, result.path) == (Status.FAILED, "validity.expired", "$.validUntil")
    assert result.details["validWhenIssued"] is True
    assert result.details["validNow"] is False


def test_not_yet_valid() -> None:
    result = at(NOW, credential(validFrom="2030-01-01T00:00:00Z"))
    assert (result.status, result.code, result.path) == (Status.FAILED, "validity.not_yet_valid", "$.validFrom")
    assert result.details["validNow"] is False


def test_empty_period() -> None:
    result = at(NOW, credential(validFrom="2025-01-02T00:00:00Z", validUntil="2025-01-01T00:00:00Z"))
    assert (result.status, result.code) == (Status.FAILED, "validity.invalid_period")
    assert result.details["validWhenIssued"] is False


@pytest.mark.parametrize("field", ["validFrom", "validUntil", "issuanceDate", "expirationDate"])
def test_malformed_date(field: str) -> None:
    result = at(NOW, credential(**{field: "2024-13-45T00:00:00Z"}))
    assert (result.status, result.code, result.path) == (Status.FAILED, "validity.invalid_period", f"$.{field}")


def test_vcdm11_expiration_date_in_the_past() -> None:
    doc = credential("1.1", issuanceDate="2020-01-01T00:00:00Z", expirationDate="2021-01-01T00:00:00Z")
    assert at(NOW, doc).code == "validity.expired"
    doc["expirationDate"] = "2030-01-01T00:00:00Z"
    assert at(NOW, doc).status is Status.PASSED


def test_vcdm11_issuance_date_in_the_future() -> None:
    assert at(NOW, credential("1.1", issuanceDate="2026-01-01T00:00:00")).code == "validity.not_yet_valid"


def test_no_dates_passes() -> None:
    result = at(NOW, credential(validFrom=...))
    assert result.status is Status.PASSED
    assert result.details["validFrom"] is None and result.details["validUntil"] is None
    assert result.details["validNow"] is True


def test_mixed_fields_narrower_period_wins() -> None:
    doc = credential(validUntil="2030-01-01T00:00:00Z", expirationDate="2024-01-01T00:00:00Z")
    result = at(NOW, doc)
    assert (result.code, result.path) == ("validity.expired", "$.expirationDate")


# -- skew edges (both inclusive) ---------------------------------------------------------------

UNTIL = datetime(2025, 1, 1, tzinfo=UTC)
FROM = datetime(2025, 1, 1, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_skew_edge_at_valid_until() -> None:
    doc = credential(validFrom="2024-01-01T00:00:00Z", validUntil="2025-01-01T00:00:00Z")
    assert at(UNTIL + SKEW, doc).status is Status.PASSED
    assert at(UNTIL + SKEW + TICK, doc).code == "validity.expired"
    assert at(UNTIL + TICK, doc, timedelta(0)).code == "validity.expired"


def test_skew_edge_at_valid_from() -> None:
    doc = credential(validFrom="2025-01-01T00:00:00Z")
    assert at(FROM - SKEW, doc).status is Status.PASSED
    assert at(FROM - SKEW - TICK, doc).code == "validity.not_yet_valid"
    assert at(FROM - TICK, doc, timedelta(0)).code == "validity.not_yet_valid"


def test_negative_skew_refused() -> None:
    with pytest.raises(ValueError):
        at(NOW, credential(), timedelta(seconds=-1))


def test_signed_after_expiry_is_not_valid_when_issued() -> None:
    doc = credential(validFrom=..., validUntil="2024-01-01T00:00:00Z",
                     proof={"type": "DataIntegrityProof", "created": "2024-06-01T00:00:00Z"})
    result = at(NOW, doc)
    assert result.code == "validity.expired"
    assert result.details["validWhenIssued"] is False
    doc["proof"]["created"] = "2023-06-01T00:00:00Z"
    assert at(NOW, doc).details["validWhenIssued"] is True


# -- the 1EdTech fixtures with valid signatures that test only dates (README note 6) -------------

def test_1edtech_expired_and_not_issued_fixtures() -> None:
    folder = interop_path("credentials", "1edtech-validator-ob30")
    clock_now = datetime(2026, 1, 1, tzinfo=UTC)
    expired = json.loads((folder / "simple-err-expired.json").read_text())
    issued = json.loads((folder / "simple-err-issued.json").read_text())
    simple = json.loads((folder / "simple.json").read_text())
    assert at(clock_now, expired).code == "validity.expired"
    assert at(clock_now, issued).code == "validity.not_yet_valid"
    assert at(clock_now, simple).status is Status.PASSED
