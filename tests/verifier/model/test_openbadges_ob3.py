"""Open Badges 3.0 rules: the 1EdTech validator fixtures, our own twins, recipients, endorsements.

1EdTech ``simple-err-*`` fixtures whose problem is *elsewhere* (not the OB shape):

- ``simple-err-context``: the VC base context is missing (``format``/``context``);
- ``simple-err-expired`` / ``simple-err-issued``: dates (``validity``);
- ``simple-err-issuer``: no issuer at all (``format.invalid_issuer``);
- ``simple-err-proof-*``: the proof (``proof``).

``simple-err-context``, ``-issued``, ``-issuer`` (and ``simple-noproof``) come from an older draft
whose subject has no ``achievement``, so OB 3.0 also fails them (``achievement`` is required);
``simple-err-expired`` and the proof ones pass the OB rules.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import interop_path
from tests.verifier.model.helpers import V1, V2, badge
from verifier.checks.format import check_format
from verifier.checks.openbadges import check_openbadges
from verifier.checks.validity import check_validity
from verifier.clock import FixedClock
from verifier.openbadges import achievement_types, embedded_endorsements
from verifier.report import Status


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(interop_path("credentials", "1edtech-validator-ob30", name).read_text())
    return data


SHAPE_ERRORS = {
    "simple-err-credential-subject-achievement-result-description-type.json":
        "$.credentialSubject.achievement.resultDescription[2].type",
    "simple-err-credential-subject-identifier-type.json": "$.credentialSubject.identifier[0].type",
    "simple-err-credential-subject-profile-type.json": "$.credentialSubject.source.type",
    "simple-err-credential-subject-result-type.json": "$.credentialSubject.result[1].type",
    "simple-err-credential-subject-type.json": "$.credentialSubject.type",
    "simple-err-evidence-type.json": "$.evidence[1].type",
    "simple-err-issuer-otheridentifier-type.json": "$.issuer.otherIdentifier[1].type",
    "simple-err-issuer-parentorg-type.json": "$.issuer.parentOrg.type",
    "simple-err-issuer-type.json": "$.issuer.type",
    "simple-err-type.json": "$.type",
}

VALID_SHAPES = [
    "simple.json", "simple_v1.json", "simple-context-alias.json", "simple-context-version.json",
    "simple-did-key-method.json", "simple-did-web-method.json", "simple-eddsa-2022.json", "complete.json",
    "complete_v1.json", "endorsement-valid.json", "credential-status-revoked.json",
    "simple-multiple-proofs.json", "simple-err-expired.json", "simple-err-proof-method.json",
    "simple-err-proof-method-no-scheme.json", "simple-err-proof-method-unknown-did-method.json",
    "simple-err-proof-method-unknown-scheme.json", "simple-err-proof-value.json",
]


@pytest.mark.parametrize("name", VALID_SHAPES)
def test_1edtech_valid_shapes_pass(name: str) -> None:
    result = check_openbadges(fixture(name))
    assert result.status is Status.PASSED, result.details


@pytest.mark.parametrize(("name", "path"), sorted(SHAPE_ERRORS.items()))
def test_1edtech_shape_errors_fail(name: str, path: str) -> None:
    result = check_openbadges(fixture(name))
    assert (result.status, result.code, result.path) == (Status.FAILED, "openbadges.invalid", path)


def test_1edtech_problems_elsewhere() -> None:
    clock = FixedClock(datetime(2026, 1, 1))
    assert check_format(fixture("simple-err-context.json")).code == "format.invalid_context"
    assert check_format(fixture("simple-err-issuer.json")).code == "format.invalid_issuer"
    assert check_validity(fixture("simple-err-expired.json"), clock).code == "validity.expired"
    assert check_validity(fixture("simple-err-issued.json"), clock).code == "validity.not_yet_valid"
    for name in ("simple-err-context.json", "simple-err-issued.json", "simple-err-issuer.json",
                 "simple-noproof.json"):
        result = check_openbadges(fixture(name))
        assert (result.code, result.path) == ("openbadges.invalid", "$.credentialSubject.achievement"), name


def test_selectively_disclosed_badge_without_name_warns() -> None:
    result = check_openbadges(fixture("sd/derivedcredential.json"))
    assert (result.status, result.code, result.path) == (Status.WARNING, "openbadges.incomplete", "$.name")


# -- our own badge, rule by rule ---------------------------------------------------------------

def test_own_badge_passes() -> None:
    result = check_openbadges(badge())
    assert result.status is Status.PASSED
    assert check_format(badge()).status is Status.PASSED


def test_non_badges_are_skipped() -> None:
    plain = badge(type=["VerifiableCredential"], credentialSubject={"id": "did:example:x", "name": "x"})
    assert check_openbadges(plain).status is Status.SKIPPED


def broken(path: list[Any], value: Any, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """``badge()`` with the member at ``path`` replaced (``...`` deletes it)."""
    doc = copy.deepcopy(doc or badge())
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


S = ["credentialSubject"]
A = [*S, "achievement"]

CASES = [
    (["@context"], [V2], "$.@context"),
    (["type"], ["VerifiableCredential", "OtherCredential"], "$.type"),
    (["validFrom"], ..., "$.validFrom"),
    (["name"], {"@value": "x", "bad": 1}, "$.name"),
    (["issuer", "type"], ["Organization"], "$.issuer.type"),
    (["issuer", "image"], {"id": "https://ex.org/i.png", "type": "Picture"}, "$.issuer.image.type"),
    (["issuer", "address"], {"type": ["Place"]}, "$.issuer.address.type"),
    (["evidence"], [{"type": ["Evidence"]}, {"id": "https://ex.org/e"}], "$.evidence[1].type"),
    (["endorsement"], [{"type": ["VerifiableCredential"]}], "$.endorsement[0].type"),
    (["endorsementJwt"], ["not-a-jwt"], "$.endorsementJwt[0]"),
    ([*S, "type"], ["AchievementSubject2"], "$.credentialSubject.type"),
    ([*S, "identifier"], [{"type": "IdentityObject", "hashed": "yes", "identityHash": "x",
                           "identityType": "emailAddress"}], "$.credentialSubject.identifier[0].hashed"),
    ([*S, "identifier"], [{"type": "IdentityObject", "hashed": False, "identityType": "emailAddress"}],
     "$.credentialSubject.identifier[0].identityHash"),
    ([*S, "result"], [{"type": ["Result"], "resultDescription": "not a url"}],
     "$.credentialSubject.result[0].resultDescription"),
    ([*S, "achievement"], ..., "$.credentialSubject.achievement"),
    ([*A, "id"], ..., "$.credentialSubject.achievement.id"),
    ([*A, "type"], ["Badge"], "$.credentialSubject.achievement.type"),
    ([*A, "name"], "", "$.credentialSubject.achievement.name"),
    ([*A, "criteria"], ..., "$.credentialSubject.achievement.criteria"),
    ([*A, "criteria"], {"type": "Criteria"}, "$.credentialSubject.achievement.criteria"),
    ([*A, "achievementType"], ["Badge"], "$.credentialSubject.achievement.achievementType"),
    ([*A, "creator"], {"id": "https://ex.org/org", "type": ["Organization"]},
     "$.credentialSubject.achievement.creator.type"),
    ([*A, "alignment"], [{"type": ["Alignment"], "targetName": "X", "targetUrl": "nope"}],
     "$.credentialSubject.achievement.alignment[0].targetUrl"),
    ([*A, "resultDescription"], [{"id": "urn:uuid:1", "type": ["ResultDescription"], "name": "Grade"}],
     "$.credentialSubject.achievement.resultDescription[0].resultType"),
    ([*A, "otherIdentifier"], [{"type": "IdentifierEntry", "identifier": "7"}],
     "$.credentialSubject.achievement.otherIdentifier[0].identifierType"),
]


@pytest.mark.parametrize(("path", "value", "where"), CASES, ids=[c[2] for c in CASES])
def test_ob3_rule_broken(path: list[Any], value: Any, where: str) -> None:
    result = check_openbadges(broken(path, value))
    assert result.status is Status.FAILED
    assert ("openbadges.invalid", where) in [(p["code"], p["path"]) for p in result.details["problems"]]


TWINS = [
    (["@context"], [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"]),
    (["@context"], [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]),
    (["type"], ["VerifiableCredential", "AchievementCredential"]),
    (["name"], [{"@value": "Badge", "@language": "en"}]),
    (["issuer"], "did:web:pd.example.edu"),
    (["issuer", "image"], {"id": "https://ex.org/i.png", "type": "Image"}),
    (["issuer", "parentOrg"], {"id": "did:web:example.edu", "type": "Profile"}),
    (["evidence"], [{"type": ["Evidence"], "narrative": "Portfolio"}]),
    ([*S, "identifier"], [{"type": "IdentityObject", "hashed": False, "identityHash": "t@example.edu",
                           "identityType": "emailAddress"}]),
    ([*S, "result"], [{"type": ["Result"], "resultDescription": "urn:uuid:1", "value": "A"}]),
    ([*A, "criteria"], {"id": "https://pd.example.edu/criteria/1"}),
    ([*A, "alignment"], [{"type": "Alignment", "targetName": "X", "targetUrl": "https://ex.org/x"}]),
    ([*A, "resultDescription"], [{"id": "urn:uuid:1", "type": ["ResultDescription"], "name": "Grade",
                                  "resultType": "LetterGrade"}]),
]


@pytest.mark.parametrize(("path", "value"), TWINS)
def test_ob3_rule_kept_twin(path: list[Any], value: Any) -> None:
    doc = broken(path, value)
    if path[0] == "@context" and doc["@context"][0] == V1:
        doc = broken(["validFrom"], ..., broken(["issuanceDate"], "2024-01-01T00:00:00Z", doc))
    assert check_openbadges(doc).status is Status.PASSED


def test_subject_without_id_or_identifier_warns() -> None:
    doc = broken([*S, "id"], ...)
    result = check_openbadges(doc)
    assert (result.status, result.code, result.path) == (Status.WARNING, "openbadges.incomplete",
                                                          "$.credentialSubject")
    assert check_openbadges(doc, recipient="did:example:teacher").code == "openbadges.recipient_mismatch"


def test_deep_parent_org_chain_is_refused() -> None:
    org: dict[str, Any] = {"id": "did:web:root.example", "type": "Profile"}
    for i in range(20):
        org = {"id": f"did:web:o{i}.example", "type": "Profile", "parentOrg": org}
    result = check_openbadges(broken(["issuer"], org))
    assert result.code == "openbadges.invalid"


def test_endorsement_credential() -> None:
    endorsement = fixture("endorsement-valid.json")
    assert check_openbadges(endorsement).status is Status.PASSED
    endorsement["credentialSubject"]["id"] = "not a url"
    assert check_openbadges(endorsement).path == "$.credentialSubject.id"


# -- recipients --------------------------------------------------------------------------------

EMAIL = "Teacher@Example.edu"
SALT = "s4lt"


def hashed_identifier(value: str, algorithm: str = "sha256", salt: str | None = SALT,
                      upper: bool = False) -> dict[str, Any]:
    digest = hashlib.new(algorithm, (value + (salt or "")).encode()).hexdigest()
    item = {"type": ["IdentityObject"], "hashed": True, "identityType": "emailAddress",
            "identityHash": f"{algorithm}${digest.upper() if upper else digest}"}
    if salt is not None:
        item["salt"] = salt
    return item


def with_identifier(*items: dict[str, Any]) -> dict[str, Any]:
    return broken([*S, "id"], ..., broken([*S, "identifier"], list(items)))


@pytest.mark.parametrize(("doc", "recipient"), [
    (badge(), "did:example:teacher"),
    (broken([*S, "id"], "mailto:teacher@example.edu"), EMAIL),
    (with_identifier(hashed_identifier(EMAIL.lower())), EMAIL),
    (with_identifier(hashed_identifier(EMAIL)), EMAIL),
    (with_identifier(hashed_identifier(EMAIL.lower(), upper=True)), "mailto:" + EMAIL),
    (with_identifier(hashed_identifier(EMAIL.lower(), "sha512")), EMAIL),
    (with_identifier(hashed_identifier(EMAIL.lower(), salt=None)), EMAIL),
    (with_identifier({"type": "IdentityObject", "hashed": False, "identityHash": "teacher@example.edu",
                      "identityType": "emailAddress"}), EMAIL),
    (with_identifier(hashed_identifier("https://teacher.example.org/")), "https://teacher.example.org/"),
])
def test_recipient_matches(doc: dict[str, Any], recipient: str) -> None:
    result = check_openbadges(doc, recipient=recipient)
    assert result.status is Status.PASSED, result.details
    assert result.details["recipient"] == "matched"


@pytest.mark.parametrize(("doc", "recipient"), [
    (badge(), "did:example:someone-else"),
    (with_identifier(hashed_identifier(EMAIL.lower())), "other@example.edu"),
    (with_identifier({**hashed_identifier(EMAIL.lower()), "salt": "other"}), EMAIL),
    (with_identifier(hashed_identifier(EMAIL.lower(), "md5")), EMAIL),
    (with_identifier({**hashed_identifier(EMAIL.lower()), "identityHash": "sha256$abc"}), EMAIL),
    (with_identifier({"type": "IdentityObject", "hashed": False, "identityHash": "teacher@example.edu",
                      "identityType": "emailAddress"}), "teacher@example.org"),
    (broken([*S, "id"], "https://teacher.example.org/"), "https://Teacher.example.org/"),
])
def test_recipient_mismatch(doc: dict[str, Any], recipient: str) -> None:
    result = check_openbadges(doc, recipient=recipient)
    assert (result.status, result.code, result.path) == (Status.FAILED, "openbadges.recipient_mismatch",
                                                          "$.credentialSubject")


# -- endorsements and achievement types --------------------------------------------------------

def test_embedded_endorsements_in_1edtech_complete() -> None:
    paths = [path for path, _ in embedded_endorsements(fixture("complete.json"))]
    assert paths == [
        "$.credentialSubject.achievement.creator.endorsement[0]",
        "$.credentialSubject.achievement.creator.endorsement[1]",
        "$.credentialSubject.achievement.endorsement[0]",
        "$.endorsement[0]",
        "$.issuer.endorsement[0]",
    ]


def test_embedded_endorsements_not_inside_endorsements_or_proofs() -> None:
    inner = {"type": ["VerifiableCredential", "EndorsementCredential"]}
    outer = {"type": ["VerifiableCredential", "EndorsementCredential"], "endorsement": [inner]}
    doc = badge(endorsement=outer, proof={"type": "X", "endorsement": [inner]})
    assert embedded_endorsements(doc) == [("$.endorsement", outer)]
    assert embedded_endorsements(badge()) == []


def test_achievement_types() -> None:
    assert achievement_types(badge()) == ["MicroCredential"]
    assert achievement_types(broken([*A, "achievementType"], ...)) == []
