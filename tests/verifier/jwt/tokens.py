"""Builders for the VC-JWT tests: fixed keys and issuers, credentials, and a raw token forger.

The forger writes header/payload/signature by hand so attack tokens are exactly what an attacker
would send, not what :func:`verifier.jose.sign_compact` (which refuses bad headers) would allow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_encode

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
WEB_ISSUER = "did:web:college.example"
WEB_DOC_URL = "https://college.example/.well-known/did.json"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
WEB_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
#: Listed in the did:web document under ``authentication`` only, so not usable for credentials.
WEB_LOGIN_KEY = Ed25519KeyPair.from_seed(bytes(range(2, 34)))
ATTACKER_KEY = Ed25519KeyPair.from_seed(b"\xaa" * 32)


def b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def forge(header: dict[str, Any] | str, payload: dict[str, Any] | str,
          signer: Ed25519KeyPair | None = None, signature: bytes | None = None) -> str:
    """A compact token from raw parts; ``str`` parts are used as already-encoded text."""
    head = header if isinstance(header, str) else b64json(header)
    body = payload if isinstance(payload, str) else b64json(payload)
    signing_input = f"{head}.{body}"
    if signature is None:
        signature = signer.sign(signing_input.encode("ascii")) if signer is not None else b""
    return f"{signing_input}.{b64url_encode(signature)}"


def credential(issuer: str, **extra: Any) -> dict[str, Any]:
    """An Open Badges 3.0 style credential for ``issuer``."""
    data: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:7f4e0a52-9a60-4b47-9d3b-0d3c2b0a1e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Safeguarding Level 2",
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://college.example/achievements/sg2",
                            "type": ["Achievement"], "name": "Safeguarding Level 2"},
        },
    }
    data.update(extra)
    return data


def web_did_document() -> bytes:
    vm, login = f"{WEB_ISSUER}#key-1", f"{WEB_ISSUER}#login"
    return json.dumps({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": WEB_ISSUER,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": WEB_ISSUER,
             "publicKeyMultibase": WEB_KEY.public.multibase},
            {"id": login, "type": "Multikey", "controller": WEB_ISSUER,
             "publicKeyMultibase": WEB_LOGIN_KEY.public.multibase},
        ],
        "assertionMethod": [vm],
        "authentication": [login],
    }).encode("utf-8")
