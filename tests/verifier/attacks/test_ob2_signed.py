"""Attacks on signed (JWS) Open Badges 2.0: the key must be the issuer's, as the issuer publishes.

RS256 only; the key is listed by the Profile fetched from the issuer's id, lives on the issuer's
origin, and a key document fetched from its id names the issuer as owner. Each attack has a
positive twin.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from .ob2_world import (
    EVIL,
    ISSUER,
    KEY,
    ORIGIN,
    REVOCATIONS,
    SIGNED_ID,
    b64,
    badge_class,
    code,
    genuine,
    issuer,
    jws,
    key_doc,
    pem,
    rsa_key,
    served,
    signed,
    verify,
)

EVIL_KEY = f"{EVIL}/keys/rsa-1.json"


def test_genuine_signed_assertion_verifies() -> None:
    report = verify(jws(signed(), rsa_key("issuer")), genuine(rsa_key("issuer")))
    assert report.verified, report.to_json()
    assert report.format == "ob2"
    assert report.check("proof").details == {"verification": "signed", "issuer": ISSUER, "key": KEY}


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "PS256", "ES256", "EdDSA", "rs256", None])
def test_only_rs256_is_accepted(alg: str | None) -> None:
    key = rsa_key("issuer")
    head = b64(json.dumps({"alg": alg} if alg else {"typ": "JWT"}).encode())
    body = b64(json.dumps(signed()).encode())
    if alg == "HS256":  # key confusion: HMAC keyed with the issuer's public PEM
        tail = b64(hmac.new(pem(key).encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    elif alg == "none":
        tail = ""
    else:
        tail = jws(signed(), key).rsplit(".", 1)[1]  # a real RS256 signature, relabelled
    report = verify(f"{head}.{body}.{tail}", genuine(key))
    assert not report.verified
    if alg is None:  # without alg it is not a JWS at all
        assert code(report, "parse") is not None and report.check("proof") is None
        return
    assert report.format == "ob2"  # reaches the OB 2.0 path, and is refused there
    assert code(report, "proof") == "jwt.algorithm_not_allowed"


def test_signature_by_another_key_fails() -> None:
    report = verify(jws(signed(), rsa_key("attacker")), genuine(rsa_key("issuer")))
    assert code(report, "proof") == "jwt.invalid_signature" and not report.verified


def test_tampered_payload_fails() -> None:
    token = jws(signed(), rsa_key("issuer"))
    head, _, sig = token.split(".")
    forged = f"{head}.{b64(json.dumps(signed(badge=f'{ORIGIN}/badges/master-educator.json')).encode())}.{sig}"
    report = verify(forged, genuine(rsa_key("issuer")))
    assert code(report, "proof") == "jwt.invalid_signature"
    assert verify(token, genuine(rsa_key("issuer"))).verified  # twin


def test_key_in_the_jws_header_is_never_used() -> None:
    attacker = rsa_key("attacker")
    header = {"alg": "RS256", "kid": EVIL_KEY, "jku": f"{EVIL}/jwks.json",
              "jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}
    report = verify(jws(signed(), attacker, header), genuine(rsa_key("issuer")))
    assert not report.verified and code(report, "proof") == "jwt.invalid_signature"


def test_embedded_public_key_is_not_the_issuers_word() -> None:
    attacker = rsa_key("attacker")
    # The payload embeds a Profile that lists the attacker's key, and names it as creator.
    claimed = issuer(publicKey=[EVIL_KEY, KEY])
    payload = signed(badge=badge_class(issuer=claimed), verification={"type": "SignedBadge",
                                                                      "creator": EVIL_KEY})
    world = {**genuine(rsa_key("issuer")), **served(key_doc(attacker, EVIL_KEY))}
    report = verify(jws(payload, attacker), world)
    assert not report.verified
    assert code(report, "proof") == "openbadges.embedded_mismatch"
    # Without the embedded Profile the fetched one decides, and it does not list that key.
    bare = signed(verification={"type": "SignedBadge", "creator": EVIL_KEY})
    assert code(verify(jws(bare, attacker), world), "proof") == "jwt.untrusted_key"
    # twin: an embedded Profile identical to the published one, signed with the issuer's key
    honest = signed(badge=badge_class(issuer=issuer()))
    assert verify(jws(honest, rsa_key("issuer")), world).verified


def test_key_on_attacker_origin_claiming_the_issuer_as_owner_fails() -> None:
    attacker = rsa_key("attacker")
    payload = signed(verification={"type": "SignedBadge", "creator": EVIL_KEY})
    world = {**genuine(rsa_key("issuer")), **served(key_doc(attacker, EVIL_KEY, owner=ISSUER))}
    assert code(verify(jws(payload, attacker), world), "proof") == "jwt.untrusted_key"
    # even when the issuer's Profile lists it: keys must live on the issuer's own origin
    world.update(served(issuer(publicKey=[KEY, EVIL_KEY])))
    assert code(verify(jws(payload, attacker), world), "proof") == "jwt.untrusted_key"
    no_creator = signed(verification={"type": "SignedBadge"})
    assert code(verify(jws(no_creator, attacker), world), "proof") == "jwt.invalid_signature"
    # twin: the issuer's own key, listed and on its origin, with or without creator
    assert verify(jws(signed(), rsa_key("issuer")), world).verified
    assert verify(jws(no_creator, rsa_key("issuer")), world).verified


def test_key_document_must_name_the_issuer_as_owner() -> None:
    key = rsa_key("issuer")
    for owner in (f"{EVIL}/issuer.json", None):
        world = {**genuine(key), **served(key_doc(key, owner=owner))}
        assert code(verify(jws(signed(), key), world), "proof") == "jwt.untrusted_key"
    assert verify(jws(signed(), key), genuine(key)).verified  # twin: owner is the issuer


def test_creator_not_listed_by_the_issuer_fails() -> None:
    key = rsa_key("issuer")
    unlisted = f"{ORIGIN}/keys/rsa-unlisted.json"
    payload = signed(verification={"type": "SignedBadge", "creator": unlisted})
    world = {**genuine(key), **served(key_doc(key, unlisted))}
    assert code(verify(jws(payload, key), world), "proof") == "jwt.untrusted_key"
    world.update(served(issuer(publicKey=[KEY, unlisted])))  # twin: the issuer lists it
    assert verify(jws(payload, key), world).verified


def test_issuer_profile_must_come_from_the_issuer() -> None:
    attacker = rsa_key("attacker")
    fake = f"{EVIL}/issuer.json"
    # The attacker's BadgeClass names the attacker's Profile URL, and the document there claims
    # the genuine issuer's id (with the attacker's key). A Profile counts only at its own id.
    payload = signed(badge=f"{EVIL}/badge.json", verification={"type": "SignedBadge", "creator": EVIL_KEY})
    world = {**genuine(rsa_key("issuer")),
             **served(badge_class(f"{EVIL}/badge.json", issuer=fake), key_doc(attacker, EVIL_KEY, owner=fake))}
    world[fake] = json.dumps(issuer(publicKey=EVIL_KEY)).encode()  # says id = the genuine issuer
    assert code(verify(jws(payload, attacker), world), "proof") == "openbadges.id_mismatch"
    # twin: under its own id the attacker is simply another (untrusted) issuer
    world[fake] = json.dumps(issuer(id=fake, publicKey=EVIL_KEY)).encode()
    report = verify(jws(payload, attacker), world, require_trusted=True)
    assert code(report, "proof") == "passed" and report.check("proof").details["issuer"] == fake
    assert code(report, "trust") == "trust.untrusted_issuer" and not report.verified


def test_ephemeral_badge_class_is_covered_by_the_signature() -> None:
    key = rsa_key("issuer")
    ephemeral = badge_class(id="urn:uuid:6a0b3c9e-1111-4222-8333-444455556666")
    report = verify(jws(signed(badge=ephemeral), key), genuine(key))
    assert report.verified, report.to_json()
    # negative twin: the same payload signed by someone else
    assert code(verify(jws(signed(badge=ephemeral), rsa_key("attacker")), genuine(key)),
                "proof") == "jwt.invalid_signature"


def test_embedded_badge_class_must_match_the_published_one() -> None:
    key = rsa_key("issuer")
    renamed = signed(badge=badge_class(name="Master Educator"))
    assert code(verify(jws(renamed, key), genuine(key)), "proof") == "openbadges.embedded_mismatch"
    assert verify(jws(signed(badge=badge_class()), key), genuine(key)).verified


def test_revocation_list_of_the_published_profile_applies() -> None:
    key = rsa_key("issuer")
    listed = {"@context": "https://w3id.org/openbadges/v2", "id": REVOCATIONS, "type": "RevocationList",
              "issuer": ISSUER, "revokedAssertions": [SIGNED_ID]}
    world = {**genuine(key, revocationList=REVOCATIONS), **served(listed)}
    report = verify(jws(signed(badge=badge_class(issuer=issuer())), key), world)
    assert not report.verified and code(report, "status") == "status.revoked"
    world.update(served(dict(listed, revokedAssertions=[])))
    assert verify(jws(signed(), key), world).verified


def test_signed_assertion_as_plain_json_is_not_accepted() -> None:
    report = verify(json.dumps(signed()).encode(), genuine(rsa_key("issuer")))
    assert not report.verified and code(report, "parse") == "parse.unknown_format"


def test_hosted_payload_inside_a_jws_is_refused() -> None:
    key = rsa_key("issuer")
    payload = signed(verification={"type": "HostedBadge"})
    assert code(verify(jws(payload, key), genuine(key)), "proof") == "openbadges.invalid"
    assert verify(jws(signed(), key), genuine(key)).verified  # twin
