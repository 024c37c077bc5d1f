"""Compact JWS (RFC 7515) for Ed25519 only, strict enough to face hostile tokens.

JOSE libraries have a long record of "algorithm confusion": a token says ``alg: none`` and is
accepted unsigned, or says ``HS256`` and the verifier feeds the issuer's *public* key into HMAC as
the shared secret, so anyone can forge. RFC 8725 (JWT BCP) asks verifiers to fix the algorithm
in advance. This module does exactly that:

- the only algorithms are ``EdDSA`` and the fully specified ``Ed25519``; there is no HMAC, RSA or
  ECDSA code path at all, so no header can select one;
- the key is always the caller's (from the issuer's DID document). A token that carries or points
  at key material (``jwk``, ``jku``, ``x5u``, ``x5c``) is refused rather than ignored, because a
  verifier elsewhere in the pipeline might honour it;
- ``crit`` names this code does not understand fail closed, as RFC 7515 §4.1.11 requires;
- base64url must be canonical and unpadded, and JSON must be strict (no duplicate keys), so one
  token has exactly one meaning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import KeyFormatError, ParseError, VCError
from .json_reader import loads
from .json_writer import compact_json
from .keys import SIGNATURE_BYTES, Ed25519KeyPair, Ed25519PublicKey
from .multibase import b64url_decode, b64url_encode

#: The algorithms this module signs and verifies with; everything else is refused.
DEFAULT_ALGS: tuple[str, ...] = ("EdDSA", "Ed25519")
#: Largest compact token accepted, in characters (credentials may embed base64 images).
MAX_TOKEN_CHARS = 4 * 1024 * 1024
#: Header members that carry or point at key material; keys come from DID documents only.
KEY_MATERIAL_HEADERS: frozenset[str] = frozenset({"jwk", "jku", "x5u", "x5c"})
#: Header parameters registered by RFC 7515/7516/7519; they must not appear in ``crit``.
REGISTERED_HEADERS: frozenset[str] = frozenset({
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
    "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
})
_MAX_HEADER_CHARS = 16 * 1024
_PART_RE = re.compile(r"[A-Za-z0-9_-]*")


class JoseError(VCError, ValueError):
    """A JWS could not be read, or was refused (algorithm, key source, crit, typ, signature)."""


@dataclass(frozen=True)
class CompactJws:
    """A parsed compact JWS; nothing in it has been checked except its encoding."""

    header: dict[str, Any]
    payload: Any
    signing_input: bytes
    signature: bytes
    payload_bytes: bytes = b""


def _malformed(message: str, *, cause: str | None = None) -> JoseError:
    details = {"cause": cause} if cause else None
    return JoseError("jwt.malformed", message, details=details)


def _decode_part(part: str, name: str) -> bytes:
    try:
        return b64url_decode(part)
    except KeyFormatError as exc:
        raise _malformed(f"the JWT {name} is not unpadded base64url", cause=exc.code) from exc


def _parse_json_part(data: bytes, name: str, max_bytes: int) -> Any:
    try:
        return loads(data, max_bytes=max_bytes)
    except ParseError as exc:
        raise _malformed(f"the JWT {name} is not strict JSON ({exc.code})", cause=exc.code) from exc


def parse_compact(token: str, *, max_chars: int = MAX_TOKEN_CHARS,
                  json_payload: bool = True) -> CompactJws:
    """Split and decode a compact JWS; ``jwt.malformed`` for anything but three clean parts.

    The header must be a JSON object. With ``json_payload`` the payload must be JSON too (an
    object for every JWT); otherwise it is left as bytes.
    """
    if not isinstance(token, str):
        raise _malformed("the JWT is not a string")
    if len(token) > max_chars:
        raise _malformed(f"the JWT is longer than {max_chars} characters",
                         cause="parse.input_too_large")
    parts = token.split(".")
    if len(parts) != 3:
        raise _malformed(f"a compact JWS has 3 parts, this has {len(parts)}")
    header_b64, payload_b64, signature_b64 = parts
    for part in parts:
        if _PART_RE.fullmatch(part) is None:
            raise _malformed("the JWT contains characters outside base64url",
                             cause="key.invalid_base64url")
    if not header_b64:
        raise _malformed("the JWT header is empty")
    if len(header_b64) > _MAX_HEADER_CHARS:
        raise _malformed("the JWT header is too large", cause="parse.input_too_large")
    header = _parse_json_part(_decode_part(header_b64, "header"), "header", _MAX_HEADER_CHARS)
    if not isinstance(header, dict):
        raise _malformed("the JWT header is not a JSON object")
    payload_bytes = _decode_part(payload_b64, "payload")
    payload: Any = payload_bytes
    if json_payload:
        payload = _parse_json_part(payload_bytes, "payload", max_chars)
    signature = _decode_part(signature_b64, "signature")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    return CompactJws(header, payload, signing_input, signature, payload_bytes)


def normalize_typ(value: str) -> str:
    """``typ`` compared as RFC 7515 §4.1.9 says: case-insensitive, ``application/`` optional."""
    lowered = value.lower()
    return lowered[len("application/"):] if lowered.startswith("application/") else lowered


def check_algorithm(header: Mapping[str, Any], allowed_algs: Collection[str] = DEFAULT_ALGS) -> str:
    """The header's ``alg`` if it is on the allowlist; ``jwt.algorithm_not_allowed`` otherwise.

    The comparison is exact (``alg`` is case-sensitive), so ``none``, ``None``, ``HS256`` and
    friends all fall out here, before any key is touched.
    """
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algs:
        shown = alg if isinstance(alg, str) else repr(alg)
        raise JoseError("jwt.algorithm_not_allowed",
                        f"the JWT algorithm {shown[:40]!r} is not accepted; only "
                        f"{', '.join(allowed_algs)} signatures are verified",
                        details={"alg": shown[:40]})
    return alg


def check_key_headers(header: Mapping[str, Any]) -> None:
    """Refuse tokens that carry or point at their own key (``jwt.untrusted_key``)."""
    if KEY_MATERIAL_HEADERS.isdisjoint(header):
        return
    present = sorted(KEY_MATERIAL_HEADERS & header.keys())
    raise JoseError("jwt.untrusted_key",
                    f"the JWT header carries key material ({', '.join(present)}); keys are "
                    "taken only from the issuer's DID document",
                    details={"headers": present})


def check_crit(header: Mapping[str, Any], understood_crit: Collection[str] = frozenset()) -> None:
    """Apply RFC 7515 §4.1.11: every ``crit`` name must be understood and present.

    ``b64`` (RFC 7797 unencoded payloads) is never supported, so a ``b64`` header other than
    ``true`` is refused even when a sloppy producer left it out of ``crit``.
    """
    if "b64" in header and header["b64"] is not True:
        raise JoseError("jwt.unsupported_crit", "unencoded payloads (b64) are not supported",
                        details={"crit": ["b64"]})
    if "crit" not in header:
        return
    crit = header["crit"]
    if (not isinstance(crit, list) or not crit
            or not all(isinstance(name, str) for name in crit) or len(set(crit)) != len(crit)):
        raise _malformed("the JWT crit header is not a non-empty list of distinct names")
    registered = sorted(REGISTERED_HEADERS.intersection(crit))
    if registered:
        raise _malformed(f"crit lists registered header parameters: {', '.join(registered)}")
    unknown = sorted(name for name in crit if name not in understood_crit)
    if unknown:
        raise JoseError("jwt.unsupported_crit",
                        f"the JWT marks headers this verifier does not understand as critical: "
                        f"{', '.join(name[:40] for name in unknown[:5])}",
                        details={"crit": [name[:40] for name in unknown[:5]]})
    missing = sorted(name for name in crit if name not in header)
    if missing:
        raise _malformed(f"crit names headers that are absent: {', '.join(missing[:5])}")


@lru_cache(maxsize=64)
def _normalized_typs(typs: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_typ(value) for value in typs)


def check_typ(header: Mapping[str, Any], allowed_typs: Collection[str] | None, *,
              require_typ: bool = True) -> None:
    """``jwt.invalid_typ`` unless ``typ`` is one of ``allowed_typs`` (``None``: no check).

    Explicit typing (RFC 8725 §3.11) keeps one kind of JWT from being replayed as another, e.g.
    an SD-JWT or an ID token passed off as a credential.
    """
    if allowed_typs is None:
        return
    typ = header.get("typ")
    if typ is None and not require_typ:
        return
    allowed = _normalized_typs(tuple(allowed_typs))
    if not isinstance(typ, str) or normalize_typ(typ) not in allowed:
        shown = typ[:60] if isinstance(typ, str) else repr(typ)[:60]
        raise JoseError("jwt.invalid_typ",
                        f"the JWT typ {shown!r} is not one of {', '.join(sorted(allowed_typs))}",
                        details={"typ": shown, "allowed": sorted(allowed_typs)})


def check_header(header: Mapping[str, Any], *, allowed_algs: Collection[str] = DEFAULT_ALGS,
                 allowed_typs: Collection[str] | None = None, require_typ: bool = True,
                 understood_crit: Collection[str] = frozenset()) -> str:
    """Every header rule, in RFC 8725 order (algorithm first); returns the ``alg``."""
    alg = check_algorithm(header, allowed_algs)
    check_key_headers(header)
    check_crit(header, understood_crit)
    check_typ(header, allowed_typs, require_typ=require_typ)
    return alg


def verify_compact(jws: CompactJws, public_key: Ed25519PublicKey, *,
                   allowed_algs: Collection[str] = DEFAULT_ALGS,
                   allowed_typs: Collection[str] | None,
                   require_typ: bool = True,
                   understood_crit: Collection[str] = frozenset()) -> None:
    """Check the header rules, then the Ed25519 signature over ``header.payload``.

    ``allowed_algs`` may only narrow the Ed25519 names: passing ``HS256`` cannot enable HMAC,
    because there is no HMAC code here to enable.
    """
    narrowed = [alg for alg in allowed_algs if alg in DEFAULT_ALGS]
    check_header(jws.header, allowed_algs=narrowed, allowed_typs=allowed_typs,
                 require_typ=require_typ, understood_crit=understood_crit)
    verify_signature(jws, public_key)


def verify_signature(jws: CompactJws, public_key: Ed25519PublicKey) -> None:
    """Only the Ed25519 signature over ``header.payload``, for a caller that has already run
    :func:`check_header` on ``jws.header`` itself (the SD-JWT verifier does, before it looks
    anything up). Anyone else wants :func:`verify_compact`."""
    if len(jws.signature) != SIGNATURE_BYTES:
        raise JoseError("jwt.invalid_signature",
                        f"an Ed25519 signature is {SIGNATURE_BYTES} bytes, this is "
                        f"{len(jws.signature)}", details={"length": len(jws.signature)})
    if not public_key.verify(jws.signing_input, jws.signature):
        raise JoseError("jwt.invalid_signature",
                        "the JWT signature does not match its content and the issuer's key")


def _json_bytes(value: Any) -> bytes:
    return compact_json(value).encode("utf-8")


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any] | bytes,
                 key: Ed25519KeyPair) -> str:
    """A compact JWS of ``payload`` signed with ``key``; ``alg`` defaults to ``EdDSA``.

    Refuses headers this module's own verifier would refuse (other algorithms, embedded keys),
    so the issuing tools cannot produce a token that only a lax verifier accepts.
    """
    full = dict(header)
    full.setdefault("alg", "EdDSA")
    check_algorithm(full)
    check_key_headers(full)
    body = payload if isinstance(payload, bytes) else _json_bytes(dict(payload))
    signing_input = f"{b64url_encode(_json_bytes(full))}.{b64url_encode(body)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"
