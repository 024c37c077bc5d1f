"""Credentials for the use-case tests, shaped like the real ones but checked by the stub verifier
(tests/vcwallet/store/support.py), so the rules are tested with no network and no front end."""

from __future__ import annotations

import json
from typing import Any

from tests.vcwallet.store.support import credential
from vcwallet.sdjwt_issuer import issue_sd_jwt_vc
from verifier.clock import FixedClock, parse_datetime
from verifier.keys import Ed25519KeyPair

ISSUER = "did:example:stub-issuer"
NOW = FixedClock(parse_datetime("2026-06-01T12:00:00Z"))


def badge(i: int, **changes: Any) -> bytes:
    """An OB 3.0-shaped badge (see ``credential``), with top-level members changed or added."""
    doc = json.loads(credential(i))
    doc.update(changes)
    return json.dumps(doc, indent=2).encode()


def plain_vc(i: int) -> bytes:
    """A verifiable credential that is not an Open Badges credential."""
    return badge(i, type=["VerifiableCredential"])


def ob2_assertion(i: int) -> bytes:
    """An Open Badges 2.0 assertion (JSON)."""
    return json.dumps({
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
        "id": f"https://badges.example/assertions/{i}", "badge": "https://badges.example/classes/1",
        "recipient": {"type": "email", "hashed": False, "identity": "maya@example.org"},
        "issuedOn": "2025-01-01T00:00:00Z", "verification": {"type": "hosted"}}).encode()


def sd_jwt_badge() -> bytes:
    """An SD-JWT VC (a real one, signed by a throwaway did:key issuer)."""
    issuer, holder = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    did = issuer.public.did_key
    claims = {"credentialSubject": {"achievement": {"name": "Stub SD-JWT Badge"}}}
    token = issue_sd_jwt_vc(claims, key=issuer, kid=f"{did}#{issuer.public.multibase}", iss=did,
                            vct="https://badges.example/vct/badge", holder_jwk=holder.public, clock=NOW)
    return token.encode("ascii")
