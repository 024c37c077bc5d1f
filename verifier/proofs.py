"""Checking and creating the proofs on a document: proof sets, chains, options and keys.

The suites only know how to hash and sign. Everything that is the same for every suite lives
here: which proofs a document carries, how ``previousProof`` chains are followed, the option
rules (purpose, ``created``/``expires``, verification method syntax), and where the key comes
from. The key is never taken on the proof's word: ``KeyLookup`` resolves it from the controller's
document and reports separately whether that controller is the one expected (``bound``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from .clock import Clock, parse_datetime
from .errors import DidError, FetchError, ProofError, VCError
from .keys import Ed25519KeyPair, Ed25519PublicKey
from .suites.base import DocumentLoader, HashCache, check_signature, sign, strip_proof
from .suites.registry import SuiteRegistry

#: How far in the future ``proof.created`` may be before it is refused (clock skew).
CREATED_SKEW = timedelta(minutes=5)
#: The most proofs one document may carry. Real credentials carry one, sometimes two or three
#: (a proof set, a chain); each proof costs a key resolution and a signature check, so the cap
#: keeps a document with thousands of proofs from costing thousands of them.
DEFAULT_MAX_PROOFS = 16


@dataclass(frozen=True)
class KeyBinding:
    """A resolved verification key and whether its controller is the one the caller expects.

    ``public_key`` may be present while ``problem`` is set: the signature can still be checked
    (the document is intact), but the key is not shown to belong to the expected controller.
    """

    vm_id: str
    public_key: Ed25519PublicKey | None
    controller: str | None
    problem: VCError | None = None
    source: str = "controller document"

    @property
    def bound(self) -> bool:
        return self.public_key is not None and self.problem is None


class KeyLookup(Protocol):
    """Resolves a verification method URL to a key, checking controller and relationship."""

    def lookup(self, vm_url: str, *, purpose: str, expected_controller: str | None) -> KeyBinding: ...


@dataclass(frozen=True)
class ProofResult:
    """What was found out about one proof in the document."""

    index: int
    suite: str
    vm_id: str | None
    error: VCError | None = None
    binding: KeyBinding | None = None

    @property
    def signature_ok(self) -> bool:
        return self.error is None

    def path(self, single: bool) -> str:
        return "$.proof" if single else f"$.proof[{self.index}]"


@dataclass(frozen=True)
class ProofOutcome:
    """All proofs of one document.

    ``results`` holds the proofs that were checked, in document order. Checking stops at the
    first proof that fails, so a failed result is always the last one; the proofs after it are
    not attempted and ``details["notAttempted"]`` counts them.
    """

    results: tuple[ProofResult, ...]
    error: VCError | None = None  # a problem with the proof container itself
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def all_signatures_ok(self) -> bool:
        return self.error is None and bool(self.results) and all(r.signature_ok for r in self.results)

    @property
    def first_error(self) -> VCError | None:
        if self.error is not None:
            return self.error
        return next((r.error for r in self.results if r.error is not None), None)


def proofs_of(document: Mapping[str, Any], max_proofs: int | None = None) -> list[dict[str, Any]]:
    """The document's proofs as a list; coded errors for a missing or malformed container, and
    ``proof.too_many`` for more than ``max_proofs``."""
    if "proof" not in document or document["proof"] is None:
        raise ProofError("proof.missing", "the document has no proof", "$.proof")
    raw = document["proof"]
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise ProofError("proof.missing", "the proof list is empty", "$.proof")
    if max_proofs is not None and len(items) > max_proofs:
        raise ProofError("proof.too_many",
                         f"the document carries {len(items)} proofs; at most {max_proofs} are "
                         "checked, so none was", "$.proof",
                         details={"count": len(items), "limit": max_proofs})
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            where = "$.proof" if not isinstance(raw, list) else f"$.proof[{i}]"
            raise ProofError("proof.malformed", "a proof must be a JSON object", where)
    return [dict(p) for p in items]


def _previous_ids(proof: Mapping[str, Any], where: str) -> list[str]:
    if "previousProof" not in proof:
        return []
    value = proof["previousProof"]
    ids = value if isinstance(value, list) else [value]
    if not ids or not all(isinstance(v, str) and v for v in ids):
        raise ProofError("proof.chain_error", "previousProof must be a proof id or a list of ids",
                         f"{where}.previousProof")
    return list(ids)


def _check_vm_syntax(proof: Mapping[str, Any], where: str) -> str:
    vm = proof.get("verificationMethod")
    if isinstance(vm, dict):
        vm = vm.get("id")
    if not isinstance(vm, str) or not vm:
        raise DidError("vm.invalid", "the proof names no verificationMethod",
                       f"{where}.verificationMethod")
    parts = urlsplit(vm)
    if not parts.scheme or (parts.scheme != "did" and not parts.netloc):
        raise DidError("vm.invalid", f"verificationMethod {vm!r} is not an absolute URL",
                       f"{where}.verificationMethod")
    return vm


class ProofChecker:
    """Verifies every proof on a document with the suites, keys and clock it is given.

    A document's proofs share their work: each distinct signed input (the unsecured document,
    or it plus the proofs a ``previousProof`` names) is canonicalized once for all of them, and
    one RDFC work budget (``max_work``, default the canonicalizer's) covers the whole document.
    At most ``max_proofs`` proofs are accepted (``proof.too_many``), and checking stops at the
    first proof that fails.
    """

    def __init__(self, suites: SuiteRegistry, keys: KeyLookup, clock: Clock,
                 document_loader: DocumentLoader, *, max_proofs: int = DEFAULT_MAX_PROOFS,
                 max_work: int | None = None) -> None:
        if max_proofs < 1:
            raise ValueError("max_proofs must be at least 1")
        self.suites = suites
        self.keys = keys
        self.clock = clock
        self.document_loader = document_loader
        self.max_proofs = max_proofs
        self.max_work = max_work

    def _check_options(self, proof: Mapping[str, Any], purpose: str, where: str,
                       challenge: str | None, domain: str | None) -> None:
        got = proof.get("proofPurpose")
        if got != purpose:
            raise ProofError("proof.invalid_purpose",
                             f"proofPurpose is {got!r}; this check needs {purpose!r}",
                             f"{where}.proofPurpose")
        now = self.clock.now()
        if "created" in proof:
            try:
                created = parse_datetime(proof["created"])
            except (ValueError, TypeError) as exc:
                raise ProofError("proof.invalid_date", f"proof.created is not a dateTime: {exc}",
                                 f"{where}.created") from exc
            if created > now + CREATED_SKEW:
                raise ProofError("proof.invalid_date", "proof.created is in the future",
                                 f"{where}.created")
        if "expires" in proof:
            try:
                expires = parse_datetime(proof["expires"])
            except (ValueError, TypeError) as exc:
                raise ProofError("proof.invalid_date", f"proof.expires is not a dateTime: {exc}",
                                 f"{where}.expires") from exc
            if expires < now:
                raise ProofError("proof.expired", "the proof has expired", f"{where}.expires")
        if challenge is not None and proof.get("challenge") != challenge:
            raise ProofError("proof.options_invalid", "the proof's challenge is not the one asked",
                             f"{where}.challenge")
        if domain is not None:
            got_domain = proof.get("domain")
            domains = got_domain if isinstance(got_domain, list) else [got_domain]
            if domain not in domains:
                raise ProofError("proof.options_invalid", "the proof's domain is not the one asked",
                                 f"{where}.domain")

    def verify(self, document: Mapping[str, Any], *, purpose: str = "assertionMethod",
               expected_controller: str | None = None, challenge: str | None = None,
               domain: str | None = None) -> ProofOutcome:
        """Check the proofs of ``document`` in order, stopping at the first that fails; never
        raises for bad input."""
        try:
            proofs = proofs_of(document, self.max_proofs)
        except ProofError as exc:
            return ProofOutcome(results=(), error=exc)
        single = not isinstance(document.get("proof"), list)
        by_id = {p["id"]: p for p in proofs if isinstance(p.get("id"), str)}
        shared = _SharedWork(strip_proof(document), by_id, HashCache(self.max_work))
        results: list[ProofResult] = []
        for index, proof in enumerate(proofs):
            where = "$.proof" if single else f"$.proof[{index}]"
            result = self._verify_one(shared, proof, index, where, purpose,
                                      expected_controller, challenge, domain)
            results.append(result)
            if result.error is not None and index + 1 < len(proofs):
                return ProofOutcome(results=tuple(results),
                                    details={"notAttempted": len(proofs) - index - 1})
        return ProofOutcome(results=tuple(results))

    def _verify_one(self, shared: _SharedWork, proof: dict[str, Any], index: int, where: str,
                    purpose: str, expected_controller: str | None, challenge: str | None,
                    domain: str | None) -> ProofResult:
        suite_name = str(proof.get("cryptosuite") or proof.get("type"))
        vm_id: str | None = None
        binding: KeyBinding | None = None
        try:
            suite = self.suites.for_proof(proof)
            vm_id = _check_vm_syntax(proof, where)
            self._check_options(proof, purpose, where, challenge, domain)
            input_doc = shared.input_for(_previous_ids(proof, where), where)
            binding = self.keys.lookup(vm_id, purpose=purpose,
                                       expected_controller=expected_controller)
            if binding.public_key is None:
                raise binding.problem or DidError("vm.not_found", "no key for this proof",
                                                  f"{where}.verificationMethod")
            check_signature(suite, input_doc, proof, binding.public_key,
                            document_loader=self.document_loader, cache=shared.cache)
        except (ProofError, DidError, FetchError) as exc:
            return ProofResult(index, suite_name, vm_id, _located(exc, where), binding)
        except VCError as exc:  # canonicalization, context and key-format errors
            return ProofResult(index, suite_name, vm_id, exc, binding)
        return ProofResult(index, suite_name, vm_id, None, binding)


class _SharedWork:
    """The signed inputs of one document's proofs, built once each, and their hash cache."""

    def __init__(self, unsecured: dict[str, Any], by_id: Mapping[str, dict[str, Any]],
                 cache: HashCache) -> None:
        self.unsecured = unsecured
        self.by_id = by_id
        self.cache = cache
        self._chained: dict[tuple[str, ...], dict[str, Any]] = {}

    def input_for(self, previous: list[str], where: str) -> Mapping[str, Any]:
        """The document a proof signs: the unsecured document, plus the proofs it chains to.

        The same object for every proof that signs the same input, so the cache canonicalizes
        it once.
        """
        if not previous:
            return self.unsecured
        key = tuple(previous)
        found = self._chained.get(key)
        if found is None:
            missing = [p for p in previous if p not in self.by_id]
            if missing:
                raise ProofError("proof.chain_error",
                                 f"previousProof {missing[0]!r} is not in this document",
                                 f"{where}.previousProof")
            found = dict(self.unsecured)
            found["proof"] = [self.by_id[p] for p in previous]
            self._chained[key] = found
        return found


def _located(exc: VCError, where: str) -> VCError:
    """Errors from nested proofs say which proof of a set they are about."""
    if exc.path and exc.path.startswith("$.proof") and where != "$.proof":
        exc.path = where + exc.path[len("$.proof"):]
    return exc


def add_proof(document: Mapping[str, Any], key: Ed25519KeyPair, *, suites: SuiteRegistry,
              suite: str, verification_method: str, purpose: str = "assertionMethod",
              created: str | None = None, document_loader: DocumentLoader,
              extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof (a proof set if it had one already).

    ``extra`` adds proof options such as ``challenge``, ``domain``, ``id`` or ``previousProof``.
    """
    impl = suites.by_name(suite)
    options: dict[str, Any] = {"type": impl.proof_type}
    if impl.cryptosuites[0] is not None:
        options["cryptosuite"] = impl.cryptosuites[0]
    if created is not None:
        options["created"] = created
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = purpose
    options.update(extra or {})
    existing = document.get("proof")
    unsecured: dict[str, Any] = copy.deepcopy(strip_proof(document))
    previous = options.get("previousProof")
    if previous is not None and existing is not None:
        prior = existing if isinstance(existing, list) else [existing]
        wanted = previous if isinstance(previous, list) else [previous]
        unsecured["proof"] = [p for p in prior if isinstance(p, dict) and p.get("id") in wanted]
    proof = sign(impl, unsecured, options, key, document_loader=document_loader)
    out = copy.deepcopy(dict(document))
    if existing is None:
        out["proof"] = proof
    else:
        out["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return out
