"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024), written for this project.

Why our own and not pyld's: pyld 3.3.0 implements the older URDNA2015 text, counts a quad twice
for a blank node that appears twice in it (``_:a <p> _:a .``), escapes literals the pre-RDF-1.2
way, has no SHA-384, iterates a ``set`` where the spec fixes an order (so the issued map can
vary), and has no limit on Hash N-Degree Quads, so a small symmetric "poison" graph makes it run
for minutes. Every signature over JSON-LD hashes this output, so it must be exact and bounded.

Terms are canonical N-Quads strings (see :mod:`.nquads`), which makes the first-degree hashing
and the final serialization plain string work. The common case (a credential with a handful of
blank nodes, each with a distinct first-degree hash) never reaches Hash N-Degree Quads.

Section numbers below refer to https://www.w3.org/TR/rdf-canon/.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import permutations
from typing import Any

from ..errors import CanonicalizationError
from .nquads import Quad

#: Default work budget, in units of one Hash N-Degree Quads call, one quad of the node it hashes
#: (each may cost related-node hashes) and one permutation examined. The hardest positive W3C
#: tests (test044-046, "poison - evil") need about 6,200 units and a 60-node blank-node ring
#: 18,000; a 6-node clique needs 77,000 and a 10-node clique (test074) billions. At a few
#: microseconds a unit, exhausting the budget takes a few tens of milliseconds.
DEFAULT_WORK = 20_000

_HASHES: dict[str, Callable[..., Any]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


def _hash_function(name: str) -> Callable[[str], str]:
    """The hex-digest function for ``name`` ("sha256", "SHA-384", "SHA512", ...)."""
    key = name.lower().replace("-", "").replace("_", "")
    constructor = _HASHES.get(key)
    if constructor is None:
        raise CanonicalizationError(
            "canonicalization.unsupported_hash",
            f"hash algorithm {name!r} is not supported (use SHA-256, SHA-384 or SHA-512)",
        )

    def digest(text: str) -> str:
        return str(constructor(text.encode("utf-8")).hexdigest())

    return digest


@dataclass(frozen=True, slots=True)
class CanonicalDataset:
    """The result of canonicalization.

    ``nquads`` is the canonical N-Quads document: sorted, without duplicates, one ``\\n`` after
    every line (empty for an empty dataset). ``issued`` maps each input blank-node label to its
    canonical label, both without ``_:`` (``{"e0": "c14n0"}``), as RDFC-1.0's issued identifiers
    map; selective disclosure needs it to relate input nodes to signed ones.
    """

    nquads: str
    issued: dict[str, str]


class WorkBudget:
    """A work allowance that several canonicalizations draw on together.

    A document with a proof set or chain is canonicalized more than once (each distinct input
    document, each proof's options); sharing one budget makes the bound hold per document, so
    many proofs cannot multiply what one hostile graph may cost.
    """

    __slots__ = ("remaining",)

    def __init__(self, units: int = DEFAULT_WORK) -> None:
        self.remaining = units


def _line(s: str, p: str, o: str, g: str) -> str:
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


class _Canonicalizer:
    """State of one run (section 4.4.2): blank node to quads map, canonical issuer, budget."""

    __slots__ = ("bnode_quads", "budget", "canonical", "first_degree", "hash")

    def __init__(self, bnode_quads: dict[str, list[Quad]], digest: Callable[[str], str],
                 budget: WorkBudget) -> None:
        self.bnode_quads = bnode_quads
        self.hash = digest
        self.budget = budget
        # Canonical issuer: input term ("_:e0") -> canonical label ("c14n0"), in issuance order.
        self.canonical: dict[str, str] = {}
        self.first_degree: dict[str, str] = {}

    def spend(self, units: int = 1) -> None:
        """Count deep work; symmetric graphs would otherwise take factorial time."""
        self.budget.remaining -= units
        if self.budget.remaining < 0:
            raise CanonicalizationError(
                "canonicalization.limit_exceeded",
                "canonicalization exceeded its work budget: the blank nodes form a highly "
                "symmetric (possibly malicious) graph",
            )

    def hash_first_degree(self, node: str) -> str:
        """Section 4.6: hash of ``node``'s quads with itself as ``_:a`` and others as ``_:z``."""
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached
        lines = []
        for s, p, o, g in self.bnode_quads[node]:
            if s[0] == "_":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_":
                o = "_:a" if o == node else "_:z"
            if g and g[0] == "_":
                g = "_:a" if g == node else "_:z"
            lines.append(_line(s, p, o, g))
        lines.sort()
        result = self.hash("".join(lines))
        self.first_degree[node] = result
        return result

    def hash_related(self, related: str, predicate: str, issuer: dict[str, str],
                     position: str) -> str:
        """Section 4.7: hash for a blank node related to the one being hashed."""
        if position == "g":
            text = "g"
        else:
            text = position + predicate  # the predicate term already carries its <>
        label = self.canonical.get(related) or issuer.get(related)
        if label is not None:
            return self.hash(f"{text}_:{label}")
        return self.hash(text + self.hash_first_degree(related))

    def hash_n_degree(self, node: str, issuer: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Section 4.8: hash ``node`` by exploring its related blank nodes in every order.

        ``issuer`` maps input terms to temporary labels in issuance order; it is never changed
        here (copies are), so callers can keep using theirs.
        """
        quads = self.bnode_quads[node]
        # One unit for the call and one per quad, since each quad may cost related hashes.
        self.spend(1 + len(quads))
        related_by_hash: dict[str, list[str]] = {}
        for s, p, o, g in quads:
            if s[0] == "_" and s != node:
                related_by_hash.setdefault(self.hash_related(s, p, issuer, "s"), []).append(s)
            if o[0] == "_" and o != node:
                related_by_hash.setdefault(self.hash_related(o, p, issuer, "o"), []).append(o)
            if g and g[0] == "_" and g != node:
                related_by_hash.setdefault(self.hash_related(g, p, issuer, "g"), []).append(g)

        canonical = self.canonical
        data = []
        for related_hash in sorted(related_by_hash):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: dict[str, str] = issuer
            for permutation in permutations(related_by_hash[related_hash]):
                self.spend()
                issuer_copy = issuer.copy()
                path = ""
                recursion = []
                pruned = False
                for related in permutation:
                    label = canonical.get(related)
                    if label is None:
                        label = issuer_copy.get(related)
                        if label is None:
                            recursion.append(related)
                            label = issuer_copy[related] = f"b{len(issuer_copy)}"
                    path += "_:" + label
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        pruned = True
                        break
                if pruned:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += f"_:{issuer_copy[related]}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        pruned = True
                        break
                if pruned:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.append(chosen_path)
            issuer = chosen_issuer
        return self.hash("".join(data)), issuer


def canonicalize(quads: Iterable[Quad], *, hash_algorithm: str = "sha256",
                 max_work: int = DEFAULT_WORK, budget: WorkBudget | None = None) -> CanonicalDataset:
    """Canonicalize a dataset with RDFC-1.0 (section 4.4).

    ``quads`` may repeat quads (a dataset is a set; duplicates are dropped first) and come in any
    order; blank-node labels in the input do not affect the output. ``max_work`` bounds Hash
    N-Degree Quads calls plus permutations; exceeding it raises
    ``canonicalization.limit_exceeded``; a shared ``budget`` (:class:`WorkBudget`) replaces
    ``max_work`` and is drawn down by this run. An unknown ``hash_algorithm`` raises
    ``canonicalization.unsupported_hash``; a blank-node predicate (generalized RDF) raises
    ``canonicalization.invalid_nquads``.
    """
    digest = _hash_function(hash_algorithm)
    unique = list(dict.fromkeys(quads))

    # 4.4.3 step 2: blank node to quads map. A quad is listed once per distinct blank node in
    # it, however many positions that node fills.
    bnode_quads: dict[str, list[Quad]] = {}
    for quad in unique:
        s, p, o, g = quad
        if p[0] == "_":
            raise CanonicalizationError(
                "canonicalization.invalid_nquads",
                f"blank node {p} used as a predicate (generalized RDF is not canonicalized)",
            )
        if s[0] == "_":
            bnode_quads.setdefault(s, []).append(quad)
        if o[0] == "_" and o != s:
            bnode_quads.setdefault(o, []).append(quad)
        if g and g[0] == "_" and g != s and g != o:
            bnode_quads.setdefault(g, []).append(quad)

    if not bnode_quads:
        return CanonicalDataset(_sorted_text(_line(*q) for q in unique), {})

    state = _Canonicalizer(bnode_quads, digest, budget if budget is not None else WorkBudget(max_work))

    # Step 3: group blank nodes by first-degree hash (in first-appearance order).
    by_hash: dict[str, list[str]] = {}
    for node in bnode_quads:
        by_hash.setdefault(state.hash_first_degree(node), []).append(node)

    # Step 4: nodes with a unique first-degree hash get canonical labels in hash order.
    canonical = state.canonical
    shared = []
    for first_hash in sorted(by_hash):
        nodes = by_hash[first_hash]
        if len(nodes) == 1:
            canonical[nodes[0]] = f"c14n{len(canonical)}"
        else:
            shared.append(nodes)

    # Step 5: the rest, through Hash N-Degree Quads, one group of equal hashes at a time.
    for nodes in shared:
        results = []
        for node in nodes:
            if node in canonical:
                continue
            result_hash, issuer = state.hash_n_degree(node, {node: "b0"})
            results.append((result_hash, issuer))
        results.sort(key=_first)
        for _, issuer in results:
            for existing in issuer:
                if existing not in canonical:
                    canonical[existing] = f"c14n{len(canonical)}"

    # Step 6: relabel and serialize.
    relabel = {node: "_:" + label for node, label in canonical.items()}
    lines = []
    for s, p, o, g in unique:
        if s[0] == "_":
            s = relabel[s]
        if o[0] == "_":
            o = relabel[o]
        if g and g[0] == "_":
            g = relabel[g]
        lines.append(_line(s, p, o, g))
    issued = {node[2:]: label for node, label in canonical.items()}
    return CanonicalDataset(_sorted_text(lines), issued)


def _first(item: tuple[str, dict[str, str]]) -> str:
    return item[0]


def _sorted_text(lines: Iterable[str]) -> str:
    """Lines in code-point order, duplicates removed, joined (each already ends in ``\\n``)."""
    text = "".join(sorted(set(lines)))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalizationError(
            "canonicalization.invalid_nquads",
            "a term contains a lone surrogate, which is not a Unicode character",
        ) from exc
    return text
