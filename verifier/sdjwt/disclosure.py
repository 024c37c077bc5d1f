"""SD-JWT disclosures (RFC 9901 §4.2): ``[salt, name, value]`` or ``[salt, value]``, and digests.

A disclosure travels as base64url text, and its digest is taken over *that text* (the ASCII
bytes of the base64url string), not over the decoded JSON. Re-encoding a disclosure would change
its digest, so :class:`Disclosure` keeps the exact string it was read from.

Everything here reads attacker-controlled text. The JSON is parsed strictly (no duplicate keys,
no NaN, bounded size and depth), and the shapes are checked before anyone looks at a value.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParseError, VCError
from ..json_reader import MAX_DEPTH, MAX_INT_DIGITS, loads
from ..json_writer import compact_json
from ..multibase import b64url_decode, b64url_encode
from ..records import record

#: ``_sd_alg`` names (IANA "Named Information Hash Algorithm" registry) this code understands.
HASH_ALGS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
DEFAULT_HASH_ALG = "sha-256"
#: Largest single disclosure accepted, in characters of base64url text.
MAX_DISCLOSURE_CHARS = 256 * 1024
#: Salts are 128 bits, as RFC 9901 §9.3 recommends.
SALT_BYTES = 16


class SdJwtError(VCError, ValueError):
    """An SD-JWT, a disclosure or a key-binding JWT is malformed or refused."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ParseError("parse.duplicate_key", "a JSON object repeats a key")
    return out


def _no_constants(name: str) -> Any:
    raise ParseError("parse.malformed_json", f"{name} is not allowed in JSON input")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ParseError("parse.malformed_json", "an integer is too large")
    return int(text)


#: Built once (``json.loads`` with hooks builds a decoder per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                            parse_int=_bounded_int)
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
_OPENERS = ("[", "{")
_CLOSERS = ("]", "}")


def strict_loads(data: bytes, *, max_bytes: int) -> Any:
    """:func:`verifier.json_reader.loads`, minus its character-by-character depth scan when the
    text has too few brackets to nest beyond the limit (always, for SD-JWT parts).

    Same rules otherwise: UTF-8, no duplicate keys, no NaN/Infinity, bounded integers, a size
    cap. The depth scan dominated the cost of verifying an SD-JWT, and counting brackets is a
    C-speed upper bound on the nesting depth, so skipping it changes no answer. A value with no
    surrounding whitespace (every JOSE part and disclosure we write) goes straight to the C
    scanner, skipping the two whitespace regexes :meth:`json.JSONDecoder.decode` runs.
    """
    brackets = data.count(b"[") + data.count(b"{")
    if len(data) > max_bytes or brackets > MAX_DEPTH or data.startswith(b"\xef\xbb\xbf"):
        return loads(data, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8")
        if text[:1] in _OPENERS and text[-1:] in _CLOSERS:
            try:
                value, end = _SCAN(text, 0)
            except StopIteration as exc:
                raise ParseError("parse.malformed_json", f"not valid JSON at {exc.value}") from None
            if end != len(text):
                raise ParseError("parse.malformed_json", "extra data after the JSON value")
            return value
        return _DECODER.decode(text)
    except ParseError:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ParseError("parse.malformed_json", f"not valid JSON: {exc}") from exc


def hash_function(alg: Any) -> Callable[[bytes], Any]:
    """The hash for an ``_sd_alg`` value, or ``sdjwt.unsupported_hash``."""
    if not isinstance(alg, str) or alg not in HASH_ALGS:
        shown = alg[:40] if isinstance(alg, str) else repr(alg)[:40]
        raise SdJwtError("sdjwt.unsupported_hash",
                         f"the SD-JWT uses the hash {shown!r}; only {', '.join(HASH_ALGS)} are "
                         "understood", path="$._sd_alg", details={"alg": shown})
    return HASH_ALGS[alg]


def digest_of(encoded: str, alg: str = DEFAULT_HASH_ALG) -> str:
    """base64url(hash(ASCII bytes of ``encoded``)): the digest the payload lists."""
    return b64url_encode(hash_function(alg)(encoded.encode("ascii")).digest())


def new_salt() -> str:
    """A fresh 128-bit salt, base64url-encoded."""
    return b64url_encode(secrets.token_bytes(SALT_BYTES))


@dataclass(frozen=True)
class Disclosure:
    """One decoded disclosure; ``name`` is ``None`` for an array element."""

    encoded: str
    salt: str
    name: str | None
    value: Any
    _digests: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_array_element(self) -> bool:
        return self.name is None

    def digest(self, alg: str = DEFAULT_HASH_ALG) -> str:
        """The digest of :attr:`encoded` under ``alg`` (memoized: holders and verifiers reuse it)."""
        found = self._digests.get(alg)
        if found is None:
            found = digest_of(self.encoded, alg)
            self._digests[alg] = found
        return found


def _malformed(message: str, **details: Any) -> SdJwtError:
    return SdJwtError("sdjwt.malformed", message, details=details or None)


def parse_disclosure(encoded: Any) -> Disclosure:
    """Decode one disclosure string; ``sdjwt.malformed`` unless it is a well-formed array.

    The array has 3 elements ``[salt, name, value]`` (an object property) or 2 ``[salt, value]``
    (an array element); salt and name are strings. Which of the two a digest may point at is
    checked later, where the digest is found (``sdjwt.invalid_array_element``).
    """
    if not isinstance(encoded, str) or not encoded:
        raise _malformed("a disclosure is empty or not text")
    if len(encoded) > MAX_DISCLOSURE_CHARS:
        raise _malformed(f"a disclosure is longer than {MAX_DISCLOSURE_CHARS} characters")
    try:
        raw = b64url_decode(encoded)
    except VCError as exc:
        raise _malformed("a disclosure is not unpadded base64url", cause=exc.code) from exc
    try:
        decoded = strict_loads(raw, max_bytes=MAX_DISCLOSURE_CHARS)
    except ParseError as exc:
        raise _malformed(f"a disclosure is not strict JSON ({exc.code})", cause=exc.code) from exc
    if not isinstance(decoded, list) or len(decoded) not in (2, 3):
        size = len(decoded) if isinstance(decoded, list) else None
        raise _malformed("a disclosure must be a JSON array of 2 or 3 elements",
                         elements=size)
    salt = decoded[0]
    if not isinstance(salt, str) or not salt:
        raise _malformed("a disclosure's salt is not a non-empty string")
    if len(decoded) == 2:
        return record(Disclosure, {"encoded": encoded, "salt": salt, "name": None,
                                   "value": decoded[1], "_digests": {}})
    name = decoded[1]
    if not isinstance(name, str):
        raise _malformed("a disclosure's claim name is not a string")
    return record(Disclosure, {"encoded": encoded, "salt": salt, "name": name, "value": decoded[2],
                               "_digests": {}})


def encode_disclosure(name: str | None, value: Any, salt: str | None = None) -> Disclosure:
    """A new disclosure for a claim (``name``) or an array element (``name=None``)."""
    salt = salt if salt is not None else new_salt()
    items: list[Any] = [salt, value] if name is None else [salt, name, value]
    encoded = b64url_encode(compact_json(items).encode("utf-8"))
    # Its issuer lists the SHA-256 digest next, so it is taken here, in one go.
    digest = b64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())
    return record(Disclosure, {"encoded": encoded, "salt": salt, "name": name, "value": value,
                               "_digests": {DEFAULT_HASH_ALG: digest}})
