"""The published SD-JWT (RFC 9901) and SD-JWT VC examples, read from ``../shared/interop``.

Those examples are signed with ES256 (P-256) issuer and holder keys. The production verifier is
EdDSA only and refuses them (asserted below). Everything else is checked for real:

- the *structure*: splitting, every disclosure's digest, the reconstructed claims equal to the
  published ``verified_contents.json`` (and the signed payload to ``sd_jwt_payload.json``), and
  the key-binding claims (``nonce``, ``aud``, ``iat``, ``sd_hash``) through
  :func:`verifier.sdjwt.check_kb_claims`;
- the ES256 signatures of the issuer JWT and of the KB-JWT, through a **test-only** key adapter
  built on the ``cryptography`` package (:func:`es256_ok`). It exists only in this file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.conftest import INTEROP, interop_path
from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.fetch import StaticFetcher
from verifier.jose import CompactJws, parse_compact
from verifier.key_lookup import ResolverKeyLookup
from verifier.multibase import b64url_decode
from verifier.sdjwt import (
    check_kb_claims,
    from_json_serialization,
    parse_disclosure,
    reconstruct,
    split_sd_jwt,
    verify_sd_jwt_vc,
)
from verifier.sdjwt.reconstruct import sd_alg_of

SPEC_NONCE = "1234567890"


def es256_ok(jws: CompactJws, jwk: dict[str, Any]) -> bool:
    """TEST-ONLY ES256 check (P-256, raw r||s signature); production code never verifies ES256."""
    assert jws.header.get("alg") == "ES256" and jwk.get("crv") == "P-256"
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(jwk["x"]), "big"),
                                            int.from_bytes(b64url_decode(jwk["y"]), "big"), ec.SECP256R1())
    if len(jws.signature) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(jws.signature[:32], "big"),
                               int.from_bytes(jws.signature[32:], "big"))
    try:
        numbers.public_key().verify(der, jws.signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _cases() -> list[Any]:
    found = []
    for suite in ("sd-jwt", "sd-jwt-vc"):
        root = INTEROP / "vectors" / suite / "rendered-examples"
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            for name in ("sd_jwt_presentation.txt", "sd_jwt_presentation.json"):
                if (folder / name).is_file():
                    found.append(pytest.param(suite, folder.name, name, id=f"{suite}/{folder.name}"))
    return found or [pytest.param("sd-jwt", "simple", "sd_jwt_presentation.txt", id="absent")]


def _load(suite: str, example: str, name: str) -> tuple[str, Path]:
    folder = interop_path("vectors", suite, "rendered-examples", example)
    if not folder.is_dir():
        pytest.skip(f"{folder} is not in the interop corpus")
    text = (folder / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        text = from_json_serialization(json.loads(text))
    return text.strip(), folder


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@pytest.mark.parametrize(("suite", "example", "name"), _cases())
def test_published_presentation(suite: str, example: str, name: str) -> None:
    text, folder = _load(suite, example, name)
    issuer_jwk = _json(folder.parent / "issuer_public_key.jwk.json")
    sd = split_sd_jwt(text)
    assert es256_ok(sd.jws, issuer_jwk), "issuer ES256 signature (test-only adapter)"
    payload = _json(folder / "sd_jwt_payload.json")
    if payload is not None:
        assert sd.jws.payload == payload
    view = reconstruct(sd.jws.payload, sd.disclosures)
    expected = _json(folder / "verified_contents.json")
    if expected is not None:
        assert view.claims == expected
    if suite == "sd-jwt-vc":
        assert sd.jws.header["typ"] == "dc+sd-jwt"
    if sd.kb_jwt is not None:
        kb = parse_compact(sd.kb_jwt)
        assert kb.header["typ"] == "kb+jwt"
        assert es256_ok(kb, sd.jws.payload["cnf"]["jwk"]), "holder ES256 signature (test-only adapter)"
        published = _json(folder / "kb_jwt_payload.json")
        if published is not None:
            assert kb.payload == published
        clock = FixedClock(datetime.fromtimestamp(kb.payload["iat"], UTC))
        check_kb_claims(kb.payload, presented=sd.presented, alg=sd_alg_of(sd.jws.payload),
                        nonce=SPEC_NONCE, audience=kb.payload["aud"], clock=clock)


@pytest.mark.parametrize(("suite", "example", "name"), _cases())
def test_published_presentation_negative_twins(suite: str, example: str, name: str) -> None:
    text, folder = _load(suite, example, name)
    sd = split_sd_jwt(text)
    issuer_jwk = _json(folder.parent / "issuer_public_key.jwk.json")
    head, body, signature = sd.jwt.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert not es256_ok(parse_compact(f"{head}.{body}.{flipped}"), issuer_jwk)
    if sd.disclosures:
        first = sd.disclosures[0].encoded
        tampered = first[:-1] + ("A" if first[-1] != "A" else "Q")
        try:
            altered = parse_disclosure(tampered)
        except VCError:
            return
        with pytest.raises(VCError) as caught:
            reconstruct(sd.jws.payload, [altered, *sd.disclosures[1:]])
        assert caught.value.code == "sdjwt.unreferenced_disclosure"
    if sd.kb_jwt is not None:
        kb = parse_compact(sd.kb_jwt)
        clock = FixedClock(datetime.fromtimestamp(kb.payload["iat"], UTC))
        with pytest.raises(VCError) as caught:
            check_kb_claims(kb.payload, presented=sd.presented, alg="sha-256", nonce="other",
                            audience=kb.payload["aud"], clock=clock)
        assert caught.value.details["reason"] == "nonce mismatch"


@pytest.mark.parametrize("example", ["simple", "arf-pid", "jsonld"])
def test_published_issuance_discloses_every_user_claim(example: str) -> None:
    folder = interop_path("vectors", "sd-jwt", "rendered-examples", example)
    if not (folder / "sd_jwt_issuance.txt").is_file():
        pytest.skip("no issuance example")
    sd = split_sd_jwt((folder / "sd_jwt_issuance.txt").read_text(encoding="utf-8"))
    assert sd.kb_jwt is None
    claims = reconstruct(sd.jws.payload, sd.disclosures).claims
    user_claims = _json(folder / "user_claims.json")
    assert {k: claims[k] for k in user_claims} == user_claims


@pytest.mark.parametrize(("suite", "example"), [("sd-jwt-vc", "01"), ("sd-jwt", "simple")])
def test_production_verifier_refuses_es256(suite: str, example: str) -> None:
    text, _folder = _load(suite, example, "sd_jwt_presentation.txt")
    clock = FixedClock(datetime(2025, 6, 1, tzinfo=UTC))
    result = verify_sd_jwt_vc(text, key_lookup=ResolverKeyLookup.create(StaticFetcher({}), clock),
                              clock=clock, nonce=SPEC_NONCE, audience="https://verifier.example.org")
    assert result.error is not None
    assert result.error.code in ("jwt.algorithm_not_allowed", "jwt.invalid_typ")
    assert not result.ok
