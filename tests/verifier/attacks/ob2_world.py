"""A small Open Badges 2.0 world for attack tests: one genuine issuer, one attacker origin.

Every document is served by a ``StaticFetcher`` keyed by its id, so a test says exactly what each
origin publishes. ``ob2_verifier`` is the real :class:`Verifier` (routing included); nothing here
touches the network.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.policy import Policy
from verifier.report import VerificationReport
from verifier.trust import TrustList
from verifier.verification import Verifier

OB2 = "https://w3id.org/openbadges/v2"
ORIGIN = "https://pd.district.example"
ISSUER = f"{ORIGIN}/issuer.json"
BADGE = f"{ORIGIN}/badges/reading-coach.json"
PRESTIGE = f"{ORIGIN}/badges/master-educator.json"
KEY = f"{ORIGIN}/keys/rsa-1.json"
HOSTED = f"{ORIGIN}/assertions/5f2e.json"
REVOCATIONS = f"{ORIGIN}/revocations.json"
SIGNED_ID = "urn:uuid:3f1d6e0a-8d5b-4c7e-9a44-2b0c7d9e1f11"
EVIL = "https://attacker.example"
EMAIL = "teacher@district.example"
SALT = "s4lt"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key per name, made once per test run (``issuer``, ``attacker``, …)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def issuer(**extra: Any) -> dict[str, Any]:
    doc = {"@context": OB2, "type": "Issuer", "id": ISSUER, "name": "District Office of Professional Learning",
           "url": f"{ORIGIN}/", "email": "pl@district.example", "publicKey": KEY}
    doc.update(extra)
    return {k: v for k, v in doc.items() if v is not None}


def badge_class(ident: str = BADGE, **extra: Any) -> dict[str, Any]:
    name = "Master Educator" if ident == PRESTIGE else "Reading Coach"
    doc = {"@context": OB2, "type": "BadgeClass", "id": ident, "name": name,
           "description": f"{name}: coaches colleagues in structured literacy routines.",
           "image": f"{ORIGIN}/images/reading-coach.png",
           "criteria": {"narrative": "Coach two colleagues through a six-week cycle."}, "issuer": ISSUER}
    doc.update(extra)
    return doc


def recipient() -> dict[str, Any]:
    return {"type": "email", "hashed": True, "salt": SALT,
            "identity": "sha256$" + hashlib.sha256((EMAIL + SALT).encode()).hexdigest()}


def hosted(ident: str = HOSTED, **extra: Any) -> dict[str, Any]:
    doc = {"@context": OB2, "type": "Assertion", "id": ident, "recipient": recipient(), "badge": BADGE,
           "issuedOn": "2025-09-01T00:00:00Z", "verification": {"type": "HostedBadge"}}
    doc.update(extra)
    return doc


def signed(**extra: Any) -> dict[str, Any]:
    doc = {"@context": OB2, "type": "Assertion", "id": SIGNED_ID, "recipient": recipient(), "badge": BADGE,
           "issuedOn": "2025-09-01T00:00:00Z", "verification": {"type": "SignedBadge", "creator": KEY}}
    doc.update(extra)
    return doc


def key_doc(key: rsa.RSAPrivateKey, ident: str = KEY, owner: str | None = ISSUER) -> dict[str, Any]:
    doc = {"@context": OB2, "type": "CryptographicKey", "id": ident, "publicKeyPem": pem(key)}
    if owner is not None:
        doc["owner"] = owner
    return doc


def jws(payload: Mapping[str, Any], key: rsa.RSAPrivateKey,
        header: Mapping[str, Any] | None = None) -> str:
    head = b64(json.dumps(dict(header or {"alg": "RS256"})).encode())
    body = b64(json.dumps(dict(payload)).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def served(*docs: Mapping[str, Any]) -> dict[str, Any]:
    """The documents, each published at its own id (later ones replace earlier ones)."""
    return {str(d["id"]): json.dumps(d).encode() for d in docs}


def genuine(key: rsa.RSAPrivateKey, **issuer_extra: Any) -> dict[str, Any]:
    """What the genuine issuer publishes: Profile, two BadgeClasses, key, hosted assertion."""
    return served(issuer(**issuer_extra), badge_class(), badge_class(PRESTIGE), key_doc(key), hosted())


def ob2_verifier(published: Mapping[str, Any], *, trusted: bool = True,
                 require_trusted: bool = False) -> Verifier:
    fetcher = StaticFetcher(dict(published))
    clock = FixedClock(NOW)
    trust = TrustList.from_json({"name": "district", "issuers": [{"id": ISSUER, "name": "District PL"}]})
    return Verifier(contexts=ContextStore(directories=[]), keys=ResolverKeyLookup.create(fetcher, clock),
                    fetcher=fetcher, clock=clock, policy=Policy(require_trusted=require_trusted),
                    trust_list=trust if trusted else None)


def as_file(doc: Mapping[str, Any]) -> bytes:
    """The document as a holder hands it over: a JSON file."""
    return json.dumps(dict(doc), indent=2).encode()


def verify(data: Any, published: Mapping[str, Any], **options: Any) -> VerificationReport:
    return ob2_verifier(published, **options).verify_credential(data)


def code(report: VerificationReport, check: str) -> str | None:
    """The check's code, or its status when it has none (``passed``, ``skipped``)."""
    result = report.check(check)
    assert result is not None, [c.id for c in report.checks]
    return result.code or result.status.value


def with_changes(doc: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(dict(doc))
    out.update(changes)
    return out
