"""The W3C RDFC-1.0 test suite (``../shared/interop/vectors/rdf-canon``), run data-driven.

Eval tests compare canonical N-Quads byte for byte, map tests compare the issued identifiers map,
and the one negative test (test074, a 10-node blank-node clique) must hit the work budget.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from verifier.canon import DEFAULT_WORK, Quad, canonicalize, parse_nquads
from verifier.errors import CanonicalizationError

SUITE = INTEROP / "vectors" / "rdf-canon"
MANIFEST = SUITE / "manifest.jsonld"


def _entries() -> list[Any]:
    if not MANIFEST.is_file():
        return [pytest.param(None, id="rdf-canon-missing",
                             marks=pytest.mark.skip(reason=INTEROP_MISSING))]
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in manifest["entries"]]


def _input(entry: dict[str, Any]) -> list[Quad]:
    # Bytes, not read_text(): no newline translation, and U+0085 in test060 stays a character.
    return parse_nquads((SUITE / entry["action"]).read_bytes().decode("utf-8"))


def _hash(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256"))


@pytest.mark.parametrize("entry", _entries())
def test_rdf_canon(entry: dict[str, Any]) -> None:
    kind = entry["type"]
    quads = _input(entry)
    if kind == "rdfc:RDFC10EvalTest":
        result = canonicalize(quads, hash_algorithm=_hash(entry))
        expected = (SUITE / entry["result"]).read_bytes()
        assert result.nquads.encode("utf-8") == expected
    elif kind == "rdfc:RDFC10MapTest":
        result = canonicalize(quads, hash_algorithm=_hash(entry))
        expected = json.loads((SUITE / entry["result"]).read_text(encoding="utf-8"))
        assert result.issued == expected
    elif kind == "rdfc:RDFC10NegativeEvalTest":
        with pytest.raises(CanonicalizationError) as info:
            canonicalize(quads, hash_algorithm=_hash(entry))
        assert info.value.code == "canonicalization.limit_exceeded"
    else:  # pragma: no cover - a new kind of test in the suite
        pytest.fail(f"unknown rdf-canon test type {kind}")


def _clique(size: int) -> list[Quad]:
    return [Quad(f"_:n{i}", "<http://example.org/p>", f"_:n{j}")
            for i in range(size) for j in range(size) if i != j]


def test_eight_clique_exceeds_the_default_budget() -> None:
    with pytest.raises(CanonicalizationError) as info:
        canonicalize(_clique(8))
    assert info.value.code == "canonicalization.limit_exceeded"


def test_small_clique_fits_the_default_budget() -> None:
    result = canonicalize(_clique(4))
    assert sorted(result.issued.values()) == [f"c14n{i}" for i in range(4)]


def test_budget_is_the_callers_choice() -> None:
    # A 6-clique (about 77,000 units) is refused by default but allowed with a larger budget.
    with pytest.raises(CanonicalizationError):
        canonicalize(_clique(6))
    assert canonicalize(_clique(6), max_work=DEFAULT_WORK * 10).nquads.count("\n") == 30


def test_unique_blank_nodes_spend_no_budget() -> None:
    # The common case (distinct first-degree hashes) never reaches Hash N-Degree Quads.
    quads = [Quad("_:a", "<http://example.org/name>", '"Alice"'),
             Quad("_:b", "<http://example.org/name>", '"Bob"'),
             Quad("_:a", "<http://example.org/knows>", "_:b")]
    assert canonicalize(quads, max_work=0).issued == {"a": "c14n0", "b": "c14n1"}


#: Each accepted spelling, and the hashlib algorithm it must mean.
HASH_NAMES = {"sha256": "sha256", "SHA256": "sha256", "SHA-256": "sha256",
              "sha384": "sha384", "SHA384": "sha384", "SHA-512": "sha512"}


@pytest.mark.parametrize("name", sorted(HASH_NAMES))
def test_hash_names_choose_the_hash_that_orders_the_labels(name: str) -> None:
    """Two blank nodes get canonical labels in the order of their first-degree hashes (RDFC-1.0
    4.4), so the issued labels show which hash ran: for these two literals SHA-256 puts ``b``
    first and SHA-384 and SHA-512 put ``a`` first."""
    name_iri = "<http://example.org/name>"
    quads = [Quad("_:a", name_iri, '"Alice"'), Quad("_:b", name_iri, '"Erin"')]
    first_degree = {label: hashlib.new(HASH_NAMES[name], f'_:a {name_iri} "{who}" .\n'.encode()).hexdigest()
                    for label, who in (("a", "Alice"), ("b", "Erin"))}
    first = min(first_degree, key=first_degree.__getitem__)
    assert first == ("b" if HASH_NAMES[name] == "sha256" else "a")
    assert canonicalize(quads, hash_algorithm=name).issued == {first: "c14n0", "ab".replace(first, ""): "c14n1"}
    # the N-degree path hashes with it too, and still labels every node of a symmetric clique
    assert sorted(canonicalize(_clique(3), hash_algorithm=name).issued.values()) == ["c14n0", "c14n1", "c14n2"]


@pytest.mark.parametrize("name", ["md5", "sha1", "blake2b", ""])
def test_unsupported_hash(name: str) -> None:
    with pytest.raises(CanonicalizationError) as info:
        canonicalize([], hash_algorithm=name)
    assert info.value.code == "canonicalization.unsupported_hash"


def test_blank_node_predicate_is_refused() -> None:
    with pytest.raises(CanonicalizationError) as info:
        canonicalize([Quad("<http://example.org/s>", "_:p", '"o"')])
    assert info.value.code == "canonicalization.invalid_nquads"


def test_empty_dataset() -> None:
    result = canonicalize([])
    assert result.nquads == ""
    assert result.issued == {}


@pytest.mark.parametrize("text", [
    "<http://example.org/s> <http://example.org/p> .",
    "<http://example.org/s> _:p <http://example.org/o> .",
    '"s" <http://example.org/p> <http://example.org/o> .',
    "<http://example.org/s> <http://example.org/p> <http://example.org/o>",
    '<http://example.org/s> <http://example.org/p> "unterminated .',
    "<http://example.org/s> <http://example.org/p> <http://exa mple.org/o> .",
    '<http://example.org/s> <http://example.org/p> "\\uD800" .',
])
def test_invalid_nquads(text: str) -> None:
    with pytest.raises(CanonicalizationError) as info:
        parse_nquads("# comment\n" + text + "\n")
    assert info.value.code == "canonicalization.invalid_nquads"
    assert "line 2" in info.value.message

