"""Bad input never raises out of the checks: property tests over arbitrary JSON values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.verifier.model.helpers import badge, credential
from verifier.checks.format import check_format
from verifier.checks.openbadges import check_ob2, check_openbadges
from verifier.checks.validity import check_validity
from verifier.clock import FixedClock
from verifier.data_model import is_url
from verifier.openbadges import embedded_endorsements
from verifier.report import Status

KEYS = st.sampled_from([
    "@context", "id", "type", "issuer", "credentialSubject", "validFrom", "validUntil", "issuanceDate",
    "expirationDate", "credentialStatus", "credentialSchema", "evidence", "relatedResource", "proof", "name",
    "holder", "verifiableCredential", "achievement", "identifier", "endorsement", "recipient", "badge",
    "criteria", "image", "salt", "hashed", "identityHash",
])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["did:example:x", "https://ex.org/x", "2024-01-01T00:00:00Z", "VerifiableCredential",
                       "AchievementSubject", "OpenBadgeCredential", "https://www.w3.org/ns/credentials/v2"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=25,
)
CLOCK = FixedClock(datetime(2025, 1, 1, tzinfo=UTC))


def mutate(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**base, **extra}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=6))
def test_checks_accept_any_json_object(extra: dict[str, Any]) -> None:
    for doc in (extra, mutate(credential(), extra), mutate(badge(), extra)):
        for kind in ("credential", "presentation"):
            assert check_format(doc, kind=kind).id == "format"
        assert check_validity(doc, CLOCK).status in (Status.PASSED, Status.FAILED)
        assert check_openbadges(doc, recipient="a@b.c").id == "openbadges"
        assert check_ob2(doc, doc, doc, recipient="a@b.c").id == "openbadges"
        embedded_endorsements(doc)


@given(JSON)
def test_is_url_total(value: Any) -> None:
    assert is_url(value) in (True, False)
