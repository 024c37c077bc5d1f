"""Builders for the data-model tests: small valid documents that tests then break one way."""

from __future__ import annotations

import copy
from typing import Any

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def credential(version: str = "2.0", /, **changes: Any) -> dict[str, Any]:
    """A minimal valid VCDM credential; ``changes`` replace (or, with value ``...``, delete) members."""
    doc: dict[str, Any] = {
        "@context": [V2 if version == "2.0" else V1],
        "id": "urn:uuid:0b7c8e1a-2f3d-4c5e-8a9b-1c2d3e4f5a6b",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    if version == "2.0":
        doc["validFrom"] = "2024-01-01T00:00:00Z"
    else:
        doc["issuanceDate"] = "2024-01-01T00:00:00Z"
    return apply(doc, changes)


def presentation(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"],
                           "verifiableCredential": [credential()]}
    return apply(doc, changes)


def badge(**changes: Any) -> dict[str, Any]:
    """A minimal valid Open Badges 3.0 credential (our own, not a third-party fixture)."""
    doc: dict[str, Any] = {
        "@context": [V2, OB3],
        "id": "urn:uuid:6a1f0f5e-3b6c-4d2e-9f1a-7c8b9d0e1f2a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Formative Assessment Micro-credential",
        "issuer": {"id": "did:web:pd.example.edu", "type": ["Profile"], "name": "Example PD Office"},
        "validFrom": "2024-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:teacher",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://pd.example.edu/achievements/formative-assessment",
                "type": ["Achievement"],
                "name": "Formative Assessment",
                "achievementType": "MicroCredential",
                "criteria": {"narrative": "Designed and ran three formative assessments."},
            },
        },
    }
    return apply(doc, changes)


def apply(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for key, value in changes.items():
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = copy.deepcopy(value)
    return doc
