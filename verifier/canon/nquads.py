"""RDF terms and quads, an N-Quads parser, and the canonical N-Quads serializer.

A term is kept as the exact text canonical N-Quads writes for it: ``<iri>``, ``_:label`` or a
literal such as ``"chat"@fr`` / ``"5"^^<http://www.w3.org/2001/XMLSchema#integer>``. A quad is
a 4-tuple of such strings, with ``""`` as the graph of the default graph. Why strings rather than
term objects: canonicalization runs on every proof verification, and everything it does with a
term is compare it, hash it, tell whether it is a blank node, or write it out. With the canonical
text precomputed once, those are plain string operations, serialization is a join, and the first
character says what a term is (``<`` IRI, ``_`` blank node, ``"`` literal).

Escaping follows canonical N-Quads as RDFC-1.0 requires (RDF 1.2 N-Triples canonical form):
``\\``, ``"``, LF, CR, BS, TAB and FF become ``\\\\ \\" \\n \\r \\b \\t \\f``; every other character
in U+0000–U+001F and U+007F becomes ``\\u00XX`` (upper-case hex); everything else, including
non-ASCII and C1 controls, is written as raw UTF-8. IRIs are written as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..errors import CanonicalizationError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: The graph component of a quad in the default graph.
DEFAULT_GRAPH = ""


class Quad(NamedTuple):
    """One RDF quad; every component is a term in canonical N-Quads text (see module docs)."""

    subject: str
    predicate: str
    object: str
    graph: str = DEFAULT_GRAPH


# -- terms ----------------------------------------------------------------------------------

_ESCAPES: dict[int, str] = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
_ESCAPES.update({
    ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r",
    ord("\b"): "\\b", ord("\t"): "\\t", ord("\f"): "\\f",
})
# One search per literal decides whether the (slower) translate is needed at all; most values
# in a credential have nothing to escape.
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]')


def escape_literal(value: str) -> str:
    """``value`` escaped for the inside of a canonical N-Quads string literal."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_ESCAPES)


def iri(value: str) -> str:
    """The term for the IRI ``value``."""
    return f"<{value}>"


def blank_node(label: str) -> str:
    """The term for the blank node ``label`` (without ``_:``)."""
    return f"_:{label}"


def literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """The term for a literal; ``xsd:string`` (and no datatype) is written without ``^^``."""
    text = f'"{escape_literal(value)}"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def is_blank(term: str) -> bool:
    """True for a blank-node term (``_:label``)."""
    return term[:2] == "_:"


def is_iri(term: str) -> bool:
    """True for an IRI term (``<...>``)."""
    return term[:1] == "<"


def is_literal(term: str) -> bool:
    """True for a literal term (``"..."...``)."""
    return term[:1] == '"'


def quad_line(quad: Quad | tuple[str, str, str, str]) -> str:
    """The N-Quads line for one quad, with its trailing newline."""
    s, p, o, g = quad
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def serialize(quads: Iterable[Quad]) -> str:
    """N-Quads text for ``quads`` in the given order (use :mod:`.rdfc` for canonical order)."""
    return "".join(map(quad_line, quads))


# -- parsing --------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF = rf'<((?:[^\x00-\x20<>"{{}}|^`\\]|{_UCHAR})*)>'
_BNODE = rf"(_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)"
_STRING = rf'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*)"'
_LANGTAG = r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
_WS = "[ \t]*"

# Whitespace is spelled out as space/tab: Python's \s also matches U+0085 and U+00A0, which
# are ordinary characters inside N-Quads IRIs and literals.
_LINE_PATTERN = (
    f"{_WS}"
    f"(?:{_IRIREF}|{_BNODE}){_WS}"  # subject: groups 1-2
    f"{_IRIREF}{_WS}"  # predicate: group 3
    f"(?:{_IRIREF}|{_BNODE}|{_STRING}(?:\\^\\^{_IRIREF}|{_LANGTAG})?){_WS}"  # object: 4-8
    f"(?:(?:{_IRIREF}|{_BNODE}){_WS})?"  # graph: 9-10
    rf"\.{_WS}(?:#.*)?"
)


@functools.cache
def _line_re() -> re.Pattern[str]:
    """The statement pattern, compiled on first parse: its Unicode classes take ~25 ms to compile,
    and verification only ever serializes N-Quads, never parses them."""
    return re.compile(_LINE_PATTERN)


_BLANK_LINE = re.compile(f"{_WS}(?:#.*)?")
_EOL = re.compile("[\r\n]+")
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf\"'\\\\]))")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape_match(match: re.Match[str]) -> str:
    short, long, echar = match.groups()
    if echar is not None:
        return _ECHARS[echar]
    code = int(short or long, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"\\u escape {code:#x} is not a Unicode scalar value")
    return chr(code)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(_unescape_match, text) if "\\" in text else text


def _iri_term(raw: str) -> str:
    return f"<{_unescape(raw)}>"


def _node_term(iri_raw: str | None, bnode: str | None) -> str:
    return _iri_term(iri_raw) if iri_raw is not None else bnode  # type: ignore[return-value]


def _parse_line(match: re.Match[str]) -> Quad:
    (s_iri, s_bn, p_iri, o_iri, o_bn, o_str, o_dt, o_lang, g_iri, g_bn) = match.groups()
    subject = _node_term(s_iri, s_bn)
    if o_str is not None:
        obj = literal(_unescape(o_str), _unescape(o_dt) if o_dt is not None else None, o_lang)
    else:
        obj = _node_term(o_iri, o_bn)
    if g_iri is None and g_bn is None:
        graph = DEFAULT_GRAPH
    else:
        graph = _node_term(g_iri, g_bn)
    return Quad(subject, _iri_term(p_iri), obj, graph)


def iter_nquads(text: str) -> Iterator[Quad]:
    """Quads from N-Quads ``text`` in document order (duplicates kept).

    Raises ``canonicalization.invalid_nquads`` naming the 1-based line of the first bad line.
    Only LF and CR end lines, never U+0085 or U+2028, which may appear raw inside literals.
    """
    for number, line in enumerate(_EOL.split(text), start=1):
        match = _line_re().fullmatch(line)
        if match is None:
            if _BLANK_LINE.fullmatch(line) is not None:
                continue
            raise CanonicalizationError(
                "canonicalization.invalid_nquads", f"line {number} is not a valid N-Quads statement"
            )
        try:
            yield _parse_line(match)
        except ValueError as exc:
            raise CanonicalizationError(
                "canonicalization.invalid_nquads", f"line {number}: {exc}"
            ) from exc


_LITERAL_TERM = re.compile(rf"{_STRING}(?:\^\^<(.*)>|@(.*))?", re.DOTALL)


def literal_parts(term: str) -> tuple[str, str, str | None]:
    """``(value, datatype, language)`` of a literal term, unescaped; the datatype is
    ``xsd:string`` or ``rdf:langString`` when the term does not write one."""
    match = _LITERAL_TERM.fullmatch(term)
    if match is None:
        raise ValueError(f"not a literal term: {term[:40]!r}")
    raw, datatype, language = match.groups()
    if language is not None:
        return _unescape(raw), RDF_LANGSTRING, language
    return _unescape(raw), datatype if datatype is not None else XSD_STRING, None


def parse_nquads(text: str) -> list[Quad]:
    """All quads of N-Quads ``text`` (see :func:`iter_nquads`)."""
    return list(iter_nquads(text))
