"""DataIntegrityProof with cryptosuite ``eddsa-rdfc-2022`` (W3C EdDSA Cryptosuites v1.0, 3.3).

What is signed: SHA-256 of the RDFC-1.0 canonical proof options, then SHA-256 of the canonical
document. The proof's ``@context``, when present, must be a prefix of the document's, so a proof
can't be moved onto a document that interprets its terms differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ProofError
from .base import DocumentLoader, HashCache, JsonObject, rdfc_hash_data


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class EddsaRdfc2022:
    """RDF-canonicalized Ed25519 Data Integrity proofs (and the legacy name ``eddsa-2022``)."""

    proof_type = "DataIntegrityProof"
    cryptosuites: tuple[str | None, ...] = ("eddsa-rdfc-2022", "eddsa-2022")

    def proof_config(self, document: Mapping[str, Any], proof: Mapping[str, Any]) -> JsonObject:
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        doc_context = document.get("@context")
        if "@context" in config:
            proof_context = _as_list(config["@context"])
            if _as_list(doc_context)[: len(proof_context)] != proof_context:
                raise ProofError("proof.context_mismatch",
                                 "the proof's @context is not a prefix of the document's @context",
                                 "$.proof.@context")
        config["@context"] = doc_context
        return config

    def hash_data(self, document: Mapping[str, Any], proof_config: Mapping[str, Any], *,
                  document_loader: DocumentLoader, cache: HashCache | None = None) -> bytes:
        return rdfc_hash_data(document, proof_config, document_loader=document_loader, cache=cache)
