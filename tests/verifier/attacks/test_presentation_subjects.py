"""Whose credentials are these? A presenter showing someone else's credential.

The holder's proof binds the presentation to the holder, not the credentials inside to the
holder. A credential whose subject ids do not include the holder is reported
(``presentation.subject_mismatch``): a warning by default, a failure under
``Policy(require_subject_binding=True)``. A subject known only by a hashed email gets the
recipient check instead.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.verifier.attacks.presentation_kit import (
    ATTACKER,
    CHALLENGE,
    DOMAIN,
    EMAIL,
    HOLDER,
    ISSUER,
    achievement_subject,
    badge,
    did,
    make_verifier,
    present,
    presentation,
    presentation_result,
    sign,
)
from verifier.contexts import ContextStore
from verifier.openbadges import identity_hash
from verifier.policy import Policy
from verifier.rendering import render_text
from verifier.report import Status
from verifier.vc_jwt import issue_vc_jwt

STRICT = Policy(require_subject_binding=True)


def check(contexts: ContextStore, credentials: list[Any], *, holder_key: Any = HOLDER,
          policy: Policy | None = None, recipient: str | None = None) -> Any:
    vp = present(contexts, presentation(credentials, holder=did(holder_key)), holder_key)
    return make_verifier(contexts, policy=policy).verify_presentation(
        vp, challenge=CHALLENGE, domain=DOMAIN, recipient=recipient)


@pytest.fixture(scope="module")
def mine(contexts: ContextStore) -> dict[str, Any]:
    return sign(contexts, badge(), ISSUER)


@pytest.fixture(scope="module")
def hashed(contexts: ContextStore) -> dict[str, Any]:
    salt = "s4lt-for-maya"
    subject = achievement_subject(identifier=[{
        "type": "IdentityObject", "identityHash": identity_hash(EMAIL, salt), "identityType": "emailAddress",
        "hashed": True, "salt": salt}])
    return sign(contexts, badge(subject), ISSUER)


# -- someone else's credential ----------------------------------------------------------------------

def test_attacker_presents_the_holders_credential_warns_by_default(contexts: ContextStore,
                                                                   mine: dict[str, Any]) -> None:
    report = check(contexts, [mine], holder_key=ATTACKER)
    assert report.verified  # a warning: the default policy only says so
    assert presentation_result(report) == (Status.WARNING, "presentation.subject_mismatch")
    presentation_check = report.check("presentation")
    assert presentation_check is not None
    assert presentation_check.details["subjects"] == [
        {"credential": 0, "binding": "mismatch", "subjects": [did(HOLDER)]}]
    assert "presentation.subject_mismatch" in render_text(report)  # the CLI's text form
    assert json.loads(json.dumps(report.to_json()))["checks"][-1]["code"] == "presentation.subject_mismatch"


def test_attacker_presents_the_holders_credential_fails_when_required(contexts: ContextStore,
                                                                      mine: dict[str, Any]) -> None:
    report = check(contexts, [mine], holder_key=ATTACKER, policy=STRICT)
    assert not report.verified
    assert presentation_result(report) == (Status.FAILED, "presentation.subject_mismatch")


@pytest.mark.parametrize("policy", [None, STRICT], ids=["default", "strict"])
def test_twin_own_credential_is_bound(contexts: ContextStore, mine: dict[str, Any],
                                      policy: Policy | None) -> None:
    report = check(contexts, [mine], policy=policy)
    assert report.verified, report.to_json()
    assert presentation_result(report) == (Status.PASSED, None)


def test_one_foreign_credential_among_own_ones(contexts: ContextStore, mine: dict[str, Any]) -> None:
    other = dict(badge(), id="urn:uuid:8f0e0c1a-7c0e-4f57-b0a4-2f0f9d3e6b22")
    other["credentialSubject"] = dict(other["credentialSubject"], id=did(ATTACKER))
    theirs = sign(contexts, other, ISSUER)
    report = check(contexts, [mine, theirs], policy=STRICT)
    assert presentation_result(report) == (Status.FAILED, "presentation.subject_mismatch")
    assert report.check("presentation").path == "$.verifiableCredential[1].credentialSubject"  # type: ignore[union-attr]


def test_vc_jwt_in_an_envelope_is_compared_too(contexts: ContextStore) -> None:
    token = issue_vc_jwt(badge(), ISSUER, f"{did(ISSUER)}#{ISSUER.public.multibase}")
    envelope = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
                "id": f"data:application/vc+jwt,{token}"}
    report = check(contexts, [envelope], holder_key=ATTACKER, policy=STRICT)
    assert presentation_result(report) == (Status.FAILED, "presentation.subject_mismatch")
    twin = check(contexts, [envelope], policy=STRICT)
    assert presentation_result(twin) == (Status.PASSED, None), twin.to_json()


# -- hashed email recipients ---------------------------------------------------------------------------

def test_hashed_email_subject_is_not_a_subject_mismatch(contexts: ContextStore, hashed: dict[str, Any]) -> None:
    report = check(contexts, [hashed], holder_key=ATTACKER)
    assert report.verified, report.to_json()
    assert presentation_result(report) == (Status.PASSED, None)


def test_hashed_email_subject_gets_the_recipient_check(contexts: ContextStore, hashed: dict[str, Any]) -> None:
    wrong = check(contexts, [hashed], recipient="someone.else@lakeview.example")
    assert not wrong.verified
    nested = wrong.credentials[0].check("openbadges")
    assert nested is not None and nested.code == "openbadges.recipient_mismatch"
    assert check(contexts, [hashed], recipient=EMAIL).verified  # twin


def test_hashed_email_subject_under_strict_policy_needs_the_recipient(contexts: ContextStore,
                                                                      hashed: dict[str, Any]) -> None:
    report = check(contexts, [hashed], policy=STRICT)
    assert not report.verified
    assert presentation_result(report) == (Status.FAILED, "presentation.recipient_required")
    twin = check(contexts, [hashed], policy=STRICT, recipient=EMAIL)
    assert twin.verified, twin.to_json()
    assert presentation_result(twin) == (Status.PASSED, None)


def test_a_subject_with_no_id_fails_only_under_the_strict_policy(contexts: ContextStore) -> None:
    anonymous = sign(contexts, badge(achievement_subject()), ISSUER)
    assert presentation_result(check(contexts, [anonymous])) == (Status.PASSED, None)
    assert presentation_result(check(contexts, [anonymous], policy=STRICT)) == (
        Status.FAILED, "presentation.subject_mismatch")
