"""The issuer-signed JWT of an SD-JWT VC: EdDSA only, key from ``iss`` only, explicit ``typ``.

``alg: none``, HMAC keyed with the issuer's public key, embedded or referenced keys and foreign
``kid`` values are refused before any key is resolved. Each case has a passing twin."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from verifier.multibase import b64url_encode
from verifier.sdjwt import SdJwtResult

from .builders import (
    ATTACKER_KEY,
    ISSUER,
    ISSUER_KEY,
    KID,
    NOW_S,
    b64json,
    basic,
    header,
    kb_jwt,
    sd_jwt,
)

Verify = Callable[..., SdJwtResult]


def error_code(result: SdJwtResult) -> str | None:
    return result.error.code if result.error is not None else None


def with_presentation(jwt: str, disclosures: list[Any]) -> str:
    presented = "".join([jwt, "~", *(f"{d.encoded}~" for d in disclosures)])
    return presented + kb_jwt(presented)


def hmac_token(head: dict[str, Any], body: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{b64json(head)}.{b64json(body)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"


def test_valid_issuer_signature_twin(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures))
    assert result.ok
    assert result.vm_id == KID
    assert result.issuer == ISSUER


def test_alg_none(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, head=header(alg="none"), issuer_signer=None)
    result = verify(token)
    assert error_code(result) == "jwt.algorithm_not_allowed"
    assert not result.ok


@pytest.mark.parametrize("secret_form", ["raw", "jwk", "multibase", "did"])
def test_hs256_keyed_with_the_issuer_public_key(verify: Verify, secret_form: str) -> None:
    body, disclosures = basic()
    public = ISSUER_KEY.public
    secret = {"raw": public.raw, "jwk": json.dumps(public.to_jwk()).encode(),
              "multibase": public.multibase.encode(), "did": ISSUER.encode()}[secret_form]
    token = with_presentation(hmac_token(header(alg="HS256"), body, secret), disclosures)
    assert error_code(verify(token)) == "jwt.algorithm_not_allowed"


@pytest.mark.parametrize("alg", ["ES256", "RS256", "PS256", "EdDSA "])
def test_alg_off_the_allowlist(verify: Verify, alg: str) -> None:
    body, disclosures = basic()
    assert error_code(verify(sd_jwt(body, disclosures, head=header(alg=alg)))) == "jwt.algorithm_not_allowed"


def test_fully_specified_ed25519_alg_twin(verify: Verify) -> None:
    body, disclosures = basic()
    assert verify(sd_jwt(body, disclosures, head=header(alg="Ed25519"))).ok


@pytest.mark.parametrize("member", ["jwk", "jku", "x5u", "x5c"])
def test_header_carrying_a_key(verify: Verify, member: str) -> None:
    body, disclosures = basic()
    value: Any = {"jwk": ATTACKER_KEY.public.to_jwk(), "jku": "https://attacker.example/jwks",
                  "x5u": "https://attacker.example/cert", "x5c": ["MIIB"]}[member]
    token = sd_jwt(body, disclosures, head=header(**{member: value}), issuer_signer=ATTACKER_KEY)
    assert error_code(verify(token)) == "jwt.untrusted_key"


@pytest.mark.parametrize("kid", [
    f"{ATTACKER_KEY.public.did_key}#{ATTACKER_KEY.public.multibase}",
    "https://attacker.example/keys#1",
])
def test_foreign_kid(verify: Verify, kid: str) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, head=header(kid=kid), issuer_signer=ATTACKER_KEY)
    assert error_code(verify(token)) == "jwt.untrusted_key"


def test_attacker_signed_with_issuer_kid(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, issuer_signer=ATTACKER_KEY)
    assert error_code(verify(token)) == "jwt.invalid_signature"


def test_did_key_issuer_without_kid_twin(verify: Verify) -> None:
    body, disclosures = basic()
    assert verify(sd_jwt(body, disclosures, head=header(kid=None))).ok


@pytest.mark.parametrize("typ", ["JWT", "vc+jwt", "example+sd-jwt", "kb+jwt", None])
def test_wrong_typ(verify: Verify, typ: str | None) -> None:
    body, disclosures = basic()
    head = header()
    head.pop("typ")
    if typ is not None:
        head["typ"] = typ
    assert error_code(verify(sd_jwt(body, disclosures, head=head))) == "jwt.invalid_typ"


@pytest.mark.parametrize("typ", ["dc+sd-jwt", "vc+sd-jwt", "application/dc+sd-jwt"])
def test_accepted_typ_twin(verify: Verify, typ: str) -> None:
    body, disclosures = basic()
    assert verify(sd_jwt(body, disclosures, head=header(typ=typ))).ok


def test_unknown_crit(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, head=header(crit=["x-policy"], **{"x-policy": 1}))
    assert error_code(verify(token)) == "jwt.unsupported_crit"


def test_tampered_payload(verify: Verify) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures)
    jwt, rest = token.split("~", 1)
    head, _payload, signature = jwt.split(".")
    forged = dict(body, vct="https://example.edu/badges/doctorate")
    result = verify(f"{head}.{b64json(forged)}.{signature}~{rest}")
    assert error_code(result) == "jwt.invalid_signature"
    assert not result.ok


@pytest.mark.parametrize(("claim", "value"), [("iss", None), ("iss", 42), ("vct", None), ("vct", "")])
def test_missing_required_claims(verify: Verify, claim: str, value: Any) -> None:
    body, disclosures = basic()
    body = {k: v for k, v in body.items() if k != claim}
    if value is not None:
        body[claim] = value
    result = verify(sd_jwt(body, disclosures))
    assert error_code(result) == "jwt.invalid_claims"


@pytest.mark.parametrize(("claim", "value", "code"), [
    ("exp", NOW_S - 3600, "validity.expired"),
    ("nbf", NOW_S + 86400, "validity.not_yet_valid"),
    ("iat", NOW_S + 86400, "validity.not_yet_valid"),
    ("exp", "tomorrow", "validity.invalid_period"),
])
def test_dates(verify: Verify, claim: str, value: Any, code: str) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(dict(body, **{claim: value}), disclosures))
    assert [f.code for f in result.validity] == [code]
    assert not result.ok


@pytest.mark.parametrize(("claim", "value"), [("exp", NOW_S + 3600), ("nbf", NOW_S - 3600),
                                              ("exp", NOW_S + 120)])
def test_dates_twin(verify: Verify, claim: str, value: Any) -> None:
    body, disclosures = basic()
    assert verify(sd_jwt(dict(body, **{claim: value}), disclosures)).ok


@pytest.mark.parametrize("token", ["", "~", "not a token", "a.b.c~", "eyJhbGciOiJFZERTQSJ9.e30.~~",
                                   "eyJhbGciOiJFZERTQSJ9.W10.AA~"])
def test_unreadable_tokens_never_raise(verify: Verify, token: str) -> None:
    result = verify(token)
    assert not result.parsed
    assert result.error is not None
    assert result.error.code in ("sdjwt.malformed", "jwt.malformed")
