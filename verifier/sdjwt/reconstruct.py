"""Turning an SD-JWT payload plus its disclosures back into claims (RFC 9901 §7.1 step 3–5).

Every ``_sd`` digest and every ``{"...": digest}`` array placeholder is looked up among the
disclosures' digests. A match puts the disclosed claim (or element) in place, and its value is
processed the same way, so nested selective disclosure works; a digest without a match is a decoy
or a claim the holder kept back, and disappears. The rules that make the result unambiguous are
all refusals:

=====================================================  ==================================
situation                                              code
=====================================================  ==================================
the same digest listed twice, or one disclosure twice  ``sdjwt.duplicate_disclosure``
a disclosure no digest points at (e.g. tampered)       ``sdjwt.unreferenced_disclosure``
a disclosed name that is already a claim there         ``sdjwt.name_collision``
a disclosed name ``_sd`` or ``...``                    ``sdjwt.reserved_name``
a 2-element disclosure for ``_sd`` or a 3-element one  ``sdjwt.invalid_array_element``
for ``...``, or a placeholder with other members
``_sd_alg`` not understood                             ``sdjwt.unsupported_hash``
``_sd`` not a list of strings, nesting too deep        ``sdjwt.malformed``
=====================================================  ==================================

Paths of array elements are the issuer's *slots* (see :mod:`verifier.sdjwt.paths`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..records import record
from .disclosure import DEFAULT_HASH_ALG, Disclosure, SdJwtError, hash_function
from .paths import ClaimPath, format_path

SD = "_sd"
SD_ALG = "_sd_alg"
ELLIPSIS = "..."
RESERVED_NAMES = frozenset({SD, ELLIPSIS})
#: How deeply claims (and disclosures inside disclosures) may nest.
MAX_DEPTH = 64


@dataclass(frozen=True)
class DisclosedClaim:
    """One disclosure put in place: where, by which digest, inside which other disclosure."""

    path: ClaimPath
    digest: str
    disclosure: Disclosure
    parent: str | None

    @property
    def path_text(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True)
class Reconstruction:
    """The claims a verifier sees, and how each selectively disclosed one got there."""

    claims: dict[str, Any]
    entries: tuple[DisclosedClaim, ...]
    alg: str
    payload: Mapping[str, Any] = field(repr=False)

    @cached_property
    def disclosed(self) -> tuple[str, ...]:
        """The paths of the disclosed claims, in the order their disclosures were given."""
        return tuple(entry.path_text for entry in self.entries)

    @cached_property
    def always_visible(self) -> tuple[ClaimPath, ...]:
        """The largest signed claims that hide nothing (computed on first use)."""
        return always_visible(self.payload)

    @property
    def always_visible_paths(self) -> tuple[str, ...]:
        return tuple(format_path(path) for path in self.always_visible)


def _error(code: str, message: str, path: ClaimPath, **details: Any) -> SdJwtError:
    where = format_path(path)
    return SdJwtError(code, message, path="$." + where if where else "$", details=details or None)


def sd_alg_of(payload: Mapping[str, Any]) -> str:
    """The payload's ``_sd_alg`` (default ``sha-256``), or ``sdjwt.unsupported_hash``."""
    alg = payload.get(SD_ALG, DEFAULT_HASH_ALG)
    hash_function(alg)
    return str(alg)


_ONLY_STR = frozenset({str})

#: Where the walk is: ``None`` at the top, else ``(trail of the parent, key or slot)``. A trail
#: is two pointers to build, where a path tuple would copy every segment at every level; it is
#: turned into a path only for the few places that need one (an error, a disclosed claim).
_Trail = tuple[Any, "str | int"] | None


def _path_of(trail: _Trail) -> ClaimPath:
    segments: list[str | int] = []
    while trail is not None:
        trail, key = trail
        segments.append(key)
    return tuple(reversed(segments))


def _too_deep(trail: _Trail) -> SdJwtError:
    return _error("sdjwt.malformed", f"claims nest deeper than {MAX_DEPTH} levels", _path_of(trail))


class _Walker:
    """One pass over the payload that copies it with every disclosed claim put in place.

    Hot on every verify and every presentation, so: containers are told apart by exact type,
    depth is checked once per container, and paths are trails until needed. Exact types are
    right because payloads and disclosure values come from JSON parsing, which builds plain
    ``dict`` and ``list``; :func:`reconstruct` copies a caller's top-level mapping into a dict.
    """

    def __init__(self, disclosures: Sequence[Disclosure], alg: str, *, eager: bool = False) -> None:
        self.alg = alg
        #: ``eager``: look for a repeated digest at each one (exact path, walk order); otherwise
        #: they are collected in :attr:`listed` and compared once at the end, at C speed, and
        #: only a token that has a repeat is walked again eagerly to say where.
        self.eager = eager
        self.listed: list[str] = []
        self.by_digest: dict[str, tuple[int, Disclosure]] = {}
        for index, disclosure in enumerate(disclosures):
            digest = disclosure.digest(alg)
            if digest in self.by_digest:
                raise SdJwtError("sdjwt.duplicate_disclosure",
                                 f"disclosure {index} is given twice (also as disclosure "
                                 f"{self.by_digest[digest][0]})",
                                 details={"kind": "disclosure", "index": index})
            self.by_digest[digest] = (index, disclosure)
        self.seen: set[str] = set()
        self.entries: list[tuple[int, DisclosedClaim]] = []

    def _see(self, digest: str, trail: _Trail) -> tuple[int, Disclosure] | None:
        if not self.eager:
            self.listed.append(digest)
            return self.by_digest.get(digest)
        if digest in self.seen:
            raise _error("sdjwt.duplicate_disclosure", "the same digest appears twice in the SD-JWT",
                         _path_of(trail), kind="digest")
        self.seen.add(digest)
        return self.by_digest.get(digest)

    def _value(self, node: Any, trail: _Trail, depth: int, parent: str | None) -> Any:
        kind = type(node)
        if kind is dict:
            return self._object(node, trail, depth, parent)
        if kind is list:
            return self._array(node, trail, depth, parent)
        return node

    def _object(self, node: dict[str, Any], trail: _Trail, depth: int,
                parent: str | None) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise _too_deep(trail)
        out: dict[str, Any] = {}
        marked = SD in node or SD_ALG in node
        for key, value in node.items():
            if marked and (key == SD or key == SD_ALG):  # never claims, whatever they hold
                if key == SD_ALG and depth != 0:
                    raise _error("sdjwt.malformed", "_sd_alg may appear only at the top level",
                                 (*_path_of(trail), key))
                continue
            kind = type(value)
            if kind is dict:
                value = self._object(value, (trail, key), depth + 1, parent)
            elif kind is list:
                value = self._array(value, (trail, key), depth + 1, parent)
            out[key] = value
        if SD in node:
            self._place(node[SD], out, trail, depth, parent)
        return out

    def _place(self, digests: Any, out: dict[str, Any], trail: _Trail, depth: int,
               parent: str | None) -> None:
        """Put the claims that ``_sd`` digests point at into ``out``."""
        if type(digests) is not list or not _ONLY_STR.issuperset(map(type, digests)):
            raise _error("sdjwt.malformed", "_sd is not a list of digest strings",
                         (*_path_of(trail), SD))
        if self.eager:
            hits = [(digest, self._see(digest, trail)) for digest in digests]
        else:
            self.listed += digests
            by_digest = self.by_digest
            hits = [(digest, by_digest[digest]) for digest in digests if digest in by_digest]
        for digest, found in hits:
            if found is None:
                continue  # a decoy, or a claim the holder did not disclose
            index, disclosure = found
            name = disclosure.name
            if name is None:
                raise _error("sdjwt.invalid_array_element",
                             "an _sd digest points at an array-element disclosure [salt, value]",
                             _path_of(trail), index=index)
            if name in RESERVED_NAMES:
                raise _error("sdjwt.reserved_name",
                             f"a disclosure uses the reserved claim name {name!r}", _path_of(trail),
                             name=name, index=index)
            if name in out:
                raise _error("sdjwt.name_collision",
                             f"the disclosed claim {name!r} is already present",
                             (*_path_of(trail), name), name=name[:100], index=index)
            out[name] = self._put(index, digest, disclosure, (trail, name), depth, parent)

    def _array(self, node: list[Any], trail: _Trail, depth: int, parent: str | None) -> list[Any]:
        if depth > MAX_DEPTH:
            raise _too_deep(trail)
        out: list[Any] = []
        for slot, item in enumerate(node):
            kind = type(item)
            if kind is dict:
                if ELLIPSIS in item:
                    self._element(item, out, (trail, slot), depth, parent)
                else:
                    out.append(self._object(item, (trail, slot), depth + 1, parent))
            elif kind is list:
                out.append(self._array(item, (trail, slot), depth + 1, parent))
            else:
                out.append(item)
        return out

    def _element(self, item: dict[str, Any], out: list[Any], child: _Trail, depth: int,
                 parent: str | None) -> None:
        """An array placeholder ``{"...": digest}``: the element it points at, if disclosed."""
        digest = item[ELLIPSIS]
        if len(item) != 1 or type(digest) is not str:
            raise _error("sdjwt.invalid_array_element",
                         "an array placeholder must be exactly {\"...\": digest}", _path_of(child))
        found = self._see(digest, child)
        if found is None:
            return
        index, disclosure = found
        if disclosure.name is not None:
            raise _error("sdjwt.invalid_array_element",
                         "an array placeholder points at a claim disclosure [salt, name, value]",
                         _path_of(child), index=index)
        out.append(self._put(index, digest, disclosure, child, depth, parent))

    def _put(self, index: int, digest: str, disclosure: Disclosure, child: _Trail, depth: int,
             parent: str | None) -> Any:
        """Record one disclosed claim or element at ``child`` and return its processed value
        (a disclosure's own value may hold further digests: ``digest`` is their parent)."""
        self.entries.append((index, record(DisclosedClaim, {
            "path": _path_of(child), "digest": digest, "disclosure": disclosure, "parent": parent})))
        return self._value(disclosure.value, child, depth + 1, digest)


def _mark(node: Any, hides: dict[int, bool]) -> bool:
    """Record, for every container below ``node``, whether it hides anything (one pass).

    Containers are told apart by exact type, as in :class:`_Walker` (the payload is parsed JSON).
    """
    found = False
    if type(node) is dict:
        found = SD in node
        for key, value in node.items():
            kind = type(value)
            if (kind is dict or kind is list) and key != SD and key != SD_ALG:
                found = _mark(value, hides) or found
    else:
        for item in node:
            kind = type(item)
            if kind is dict and ELLIPSIS in item:
                found = True
            elif kind is dict or kind is list:
                found = _mark(item, hides) or found
    hides[id(node)] = found
    return found


def _emit(node: Any, path: ClaimPath, hides: dict[int, bool], out: list[ClaimPath]) -> None:
    in_array = type(node) is list
    children = enumerate(node) if in_array else node.items()
    for key, value in children:
        kind = type(value)
        if in_array:
            if kind is dict and ELLIPSIS in value:
                continue  # an element placeholder: hidden, not visible
        elif key == SD or key == SD_ALG:
            continue
        if (kind is dict or kind is list) and hides[id(value)]:
            _emit(value, (*path, key), hides, out)
        else:
            out.append((*path, key))


def always_visible(payload: Mapping[str, Any]) -> tuple[ClaimPath, ...]:
    """The largest claims of the signed payload that contain no selective disclosure at all."""
    root = dict(payload)
    hides: dict[int, bool] = {}
    _mark(root, hides)
    out: list[ClaimPath] = []
    _emit(root, (), hides, out)
    return tuple(out)


def reconstruct(payload: Mapping[str, Any], disclosures: Sequence[Disclosure]) -> Reconstruction:
    """Process ``payload`` with ``disclosures``; raises the ``sdjwt.*`` errors in the table above."""
    if not isinstance(payload, Mapping):
        raise SdJwtError("sdjwt.malformed", "the SD-JWT payload is not an object")
    alg = sd_alg_of(payload)
    walker = _Walker(disclosures, alg)
    try:
        claims = walker._object(dict(payload), None, 0, None)
    except SdJwtError:
        if len(set(walker.listed)) == len(walker.listed):
            raise
    if len(set(walker.listed)) != len(walker.listed):
        # A digest is listed twice: walk again, eagerly, so the error names the place of the
        # repeat, and a token with several faults reports the first in walk order, as ever.
        walker = _Walker(disclosures, alg, eager=True)
        claims = walker._object(dict(payload), None, 0, None)
    used = {entry.digest for _, entry in walker.entries}
    for digest, (index, disclosure) in walker.by_digest.items():
        if digest not in used:
            raise SdJwtError("sdjwt.unreferenced_disclosure",
                             f"disclosure {index} matches no digest in the SD-JWT (altered, or "
                             "from another credential)",
                             details={"index": index,
                                      "name": disclosure.name[:100] if disclosure.name else None})
    entries = tuple(entry for _, entry in sorted(walker.entries, key=lambda pair: pair[0]))
    return Reconstruction(claims, entries, alg, payload)
