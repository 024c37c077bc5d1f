"""Writing presentation requests (VPR QueryByExample and OpenID4VP DCQL) and the challenge ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.vcwallet.present.helpers import ACHIEVEMENT, DOMAIN, LAB
from vcwallet.request_format import load_request, parse_claim_path, request_binding
from vcwallet.requesting import ChallengeLedger, create_dcql_request, create_request
from verifier.errors import VCError


def test_vpr_has_query_by_example_challenge_and_domain() -> None:
    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"], issuer=LAB,
                             achievement=ACHIEVEMENT, claims=["credentialSubject.achievement.criteria"])
    assert request["domain"] == DOMAIN
    assert len(request["challenge"]) >= 32
    (query,) = request["query"]
    assert query["type"] == "QueryByExample"
    (entry,) = query["credentialQuery"]
    assert entry["required"] is True and DOMAIN in entry["reason"]
    example = entry["example"]
    assert example["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert example["issuer"] == LAB
    assert example["credentialSubject"]["achievement"] == {"name": ACHIEVEMENT, "criteria": ""}
    assert example["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert request_binding(request) == (request["challenge"], DOMAIN)


def test_every_request_gets_a_fresh_challenge() -> None:
    challenges = {create_request(domain=DOMAIN)["challenge"] for _ in range(20)}
    assert len(challenges) == 20


def test_fresh_challenges_never_look_like_a_command_line_option(monkeypatch: pytest.MonkeyPatch) -> None:
    import secrets

    from vcwallet import requesting as module

    drawn = iter(["-starts-like-an-option-xyz0123", "fine-challenge-value-0123456789"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    assert module.new_challenge() == "fine-challenge-value-0123456789"  # the first was drawn again
    monkeypatch.undo()
    assert not any(module.new_challenge().startswith("-") for _ in range(500))


def test_given_challenge_is_kept_and_a_bad_one_refused() -> None:
    assert create_request(domain=DOMAIN, challenge="abcdefghijklmnop-_.~")["challenge"] == "abcdefghijklmnop-_.~"
    with pytest.raises(VCError) as err:
        create_request(domain=DOMAIN, challenge="short")
    assert err.value.code == "request.invalid"


@pytest.mark.parametrize("domain", ["", "  ", "hr lakeview.example"])
def test_domain_must_be_a_name(domain: str) -> None:
    with pytest.raises(VCError) as err:
        create_request(domain=domain)
    assert err.value.code == "request.invalid"


def test_claim_paths() -> None:
    assert parse_claim_path("evidence.*.id") == ("evidence", None, "id")
    assert parse_claim_path("a.0.b") == ("a", 0, "b")
    assert parse_claim_path(["a", None, 2]) == ("a", None, 2)
    for bad in ["", "a..b", ["a", -1], [], ["a", True]]:
        with pytest.raises(VCError) as err:
            parse_claim_path(bad)  # type: ignore[arg-type]
        assert err.value.code == "request.invalid"


def test_dcql_request_is_an_openid4vp_authorization_request() -> None:
    request = create_dcql_request(domain=DOMAIN, vct_values=["https://credentials.educatorlab.example/vct/badge"],
                                  issuer=LAB, achievement=ACHIEVEMENT,
                                  claims=["credentialSubject.achievement.criteria", "validFrom"])
    assert request["response_type"] == "vp_token"
    assert request["response_mode"] == "direct_post"
    assert request["response_uri"] == f"https://{DOMAIN}/openid4vp/response"
    assert request["client_id"] == DOMAIN
    assert len(request["nonce"]) >= 32
    (query,) = request["dcql_query"]["credentials"]
    assert query["id"] == "badge" and query["format"] == "dc+sd-jwt"
    assert query["meta"] == {"vct_values": ["https://credentials.educatorlab.example/vct/badge"]}
    assert query["claims"] == [
        {"path": ["iss"], "values": [LAB]},
        {"path": ["credentialSubject", "achievement", "name"], "values": [ACHIEVEMENT]},
        {"path": ["credentialSubject", "achievement", "criteria"]},
        {"path": ["validFrom"]},
    ]
    assert request["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"]["kb-jwt_alg_values"] == ["EdDSA"]
    assert request_binding(request) == (request["nonce"], DOMAIN)


def test_dcql_client_id_can_carry_a_prefix() -> None:
    request = create_dcql_request(domain=DOMAIN, client_id=f"redirect_uri:https://{DOMAIN}/cb",
                                  response_uri=f"https://{DOMAIN}/cb")
    assert request_binding(request)[1] == f"redirect_uri:https://{DOMAIN}/cb"
    assert "claims" not in request["dcql_query"]["credentials"][0]


def test_load_request_round_trip_and_refusals() -> None:
    for request in (create_request(domain=DOMAIN), create_dcql_request(domain=DOMAIN)):
        assert load_request(json.dumps(request)) == request
    for bad in ["[]", "{}", '{"query": []', '{"query": [], "domain": "x"}']:
        with pytest.raises(VCError) as err:
            load_request(bad)
        assert err.value.code == "request.invalid"


# --- the ledger --------------------------------------------------------------------------------


def test_ledger_remembers_issued_and_spent_challenges_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "ledger" / "challenges.json"
    first = ChallengeLedger(path)
    a = first.issue(domain=DOMAIN)
    b = first.issue()
    assert first.outstanding() == [a, b]
    assert not first.was_used(a)
    first.mark_used(a)
    second = ChallengeLedger(path)  # a later run
    assert second.was_used(a) and not second.was_used(b)
    assert second.outstanding() == [b]
    with pytest.raises(VCError) as err:
        second.issue(a)
    assert err.value.code == "request.invalid"


def test_missing_ledger_is_empty_but_a_damaged_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "challenges.json"
    assert ChallengeLedger(path).outstanding() == []
    assert not ChallengeLedger(path).was_used("x" * 20)
    for damage in [b"{", b"[]", b'{"version": 2, "issued": {}, "used": {}}', b'{"version": 1}']:
        path.write_bytes(damage)
        with pytest.raises(VCError) as err:
            ChallengeLedger(path).was_used("x" * 20)
        assert err.value.code == "request.ledger_invalid"
        assert path.read_bytes() == damage  # never silently reset


def test_ledger_is_bounded_and_drops_the_oldest(tmp_path: Path) -> None:
    ledger = ChallengeLedger(tmp_path / "c.json", max_entries=3)
    spent = [ledger.issue() for _ in range(5)]
    for challenge in spent:
        ledger.mark_used(challenge)
    data = json.loads((tmp_path / "c.json").read_text())
    assert len(data["used"]) == 3
    assert [ledger.was_used(c) for c in spent] == [False, False, True, True, True]
