"""One reading of a document: the JSON the checks read is exactly what the signature covers.

A Data Integrity signature covers what JSON-LD makes of a document (the RDF graph, or for the JCS
suites the JSON read through its ``@context``), while the date, status, proof-option, holder,
trust and Open Badges checks read plain JSON keys such as ``validUntil``. The two readings can
disagree: the same signed statement can be written under its full IRI
(``https://www.w3.org/2018/credentials#validUntil``), a compact IRI (``cred:validUntil``), a term an
inline context aliases to the same IRI, a value object, a ``@reverse`` or ``@included`` detour, or a
second node object with the same ``id``. The signature still verifies, and the check that should
read the value never sees it, so an expired or revoked credential would verify.

We close that class here, in one place, before any check runs, by *refusing* every document that
spells a term of the protected vocabularies (VC, Data Integrity/security, the status lists, Open
Badges, plus ``rdf:type`` and the proof's ``dcterms:created``) other than by the term its pinned
context defines. VC Data Model 2.0 requires the compacted form, so a conforming document never
trips this gate. Reading values from the expanded graph instead would need a second JSON-LD pass
(and a graph for the JCS suites, which have none); the refusal costs one walk over the JSON.

The gate works on the JSON alone and *over-approximates* JSON-LD: a key may mean anything any
definition of it (in a pinned context at any scope, or in any inline context of the document)
could make it mean. If any of those meanings is a protected IRI, the key must be a name the pinned
contexts give that IRI. Inline contexts may not define terms, prefixes or a ``@vocab`` that could
reach a protected IRI, may not alias keywords, and may not use ``@reverse``, ``@nest``,
``@import``, ``@context: null`` or map containers. Node objects may not use the JSON-LD keywords
that move statements around (``@id``/``@type`` spelled raw, ``@graph``, ``@included``,
``@reverse``, ``@nest``, ``@set``, ``@list``, ``@index``), and no node may be described (given
properties) in two places of one graph. Everything refused is reported as
``jsonld.noncanonical_term`` or ``jsonld.duplicate_node`` with its JSON path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import CanonicalizationError, VCError

#: The vocabularies whose terms the checks read. A key or ``type`` value that could expand to an
#: IRI in one of these must be written as the term the pinned contexts define for it.
PROTECTED_NAMESPACES: tuple[str, ...] = (
    "https://www.w3.org/2018/credentials#",
    "https://w3id.org/security#",
    "https://w3id.org/vc/status-list#",
    "https://www.w3.org/ns/credentials/status#",
    "https://purl.imsglobal.org/spec/vc/ob/vocab.html#",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS_CREATED = "http://purl.org/dc/terms/created"
#: Single protected IRIs outside those vocabularies: ``rdf:type`` (the ``type`` keyword written
#: as a property) and ``dcterms:created`` (``proof.created``, which the proof checks read).
PROTECTED_IRIS: frozenset[str] = frozenset((RDF_TYPE, DCTERMS_CREATED))

#: Where the pinned contexts give one IRI several names, the one name the checks read. Any other
#: spelling is refused, so a check can never miss the value under its second name.
PREFERRED: Mapping[str, frozenset[str]] = {
    "https://w3id.org/security#expiration": frozenset(("expires",)),
}

#: Keywords a key may alias (``id``/``type`` are aliases in every VC context).
_ALIASABLE = frozenset(("@id", "@type"))
#: Keys allowed inside a value object.
_VALUE_KEYS = frozenset(("@value", "@language", "@direction", "@type", "@index"))
#: Keys allowed in an inline context besides term definitions.
_CONTEXT_KEYWORDS = frozenset(("@version", "@protected", "@propagate", "@language", "@vocab"))
#: Keys allowed in an inline expanded term definition.
_DEFINITION_KEYS = frozenset(("@id", "@type", "@container", "@context", "@protected", "@language",
                              "@prefix"))
#: Containers an inline definition may declare (map containers hide keys that are not terms).
_INLINE_CONTAINERS = frozenset(("@set", "@list", "@language"))
#: A term usable as a prefix could rewrite identifiers of these schemes in values.
_SCHEME_NAMES = frozenset(("did", "http", "https", "urn", "data", "mailto", "_"))
_GEN_DELIMS = tuple(":/?#[]@")
#: Most remote contexts one document may pull in (each may import others).
MAX_CONTEXTS = 32
#: Deepest nesting walked; deeper documents are refused by the JSON reader long before this.
MAX_DEPTH = 256
#: How many definitions deep a term is followed (terms defined by other terms).
_MAX_HOPS = 8
#: Decisions remembered per reading (keys, types, identifiers); cleared when full.
_MEMO_SIZE = 4096
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")

Segment = str | int

#: The codes with which this gate refuses a document (the verifier then judges nothing else).
UNREADABLE = frozenset(("jsonld.noncanonical_term", "jsonld.duplicate_node", "context.protected_term"))


def is_protected(iri: str) -> bool:
    """Whether ``iri`` is a term of a vocabulary the checks read."""
    return iri in PROTECTED_IRIS or iri.startswith(PROTECTED_NAMESPACES)


def could_reach_protected(iri: str) -> bool:
    """Whether ``iri``, or ``iri`` followed by any suffix (as a prefix or ``@vocab``), can be a
    protected IRI."""
    if is_protected(iri):
        return True
    return any(ns.startswith(iri) for ns in PROTECTED_NAMESPACES) or any(
        p.startswith(iri) for p in PROTECTED_IRIS)


def _format_path(segments: Iterable[Segment]) -> str:
    out = ["$"]
    for seg in segments:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif re.fullmatch(r"[A-Za-z_@$][A-Za-z0-9_@$\-]*", seg):
            out.append(f".{seg}")
        else:
            out.append("[" + repr(seg) + "]")
    return "".join(out)


def _refuse(segments: Iterable[Segment], why: str, code: str = "jsonld.noncanonical_term") -> None:
    raise CanonicalizationError(code, why, _format_path(segments))


# -- term tables ----------------------------------------------------------------------------

@dataclass
class _Definition:
    """One term definition as written, before IRIs are resolved."""

    raw: str | None  # @id or @reverse value; None: the term itself (compact IRI or @vocab + term)
    reverse: bool = False
    type: str | None = None
    containers: tuple[str, ...] = ()


@dataclass
class Terms:
    """Every term definition of a set of contexts, merged across scopes (an over-approximation
    of what any key can mean anywhere in a document that uses them)."""

    definitions: dict[str, list[_Definition]] = field(default_factory=dict)
    vocabs: set[str] = field(default_factory=set)

    def add(self, term: str, definition: _Definition) -> None:
        self.definitions.setdefault(term, []).append(definition)

    def merged(self, other: Terms) -> Terms:
        out = Terms({k: list(v) for k, v in self.definitions.items()}, set(self.vocabs))
        for term, items in other.definitions.items():
            out.definitions.setdefault(term, []).extend(items)
        out.vocabs |= other.vocabs
        return out


def _collect(context: Any, into: Terms, *, inline_path: list[Segment] | None) -> list[str]:
    """Add the definitions of one ``@context`` value to ``into``; return the remote URLs it names.

    ``inline_path`` is set for contexts written in the document itself: those are vetted as they
    are read (see :func:`_vet_inline`); pinned contexts are trusted as published.
    """
    urls: list[str] = []
    items = context if isinstance(context, list) else [context]
    for index, item in enumerate(items):
        where = [*inline_path, index] if inline_path is not None and isinstance(context, list) \
            else inline_path
        if isinstance(item, str):
            urls.append(item)
        elif isinstance(item, dict) and "@context" in item:
            # a context written as a document ({"@context": ...}), as JSON-LD allows
            inner = None if where is None else [*where, "@context"]
            if where is not None and len(item) > 1:
                _refuse(where, "a context written as a document may hold nothing beside @context")
            urls.extend(_collect(item["@context"], into, inline_path=inner))
        elif isinstance(item, dict):
            if inline_path is not None:
                assert where is not None
                _vet_inline_shape(item, where)
            urls.extend(_collect_object(item, into, inline_path=where))
        elif inline_path is not None:
            assert where is not None
            _refuse(where, "a null @context would reset what the VC terms mean" if item is None
                    else "a @context entry must be a URL or an object")
    return urls


def _collect_object(ctx: Mapping[str, Any], into: Terms, *,
                    inline_path: list[Segment] | None) -> list[str]:
    urls: list[str] = []
    vocab = ctx.get("@vocab")
    if isinstance(vocab, str):
        into.vocabs.add(vocab)
    for term, value in ctx.items():
        if term.startswith("@"):
            continue
        if value is None or isinstance(value, str):
            into.add(term, _Definition(value))
            continue
        if not isinstance(value, dict):
            continue
        container = value.get("@container")
        containers = tuple(c for c in (container if isinstance(container, list) else [container])
                           if isinstance(c, str))
        type_ = value.get("@type") if isinstance(value.get("@type"), str) else None
        if isinstance(value.get("@reverse"), str):
            into.add(term, _Definition(value["@reverse"], True, type_, containers))
        else:
            raw = value.get("@id") if isinstance(value.get("@id"), str) else None
            into.add(term, _Definition(raw, False, type_, containers))
        if "@context" in value:
            scoped_path = None if inline_path is None else [*inline_path, term, "@context"]
            urls.extend(_collect(value["@context"], into, inline_path=scoped_path))
    return urls


def _vet_inline_shape(ctx: Mapping[str, Any], where: list[Segment]) -> None:
    """The parts of an inline context that are refused whatever they map to."""
    for key, value in ctx.items():
        if key.startswith("@"):
            if key not in _CONTEXT_KEYWORDS:
                _refuse([*where, key], f"{key} in an inline @context is not allowed in a credential")
            continue
        if isinstance(value, str) and value.startswith("@") and not (
                value in _ALIASABLE and key == value[1:]):
            _refuse([*where, key], f"an inline @context may not alias the keyword {value}")
        if isinstance(value, dict):
            for part in value:
                if part not in _DEFINITION_KEYS:
                    _refuse([*where, key, part],
                            f"{part} in an inline term definition is not allowed in a credential")
            raw = value.get("@id")
            if isinstance(raw, str) and raw.startswith("@") and not (
                    raw in _ALIASABLE and key == raw[1:]):
                _refuse([*where, key], f"an inline @context may not alias the keyword {raw}")
            container = value.get("@container")
            for item in container if isinstance(container, list) else [container]:
                if item is not None and item not in _INLINE_CONTAINERS:
                    _refuse([*where, key, "@container"],
                            f"an inline @container {item!r} is not allowed in a credential")
            if value.get("@type") == "@json":
                _refuse([*where, key, "@type"], "an inline @json term is not allowed in a credential")


class _Resolver:
    """Resolves raw IRIs to the set of IRIs they may expand to, over one :class:`Terms`.

    Answers for depth 0 are remembered: the pinned contexts' resolver lives as long as the
    gate, so a warm verification resolves each key once.
    """

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self._terms: dict[str, frozenset[str]] = {}
        self._values: dict[str, frozenset[str]] = {}

    def term(self, name: str, depth: int = 0) -> frozenset[str]:
        """Every IRI (or keyword) the term ``name`` may stand for."""
        found = self._terms.get(name) if depth == 0 else None
        if found is not None:
            return found
        out: set[str] = set()
        if depth < _MAX_HOPS:
            for definition in self.terms.definitions.get(name, ()):
                if definition.raw is None:
                    if ":" in name:
                        out |= self._compact(name, depth + 1)
                    else:
                        out |= {v + name for v in self.vocabs(depth + 1)}
                else:
                    out |= self.value(definition.raw, depth + 1)
        result = frozenset(out)
        if depth == 0:
            self._terms[name] = result
        return result

    def vocabs(self, depth: int = 0) -> set[str]:
        """Every IRI a ``@vocab`` of these contexts may stand for."""
        out: set[str] = set()
        for vocab in self.terms.vocabs:
            out.add(vocab)
            if depth < _MAX_HOPS:
                out |= {i for i in self.value(vocab, depth + 1, vocab=False) if i[:1] != "@"}
        return out

    def _compact(self, raw: str, depth: int) -> set[str]:
        prefix, suffix = raw.split(":", 1)
        out = {raw}
        if prefix != "_" and not suffix.startswith("//") and depth < _MAX_HOPS:
            out |= {iri + suffix for iri in self.term(prefix, depth + 1) if iri[:1] != "@"}
        return out

    def value(self, raw: str, depth: int = 0, *, vocab: bool = True) -> frozenset[str]:
        """Every IRI ``raw`` may expand to as a key, a type or a term definition's IRI."""
        memo = depth == 0 and vocab
        if memo:
            found = self._values.get(raw)
            if found is not None:
                return found
        if raw.startswith("@"):
            result = frozenset((raw,))
        else:
            out: set[str] = set()
            if depth < _MAX_HOPS:
                out |= self.term(raw, depth + 1)
            if ":" in raw:
                out |= self._compact(raw, depth)
            elif vocab:
                out |= {v + raw for v in self.vocabs(depth + 1)}
            result = frozenset(out)
        if memo:
            self._values[raw] = result
        return result

    def identifier(self, raw: str) -> frozenset[str]:
        """Every IRI an ``id`` value may expand to (document-relative: prefixes, no ``@vocab``)."""
        if ":" not in raw:
            return frozenset((raw,))
        return frozenset(self._compact(raw, 0))


@dataclass(frozen=True)
class _Canon:
    """What the pinned contexts say: the names they give each protected IRI, and per term the
    containers and types that change how its value is read."""

    names: Mapping[str, frozenset[str]]
    graph_terms: frozenset[str]
    language_terms: frozenset[str]
    json_terms: frozenset[str]
    vocab_terms: frozenset[str]

    def allows(self, name: str, iri: str) -> bool:
        """Whether ``name`` is a spelling of ``iri`` the checks read: a name the pinned contexts
        give it, or its own local name in its vocabulary (what a context restating the term
        would write), unless :data:`PREFERRED` fixes one name."""
        preferred = PREFERRED.get(iri)
        if preferred is not None:
            return name in preferred
        return name in self.names.get(iri, ()) or _local_name(iri) == name


def _local_name(iri: str) -> str | None:
    for namespace in PROTECTED_NAMESPACES:
        if iri.startswith(namespace):
            return iri[len(namespace):]
    return None


def _canon(terms: Terms) -> _Canon:
    resolver = _Resolver(terms)
    names: dict[str, set[str]] = {}
    graph, language, json_, vocab = set(), set(), set(), set()
    for name, definitions in terms.definitions.items():
        for iri in resolver.term(name):
            if is_protected(iri) or iri in _ALIASABLE:
                names.setdefault(iri, set()).add(name)
        for definition in definitions:
            if "@graph" in definition.containers:
                graph.add(name)
            if "@language" in definition.containers:
                language.add(name)
            if definition.type == "@json":
                json_.add(name)
            if definition.type == "@vocab":
                vocab.add(name)
    return _Canon({k: frozenset(v) for k, v in names.items()}, frozenset(graph),
                  frozenset(language), frozenset(json_), frozenset(vocab))


# -- the gate -------------------------------------------------------------------------------

ContextLoader = Callable[[str], Mapping[str, Any]]


class TermGate:
    """Refuses documents whose JSON the checks could read differently from what is signed.

    ``load`` returns a pinned context document by URL (the verifier's context store); it is only
    called for URLs the ``context`` check has already accepted, and the per-URL term tables are
    remembered (the store's documents are immutable).
    """

    def __init__(self, load: ContextLoader) -> None:
        self._load = load
        self._tables: dict[str, tuple[Mapping[str, Any], Terms, tuple[str, ...]]] = {}
        self._pinned: dict[tuple[str, ...], tuple[Terms, _Canon, _Reading]] = {}
        self._lock = threading.Lock()

    # pinned contexts ---------------------------------------------------------------------
    def _table(self, url: str) -> tuple[Terms, tuple[str, ...]]:
        document = self._load(url)
        cached = self._tables.get(url)
        if cached is not None and cached[0] is document:
            return cached[1], cached[2]
        terms = Terms()
        urls = _collect(document.get("@context"), terms, inline_path=None)
        with self._lock:
            if len(self._tables) > 1024:
                self._tables.clear()
            self._tables[url] = (document, terms, tuple(urls))
        return terms, tuple(urls)

    def _pinned_terms(self, urls: tuple[str, ...]) -> tuple[Terms, _Canon, _Reading]:
        found = self._pinned.get(urls)
        if found is not None:
            return found
        merged = Terms()
        pending: list[tuple[str, bool]] = [(url, True) for url in urls]
        seen: set[str] = set()
        while pending:
            url, named = pending.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if len(seen) > MAX_CONTEXTS:
                _refuse(["@context"], "the document pulls in too many contexts")
            try:
                terms, imported = self._table(url)
            except VCError:
                if named:
                    raise
                # A context a pinned context names for one of its terms is loaded only when a
                # document uses that term; if it cannot be had, expansion refuses the document
                # then, so its terms cannot be read here.
                continue
            merged = merged.merged(terms)
            pending.extend((u, False) for u in imported)
        canon = _canon(merged)
        result = (merged, canon, _Reading(_Resolver(merged), canon))
        with self._lock:
            if len(self._pinned) > 256:
                self._pinned.clear()
            self._pinned[urls] = result
        return result

    # the document ------------------------------------------------------------------------
    def check(self, document: Mapping[str, Any], *, skip: Iterable[str] = ()) -> None:
        """Raise ``jsonld.noncanonical_term`` / ``jsonld.duplicate_node`` (with the JSON path)
        unless every key and type of ``document`` reads as the pinned contexts define it.

        ``skip`` names top-level keys whose values are judged on their own (a presentation's
        embedded credentials are verified, and gated, one by one).
        """
        skipped = frozenset(skip)
        try:  # the usual case first: the only @context is the document's own
            self._check(document, [(["@context"], document.get("@context"))], skipped, nested=False)
        except _NestedContext:
            self._check(document, list(_contexts(document)), skipped, nested=True)

    def _check(self, document: Mapping[str, Any], contexts: list[tuple[list[Segment], Any]],
               skip: frozenset[str], *, nested: bool) -> None:
        inline = Terms()
        urls: list[str] = []
        for path, context in contexts:
            urls.extend(_collect(context, inline, inline_path=path))
        pinned, canon, reading = self._pinned_terms(tuple(dict.fromkeys(urls)))
        if inline.definitions or inline.vocabs:
            _vet_inline_meanings(inline, pinned, canon)
            reading = _Reading(_Resolver(pinned.merged(inline)), canon)
        _Walk(reading, skip, nested).document(document)


class _NestedContext(Exception):
    """A node carries its own @context: the document is checked again with every context."""


def _contexts(value: Any, path: list[Segment] | None = None,
              depth: int = 0) -> Iterator[tuple[list[Segment], Any]]:
    """Every ``@context`` value in the document, with its path."""
    path = path or []
    if depth > MAX_DEPTH:
        _refuse(path, "the document is nested too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                yield [*path, key], item
            elif isinstance(item, (dict, list)):
                yield from _contexts(item, [*path, key], depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield from _contexts(item, [*path, index], depth + 1)


def _vet_inline_meanings(inline: Terms, pinned: Terms, canon: _Canon) -> None:
    """Inline definitions may not reach a protected IRI under a name the pinned contexts do not
    give it, may not give a name the pinned contexts use for a protected IRI another meaning,
    and may not set a ``@vocab`` or prefix that leads into a protected vocabulary."""
    resolver = _Resolver(pinned.merged(inline))
    for vocab in inline.vocabs:
        for iri in resolver.value(vocab, vocab=False) | {vocab}:
            if could_reach_protected(iri):
                _refuse(["@context", "@vocab"], f"an inline @vocab {vocab!r} reaches a vocabulary "
                        "the checks read; write its terms as the pinned context does")
    pinned_resolver = _Resolver(pinned)
    for name, definitions in inline.definitions.items():
        where = ["@context", name]
        meanings: set[str] = set()
        for definition in definitions:
            if definition.reverse:
                _refuse(where, "an inline @reverse term is not allowed in a credential")
            if definition.raw is None:
                meanings |= resolver.value(name, vocab=":" not in name)
            else:
                meanings |= resolver.value(definition.raw)
        for iri in meanings:
            if iri.startswith("@"):
                continue
            if is_protected(iri) and not canon.allows(name, iri):
                _refuse(where, f"the inline term {name!r} means {iri}, which the pinned contexts "
                        "call by another name; the checks read only that name")
            if not is_protected(iri) and could_reach_protected(iri):
                _refuse(where, f"the inline term {name!r} ({iri}) can be used as a prefix into a "
                        "vocabulary the checks read")
        pinned_meanings = {iri for iri in pinned_resolver.term(name) if is_protected(iri)
                           or iri in _ALIASABLE}
        if pinned_meanings and not meanings <= pinned_meanings:
            _refuse(where, f"the inline context gives {name!r}, a term of the pinned contexts, "
                    "another meaning", "context.protected_term")
        if name.lower() in _SCHEME_NAMES and any(
                d.raw is not None and d.raw.endswith(_GEN_DELIMS) for d in definitions):
            _refuse(where, f"an inline prefix named {name!r} would rewrite identifiers of that scheme")


#: What the checks read on a credential subject and on its achievement. Another description
#: of the same node (an endorsement's subject names the achievement it endorses) may say other
#: things about it, and add types, but not these.
SUBJECT_READ = frozenset(("identifier", "achievement", "result", "source"))
ACHIEVEMENT_READ = frozenset(("achievementType", "criteria", "creator", "alignment",
                              "resultDescription", "otherIdentifier", "image", "name",
                              "description", "endorsement", "endorsementJwt"))

#: The types the checks act on where they find them on a document, a status entry or a proof:
#: another description of such a node may not carry one (it would be signed, yet unseen).
READ_TYPES = frozenset((
    "VerifiableCredential", "VerifiablePresentation", "EnvelopedVerifiableCredential",
    "OpenBadgeCredential", "AchievementCredential", "EndorsementCredential",
    "BitstringStatusListEntry", "StatusList2021Entry", "1EdTechRevocationList",
    "BitstringStatusListCredential", "StatusList2021Credential", "BitstringStatusList",
    "StatusList2021", "DataIntegrityProof", "Ed25519Signature2020",
))


@dataclass
class _Described:
    """A node object that says something about its node: where, what kind, and its keys."""

    path: list[Segment]
    kind: str  # "root" (a document or proof graph), "status", "subject", "achievement", "other"
    keys: list[tuple[str, bool]]  # (key, whether it may mean a protected IRI)
    node: Mapping[str, Any]


class _Key:
    """What one key means wherever it appears, decided once per reading."""

    __slots__ = ("graph", "identifier", "json", "language", "protected", "refusal", "typed")

    def __init__(self, *, refusal: str | None = None, protected: bool = False,
                 identifier: bool = False, typed: bool = False, json: bool = False,
                 graph: bool = False, language: bool = False) -> None:
        self.refusal = refusal
        self.protected = protected
        self.identifier = identifier
        self.typed = typed
        self.json = json
        self.graph = graph
        self.language = language

    @classmethod
    def decide(cls, reading: _Reading, key: str) -> _Key:
        canon = reading.canon
        iris = reading.resolver.value(key)
        refusal: str | None = None
        protected = False
        for iri in iris:
            if iri.startswith("@"):
                if key != iri and (iri not in _ALIASABLE or not canon.allows(key, iri)):
                    refusal = (f"{key!r} stands for the keyword {iri} under a name the pinned "
                               "contexts do not give it")
            elif is_protected(iri):
                protected = True
                if not canon.allows(key, iri):
                    refusal = (f"{key!r} stands for {iri}; the pinned contexts call it "
                               f"{_names(canon, iri)}, and only that spelling is read")
        return cls(refusal=refusal, protected=protected, identifier="@id" in iris,
                   typed="@type" in iris or key in canon.vocab_terms, json=key in canon.json_terms,
                   graph=key in canon.graph_terms, language=key in canon.language_terms)


class _Reading:
    """A resolver and what the pinned contexts allow, with every decision remembered: the pinned
    reading lives as long as the gate, so a warm document costs one dict lookup per key."""

    def __init__(self, resolver: _Resolver, canon: _Canon) -> None:
        self.resolver = resolver
        self.canon = canon
        self.keys: dict[str, _Key] = {}
        self._types: dict[str, str | None] = {}
        self._ids: dict[str, tuple[str, ...]] = {}

    def key(self, key: str) -> _Key:
        found = self.keys.get(key)
        if found is None:
            found = _Key.decide(self, key)
            if len(self.keys) >= _MEMO_SIZE:
                self.keys.clear()
            self.keys[key] = found
        return found

    def type_refusal(self, value: str) -> str | None:
        """Why the type ``value`` is refused, or None."""
        if value in self._types:
            return self._types[value]
        refusal = None
        for iri in self.resolver.value(value):
            if not iri.startswith("@") and is_protected(iri) and not self.canon.allows(value, iri):
                refusal = (f"the type {value!r} stands for {iri}; the pinned contexts call it "
                           f"{_names(self.canon, iri)}, and only that spelling is read")
        if len(self._types) >= _MEMO_SIZE:
            self._types.clear()
        self._types[value] = refusal
        return refusal

    def identifiers(self, value: str) -> tuple[str, ...]:
        """Every IRI an ``id`` may expand to."""
        found = self._ids.get(value)
        if found is None:
            found = tuple(self.resolver.identifier(value))
            if len(self._ids) >= _MEMO_SIZE:
                self._ids.clear()
            self._ids[value] = found
        return found


#: ``@id`` / ``@type`` written raw, allowed on an extension's nodes (not on those the checks read).
_RAW_KEYWORDS = {"@id": _Key(identifier=True), "@type": _Key(typed=True)}


class _Walk:
    """One walk over a document's nodes, checking keys, types and who describes each node."""

    def __init__(self, reading: _Reading, skip: frozenset[str], nested: bool) -> None:
        self.reading = reading
        self.skip = skip
        self.nested = nested
        #: per graph (a document and each of its ``@graph`` container values), node id -> the
        #: descriptions of that node
        self.graphs: list[dict[str, list[_Described]]] = []

    def document(self, document: Mapping[str, Any]) -> None:
        graph: dict[str, list[_Described]] = {}
        self.graphs.append(graph)
        self.node(document, None, graph, "root", True, 0)
        for graph in self.graphs:
            _check_descriptions(graph)

    def node(self, node: Mapping[str, Any], path: _Path, graph: dict[str, list[_Described]],
             kind: str, top: bool, depth: int) -> None:
        if depth > MAX_DEPTH:
            _refuse(_segments(path), "the document is nested too deeply")
        reading = self.reading
        memo = reading.keys
        identifier = node.get("id", node.get("@id"))
        keys: list[tuple[str, bool]] | None = [] if type(identifier) is str else None
        for key, value in node.items():
            info = memo.get(key)
            if info is None:
                if key[:1] == "@":
                    if key == "@context":
                        if not top and not self.nested:
                            raise _NestedContext
                        continue
                    info = _RAW_KEYWORDS.get(key) if kind == "other" else None
                    if info is None:
                        _refuse(_segments((path, key)), f"the JSON-LD keyword {key} is not allowed "
                                "here; write the document in compacted form with the terms its "
                                "contexts define")
                        continue  # pragma: no cover - _refuse raises
                else:
                    info = reading.key(key)
            if info.refusal is not None:
                _refuse(_segments((path, key)), info.refusal)
            if info.typed:
                self.types(value, (path, key))
            if info.identifier:
                continue  # the node's identifier, not a statement about it
            if keys is not None:
                keys.append((key, info.protected or info.typed))
            if info.json or (top and key in self.skip):
                continue
            kind_of = type(value)
            if kind_of is dict:
                self.child(value, (path, key), key, info, graph, kind, depth)
            elif kind_of is list:
                for index, item in enumerate(value):
                    if type(item) is dict:
                        self.child(item, ((path, key), index), key, info, graph, kind, depth)
                    elif type(item) is list:
                        _refuse(_segments(((path, key), index)),
                                "a list of lists is not allowed in a credential")
        if keys:
            assert isinstance(identifier, str)
            described = _Described(_segments(path), kind, keys, node)
            for iri in reading.identifiers(identifier):
                graph.setdefault(iri, []).append(described)

    def child(self, item: dict[str, Any], at: _Path, key: str, info: _Key,
              graph: dict[str, list[_Described]], parent_kind: str, depth: int) -> None:
        if "@value" in item:
            if info.protected:
                _refuse(_segments(at), f"{key!r} is written as a JSON-LD value object; write the "
                        "plain value the context types")
            return
        if info.language and _looks_like_language_map(item):
            return
        if info.graph:
            inner: dict[str, list[_Described]] = {}
            self.graphs.append(inner)
            self.node(item, at, inner, "root", False, depth + 1)
        else:
            self.node(item, at, graph, _child_kind(parent_kind, key), False, depth + 1)

    def types(self, value: Any, at: _Path) -> None:
        items = value if type(value) is list else [value]
        for index, item in enumerate(items):
            if type(item) is str:
                refusal = self.reading.type_refusal(item)
                if refusal is not None:
                    _refuse(_segments((at, index) if type(value) is list else at), refusal)


#: A JSON path built as it is walked: ``(parent, segment)`` pairs, turned into a list only for an
#: error message (building lists on every step was a measured share of the walk).
_Path = tuple[Any, Segment] | None


def _segments(path: _Path) -> list[Segment]:
    out: list[Segment] = []
    while path is not None:
        path, segment = path
        out.append(segment)
    out.reverse()
    return out


def _child_kind(parent: str, key: str) -> str:
    if parent == "root" and key == "credentialStatus":
        return "status"
    if parent == "root" and key == "credentialSubject":
        return "subject"
    if parent == "subject" and key == "achievement":
        return "achievement"
    return "other"


def _check_descriptions(graph: Mapping[str, list[_Described]]) -> None:
    """A node the checks read is described in one place: anything another description adds
    could otherwise be signed yet unseen. For subjects and achievements another description may
    add what the checks do not read there (an endorsement's comment) and more types."""
    for identifier, descriptions in graph.items():
        if len(descriptions) < 2:
            continue
        for primary in descriptions:
            if primary.kind == "other":
                continue
            for other in descriptions:
                if other is primary or _harmless(primary, other):
                    continue
                _refuse([*other.path, "id"], f"the node {identifier!r} is described at "
                        f"{_format_path(primary.path)} and again at {_format_path(other.path)}; "
                        "what the checks read about it must be written in one place",
                        "jsonld.duplicate_node")


def _harmless(primary: _Described, other: _Described) -> bool:
    """Whether ``other`` adds nothing the checks read on ``primary``'s node: each of its keys
    repeats the primary's value exactly (two credentials naming one status list), or is one the
    checks do not read there."""
    if primary.kind in ("root", "status"):
        def read(key: str, protected: bool) -> bool:
            if key == "type":
                types = other.node[key]
                return bool(READ_TYPES.intersection(types if isinstance(types, list) else [types]))
            return protected
    else:
        names = SUBJECT_READ if primary.kind == "subject" else ACHIEVEMENT_READ

        def read(key: str, protected: bool) -> bool:
            return key in names
    return all(not read(key, protected) or (key in primary.node and primary.node[key] == other.node[key])
               for key, protected in other.keys)


def _names(canon: _Canon, iri: str) -> str:
    names = sorted(PREFERRED.get(iri) or canon.names.get(iri) or ())
    return " or ".join(repr(n) for n in names) if names else "by no name (it may not be used)"


def _looks_like_language_map(item: Mapping[str, Any]) -> bool:
    return all((_LANGUAGE_TAG.match(k) or k == "@none") and (
        v is None or isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))
        for k, v in item.items())
