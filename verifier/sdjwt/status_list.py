"""IETF Token Status List: the status mechanism of SD-JWT VCs, both ends.

A credential says ``"status": {"status_list": {"idx": 7, "uri": "https://…"}}``. The URI serves a
*Status List Token*, a JWT (``typ: statuslist+jwt``) whose ``sub`` is that URI and whose
``status_list`` is ``{"bits": 1|2|4|8, "lst": base64url(ZLIB(DEFLATE(bytes)))}``. Entry ``i``
occupies ``bits`` bits starting at bit ``i * bits``, counted from the *least* significant bit of
the first byte (the opposite of the W3C Bitstring list). Values: 0 valid, 1 invalid (revoked),
2 suspended, 3 and 0x0C–0x0F application-specific.

Verifier side, :class:`TokenStatusChecker`: fetch through the injected fetcher, verify the list
token as strictly as the credential (EdDSA only, the key taken from the *credential issuer's*
DID document, ``sub`` equal to the URI), decompress under a hard cap (a compressed list is
attacker-controlled and may be a bomb), cache per URI and issuer for a TTL of the injected clock,
and read one entry. Anything undecidable raises ``status.unknown`` (or a more specific
``status.*`` code); the caller reports it as an error, never as "valid".

Issuer side: :class:`TokenStatusList` (create, set, encode) and :func:`status_list_token`
(sign). Keeping the index allocation and files is the issuing tool's job.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..cache import TtlCache
from ..clock import Clock
from ..compression import ZLIB_WBITS
from ..errors import VCError
from ..fetch import Fetcher
from ..jose import CompactJws, check_header, parse_compact, sign_compact, verify_compact
from ..keys import Ed25519KeyPair
from ..multibase import b64url_decode, b64url_encode
from ..proofs import KeyLookup
from ..status import StatusError
from ..status.bitstring import inflate_status_list
from ..vc_jwt import key_id_for

STATUS_LIST_TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
VALID, INVALID, SUSPENDED = 0, 1, 2
ALLOWED_BITS = (1, 2, 4, 8)
#: Default cap on a decompressed list: 16 MiB (16 million 8-bit entries).
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: Largest list token fetched, in bytes (compressed lists are small; bombs are not let in).
MAX_TOKEN_BYTES = 2 * 1024 * 1024
_ZLIB_MESSAGES = {
    "corrupt": "lst is not ZLIB data: {detail}",
    "truncated": "lst is truncated ZLIB data",
    "trailing": "lst has data after the ZLIB stream",
}
_MAX_INDEX = 2**40


def status_name(value: int) -> str:
    """``valid``, ``invalid``, ``suspended`` or ``application-specific (0x…)``."""
    return {VALID: "valid", INVALID: "invalid", SUSPENDED: "suspended"}.get(
        value, f"application-specific (0x{value:02x})")


class TokenStatusList:
    """A mutable list of ``bits``-bit statuses over a byte array (LSB first)."""

    __slots__ = ("_data", "bits")

    def __init__(self, data: bytes | bytearray, bits: int = 1) -> None:
        if bits not in ALLOWED_BITS:
            raise StatusError("status.invalid_list", f"bits must be one of {ALLOWED_BITS}",
                              details={"bits": repr(bits)[:20]})
        self.bits = bits
        self._data = bytearray(data)

    @classmethod
    def new(cls, size: int, bits: int = 1) -> TokenStatusList:
        """An all-valid list with room for ``size`` entries (rounded up to whole bytes)."""
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ValueError(f"a status list size must be a positive integer, not {size!r}")
        return cls(bytes(-(-size * bits // 8)), bits)

    def __len__(self) -> int:
        return len(self._data) * 8 // self.bits

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenStatusList) and (self.bits, self._data) == (other.bits, other._data)

    def __repr__(self) -> str:
        return f"TokenStatusList(entries={len(self)}, bits={self.bits})"

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def _where(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self):
            raise StatusError("status.invalid_index",
                              f"status index {index!r} is outside the list's {len(self)} entries",
                              details={"index": repr(index)[:30], "entries": len(self)})
        bit = index * self.bits
        return bit >> 3, bit & 7

    def get(self, index: int) -> int:
        """The status value of entry ``index``."""
        byte, shift = self._where(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        """Store ``value`` (0 … 2**bits - 1) as entry ``index``."""
        byte, shift = self._where(index)
        mask = (1 << self.bits) - 1
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= mask:
            raise ValueError(f"status value {value!r} does not fit in {self.bits} bits")
        self._data[byte] = (self._data[byte] & ~(mask << shift) & 0xFF) | (value << shift)

    def encode(self) -> dict[str, Any]:
        """The ``status_list`` claim: ``{"bits": …, "lst": base64url(zlib(bytes))}``."""
        return {"bits": self.bits, "lst": b64url_encode(zlib.compress(bytes(self._data), 9))}

    @classmethod
    def decode(cls, claim: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> TokenStatusList:
        """Read a ``status_list`` claim; ``status.invalid_list`` / ``status.list_too_large``."""
        if not isinstance(claim, Mapping):
            raise StatusError("status.invalid_list", "status_list is not an object")
        bits, lst = claim.get("bits"), claim.get("lst")
        if isinstance(bits, bool) or bits not in ALLOWED_BITS:
            raise StatusError("status.invalid_list", f"status_list.bits must be one of {ALLOWED_BITS}",
                              details={"bits": repr(bits)[:20]})
        if not isinstance(lst, str) or not lst:
            raise StatusError("status.invalid_list", "status_list.lst is not a base64url string")
        try:
            compressed = b64url_decode(lst)
        except VCError as exc:
            raise StatusError("status.invalid_list", "status_list.lst is not unpadded base64url",
                              details={"cause": exc.code}) from exc
        data = inflate_status_list(compressed, max_bytes, wbits=ZLIB_WBITS, messages=_ZLIB_MESSAGES)
        if not data:
            raise StatusError("status.invalid_list", "the status list is empty")
        return cls(data, bits)


@dataclass(frozen=True)
class StatusReference:
    """Where a credential's status is: list ``uri``, entry ``idx``."""

    uri: str
    idx: int

    def claim(self) -> dict[str, Any]:
        """The credential's ``status`` claim for this reference."""
        return {"status_list": {"idx": self.idx, "uri": self.uri}}


def parse_status_claim(status: Any) -> StatusReference:
    """Read ``{"status_list": {"idx", "uri"}}``; ``status.unknown`` / ``status.invalid_index``."""
    ref = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(ref, Mapping):
        raise StatusError("status.unsupported_type",
                          "the status claim has no status_list reference this verifier reads",
                          path="$.status")
    uri, idx = ref.get("uri"), ref.get("idx")
    if not isinstance(uri, str) or not uri.startswith("https://"):
        raise StatusError("status.unknown", "status.status_list.uri is not an https URL",
                          path="$.status.status_list.uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < _MAX_INDEX:
        raise StatusError("status.invalid_index", "status.status_list.idx is not a non-negative "
                          "integer", path="$.status.status_list.idx",
                          details={"index": repr(idx)[:30]})
    return StatusReference(uri, idx)


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def status_list_token(status_list: TokenStatusList, *, uri: str, issuer: str, key: Ed25519KeyPair,
                      kid: str, iat: int, exp: int | None = None, ttl: int | None = None) -> str:
    """Sign ``status_list`` as the Status List Token published at ``uri``."""
    payload: dict[str, Any] = {"sub": uri, "iss": issuer, "iat": int(iat)}
    if exp is not None:
        payload["exp"] = int(exp)
    if ttl is not None:
        payload["ttl"] = int(ttl)
    payload["status_list"] = status_list.encode()
    return sign_compact({"alg": "EdDSA", "typ": STATUS_LIST_TYP, "kid": kid}, payload, key)


class TokenStatusSource(Protocol):
    """What :func:`verifier.sdjwt.verify.verify_sd_jwt_vc` needs: one entry's value, or a raise."""

    def check(self, uri: str, idx: int, *, issuer: str) -> int: ...


@dataclass(frozen=True)
class _Loaded:
    status_list: TokenStatusList
    exp: float | None


def _unknown(message: str, uri: str, **details: Any) -> StatusError:
    return StatusError("status.unknown", message, details={"url": uri, **details})


class TokenStatusChecker:
    """Reads Token Status List entries: fetch, verify, decode under a cap, cache for a TTL."""

    def __init__(self, fetcher: Fetcher, keys: KeyLookup, clock: Clock, *, cache_ttl: float = 300.0,
                 max_list_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = 64) -> None:
        self.fetcher = fetcher
        self.keys = keys
        self.clock = clock
        self.cache_ttl = cache_ttl
        self.max_list_bytes = max_list_bytes
        self.max_entries = max_entries
        self._cache: TtlCache[tuple[str, str], _Loaded] = TtlCache(clock, max(cache_ttl, 0.0),
                                                                  max(max_entries, 0))

    def clear(self) -> None:
        self._cache.clear()

    def check(self, uri: str, idx: int, *, issuer: str) -> int:
        """The status value of entry ``idx`` of the list at ``uri``, which ``issuer`` must sign."""
        loaded = self._get(uri, issuer)
        # compared as numbers: an exp after year 9999 (a NumericDate may be any number) is far
        # future, not an OverflowError
        if loaded.exp is not None and self.clock.now().timestamp() >= loaded.exp:
            raise _unknown("the status list token has expired", uri, reason="list expired")
        return loaded.status_list.get(idx)

    def _get(self, uri: str, issuer: str) -> _Loaded:
        key = (uri, issuer)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        asked = self.clock.now()  # its life counts from the asking, however slow the load
        loaded, ttl = self._load(uri, issuer)
        self._cache.put(key, loaded, ttl_seconds=ttl, stored_at=asked)
        return loaded

    def _fetch(self, uri: str) -> CompactJws:
        try:
            response = self.fetcher.fetch(uri, accept=MEDIA_TYPE, max_bytes=MAX_TOKEN_BYTES)
        except VCError as exc:
            raise _unknown(f"the status list could not be fetched: {exc.message}", uri,
                           underlying_code=exc.code) from exc
        try:
            text = response.body.decode("ascii").strip()
            return parse_compact(text, max_chars=MAX_TOKEN_BYTES)
        except (UnicodeDecodeError, VCError) as exc:
            code = exc.code if isinstance(exc, VCError) else "jwt.malformed"
            raise StatusError("status.invalid_list", "the status list is not a compact JWT",
                              details={"url": uri, "underlying_code": code}) from exc

    def _load(self, uri: str, issuer: str) -> tuple[_Loaded, float]:
        jws = self._fetch(uri)
        try:
            check_header(jws.header, allowed_typs=(STATUS_LIST_TYP,))
        except VCError as exc:
            raise _unknown("the status list token's header is refused", uri, reason=exc.code) from exc
        payload = jws.payload
        if not isinstance(payload, dict):
            raise StatusError("status.invalid_list", "the status list token payload is not an object",
                              details={"url": uri})
        if payload.get("sub") != uri:
            raise StatusError("status.list_mismatch", "the status list token is for another URI (sub)",
                              details={"url": uri, "sub": str(payload.get("sub"))[:200]})
        if "iss" in payload and payload["iss"] != issuer:
            raise StatusError("status.list_mismatch",
                              "the status list was issued by someone other than the credential's "
                              "issuer", details={"url": uri, "list_issuer": str(payload["iss"])[:200],
                                                 "issuer": issuer})
        kid = jws.header.get("kid")
        try:
            vm_id = key_id_for(kid if isinstance(kid, str) else None, issuer)
        except VCError as exc:
            raise StatusError("status.list_mismatch", "the status list is signed with a key that is "
                              "not the credential issuer's", details={"url": uri, "reason": exc.code}
                              ) from exc
        try:
            binding = self.keys.lookup(vm_id, purpose="assertionMethod", expected_controller=issuer)
        except VCError as exc:
            raise _unknown("the status list's signing key could not be resolved", uri,
                           reason=exc.code) from exc
        if binding.public_key is None or not binding.bound:
            reason = binding.problem.code if binding.problem else "no key"
            raise _unknown("the status list's signing key is not the issuer's", uri, reason=reason)
        try:
            verify_compact(jws, binding.public_key, allowed_typs=(STATUS_LIST_TYP,))
        except VCError as exc:
            raise _unknown("the status list token's signature does not verify", uri,
                           reason=exc.code) from exc
        iat, exp, ttl = (_numeric(payload.get(name)) for name in ("iat", "exp", "ttl"))
        if iat is None:
            raise StatusError("status.invalid_list", "the status list token has no numeric iat",
                              details={"url": uri})
        status_list = TokenStatusList.decode(payload.get("status_list"), max_bytes=self.max_list_bytes)
        lifetime = self.cache_ttl if ttl is None or ttl <= 0 else min(self.cache_ttl, ttl)
        return _Loaded(status_list, exp), lifetime
