"""VC-JWT in both forms: round trips, claim folding, validity, and the key's provenance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.key_lookup import ResolverKeyLookup
from verifier.vc_jwt import (
    FORM_JOSE,
    FORM_VCDM11,
    decode_vc_jwt,
    issue_vc_jwt,
    key_id_for,
    looks_like_jwt,
    verify_vc_jwt,
)

from .tokens import (
    ATTACKER_KEY,
    ISSUER_KEY,
    NOW,
    WEB_ISSUER,
    WEB_KEY,
    WEB_LOGIN_KEY,
    credential,
    forge,
)

V1 = "https://www.w3.org/2018/credentials/v1"


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [FORM_JOSE, FORM_VCDM11])
def test_round_trip_did_key(form: str, key_issuer: str, key_vm: str, lookup: ResolverKeyLookup,
                            clock: FixedClock) -> None:
    original = credential(key_issuer, validUntil="2026-01-01T00:00:00Z")
    token = issue_vc_jwt(original, ISSUER_KEY, key_vm, form=form)
    assert looks_like_jwt(token)
    result = verify_vc_jwt(token + "\n", lookup, clock=clock)
    assert result.error is None
    assert result.signature_ok
    assert result.binding is not None and result.binding.bound
    assert result.form == form
    assert result.issuer == key_issuer
    assert result.vm_id == key_vm
    assert result.credential == original
    assert result.validity == ()


def test_vcdm11_claims_mirror_the_credential(key_issuer: str, key_vm: str) -> None:
    original = credential(key_issuer, validUntil="2026-01-01T00:00:00Z")
    decoded = decode_vc_jwt(issue_vc_jwt(original, ISSUER_KEY, key_vm, form=FORM_VCDM11))
    assert decoded.header == {"alg": "EdDSA", "typ": "JWT", "kid": key_vm}
    assert decoded.claims["iss"] == key_issuer
    assert decoded.claims["jti"] == original["id"]
    assert decoded.claims["nbf"] == ts("2025-01-01T00:00:00Z")
    assert decoded.claims["exp"] == ts("2026-01-01T00:00:00Z")
    assert decoded.claims["sub"] == "did:example:learner-42"
    assert decoded.claims["vc"] == original


def test_did_jwk_issuer_without_kid(jwk_issuer: str, lookup: ResolverKeyLookup,
                                    clock: FixedClock) -> None:
    token = forge({"alg": "EdDSA", "typ": "vc+jwt"}, credential(jwk_issuer), ISSUER_KEY)
    result = verify_vc_jwt(token, lookup, clock=clock)
    assert result.error is None and result.vm_id == f"{jwk_issuer}#0"


@pytest.mark.parametrize("kid", [None, "#{mb}", "{mb}", "{did}", "{did}#{mb}"])
def test_kid_spellings_for_did_key(kid: str | None, key_issuer: str, key_vm: str,
                                   lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    header: dict[str, Any] = {"alg": "EdDSA", "typ": "vc+jwt"}
    if kid is not None:
        header["kid"] = kid.format(mb=ISSUER_KEY.public.multibase, did=key_issuer)
    result = verify_vc_jwt(forge(header, credential(key_issuer), ISSUER_KEY), lookup, clock=clock)
    assert result.error is None and result.vm_id == key_vm


def test_did_web_issuer_with_relative_kid(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    token = forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": "#key-1"}, credential(WEB_ISSUER), WEB_KEY)
    result = verify_vc_jwt(token, lookup, clock=clock)
    assert result.error is None
    assert result.vm_id == f"{WEB_ISSUER}#key-1"
    assert result.binding is not None and result.binding.bound


def test_did_web_key_not_listed_for_assertion(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    """Intact under a key of the issuer's, but one the issuer did not authorize for credentials."""
    good = verify_vc_jwt(forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": "#key-1"},
                               credential(WEB_ISSUER), WEB_KEY), lookup, clock=clock)
    assert good.signature_ok and good.key_bound
    result = verify_vc_jwt(forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": "#login"},
                                 credential(WEB_ISSUER), WEB_LOGIN_KEY), lookup, clock=clock)
    assert result.signature_ok and not result.key_bound
    assert result.binding is not None and result.binding.problem is not None
    assert result.binding.problem.code == "vm.not_authorized"


def test_did_web_kid_that_is_not_in_the_document(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    token = forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": "#key-2"}, credential(WEB_ISSUER), WEB_KEY)
    result = verify_vc_jwt(token, lookup, clock=clock)
    assert result.error is not None and result.error.code == "vm.not_found"
    assert result.credential is not None and not result.signature_ok


def test_did_web_signature_by_another_key(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": f"{WEB_ISSUER}#key-1"}
    assert verify_vc_jwt(forge(header, credential(WEB_ISSUER), WEB_KEY), lookup,
                         clock=clock).error is None
    result = verify_vc_jwt(forge(header, credential(WEB_ISSUER), ATTACKER_KEY), lookup, clock=clock)
    assert result.error is not None and result.error.code == "jwt.invalid_signature"


def test_no_kid_for_did_web_is_untrusted(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    with_kid = forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": "#key-1"}, credential(WEB_ISSUER), WEB_KEY)
    assert verify_vc_jwt(with_kid, lookup, clock=clock).error is None
    without = forge({"alg": "EdDSA", "typ": "vc+jwt"}, credential(WEB_ISSUER), WEB_KEY)
    result = verify_vc_jwt(without, lookup, clock=clock)
    assert result.error is not None and result.error.code == "jwt.untrusted_key"


# --- the VCDM 1.1 / Open Badges 3.0 form: folding claims into the credential --------------------


def _vc11(issuer: str, **vc_extra: Any) -> dict[str, Any]:
    vc = credential(issuer, **vc_extra)
    for name in ("id", "issuer", "validFrom"):
        vc.pop(name)
    vc["credentialSubject"].pop("id")
    return vc


def test_vcdm11_claims_fill_the_credential(key_issuer: str) -> None:
    claims = {"iss": key_issuer, "jti": "urn:uuid:1", "nbf": ts("2025-01-01T00:00:00Z"),
              "exp": ts("2026-01-01T00:00:00Z"), "sub": "did:example:learner-42",
              "vc": _vc11(key_issuer)}
    decoded = decode_vc_jwt(forge({"alg": "EdDSA", "typ": "JWT"}, claims, ISSUER_KEY))
    assert decoded.form == FORM_VCDM11
    assert decoded.issuer == key_issuer and decoded.kid is None
    cred = decoded.credential
    assert cred["issuer"] == key_issuer
    assert cred["id"] == "urn:uuid:1"
    assert cred["validFrom"] == "2025-01-01T00:00:00Z"
    assert cred["validUntil"] == "2026-01-01T00:00:00Z"
    assert cred["credentialSubject"]["id"] == "did:example:learner-42"


def test_vcdm11_v1_context_uses_issuance_and_expiration_dates(key_issuer: str) -> None:
    vc = _vc11(key_issuer)
    vc["@context"] = [V1]
    claims = {"iss": key_issuer, "nbf": ts("2025-01-01T00:00:00Z"), "exp": ts("2026-01-01T00:00:00Z"),
              "vc": vc}
    cred = decode_vc_jwt(forge({"alg": "EdDSA"}, claims, ISSUER_KEY)).credential
    assert cred["issuanceDate"] == "2025-01-01T00:00:00Z"
    assert cred["expirationDate"] == "2026-01-01T00:00:00Z"
    assert "validFrom" not in cred


@pytest.mark.parametrize("claim,honest,forged", [
    ("iss", "{issuer}", "did:web:attacker.example"),
    ("jti", "urn:uuid:7f4e0a52-9a60-4b47-9d3b-0d3c2b0a1e11", "urn:uuid:other"),
    ("nbf", ts("2025-01-01T00:00:00Z"), ts("2024-01-01T00:00:00Z")),
    ("exp", ts("2026-01-01T00:00:00Z"), ts("2030-01-01T00:00:00Z")),
    ("sub", "did:example:learner-42", "did:example:someone-else"),
])
def test_vcdm11_claims_must_agree_with_the_credential(claim: str, honest: Any, forged: Any,
                                                      key_issuer: str) -> None:
    vc = credential(key_issuer, validUntil="2026-01-01T00:00:00Z")
    if isinstance(honest, str):
        honest = honest.format(issuer=key_issuer)
    good = decode_vc_jwt(forge({"alg": "EdDSA", "typ": "JWT"}, {claim: honest, "vc": vc}, ISSUER_KEY))
    assert good.credential == vc
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA", "typ": "JWT"}, {claim: forged, "vc": vc}, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


@pytest.mark.parametrize("claim,value", [
    ("nbf", "2025-01-01"), ("exp", True), ("exp", -1), ("nbf", 10**12), ("iss", 5), ("sub", ""),
])
def test_vcdm11_claim_types(claim: str, value: Any, key_issuer: str) -> None:
    vc = _vc11(key_issuer)
    decode_vc_jwt(forge({"alg": "EdDSA"}, {"iss": key_issuer, "vc": vc}, ISSUER_KEY))
    claims = {"iss": key_issuer, "vc": vc, claim: value}
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA"}, claims, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


def test_vcdm11_sub_needs_one_subject(key_issuer: str) -> None:
    one = credential(key_issuer)
    two = credential(key_issuer, credentialSubject=[{"id": "did:example:a"}, {"id": "did:example:b"}])
    decode_vc_jwt(forge({"alg": "EdDSA"}, {"sub": "did:example:learner-42", "vc": one}, ISSUER_KEY))
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA"}, {"sub": "did:example:a", "vc": two}, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


def test_vc_claim_must_be_an_object(key_issuer: str) -> None:
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA"}, {"iss": key_issuer, "vc": "a credential"}, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


def test_missing_issuer(key_issuer: str) -> None:
    decode_vc_jwt(forge({"alg": "EdDSA"}, {"iss": key_issuer, "vc": _vc11(key_issuer)}, ISSUER_KEY))
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA"}, {"vc": _vc11(key_issuer)}, ISSUER_KEY))
    assert info.value.code == "format.invalid_issuer"


# --- the VC-JOSE-COSE form ----------------------------------------------------------------------


def test_jose_registered_claims_are_envelope_not_credential(key_issuer: str) -> None:
    payload = {**credential(key_issuer), "iss": key_issuer, "iat": ts("2025-01-01T00:00:00Z"),
               "sub": "did:example:learner-42"}
    decoded = decode_vc_jwt(forge({"alg": "EdDSA", "typ": "vc+ld+jwt", "cty": "vc+ld+json"},
                                  payload, ISSUER_KEY))
    assert decoded.form == FORM_JOSE
    assert decoded.credential == credential(key_issuer)
    assert decoded.claims["iat"] == payload["iat"]


@pytest.mark.parametrize("claim,honest,forged", [
    ("iss", "{issuer}", "did:web:attacker.example"),
    ("jti", "urn:uuid:7f4e0a52-9a60-4b47-9d3b-0d3c2b0a1e11", "urn:uuid:other"),
    ("sub", "did:example:learner-42", "did:example:someone-else"),
])
def test_jose_claims_must_agree_with_the_credential(claim: str, honest: str, forged: str,
                                                    key_issuer: str) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt"}
    decode_vc_jwt(forge(header, {**credential(key_issuer), claim: honest.format(issuer=key_issuer)},
                        ISSUER_KEY))
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge(header, {**credential(key_issuer), claim: forged}, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


@pytest.mark.parametrize("claim", ["vc", "vp"])
def test_jose_payload_must_not_wrap_a_credential(claim: str, key_issuer: str) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt"}
    decode_vc_jwt(forge(header, {**credential(key_issuer), "note": {}}, ISSUER_KEY))
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge(header, {**credential(key_issuer), claim: {}}, ISSUER_KEY))
    assert info.value.code == "jwt.invalid_claims"


@pytest.mark.parametrize("typ", ["vc+jwt", "vc+ld+jwt", "vc+ld+json+jwt", "application/vc+jwt"])
def test_jose_typ_spellings(typ: str, key_issuer: str) -> None:
    assert decode_vc_jwt(forge({"alg": "EdDSA", "typ": typ}, credential(key_issuer),
                               ISSUER_KEY)).form == FORM_JOSE


@pytest.mark.parametrize("cty", ["JWT", "vp", 3])
def test_jose_cty(cty: Any, key_issuer: str) -> None:
    decode_vc_jwt(forge({"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc"}, credential(key_issuer), ISSUER_KEY))
    with pytest.raises(VCError) as info:
        decode_vc_jwt(forge({"alg": "EdDSA", "typ": "vc+jwt", "cty": cty}, credential(key_issuer),
                            ISSUER_KEY))
    assert info.value.code == "jwt.invalid_typ"


# --- validity: reported, not decided -----------------------------------------------------------


@pytest.mark.parametrize("claims,code", [
    ({"exp": int(NOW.timestamp()) - 1}, "validity.expired"),
    ({"exp": int(NOW.timestamp())}, "validity.expired"),
    ({"nbf": int(NOW.timestamp()) + 3600}, "validity.not_yet_valid"),
])
def test_validity_is_reported(claims: dict[str, int], code: str, key_issuer: str, key_vm: str,
                              lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": key_vm}
    fine = {"exp": int(NOW.timestamp()) + 3600, "nbf": int(NOW.timestamp()) - 3600}
    assert verify_vc_jwt(forge(header, {**credential(key_issuer), **fine}, ISSUER_KEY), lookup,
                         clock=clock).validity == ()
    result = verify_vc_jwt(forge(header, {**credential(key_issuer), **claims}, ISSUER_KEY), lookup,
                           clock=clock)
    assert result.error is None
    assert [problem.code for problem in result.validity] == [code]


def test_leeway(key_issuer: str, key_vm: str, lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    token = forge({"alg": "EdDSA", "typ": "vc+jwt", "kid": key_vm},
                  {**credential(key_issuer), "nbf": int(NOW.timestamp()) + 60}, ISSUER_KEY)
    assert verify_vc_jwt(token, lookup, clock=clock).validity
    assert verify_vc_jwt(token, lookup, clock=clock, leeway=timedelta(minutes=5)).validity == ()


# --- issuing -------------------------------------------------------------------------------------


def test_issue_refuses_a_key_that_is_not_the_issuers(key_issuer: str, key_vm: str) -> None:
    issue_vc_jwt(credential(key_issuer), ISSUER_KEY, key_vm)
    for key, vm in [(ATTACKER_KEY, key_vm), (ISSUER_KEY, f"{WEB_ISSUER}#key-1"), (ISSUER_KEY, "#k")]:
        with pytest.raises(VCError) as info:
            issue_vc_jwt(credential(key_issuer), key, vm)
        assert info.value.code == "issue.key_mismatch"


def test_issue_refuses_a_credential_without_issuer(key_vm: str) -> None:
    bad = credential("x")
    del bad["issuer"]
    with pytest.raises(VCError) as info:
        issue_vc_jwt(bad, ISSUER_KEY, key_vm)
    assert info.value.code == "issue.invalid_credential"


def test_issue_refuses_unknown_form(key_issuer: str, key_vm: str) -> None:
    with pytest.raises(ValueError):
        issue_vc_jwt(credential(key_issuer), ISSUER_KEY, key_vm, form="ldp")


# --- routing and helpers ------------------------------------------------------------------------


def test_looks_like_jwt(key_issuer: str, key_vm: str) -> None:
    token = issue_vc_jwt(credential(key_issuer), ISSUER_KEY, key_vm)
    assert looks_like_jwt(token) and looks_like_jwt(token.encode() + b"\n")
    not_jwts: list[str | bytes] = ['{"@context": []}', token + "~", "a.b.c", token + ".x", "",
                                   b"\xff.\xfe.x"]
    for text in not_jwts:
        assert not looks_like_jwt(text)


def test_key_id_for() -> None:
    assert key_id_for("#key-1", WEB_ISSUER) == f"{WEB_ISSUER}#key-1"
    assert key_id_for("key-1", "https://college.example/issuer") == "https://college.example/issuer#key-1"
    with pytest.raises(VCError) as info:
        key_id_for("https://college.example/other#key-1", "https://college.example/issuer")
    assert info.value.code == "jwt.untrusted_key"


def test_unix_epoch_dates_are_utc(key_issuer: str) -> None:
    claims = {"iss": key_issuer, "nbf": 0, "vc": _vc11(key_issuer)}
    cred = decode_vc_jwt(forge({"alg": "EdDSA"}, claims, ISSUER_KEY)).credential
    assert cred["validFrom"] == datetime(1970, 1, 1, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
