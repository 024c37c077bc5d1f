"""Properties of RDFC-1.0 and canonical N-Quads that must hold for any input (hypothesis).

* The canonical form does not depend on blank-node labels or quad order.
* A blank node used twice in one quad is one node (a quad is listed once for it).
* Literals survive serialize -> parse unchanged, and canonical text never carries a raw control
  character (U+0000-U+001F, U+007F) that could end or alter a line.
"""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.canon import (
    Quad,
    canonicalize,
    literal,
    literal_parts,
    parse_nquads,
    quad_line,
    serialize,
)

# Generous, since random graphs over five nodes can be symmetric; the point here is correctness.
WORK = 10**6
LABELS = [f"_:n{i}" for i in range(5)]
IRIS = ["<http://example.org/a>", "<http://example.org/b>", "<urn:x:\u221e>"]
PREDICATES = ["<http://example.org/p>", "<http://example.org/q>"]

texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
literals = st.builds(
    literal, texts,
    st.sampled_from([None, "http://www.w3.org/2001/XMLSchema#integer", "urn:dt"]),
    st.sampled_from([None, "en", "fr-CA"]),
)
nodes = st.sampled_from(LABELS + IRIS)
quads = st.builds(
    Quad, nodes, st.sampled_from(PREDICATES), st.one_of(nodes, literals),
    st.sampled_from(["", "<http://example.org/g>", "_:n0", "_:n4"]),
)
datasets = st.lists(quads, max_size=14)
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")

#: Per-test settings (not a global profile, which would leak into other test modules).
canon_settings = settings(deadline=None, max_examples=150)


def _relabel(dataset: list[Quad], mapping: dict[str, str]) -> list[Quad]:
    def term(value: str) -> str:
        return mapping.get(value, value)

    return [Quad(term(s), p, term(o), term(g)) for s, p, o, g in dataset]


@canon_settings
@given(datasets, st.permutations(range(5)), st.randoms(use_true_random=False))
def test_invariant_under_relabelling_and_order(dataset: list[Quad], order: list[int],
                                               rnd: random.Random) -> None:
    expected = canonicalize(dataset, max_work=WORK)
    renamed = {label: f"_:x{order[i]}y" for i, label in enumerate(LABELS)}
    shuffled = _relabel(dataset, renamed)
    rnd.shuffle(shuffled)
    result = canonicalize(shuffled, max_work=WORK)
    assert result.nquads == expected.nquads
    # The issued map covers exactly the input's blank nodes, with labels c14n0..c14nN-1.
    used = {t[2:] for q in shuffled for t in (q.subject, q.object, q.graph) if t[:2] == "_:"}
    assert set(result.issued) == used
    assert sorted(result.issued.values()) == sorted(f"c14n{i}" for i in range(len(used)))


@canon_settings
@given(datasets)
def test_output_is_sorted_unique_and_reparses(dataset: list[Quad]) -> None:
    text = canonicalize(dataset, max_work=WORK).nquads
    lines = text.split("\n")
    assert lines[-1] == ""
    assert lines[:-1] == sorted(set(lines[:-1]))
    assert canonicalize(parse_nquads(text), max_work=WORK).nquads == text


@canon_settings
@given(datasets, st.sampled_from(LABELS))
def test_blank_node_twice_in_one_quad(dataset: list[Quad], node: str) -> None:
    loop = Quad(node, "<http://example.org/self>", node)
    with_loop = canonicalize([*dataset, loop], max_work=WORK)
    assert canonicalize([loop, *reversed(dataset)], max_work=WORK).nquads == with_loop.nquads
    label = with_loop.issued[node[2:]]
    assert f"_:{label} <http://example.org/self> _:{label} .\n" in with_loop.nquads


def test_self_loop_is_not_a_two_node_edge() -> None:
    loop = canonicalize([Quad("_:a", "<http://example.org/p>", "_:a")])
    edge = canonicalize([Quad("_:a", "<http://example.org/p>", "_:b")])
    assert loop.nquads == "_:c14n0 <http://example.org/p> _:c14n0 .\n"
    assert edge.nquads != loop.nquads


@canon_settings
@given(texts)
def test_literal_escaping_round_trip(value: str) -> None:
    term = literal(value)
    line = quad_line(Quad("<http://example.org/s>", "<http://example.org/p>", term))
    assert _CONTROL.search(line[:-1]) is None
    assert "\n" not in line[:-1] and "\r" not in line
    (parsed,) = parse_nquads(line)
    assert parsed.object == term
    assert literal_parts(parsed.object)[0] == value


@canon_settings
@given(st.lists(quads, max_size=6))
def test_serialize_parse_round_trip(dataset: list[Quad]) -> None:
    assert parse_nquads(serialize(dataset)) == dataset


def test_control_character_escapes() -> None:
    value = "".join(map(chr, range(0x20))) + "\x7f\"\\\x85\u2028é"
    assert literal(value) == (
        '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r'
        "\\u000E\\u000F\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        '\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F\\u007F\\"\\\\\x85\u2028é"'
    )
