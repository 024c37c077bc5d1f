"""The SD-JWT envelope: ``<issuer JWT>~<disclosure>~…~<disclosure>~[<KB-JWT>]`` (RFC 9901 §4).

Splitting is where an SD-JWT gets its one meaning, so it is strict: the issuer-signed part must be
a compact JWS, every disclosure slot must be non-empty, and the text before the KB-JWT (what
``sd_hash`` covers) is kept byte for byte. An SD-JWT without key binding ends with ``~``; one with
key binding ends with the KB-JWT. The JWS JSON serialization (RFC 9901 §8) is read by turning it
into that compact form, which is also the form its ``sd_hash`` is defined over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParseError, VCError
from ..jose import CompactJws, JoseError
from ..multibase import b64url_decode
from ..records import record
from .disclosure import Disclosure, SdJwtError, parse_disclosure, strict_loads

#: Largest SD-JWT accepted, in characters.
MAX_SD_JWT_CHARS = 4 * 1024 * 1024
#: Most disclosures accepted in one SD-JWT; a badge has a few dozen.
MAX_DISCLOSURES = 4096
_MAX_HEADER_CHARS = 16 * 1024


def _jwt_malformed(message: str, cause: str | None = None) -> JoseError:
    return JoseError("jwt.malformed", message, details={"cause": cause} if cause else None)


def _json_part(part: str, name: str, max_chars: int) -> Any:
    try:
        return strict_loads(b64url_decode(part), max_bytes=max_chars)
    except ParseError as exc:
        raise _jwt_malformed(f"the JWT {name} is not strict JSON ({exc.code})", exc.code) from exc
    except VCError as exc:
        raise _jwt_malformed(f"the JWT {name} is not unpadded base64url", exc.code) from exc


#: Headers seen lately, by their exact base64url text. An issuer's header is the same on every
#: token it signs, and every key-binding JWT's is one of a few, so reading one is mostly
#: recognizing it. Only flat headers (string and number values) are kept, and each caller gets
#: its own copy, so no caller can change what the next one reads.
_HEADERS: dict[str, dict[str, Any]] = {}
_HEADERS_KEPT = 256


def _header(part: str) -> Any:
    known = _HEADERS.get(part)
    if known is not None:
        return known.copy()
    header = _json_part(part, "header", _MAX_HEADER_CHARS)
    if isinstance(header, dict) and all(type(v) in (str, int) for v in header.values()):
        if len(_HEADERS) >= _HEADERS_KEPT:
            _HEADERS.clear()
        _HEADERS[part] = header.copy()
    return header


def parse_jws(token: str, *, max_chars: int = MAX_SD_JWT_CHARS) -> CompactJws:
    """A compact JWS with a JSON object header and payload, read as strictly as
    :func:`verifier.jose.parse_compact` (same codes), but with the faster JSON reading of
    :func:`verifier.sdjwt.disclosure.strict_loads`. Nothing is verified here.
    """
    if not isinstance(token, str):
        raise _jwt_malformed("the JWT is not a string")
    if len(token) > max_chars:
        raise _jwt_malformed(f"the JWT is longer than {max_chars} characters", "parse.input_too_large")
    parts = token.split(".")
    if len(parts) != 3:
        raise _jwt_malformed(f"a compact JWS has 3 parts, this has {len(parts)}")
    head, body, signature = parts
    # No alphabet scan here: decoding each part refuses anything outside base64url (same code).
    if not head or len(head) > _MAX_HEADER_CHARS:
        raise _jwt_malformed("the JWT header is empty or too large")
    header = _header(head)
    if not isinstance(header, dict):
        raise _jwt_malformed("the JWT header is not a JSON object")
    payload = _json_part(body, "payload", max_chars)
    if not isinstance(payload, dict):
        raise _jwt_malformed("the JWT payload is not a JSON object")
    try:
        raw_signature = b64url_decode(signature)
    except VCError as exc:
        raise _jwt_malformed("the JWT signature is not unpadded base64url", exc.code) from exc
    return record(CompactJws, {"header": header, "payload": payload, "signature": raw_signature,
                               "signing_input": f"{head}.{body}".encode("ascii"), "payload_bytes": b""})


@dataclass(frozen=True)
class SdJwt:
    """A split SD-JWT: nothing in it is verified yet."""

    jwt: str
    jws: CompactJws
    disclosures: tuple[Disclosure, ...]
    kb_jwt: str | None
    #: The text that was split, up to the KB-JWT (``None``: built from the parts).
    split_from: str | None = field(default=None, repr=False, compare=False)

    @property
    def presented(self) -> str:
        """``<JWT>~<D1>~…~<Dn>~``: the exact text ``sd_hash`` is computed over."""
        if self.split_from is not None:
            return self.split_from
        return "".join([self.jwt, "~", *(f"{d.encoded}~" for d in self.disclosures)])

    def serialize(self) -> str:
        """The compact text again (identical to what was split)."""
        return self.presented + (self.kb_jwt or "")


def _malformed(message: str, **details: Any) -> SdJwtError:
    return SdJwtError("sdjwt.malformed", message, details=details or None)


def split_sd_jwt(text: Any) -> SdJwt:
    """Split and decode an SD-JWT in compact form; raises ``sdjwt.malformed`` or ``jwt.malformed``.

    Surrounding whitespace (a trailing newline from a file) is forgiven; nothing else is.
    """
    if not isinstance(text, str):
        raise _malformed("an SD-JWT is text")
    text = text.strip(" \t\r\n")
    if len(text) > MAX_SD_JWT_CHARS:
        raise _malformed(f"the SD-JWT is longer than {MAX_SD_JWT_CHARS} characters",
                         cause="parse.input_too_large")
    if "~" not in text:
        raise _malformed("an SD-JWT has at least one '~' after the issuer-signed JWT")
    parts = text.split("~")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise _malformed(f"the SD-JWT has more than {MAX_DISCLOSURES} disclosures")
    jwt, middle, last = parts[0], parts[1:-1], parts[-1]
    jws = parse_jws(jwt)
    if "" in middle:
        raise _malformed("the SD-JWT has an empty disclosure (two '~' in a row)")
    disclosures = tuple(parse_disclosure(part) for part in middle)
    kb_jwt = last or None
    if kb_jwt is not None and kb_jwt.count(".") != 2:
        raise _malformed("the text after the last '~' is neither empty nor a key-binding JWT")
    return record(SdJwt, {"jwt": jwt, "jws": jws, "disclosures": disclosures, "kb_jwt": kb_jwt,
                          "split_from": text[:len(text) - len(last)]})


def join_sd_jwt(jwt: str, disclosures: list[str] | tuple[str, ...], kb_jwt: str | None = None) -> str:
    """Assemble the compact form from its parts."""
    return "".join([jwt, "~", *(f"{d}~" for d in disclosures)]) + (kb_jwt or "")


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _malformed(f"{what} is not a list of strings")
    return list(value)


def from_json_serialization(document: Mapping[str, Any]) -> str:
    """The compact form of a flattened or general JWS JSON serialized SD-JWT (RFC 9901 §8).

    The disclosures and the KB-JWT sit in the unprotected ``header`` of the (first) signature
    that carries them. A general serialization with several signatures is reduced to that one
    signature: the compact form can carry only one, and it is the one ``sd_hash`` names.
    """
    if not isinstance(document, Mapping):
        raise _malformed("a JSON serialized SD-JWT is an object")
    payload = document.get("payload")
    if not isinstance(payload, str):
        raise _malformed("the JSON serialization has no payload string")
    if "signatures" in document:
        signatures = document["signatures"]
        if not isinstance(signatures, list) or not signatures or not all(
                isinstance(s, Mapping) for s in signatures):
            raise _malformed("signatures is not a non-empty list of objects")
        carriers = [s for s in signatures
                    if isinstance(s.get("header"), Mapping) and "disclosures" in s["header"]]
        chosen = carriers[0] if carriers else signatures[0]
    else:
        chosen = document
    protected, signature = chosen.get("protected"), chosen.get("signature")
    if not isinstance(protected, str) or not isinstance(signature, str):
        raise _malformed("the signature has no protected header or signature string")
    header = chosen.get("header", {})
    if not isinstance(header, Mapping):
        raise _malformed("the unprotected header is not an object")
    disclosures = _string_list(header.get("disclosures", []), "header.disclosures")
    kb_jwt = header.get("kb_jwt")
    if kb_jwt is not None and not isinstance(kb_jwt, str):
        raise _malformed("header.kb_jwt is not a string")
    return join_sd_jwt(f"{protected}.{payload}.{signature}", disclosures, kb_jwt)
