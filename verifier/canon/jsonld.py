"""JSON-LD to RDF, with a safe mode: the fast path, else pyld (loaded through :mod:`.pyld_path`,
the only module that imports it, and only when a document needs it).

Why a wrapper and not pyld directly:

* **Canonicalization is ours.** pyld's ``normalize`` defaults to URDNA2012 and its URDNA2015 is
  wrong in places (see :mod:`.rdfc`), so pyld only produces the dataset and :func:`.canonicalize`
  does the rest.
* **Safe mode.** JSON-LD silently drops what it cannot map to an absolute IRI: an undefined term,
  a type or ``@id`` that is a relative reference (which pyld also quietly resolves against a
  made-up base), a ``@direction`` that RDF cannot carry. A signature over the resulting quads
  then does not cover that data, so an attacker can add or change it and the credential still
  "verifies". Safe mode (the default) turns every such loss into ``jsonld.data_loss`` naming the
  JSON path, and an inline ``@base`` into ``jsonld.base_not_allowed``.
* **Errors.** pyld raises ``JsonLdError`` chains; callers need stable codes. A ``VCError`` raised
  by the document loader (``context.not_allowed``...) is dug out of pyld's wrapping and re-raised
  as is, because "this context is not allowed" must not turn into "invalid JSON-LD".
* **Loading.** The caller's ``document_loader`` is always passed (pyld's global loader is never
  set), and processed contexts are cached per loader: pyld's own cache is process-wide and keyed
  by URL only, so one loader's answer would otherwise be reused for another loader.
* **Cold start.** pyld (and the ``requests`` it imports) costs more to load than a whole
  fast-path verification, so the pyld processor lives in :mod:`.pyld_path` and is imported the
  first time a document is handed back by :mod:`.fast_expand` or ``fast=False`` is asked for.
"""

from __future__ import annotations

from typing import Any

from . import fast_expand
from .loader import DocumentLoader
from .nquads import Quad
from .rdfc import DEFAULT_WORK, WorkBudget, canonicalize

# -- public API -----------------------------------------------------------------------------

def to_quads(document: Any, *, document_loader: DocumentLoader, safe: bool = True,
             base: str | None = None, processing_mode: str | None = None,
             expand_context: Any = None, fast: bool | None = None) -> list[Quad]:
    """The RDF dataset of a JSON-LD document, as quads (JSON-LD 1.1 Deserialize to RDF).

    ``document`` is parsed JSON (it is not modified). ``base`` is the document's URL, for
    relative references when ``safe`` is off (in safe mode a relative reference is an error
    anyway). ``processing_mode`` ("json-ld-1.0"/"json-ld-1.1") and ``expand_context`` are the
    JSON-LD API options of the same names, for conformance tests.

    Raises ``jsonld.data_loss`` / ``jsonld.base_not_allowed`` (safe mode), ``jsonld.invalid``,
    ``context.protected_term``, or the ``VCError`` the document loader raised.

    ``fast`` (default: :func:`.fast_expand.is_enabled`) first tries :mod:`.fast_expand`, which
    answers only where it matches this path exactly and otherwise hands the document back here.
    """
    if fast if fast is not None else fast_expand.is_enabled():
        if processing_mode is None and expand_context is None:
            quads = fast_expand.try_to_quads(document, document_loader)
            if quads is not None:
                return quads
    from . import pyld_path  # heavy (pyld, requests): only when the fast path hands back

    return pyld_path.to_quads(document, document_loader=document_loader, safe=safe, base=base,
                              processing_mode=processing_mode, expand_context=expand_context)


def canonize(document: Any, *, document_loader: DocumentLoader, safe: bool = True,
             max_work: int = DEFAULT_WORK, hash_algorithm: str = "sha256",
             fast: bool | None = None, budget: WorkBudget | None = None) -> str:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document: what Data Integrity proofs hash.

    Raises what :func:`to_quads` raises, plus ``canonicalization.limit_exceeded`` and
    ``canonicalization.unsupported_hash`` from :func:`.canonicalize`. ``budget`` shares one
    work allowance across several calls (one document's proofs).
    """
    quads = to_quads(document, document_loader=document_loader, safe=safe, fast=fast)
    return canonicalize(quads, hash_algorithm=hash_algorithm, max_work=max_work,
                        budget=budget).nquads


def expand(document: Any, *, document_loader: DocumentLoader, safe: bool = True) -> list[Any]:
    """JSON-LD expansion of ``document``; in safe mode fails where expansion would lose data."""
    from . import pyld_path  # expansion as such always goes through pyld

    return pyld_path.expand(document, document_loader=document_loader, safe=safe)
