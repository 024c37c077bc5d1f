"""did:jwk: the DID is a base64url-encoded public JWK, so resolution is pure computation.

The document has one ``JsonWebKey2020`` method ``#0``. Per the did:jwk specification a key marked
``"use": "enc"`` is only for key agreement and ``"use": "sig"`` never is; a JWK carrying private
members is not a valid did:jwk at all.
"""

from __future__ import annotations

import re
from typing import Any

from .. import jcs
from ..errors import DidError, KeyFormatError, ParseError
from ..json_reader import loads
from ..keys import Ed25519PublicKey
from ..multibase import b64url_decode, b64url_encode
from .document import DidDocument

PREFIX = "did:jwk:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
JWS_2020_CONTEXT = "https://w3id.org/security/suites/jws-2020/v1"
MAX_DID_CHARS = 8192
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]+")


def parse_did_jwk(did: str) -> dict[str, Any]:
    """The JWK a did:jwk encodes, or ``did.invalid``."""
    if not isinstance(did, str) or not did.startswith(PREFIX) or len(did) > MAX_DID_CHARS:
        raise DidError("did.invalid", "not a did:jwk")
    value = did[len(PREFIX):]
    if _B64URL_RE.fullmatch(value) is None:
        raise DidError("did.invalid", "did:jwk value is not base64url")
    try:
        jwk = loads(b64url_decode(value), max_bytes=MAX_DID_CHARS, max_depth=4)
    except (KeyFormatError, ParseError) as exc:
        raise DidError("did.invalid", f"did:jwk value is not a base64url JSON object: {exc.code}",
                       details={"cause": exc.code}) from exc
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
        raise DidError("did.invalid", "did:jwk value is not a JWK")
    if _PRIVATE_MEMBERS & jwk.keys():
        raise DidError("did.invalid", "did:jwk must not contain private key material")
    return jwk


def did_jwk_from_key(key: Ed25519PublicKey) -> str:
    """The did:jwk of an Ed25519 public key (JWK serialized with JCS, so it is reproducible)."""
    return PREFIX + b64url_encode(jcs.canonicalize(key.to_jwk()))


def did_jwk_document_json(did: str) -> dict[str, Any]:
    """The DID document JSON of ``did``."""
    jwk = parse_did_jwk(did)
    vm_id = f"{did}#0"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, JWS_2020_CONTEXT],
        "id": did,
        "verificationMethod": [{
            "id": vm_id,
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": jwk,
        }],
    }
    use = jwk.get("use")
    if use != "enc":
        for name in ("assertionMethod", "authentication", "capabilityInvocation",
                     "capabilityDelegation"):
            document[name] = [vm_id]
    if use != "sig":
        document["keyAgreement"] = [vm_id]
    return document


def resolve_did_jwk(did: str) -> DidDocument:
    """Expand ``did`` into a :class:`DidDocument`."""
    return DidDocument.from_json(did_jwk_document_json(did))


class JwkDidResolver:
    """The did:jwk method for the :class:`~verifier.did.resolver.Resolver` registry."""

    def resolve(self, did: str) -> DidDocument:
        return resolve_did_jwk(did)
