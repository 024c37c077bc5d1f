"""Issue → choose → present → verify: the verifier reports exactly the chosen claims."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcwallet.sdjwt_holder import chosen_paths, claim_tree, disclosable_paths, present_sd_jwt, preview
from vcwallet.sdjwt_issuer import issue_sd_jwt_vc, ob3_claims
from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.sdjwt import split_sd_jwt

from .badge import (
    AUDIENCE,
    HOLDER_KEY,
    ISSUER,
    ISSUER_KEY,
    KID,
    NONCE,
    NOW,
    OTHER_KEY,
    issue,
    ob3_badge,
    verify,
)

TOKEN = issue()
ALL = disclosable_paths(TOKEN)


def present(disclose: list[str], **kwargs: Any) -> str:
    kwargs.setdefault("holder_key", HOLDER_KEY)
    kwargs.setdefault("nonce", NONCE)
    kwargs.setdefault("audience", AUDIENCE)
    kwargs.setdefault("iat", NOW)
    return present_sd_jwt(TOKEN, disclose=disclose, **kwargs)


def test_default_split_for_badges() -> None:
    assert sorted(ALL) == sorted([
        "credentialSubject.name", "credentialSubject.activityStartDate",
        "credentialSubject.activityEndDate", "credentialSubject.achievement.alignment[0]",
        "credentialSubject.achievement.alignment[1]", "credentialSubject.result[0]",
        "credentialSubject.result[0].value", "credentialSubject.result[1]",
        "credentialSubject.result[1].value", "evidence[0]", "evidence[1]", "awardedDate"])


def test_issuer_and_achievement_always_visible_and_decoys_hide_the_count() -> None:
    sd = split_sd_jwt(TOKEN)
    body = sd.jws.payload
    assert sd.jws.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": KID}
    assert body["iss"] == ISSUER and body["issuer"]["name"] == "Lakeview School District PD"
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["name"] == "Trauma-Informed Classroom Practice"
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "Certificate"
    assert body["cnf"] == {"jwk": HOLDER_KEY.public.to_jwk()}
    assert "name" not in body["credentialSubject"] and "evidence" in body
    assert len(body["credentialSubject"]["_sd"]) > 3  # name and two dates, plus decoys
    assert body["nbf"] == 1736899200 and "validFrom" not in body


def test_round_trip_reports_exactly_the_chosen_claims() -> None:
    chosen = ["credentialSubject.name", "credentialSubject.achievement.alignment[1]", "evidence[1]"]
    result = verify(present(chosen))
    assert result.ok, [p.code for p in result.problems]
    assert sorted(result.disclosed) == sorted(chosen)
    assert result.claims == preview(TOKEN, chosen)
    assert result.claims is not None
    assert result.claims["evidence"] == [ob3_badge()["evidence"][1]]
    assert "result" in result.claims["credentialSubject"]
    assert result.claims["credentialSubject"]["result"] == []
    assert "awardedDate" not in result.claims


def test_result_without_its_score() -> None:
    result = verify(present(["credentialSubject.result[0]"]))
    assert result.ok
    assert result.disclosed == ("credentialSubject.result[0]",)
    assert result.claims is not None
    assert result.claims["credentialSubject"]["result"] == [
        {"type": ["Result"], "resultDescription": "urn:lakeview:observation"}]


def test_score_brings_its_result_along() -> None:
    chosen = ["credentialSubject.result[1].value"]
    assert chosen_paths(TOKEN, chosen) == ["credentialSubject.result[1]", "credentialSubject.result[1].value"]
    result = verify(present(chosen))
    assert sorted(result.disclosed) == ["credentialSubject.result[1]", "credentialSubject.result[1].value"]
    assert result.claims is not None
    assert result.claims["credentialSubject"]["result"] == [ob3_badge()["credentialSubject"]["result"][1]]


@pytest.mark.parametrize(("path", "expected"), [
    ("evidence", ["evidence[0]", "evidence[1]"]),
    ("credentialSubject.result[*]", ["credentialSubject.result[0]", "credentialSubject.result[1]"]),
    ("credentialSubject.result[0].**", ["credentialSubject.result[0]", "credentialSubject.result[0].value"]),
    ("credentialSubject.achievement", ["credentialSubject.achievement.alignment[0]",
                                       "credentialSubject.achievement.alignment[1]"]),
    ("$.awardedDate", ["awardedDate"]),
    ("issuer.name", []),
])
def test_path_forms(path: str, expected: list[str]) -> None:
    assert chosen_paths(TOKEN, [path]) == expected
    assert sorted(verify(present([path])).disclosed) == sorted(expected)


def test_nothing_disclosed() -> None:
    result = verify(present([]))
    assert result.ok and result.disclosed == ()
    assert result.claims is not None and "name" not in result.claims["credentialSubject"]


@pytest.mark.parametrize("path", ["credentialSubject.email", "evidence[7]", "nope[", ""])
def test_unknown_path(path: str) -> None:
    with pytest.raises(VCError) as caught:
        present([path])
    assert caught.value.code == "sdjwt.unknown_path"


def test_only_the_bound_holder_can_present() -> None:
    with pytest.raises(VCError) as caught:
        present(["credentialSubject.name"], holder_key=OTHER_KEY)
    assert caught.value.code == "sdjwt.kb_invalid"
    assert caught.value.details["reason"] == "wrong key"


def test_presentation_for_another_verifier_fails_here() -> None:
    token = present(["credentialSubject.name"], audience="https://other.example")
    result = verify(token)
    assert result.kb_error is not None and result.kb_error.details["reason"] == "audience mismatch"


def test_claim_tree_marks_checkboxes() -> None:
    tree = claim_tree(TOKEN)
    by_path = {}

    def walk(nodes: Any) -> None:
        for node in nodes:
            by_path[node.path] = node
            walk(node.children)
    walk(tree)
    assert by_path["credentialSubject.name"].disclosable is True
    assert by_path["credentialSubject.name"].value == "Dana Okafor"
    assert by_path["issuer"].disclosable is False
    assert by_path["credentialSubject.result[0]"].value["value"] == "Exemplary"
    assert by_path["credentialSubject.result[0].value"].disclosable is True
    assert [n.path for n in by_path["evidence"].children] == ["evidence[0]", "evidence[1]"]
    assert {p for p, n in by_path.items() if n.disclosable} == set(ALL)


def test_presenting_again_from_a_presentation_keeps_working() -> None:
    first = present(["credentialSubject.name"])
    again = present_sd_jwt(first, disclose=["credentialSubject.name"], holder_key=HOLDER_KEY,
                           nonce="second", audience=AUDIENCE, iat=NOW)
    assert verify(again, nonce="second").ok


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(ALL), unique=True))
def test_any_choice_round_trips(chosen: list[str]) -> None:
    result = verify(present(chosen))
    assert result.ok
    assert sorted(result.disclosed) == sorted(chosen_paths(TOKEN, chosen))
    assert set(chosen) <= set(result.disclosed)
    assert result.claims == preview(TOKEN, chosen)


# -- issuer refusals -------------------------------------------------------------------------

def _issue(claims: dict[str, Any], **kwargs: Any) -> str:
    kwargs.setdefault("kid", KID)
    kwargs.setdefault("iss", ISSUER)
    kwargs.setdefault("clock", FixedClock(NOW))
    return issue_sd_jwt_vc(claims, key=ISSUER_KEY, vct="https://example.edu/vct", holder_jwk=HOLDER_KEY.public,
                           **kwargs)


@pytest.mark.parametrize(("claims", "kwargs", "code"), [
    ({"iss": "x"}, {}, "issue.invalid_credential"),
    ({"a": {"_sd": []}}, {}, "issue.invalid_credential"),
    ({"a": [{"...": "x"}]}, {}, "issue.invalid_credential"),
    ({"a": 1}, {"disclosable": ["b"]}, "issue.invalid_credential"),
    ({"a": 1}, {"disclosable": ["a["]}, "issue.invalid_credential"),
    ({"a": 1}, {"kid": f"{OTHER_KEY.public.did_key}#{OTHER_KEY.public.multibase}"}, "issue.key_mismatch"),
    ({"a": 1}, {"iss": OTHER_KEY.public.did_key, "kid": f"{OTHER_KEY.public.did_key}#{OTHER_KEY.public.multibase}"},
     "issue.key_mismatch"),
])
def test_issuer_refusals(claims: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(VCError) as caught:
        _issue(claims, **kwargs)
    assert caught.value.code == code


def test_issuer_twin_custom_paths_and_no_decoys() -> None:
    token = _issue({"a": 1, "b": [1, 2], "c": {"d": 3}}, disclosable=["a", "b[1]", "c.d"], decoys=0)
    body = split_sd_jwt(token).jws.payload
    assert len(body["_sd"]) == 1 and len(body["c"]["_sd"]) == 1 and body["b"][0] == 1
    result = verify(token, require_key_binding=False)
    assert result.ok and result.disclosed == ("a", "b[1]", "c.d")


def test_ob3_claims_moves_dates_to_the_envelope() -> None:
    claims, envelope = ob3_claims(ob3_badge())
    assert envelope == {"iss": ISSUER, "nbf": 1736899200}
    assert "@context" not in claims and "validFrom" not in claims
