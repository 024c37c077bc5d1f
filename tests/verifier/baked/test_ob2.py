"""Open Badges 2.0: hosted assertions fetched from their issuer, signed assertions (RS256)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from verifier.errors import FetchError, VCError
from verifier.fetch import FetchResponse, StaticFetcher
from verifier.ob2 import Ob2Bundle, Ob2Revoked, is_ob2, load_hosted_assertion, verify_signed_assertion

CONTEXT = "https://w3id.org/openbadges/v2"
ISSUER_URL = "https://badges.example.edu/issuer.json"
BADGE_URL = "https://badges.example.edu/badges/python-basics.json"
ASSERTION_URL = "https://badges.example.edu/assertions/5b1c.json"
KEY_URL = "https://badges.example.edu/keys/2024.json"


def issuer(**extra: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "type": "Issuer", "id": ISSUER_URL, "name": "Example Community College",
            "url": "https://www.example.edu", "email": "badges@example.edu", **extra}


def badge_class(**extra: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "type": "BadgeClass", "id": BADGE_URL, "name": "Python Basics",
            "description": "Wrote and tested small Python programs.",
            "image": "https://badges.example.edu/images/python-basics.png",
            "criteria": {"narrative": "Complete the six course projects."}, "issuer": ISSUER_URL, **extra}


def assertion(verification: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    salt = "deadsea"
    identity = "sha256$" + hashlib.sha256(b"learner@example.org" + salt.encode()).hexdigest()
    return {"@context": CONTEXT, "type": "Assertion", "id": ASSERTION_URL,
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": identity},
            "badge": BADGE_URL, "issuedOn": "2024-05-01T12:00:00Z",
            "verification": dict(verification or {"type": "hosted"}), **extra}


def served(*docs: Mapping[str, Any], extra: Mapping[str, bytes] | None = None) -> StaticFetcher:
    mapping: dict[str, Any] = {str(d["id"]): json.dumps(d).encode() for d in docs}
    mapping.update(extra or {})
    return StaticFetcher(mapping)


class StatusFetcher:
    """Answers one URL with an HTTP error, the way RequestsFetcher reports it."""

    def __init__(self, url: str, status: int) -> None:
        self.url, self.status = url, status

    def fetch(self, url: str, *, accept: str | None = None, max_bytes: int | None = None) -> FetchResponse:
        raise FetchError("fetch.failed", f"HTTP {self.status}", details={"status": self.status, "url": url})


def code_of(call: Any, *args: Any) -> str:
    with pytest.raises(VCError) as info:
        call(*args)
    return info.value.code


# --- hosted ------------------------------------------------------------------------------------


def test_hosted_assertion_from_url() -> None:
    bundle = load_hosted_assertion(ASSERTION_URL, served(assertion(), badge_class(), issuer()))
    assert isinstance(bundle, Ob2Bundle)
    assert bundle.verification == "hosted"
    assert (bundle.assertion["id"], bundle.badge_class["id"], bundle.issuer["id"]) == (
        ASSERTION_URL, BADGE_URL, ISSUER_URL)
    assert not bundle.revoked


def test_hosted_assertion_object_is_refetched() -> None:
    fetcher = served(assertion(), badge_class(), issuer())
    bundle = load_hosted_assertion(assertion(), fetcher)
    assert isinstance(bundle, Ob2Bundle)
    assert bundle.assertion == assertion()
    local = assertion(issuedOn="2030-01-01T00:00:00Z")  # an edited local copy
    assert code_of(load_hosted_assertion, local, fetcher) == "openbadges.hosted_mismatch"


def test_embedded_badge_class_and_issuer_must_be_published() -> None:
    doc = assertion(badge=badge_class(issuer=issuer()))
    bundle = load_hosted_assertion(ASSERTION_URL, served(doc, badge_class(), issuer()))
    assert isinstance(bundle, Ob2Bundle) and bundle.issuer["name"] == "Example Community College"
    # embedded copies alone are not the issuer's word: the documents must be fetched
    assert code_of(load_hosted_assertion, ASSERTION_URL, served(doc)) == "fetch.not_allowed"


def test_hosted_id_mismatch_is_refused() -> None:
    fetcher = StaticFetcher({ASSERTION_URL: json.dumps(assertion(id="https://badges.example.edu/other")).encode(),
                             BADGE_URL: json.dumps(badge_class()).encode(),
                             ISSUER_URL: json.dumps(issuer()).encode()})
    assert code_of(load_hosted_assertion, ASSERTION_URL, fetcher) == "openbadges.id_mismatch"


def test_badge_class_id_mismatch_is_refused() -> None:
    fetcher = served(assertion(), issuer(), extra={BADGE_URL: json.dumps(badge_class(id="urn:x")).encode()})
    assert code_of(load_hosted_assertion, ASSERTION_URL, fetcher) == "openbadges.id_mismatch"


def test_gone_means_revoked() -> None:
    result = load_hosted_assertion(ASSERTION_URL, StatusFetcher(ASSERTION_URL, 410))
    assert result == Ob2Revoked(url=ASSERTION_URL)


def test_other_http_errors_propagate() -> None:
    assert code_of(load_hosted_assertion, ASSERTION_URL, StatusFetcher(ASSERTION_URL, 404)) == "fetch.failed"


def test_revoked_flag_in_body() -> None:
    doc = assertion(revoked=True, revocationReason="Issued in error")
    bundle = load_hosted_assertion(ASSERTION_URL, served(doc, badge_class(), issuer()))
    assert isinstance(bundle, Ob2Bundle) and bundle.revoked


def test_assertion_on_foreign_origin_is_refused() -> None:
    foreign = "https://badge-host.example.net/a/5b1c"
    fetcher = served(assertion(id=foreign), badge_class(), issuer())
    assert code_of(load_hosted_assertion, foreign, fetcher) == "openbadges.origin_mismatch"


def test_assertion_on_allowed_origin_is_accepted() -> None:
    foreign = "https://badge-host.example.net/a/5b1c"
    allowed = issuer(verification={"allowedOrigins": ["badge-host.example.net"]})
    bundle = load_hosted_assertion(foreign, served(assertion(id=foreign), badge_class(), allowed))
    assert isinstance(bundle, Ob2Bundle)
    prefix = issuer(verification={"startsWith": "https://badge-host.example.net/b/"})
    fetcher = served(assertion(id=foreign), badge_class(), prefix)
    assert code_of(load_hosted_assertion, foreign, fetcher) == "openbadges.origin_mismatch"


def test_signed_object_is_not_hosted() -> None:
    doc = assertion({"type": "SignedBadge", "creator": KEY_URL})
    assert code_of(load_hosted_assertion, doc, served(doc)) == "openbadges.invalid"


def test_is_ob2() -> None:
    assert is_ob2(assertion())
    assert is_ob2(dict(assertion(), **{"@context": [CONTEXT]}))
    assert not is_ob2(badge_class())
    assert not is_ob2(dict(assertion(), **{"@context": "https://www.w3.org/ns/credentials/v2"}))
    assert not is_ob2("Assertion")


# --- signed ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign(payload: Mapping[str, Any], key: rsa.RSAPrivateKey, header: Mapping[str, Any] | None = None) -> str:
    head = b64(json.dumps(header or {"alg": "RS256"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def signed_assertion(**verification: Any) -> dict[str, Any]:
    doc = assertion({"type": "SignedBadge", "creator": KEY_URL, **verification})
    doc["id"] = "urn:uuid:0b3cb5d5-52a6-4b8e-9d8b-7f0f2d2c5a1e"
    return doc


def key_doc(key: rsa.RSAPrivateKey, owner: str = ISSUER_URL) -> dict[str, Any]:
    return {"@context": CONTEXT, "type": "CryptographicKey", "id": KEY_URL, "owner": owner,
            "publicKeyPem": pem(key)}


def signed_world(key: rsa.RSAPrivateKey, **issuer_extra: Any) -> StaticFetcher:
    fields = {"publicKey": KEY_URL, **issuer_extra}
    return served(badge_class(), issuer(**fields), key_doc(key))


def test_signed_assertion_verifies(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(signed_assertion(), rsa_key)
    bundle = verify_signed_assertion(token, signed_world(rsa_key))
    assert (bundle.verification, bundle.key_id, bundle.jws) == ("signed", KEY_URL, token)
    assert bundle.issuer["id"] == ISSUER_URL and bundle.badge_class["id"] == BADGE_URL


def test_signed_without_creator_tries_issuer_keys(rsa_key: rsa.RSAPrivateKey,
                                                   other_key: rsa.RSAPrivateKey) -> None:
    doc = signed_assertion()
    del doc["verification"]["creator"]
    embedded_keys = [dict(key_doc(other_key), id=KEY_URL + "#old"), key_doc(rsa_key)]
    fetcher = served(badge_class(), issuer(publicKey=embedded_keys))
    assert verify_signed_assertion(sign(doc, rsa_key), fetcher).key_id == KEY_URL


@pytest.mark.parametrize("alg", ["HS256", "none", "RS512", "ES256", None])
def test_other_algorithms_are_refused(alg: str | None, rsa_key: rsa.RSAPrivateKey) -> None:
    header = b64(json.dumps({"alg": alg} if alg else {"typ": "JWT"}).encode())
    body = b64(json.dumps(signed_assertion()).encode())
    if alg == "HS256":
        # The classic confusion attack: HMAC keyed with the RSA public key's PEM text.
        mac = hmac.new(pem(rsa_key).encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
        token = f"{header}.{body}.{b64(mac)}"
    else:
        token = f"{header}.{body}."
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) == "jwt.algorithm_not_allowed"


def test_tampered_payload_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(signed_assertion(), rsa_key)
    head, _, sig = token.split(".")
    forged = copy.deepcopy(signed_assertion())
    forged["recipient"]["identity"] = "sha256$" + "0" * 64
    tampered = f"{head}.{b64(json.dumps(forged).encode())}.{sig}"
    assert code_of(verify_signed_assertion, tampered, signed_world(rsa_key)) == "jwt.invalid_signature"


def test_signature_by_another_key_is_refused(rsa_key: rsa.RSAPrivateKey,
                                             other_key: rsa.RSAPrivateKey) -> None:
    jwk_header = {"alg": "RS256", "jwk": {"kty": "RSA"}, "kid": KEY_URL}
    token = sign(signed_assertion(), other_key, jwk_header)
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) == "jwt.invalid_signature"


def test_creator_not_listed_by_issuer_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(signed_assertion(creator="https://attacker.example/key.json"), rsa_key)
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) == "jwt.untrusted_key"


def test_key_owned_by_someone_else_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(signed_assertion(), rsa_key)
    fetcher = served(badge_class(), issuer(publicKey=KEY_URL), key_doc(rsa_key, owner="https://other.example/i"))
    assert code_of(verify_signed_assertion, token, fetcher) == "jwt.untrusted_key"


def test_short_rsa_key_is_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    token = sign(signed_assertion(), weak)
    assert code_of(verify_signed_assertion, token, signed_world(weak)) == "vm.unsupported_type"


def test_crit_header_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(signed_assertion(), rsa_key, {"alg": "RS256", "crit": ["b64"], "b64": False})
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) == "jwt.unsupported_crit"


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.e30.e30", "e30.e30.e30"],
                         ids=["empty", "one-part", "two-parts", "four-parts", "bad-b64", "no-alg"])
def test_malformed_jws(token: str, rsa_key: rsa.RSAPrivateKey) -> None:
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) in (
        "jwt.malformed", "jwt.algorithm_not_allowed")


def test_hosted_payload_in_jws_is_refused(rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(assertion(), rsa_key)
    assert code_of(verify_signed_assertion, token, signed_world(rsa_key)) == "openbadges.invalid"
