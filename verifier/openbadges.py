"""What an Open Badge says: its kind, its achievement types, its endorsements, its recipient.

A credential is Open Badges 3.0 when its type says so (``OpenBadgeCredential``,
``AchievementCredential``, ``EndorsementCredential``) or when its subject is an
``AchievementSubject`` (:func:`ob3_kind`). :func:`achievement_types` is what trust lists accept
or refuse; :func:`embedded_endorsements` finds the endorsement credentials inside a badge, each
verified as a credential of its own.

"Is this badge about *this* person?": the subject ``id`` matches, or an ``identifier``
``IdentityObject`` carries the recipient in plain text or as ``sha256$hex``/``sha512$hex`` of
recipient + salt (:func:`subject_matches`; OB 2.0 recipients through :func:`identity_matches`).
MD5 hashes are not accepted.

The rules a badge must follow are the ``openbadges`` check's: :mod:`verifier.checks.openbadges`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from .data_model import as_list, child, entries, type_names

ACHIEVEMENT_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
ENDORSEMENT_CREDENTIAL = "EndorsementCredential"
_HASHES = {"sha256": (hashlib.sha256, 64), "sha512": (hashlib.sha512, 128)}
_HEX = re.compile(r"[0-9A-Fa-f]+")


# -- what kind of Open Badge is this -----------------------------------------------------------

def ob3_kind(document: Mapping[str, Any]) -> str | None:
    """``"achievement"``, ``"endorsement"`` or ``None`` (not Open Badges 3.0)."""
    types = type_names(document.get("type"))
    if any(t in types for t in ACHIEVEMENT_CREDENTIAL_TYPES):
        return "achievement"
    if ENDORSEMENT_CREDENTIAL in types:
        return "endorsement"
    subject_types = {t for s in as_list(document.get("credentialSubject")) if isinstance(s, dict)
                     for t in type_names(s.get("type"))}
    # A subject claiming an achievement makes it a badge whatever the credential type says; an
    # EndorsementSubject alone does not (plain VCs reuse it, e.g. DCC's nonOBWithOBContext).
    return "achievement" if "AchievementSubject" in subject_types else None


def achievement_types(document: Mapping[str, Any]) -> list[str]:
    """The ``achievementType`` values of the achievements in the credential, for trust lists."""
    found: list[str] = []
    for subject in as_list(document.get("credentialSubject")):
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict):
            found.extend(t for t in as_list(achievement.get("achievementType"))
                         if isinstance(t, str) and t not in found)
    return found


def embedded_endorsements(document: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every endorsement credential object embedded in ``document``, with its JSON path.

    Looks in every ``endorsement`` list (credential, issuer profile, achievement, creator, …),
    but not inside an endorsement itself: verifying that one finds its own. ``endorsementJwt``
    strings are not returned.
    """
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, child(path, i))
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "proof":
                    continue
                if key == "endorsement":
                    for item_path, item in entries(value, child(path, key)):
                        if isinstance(item, dict):
                            found.append((item_path, item))
                    continue
                walk(value, child(path, key))

    walk(document, "$")
    return found


# -- recipients --------------------------------------------------------------------------------

def recipient_forms(recipient: str) -> tuple[set[str], bool]:
    """The plain forms a recipient may appear in, and whether it is an email address."""
    value = recipient.strip()
    email = value[len("mailto:"):] if value.lower().startswith("mailto:") else value
    if "@" in email and ":" not in email:
        return {email, email.lower()}, True
    return {value}, False


def identity_hash(value: str, salt: str | None, algorithm: str = "sha256") -> str:
    """``alg$hex`` of ``value + salt`` (UTF-8), the Open Badges IdentityHash form."""
    function, _ = _HASHES[algorithm]
    return f"{algorithm}${function((value + (salt or '')).encode('utf-8')).hexdigest()}"


def _hash_matches(stated: str, forms: set[str], salt: str | None) -> bool:
    algorithm, sep, hex_digest = stated.partition("$")
    algorithm = algorithm.lower()
    if not sep or algorithm not in _HASHES or _HEX.fullmatch(hex_digest) is None:
        return False
    if len(hex_digest) != _HASHES[algorithm][1]:
        return False
    expected = hex_digest.lower()
    return any(hmac.compare_digest(identity_hash(form, salt, algorithm).partition("$")[2], expected)
               for form in forms)


def identity_matches(identity: Any, hashed: Any, salt: Any, forms: set[str], email: bool) -> bool:
    """Whether a stated identity (plain, or ``hashed`` with ``salt``) is one of the recipient's
    ``forms`` (from :func:`recipient_forms`; ``email`` compares case-insensitively)."""
    if not isinstance(identity, str) or (salt is not None and not isinstance(salt, str)):
        return False
    if hashed is True:
        return _hash_matches(identity, forms, salt)
    candidate = identity.strip()
    if email and candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:"):]
    return candidate in forms or (email and candidate.lower() in forms)


def subject_matches(subject: Mapping[str, Any], recipient: str) -> bool:
    """True when the OB 3.0 subject is about ``recipient`` (its id or an IdentityObject)."""
    forms, email = recipient_forms(recipient)
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and identity_matches(subject_id, False, None, forms, email):
        return True
    return any(isinstance(item, dict) and identity_matches(item.get("identityHash"), item.get("hashed"),
                                                           item.get("salt"), forms, email)
               for item in as_list(subject.get("identifier")))


def well_formed_hash(value: str) -> bool:
    """``sha256$<64 hex>`` or ``sha512$<128 hex>``: an identity hash this verifier can compare."""
    algorithm, sep, hex_digest = value.partition("$")
    return bool(sep) and algorithm.lower() in _HASHES and _HEX.fullmatch(hex_digest) is not None \
        and len(hex_digest) == _HASHES[algorithm.lower()][1]
