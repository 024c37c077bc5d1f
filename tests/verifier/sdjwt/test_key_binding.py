"""BAD_INPUTS.md item 38, key-binding half: missing KB, wrong nonce/aud, multi-aud, stale or future
``iat``, ``sd_hash`` mismatch, another key. Each is ``sdjwt.kb_missing`` or ``sdjwt.kb_invalid``
with its own ``details["reason"]``, and each has a positive twin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from verifier.sdjwt import SdJwtResult
from verifier.sdjwt.key_binding import REASONS

from .builders import ATTACKER_KEY, AUDIENCE, HOLDER_KEY, NONCE, NOW_S, basic, kb_jwt, payload, sd_jwt

Verify = Callable[..., SdJwtResult]


def reason(result: SdJwtResult) -> str | None:
    assert result.kb_error is not None, "expected a key-binding failure"
    assert result.kb_error.code == "sdjwt.kb_invalid"
    value = result.kb_error.details["reason"]
    assert value in REASONS
    return str(value)


def test_valid_key_binding_twin(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures))
    assert result.ok
    assert result.key_binding == "verified"
    assert result.kb_claims["aud"] == AUDIENCE


def test_kb_missing(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures, kb=False))
    assert result.kb_error is not None and result.kb_error.code == "sdjwt.kb_missing"
    assert result.key_binding == "missing"
    assert not result.ok


def test_kb_not_required_twin(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures, kb=False), require_key_binding=False)
    assert result.ok
    assert result.key_binding == "not required"


@pytest.mark.parametrize(("kb_args", "expected"), [
    ({"nonce": "another-nonce"}, "nonce mismatch"),
    ({"nonce": None}, "nonce mismatch"),
    ({"aud": "https://attacker.example"}, "audience mismatch"),
    ({"aud": [AUDIENCE, "https://attacker.example"]}, "multiple audiences"),
    ({"aud": None}, "audience mismatch"),
    ({"iat": NOW_S - 3600}, "stale iat"),
    ({"iat": NOW_S + 3600}, "iat in the future"),
    ({"iat": "yesterday"}, "malformed"),
    ({"sd_hash_value": "AAAA"}, "sd_hash mismatch"),
    ({"signer": ATTACKER_KEY}, "wrong key"),
    ({"typ": "JWT"}, "wrong typ"),
    ({"typ": None}, "wrong typ"),
    ({"alg": "HS256"}, "algorithm not allowed"),
    ({"alg": "none"}, "algorithm not allowed"),
    ({"jwk": ATTACKER_KEY.public.to_jwk(), "signer": ATTACKER_KEY}, "wrong key"),
])
def test_kb_invalid(verify: Verify, kb_args: dict[str, Any], expected: str) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures, **kb_args))
    assert reason(result) == expected
    assert result.key_binding == "invalid"
    assert not result.ok


@pytest.mark.parametrize("kb_args", [
    {"aud": [AUDIENCE]},  # a one-element list names one audience
    {"iat": NOW_S - 240},  # inside the 5-minute window
    {"iat": NOW_S + 60},  # small clock skew
    {"typ": "KB+JWT"},
])
def test_kb_boundaries_twin(verify: Verify, kb_args: dict[str, Any]) -> None:
    body, disclosures = basic()
    assert verify(sd_jwt(body, disclosures, **kb_args)).ok


def test_sd_hash_covers_disclosures_removed_after_binding(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures)
    jwt, first, _second, kb = token.split("~")
    result = verify("~".join([jwt, first, kb]))
    assert reason(result) == "sd_hash mismatch"


def test_sd_hash_covers_disclosures_added_after_binding(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures[:1])
    jwt, first, kb = token.split("~")
    result = verify("~".join([jwt, first, disclosures[1].encoded, kb]))
    assert reason(result) == "sd_hash mismatch"


@pytest.mark.parametrize(("asked", "expected"), [
    ({"nonce": None}, "no nonce asked"),
    ({"audience": None}, "no audience asked"),
    ({"nonce": None, "audience": None}, "no nonce asked"),
])
def test_verifier_that_asked_nothing_gets_no_silent_pass(verify: Verify, asked: dict[str, Any],
                                                         expected: str) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures), **asked)
    assert reason(result) == expected
    assert not result.ok


def test_kb_present_but_not_required_is_still_checked(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures, nonce="stale"), require_key_binding=False)
    assert reason(result) == "nonce mismatch"


@pytest.mark.parametrize("cnf", [None, {"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}},
                                 {"jwk": HOLDER_KEY.to_jwk(include_private=True)}, {"kid": "x"}])
def test_no_usable_holder_key(verify: Verify, cnf: Any) -> None:
    body, disclosures = basic()
    body = {**body, "cnf": cnf} if cnf is not None else {k: v for k, v in body.items() if k != "cnf"}
    result = verify(sd_jwt(body, disclosures))
    assert reason(result) == "no holder key"


def test_holder_key_twin_from_payload_builder(verify: Verify) -> None:
    result = verify(sd_jwt(payload(), []))
    assert result.ok and result.disclosed == ()


def test_kb_jwt_that_is_not_a_jwt(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, kb=False) + "a.b.c"
    assert reason(verify(token)) == "malformed"


def test_kb_for_another_presentation_is_refused(verify: Verify) -> None:
    body, disclosures = basic()
    other = sd_jwt(body, disclosures[:1])
    mine = sd_jwt(body, disclosures, kb=False)
    stolen_kb = other.rsplit("~", 1)[1]
    assert reason(verify(mine + stolen_kb)) == "sd_hash mismatch"
    assert kb_jwt(mine) != stolen_kb
    assert verify(mine + kb_jwt(mine)).ok
    assert NONCE
