"""DataIntegrityProof with cryptosuite ``eddsa-jcs-2022`` (W3C EdDSA Cryptosuites v1.0, 3.4).

What is signed: SHA-256 of the RFC 8785 (JCS) proof options, then SHA-256 of the JCS document.
No JSON-LD processing happens, so undefined terms are signed as plain JSON; the proof still
carries the document's @context so both halves agree on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from .. import jcs
from ..errors import ProofError
from .base import DocumentLoader, HashCache, JsonObject


class EddsaJcs2022:
    """JCS-canonicalized Ed25519 Data Integrity proofs."""

    proof_type = "DataIntegrityProof"
    cryptosuites: tuple[str | None, ...] = ("eddsa-jcs-2022",)

    def proof_config(self, document: Mapping[str, Any], proof: Mapping[str, Any]) -> JsonObject:
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        if "@context" in document:
            if "@context" in config and config["@context"] != document["@context"]:
                raise ProofError("proof.context_mismatch",
                                 "the proof's @context differs from the document's @context",
                                 "$.proof.@context")
            config["@context"] = document["@context"]
        return config

    def hash_data(self, document: Mapping[str, Any], proof_config: Mapping[str, Any], *,
                  document_loader: DocumentLoader, cache: HashCache | None = None) -> bytes:
        def document_digest() -> bytes:
            return hashlib.sha256(jcs.canonicalize(document)).digest()

        config_digest = hashlib.sha256(jcs.canonicalize(proof_config)).digest()
        if cache is None:
            return config_digest + document_digest()
        return config_digest + cache.digest("jcs-sha256", document, document_digest)
