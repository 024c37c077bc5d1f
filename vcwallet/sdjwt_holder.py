"""The holder's side of SD-JWT VC: see what can be withheld, choose, preview, present.

The learner holds the issuance form ``<JWT>~<D1>~…~<Dn>~`` with every disclosure. Presenting
means picking some disclosures, appending them to the issuer JWT, and signing a key-binding JWT
over exactly that text for one verifier (``aud``) and one request (``nonce``).

Choosing is done with claim paths (:mod:`verifier.sdjwt.paths`), with these rules:

- a path to a *selectively disclosable* claim discloses that claim; disclosable claims nested
  inside it stay hidden unless they are chosen too (so ``credentialSubject.result[0]`` shows the
  result without its score ``credentialSubject.result[0].value``);
- a path to an *always visible* claim discloses every disclosable claim inside it (it is the only
  thing it can mean: ``evidence`` → every evidence item);
- ``P.**`` discloses ``P`` and everything inside it; ``*`` matches any one member or element;
- a chosen claim inside another disclosable claim brings that container along (it cannot be
  shown otherwise), and :func:`chosen_paths` / :func:`preview` show that before anything is sent.

:func:`preview` returns exactly the JSON the verifier will reconstruct, because it *is* the
verifier's own reconstruction run over the chosen disclosures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from verifier.errors import VCError
from verifier.jose import sign_compact
from verifier.keys import Ed25519KeyPair
from verifier.sdjwt.disclosure import Disclosure
from verifier.sdjwt.key_binding import KB_TYP, R_WRONG_KEY, kb_invalid, sd_hash
from verifier.sdjwt.key_binding import holder_key as cnf_holder_key
from verifier.sdjwt.paths import (
    ALL_BELOW,
    ClaimPath,
    format_path,
    has_wildcards,
    is_prefix,
    matches,
    parse_path,
)
from verifier.sdjwt.reconstruct import ELLIPSIS, SD, SD_ALG, reconstruct, sd_alg_of
from verifier.sdjwt.token import SdJwt, join_sd_jwt, split_sd_jwt


@dataclass(frozen=True)
class ClaimNode:
    """One claim in the holder's tree: for a checkbox (``disclosable``) or a plain label."""

    path: str
    key: str | int
    disclosable: bool
    value: Any
    children: tuple[ClaimNode, ...] = ()


@dataclass(frozen=True)
class _Node:
    path: ClaimPath
    digest: str | None
    parent: str | None
    disclosure: Disclosure | None


class _Holder:
    """The holder's full view of one SD-JWT: every claim, and which disclosure reveals it."""

    def __init__(self, token: str) -> None:
        self.sd: SdJwt = split_sd_jwt(token)
        payload = self.sd.jws.payload
        self.alg = sd_alg_of(payload)
        self.full = reconstruct(payload, self.sd.disclosures)  # validates the whole structure
        self.by_digest = {d.digest(self.alg): d for d in self.sd.disclosures}
        self.entries = {entry.path: entry for entry in self.full.entries}
        self.parents = {entry.digest: entry.parent for entry in self.full.entries}
        self._nodes: list[_Node] = []
        self._tree: tuple[ClaimNode, ...] | None = None

    @property
    def tree(self) -> tuple[ClaimNode, ...]:
        """The claim tree, built on first use (presenting does not need it)."""
        if self._tree is None:
            self._nodes = []
            self._tree = self._children(self.sd.jws.payload, (), None)
        return self._tree

    @property
    def nodes(self) -> list[_Node]:
        """Every claim, plain or disclosable, in tree order."""
        _ = self.tree
        return self._nodes

    def _children(self, raw: Any, path: ClaimPath, parent: str | None) -> tuple[ClaimNode, ...]:
        out: list[ClaimNode] = []
        if isinstance(raw, dict):
            for key, value in raw.items():
                if key not in (SD, SD_ALG):
                    out.append(self._node(key, value, (*path, key), None, parent))
            for digest in raw.get(SD, []):
                found = self.by_digest.get(digest)
                if found is not None and found.name is not None:
                    out.append(self._node(found.name, found.value, (*path, found.name), found, parent))
        elif isinstance(raw, list):
            for slot, item in enumerate(raw):
                if isinstance(item, dict) and ELLIPSIS in item:
                    found = self.by_digest.get(item[ELLIPSIS])
                    if found is not None:
                        out.append(self._node(slot, found.value, (*path, slot), found, parent))
                else:
                    out.append(self._node(slot, item, (*path, slot), None, parent))
        return tuple(out)

    def _node(self, key: str | int, raw: Any, path: ClaimPath, disclosure: Disclosure | None,
              parent: str | None) -> ClaimNode:
        digest = disclosure.digest(self.alg) if disclosure is not None else None
        self._nodes.append(_Node(path, digest, parent, disclosure))
        inner = digest if digest is not None else parent
        children = self._children(raw, path, inner)
        return ClaimNode(format_path(path), key, disclosure is not None, self._expand(raw), children)

    def _expand(self, raw: Any) -> Any:
        if isinstance(raw, dict):
            out = {k: self._expand(v) for k, v in raw.items() if k not in (SD, SD_ALG)}
            for digest in raw.get(SD, []):
                found = self.by_digest.get(digest)
                if found is not None and found.name is not None:
                    out[found.name] = self._expand(found.value)
            return out
        if isinstance(raw, list):
            items = []
            for item in raw:
                if isinstance(item, dict) and ELLIPSIS in item:
                    found = self.by_digest.get(item[ELLIPSIS])
                    if found is not None:
                        items.append(self._expand(found.value))
                else:
                    items.append(self._expand(item))
            return items
        return raw

    def _exists(self, path: ClaimPath) -> bool:
        """Whether ``path`` (slots for arrays) names a claim the holder has."""
        node: Any = self.sd.jws.payload
        for segment in path:
            if isinstance(segment, int):
                if not isinstance(node, list) or segment >= len(node):
                    return False
                node = node[segment]
                if isinstance(node, dict) and ELLIPSIS in node:
                    found = self.by_digest.get(node[ELLIPSIS])
                    if found is None:
                        return False
                    node = found.value
            elif isinstance(node, dict) and segment in node and segment not in (SD, SD_ALG):
                node = node[segment]
            elif isinstance(node, dict):
                named = [self.by_digest[d] for d in node.get(SD, []) if d in self.by_digest]
                match = next((d for d in named if d.name == segment), None)
                if match is None:
                    return False
                node = match.value
            else:
                return False
        return True

    def _hits(self, pattern: ClaimPath) -> list[tuple[ClaimPath, str | None]]:
        """The claims ``pattern`` names, as (path, digest or None for always-visible claims)."""
        if not has_wildcards(pattern):
            entry = self.entries.get(pattern)
            if entry is not None:
                return [(pattern, entry.digest)]
            return [(pattern, None)] if self._exists(pattern) else []
        return [(node.path, node.digest) for node in self.nodes if matches(pattern, node.path)]

    def select(self, disclose: Iterable[str]) -> list[Disclosure]:
        """The disclosures that the paths in ``disclose`` ask for, in the issuer's order."""
        wanted: set[str] = set()
        for text in disclose:
            pattern = parse_path(text, allow_wildcards=True)
            subtree = pattern[-1] is ALL_BELOW
            base = pattern[:-1] if subtree else pattern
            hits = self._hits(base) if base else [((), None)]
            if not hits:
                raise VCError("sdjwt.unknown_path", f"the credential has no claim {text!r}",
                              details={"path": str(text)[:200]})
            for path, digest in hits:
                if digest is not None:
                    wanted.add(digest)
                if subtree or digest is None:
                    wanted.update(entry.digest for entry in self.full.entries
                                  if is_prefix(path, entry.path))
        for digest in list(wanted):
            parent = self.parents[digest]
            while parent is not None and parent not in wanted:
                wanted.add(parent)
                parent = self.parents[parent]
        return [d for d in self.sd.disclosures if d.digest(self.alg) in wanted]


def claim_tree(token: str) -> tuple[ClaimNode, ...]:
    """Every claim of an SD-JWT as a tree; ``disclosable`` marks the ones the holder may withhold.

    Raises the ``sdjwt.*`` / ``jwt.malformed`` errors of a malformed token.
    """
    return _Holder(token).tree


def disclosable_paths(token: str) -> list[str]:
    """The path of every selectively disclosable claim, in tree order."""
    holder = _Holder(token)
    return [format_path(n.path) for n in holder.nodes if n.digest is not None]


def chosen_paths(token: str, disclose: Iterable[str]) -> list[str]:
    """The disclosable claims that ``disclose`` actually reveals (containers included)."""
    holder = _Holder(token)
    chosen = {d.digest(holder.alg) for d in holder.select(disclose)}
    return [format_path(n.path) for n in holder.nodes if n.digest in chosen]


def preview(token: str, disclose: Iterable[str]) -> dict[str, Any]:
    """Exactly the claims a verifier will see for this choice (its own reconstruction)."""
    holder = _Holder(token)
    return reconstruct(holder.sd.jws.payload, holder.select(disclose)).claims


def _seconds(iat: int | float | datetime) -> int:
    if isinstance(iat, datetime):
        return int(iat.timestamp())
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise TypeError("iat must be a datetime or seconds since the epoch")
    return int(iat)


def present_sd_jwt(token: str, *, disclose: Iterable[str], holder_key: Ed25519KeyPair, nonce: str,
                   audience: str, iat: int | float | datetime) -> str:
    """The presentation ``<JWT>~<chosen disclosures>~<KB-JWT>`` for one verifier and request.

    ``audience`` is the verifier (the request's domain) and ``nonce`` its challenge. Refuses
    (``sdjwt.kb_invalid``, reason ``wrong key``) when ``holder_key`` is not the credential's
    ``cnf.jwk``, and ``sdjwt.unknown_path`` for a path the credential does not have.
    """
    if not isinstance(nonce, str) or not nonce or not isinstance(audience, str) or not audience:
        raise ValueError("a presentation needs the verifier's nonce and audience")
    holder = _Holder(token)
    return _present(holder, list(disclose), holder_key, nonce, audience, _seconds(iat))


def _present(holder: _Holder, disclose: list[str], key: Ed25519KeyPair, nonce: str, audience: str,
             iat: int) -> str:
    bound = cnf_holder_key(holder.sd.jws.payload)
    if bound != key.public:
        raise kb_invalid(R_WRONG_KEY, "this key is not the holder key the credential is bound to")
    chosen = holder.select(disclose)
    presented = join_sd_jwt(holder.sd.jwt, [d.encoded for d in chosen])
    claims = {"iat": iat, "aud": audience, "nonce": nonce, "sd_hash": sd_hash(presented, holder.alg)}
    return presented + sign_compact({"alg": "EdDSA", "typ": KB_TYP}, claims, key)
