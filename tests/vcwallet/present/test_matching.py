"""Matching a request against the wallet: why each credential matches, and flagged ones shown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vcwallet.present.helpers import ACHIEVEMENT, ACTIVE, DOMAIN, LAB, load, world_file
from vcwallet.demo.world import WORLD_DIR
from vcwallet.matching import describe, match
from vcwallet.requesting import create_dcql_request, create_request
from verifier.errors import VCError
from verifier.trust import TrustList
from verifier.verification import Verifier

REVOKED = "educator-lab/maya-alvarez--formative-assessment.json"
SUSPENDED = "educator-lab/maya-alvarez--classroom-discourse.json"
EXPIRED = "educator-lab/maya-alvarez--culturally-responsive-teaching--expired.json"
UNTRUSTED = "platform/maya-alvarez--blended-learning-design.json"
GROWTH = "educator-lab/maya-alvarez--growth-mindset.json"


def _wallet(verifier: Verifier, *names: str) -> list[tuple[str, Any, Any]]:
    items = []
    for name in names:
        path = world_file(name)
        items.append((name, load(path), verifier.verify_credential(path.read_bytes()).to_json()))
    return items


def test_match_says_why(verifier: Verifier) -> None:
    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"], issuer=LAB, achievement=ACHIEVEMENT)
    active = "educator-lab/" + ACTIVE.name
    found = match(request, _wallet(verifier, active, GROWTH), clock=verifier.clock)
    assert [m.id for m in found] == [active]  # the other badge does not answer the request
    (item,) = found
    assert len(item.reasons) == 3
    assert any("OpenBadgeCredential" in r for r in item.reasons)
    assert any(LAB in r for r in item.reasons)
    assert any(ACHIEVEMENT in r for r in item.reasons)
    assert (item.warnings, item.flags, item.blocked) == ([], (), False)
    assert item.query == "query[0].credentialQuery[0]"


def test_achievement_name_matching_ignores_case_and_spacing(verifier: Verifier) -> None:
    request = create_request(domain=DOMAIN, achievement="  checking for   student understanding ")
    assert [m.id for m in match(request, _wallet(verifier, "educator-lab/" + ACTIVE.name))] == [
        "educator-lab/" + ACTIVE.name]


def test_requested_claims_must_be_present(verifier: Verifier) -> None:
    wallet = _wallet(verifier, "educator-lab/" + ACTIVE.name)
    present = create_request(domain=DOMAIN, claims=["credentialSubject.achievement.criteria.narrative"])
    (item,) = match(present, wallet)
    assert any("criteria.narrative" in r for r in item.reasons)
    absent = create_request(domain=DOMAIN, claims=["credentialSubject.result"])
    assert match(absent, wallet) == []


@pytest.mark.parametrize(("name", "flag"), [
    (REVOKED, "status.revoked"),
    (SUSPENDED, "status.suspended"),
    (EXPIRED, "validity.expired"),
    (UNTRUSTED, "trust.untrusted_issuer"),
])
def test_flagged_credentials_are_shown_with_warnings_and_blocked(name: str, flag: str,
                                                                 verifier: Verifier) -> None:
    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"])
    (item,) = match(request, _wallet(verifier, name), clock=verifier.clock)
    assert flag in item.flags
    assert item.warnings and len(item.warnings) == len(item.flags)
    assert item.blocked
    (confirmed,) = match(request, _wallet(verifier, name), clock=verifier.clock, confirmed={name})
    assert confirmed.flags == item.flags and not confirmed.blocked
    assert "WARNING" in describe([item])


def test_expiry_and_trust_are_also_read_from_the_credential(verifier: Verifier) -> None:
    request = create_request(domain=DOMAIN)
    credential = load(world_file(EXPIRED))
    clean_report = {"verified": True, "checks": [{"id": "proof", "status": "passed", "code": None}]}
    (item,) = match(request, [("x", credential, clean_report)], clock=verifier.clock)
    assert item.flags == ("validity.expired",)
    trust = TrustList.load(WORLD_DIR / "trust-list.json")
    (other,) = match(request, [("y", load(world_file(UNTRUSTED)), clean_report)], trust_list=trust)
    assert other.flags == ("trust.untrusted_issuer",)
    (fine,) = match(request, [("z", load(ACTIVE), clean_report)], clock=verifier.clock, trust_list=trust)
    assert fine.flags == () and not fine.blocked


def test_never_verified_credential_needs_confirmation() -> None:
    (item,) = match(create_request(domain=DOMAIN), [("x", load(ACTIVE), None)])
    assert item.flags == ("report.missing",) and item.blocked


SD_CLAIMS = {
    "iss": LAB, "vct": "https://credentials.educatorlab.example/vct/educator-badge",
    "credentialSubject": {"achievement": {"name": ACHIEVEMENT, "criteria": {"narrative": "..."}},
                          "evidence": [{"id": "https://x.example/e/1"}]},
}
OK_REPORT = {"verified": True, "checks": [{"id": "proof", "status": "passed", "code": None}]}


def test_dcql_matches_sd_jwt_claims_and_lists_what_to_disclose() -> None:
    request = create_dcql_request(domain=DOMAIN, vct_values=[SD_CLAIMS["vct"]], issuer=LAB,
                                  achievement=ACHIEVEMENT, claims=["credentialSubject.achievement.criteria"])
    wallet = [("sd", SD_CLAIMS, OK_REPORT), ("ld", load(ACTIVE), OK_REPORT)]
    (item,) = match(request, wallet)
    assert (item.id, item.format, item.query) == ("sd", "dc+sd-jwt", "badge")
    assert item.disclose == (("iss",), ("credentialSubject", "achievement", "name"),
                             ("credentialSubject", "achievement", "criteria"))
    assert len(item.reasons) == 4 and not item.blocked


@pytest.mark.parametrize("change", [
    {"vct_values": ["https://other.example/vct"]},
    {"issuer": "did:web:someone-else.example"},
    {"claims": ["credentialSubject.result"]},
])
def test_dcql_non_matches(change: dict[str, Any]) -> None:
    args: dict[str, Any] = {"domain": DOMAIN, "vct_values": [SD_CLAIMS["vct"]], **change}
    assert match(create_dcql_request(**args), [("sd", SD_CLAIMS, OK_REPORT)]) == []


def test_dcql_claim_sets_pick_the_first_satisfiable_option() -> None:
    request = create_dcql_request(domain=DOMAIN)
    query = request["dcql_query"]["credentials"][0]
    query["claims"] = [{"id": "res", "path": ["credentialSubject", "result"]},
                       {"id": "name", "path": ["credentialSubject", "achievement", "name"]},
                       {"id": "ev", "path": ["credentialSubject", "evidence", None, "id"]}]
    query["claim_sets"] = [["res"], ["name", "ev"]]
    (item,) = match(request, [("sd", SD_CLAIMS, OK_REPORT)])
    assert item.disclose == (("credentialSubject", "achievement", "name"),
                             ("credentialSubject", "evidence", None, "id"))


def test_malformed_requests_are_refused() -> None:
    for bad in [{}, {"query": []}, {"query": [{"type": "QueryByExample", "credentialQuery": [{}]}]},
                {"dcql_query": {"credentials": []}}]:
        with pytest.raises(VCError) as err:
            match(bad, [("x", load(ACTIVE), OK_REPORT)])
        assert err.value.code == "request.invalid"


def test_stored_sd_jwt_without_key_binding_is_not_flagged_but_a_bad_signature_is() -> None:
    request = create_dcql_request(domain=DOMAIN, vct_values=[SD_CLAIMS["vct"]])
    stored = {"verified": False, "checks": [{"id": "proof", "status": "passed", "code": None},
                                            {"id": "disclosure", "status": "failed", "code": "sdjwt.kb_missing"}]}
    (item,) = match(request, [("sd", SD_CLAIMS, stored)])
    assert item.flags == () and not item.blocked
    broken = {"verified": False, "checks": [{"id": "proof", "status": "failed", "code": "jwt.invalid_signature"}]}
    (bad,) = match(request, [("sd", SD_CLAIMS, broken)])
    assert bad.flags == ("jwt.invalid_signature",) and bad.blocked
