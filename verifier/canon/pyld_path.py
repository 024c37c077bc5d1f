"""The reference JSON-LD to RDF path through pyld, with a safe mode: the project's only pyld importer.

:mod:`.jsonld` is the public face (``to_quads``, ``canonize``, ``expand``) and tries
:mod:`.fast_expand` first; this module is imported only when that path hands a document back or
the caller asks for the reference path, so a command-line verification that the fast path answers
never pays for loading pyld (and, through it, ``requests``). See :mod:`.jsonld` for why the
wrapper exists: safe mode, stable error codes, and per-loader context caches.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, MutableMapping
from typing import Any

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

from ..cache import LruCache
from ..errors import CanonicalizationError, VCError
from .loader import DocumentLoader
from .nquads import DEFAULT_GRAPH, Quad, literal

#: Processed-context cache entries kept per loader (inline contexts count too, so the bound also
#: caps what attacker-chosen inline contexts can occupy).
CONTEXT_CACHE_SIZE = 256
#: A step in a JSON path: an object key or an array index (as in error paths).
Segment = str | int

_ABSOLUTE_IRI = re.compile(r"(?:[A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*\Z")
#: Characters N-Quads does not allow in an IRI (RDF 1.1 N-Quads, IRIREF).
_BAD_IRI_CHAR = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: Well-formed BCP 47 language tag, syntactically (as JSON-LD processors check it).
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*\Z")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PROTECTED = "protected term redefinition"
#: Our key in pyld's options dict, carrying the scoped-context memo to the processor.
_MEMO = "vcwallet.scopedContextMemo"
#: pyld's immutable mapping type (processed active contexts are frozen into it).
_FROZEN = type(_pyld.freeze({}))


# -- per-loader context cache ---------------------------------------------------------------

class _LoaderCaches:
    """What is remembered for one document loader: pyld's processed-context cache and our
    scoped-context memo (see :class:`_Processor`)."""

    __slots__ = ("contexts", "scoped")

    def __init__(self, contexts: MutableMapping[str, Any]) -> None:
        self.contexts = contexts
        self.scoped: LruCache[Any, Any] = LruCache(CONTEXT_CACHE_SIZE)


_registry: weakref.WeakKeyDictionary[Any, _LoaderCaches] = weakref.WeakKeyDictionary()


def _caches_for(loader: DocumentLoader) -> _LoaderCaches:
    """The caches belonging to ``loader``, kept for as long as the loader lives.

    A loader may bring its own context cache (``loader.pyld_cache``, as
    ``ContextStore.document_loader`` does). A loader that cannot be weakly referenced, or a
    bound method recreated on every attribute access, gets fresh caches per call: slower, but
    never sharing one loader's contexts with another.
    """
    try:
        found = _registry.get(loader)
    except TypeError:
        found = None
    if found is None:
        own = getattr(loader, "pyld_cache", None)
        found = _LoaderCaches(own if isinstance(own, MutableMapping)
                              else LruCache(CONTEXT_CACHE_SIZE))
        try:
            _registry[loader] = found
        except TypeError:
            pass
    return found


def _options(loader: DocumentLoader, base: str | None, processing_mode: str | None,
             expand_context: Any) -> dict[str, Any]:
    caches = _caches_for(loader)
    options: dict[str, Any] = {
        "documentLoader": loader,
        "contextResolver": ContextResolver(caches.contexts, loader),
        "base": base or "",
        _MEMO: caches.scoped,
    }
    if processing_mode is not None:
        options["processingMode"] = processing_mode
    if expand_context is not None:
        options["expandContext"] = expand_context
    return options


# -- JSON paths -----------------------------------------------------------------------------


def _format_path(segments: list[Segment]) -> str:
    out = ["$"]
    for seg in segments:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif _PLAIN_KEY.match(seg):
            out.append(f".{seg}")
        else:
            out.append("[" + repr(seg) + "]")
    return "".join(out)


def _child(parent: Any, child: Any) -> list[Segment] | None:
    """Where ``child`` (by identity) sits in ``parent``, one or two levels down."""
    if isinstance(parent, dict):
        for key, value in parent.items():
            if value is child:
                return [key]
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is child:
                        return [key, index]
    elif isinstance(parent, list):
        for index, item in enumerate(parent):
            if item is child:
                return [index]
    return None


def _path_to(frames: list[Any]) -> tuple[list[Segment], Any]:
    """Segments from the document root to the innermost frame, and that frame.

    ``frames`` are the dicts and lists pyld is expanding, outermost first (all from pyld's copy
    of the document). pyld sometimes wraps a value in a fresh list before expanding it; a frame
    not found in its parent is such a wrapper and is skipped.
    """
    if not frames:
        return [], None
    current = frames[0]
    segments: list[Segment] = []
    for frame in frames[1:]:
        if frame is current:
            continue
        found = _child(current, frame)
        if found is not None:
            segments.extend(found)
            current = frame
    return segments, current


def _find(root: Any, match: Callable[[Any], bool]) -> list[Segment] | None:
    """Segments to the first node under ``root`` (depth first, keys sorted) that matches."""
    if match(root):
        return []
    if isinstance(root, dict):
        children: list[tuple[Segment, Any]] = [(key, root[key]) for key in sorted(root)]
    elif isinstance(root, list):
        children = list(enumerate(root))
    else:
        return None
    for segment, child in children:
        found = _find(child, match)
        if found is not None:
            return [segment, *found]
    return None


def _value_location(container: Any, value: Any) -> list[Segment]:
    """Where a string equal to ``value`` sits in ``container``: directly under it (an ``id``,
    a ``type`` list), as a key (an ``@id`` map), else anywhere below (an inline context)."""
    if isinstance(container, dict):
        for key in sorted(container):
            item = container[key]
            if item == value:
                return [key]
            if isinstance(item, list):
                for index, element in enumerate(item):
                    if element == value:
                        return [key, index]
        if value in container:
            return [value]
    return _find(container, lambda node: node == value) or []


# -- processors -----------------------------------------------------------------------------

class _Processor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, plus reuse of processed scoped contexts across calls.

    pyld caches a processed context per (context, active context) pair, but a type-scoped
    context is processed on a fresh clone of the active context with a fresh id, so it never
    hits that cache: for an Open Badge that is most of the expansion time, spent re-processing
    the same few contexts on every verification. Here the result is remembered when both inputs
    are objects that stay the same across calls: the active context is one of pyld's frozen,
    cached ones and the local context is a dict from a (read-only, memoized) loaded context.
    Entries hold both objects, so their ids cannot be reused while remembered, and the memo
    lives beside the loader's own context cache, so nothing is shared between loaders. Inline
    contexts from the document are fresh copies on every call and simply never hit.
    """

    def _process_context(self, active_ctx: Any, local_ctx: Any, options: Any,
                         override_protected: bool = False, propagate: bool = True,
                         validate_scoped: bool = True, cycles: Any = None) -> Any:
        memo = options.get(_MEMO)
        if (memo is None or cycles is not None or type(local_ctx) is not dict
                or type(active_ctx) is not _FROZEN):
            return super()._process_context(active_ctx, local_ctx, options, override_protected,
                                            propagate, validate_scoped, cycles)
        key = (id(active_ctx), id(local_ctx), options.get("base", ""), override_protected,
               propagate, validate_scoped)
        hit = memo.get(key)
        if hit is not None and hit[0] is active_ctx and hit[1] is local_ctx:
            return hit[2]
        result = super()._process_context(active_ctx, local_ctx, options, override_protected,
                                          propagate, validate_scoped, cycles)
        if type(result) is _FROZEN:
            memo[key] = (active_ctx, local_ctx, result)
        return result


# -- safe mode ------------------------------------------------------------------------------

class _SafeProcessor(_Processor):
    """A pyld processor that refuses to lose data, reporting where in the input it would.

    It follows pyld's recursion (``_expand`` / ``_expand_object``) to keep the JSON path of the
    element being expanded, and checks at the points where data would fall out: the
    ``on_property_dropped`` hook (undefined terms), ``_expand_iri`` with a base (a relative or
    malformed ``@id``, ``@type``, ``@vocab`` or ``@id``-coerced value), the expanded object when
    converting to RDF (blank-node properties, ill-formed language tags and ``@direction``, which
    RDF drops), and ``_process_context`` (``@base`` in an inline context). Error paths are
    computed only when raising.
    """

    def __init__(self, *, for_rdf: bool) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        self._for_rdf = for_rdf
        self._frames: list[Any] = []
        self._objects: list[tuple[Any, Any]] = []

    # pyld's recursion, tracked -----------------------------------------------------------

    def _expand(self, active_ctx: Any, active_property: Any, element: Any, *args: Any,
                **kwargs: Any) -> Any:
        if not isinstance(element, (dict, list)):
            return super()._expand(active_ctx, active_property, element, *args, **kwargs)
        self._frames.append(element)
        try:
            return super()._expand(active_ctx, active_property, element, *args, **kwargs)
        finally:
            self._frames.pop()

    def _expand_object(self, active_ctx: Any, active_property: Any, expanded_active_property: Any,
                       element: Any, expanded_parent: Any, *args: Any, **kwargs: Any) -> Any:
        self._frames.append(element)
        self._objects.append((element, active_ctx))
        try:
            result = super()._expand_object(active_ctx, active_property, expanded_active_property,
                                            element, expanded_parent, *args, **kwargs)
            if self._for_rdf:
                self._check_rdf(expanded_parent)
            return result
        finally:
            self._frames.pop()
            self._objects.pop()

    def _check_rdf(self, expanded: dict[str, Any]) -> None:
        """Refuse what expansion keeps but the conversion to RDF would drop."""
        for key in expanded:
            if key[:2] == "_:":
                self._lost_key(key, f"property expands to the blank node {key}, which RDF "
                                    "cannot use as a predicate")
        language = expanded.get("@language")
        if isinstance(language, str) and not _LANGUAGE_TAG.match(language):
            self._fail(_path_to(self._frames)[0] + self._key_of("@language"),
                       f"the language tag {language!r} is not well-formed; RDF would drop "
                       "the value")
        if "@direction" in expanded:
            self._fail(_path_to(self._frames)[0] + self._key_of("@direction"),
                       "@direction cannot be represented in the RDF that is signed")

    # loss detectors ----------------------------------------------------------------------

    def _property_dropped(self, expanded: Any) -> None:
        self._lost_key(expanded, "term is not defined by any @context, so it would be dropped "
                                 "and not covered by the signature")

    def _expand_iri(self, active_ctx: Any, value: Any, base: Any = None, vocab: bool = False,
                    local_ctx: Any = None, defined: Any = None) -> Any:
        # Expand without document-relative resolution first: if the answer is still not an
        # absolute IRI, a keyword or a blank node, pyld would resolve it against a base (possibly
        # its made-up http://example.org/base/) or drop it, and the signed data would not say
        # what the document says.
        result = super()._expand_iri(active_ctx, value, None, vocab, local_ctx, defined)
        if base is None or result is None or not isinstance(result, str) or result[:1] == "@":
            return result
        if _ABSOLUTE_IRI.match(result):
            if result[:2] == "_:" or _BAD_IRI_CHAR.search(result) is None:
                return result
            why = f"{result!r} contains characters an IRI cannot contain; RDF would drop it"
        else:
            why = (f"{value!r} is not an absolute IRI; it would be resolved against a base or "
                   "dropped instead of being signed as written")
        segments, frame = _path_to(self._frames)
        self._fail(segments + _value_location(frame, value), why)
        return None  # pragma: no cover - _fail raises

    def _process_context(self, active_ctx: Any, local_ctx: Any, options: Any, *args: Any,
                         **kwargs: Any) -> Any:
        inline = local_ctx if isinstance(local_ctx, list) else [local_ctx]
        for index, ctx in enumerate(inline):
            if isinstance(ctx, dict) and "@base" in ctx:
                segments, frame = _path_to(self._frames)
                where = _find(frame, lambda node: node is local_ctx)
                segments += ["@context"] if where is None else where
                if isinstance(local_ctx, list):
                    segments.append(index)
                segments.append("@base")
                raise CanonicalizationError(
                    "jsonld.base_not_allowed",
                    "an inline @context sets @base, which would change what relative IRIs "
                    "mean without the change being visible in the signed data",
                    _format_path(segments),
                )
        return super()._process_context(active_ctx, local_ctx, options, *args, **kwargs)

    # helpers -----------------------------------------------------------------------------

    def _key_of(self, expanded: Any) -> list[Segment]:
        """The key of the innermost object being expanded whose expansion is ``expanded``."""
        if not self._objects:
            return []
        element, active_ctx = self._objects[-1]
        if not isinstance(element, dict):
            return []
        for key in sorted(element):
            if key == "@context":
                continue
            if key == expanded or _pyld.JsonLdProcessor._expand_iri(
                    self, active_ctx, key, vocab=True) == expanded:
                return [key]
        return []

    def _lost_key(self, expanded: Any, why: str) -> None:
        segments, _ = _path_to(self._frames)
        self._fail(segments + self._key_of(expanded), why)

    @staticmethod
    def _fail(segments: list[Segment], why: str) -> None:
        raise CanonicalizationError("jsonld.data_loss", why, _format_path(segments))


def _processor(safe: bool, *, for_rdf: bool) -> Any:
    if safe:
        return _SafeProcessor(for_rdf=for_rdf)
    return _Processor()


# -- errors ---------------------------------------------------------------------------------

def _translate(exc: BaseException) -> VCError:
    """The error to raise for a pyld failure: a ``VCError`` found on the cause chain (the
    document loader's, or ours from inside a scoped context), else one built from the
    JSON-LD error codes on the chain."""
    codes: list[str] = []
    messages: list[str] = []
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if isinstance(node, VCError):
            return node
        if isinstance(node, _pyld.JsonLdError):
            if node.code:
                codes.append(str(node.code))
            if node.args:
                messages.append(str(node.args[0]))
        node = node.__cause__ or node.__context__
    details: dict[str, Any] = {"jsonld_codes": codes}
    if _PROTECTED in codes:
        error: VCError = CanonicalizationError(
            "context.protected_term",
            "a @context redefines a protected term, changing the meaning the original context "
            "fixed", None, details)
    else:
        what = codes[0] if codes else (messages[-1] if messages else type(exc).__name__)
        error = CanonicalizationError("jsonld.invalid", f"not valid JSON-LD: {what}", None, details)
    error.__cause__ = exc
    return error


def _run(call: Callable[..., Any], document: Any, options: dict[str, Any]) -> Any:
    """Run a pyld operation, turning whatever it raises into a ``VCError``."""
    if not isinstance(document, (dict, list)):
        # pyld would take a string for a URL and ask the document loader for it.
        raise CanonicalizationError(
            "jsonld.invalid", f"a JSON-LD document is an object or array, not {type(document)}")
    error: VCError | None = None
    try:
        return call(document, options)
    except VCError:
        raise
    except _pyld.JsonLdError as exc:
        error = _translate(exc)
    except RecursionError as exc:
        error = CanonicalizationError("jsonld.invalid", "the document is nested too deeply")
        error.__cause__ = exc
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # pyld assumes well-formed JSON-LD in places and fails with Python errors otherwise.
        error = CanonicalizationError("jsonld.invalid", f"not valid JSON-LD ({exc!r})")
        error.__cause__ = exc
    # Raised outside the handler so a re-raised loader error keeps its own context chain.
    raise error


# -- conversion -----------------------------------------------------------------------------

class _Terms:
    """Turns pyld's term dicts into N-Quads terms, refusing what RDF cannot carry.

    pyld 3.3.0 emits IRIs with characters N-Quads forbids (its absolute-IRI test even accepts a
    trailing newline) and language tags that are not well-formed. Written raw, either could
    splice text into the canonical N-Quads (a language tag ``en .\\n<s> <p> "x"@en`` reads as
    two statements), so two different documents could hash the same. JSON-LD says such a
    statement is not emitted: in safe mode that loss is an error, otherwise it is dropped.
    Validity is remembered per string since IRIs repeat (predicates, types).
    """

    __slots__ = ("checked", "safe")

    def __init__(self, safe: bool) -> None:
        self.safe = safe
        self.checked: set[str] = set()

    def reject(self, what: str) -> None:
        if self.safe:
            raise CanonicalizationError(
                "jsonld.data_loss", f"{what}; RDF cannot represent it, so it would be dropped")

    def iri(self, value: str) -> str | None:
        if value not in self.checked:
            if _BAD_IRI_CHAR.search(value) is not None:
                self.reject(f"the IRI {value!r} contains characters IRIs cannot contain")
                return None
            self.checked.add(value)
        return f"<{value}>"

    def node(self, term: dict[str, Any]) -> str | None:
        value: str = term["value"]
        if term["type"] == "blank node":
            return value
        return self.iri(value)

    def object(self, term: dict[str, Any] | None) -> str | None:
        if term is None:
            # pyld 3.3.0 leaves a None object for a list item that was a relative IRI; the
            # JSON-LD algorithm drops that triple (safe mode has refused it already).
            return None
        if term["type"] != "literal":
            return self.node(term)
        language = term.get("language")
        if language is not None:
            if not _LANGUAGE_TAG.match(language):
                self.reject(f"the language tag {language!r} is not well-formed")
                return None
            return literal(term["value"], None, language)
        datatype = term.get("datatype")
        if datatype and self.iri(datatype) is None:
            return None
        return literal(term["value"], datatype)


def _dataset_quads(dataset: dict[str, list[dict[str, Any]]], safe: bool) -> list[Quad]:
    """pyld's RDF dataset (graph name -> triple dicts) as :class:`Quad` tuples."""
    terms = _Terms(safe)
    quads: list[Quad] = []
    append = quads.append
    for graph_name, triples in dataset.items():
        graph: str | None
        if graph_name == "@default":
            graph = DEFAULT_GRAPH
        elif graph_name[:2] == "_:":
            graph = graph_name
        else:
            graph = terms.iri(graph_name)
            if graph is None:
                continue
        for triple in triples:
            subject = terms.node(triple["subject"])
            predicate = terms.node(triple["predicate"])
            obj = terms.object(triple["object"])
            if subject is not None and predicate is not None and obj is not None:
                append(Quad(subject, predicate, obj, graph))
    return quads


# -- entry points ---------------------------------------------------------------------------

def to_quads(document: Any, *, document_loader: DocumentLoader, safe: bool = True,
             base: str | None = None, processing_mode: str | None = None,
             expand_context: Any = None) -> list[Quad]:
    """:func:`.jsonld.to_quads` through pyld only (the reference the fast path is checked against)."""
    options = _options(document_loader, base, processing_mode, expand_context)
    dataset = _run(_processor(safe, for_rdf=True).to_rdf, document, options)
    return _dataset_quads(dataset, safe)


def expand(document: Any, *, document_loader: DocumentLoader, safe: bool = True) -> list[Any]:
    """:func:`.jsonld.expand` (pyld's expansion; in safe mode it fails where data would be lost)."""
    options = _options(document_loader, None, None, None)
    result: list[Any] = _run(_processor(safe, for_rdf=False).expand, document, options)
    return result
