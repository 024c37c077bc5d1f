"""did:key for Ed25519: the DID *is* the public key, so resolution is pure computation.

The document is expanded as the did:key method specification describes: one Multikey method
whose fragment is the multibase key itself, referenced from assertionMethod, authentication,
capabilityInvocation and capabilityDelegation. The optional X25519 key-agreement method (derived
from the Ed25519 key) is produced only on request; a verifier never needs it.
"""

from __future__ import annotations

import re
from typing import Any

from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519
from nacl.exceptions import RuntimeError as NaclRuntimeError

from ..errors import DidError
from ..keys import Ed25519PublicKey
from ..multibase import multibase_encode
from .document import DidDocument

PREFIX = "did:key:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_X25519_HEADER = b"\xec\x01"
_VERSION_RE = re.compile(r"[1-9][0-9]{0,8}")
SUPPORTED_VERSIONS = frozenset({1})


def parse_did_key(did: str) -> Ed25519PublicKey:
    """The Ed25519 key a did:key names.

    ``did.invalid`` for syntax (a DID URL, a non-integer or unsupported version); the key's own
    problems keep their ``key.*`` codes (not ``z``, wrong multicodec, not 32 bytes).
    """
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise DidError("did.invalid", "not a did:key")
    parts = did[len(PREFIX):].split(":")
    if any(ch in did for ch in "#?/"):
        raise DidError("did.invalid", "a did:key DID has no path, query or fragment")
    if len(parts) == 2:
        version, value = parts
        if _VERSION_RE.fullmatch(version) is None:
            raise DidError("did.invalid", f"did:key version {version!r} is not a positive integer")
        if int(version) not in SUPPORTED_VERSIONS:
            raise DidError("did.invalid", f"did:key version {version} is not supported")
    elif len(parts) == 1:
        value = parts[0]
    else:
        raise DidError("did.invalid", "too many ':'-separated parts in did:key")
    if not value:
        raise DidError("did.invalid", "empty did:key")
    key = Ed25519PublicKey.from_multibase(value)
    if key.multibase != value:
        raise DidError("did.invalid", "did:key is not in canonical form")
    return key


def _x25519_multibase(key: Ed25519PublicKey) -> str:
    try:
        raw = crypto_sign_ed25519_pk_to_curve25519(key.raw)
    except NaclRuntimeError as exc:
        raise DidError("did.invalid", "Ed25519 key has no X25519 equivalent") from exc
    return multibase_encode(_X25519_HEADER + raw)


def did_key_document_json(did: str, *, key_agreement: bool = False) -> dict[str, Any]:
    """The DID document JSON of ``did``, as the did:key method expands it."""
    key = parse_did_key(did)
    fingerprint = did.rsplit(":", 1)[1]
    vm_id = f"{did}#{fingerprint}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [{
            "id": vm_id,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
    if key_agreement:
        x_value = _x25519_multibase(key)
        document["keyAgreement"] = [{
            "id": f"{did}#{x_value}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": x_value,
        }]
    return document


def resolve_did_key(did: str) -> DidDocument:
    """Expand ``did`` into a :class:`DidDocument`."""
    return DidDocument.from_json(did_key_document_json(did))


class KeyDidResolver:
    """The did:key method for the :class:`~verifier.did.resolver.Resolver` registry."""

    def resolve(self, did: str) -> DidDocument:
        return resolve_did_key(did)
