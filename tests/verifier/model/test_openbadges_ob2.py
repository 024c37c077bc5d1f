"""Open Badges 2.0: Assertion, BadgeClass and issuer Profile shapes, and hashed recipients."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from verifier.checks.openbadges import check_ob2
from verifier.openbadges import identity_hash
from verifier.report import Status

EMAIL = "Teacher@Example.edu"
SALT = "deadsea"

ISSUER: dict[str, Any] = {
    "@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": "https://pd.example.edu/issuer",
    "name": "Example PD Office", "url": "https://pd.example.edu", "email": "pd@example.edu",
}
BADGE_CLASS: dict[str, Any] = {
    "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
    "id": "https://pd.example.edu/badges/formative", "name": "Formative Assessment",
    "description": "Designs formative assessments.", "image": "https://pd.example.edu/badges/formative.png",
    "criteria": {"narrative": "Three assessments designed and run."}, "issuer": "https://pd.example.edu/issuer",
}
ASSERTION: dict[str, Any] = {
    "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
    "id": "https://pd.example.edu/assertions/123",
    "recipient": {"type": "email", "hashed": True, "salt": SALT,
                  "identity": "sha256$" + hashlib.sha256((EMAIL.lower() + SALT).encode()).hexdigest()},
    "badge": "https://pd.example.edu/badges/formative",
    "verification": {"type": "hosted"}, "issuedOn": "2024-05-01T10:00:00Z",
}


def changed(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for key, value in changes.items():
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def test_valid_ob2_badge_passes() -> None:
    result = check_ob2(ASSERTION, BADGE_CLASS, ISSUER)
    assert result.status is Status.PASSED
    assert result.id == "openbadges"


def test_embedded_badge_class_and_issuer() -> None:
    embedded = changed(ASSERTION, badge=changed(BADGE_CLASS, issuer=ISSUER))
    assert check_ob2(embedded).status is Status.PASSED


@pytest.mark.parametrize(("assertion", "badge_class", "issuer", "path"), [
    (changed(ASSERTION, type="Badge"), BADGE_CLASS, ISSUER, "$.type"),
    (changed(ASSERTION, id=...), BADGE_CLASS, ISSUER, "$.id"),
    (changed(ASSERTION, recipient=...), BADGE_CLASS, ISSUER, "$.recipient"),
    (changed(ASSERTION, recipient={**ASSERTION["recipient"], "type": "phone"}), BADGE_CLASS, ISSUER,
     "$.recipient.type"),
    (changed(ASSERTION, recipient={**ASSERTION["recipient"], "hashed": "true"}), BADGE_CLASS, ISSUER,
     "$.recipient.hashed"),
    (changed(ASSERTION, recipient={**ASSERTION["recipient"], "identity": "md5$" + "0" * 32}), BADGE_CLASS,
     ISSUER, "$.recipient.identity"),
    (changed(ASSERTION, verification={"type": "trustme"}), BADGE_CLASS, ISSUER, "$.verification"),
    (changed(ASSERTION, issuedOn=...), BADGE_CLASS, ISSUER, "$.issuedOn"),
    (changed(ASSERTION, issuedOn="May 1 2024"), BADGE_CLASS, ISSUER, "$.issuedOn"),
    (changed(ASSERTION, expires="2024-01-01T00:00:00Z"), BADGE_CLASS, ISSUER, "$.expires"),
    (changed(ASSERTION, badge="https://pd.example.edu/badges/other"), BADGE_CLASS, ISSUER, "$.badge"),
    (ASSERTION, None, ISSUER, "$.badge"),
    (ASSERTION, changed(BADGE_CLASS, type="Achievement"), ISSUER, "$.badge.type"),
    (ASSERTION, changed(BADGE_CLASS, description=...), ISSUER, "$.badge.description"),
    (ASSERTION, changed(BADGE_CLASS, image=...), ISSUER, "$.badge.image"),
    (ASSERTION, changed(BADGE_CLASS, criteria={"type": "Criteria"}), ISSUER, "$.badge.criteria"),
    (ASSERTION, changed(BADGE_CLASS, issuer="https://other.example/issuer"), ISSUER, "$.badge.issuer"),
    (ASSERTION, BADGE_CLASS, None, "$.badge.issuer"),
    (ASSERTION, BADGE_CLASS, changed(ISSUER, type="Organization"), "$.badge.issuer.type"),
    (ASSERTION, BADGE_CLASS, changed(ISSUER, url=...), "$.badge.issuer.url"),
    (ASSERTION, BADGE_CLASS, changed(ISSUER, email="not-an-email"), "$.badge.issuer.email"),
    (ASSERTION, BADGE_CLASS, changed(ISSUER, name=""), "$.badge.issuer.name"),
])
def test_ob2_rule_broken(assertion: dict[str, Any], badge_class: dict[str, Any] | None,
                         issuer: dict[str, Any] | None, path: str) -> None:
    result = check_ob2(assertion, badge_class, issuer)
    assert result.status is Status.FAILED
    assert ("openbadges.invalid", path) in [(p["code"], p["path"]) for p in result.details["problems"]]


@pytest.mark.parametrize(("assertion", "badge_class", "issuer"), [
    (changed(ASSERTION, type=["Assertion", "Extension"]), BADGE_CLASS, ISSUER),
    (changed(ASSERTION, verification={"type": "SignedBadge", "creator": "https://pd.example.edu/key"}),
     BADGE_CLASS, ISSUER),
    (changed(ASSERTION, issuedOn="2024-05-01T10:00:00"), BADGE_CLASS, ISSUER),
    (changed(ASSERTION, expires="2030-01-01T00:00:00Z"), BADGE_CLASS, ISSUER),
    (ASSERTION, changed(BADGE_CLASS, criteria="https://pd.example.edu/criteria"), ISSUER),
    (ASSERTION, changed(BADGE_CLASS, image={"id": "data:image/png;base64,iVBORw0KGgo="}), ISSUER),
    (ASSERTION, BADGE_CLASS, changed(ISSUER, type="Profile")),
])
def test_ob2_rule_kept_twin(assertion: dict[str, Any], badge_class: dict[str, Any],
                            issuer: dict[str, Any]) -> None:
    assert check_ob2(assertion, badge_class, issuer).status is Status.PASSED


def test_revoked_assertion() -> None:
    result = check_ob2(changed(ASSERTION, revoked=True, revocationReason="error"), BADGE_CLASS, ISSUER)
    assert (result.code, result.path) == ("status.revoked", "$.revoked")


@pytest.mark.parametrize("recipient", [EMAIL, EMAIL.lower(), "mailto:" + EMAIL])
def test_hashed_recipient_matches(recipient: str) -> None:
    result = check_ob2(ASSERTION, BADGE_CLASS, ISSUER, recipient=recipient)
    assert result.status is Status.PASSED
    assert result.details["recipient"] == "matched"


def test_sha512_and_plain_recipients() -> None:
    sha512 = {"type": "email", "hashed": True, "salt": SALT,
              "identity": "sha512$" + hashlib.sha512((EMAIL + SALT).encode()).hexdigest().upper()}
    assert check_ob2(changed(ASSERTION, recipient=sha512), BADGE_CLASS, ISSUER, recipient=EMAIL).status \
        is Status.PASSED
    plain = {"type": "url", "hashed": False, "identity": "https://teacher.example.org/"}
    assert check_ob2(changed(ASSERTION, recipient=plain), BADGE_CLASS, ISSUER,
                     recipient="https://teacher.example.org/").status is Status.PASSED


@pytest.mark.parametrize("recipient", ["someone@example.edu", "https://teacher.example.org/"])
def test_recipient_mismatch(recipient: str) -> None:
    result = check_ob2(ASSERTION, BADGE_CLASS, ISSUER, recipient=recipient)
    assert (result.status, result.code, result.path) == (Status.FAILED, "openbadges.recipient_mismatch",
                                                          "$.recipient")


def test_identity_hash_form() -> None:
    assert identity_hash("a@b.c", "s") == "sha256$" + hashlib.sha256(b"a@b.cs").hexdigest()
    assert identity_hash("a@b.c", None, "sha512") == "sha512$" + hashlib.sha512(b"a@b.c").hexdigest()
