"""BAD_INPUTS item 37: hostile VC-JWTs, each beside the honest token it was bent from.

Every refused token must also leave the resolver untouched where the refusal comes from the
header alone: a forger must not be able to make the verifier fetch anything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey as CryptoPublicKey

from verifier.clock import FixedClock
from verifier.key_lookup import ResolverKeyLookup
from verifier.multibase import b64url_encode
from verifier.proofs import KeyBinding
from verifier.vc_jwt import FORM_JOSE, FORM_VCDM11, VcJwtResult, issue_vc_jwt, verify_vc_jwt

from .tokens import ATTACKER_KEY, ISSUER_KEY, WEB_ISSUER, WEB_KEY, b64json, credential, forge


class RecordingLookup:
    """A KeyLookup that remembers what it was asked, to prove refused tokens resolve nothing."""

    def __init__(self, inner: ResolverKeyLookup) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def lookup(self, vm_url: str, *, purpose: str, expected_controller: str | None) -> KeyBinding:
        self.asked.append(vm_url)
        return self.inner.lookup(vm_url, purpose=purpose, expected_controller=expected_controller)


@pytest.fixture
def recorder(lookup: ResolverKeyLookup) -> RecordingLookup:
    return RecordingLookup(lookup)


@pytest.fixture
def check(recorder: RecordingLookup, clock: FixedClock) -> Callable[[str], VcJwtResult]:
    def run(token: str) -> VcJwtResult:
        return verify_vc_jwt(token, recorder, clock=clock)
    return run


def jose_header(kid: str, **extra: Any) -> dict[str, Any]:
    return {"alg": "EdDSA", "typ": "vc+jwt", "kid": kid, **extra}


def assert_honest(result: VcJwtResult) -> None:
    assert result.error is None
    assert result.binding is not None and result.binding.bound


def assert_refused(result: VcJwtResult, code: str) -> None:
    assert result.error is not None
    assert result.error.code == code
    assert not result.signature_ok


# --- alg: none ----------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "nOnE"])
def test_unsigned_token(alg: str, key_issuer: str, key_vm: str, check: Callable[[str], VcJwtResult],
                        recorder: RecordingLookup) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    recorder.asked.clear()
    result = check(forge(jose_header(key_vm, alg=alg), credential(key_issuer)))
    assert_refused(result, "jwt.algorithm_not_allowed")
    assert result.credential == credential(key_issuer)  # still shown, never trusted
    assert recorder.asked == []


# --- HS256 keyed with the issuer's public key ---------------------------------------------------


def _public_key_forms() -> dict[str, bytes]:
    raw = ISSUER_KEY.public.raw
    crypto_key = CryptoPublicKey.from_public_bytes(raw)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    jwk = ISSUER_KEY.public.to_jwk()
    return {
        "raw": raw,
        "pem": crypto_key.public_bytes(serialization.Encoding.PEM, spki),
        "der": crypto_key.public_bytes(serialization.Encoding.DER, spki),
        "jwk": json.dumps(jwk).encode(),
        "jwk-compact": json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode(),
        "multibase": ISSUER_KEY.public.multibase.encode(),
    }


@pytest.mark.parametrize("form_name", sorted(_public_key_forms()))
@pytest.mark.parametrize("alg,digest", [("HS256", hashlib.sha256), ("HS384", hashlib.sha384),
                                        ("HS512", hashlib.sha512)])
def test_hmac_with_the_issuers_public_key(form_name: str, alg: str, digest: Any, key_issuer: str,
                                          key_vm: str, check: Callable[[str], VcJwtResult],
                                          recorder: RecordingLookup) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    recorder.asked.clear()
    secret = _public_key_forms()[form_name]
    signing_input = f"{b64json(jose_header(key_vm, alg=alg))}.{b64json(credential(key_issuer))}"
    mac = hmac.new(secret, signing_input.encode("ascii"), digest).digest()
    result = check(f"{signing_input}.{b64url_encode(mac)}")
    assert_refused(result, "jwt.algorithm_not_allowed")
    assert recorder.asked == []


# --- algorithms off the allowlist ----------------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "ES256", "ES256K", "PS512", "Ed448", "EDDSA"])
def test_algorithm_off_the_allowlist(alg: str, key_issuer: str, key_vm: str,
                                     check: Callable[[str], VcJwtResult]) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    # A real Ed25519 signature under a lying alg is refused just the same.
    result = check(forge(jose_header(key_vm, alg=alg), credential(key_issuer), ISSUER_KEY))
    assert_refused(result, "jwt.algorithm_not_allowed")


# --- keys named by the token itself ---------------------------------------------------------------


def test_embedded_jwk_signed_by_the_attacker(key_issuer: str, key_vm: str,
                                             check: Callable[[str], VcJwtResult],
                                             recorder: RecordingLookup) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    recorder.asked.clear()
    header = {"alg": "EdDSA", "typ": "vc+jwt", "jwk": ATTACKER_KEY.public.to_jwk()}
    # The signature is valid for the embedded key: only the key's provenance is wrong.
    result = check(forge(header, credential(key_issuer), ATTACKER_KEY))
    assert_refused(result, "jwt.untrusted_key")
    assert recorder.asked == []


def test_embedded_jwk_for_a_did_web_issuer(check: Callable[[str], VcJwtResult]) -> None:
    assert_honest(check(forge(jose_header("#key-1"), credential(WEB_ISSUER), WEB_KEY)))
    header = jose_header("#key-1", jwk=ATTACKER_KEY.public.to_jwk())
    assert_refused(check(forge(header, credential(WEB_ISSUER), ATTACKER_KEY)), "jwt.untrusted_key")


@pytest.mark.parametrize("name,value", [
    ("jku", "https://attacker.example/.well-known/jwks.json"),
    ("x5u", "https://attacker.example/issuer.pem"),
    ("x5c", ["MIIBLjCB4aADAgECAhQ"]),
])
def test_key_urls_in_the_header(name: str, value: Any, key_issuer: str, key_vm: str,
                                check: Callable[[str], VcJwtResult], recorder: RecordingLookup) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    recorder.asked.clear()
    result = check(forge(jose_header(key_vm, **{name: value}), credential(key_issuer), ATTACKER_KEY))
    assert_refused(result, "jwt.untrusted_key")
    assert recorder.asked == []


# --- foreign kid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [FORM_JOSE, FORM_VCDM11])
def test_foreign_kid(form: str, check: Callable[[str], VcJwtResult], recorder: RecordingLookup) -> None:
    """An attacker's did:key signs a credential claiming a did:web issuer."""
    honest = issue_vc_jwt(credential(WEB_ISSUER), WEB_KEY, f"{WEB_ISSUER}#key-1", form=form)
    assert_honest(check(honest))
    recorder.asked.clear()
    attacker_vm = f"{ATTACKER_KEY.public.did_key}#{ATTACKER_KEY.public.multibase}"
    typ = "vc+jwt" if form == FORM_JOSE else "JWT"
    payload: dict[str, Any] = credential(WEB_ISSUER)
    if form == FORM_VCDM11:
        payload = {"iss": WEB_ISSUER, "vc": payload}
    result = check(forge({"alg": "EdDSA", "typ": typ, "kid": attacker_vm}, payload, ATTACKER_KEY))
    assert_refused(result, "jwt.untrusted_key")
    assert result.issuer == WEB_ISSUER
    assert recorder.asked == []  # the attacker's DID is never even resolved


def test_foreign_kid_on_an_https_issuer(check: Callable[[str], VcJwtResult]) -> None:
    issuer = "https://college.example/issuers/1"
    result = check(forge(jose_header("https://attacker.example/issuers/1#key-1"), credential(issuer),
                         ATTACKER_KEY))
    assert_refused(result, "jwt.untrusted_key")


# --- crit and typ ---------------------------------------------------------------------------------


def test_unknown_crit(key_issuer: str, key_vm: str, check: Callable[[str], VcJwtResult]) -> None:
    assert_honest(check(forge(jose_header(key_vm, note="x"), credential(key_issuer), ISSUER_KEY)))
    header = jose_header(key_vm, crit=["urn:example:policy"], **{"urn:example:policy": "strict"})
    assert_refused(check(forge(header, credential(key_issuer), ISSUER_KEY)), "jwt.unsupported_crit")


@pytest.mark.parametrize("typ", ["JWT", "jwt", "vc+sd-jwt", "dc+sd-jwt", "vp+jwt", "at+jwt", None])
def test_wrong_typ_for_a_credential_payload(typ: str | None, key_issuer: str, key_vm: str,
                                            check: Callable[[str], VcJwtResult]) -> None:
    assert_honest(check(forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)))
    header = jose_header(key_vm, typ=typ)
    if typ is None:
        del header["typ"]
    assert_refused(check(forge(header, credential(key_issuer), ISSUER_KEY)), "jwt.invalid_typ")


@pytest.mark.parametrize("typ", ["vc+jwt", "vc+ld+jwt", "vp+jwt", "vc+sd-jwt"])
def test_wrong_typ_for_a_vc_claim_payload(typ: str, key_issuer: str, key_vm: str,
                                          check: Callable[[str], VcJwtResult]) -> None:
    payload = {"iss": key_issuer, "vc": credential(key_issuer)}
    assert_honest(check(forge({"alg": "EdDSA", "typ": "JWT", "kid": key_vm}, payload, ISSUER_KEY)))
    assert_honest(check(forge({"alg": "EdDSA", "kid": key_vm}, payload, ISSUER_KEY)))
    result = check(forge({"alg": "EdDSA", "typ": typ, "kid": key_vm}, payload, ISSUER_KEY))
    assert_refused(result, "jwt.invalid_typ")


# --- encoding tricks -------------------------------------------------------------------------------


def test_duplicate_keys_in_the_header(key_issuer: str, key_vm: str,
                                      check: Callable[[str], VcJwtResult]) -> None:
    honest = json.dumps({"alg": "EdDSA", "typ": "vc+jwt", "kid": key_vm})
    twisted = honest[:-1] + ', "kid": "did:web:attacker.example#k"}'
    assert_honest(check(forge(b64url_encode(honest.encode()), credential(key_issuer), ISSUER_KEY)))
    result = check(forge(b64url_encode(twisted.encode()), credential(key_issuer), ISSUER_KEY))
    assert_refused(result, "jwt.malformed")
    assert result.credential is None


def test_duplicate_keys_in_the_payload(key_issuer: str, key_vm: str,
                                       check: Callable[[str], VcJwtResult]) -> None:
    body = json.dumps(credential(key_issuer))
    twisted = body[:-1] + ', "issuer": "did:web:attacker.example"}'
    assert_honest(check(forge(jose_header(key_vm), b64url_encode(body.encode()), ISSUER_KEY)))
    assert_refused(check(forge(jose_header(key_vm), b64url_encode(twisted.encode()), ISSUER_KEY)),
                   "jwt.malformed")


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda t: t + ".", id="four-parts-empty"),
    pytest.param(lambda t: t + "." + b64url_encode(b"extra"), id="four-parts"),
    pytest.param(lambda t: t.replace(".", "=.", 1), id="header-padding"),
    pytest.param(lambda t: t + "=", id="signature-padding"),
    pytest.param(lambda t: t.replace(".", "==.", 2), id="double-padding"),
    pytest.param(lambda t: t.rsplit(".", 1)[0], id="two-parts"),
    pytest.param(lambda t: t.replace(".", " .", 1), id="inner-space"),
])
def test_malformed_compact_serialization(mangle: Callable[[str], str], key_issuer: str, key_vm: str,
                                         check: Callable[[str], VcJwtResult]) -> None:
    token = forge(jose_header(key_vm), credential(key_issuer), ISSUER_KEY)
    assert_honest(check(token))
    result = check(mangle(token))
    assert_refused(result, "jwt.malformed")
    assert result.credential is None
