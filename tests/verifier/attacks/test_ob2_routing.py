"""Signed OB 2.0 assertions reach the OB 2.0 path however they arrive: a ``.jws`` file, text, or
baked into a PNG or SVG. VC-JWTs keep going to the VC-JWT path."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from vcwallet.sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg
from verifier.ob2 import is_signed_assertion_token

from .ob2_world import (
    HOSTED,
    b64,
    code,
    genuine,
    hosted,
    jws,
    rsa_key,
    signed,
    verify,
)

COLOR = (40, 90, 160)


def png(payload: str) -> bytes:
    return bake_png(make_badge_png("Reading Coach", COLOR), payload, spec="ob2")


def svg(payload: str, verify_url: str | None = None) -> bytes:
    return bake_svg(make_badge_svg("Reading Coach", COLOR), payload, spec="ob2", verify_url=verify_url)


def forged() -> str:
    """The genuine token with its payload edited after signing."""
    head, _, sig = jws(signed(), rsa_key("issuer")).split(".")
    return f"{head}.{b64(json.dumps(signed(issuedOn='2020-01-01T00:00:00Z')).encode())}.{sig}"


@pytest.mark.parametrize("container,fmt", [
    (lambda t: (t + "\n").encode("ascii"), "ob2"),
    (lambda t: t, "ob2"),
    (png, "ob2+png"),
    (svg, "ob2+svg"),
], ids=["jws-file", "text", "baked-png", "baked-svg"])
def test_signed_assertion_reaches_the_ob2_path(container: Callable[[str], Any], fmt: str) -> None:
    wrap = container
    key = rsa_key("issuer")
    report = verify(wrap(jws(signed(), key)), genuine(key))
    assert report.format == fmt
    assert report.verified, report.to_json()
    assert report.check("proof").details["verification"] == "signed"
    # negative twin: the same container around a token edited after signing
    bad = verify(wrap(forged()), genuine(key))
    assert bad.format == fmt and not bad.verified
    assert code(bad, "proof") == "jwt.invalid_signature"


def test_routing_reads_the_payload() -> None:
    key = rsa_key("issuer")
    assert is_signed_assertion_token(jws(signed(), key))
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    assert not is_signed_assertion_token(jws(vc, key))
    assert not is_signed_assertion_token(jws({"iss": "did:example:1", "vc": vc}, key))
    # a payload claiming both readings is not taken for an OB 2.0 assertion
    assert not is_signed_assertion_token(jws(dict(signed(), vc=vc), key))
    both = dict(signed(), **{"@context": ["https://www.w3.org/ns/credentials/v2",
                                          "https://w3id.org/openbadges/v2"]})
    assert not is_signed_assertion_token(jws(both, key))
    for junk in ("", "a.b.c", "e30..", "e30.!!!.e30", "x" * 10):
        assert not is_signed_assertion_token(junk)


def test_vc_jwt_still_goes_to_the_vc_jwt_path() -> None:
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
          "issuer": "did:example:issuer", "credentialSubject": {"id": "did:example:s"}}
    report = verify(jws(vc, rsa_key("issuer"), {"alg": "RS256", "typ": "vc+jwt"}),
                    genuine(rsa_key("issuer")))
    assert report.format != "ob2" and not report.verified


def test_hosted_json_baked_in_svg_must_match_its_verify_url() -> None:
    key = rsa_key("issuer")
    text = json.dumps(hosted())
    report = verify(svg(text, verify_url="https://pd.district.example/assertions/other.json"), genuine(key))
    assert not report.verified and code(report, "parse") == "openbadges.baked_mismatch"
    twin = verify(svg(text, verify_url=HOSTED), genuine(key))
    assert twin.verified and twin.format == "ob2+svg"


def test_hosted_json_baked_in_png_is_checked_against_the_host() -> None:
    key = rsa_key("issuer")
    assert verify(png(json.dumps(hosted())), genuine(key)).verified
    edited = png(json.dumps(hosted(issuedOn="2019-01-01T00:00:00Z")))
    assert code(verify(edited, genuine(key)), "proof") == "openbadges.hosted_mismatch"
