"""A fast JSON-LD to RDF path for the documents credentials are, with pyld as the reference.

Why it exists: a warm eddsa-rdfc-2022 verification spends most of its time in pyld's expansion,
re-deriving the same term definitions (Open Badges 3.0 applies a type-scoped context on nearly
every node) and walking generic code paths. Here each context is compiled once into an immutable
term table, and a credential is turned straight into quads from those tables. It never imports
pyld, so the command-line cold path does not pay for loading it either.

Why it can be trusted: it mirrors pyld 3.3's expansion and toRdf step by step (the reference
path's behaviour is the contract, quirks included: the order type-scoped contexts apply, when a
type-scoped context is reverted, how a property-scoped context is applied twice, how numbers
become literals) for a deliberately small subset of JSON-LD. Anything outside that subset, and
every situation in which pyld would raise, drop something, resolve a relative IRI or warn, makes
it raise :class:`Unsupported`; :func:`try_to_quads` then returns ``None`` and the caller takes the
reference path, which produces the real answer or the real error (with its JSON path). It never
guesses, so safe mode behaves exactly as before: the fast path only answers for documents where
safe and unsafe mode agree because nothing is lost.

What is covered: remote contexts (a document loader answer tagged ``static`` is cached per
loader), inline contexts, ``@protected``/``@propagate``/``@version``/``@vocab``/``@language``,
type- and property-scoped contexts, term, compact-IRI and ``@vocab`` expansion, ``@id``-typed,
``@vocab``-typed and datatype-coerced values, ``@container`` ``@set``/``@list``/``@language``,
value objects (``@value`` with ``@type`` or ``@language``), blank nodes, nested node objects,
nulls. Refused (reference path): ``@graph``/``@id``/``@type``/``@index`` containers, ``@reverse``,
``@nest``, ``@included``, ``@json``, ``@direction``, ``@base``, ``@import``, null contexts,
``@type`` redefinition, lists of lists, relative IRIs, malformed language tags, and non-JSON
Python values.

Caches: per document loader, compiled contexts are kept in one LRU of :data:`CACHE_SIZE`
entries keyed by (parent context, context URLs or scoped-context object); entries hold both
inputs, so a reused ``id`` can never alias. Contexts from the document itself (inline
``@context`` objects) are compiled on every call and never cached, so attacker-chosen contexts
cannot evict the pinned ones (that LRU is :class:`verifier.cache.LruCache`). Compiled contexts
are immutable; per-context memo tables of key and type expansions are bounded by
:data:`MEMO_SIZE` and are plain dictionaries emptied when full, on purpose: they are read dozens
of times per credential on the warm path, where a lock and an LRU move per read cost more than
the expansion they save (``benchmarks/verify_proof.py``), and a compiled context is only ever
extended with answers that are the same whoever computes them, so a race costs nothing.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from ..cache import LruCache
from ..errors import VCError
from .loader import DocumentLoader
from .nquads import DEFAULT_GRAPH, Quad, escape_literal, literal

#: Compiled contexts kept per document loader.
CACHE_SIZE = 512
#: Memoized key/type expansions kept per compiled context.
MEMO_SIZE = 2048
#: Most remote context URLs one context resolution may load (pyld's MAX_CONTEXT_URLS is 10 per
#: uncached resolution; staying at or below it keeps the answer independent of cache state).
MAX_CONTEXT_URLS = 10
#: Deepest nesting of node objects handled here (the reference path reports deeper ones).
MAX_DEPTH = 64

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"
XSD_STRING = XSD + "string"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE_TERM = f"<{RDF}type>"
RDF_FIRST_TERM = f"<{RDF}first>"
RDF_REST_TERM = f"<{RDF}rest>"
RDF_NIL_TERM = f"<{RDF}nil>"

# pyld's keyword list and patterns, copied so the decisions below match it exactly.
_KEYWORDS = frozenset((
    "@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit", "@first",
    "@graph", "@id", "@import", "@included", "@index", "@json", "@language", "@list", "@nest",
    "@none", "@omitDefault", "@propagate", "@protected", "@preserve", "@requireAll", "@reverse",
    "@set", "@type", "@value", "@version", "@vocab",
))
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_PYLD_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_IRI_FORM_TERM = re.compile(r".*((:[^:])|/)")
_GEN_DELIM_END = re.compile(r".*[:/\?#\[\]@]$")
_PREFIX_NOT_ALLOWED = re.compile(r".*(:|/)")
_VALID_TERM_KEYS = frozenset((
    "@container", "@id", "@language", "@reverse", "@type", "@context", "@direction", "@index",
    "@nest", "@prefix", "@protected",
))
_VALID_CONTAINERS = frozenset(("@list", "@set", "@index", "@language", "@graph", "@id", "@type"))

#: An IRI every consumer accepts as is: absolute for pyld (which would otherwise drop it), for
#: safe mode (which would otherwise refuse it) and for N-Quads (no character it forbids).
_STRICT_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+\-.]*:[^\s\x00-\x20<>"{}|^`\\]*\Z')
#: Blank node identifiers handled here (they are relabelled, so only identity matters).
_BLANK_ID = re.compile(r"_:[A-Za-z0-9_.\-]+\Z")
#: Well-formed BCP 47 tag, syntactically, as the reference path checks it.
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*\Z")
#: Remote context URLs that pyld's URL resolution leaves exactly as written.
_CONTEXT_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%\-]*)*\Z")
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")

_ABSENT: Any = object()
#: ``Quad`` construction without the namedtuple's Python-level ``__new__`` (a hot path).
_new_tuple = tuple.__new__


def _quad(s: str, p: str, o: str, g: str) -> Quad:
    return _new_tuple(Quad, (s, p, o, g))


class Unsupported(Exception):
    """The fast path cannot vouch for an answer here; the reference path must decide."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- switch and statistics ------------------------------------------------------------------

@dataclass
class Stats:
    """How often the fast path answered and why it handed documents to the reference path."""

    fast: int = 0
    fallback: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class _State:
    __slots__ = ("enabled", "lock", "stats")

    def __init__(self) -> None:
        self.enabled = True
        self.stats = Stats()
        self.lock = threading.Lock()


_state = _State()


def set_enabled(enabled: bool) -> bool:
    """Turn the fast path on or off process-wide (benchmarks, differential tests); returns the
    previous setting."""
    previous = _state.enabled
    _state.enabled = enabled
    return previous


def is_enabled() -> bool:
    """Whether :func:`.jsonld.to_quads` tries the fast path first."""
    return _state.enabled


def stats() -> Stats:
    """A snapshot of the counters since the last :func:`reset_stats`."""
    with _state.lock:
        current = _state.stats
        return Stats(current.fast, current.fallback, dict(current.reasons))


def reset_stats() -> None:
    with _state.lock:
        _state.stats = Stats()


def _count(reason: str | None) -> None:
    with _state.lock:
        current = _state.stats
        if reason is None:
            current.fast += 1
        else:
            current.fallback += 1
            current.reasons[reason] = current.reasons.get(reason, 0) + 1


# -- compiled contexts ----------------------------------------------------------------------

class _Term:
    """One term definition, frozen. ``shape`` is the definition as pyld's mapping dict, which is
    what a protected-term redefinition is compared by."""

    __slots__ = ("container", "context", "ephemeral", "iri", "language", "predicate", "prefix",
                 "protected", "shape", "type", "unsupported")

    def __init__(self, *, iri: str | None, prefix: bool, protected: bool, type_: str | None,
                 container: tuple[str, ...], context: Any, language: Any, unsupported: str | None,
                 shape: dict[str, Any], ephemeral: bool) -> None:
        self.iri = iri
        self.prefix = prefix
        self.protected = protected
        self.type = type_
        self.container = container
        self.context = context
        self.language = language
        self.unsupported = unsupported
        self.shape = shape
        self.ephemeral = ephemeral
        #: the N-Quads predicate when ``iri`` is usable as one, else None
        self.predicate = f"<{iri}>" if iri is not None and _STRICT_IRI.match(iri) else None


class _Ctx:
    """An active context, immutable once built. ``previous`` is the context a type-scoped
    (non-propagated) context reverts to.

    The other slots memoize what is derived from this context alone, so that a warm run does
    no context work at all: key and type expansions, node plans (the contexts a node with given
    keys under a given property gets), type-scoped and property-scoped results, and node body
    plans. Each memo is bounded by :data:`MEMO_SIZE` (cleared when full)."""

    __slots__ = ("__weakref__", "bodies", "ids", "keys", "language", "plans", "previous",
                 "scalars", "scoped", "terms", "typed", "types", "vocab")

    def __init__(self, terms: dict[str, _Term], vocab: str | None, language: str | None,
                 previous: _Ctx | None) -> None:
        self.terms = terms
        self.vocab = vocab
        self.language = language
        self.previous = previous
        self.keys: dict[str, Any] = {}
        self.types: dict[str, str] = {}
        self.plans: dict[Any, Any] = {}
        self.typed: dict[Any, _Ctx] = {}
        self.scoped: dict[str, _Ctx] = {}
        self.bodies: dict[Any, Any] = {}
        self.scalars: dict[str, Any] = {}
        self.ids: dict[str, str] = {}


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value


_INITIAL = _Ctx({}, None, None, None)


class _Builder:
    """A context being built by one context-processing step (pyld's mutable ``rval``)."""

    __slots__ = ("ephemeral", "language", "previous", "terms", "vocab")

    def __init__(self, ctx: _Ctx, ephemeral: bool) -> None:
        self.terms = dict(ctx.terms)
        self.vocab = ctx.vocab
        self.language = ctx.language
        self.previous = ctx.previous
        #: whether the definitions made here belong to a context that is not cached, so their
        #: scoped contexts must not be cached by identity either
        self.ephemeral = ephemeral

    def freeze(self) -> _Ctx:
        return _Ctx(self.terms, self.vocab, self.language, self.previous)


class _Compiler:
    """Context processing for one document loader: pyld's ``_process_context`` and
    ``_create_term_definition`` for the supported subset, with the results cached."""

    def __init__(self, loader: DocumentLoader) -> None:
        self._loader = loader
        self._documents: dict[str, Any] = {}
        self._documents_lock = threading.Lock()
        self.cache: LruCache[Any, Any] = LruCache(CACHE_SIZE)  # compiled contexts, locked

    # loading ------------------------------------------------------------------------------

    def _load(self, url: str) -> tuple[Any, bool]:
        """The ``@context`` value of the remote context at ``url`` and whether it may be cached
        (the loader tagged it ``static``, as pyld requires before caching it)."""
        found = self._documents.get(url)
        if found is not None:
            return found, True
        if not _CONTEXT_URL.match(url) or "/./" in url or "/../" in url or url.endswith(("/.", "/..")):
            raise Unsupported("context URL form")
        options: dict[str, Any] = {"documentLoader": self._loader, "headers": {
            "Accept": "application/ld+json;profile=http://www.w3.org/ns/json-ld#context, "
                      "application/ld+json, application/json;q=0.8"}}
        try:
            remote = self._loader(url, options)
        except (VCError, OSError, ValueError, LookupError, TypeError, AttributeError) as exc:
            # not swallowed: the reference path asks the loader again and reports its error
            raise Unsupported("context loader raised") from exc
        if not isinstance(remote, dict):
            raise Unsupported("context loader answer")
        document = remote.get("document")
        if not isinstance(document, dict) or remote.get("contextUrl"):
            raise Unsupported("remote context shape")
        value = document.get("@context", {})
        static = remote.get("tag") == "static"
        if static:
            with self._documents_lock:
                if len(self._documents) < CACHE_SIZE:
                    self._documents[url] = value
        return value, static

    def _flatten(self, local: Any, urls: list[str]) -> tuple[list[dict[str, Any] | None], bool]:
        """pyld's ContextResolver.resolve: the context objects ``local`` stands for, in order
        (None for a null context), and whether all of them came from cacheable documents."""
        if isinstance(local, dict) and "@context" in local:
            local = local["@context"]
        items = local if isinstance(local, list) else [local]
        out: list[dict[str, Any] | None] = []
        static = True
        for item in items:
            if isinstance(item, str):
                if item in urls:
                    raise Unsupported("context URL cycle")
                urls.append(item)
                if len(urls) > MAX_CONTEXT_URLS:
                    raise Unsupported("too many context URLs")
                value, cacheable = self._load(item)
                static = static and cacheable
                nested, nested_static = self._flatten({"@context": value}, urls)
                out.extend(nested)
                static = static and nested_static
            elif isinstance(item, dict):
                out.append(item)
            elif item is None or item is False:
                out.append(None)
            else:
                raise Unsupported("non-object context")
        return out, static

    # processing ---------------------------------------------------------------------------

    def process(self, active: _Ctx, local: Any, *, override_protected: bool = False,
                propagate: bool = True, owned: bool = False) -> _Ctx:
        """pyld's ``_process_context``. ``owned`` marks ``local`` as part of a compiled
        (cached) context, so the result may be cached by the object's identity."""
        if isinstance(local, dict) and isinstance(local.get("@context"), list):
            local = local["@context"]
        if isinstance(local, list):
            if not local:
                return active
            urls_only = all(type(item) is str for item in local)
        else:
            urls_only = type(local) is str
        if urls_only:
            key: Any = (id(active), "urls", tuple(local) if isinstance(local, list) else (local,),
                        override_protected, propagate)
            anchor: Any = None
        elif owned:
            key = (id(active), "object", id(local), override_protected, propagate)
            anchor = local
        else:
            key = None
            anchor = None
        if key is not None:
            hit = self.cache.get(key)
            if hit is not None and hit[0] is active and hit[1] is anchor:
                return hit[2]  # type: ignore[no-any-return]
        contexts, static = self._flatten(local, [])
        result = self._process_resolved(active, local, contexts, override_protected, propagate,
                                        ephemeral=not (static and (urls_only or owned)))
        if key is not None and static:
            self.cache.put(key, (active, anchor, result))
        return result

    def _process_resolved(self, active: _Ctx, local: Any, contexts: list[dict[str, Any] | None],
                          override_protected: bool, propagate: bool, *, ephemeral: bool) -> _Ctx:
        if not contexts:
            return active
        first = contexts[0]
        if first is not None and isinstance(first.get("@propagate"), bool):
            raw_first = local[0] if isinstance(local, list) else local
            if raw_first is not first:
                raise Unsupported("@propagate in a remote context")
            propagate = first["@propagate"]
        result = active
        if not propagate and result.previous is None:
            result = _Ctx(result.terms, result.vocab, result.language, active)
        for ctx in contexts:
            if ctx is None:
                # a null context resets to the initial context (which has no previous context)
                if not override_protected and any(t.protected for t in result.terms.values()):
                    raise Unsupported("null context over protected terms")
                result = _INITIAL
                continue
            if "@context" in ctx:
                ctx = ctx["@context"]
                if not isinstance(ctx, dict):
                    raise Unsupported("nested @context value")
            result = self._process_one(result, ctx, override_protected, ephemeral)
        return result

    def _process_one(self, active: _Ctx, ctx: dict[str, Any], override_protected: bool,
                     ephemeral: bool) -> _Ctx:
        builder = _Builder(active, ephemeral)
        defined: dict[str, bool] = {}
        if "@version" in ctx:
            if ctx["@version"] != 1.1:
                raise Unsupported("@version")
            defined["@version"] = True
        for keyword in ("@import", "@base", "@direction"):
            if keyword in ctx:
                raise Unsupported(keyword + " in a context")
        if "@vocab" in ctx:
            value = ctx["@vocab"]
            if value is None:
                builder.vocab = None
            elif not isinstance(value, str):
                raise Unsupported("@vocab value")
            else:
                vocab = self.expand_iri(builder, value, vocab=True)
                if vocab is None or not _STRICT_IRI.match(vocab):
                    raise Unsupported("@vocab not an absolute IRI")
                builder.vocab = vocab
            defined["@vocab"] = True
        if "@language" in ctx:
            value = ctx["@language"]
            if value is None:
                builder.language = None
            elif not isinstance(value, str):
                raise Unsupported("@language value")
            else:
                builder.language = value.lower()
            defined["@language"] = True
        if "@propagate" in ctx:
            if not isinstance(ctx["@propagate"], bool):
                raise Unsupported("@propagate value")
            defined["@propagate"] = True
        defined["@protected"] = ctx.get("@protected", False)
        defined["_uuid"] = True
        for term, value in ctx.items():
            self._define(builder, ctx, term, defined, override_protected)
            if isinstance(value, dict) and "@context" in value:
                # pyld processes every scoped context once here, so a broken one is an error
                # even when no document uses its term
                scoped = value["@context"]
                if isinstance(scoped, str):
                    raise Unsupported("remote scoped context")
                self._validate_scoped(builder, scoped)
        return builder.freeze()

    def _validate_scoped(self, builder: _Builder, scoped: Any) -> None:
        if scoped is None:
            return  # resets to the initial context, which cannot fail with override_protected
        partial = _Ctx(dict(builder.terms), builder.vocab, builder.language, builder.previous)
        contexts, _ = self._flatten(scoped, [])
        self._process_resolved(partial, scoped, contexts, True, True, ephemeral=True)

    def _define(self, builder: _Builder, local: dict[str, Any], term: str, defined: dict[str, Any],
                override_protected: bool) -> None:
        """pyld's ``_create_term_definition`` for ``term`` of ``local`` into ``builder``."""
        if term in defined:
            if defined[term]:
                return
            raise Unsupported("cyclic term definition")
        defined[term] = False
        value = local.get(term)
        if term in _KEYWORDS:
            raise Unsupported("keyword redefinition")
        if _KEYWORD_LIKE.match(term):
            raise Unsupported("keyword-like term")
        if term == "":
            raise Unsupported("empty term")
        previous = builder.terms.pop(term, None)
        simple = False
        if value is None or isinstance(value, str):
            simple = True
            value = {"@id": value}
        if not isinstance(value, dict):
            raise Unsupported("term definition shape")
        for key in value:
            if key not in _VALID_TERM_KEYS:
                raise Unsupported("term definition key")
        colon = term.find(":")
        shape: dict[str, Any] = {"reverse": False, "protected": False, "_prefix": False,
                                 "_term_has_colon": colon > 0}
        unsupported: str | None = None
        iri: Any = _ABSENT
        if "@reverse" in value:
            reverse = value["@reverse"]
            if "@id" in value or "@nest" in value or not isinstance(reverse, str) \
                    or _KEYWORD_LIKE.match(reverse):
                raise Unsupported("@reverse term definition")
            expanded = self.expand_iri(builder, reverse, vocab=True, local=local, defined=defined)
            if expanded is None or not _PYLD_ABSOLUTE.match(expanded):
                raise Unsupported("@reverse term definition")
            iri = expanded
            shape["reverse"] = True
            unsupported = "@reverse term"
        elif "@id" in value:
            id_ = value["@id"]
            if id_ is not None and not isinstance(id_, str):
                raise Unsupported("@id value in a term definition")
            if id_ is None:
                iri = None
            elif id_ == "" or (id_ not in _KEYWORDS and _KEYWORD_LIKE.match(id_)):
                raise Unsupported("@id value in a term definition")
            elif id_ != term:
                expanded = self.expand_iri(builder, id_, vocab=True, local=local, defined=defined)
                if expanded is None or not (_PYLD_ABSOLUTE.match(expanded) or expanded in _KEYWORDS):
                    raise Unsupported("term IRI not absolute")
                if _IRI_FORM_TERM.match(term):
                    again = dict(defined)
                    again[term] = True
                    if self.expand_iri(builder, term, vocab=True, local=local, defined=again) != expanded:
                        raise Unsupported("IRI-like term maps elsewhere")
                iri = expanded
                shape["_prefix"] = bool(simple and colon <= 0 and (
                    expanded.startswith("_:") or _GEN_DELIM_END.match(expanded)))
        if iri is _ABSENT:
            if colon > 0:
                prefix = term[:colon]
                if prefix in local:
                    self._define(builder, local, prefix, defined, False)
                parent = builder.terms.get(prefix)
                if parent is not None:
                    if parent.iri is None or parent.unsupported:
                        raise Unsupported("prefix without IRI")
                    iri = parent.iri + term[colon + 1:]
                else:
                    iri = term
            else:
                if builder.vocab is None:
                    raise Unsupported("term without IRI")
                iri = builder.vocab + term
        shape["@id"] = iri
        if value.get("@protected") or (defined.get("@protected") and value.get("@protected", True)):
            shape["protected"] = True
        type_: str | None = None
        if "@type" in value:
            raw_type = value["@type"]
            if not isinstance(raw_type, str):
                raise Unsupported("@type mapping value")
            if raw_type in ("@json", "@none", "@id", "@vocab"):
                type_ = raw_type
            else:
                expanded = self.expand_iri(builder, raw_type, vocab=True, local=local, defined=defined)
                if expanded is None or not _PYLD_ABSOLUTE.match(expanded) or expanded.startswith("_:"):
                    raise Unsupported("@type mapping not absolute")
                type_ = expanded
            shape["@type"] = type_
        container: tuple[str, ...] = ()
        if "@container" in value:
            raw = value["@container"]
            items = raw if isinstance(raw, list) else [raw]
            if not all(isinstance(item, str) for item in items):
                raise Unsupported("@container value")
            has_set = "@set" in items
            if "@list" in items:
                valid = len(items) == 1
            elif "@graph" in items:
                valid = all(item in ("@graph", "@id", "@index", "@set") for item in items)
            else:
                valid = len(items) <= (2 if has_set else 1)
            if "@type" in items:
                if not shape.get("@type"):
                    type_ = shape["@type"] = "@id"
                if shape["@type"] not in ("@id", "@vocab"):
                    raise Unsupported("@type container type")
            valid = valid and all(item in _VALID_CONTAINERS for item in items)
            valid = valid and not (has_set and "@list" in items)
            if not valid:
                raise Unsupported("@container value")
            if shape["reverse"] and any(item not in ("@index", "@set") for item in items):
                raise Unsupported("@reverse container")
            container = tuple(items)
            shape["@container"] = list(items)
            if any(item in ("@id", "@type", "@index") for item in items):
                unsupported = unsupported or "container " + "/".join(items)
        if "@index" in value:
            raise Unsupported("@index in a term definition")
        context: Any = _ABSENT
        if "@context" in value:
            context = False if value["@context"] is None else value["@context"]
            shape["@context"] = context
        language: Any = _ABSENT
        if "@language" in value and "@type" not in value:
            raw_language = value["@language"]
            if raw_language is not None and not isinstance(raw_language, str):
                raise Unsupported("@language mapping value")
            language = raw_language.lower() if raw_language is not None else None
            shape["@language"] = language
        if "@prefix" in value:
            if _PREFIX_NOT_ALLOWED.match(term) or iri in _KEYWORDS or not isinstance(value["@prefix"], bool):
                raise Unsupported("@prefix")
            shape["_prefix"] = value["@prefix"]
        if "@direction" in value:
            raise Unsupported("@direction in a term definition")
        if "@nest" in value:
            raise Unsupported("@nest in a term definition")
        if iri in ("@context", "@preserve"):
            raise Unsupported("keyword alias")
        if type_ == "@json":
            unsupported = unsupported or "@json value"
        if previous is not None and previous.protected and not override_protected:
            shape["protected"] = True
            if previous.shape != shape:
                raise Unsupported("protected term redefinition")
        builder.terms[term] = _Term(
            iri=iri, prefix=bool(shape["_prefix"]), protected=bool(shape["protected"]), type_=type_,
            container=container, context=context, language=language, unsupported=unsupported,
            shape=shape, ephemeral=builder.ephemeral)
        defined[term] = True

    def expand_iri(self, builder: _Builder | _Ctx, value: str, *, vocab: bool,
                   local: dict[str, Any] | None = None, defined: dict[str, Any] | None = None) -> str | None:
        """pyld's ``_expand_iri`` without document-relative resolution: a relative result is
        returned as is, for the caller to refuse."""
        if value in _KEYWORDS:
            return value
        if _KEYWORD_LIKE.match(value):
            return None
        terms = builder.terms
        if local and defined is not None and value in local and defined.get(value) is not True:
            assert isinstance(builder, _Builder)
            self._define(builder, local, value, defined, False)
        if vocab and value in terms:
            return terms[value].iri
        colon = value.find(":")
        if colon > 0:
            prefix = value[:colon]
            suffix = value[colon + 1:]
            if prefix == "_" or suffix.startswith("//"):
                return value
            if local and defined is not None and prefix in local and not defined.get(prefix):
                assert isinstance(builder, _Builder)
                self._define(builder, local, prefix, defined, False)
            mapping = terms.get(prefix)
            if mapping is not None and mapping.prefix:
                return mapping.iri + suffix  # type: ignore[operator]
            if _PYLD_ABSOLUTE.match(value):
                return value
        if vocab and builder.vocab is not None:
            return builder.vocab + value
        return value


# -- documents to quads ---------------------------------------------------------------------

_KEYWORD_KINDS = {"@id": 1, "@type": 2, "@value": 3, "@language": 4}
_KIND_NAMES = {0: "property", 1: "@id", 2: "@type", 3: "@value", 4: "@language"}


def _check_iri(value: str | None) -> str:
    """``value`` as an IRI term, or :class:`Unsupported` if any consumer would object."""
    if value is None or not _STRICT_IRI.match(value):
        raise Unsupported("relative or malformed IRI")
    return f"<{value}>"


def _canonical_double(value: float) -> str:
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")


class _Run:
    """One document's conversion: the quads so far and the blank nodes issued."""

    __slots__ = ("blank", "compiler", "counter", "graph", "quads")

    def __init__(self, compiler: _Compiler) -> None:
        self.compiler = compiler
        self.graph = DEFAULT_GRAPH
        self.quads: list[Quad] = []
        self.blank: dict[str, str] = {}
        self.counter = 0

    def new_blank(self) -> str:
        label = f"_:b{self.counter}"
        self.counter += 1
        return label

    def blank_for(self, identifier: str) -> str:
        label = self.blank.get(identifier)
        if label is None:
            if not _BLANK_ID.match(identifier):
                raise Unsupported("blank node identifier form")
            label = self.blank[identifier] = self.new_blank()
        return label

    # IRIs --------------------------------------------------------------------------------

    def key(self, ctx: _Ctx, key: str) -> Any:
        """``(expanded, term)`` for a key of a node object in ``ctx``, memoized per context."""
        found = ctx.keys.get(key)
        if found is None:
            term = ctx.terms.get(key)
            if term is not None:
                found = (term.iri, term)
            else:
                found = (self.compiler.expand_iri(ctx, key, vocab=True), None)
            if len(ctx.keys) >= MEMO_SIZE:
                ctx.keys.clear()
            ctx.keys[key] = found
        return found

    def node_iri(self, ctx: _Ctx, value: Any) -> str:
        """A document-relative IRI (``@id``, ``@id``-typed value) as a subject/object term."""
        if type(value) is not str:
            raise Unsupported("@id value type")
        found = ctx.ids.get(value)
        if found is not None:
            return found
        expanded = self.compiler.expand_iri(ctx, value, vocab=False)
        if expanded is not None and expanded[:2] == "_:":
            return self.blank_for(expanded)
        found = _check_iri(expanded)
        _remember(ctx.ids, value, found)
        return found

    def vocab_iri(self, ctx: _Ctx, value: Any) -> str:
        """A vocabulary-relative IRI (``@type`` value, ``@vocab``-typed value) as a term."""
        if type(value) is not str:
            raise Unsupported("@type value type")
        found = ctx.types.get(value)
        if found is None:
            expanded = self.compiler.expand_iri(ctx, value, vocab=True)
            if expanded is not None and expanded[:2] == "_:":
                raise Unsupported("blank node type")
            found = _check_iri(expanded)
            if len(ctx.types) >= MEMO_SIZE:
                ctx.types.clear()
            ctx.types[value] = found
        return found

    # values -------------------------------------------------------------------------------

    def values(self, ctx: _Ctx, prop: str, value: Any, depth: int) -> list[str]:
        """pyld's ``_expand(term_ctx, prop, value)`` followed by toRdf: the object terms."""
        kind = type(value)
        if kind is list:
            out: list[str] = []
            for item in value:
                kind = type(item)
                if kind is dict:
                    obj = self.node(ctx, prop, item, depth + 1)
                    if obj is not None:
                        out.append(obj)
                elif kind is list:
                    raise Unsupported("nested array")
                elif item is not None:
                    out.append(self.scalar(ctx, prop, item))
            return out
        if kind is dict:
            obj = self.node(ctx, prop, value, depth + 1)
            return [] if obj is None else [obj]
        if value is None:
            return []
        return [self.scalar(ctx, prop, value)]

    def scalar_plan(self, ctx: _Ctx, prop: str) -> tuple[int, str | None, str | None]:
        """How ``prop``'s scalar values expand in ``ctx`` (pyld's ``_expand_value``): as an IRI
        (0), a vocabulary IRI (1) or a literal (2), with the datatype and language for literals
        of a string."""
        expanded, term = self.key(ctx, prop)
        if expanded is None or expanded[:1] == "@":
            raise Unsupported("keyword-valued property")
        if term is not None and term.unsupported:
            raise Unsupported(term.unsupported)
        type_ = term.type if term is not None else None
        if type_ == "@id":
            return 0, None, None
        if type_ == "@vocab":
            return 1, None, None
        if type_ is not None and type_ != "@none":
            if not _STRICT_IRI.match(type_):
                raise Unsupported("malformed datatype IRI")
            return 2, type_, None
        if term is not None and term.language is not _ABSENT:
            return 2, None, term.language
        return 2, None, ctx.language

    def scalar(self, ctx: _Ctx, prop: str, value: Any) -> str:
        """pyld's ``_expand_value`` and ``_object_to_rdf`` for a JSON scalar."""
        plan = ctx.scalars.get(prop)
        if plan is None:
            plan = self.scalar_plan(ctx, prop)
            _remember(ctx.scalars, prop, plan)
        mode, datatype, language = plan
        if type(value) is str:
            if mode == 0:
                return self.node_iri(ctx, value)
            if mode == 1:
                expanded = self.compiler.expand_iri(ctx, value, vocab=True)
                if expanded is not None and expanded[:2] == "_:":
                    return self.blank_for(expanded)
                return _check_iri(expanded)
            if language is None:
                if datatype is None:
                    return f'"{escape_literal(value)}"'
                if datatype != XSD_DOUBLE:
                    return literal(value, datatype)
            return _literal(value, datatype, language)
        # numbers and booleans are never IRIs nor language-tagged
        return _literal(value, datatype, None)

    def node(self, ctx_in: _Ctx, prop: str | None, element: dict[str, Any], depth: int) -> str | None:
        """pyld's ``_expand`` for an object, then toRdf: emits the node's quads and returns the
        term that stands for it (None when pyld drops it)."""
        if depth > MAX_DEPTH:
            raise Unsupported("nesting depth")
        keys = tuple(element)
        if "@context" in element:
            type_scoped, type_key = self.prelude(ctx_in, prop, element)
        else:
            plan_key = (prop, keys)
            plan = ctx_in.plans.get(plan_key)
            if plan is None:
                plan = self.prelude(ctx_in, prop, element)
                _remember(ctx_in.plans, plan_key, plan)
            type_scoped, type_key = plan
        active = type_scoped
        if type_key is not None:
            raw = element[type_key]
            memo_key = raw if type(raw) is str else tuple(raw) if type(raw) is list else None
            try:
                found = type_scoped.typed.get(memo_key) if memo_key is not None else None
            except TypeError:  # a list with unhashable items: pyld ignores them; so do we
                memo_key = None
                found = None
            if found is None:
                if type(raw) is str:
                    names: tuple[str, ...] = (raw,)
                elif type(raw) is list:
                    names = tuple(sorted(t for t in raw if type(t) is str))
                else:
                    names = ()
                found = self.apply_types(type_scoped, names)
                if memo_key is not None:
                    _remember(type_scoped.typed, memo_key, found)
            active = found
        return self.node_body(active, element, keys, type_key, type_scoped, depth)

    def prelude(self, ctx_in: _Ctx, prop: str | None, element: dict[str, Any]) -> tuple[_Ctx, str | None]:
        """The context a node starts from (type-scoped context reverted, property-scoped and
        embedded contexts applied) and the key that holds its types."""
        compiler = self.compiler
        term_in = ctx_in.terms.get(prop) if prop is not None else None
        if term_in is not None and term_in.unsupported:
            raise Unsupported(term_in.unsupported)
        # revert a type-scoped context unless this is a value object or a node reference
        active = ctx_in
        type_scoped = ctx_in if ctx_in.previous is not None else None
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded = self.key(type_scoped, key)[0]
                if expanded == "@value":
                    must_revert = False
                    break
                if expanded == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert and active.previous is not None:
            active = active.previous
        if term_in is not None and term_in.context is not _ABSENT:
            active = compiler.process(active, term_in.context, override_protected=True,
                                      owned=not term_in.ephemeral)
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Unsupported("keyword redefinition")
            active = compiler.process(active, local)
        type_key: str | None = None
        for key in element:
            if self.key(active, key)[0] == "@type":
                if type_key is not None:
                    raise Unsupported("two keys for @type")
                type_key = key
        return active, type_key

    def apply_types(self, type_scoped: _Ctx, names: tuple[str, ...]) -> _Ctx:
        """Type-scoped contexts, in order of the type terms, each looked up in the context
        from before any of them applied."""
        active = type_scoped
        for name in names:
            found = type_scoped.terms.get(name)
            if found is not None and found.context is not _ABSENT and found.context is not False:
                active = self.compiler.process(active, found.context, propagate=False,
                                               owned=not found.ephemeral)
        return active

    def body_plan(self, active: _Ctx, element: dict[str, Any], type_key: str | None) -> Any:
        """For each key of a node: what it is (0 property, 1 @id, 2 @type, 3 @value,
        4 @language), its term and predicate; refuses keys the fast path does not handle."""
        plan: list[tuple[str, int, _Term | None, str | None]] = []
        seen: set[str] = set()
        for key in element:
            if key == "@context":
                continue
            expanded, term = self.key(active, key)
            if expanded is None:
                raise Unsupported("dropped key")
            if expanded[:1] == "@":
                kind = _KEYWORD_KINDS.get(expanded)
                if kind is None:
                    raise Unsupported(f"{expanded} keyword" if expanded in _KEYWORDS else "dropped key")
                if expanded in seen:
                    raise Unsupported("colliding keywords")
                seen.add(expanded)
                if kind == 2 and key != type_key:
                    raise Unsupported("type key changed by a scoped context")
                plan.append((key, kind, None, None))
                continue
            predicate = term.predicate if term is not None else None
            if predicate is None:
                if expanded[:2] == "_:":
                    raise Unsupported("blank node predicate")
                predicate = _check_iri(expanded)
            plan.append((key, 0, term, predicate))
        if type_key is not None and "@type" not in seen:
            raise Unsupported("type key changed by a scoped context")
        id_key = next((key for key, kind, _, _ in plan if kind == 1), None)
        properties = [(key, term, predicate, term is None or (
            term.context is _ABSENT and not term.unsupported
            and not any(c in ("@list", "@language", "@graph") for c in term.container)))
            for key, kind, term, predicate in plan if kind == 0]
        return plan, "@value" in seen or "@language" in seen, id_key, properties

    def node_body(self, active: _Ctx, element: dict[str, Any], keys: tuple[str, ...],
                  type_key: str | None, type_scoped: _Ctx, depth: int) -> str | None:
        """pyld's ``_expand_object`` plus the node map and toRdf for one object."""
        body_key = (keys, type_key)
        found = active.bodies.get(body_key)
        if found is None:
            found = self.body_plan(active, element, type_key)
            _remember(active.bodies, body_key, found)
        plan, is_value, id_key, properties = found
        if is_value:
            return self.value_object(active, element, type_key, type_scoped, plan)
        subject = self.new_blank() if id_key is None else self.node_iri(active, element[id_key])
        append = self.quads.append
        graph = self.graph
        if type_key is not None:
            raw = element[type_key]
            names = [raw] if type(raw) is str else raw
            if type(names) is not list:
                raise Unsupported("@type value type")
            for name in names:
                append(_new_tuple(Quad, (subject, RDF_TYPE_TERM, self.vocab_iri(type_scoped, name),
                                         graph)))
        for key, term, predicate, simple in properties:
            value = element[key]
            if simple:
                # the common cases inline: one scalar or one node object, no scoped context
                kind = type(value)
                if kind is str or kind is int or kind is bool or kind is float:
                    append(_new_tuple(Quad, (subject, predicate, self.scalar(active, key, value), graph)))
                    continue
                if kind is dict:
                    obj = self.node(active, key, value, depth + 1)
                    if obj is not None:
                        append(_new_tuple(Quad, (subject, predicate, obj, graph)))
                    continue
            for obj in self.property_values(active, key, value, term, depth):
                append(_new_tuple(Quad, (subject, predicate, obj, graph)))
        return subject

    def property_values(self, active: _Ctx, key: str, value: Any, term: _Term | None,
                        depth: int) -> list[str]:
        """The objects of one property: scoped context, containers, then the values."""
        if term is None:
            return self.values(active, key, value, depth)
        if term.unsupported:
            raise Unsupported(term.unsupported)
        term_ctx = active
        if term.context is not _ABSENT:
            found = active.scoped.get(key)
            if found is None or term.ephemeral:
                found = self.compiler.process(active, term.context, override_protected=True,
                                              owned=not term.ephemeral)
                if not term.ephemeral:
                    _remember(active.scoped, key, found)
            term_ctx = found
        container = term.container
        if "@language" in container and type(value) is dict:
            return self.language_map(term_ctx, value)
        if "@graph" in container:
            return self.graph_values(term_ctx, key, value, depth)
        objects = self.values(term_ctx, key, value, depth)
        if "@list" in container:
            if value is None:
                return []
            inner = term_ctx.terms.get(key)
            if inner is None or "@list" not in inner.container:
                raise Unsupported("list container changed by scoped context")
            return [self.rdf_list(objects)]
        return objects

    def graph_values(self, term_ctx: _Ctx, key: str, value: Any, depth: int) -> list[str]:
        """A ``@graph`` container: each node object goes into a new named graph, whose blank
        node name is the property's object (pyld's graph objects in the node map)."""
        out: list[str] = []
        for item in value if type(value) is list else [value]:
            if item is None:
                continue
            if type(item) is not dict:
                raise Unsupported("non-object in a graph container")
            name = self.new_blank()
            outer = self.graph
            self.graph = name
            try:
                obj = self.node(term_ctx, key, item, depth + 1)
            finally:
                self.graph = outer
            if obj is None or obj[:1] == '"':
                raise Unsupported("value object in a graph container")
            out.append(name)
        return out

    def rdf_list(self, items: list[str]) -> str:
        if not items:
            return RDF_NIL_TERM
        head = node = self.new_blank()
        quads = self.quads
        graph = self.graph
        for index, item in enumerate(items):
            quads.append(_quad(node, RDF_FIRST_TERM, item, graph))
            rest = self.new_blank() if index + 1 < len(items) else RDF_NIL_TERM
            quads.append(_quad(node, RDF_REST_TERM, rest, graph))
            node = rest
        return head

    def language_map(self, ctx: _Ctx, value: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for key, items in value.items():
            expanded = self.compiler.expand_iri(ctx, key, vocab=True)
            for item in items if type(items) is list else [items]:
                if item is None:
                    continue
                if type(item) is not str:
                    raise Unsupported("language map value")
                out.append(_literal(item, None, None if expanded == "@none" else key.lower()))
        return out

    def value_object(self, active: _Ctx, element: dict[str, Any], type_key: str | None,
                     type_scoped: _Ctx, plan: list[tuple[str, int, Any, Any]]) -> str | None:
        """A ``@value`` object: only ``@value`` with ``@type`` or ``@language`` is handled."""
        parts = {_KIND_NAMES[kind]: element[key] for key, kind, _, _ in plan}
        if not set(parts) <= {"@value", "@type", "@language"} or "@value" not in parts:
            raise Unsupported("value object shape")
        value = parts["@value"]
        if value is None or type(value) in (dict, list):
            raise Unsupported("value object value")
        datatype: str | None = None
        if type_key is not None:
            raw = element[type_key]
            if type(raw) is not str:
                raise Unsupported("value object type")
            iri = self.vocab_iri(type_scoped, raw)
            datatype = iri[1:-1]
        language: str | None = None
        if "@language" in parts:
            raw_language = parts["@language"]
            if type(raw_language) is not str or type(value) is not str or datatype is not None:
                raise Unsupported("value object language")
            language = raw_language.lower()
        return _literal(value, datatype, language)


def _literal(value: Any, datatype: str | None, language: str | None) -> str:
    """pyld's ``_object_to_rdf`` for a value, then the N-Quads term the reference path writes."""
    kind = type(value)
    if kind is bool:
        text = "true" if value else "false"
        datatype = datatype or XSD_BOOLEAN
    elif kind is float and not math.isfinite(value):
        raise Unsupported("non-finite number")
    elif kind is float and not value.is_integer():
        text = _canonical_double(value)
        datatype = datatype or XSD_DOUBLE
    elif datatype == XSD_DOUBLE:
        try:
            number = float(value)
        except (ValueError, TypeError):
            text = value
        else:
            text = _canonical_double(number)
    elif kind is int or kind is float:
        if abs(value) >= 1e21:
            text = _canonical_double(value)
            datatype = datatype or XSD_DOUBLE
        else:
            text = str(int(value))
            datatype = datatype or XSD_INTEGER
    elif kind is str:
        text = value
        if language is not None:
            if not _LANGUAGE_TAG.match(language):
                raise Unsupported("malformed language tag")
            return literal(text, None, language)
    else:
        raise Unsupported("non-JSON value")
    if datatype is not None and not _STRICT_IRI.match(datatype):
        raise Unsupported("malformed datatype IRI")
    return literal(text, datatype)


# -- entry point ----------------------------------------------------------------------------

_compilers: weakref.WeakKeyDictionary[Any, _Compiler] = weakref.WeakKeyDictionary()
_compilers_lock = threading.Lock()


def _compiler_for(loader: DocumentLoader) -> _Compiler:
    """The compiler (and so the caches) of ``loader``; a loader that cannot be weakly referenced
    gets a fresh one per call, never another loader's."""
    try:
        found = _compilers.get(loader)
    except TypeError:
        return _Compiler(loader)
    if found is None:
        with _compilers_lock:
            found = _compilers.get(loader)
            if found is None:
                found = _compilers[loader] = _Compiler(loader)
    return found


def cached_contexts(document_loader: DocumentLoader) -> int:
    """How many compiled contexts are cached for ``document_loader`` (at most CACHE_SIZE)."""
    try:
        found = _compilers.get(document_loader)
    except TypeError:
        return 0
    return len(found.cache) if found is not None else 0


def to_quads(document: Any, document_loader: DocumentLoader) -> list[Quad]:
    """The quads of ``document`` (blank nodes labelled ``_:b0``...), or :class:`Unsupported`."""
    if type(document) is not dict:
        raise Unsupported("document is not an object")
    run = _Run(_compiler_for(document_loader))
    try:
        run.node(_INITIAL, None, document, 0)
    except RecursionError as exc:
        raise Unsupported("recursion") from exc
    return run.quads


def try_to_quads(document: Any, document_loader: DocumentLoader) -> list[Quad] | None:
    """:func:`to_quads`, or None (counted, with the reason) when the reference path must run."""
    try:
        quads = to_quads(document, document_loader)
    except Unsupported as exc:
        _count(exc.reason)
        return None
    _count(None)
    return quads
