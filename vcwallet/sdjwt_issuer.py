"""Issuing Open Badges 3.0-shaped credentials as SD-JWT VCs, and keeping their Token Status List.

An SD-JWT VC lets the learner show a badge without showing everything in it. The issuer decides
what *can* be withheld; the holder later decides what *is*. For badges the split is:

- always visible: the issuer, the achievement's name and type (and the rest of the achievement
  definition, which is public anyway), ``vct``, the dates that decide validity (``iat``,
  ``nbf``, ``exp``), the holder key (``cnf``) and the status reference;
- disclosable one by one (:data:`OB3_DISCLOSABLE`): the recipient's name and identifiers, each
  evidence item, each result *and* each result's score inside it (nested), each alignment, and
  the award and activity dates.

Each object that hides claims also carries a few *decoy* digests, so a verifier cannot count
how many claims were withheld. Salts are 128 random bits. The credential is signed with EdDSA
(``typ: dc+sd-jwt``), the only algorithm the verifier accepts.

The Token Status List an issuer keeps for these credentials is
:mod:`vcwallet.issuing.token_status_list`, beside the W3C status lists.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from verifier.clock import Clock, SystemClock, parse_datetime
from verifier.did import parse_did_key
from verifier.errors import VCError
from verifier.jose import sign_compact
from verifier.json_writer import compact_json
from verifier.keys import Ed25519KeyPair, Ed25519PublicKey
from verifier.multibase import b64url_encode
from verifier.sdjwt.disclosure import Disclosure, encode_disclosure
from verifier.sdjwt.paths import ALL_BELOW, ANY, ClaimPath, format_path, parse_path
from verifier.sdjwt.reconstruct import RESERVED_NAMES, SD_ALG
from verifier.sdjwt.status_list import StatusReference, parse_status_claim
from verifier.sdjwt.token import join_sd_jwt
from verifier.sdjwt.verify import ALWAYS_VISIBLE_CLAIMS
from verifier.vc_jwt import key_id_for

from .errors import VCWalletError

SD_JWT_VC_TYP = "dc+sd-jwt"
#: The ``vct`` used for Open Badges 3.0 credentials issued as SD-JWT VCs.
OB3_VCT = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
#: What a badge's holder may withhold, one claim at a time (patterns; absent claims are skipped).
OB3_DISCLOSABLE: tuple[str, ...] = (
    "credentialSubject.id",
    "credentialSubject.name",
    "credentialSubject.identifier[*]",
    "credentialSubject.result[*]",
    "credentialSubject.result[*].value",
    "credentialSubject.result[*].achievedLevel",
    "credentialSubject.achievement.alignment[*]",
    "credentialSubject.activityStartDate",
    "credentialSubject.activityEndDate",
    "credentialSubject.creditsEarned",
    "credentialSubject.term",
    "credentialSubject.role",
    "credentialSubject.evidence[*]",
    "evidence[*]",
    "awardedDate",
)
#: Claims an issuer sets through parameters; a template may not carry its own.
ENVELOPE_CLAIMS = frozenset({"iss", "vct", "cnf", "status", "iat", "nbf", "exp", SD_ALG, "_sd"})
#: JSON-LD keys that make no sense in an SD-JWT VC (its integrity comes from the JWS).
_DROPPED_LD = ("@context", "proof", "credentialStatus")


class SdJwtIssueError(VCWalletError, ValueError):
    """The SD-JWT VC cannot be issued as asked (see ``code``)."""


def _invalid(message: str, **details: Any) -> SdJwtIssueError:
    return SdJwtIssueError("issue.invalid_credential", message, details=details or None)


def _seconds(value: int | float | datetime | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, str):
        try:
            return int(parse_datetime(value).timestamp())
        except ValueError as exc:
            raise _invalid(f"{value!r} is not a dateTime") from exc
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"{value!r} is not a time")
    return int(value)


def _walk(node: Any, path: ClaimPath, states: list[tuple[int, ClaimPath, int]],
          chosen: set[ClaimPath], used: set[int]) -> None:
    """Follow only the subtrees some pattern still continues into (patterns as a trie).

    Driven by the patterns rather than the children: a named key is one lookup, so a big claim
    set with a few patterns costs a few steps, not children × patterns.
    """
    if isinstance(node, dict):
        is_list = False
    elif isinstance(node, list):
        is_list = True
    else:
        return
    following: dict[str | int, list[tuple[int, ClaimPath, int]]] = {}

    def every_child() -> Iterable[str | int]:
        return range(len(node)) if is_list else node.keys()

    for number, pattern, index in states:
        want = pattern[index]
        if want is ALL_BELOW:
            for key in every_child():
                chosen.add((*path, key))
                following.setdefault(key, []).append((number, pattern, index))
            if node:
                used.add(number)
            continue
        if want is ANY:
            keys: Iterable[str | int] = every_child()
        elif is_list:
            keys = (want,) if type(want) is int and 0 <= want < len(node) else ()
        else:
            keys = (want,) if type(want) in (str, int) and want in node else ()
        last = index + 1 == len(pattern)
        below = not last and pattern[index + 1] is ALL_BELOW
        for key in keys:
            if last or below:
                chosen.add((*path, key))
                used.add(number)
            if not last:
                following.setdefault(key, []).append((number, pattern, index + 1))
    for key, states_below in following.items():
        _walk(node[key], (*path, key), states_below, chosen, used)


class _Trie:
    """Patterns without ``**`` merged by shared prefix: one branch per segment, so a node is
    visited once for all the patterns through it (an issuer applies the same default patterns to
    every badge, so the trie is built once: :func:`_trie_of`)."""

    __slots__ = ("any", "ends", "exact")

    def __init__(self) -> None:
        self.exact: dict[str | int, _Trie] = {}
        self.any: _Trie | None = None
        #: The patterns that end here: the key reached through this branch is chosen.
        self.ends: list[int] = []


def _trie_of(patterns: tuple[ClaimPath, ...]) -> _Trie:
    root = _Trie()
    for number, pattern in enumerate(patterns):
        node = root
        for segment in pattern:
            if segment is ANY:
                node.any = node.any or _Trie()
                node = node.any
            else:
                node = node.exact.setdefault(segment, _Trie())
        node.ends.append(number)
    return root


@lru_cache(maxsize=32)
def _compiled(texts: tuple[str, ...]) -> tuple[tuple[ClaimPath, ...], _Trie | None]:
    """The parsed patterns and, when none has ``**``, their trie; parse errors are raised (and,
    being exceptions, not remembered)."""
    parsed = []
    for text in texts:
        try:
            parsed.append(parse_path(text, allow_wildcards=True))
        except VCError as exc:
            raise _invalid(exc.message, path=str(text)[:200]) from exc
    patterns = tuple(parsed)
    return patterns, None if any(ALL_BELOW in pattern for pattern in patterns) else _trie_of(patterns)


def _trie_walk(node: Any, path: ClaimPath, trie: _Trie, chosen: set[ClaimPath], used: set[int]) -> None:
    """What :func:`_walk` finds, for patterns without ``**``, following the trie."""
    kind = type(node)
    if kind is dict:
        matched = [key for key in trie.exact if type(key) in (str, int) and key in node]
    elif kind is list:
        matched = [key for key in trie.exact if type(key) is int and 0 <= key < len(node)]
    else:
        return
    visits: list[tuple[str | int, _Trie]] = [(key, trie.exact[key]) for key in matched]
    if trie.any is not None:
        every = range(len(node)) if kind is list else node.keys()
        visits.extend((key, trie.any) for key in every)
    for key, below in visits:
        child = (*path, key)
        if below.ends:
            chosen.add(child)
            used.update(below.ends)
        if below.exact or below.any is not None:
            _trie_walk(node[key], child, below, chosen, used)


def select_paths(claims: Mapping[str, Any], patterns: Iterable[str], *,
                 skip_missing: bool = False) -> set[ClaimPath]:
    """The concrete claim paths ``patterns`` name in ``claims`` (``*``/``**`` expanded).

    A pattern that names nothing is ``issue.invalid_credential`` unless ``skip_missing``.
    """
    texts = tuple(patterns)
    if not all(isinstance(text, str) for text in texts):
        raise _invalid("disclosable paths are text")
    parsed, trie = _compiled(texts)
    chosen: set[ClaimPath] = set()
    used: set[int] = set()
    if trie is None:
        _walk(claims, (), [(n, pattern, 0) for n, pattern in enumerate(parsed)], chosen, used)
    else:
        _trie_walk(dict(claims), (), trie, chosen, used)
    if not skip_missing:
        missing = [text for n, text in enumerate(texts) if n not in used]
        if missing:
            raise _invalid(f"the disclosable path {missing[0]!r} is not in the claims", path=missing[0])
    for path in chosen:
        if len(path) == 1 and path[0] in ALWAYS_VISIBLE_CLAIMS:
            raise _invalid(f"{path[0]!r} must stay visible in an SD-JWT VC", path=path[0])
    return chosen


def default_disclosable(claims: Mapping[str, Any]) -> set[ClaimPath]:
    """:data:`OB3_DISCLOSABLE` applied to ``claims`` (patterns that match nothing are skipped)."""
    return select_paths(claims, OB3_DISCLOSABLE, skip_missing=True)


def _check_names(node: Any, path: ClaimPath) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in RESERVED_NAMES or key == SD_ALG:
                raise _invalid(f"the claim name {key!r} is reserved by SD-JWT",
                               path=format_path((*path, key)))
            _check_names(value, (*path, key))
    elif isinstance(node, list):
        for slot, item in enumerate(node):
            if isinstance(item, dict) and "..." in item:
                raise _invalid("an array element may not have a '...' member",
                               path=format_path((*path, slot)))
            _check_names(item, (*path, slot))


#: How a reserved member name shows in compact JSON: as a key, directly before its colon.
_RESERVED_AS_KEYS = tuple(f'"{name}":' for name in (*sorted(RESERVED_NAMES), SD_ALG))


def _check_reserved(claims: dict[str, Any]) -> None:
    """``issue.invalid_credential`` for a reserved name anywhere in ``claims``.

    The claims are written as compact JSON once (C speed; this also refuses values JSON cannot
    hold before anything is signed) and searched for the names as keys. Only a hit, which may
    be a look-alike inside a string, takes the exact walk that names the path.
    """
    try:
        text = compact_json(claims)
    except (TypeError, ValueError) as exc:
        raise _invalid(f"the claims are not JSON: {exc}") from exc
    if any(marker in text for marker in _RESERVED_AS_KEYS):
        _check_names(claims, ())


class _Entropy:
    """Salts and decoys from one system-random buffer instead of one ``os.urandom`` call each.

    A badge needs a dozen salts and a few decoys; each system call cost more than the rest of
    making its disclosure. The bytes are the same kind ``secrets`` hands out, just read in bulk.
    """

    REFILL = 512

    def __init__(self) -> None:
        self._buffer = b""
        self._at = 0

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._buffer):
            self._buffer = secrets.token_bytes(max(self.REFILL, count))
            self._at = 0
        start = self._at
        self._at += count
        return self._buffer[start:self._at]

    def below(self, bound: int) -> int:
        """A uniform integer in ``[0, bound)`` for ``0 < bound <= 256`` (rejection sampling)."""
        limit = 256 - 256 % bound
        while True:
            value = self.take(1)[0]
            if value < limit:
                return value % bound


class _Builder:
    """Replaces the chosen claims by digests, innermost first, and collects the disclosures."""

    def __init__(self, chosen: set[ClaimPath], decoys: int, rng: random.Random | None) -> None:
        self.chosen = chosen
        #: Every proper prefix of a chosen path: a subtree outside these hides nothing, so it is
        #: put in the payload as it is instead of being rebuilt node by node.
        self.above = {path[:cut] for path in chosen for cut in range(len(path))}
        self.decoys = decoys
        self.rng = rng
        self.entropy = _Entropy()
        self.disclosures: list[Disclosure] = []

    def _salt(self) -> str:
        if self.rng is None:
            return b64url_encode(self.entropy.take(16))
        return b64url_encode(self.rng.getrandbits(128).to_bytes(16, "big"))

    def _decoy(self) -> str:
        """A random 256-bit value: indistinguishable from a SHA-256 digest of a disclosure."""
        if self.rng is None:
            return b64url_encode(self.entropy.take(32))
        return b64url_encode(self.rng.getrandbits(256).to_bytes(32, "big"))

    def _decoy_count(self) -> int:
        if self.decoys <= 0:
            return 0
        if self.rng is None:
            return 1 + (self.entropy.below(self.decoys) if self.decoys <= 256
                        else secrets.randbelow(self.decoys))
        return self.rng.randint(1, self.decoys)

    def _hide(self, name: str | None, value: Any) -> str:
        disclosure = encode_disclosure(name, value, self._salt())
        self.disclosures.append(disclosure)
        return disclosure.digest()

    def build(self, node: Any, path: ClaimPath) -> Any:
        """``node`` (at ``path``) with the chosen claims below it hidden. A child outside
        :attr:`above` hides nothing and is taken as it is (shared, never modified, only
        serialized); that test is made here, before the call, because most children pass it."""
        above, chosen = self.above, self.chosen
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            digests: list[str] = []
            for key, value in node.items():
                child = (*path, key)
                processed = self.build(value, child) if child in above else value
                if child in chosen:
                    digests.append(self._hide(key, processed))
                else:
                    out[key] = processed
            if digests:
                digests.extend(self._decoy() for _ in range(self._decoy_count()))
                out["_sd"] = sorted(digests)
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for slot, item in enumerate(node):
                child = (*path, slot)
                processed = self.build(item, child) if child in above else item
                items.append({"...": self._hide(None, processed)} if child in chosen else processed)
            return items
        return node


def _holder_jwk(holder: Mapping[str, Any] | Ed25519PublicKey) -> dict[str, str]:
    if isinstance(holder, Ed25519PublicKey):
        return holder.to_jwk()
    try:
        return Ed25519PublicKey.from_jwk(holder).to_jwk()
    except VCError as exc:
        raise _invalid(f"the holder key is not a public Ed25519 JWK ({exc.code})") from exc


@lru_cache(maxsize=64)
def _issuer_key_problem(public: bytes, kid: str, iss: str) -> str | None:
    """Why ``kid`` is not this key of ``iss`` (``None`` when it is); pure, so memoized."""
    try:
        vm_id = key_id_for(kid, iss)
    except VCError:
        return f"{kid} is not a key of the issuer {iss}"
    if iss.startswith("did:key:"):
        try:
            same = parse_did_key(iss).raw == public
        except VCError as exc:
            return f"the issuer DID is unusable ({exc.code})"
        if not same or vm_id.split("#", 1)[1] != Ed25519PublicKey(public).multibase:
            return "the signing key is not the one the did:key names"
    return None


def check_issuer_key(key: Ed25519KeyPair, kid: str, iss: str) -> None:
    """Refuse (``issue.key_mismatch``) to sign as ``iss`` with a key that is not its key ``kid``."""
    problem = _issuer_key_problem(key.public.raw, kid, iss)
    if problem is not None:
        raise SdJwtIssueError("issue.key_mismatch", problem)


def issue_sd_jwt_vc(claims: Mapping[str, Any], *, key: Ed25519KeyPair, kid: str, iss: str, vct: str,
                    holder_jwk: Mapping[str, Any] | Ed25519PublicKey,
                    disclosable: Iterable[str] | None = None, decoys: int = 3,
                    status: StatusReference | Mapping[str, Any] | None = None,
                    iat: int | datetime | None = None, nbf: int | datetime | str | None = None,
                    exp: int | datetime | str | None = None, clock: Clock | None = None,
                    rng: random.Random | None = None) -> str:
    """Sign ``claims`` as an SD-JWT VC; returns the issuance form ``<JWT>~<D1>~…~<Dn>~``.

    ``disclosable`` lists claim paths (``credentialSubject.result[*].value``; see
    :mod:`verifier.sdjwt.paths`); ``None`` means :data:`OB3_DISCLOSABLE`. A path inside another
    disclosable claim makes a nested disclosure. ``decoys`` is the most decoy digests added to
    each object that hides claims (at least one when positive). ``status`` is a
    :class:`StatusReference` (or the ``status`` claim). ``rng`` makes salts and decoys
    reproducible, for tests and benchmarks only.
    """
    if not isinstance(claims, Mapping):
        raise _invalid("the claims must be a JSON object")
    taken = sorted(ENVELOPE_CLAIMS & claims.keys())
    if taken:
        raise _invalid(f"the claims may not set {', '.join(taken)}; pass them as parameters",
                       claims=taken)
    body = dict(claims)  # not changed here: the builder makes new containers throughout
    _check_reserved(body)
    if not isinstance(vct, str) or not vct:
        raise _invalid("vct must be a non-empty string")
    if not isinstance(iss, str) or ":" not in iss:
        raise _invalid("iss must be a DID or URL")
    check_issuer_key(key, kid, iss)
    chosen = default_disclosable(body) if disclosable is None else select_paths(body, disclosable)
    builder = _Builder(chosen, decoys, rng)
    hidden = builder.build(body, ()) if chosen else body
    now = (clock or SystemClock()).now()
    payload: dict[str, Any] = {"iss": iss, "iat": _seconds(iat) if iat is not None else int(now.timestamp())}
    for name, value in (("nbf", nbf), ("exp", exp)):
        seconds = _seconds(value)
        if seconds is not None:
            payload[name] = seconds
    payload["vct"] = vct
    payload["cnf"] = {"jwk": _holder_jwk(holder_jwk)}
    if status is not None:
        ref = status if isinstance(status, StatusReference) else parse_status_claim(status)
        payload["status"] = ref.claim()
    payload.update(hidden)
    payload[SD_ALG] = "sha-256"
    jwt = sign_compact({"alg": "EdDSA", "typ": SD_JWT_VC_TYP, "kid": kid}, payload, key)
    return join_sd_jwt(jwt, [d.encoded for d in builder.disclosures])


def ob3_claims(credential: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split an (unsigned) Open Badges 3.0 credential into SD-JWT VC claims and envelope values.

    Returns ``(claims, envelope)`` where ``envelope`` has ``iss`` (the issuer id) and, when the
    credential has them, ``nbf`` (``validFrom``/``issuanceDate``) and ``exp``
    (``validUntil``/``expirationDate``), ready for :func:`issue_sd_jwt_vc`. JSON-LD only parts
    (``@context``, ``proof``, ``credentialStatus``) are dropped: the JWS secures the claims.
    Nested values are shared with ``credential``, not copied.
    """
    if not isinstance(credential, Mapping):
        raise _invalid("the credential must be a JSON object")
    claims = {k: v for k, v in credential.items() if k not in _DROPPED_LD}
    issuer = claims.get("issuer")
    iss = issuer if isinstance(issuer, str) else (
        issuer.get("id") if isinstance(issuer, Mapping) else None)
    if not isinstance(iss, str):
        raise _invalid("the credential names no issuer id")
    envelope: dict[str, Any] = {"iss": iss}
    for target, names in (("nbf", ("validFrom", "issuanceDate")), ("exp", ("validUntil", "expirationDate"))):
        for name in names:
            if name in claims:
                envelope[target] = _seconds(claims.pop(name))
                break
    return claims, envelope


def issue_ob3_sd_jwt_vc(credential: Mapping[str, Any], *, key: Ed25519KeyPair, kid: str,
                        holder_jwk: Mapping[str, Any] | Ed25519PublicKey,
                        status: StatusReference | None = None, vct: str = OB3_VCT,
                        disclosable: Iterable[str] | None = None, decoys: int = 3,
                        clock: Clock | None = None, rng: random.Random | None = None) -> str:
    """An Open Badges 3.0 credential template as an SD-JWT VC with the default disclosure split."""
    claims, envelope = ob3_claims(credential)
    return issue_sd_jwt_vc(claims, key=key, kid=kid, iss=envelope["iss"], vct=vct,
                           holder_jwk=holder_jwk, disclosable=disclosable, decoys=decoys,
                           status=status, nbf=envelope.get("nbf"), exp=envelope.get("exp"),
                           clock=clock, rng=rng)
