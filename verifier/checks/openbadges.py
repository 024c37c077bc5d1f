"""The ``openbadges`` check: Open Badges 3.0 (and 2.0) rules beyond the VC Data Model.

A signature only proves the issuer said *something*; this check makes sure what they said is a
well-formed badge: the OB 3.0 context is present, the subject is an ``AchievementSubject`` with an
``achievement`` (id, ``Achievement`` type, name, criteria), every nested object has the type the
spec requires (Profile, IdentityObject, IdentifierEntry, Result, ResultDescription, Evidence,
Alignment, Image, …). The 1EdTech validator's ``simple-err-*`` fixtures break exactly these.

It also answers "is this badge about *this* person?" when a ``recipient`` is given
(``openbadges.recipient_mismatch``; the matching is :mod:`verifier.openbadges`'), and it verifies
the endorsements embedded in a badge, each as a credential of its own: one that does not verify
makes the result a ``warning`` (``openbadges.endorsement_invalid``), the badge itself being
judged without it.

A credential that is not an Open Badge (see :func:`verifier.openbadges.ob3_kind`) is SKIPPED.
Two OB requirements only warn (WARNING ``openbadges.incomplete``): a credential ``name``, and a
subject ``id``/``identifier``. Widely issued badges (the DCC fixtures, selectively disclosed
credentials) omit them while being otherwise sound; the warning says the badge cannot be tied
to a person, and asking for a ``recipient`` then fails as it should.

Open Badges 2.0 assertions are checked with their published BadgeClass and issuer Profile
(:func:`check_ob2`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..data_model import (
    as_list,
    child,
    entries,
    is_compact_jwt,
    is_language_value,
    is_url,
    issuer_id,
    parse_date_time,
    type_names,
    vc_version,
)
from ..openbadges import (
    ACHIEVEMENT_CREDENTIAL_TYPES,
    ENDORSEMENT_CREDENTIAL,
    embedded_endorsements,
    identity_matches,
    ob3_kind,
    recipient_forms,
    subject_matches,
    well_formed_hash,
)
from ..report import CheckResult, Status, VerificationReport
from .results import Findings

OB3_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(?:-3\.[0-9]+\.[0-9]+)?\.json")
#: parentOrg chains and nested profiles deeper than this are refused, not followed.
MAX_PROFILE_DEPTH = 8

INVALID = "openbadges.invalid"
MISMATCH = "openbadges.recipient_mismatch"
INCOMPLETE = "openbadges.incomplete"

#: Verifies one embedded endorsement credential, given its JSON path in the badge.
EndorsementVerifier = Callable[[str, dict[str, Any]], VerificationReport]


# -- Open Badges 3.0 ---------------------------------------------------------------------------

def check_openbadges(document: Mapping[str, Any], *, recipient: str | None = None,
                     verify_endorsement: EndorsementVerifier | None = None) -> CheckResult:
    """Check the Open Badges 3.0 rules; result id ``"openbadges"``.

    Shape problems are FAILED ``openbadges.invalid`` (all listed in ``details["problems"]``); a
    ``recipient`` (email address or URL/DID) that the badge is not about is FAILED
    ``openbadges.recipient_mismatch``. Non-OB credentials are SKIPPED. A badge that passes has
    its embedded endorsements verified with ``verify_endorsement`` when one is given (the
    verifier leaves it out where credentials nest too deeply).
    """
    result = _ob3_rules(document, recipient)
    if result.status is not Status.PASSED or verify_endorsement is None:
        return result
    return _with_endorsements(result, document, verify_endorsement)


def _with_endorsements(result: CheckResult, document: Mapping[str, Any],
                       verify: EndorsementVerifier) -> CheckResult:
    """``result`` with what verifying each embedded endorsement found (``details["endorsements"]``)."""
    endorsements = []
    for path, endorsement in embedded_endorsements(document):
        report = verify(path, endorsement)
        endorsements.append({"path": path, "issuer": issuer_id(endorsement), "verified": report.verified,
                             "problems": [c.code for c in report.errors]})
    if not endorsements:
        return result
    details = dict(result.details, endorsements=endorsements)
    bad = [e for e in endorsements if not e["verified"]]
    if bad:
        return CheckResult("openbadges", Status.WARNING, "openbadges.endorsement_invalid",
                           f"{len(bad)} of {len(endorsements)} embedded endorsements do not verify; "
                           "the badge itself is judged without them", str(bad[0]["path"]), details)
    return replace(result, message=result.message + f"; {len(endorsements)} endorsement"
                   f"{'s' if len(endorsements) > 1 else ''} verified", details=details)


def _ob3_rules(document: Mapping[str, Any], recipient: str | None) -> CheckResult:
    """The OB 3.0 shape and recipient rules (see :func:`check_openbadges`)."""
    kind = ob3_kind(document)
    if kind is None:
        return CheckResult("openbadges", Status.SKIPPED, None, "not an Open Badges 3.0 credential")
    found = Findings()
    context = [c for c in as_list(document.get("@context")) if isinstance(c, str)]
    if not any(OB3_CONTEXT.fullmatch(c) for c in context):
        found.add(INVALID, "$.@context", "an Open Badge must use the Open Badges 3.0 context "
                  "(https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)")
    types = type_names(document.get("type"))
    if kind == "achievement" and not any(t in types for t in ACHIEVEMENT_CREDENTIAL_TYPES):
        found.add(INVALID, "$.type", "a credential about an AchievementSubject must have type "
                  "OpenBadgeCredential (or AchievementCredential)")
    if "name" not in document:
        found.warn(INCOMPLETE, "$.name", "the credential has no name (Open Badges requires one)")
    elif not is_language_value(document["name"]):
        found.add(INVALID, "$.name", "name must be a string or a language value")
    if vc_version(document) == "2.0" and "validFrom" not in document:
        found.add(INVALID, "$.validFrom", "an Open Badges 3.0 credential needs validFrom")
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        _check_profile(issuer, "$.issuer", found)
    for path, item in entries(document.get("evidence"), "$.evidence"):
        _require_type(item, path, "Evidence", found)
        if isinstance(item, dict) and "id" in item and not is_url(item["id"]):
            found.add(INVALID, child(path, "id"), "evidence id must be a URL")
    _check_image(document, "$", found)
    _check_endorsements(document, "$", found)
    subjects = list(entries(document.get("credentialSubject"), "$.credentialSubject"))
    for path, subject in subjects:
        if not isinstance(subject, dict):
            continue  # the format check reports it
        if kind == "achievement":
            _check_achievement_subject(subject, path, found)
        else:
            _check_endorsement_subject(subject, path, found)
    details: dict[str, Any] = {"kind": kind}
    if recipient is not None and kind == "achievement":
        matched = any(isinstance(s, dict) and subject_matches(s, recipient) for _, s in subjects)
        details["recipient"] = "matched" if matched else "mismatch"
        if not matched:
            found.add(MISMATCH, "$.credentialSubject",
                      "this badge was not awarded to the expected recipient")
    what = "badge" if kind == "achievement" else "endorsement"
    return found.result("openbadges", f"the {what} follows the Open Badges 3.0 rules", details)


def _require_type(obj: Any, path: str, required: str, found: Findings) -> bool:
    """The object exists and its type includes ``required``; reports and returns False if not."""
    if not isinstance(obj, dict):
        found.add(INVALID, path, f"expected a {required} object")
        return False
    if required not in type_names(obj.get("type")):
        found.add(INVALID, child(path, "type"), f"type must include {required}")
        return False
    return True


def _require_text(obj: Mapping[str, Any], key: str, path: str, found: Findings, what: str) -> None:
    value = obj.get(key)
    text = isinstance(value, str) and bool(value.strip())
    if not text and not (key == "name" and value and is_language_value(value)):
        found.add(INVALID, child(path, key), f"a {what} needs {key}")


def _require_url(obj: Mapping[str, Any], key: str, path: str, found: Findings, what: str) -> None:
    if not is_url(obj.get(key)):
        found.add(INVALID, child(path, key), f"a {what} needs {key} that is a URL")


def _check_profile(profile: Any, path: str, found: Findings, depth: int = 0) -> None:
    if isinstance(profile, str):
        if not is_url(profile):
            found.add(INVALID, path, "a profile reference must be a URL")
        return
    if depth > MAX_PROFILE_DEPTH:
        found.add(INVALID, path, "profiles are nested too deeply")
        return
    if not _require_type(profile, path, "Profile", found):
        return
    _require_url(profile, "id", path, found, "Profile")
    for item_path, item in entries(profile.get("otherIdentifier"), child(path, "otherIdentifier")):
        _check_identifier_entry(item, item_path, found)
    if "parentOrg" in profile:
        _check_profile(profile["parentOrg"], child(path, "parentOrg"), found, depth + 1)
    if isinstance(profile.get("address"), dict):
        _require_type(profile["address"], child(path, "address"), "Address", found)
    _check_image(profile, path, found)
    _check_endorsements(profile, path, found)


def _check_identifier_entry(item: Any, path: str, found: Findings) -> None:
    if _require_type(item, path, "IdentifierEntry", found):
        _require_text(item, "identifier", path, found, "IdentifierEntry")
        _require_text(item, "identifierType", path, found, "IdentifierEntry")


def _check_image(obj: Mapping[str, Any], path: str, found: Findings) -> None:
    if "image" not in obj:
        return
    image, where = obj["image"], child(path, "image")
    if isinstance(image, str):
        if not is_url(image):
            found.add(INVALID, where, "image must be a URL or an Image object")
    elif _require_type(image, where, "Image", found):
        _require_url(image, "id", where, found, "Image")


def _check_endorsements(obj: Mapping[str, Any], path: str, found: Findings) -> None:
    """Shape only; each endorsement is verified as a credential of its own."""
    for item_path, item in entries(obj.get("endorsement"), child(path, "endorsement")):
        _require_type(item, item_path, ENDORSEMENT_CREDENTIAL, found)
    for item_path, item in entries(obj.get("endorsementJwt"), child(path, "endorsementJwt")):
        if not is_compact_jwt(item):
            found.add(INVALID, item_path, "endorsementJwt entries must be compact JWTs")


def _check_achievement_subject(subject: Mapping[str, Any], path: str, found: Findings) -> None:
    _require_type(subject, path, "AchievementSubject", found)
    identifiers = as_list(subject.get("identifier"))
    if not subject.get("id") and not identifiers:
        found.warn(INCOMPLETE, path, "the badge does not say who earned it (no subject id or identifier), "
                   "so it cannot be tied to a person")
    for item_path, item in entries(subject.get("identifier"), child(path, "identifier")):
        if not _require_type(item, item_path, "IdentityObject", found):
            continue
        if not isinstance(item.get("hashed"), bool):
            found.add(INVALID, child(item_path, "hashed"), "an IdentityObject needs hashed (true/false)")
        _require_text(item, "identityHash", item_path, found, "IdentityObject")
        _require_text(item, "identityType", item_path, found, "IdentityObject")
        if "salt" in item and not isinstance(item["salt"], str):
            found.add(INVALID, child(item_path, "salt"), "salt must be a string")
    achievement = subject.get("achievement")
    if achievement is None:
        found.add(INVALID, child(path, "achievement"), "the subject must name the achievement it earned")
    else:
        _check_achievement(achievement, child(path, "achievement"), found)
    for item_path, item in entries(subject.get("result"), child(path, "result")):
        if _require_type(item, item_path, "Result", found) and "resultDescription" in item \
                and not is_url(item["resultDescription"]):
            found.add(INVALID, child(item_path, "resultDescription"), "resultDescription must be a URL")
    if "source" in subject:
        _check_profile(subject["source"], child(path, "source"), found)
    _check_image(subject, path, found)


def _check_achievement(achievement: Any, path: str, found: Findings) -> None:
    if not _require_type(achievement, path, "Achievement", found):
        return
    _require_url(achievement, "id", path, found, "Achievement")
    _require_text(achievement, "name", path, found, "Achievement")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, dict):
        found.add(INVALID, child(path, "criteria"), "an Achievement needs criteria")
    elif not (is_url(criteria.get("id")) or (isinstance(criteria.get("narrative"), str)
                                              and criteria["narrative"].strip())):
        found.add(INVALID, child(path, "criteria"), "criteria needs an id (URL) or a narrative")
    if "achievementType" in achievement and not isinstance(achievement["achievementType"], str):
        found.add(INVALID, child(path, "achievementType"), "achievementType must be a string")
    if "creator" in achievement:
        _check_profile(achievement["creator"], child(path, "creator"), found)
    for item_path, item in entries(achievement.get("alignment"), child(path, "alignment")):
        if _require_type(item, item_path, "Alignment", found):
            _require_text(item, "targetName", item_path, found, "Alignment")
            _require_url(item, "targetUrl", item_path, found, "Alignment")
    for item_path, item in entries(achievement.get("resultDescription"), child(path, "resultDescription")):
        if not _require_type(item, item_path, "ResultDescription", found):
            continue
        _require_url(item, "id", item_path, found, "ResultDescription")
        _require_text(item, "name", item_path, found, "ResultDescription")
        _require_text(item, "resultType", item_path, found, "ResultDescription")
        levels = child(item_path, "rubricCriterionLevel")
        for level_path, level in entries(item.get("rubricCriterionLevel"), levels):
            if _require_type(level, level_path, "RubricCriterionLevel", found):
                _require_url(level, "id", level_path, found, "RubricCriterionLevel")
                _require_text(level, "name", level_path, found, "RubricCriterionLevel")
    for item_path, item in entries(achievement.get("otherIdentifier"), child(path, "otherIdentifier")):
        _check_identifier_entry(item, item_path, found)
    _check_image(achievement, path, found)
    _check_endorsements(achievement, path, found)


def _check_endorsement_subject(subject: Mapping[str, Any], path: str, found: Findings) -> None:
    _require_type(subject, path, "EndorsementSubject", found)
    _require_url(subject, "id", path, found, "EndorsementSubject")


# -- Open Badges 2.0 ---------------------------------------------------------------------------

_OB2_RECIPIENT_TYPES = {"email", "url", "telephone", "id"}
_OB2_VERIFICATION_TYPES = {"hosted", "HostedBadge", "signed", "SignedBadge"}


def _node_id(node: Any) -> str | None:
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        return str(node["id"])
    return None


def check_ob2(assertion: Mapping[str, Any], badge_class: Mapping[str, Any] | None = None,
              issuer: Mapping[str, Any] | None = None, *, recipient: str | None = None) -> CheckResult:
    """Check an Open Badges 2.0 Assertion with its BadgeClass and issuer Profile.

    ``badge_class``/``issuer`` may be ``None`` when they are embedded in the assertion (then the
    embedded objects are checked) or were not fetched (then they are reported missing). Paths
    treat them as embedded: ``$.badge`` and ``$.badge.issuer``. Result id ``"openbadges"``.
    """
    found = Findings()
    if not isinstance(assertion, Mapping):
        found.add(INVALID, "$", "an Open Badges 2.0 assertion must be a JSON object")
        return found.result("openbadges", "", {"kind": "ob2"})
    if "Assertion" not in type_names(assertion.get("type")):
        found.add(INVALID, "$.type", "type must include Assertion")
    _require_url(assertion, "id", "$", found, "Assertion")
    identity = assertion.get("recipient")
    if not isinstance(identity, dict):
        found.add(INVALID, "$.recipient", "an Assertion needs a recipient IdentityObject")
    else:
        if not (isinstance(identity.get("type"), str) and identity["type"] in _OB2_RECIPIENT_TYPES):
            found.add(INVALID, "$.recipient.type", "recipient type must be email, url, telephone or id")
        if not isinstance(identity.get("hashed"), bool):
            found.add(INVALID, "$.recipient.hashed", "recipient.hashed must be true or false")
        value = identity.get("identity")
        if not isinstance(value, str) or not value:
            found.add(INVALID, "$.recipient.identity", "recipient.identity is missing")
        elif identity.get("hashed") is True and not well_formed_hash(value):
            found.add(INVALID, "$.recipient.identity",
                      "a hashed identity must be sha256$<64 hex> or sha512$<128 hex>")
        if "salt" in identity and not isinstance(identity["salt"], str):
            found.add(INVALID, "$.recipient.salt", "recipient.salt must be a string")
    verification = assertion.get("verification")
    if not isinstance(verification, dict) or not (set(type_names(verification.get("type")))
                                                    & _OB2_VERIFICATION_TYPES):
        found.add(INVALID, "$.verification", "verification must be an object of type hosted or signed")
    issued = _ob2_date(assertion, "issuedOn", found, required=True)
    expires = _ob2_date(assertion, "expires", found, required=False)
    if issued and expires and expires < issued:
        found.add(INVALID, "$.expires", "expires is earlier than issuedOn")
    if assertion.get("revoked") is True:
        found.add("status.revoked", "$.revoked", "the issuer has revoked this badge")

    badge = assertion.get("badge")
    if badge_class is None and isinstance(badge, dict):
        badge_class = badge
    if badge is None:
        found.add(INVALID, "$.badge", "an Assertion must name its BadgeClass")
    elif badge_class is not None and _node_id(badge) != _node_id(badge_class):
        found.add(INVALID, "$.badge", "the assertion's badge is not the BadgeClass given")
    if badge_class is None:
        found.add(INVALID, "$.badge", "the BadgeClass is not available")
    else:
        issuer = _check_ob2_badge_class(badge_class, issuer, found)
    if issuer is not None:
        _check_ob2_issuer(issuer, found)

    details: dict[str, Any] = {"kind": "ob2"}
    if recipient is not None:
        forms, email = recipient_forms(recipient)
        matched = isinstance(identity, dict) and identity_matches(
            identity.get("identity"), identity.get("hashed"), identity.get("salt"), forms, email)
        details["recipient"] = "matched" if matched else "mismatch"
        if not matched:
            found.add(MISMATCH, "$.recipient", "this badge was not awarded to the expected recipient")
    return found.result("openbadges", "the badge follows the Open Badges 2.0 rules", details)


def _ob2_date(obj: Mapping[str, Any], key: str, found: Findings, *, required: bool) -> Any:
    if key not in obj:
        if required:
            found.add(INVALID, child("$", key), f"an Assertion needs {key}")
        return None
    try:
        return parse_date_time(obj[key], require_timezone=False)
    except ValueError as exc:
        found.add(INVALID, child("$", key), f"{key}: {exc}")
        return None


def _check_ob2_badge_class(badge_class: Mapping[str, Any], issuer: Mapping[str, Any] | None,
                           found: Findings) -> Mapping[str, Any] | None:
    """Check the BadgeClass; returns the issuer profile to check (given or embedded)."""
    path = "$.badge"
    if "BadgeClass" not in type_names(badge_class.get("type")):
        found.add(INVALID, child(path, "type"), "type must include BadgeClass")
    _require_url(badge_class, "id", path, found, "BadgeClass")
    _require_text(badge_class, "name", path, found, "BadgeClass")
    _require_text(badge_class, "description", path, found, "BadgeClass")
    image = badge_class.get("image")
    if not (is_url(image) or (isinstance(image, dict) and is_url(image.get("id")))):
        found.add(INVALID, child(path, "image"), "a BadgeClass needs an image (URL, data URI or Image)")
    criteria = badge_class.get("criteria")
    if not (is_url(criteria) or (isinstance(criteria, dict) and (
            is_url(criteria.get("id")) or isinstance(criteria.get("narrative"), str)))):
        found.add(INVALID, child(path, "criteria"), "a BadgeClass needs criteria (a URL or a narrative)")
    stated = badge_class.get("issuer")
    if issuer is None and isinstance(stated, dict):
        issuer = stated
    if stated is None:
        found.add(INVALID, child(path, "issuer"), "a BadgeClass must name its issuer")
    elif issuer is not None and _node_id(stated) != _node_id(issuer):
        found.add(INVALID, child(path, "issuer"), "the BadgeClass's issuer is not the issuer given")
    if issuer is None:
        found.add(INVALID, child(path, "issuer"), "the issuer profile is not available")
    return issuer


def _check_ob2_issuer(issuer: Mapping[str, Any], found: Findings) -> None:
    path = "$.badge.issuer"
    if not set(type_names(issuer.get("type"))) & {"Issuer", "Profile"}:
        found.add(INVALID, child(path, "type"), "type must include Issuer or Profile")
    _require_url(issuer, "id", path, found, "Profile")
    _require_text(issuer, "name", path, found, "Profile")
    _require_url(issuer, "url", path, found, "Profile")
    email = issuer.get("email")
    if not (isinstance(email, str) and re.fullmatch(r"[^@\s]+@[^@\s]+", email)):
        found.add(INVALID, child(path, "email"), "an issuer Profile needs an email address")
