"""What every proof suite provides: the building blocks each suite module is made of.

A suite knows three things: how to turn the document and the proof options into the bytes that
are signed (``hash_data``), and how to create and check an Ed25519 signature over them. Choosing
the verification key, checking dates, purposes and chains is the caller's job (``verifier.proofs``),
because those rules are the same for every suite.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import KeyFormatError, ProofError
from ..keys import Ed25519KeyPair, Ed25519PublicKey
from ..multibase import multibase_decode, multibase_encode

if TYPE_CHECKING:
    from ..canon.rdfc import WorkBudget

DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]
JsonObject = dict[str, Any]


class HashCache:
    """What one document's proofs share: the digest of each input document, and a work budget.

    A proof set signs the same unsecured document with every proof, and a chain signs it plus
    the proofs it names; canonicalizing it once per proof made a large input with many proofs
    cost one full canonicalization per proof. Here each distinct input document (the same
    object, as :class:`verifier.proofs.ProofChecker` passes it) is canonicalized once per
    method, and every canonicalization of the document and of its proofs' options draws on one
    RDFC work budget, so the bound holds per document, not per proof.
    """

    def __init__(self, max_work: int | None = None) -> None:
        self._max_work = max_work
        self._budget: WorkBudget | None = None
        # key (method, id(document)) -> (document, digest); the document is kept so its id
        # cannot be reused by another object while this cache lives
        self._digests: dict[tuple[str, int], tuple[object, bytes]] = {}

    @property
    def budget(self) -> WorkBudget:
        if self._budget is None:
            from ..canon.rdfc import DEFAULT_WORK, WorkBudget  # heavy package: only when needed

            self._budget = WorkBudget(DEFAULT_WORK if self._max_work is None else self._max_work)
        return self._budget

    def digest(self, method: str, document: object, compute: Callable[[], bytes]) -> bytes:
        """``compute()`` for ``document`` under ``method``, computed once per document object."""
        key = (method, id(document))
        hit = self._digests.get(key)
        if hit is not None and hit[0] is document:
            return hit[1]
        value = compute()
        self._digests[key] = (document, value)
        return value


class ProofSuite(Protocol):
    """One proof type (and, for DataIntegrityProof, one cryptosuite)."""

    proof_type: str
    #: cryptosuite names this suite verifies; the first is the one it creates. ``None`` for
    #: suites that are identified by ``type`` alone (Ed25519Signature2020).
    cryptosuites: tuple[str | None, ...]

    def proof_config(self, document: Mapping[str, Any], proof: Mapping[str, Any]) -> JsonObject:
        """The proof options as they are hashed: ``proof`` minus ``proofValue``, with the
        suite's @context rule applied."""
        ...

    def hash_data(self, document: Mapping[str, Any], proof_config: Mapping[str, Any], *,
                  document_loader: DocumentLoader, cache: HashCache | None = None) -> bytes:
        """The bytes the signature covers (64 bytes: two SHA-256 digests). With ``cache``, the
        document's digest is shared with the other proofs on it (see :class:`HashCache`)."""
        ...


def rdfc_hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any], *,
                   document_loader: DocumentLoader, cache: HashCache | None = None) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document (RDFC-1.0)."""
    from ..canon import canonize  # the JSON-LD layer is heavy; load it when a suite needs it

    budget = cache.budget if cache is not None else None

    def document_digest() -> bytes:
        nquads = canonize(dict(document), document_loader=document_loader, budget=budget)
        return hashlib.sha256(nquads.encode("utf-8")).digest()

    config_nquads = canonize(dict(proof_config), document_loader=document_loader, budget=budget)
    config_digest = hashlib.sha256(config_nquads.encode("utf-8")).digest()
    if cache is None:
        return config_digest + document_digest()
    return config_digest + cache.digest("rdfc-sha256", document, document_digest)


def strip_proof(document: Mapping[str, Any]) -> JsonObject:
    """A shallow copy of ``document`` without ``proof``."""
    return {k: v for k, v in document.items() if k != "proof"}


def decode_proof_value(proof: Mapping[str, Any]) -> bytes:
    """The 64-byte signature in ``proofValue`` (base58btc multibase), or a coded error."""
    value = proof.get("proofValue")
    if value is None:
        raise ProofError("proof.value_missing", "the proof has no proofValue", "$.proof.proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("proof.invalid_multibase", "proofValue must be base58btc multibase ('z…')",
                         "$.proof.proofValue")
    try:
        signature = multibase_decode(value)
    except KeyFormatError as exc:
        raise ProofError("proof.invalid_multibase", f"proofValue is not base58btc: {exc}",
                         "$.proof.proofValue") from exc
    if len(signature) != 64:
        raise ProofError("proof.invalid_signature_length",
                         f"an Ed25519 signature is 64 bytes, this one is {len(signature)}",
                         "$.proof.proofValue")
    return signature


def sign(suite: ProofSuite, document: Mapping[str, Any], options: Mapping[str, Any],
         key: Ed25519KeyPair, *, document_loader: DocumentLoader) -> JsonObject:
    """Create a proof object (``options`` plus ``proofValue``) over ``document`` as given.

    The caller removes existing proofs first, or leaves the ones a ``previousProof`` names.
    """
    config = suite.proof_config(document, options)
    data = suite.hash_data(document, config, document_loader=document_loader)
    proof = copy.deepcopy(dict(options))
    proof["proofValue"] = multibase_encode(key.sign(data))
    return proof


def check_signature(suite: ProofSuite, unsecured: Mapping[str, Any], proof: Mapping[str, Any],
                    public_key: Ed25519PublicKey, *, document_loader: DocumentLoader,
                    cache: HashCache | None = None) -> None:
    """Raise ``proof.invalid_signature`` unless ``proof`` signs ``unsecured`` with ``public_key``.

    ``cache`` is shared by the proofs of one document (see :class:`HashCache`).
    """
    signature = decode_proof_value(proof)
    config = suite.proof_config(unsecured, proof)
    data = (suite.hash_data(unsecured, config, document_loader=document_loader) if cache is None
            else suite.hash_data(unsecured, config, document_loader=document_loader, cache=cache))
    if not public_key.verify(data, signature):
        raise ProofError("proof.invalid_signature",
                         "the signature does not match this document and key", "$.proof.proofValue")
