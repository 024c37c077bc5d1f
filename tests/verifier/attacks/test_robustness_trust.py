"""A tampered badge never shows a green "trusted issuer": the ``trust`` check is ``skipped``
whenever the signature (``proof``) or the issuer's key (``issuer``) did not pass, for JSON-LD,
VC-JWT, SD-JWT VC and Open Badges 2.0 reports alike. Each attack has its untampered twin, where
the same issuer on the same trust list passes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import (
    HOLDER_KEY,
    ISSUER,
    ISSUER_KEY,
    NOW,
    OTHER_KEY,
    TRUST,
    badge,
    codes,
    sign,
    verifier,
    vm_of,
)
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.multibase import b64url_decode, b64url_encode
from verifier.policy import Policy
from verifier.trust import TrustedIssuer, TrustList
from verifier.vc_jwt import issue_vc_jwt

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")


def _trust_not_green(report: Any) -> None:
    trust = report.check("trust")
    assert trust is not None and trust.status.value == "skipped", codes(report)
    assert not report.verified


def _flip_signature(token: str) -> str:
    """The same token with one bit of its issuer signature changed."""
    jwt, sep, rest = token.partition("~")
    head, body, signature = jwt.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[0] ^= 1
    return f"{head}.{body}.{b64url_encode(bytes(raw))}{sep}{rest}"


# -- JSON-LD ----------------------------------------------------------------------------------

def test_json_ld_twin_trusted_issuer_passes() -> None:
    report = verifier(trust=TRUST).verify_credential(sign(badge()))
    assert report.verified and codes(report)["trust"] == ("passed", None)


@pytest.mark.parametrize("require", [False, True])
def test_json_ld_tampered_badge_is_not_trusted(require: bool) -> None:
    tampered = sign(badge())
    tampered["credentialSubject"]["achievement"]["name"] = "Superintendent of Everything"
    report = verifier(trust=TRUST, policy=Policy(require_trusted=require)).verify_credential(tampered)
    assert codes(report)["proof"] == ("failed", "proof.invalid_signature")
    _trust_not_green(report)


def test_json_ld_signed_by_someone_else_is_not_trusted() -> None:
    """A valid signature by a key that is not the (trusted) issuer's."""
    forged = sign(badge(), OTHER_KEY)
    report = verifier(trust=TRUST).verify_credential(forged)
    assert codes(report)["proof"][0] == "passed" and codes(report)["issuer"][0] == "failed"
    _trust_not_green(report)


def test_json_ld_without_a_trust_list_never_says_the_signature_proved_anything() -> None:
    tampered = sign(badge())
    tampered["name"] = "Changed"
    report = verifier().verify_credential(tampered)
    assert "proven by the signature" not in report.check("trust").message
    twin = verifier().verify_credential(sign(badge()))
    assert twin.check("trust").status.value == "skipped"  # no trust list: nobody vouched


# -- VC-JWT ---------------------------------------------------------------------------------

def test_vc_jwt_twin_and_tampered() -> None:
    token = issue_vc_jwt(badge(), ISSUER_KEY, vm_of(ISSUER_KEY))
    good = verifier(trust=TRUST).verify_credential(token)
    assert good.verified and codes(good)["trust"] == ("passed", None)
    _trust_not_green(verifier(trust=TRUST).verify_credential(_flip_signature(token)))


@pytest.mark.parametrize("kid_key", [OTHER_KEY, ISSUER_KEY])
def test_vc_jwt_signed_by_someone_else_is_not_trusted(kid_key: Any) -> None:
    """In the trusted issuer's name, signed by another key (naming its own key or the issuer's)."""
    from tests.verifier.jwt.tokens import forge

    credential = badge()
    payload = {"iss": ISSUER, "jti": credential["id"], "sub": "did:example:teacher-okafor",
               "nbf": 1756684800, "vc": credential}
    token = forge({"alg": "EdDSA", "typ": "JWT", "kid": vm_of(kid_key)}, payload, OTHER_KEY)
    _trust_not_green(verifier(trust=TRUST).verify_credential(token))


# -- SD-JWT VC -------------------------------------------------------------------------------

def _sd_jwt(key: Any = ISSUER_KEY) -> str:
    from vcwallet.sdjwt_issuer import issue_ob3_sd_jwt_vc

    return issue_ob3_sd_jwt_vc(badge(), key=key, kid=vm_of(key), holder_jwk=HOLDER_KEY.public,
                               clock=FixedClock(NOW))


def test_sd_jwt_twin_and_tampered() -> None:
    v = verifier(trust=TRUST)
    good = v.verify_sd_jwt(_sd_jwt(), require_key_binding=False)
    assert good.verified and codes(good)["trust"] == ("passed", None), codes(good)
    _trust_not_green(v.verify_sd_jwt(_flip_signature(_sd_jwt()), require_key_binding=False))


# -- Open Badges 2.0 ---------------------------------------------------------------------------

WORLD_HOSTS = Path(__file__).resolve().parents[3] / "vcwallet" / "data" / "world" / "hosts"
RIVERBEND = "https://badges.riverbend-schools.example/issuer.json"


def _world_fetcher(*, without: str | None = None) -> StaticFetcher:
    mapping = {}
    for path in WORLD_HOSTS.rglob("*"):
        if path.is_file():
            url = "https://" + path.relative_to(WORLD_HOSTS).as_posix()
            if url != without:
                mapping[url] = path.read_bytes()
    return StaticFetcher(mapping)


def test_ob2_twin_and_unverifiable_assertion() -> None:
    trust = TrustList("ob2", [TrustedIssuer(RIVERBEND, "Riverbend"), TrustedIssuer(ISSUER, "x")])
    assertion = WORLD_HOSTS / "badges.riverbend-schools.example" / "assertions" / "a1b2c3.json"
    data = assertion.read_bytes()
    good = verifier(fetcher=_world_fetcher(), trust=trust).verify_credential(data)
    assert codes(good)["proof"][0] == "passed" and codes(good)["trust"] == ("passed", None), codes(good)
    hosted = json.loads(data)["id"]
    gone = verifier(fetcher=_world_fetcher(without=hosted), trust=trust).verify_credential(data)
    assert codes(gone)["proof"][0] != "passed"
    trust_check = gone.check("trust")
    assert trust_check is None or trust_check.status.value == "skipped"
    assert not gone.verified


def test_gate_is_a_pure_function_of_proof_and_issuer() -> None:
    from verifier.checks.trust import gate
    from verifier.report import CheckResult, Status

    passed = CheckResult("trust", Status.PASSED, None, "on the list")
    ok = [CheckResult("proof", Status.PASSED), CheckResult("issuer", Status.PASSED)]
    assert gate(ok, passed) is passed
    for bad in (Status.FAILED, Status.ERROR, Status.SKIPPED):
        for index in (0, 1):
            checks = copy.deepcopy(ok)
            checks[index] = CheckResult(checks[index].id, bad)
            assert gate(checks, passed).status is Status.SKIPPED
