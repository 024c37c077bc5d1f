"""Canonicalization: RDF quads and N-Quads, RDFC-1.0, and JSON-LD to RDF (the one pyld user).

``canonize(document, document_loader=...)`` is what proof suites call: JSON-LD in, canonical
N-Quads out, in safe mode so nothing the signer wrote can silently fall out of the signature.
"""

from .jsonld import canonize, expand, to_quads
from .nquads import (
    DEFAULT_GRAPH,
    Quad,
    blank_node,
    escape_literal,
    iri,
    is_blank,
    is_iri,
    is_literal,
    iter_nquads,
    literal,
    literal_parts,
    parse_nquads,
    quad_line,
    serialize,
)
from .rdfc import DEFAULT_WORK, CanonicalDataset, canonicalize

__all__ = [
    "DEFAULT_GRAPH",
    "DEFAULT_WORK",
    "CanonicalDataset",
    "Quad",
    "blank_node",
    "canonicalize",
    "canonize",
    "escape_literal",
    "expand",
    "iri",
    "is_blank",
    "is_iri",
    "is_literal",
    "iter_nquads",
    "literal",
    "literal_parts",
    "parse_nquads",
    "quad_line",
    "serialize",
    "to_quads",
]
