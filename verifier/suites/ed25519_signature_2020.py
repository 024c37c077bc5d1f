"""``Ed25519Signature2020`` (W3C CCG; EdDSA Cryptosuites v1.0, section 3.5, legacy).

Signs the same two RDFC-1.0/SHA-256 digests as eddsa-rdfc-2022, but the proof options are
hashed under the document's own @context (which must define the suite's terms, normally via
``https://w3id.org/security/suites/ed25519-2020/v1``). Only URDNA2015/RDFC-1.0 with SHA-256 is
accepted: a proof that asks for another canonicalization or digest is refused, never honoured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ProofError
from .base import DocumentLoader, HashCache, JsonObject, rdfc_hash_data

_ALLOWED_ALGORITHMS = {
    "canonicalizationAlgorithm": {"URDNA2015", "RDFC-1.0", "https://w3id.org/security#URDNA2015"},
    "digestAlgorithm": {"SHA-256", "sha256", "http://w3id.org/digests#sha256"},
}


class Ed25519Signature2020:
    """Legacy Ed25519 linked-data signatures, still common in issued Open Badges."""

    proof_type = "Ed25519Signature2020"
    cryptosuites: tuple[str | None, ...] = (None,)

    def proof_config(self, document: Mapping[str, Any], proof: Mapping[str, Any]) -> JsonObject:
        for name, allowed in _ALLOWED_ALGORITHMS.items():
            if name in proof and proof[name] not in allowed:
                raise ProofError("proof.invalid_signature",
                                 f"{name} {proof[name]!r} is not the suite's algorithm",
                                 f"$.proof.{name}")
        config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
        config["@context"] = document.get("@context")
        return config

    def hash_data(self, document: Mapping[str, Any], proof_config: Mapping[str, Any], *,
                  document_loader: DocumentLoader, cache: HashCache | None = None) -> bytes:
        return rdfc_hash_data(document, proof_config, document_loader=document_loader, cache=cache)
