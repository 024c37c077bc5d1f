"""Compact JWS parsing and Ed25519 verification: strict encoding, fixed algorithm, caller's key."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from verifier.errors import VCError
from verifier.jose import parse_compact, sign_compact, verify_compact
from verifier.multibase import b64url_encode

from .tokens import ATTACKER_KEY, ISSUER_KEY, b64json, forge

PAYLOAD = {"iss": "did:example:issuer", "claim": "value"}
TYPS = {"vc+jwt"}


def good_header(**extra: Any) -> dict[str, Any]:
    return {"alg": "EdDSA", "typ": "vc+jwt", "kid": "did:example:issuer#key-1", **extra}


def code_of(token: str, **kwargs: Any) -> str | None:
    """The error code verify_compact raises for ``token`` with the issuer key, or None."""
    try:
        verify_compact(parse_compact(token), ISSUER_KEY.public,
                       allowed_typs=kwargs.pop("allowed_typs", TYPS), **kwargs)
    except VCError as exc:
        return exc.code
    return None


# --- parsing -------------------------------------------------------------------------------


def test_sign_then_parse_round_trip() -> None:
    token = sign_compact(good_header(), PAYLOAD, ISSUER_KEY)
    jws = parse_compact(token)
    assert jws.header == good_header()
    assert jws.payload == PAYLOAD
    assert jws.signing_input == token.rsplit(".", 1)[0].encode("ascii")
    assert len(jws.signature) == 64
    assert code_of(token) is None


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda t: t + ".", id="four-parts-empty"),
    pytest.param(lambda t: t + "." + t.split(".")[2], id="four-parts"),
    pytest.param(lambda t: ".".join(t.split(".")[:2]), id="two-parts"),
    pytest.param(lambda t: t.replace(".", "=.", 1), id="padded-header"),
    pytest.param(lambda t: t + "==", id="padded-signature"),
    pytest.param(lambda t: t.replace("-", "+").replace("_", "/") + "+/", id="standard-alphabet"),
    pytest.param(lambda t: " " + t, id="leading-space"),
    pytest.param(lambda t: "." + t.split(".", 1)[1], id="empty-header"),
])
def test_parse_refuses_malformed_structure(mangle: Any) -> None:
    token = sign_compact(good_header(), PAYLOAD, ISSUER_KEY)
    parse_compact(token)  # positive twin: the untouched token parses
    with pytest.raises(VCError) as info:
        parse_compact(mangle(token))
    assert info.value.code == "jwt.malformed"


def test_duplicate_header_key_is_refused() -> None:
    honest = '{"alg":"EdDSA","typ":"vc+jwt"}'
    twisted = '{"alg":"EdDSA","typ":"vc+jwt","alg":"none"}'

    def encode(text: str) -> str:
        return b64url_encode(text.encode())

    assert parse_compact(forge(encode(honest), PAYLOAD, ISSUER_KEY)).header["alg"] == "EdDSA"
    with pytest.raises(VCError) as info:
        parse_compact(forge(encode(twisted), PAYLOAD, ISSUER_KEY))
    assert info.value.code == "jwt.malformed"
    assert info.value.details["cause"] == "parse.duplicate_key"


def test_duplicate_payload_key_is_refused() -> None:
    header = b64json(good_header())
    assert parse_compact(forge(header, b64url_encode(b'{"a":1,"b":2}'), ISSUER_KEY)).payload == {
        "a": 1, "b": 2}
    with pytest.raises(VCError) as info:
        parse_compact(forge(header, b64url_encode(b'{"a":1,"a":2}'), ISSUER_KEY))
    assert info.value.code == "jwt.malformed"


@pytest.mark.parametrize("header", [b"[1,2]", b'"alg"', b"not json", b"\xff\xfe"])
def test_header_must_be_a_json_object(header: bytes) -> None:
    assert parse_compact(forge(good_header(), PAYLOAD, ISSUER_KEY)).header == good_header()
    with pytest.raises(VCError) as info:
        parse_compact(forge(b64url_encode(header), PAYLOAD, ISSUER_KEY))
    assert info.value.code == "jwt.malformed"


def test_size_cap() -> None:
    token = sign_compact(good_header(), {"pad": "x" * 1000}, ISSUER_KEY)
    parse_compact(token, max_chars=len(token))
    with pytest.raises(VCError) as info:
        parse_compact(token, max_chars=len(token) - 1)
    assert info.value.code == "jwt.malformed"


def test_non_string_token() -> None:
    with pytest.raises(VCError) as info:
        parse_compact(b"a.b.c")  # type: ignore[arg-type]
    assert info.value.code == "jwt.malformed"


# --- algorithm -----------------------------------------------------------------------------


def _hs256(secret: bytes, header: dict[str, Any]) -> str:
    signing_input = f"{b64json(header)}.{b64json(PAYLOAD)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256", "HS512", "RS256", "ES256",
                                 "PS256", "ES256K", "eddsa", "", None, 1, ["EdDSA"]])
def test_only_eddsa_is_accepted(alg: Any) -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    header = good_header(alg=alg)
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY)) == "jwt.algorithm_not_allowed"
    assert code_of(forge(header, PAYLOAD)) == "jwt.algorithm_not_allowed"


def test_missing_alg() -> None:
    header = good_header()
    del header["alg"]
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY)) == "jwt.algorithm_not_allowed"


def test_fully_specified_ed25519_alg_is_accepted() -> None:
    assert code_of(forge(good_header(alg="Ed25519"), PAYLOAD, ISSUER_KEY)) is None
    assert code_of(forge(good_header(alg="Ed448"), PAYLOAD, ISSUER_KEY)) == "jwt.algorithm_not_allowed"


def test_allowlist_cannot_enable_hmac() -> None:
    """Even a caller that lists HS256 gets no HMAC path: there is none."""
    token = _hs256(ISSUER_KEY.public.raw, good_header(alg="HS256"))
    assert code_of(token, allowed_algs=("EdDSA", "HS256")) == "jwt.algorithm_not_allowed"
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY), allowed_algs=("EdDSA", "HS256")) is None


def test_allowlist_can_narrow() -> None:
    token = forge(good_header(alg="Ed25519"), PAYLOAD, ISSUER_KEY)
    assert code_of(token, allowed_algs=("Ed25519",)) is None
    assert code_of(token, allowed_algs=("EdDSA",)) == "jwt.algorithm_not_allowed"


# --- key material in the header --------------------------------------------------------------


@pytest.mark.parametrize("name,value", [
    ("jwk", ATTACKER_KEY.public.to_jwk()),
    ("jwk", ISSUER_KEY.public.to_jwk()),
    ("jku", "https://attacker.example/jwks.json"),
    ("x5u", "https://attacker.example/cert.pem"),
    ("x5c", ["MIIBszCCAVmgAwIBAgIU"]),
])
def test_key_material_headers_are_refused(name: str, value: Any) -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    assert code_of(forge(good_header(**{name: value}), PAYLOAD, ISSUER_KEY)) == "jwt.untrusted_key"


# --- crit, b64 and typ -------------------------------------------------------------------------


def test_unknown_crit_is_refused() -> None:
    header = good_header(crit=["exp-policy"], **{"exp-policy": "strict"})
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY), understood_crit={"exp-policy"}) is None
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY)) == "jwt.unsupported_crit"


@pytest.mark.parametrize("crit", [[], "exp-policy", [1], ["alg"], ["exp-policy", "exp-policy"]])
def test_malformed_crit(crit: Any) -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    header = good_header(crit=crit, **{"exp-policy": "strict"})
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY), understood_crit={"exp-policy"}) == "jwt.malformed"


def test_unencoded_payload_option_is_refused() -> None:
    assert code_of(forge(good_header(b64=True), PAYLOAD, ISSUER_KEY)) is None
    header = good_header(b64=False, crit=["b64"])
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY)) == "jwt.unsupported_crit"
    assert code_of(forge(good_header(b64=False), PAYLOAD, ISSUER_KEY)) == "jwt.unsupported_crit"


@pytest.mark.parametrize("typ", ["JWT", "vc+sd-jwt", "dc+sd-jwt", "vp+jwt", None, 7])
def test_wrong_typ(typ: Any) -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    header = good_header(typ=typ)
    if typ is None:
        del header["typ"]
    assert code_of(forge(header, PAYLOAD, ISSUER_KEY)) == "jwt.invalid_typ"


def test_typ_comparison_follows_rfc7515() -> None:
    for typ in ("application/vc+jwt", "VC+JWT"):
        assert code_of(forge(good_header(typ=typ), PAYLOAD, ISSUER_KEY)) is None


def test_optional_typ() -> None:
    header = good_header()
    del header["typ"]
    token = forge(header, PAYLOAD, ISSUER_KEY)
    assert code_of(token, allowed_typs={"JWT"}, require_typ=False) is None
    assert code_of(token, allowed_typs={"JWT"}) == "jwt.invalid_typ"
    assert code_of(token, allowed_typs=None) is None


# --- signature ---------------------------------------------------------------------------------


def test_signature_by_another_key() -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    assert code_of(forge(good_header(), PAYLOAD, ATTACKER_KEY)) == "jwt.invalid_signature"


def test_tampered_payload() -> None:
    token = forge(good_header(), PAYLOAD, ISSUER_KEY)
    head, _, sig = token.split(".")
    assert code_of(token) is None
    assert code_of(f"{head}.{b64json({**PAYLOAD, 'claim': 'forged'})}.{sig}") == "jwt.invalid_signature"


@pytest.mark.parametrize("size", [0, 32, 63, 65])
def test_signature_length(size: int) -> None:
    assert code_of(forge(good_header(), PAYLOAD, ISSUER_KEY)) is None
    assert code_of(forge(good_header(), PAYLOAD, signature=b"\x01" * size)) == "jwt.invalid_signature"


# --- signing -----------------------------------------------------------------------------------


def test_sign_defaults_alg_and_refuses_what_verify_refuses() -> None:
    token = sign_compact({"typ": "vc+jwt"}, PAYLOAD, ISSUER_KEY)
    assert parse_compact(token).header["alg"] == "EdDSA"
    with pytest.raises(VCError) as info:
        sign_compact({"alg": "HS256"}, PAYLOAD, ISSUER_KEY)
    assert info.value.code == "jwt.algorithm_not_allowed"
    with pytest.raises(VCError) as info:
        sign_compact({"jwk": ISSUER_KEY.public.to_jwk()}, PAYLOAD, ISSUER_KEY)
    assert info.value.code == "jwt.untrusted_key"


def test_sign_bytes_payload() -> None:
    token = sign_compact({"typ": "vc+jwt"}, b"raw bytes", ISSUER_KEY)
    jws = parse_compact(token, json_payload=False)
    assert jws.payload == b"raw bytes"
    verify_compact(jws, ISSUER_KEY.public, allowed_typs=TYPS)
