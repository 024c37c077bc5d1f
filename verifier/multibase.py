"""Text encodings of keys and signatures: base58btc multibase, multicodec headers, base64url.

Keys and proof values arrive as attacker-controlled text, so every decoder here is strict: one
accepted header, an exact alphabet check before decoding (the ``base58`` package quietly strips
trailing whitespace), a length cap so a huge value cannot make base58's quadratic decoder spin,
and canonical base64url only, so one key or signature never has two spellings.
"""

from __future__ import annotations

import binascii
import re

import base58
import pybase64

from .errors import KeyFormatError

ED25519_PUB = "ed25519-pub"
ED25519_PRIV = "ed25519-priv"
ED25519_KEY_BYTES = 32

#: The multicodec varint headers this project reads and writes (0xed and 0x1300 as varints).
#: Spelled out rather than computed: ``multiformats`` loads its whole codec table on import
#: (tens of milliseconds), so it is imported only to name a header that is not one of these.
HEADERS: dict[str, bytes] = {
    ED25519_PUB: b"\xed\x01",
    ED25519_PRIV: b"\x80\x26",
}

#: Longest multibase text accepted; real keys and signatures are under 100 characters.
MAX_MULTIBASE_CHARS = 4096

_BASE58_RE = re.compile(r"[1-9A-HJ-NP-Za-km-z]*")


def encode_base58btc(data: bytes) -> str:
    """Plain base58btc (Bitcoin alphabet) with no multibase header, as ``publicKeyBase58`` uses."""
    return base58.b58encode(bytes(data)).decode("ascii")


def decode_base58btc(text: str, *, max_chars: int = MAX_MULTIBASE_CHARS) -> bytes:
    """Decode plain base58btc (no header); raises ``key.invalid_multibase`` on any bad character."""
    if not isinstance(text, str) or not text:
        raise KeyFormatError("key.invalid_multibase", "base58btc value is empty or not a string")
    if len(text) > max_chars:
        raise KeyFormatError("key.invalid_multibase", f"base58btc value longer than {max_chars}")
    if _BASE58_RE.fullmatch(text) is None:
        raise KeyFormatError("key.invalid_multibase", "character outside the base58btc alphabet")
    return bytes(base58.b58decode(text))


def multibase_encode(data: bytes) -> str:
    """base58btc multibase: ``z`` followed by base58btc, the form of proofValue and Multikey."""
    return "z" + encode_base58btc(data)


def multibase_decode(value: str, *, max_chars: int = MAX_MULTIBASE_CHARS) -> bytes:
    """Decode a ``z`` multibase value; any other header (``u``, ``f``, none) is refused."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyFormatError("key.invalid_multibase", "multibase value must start with 'z'")
    return decode_base58btc(value[1:], max_chars=max_chars)


def decode_multicodec(value: str) -> tuple[str, bytes]:
    """Split a ``z`` multibase value into (multicodec name, payload) with no length check.

    Unknown codes raise ``key.invalid_multicodec``. Callers that know what they expect use
    :func:`decode_multikey` instead.
    """
    data = multibase_decode(value)
    for name, header in HEADERS.items():
        if data.startswith(header):  # a complete varint, so a prefix match is the decoding
            return name, data[len(header):]
    from multiformats import multicodec, varint

    try:
        code, header_len, _ = varint.decode_raw(data)
    except (ValueError, IndexError) as exc:
        raise KeyFormatError("key.invalid_multicodec", "no multicodec header") from exc
    try:
        codec = multicodec.get(code=code)
    except KeyError as exc:
        raise KeyFormatError("key.invalid_multicodec", f"unknown multicodec 0x{code:x}") from exc
    return str(codec.name), data[header_len:]


def decode_multikey(value: str, *, expected: str = ED25519_PUB) -> tuple[str, bytes]:
    """Decode an Ed25519 Multikey value into (codec name, 32 raw key bytes).

    ``expected`` is ``ed25519-pub`` (default) or ``ed25519-priv``. Anything else in the header is
    ``key.invalid_multicodec``; a payload that is not exactly 32 bytes is ``key.invalid_length``.
    """
    if expected not in HEADERS:
        raise ValueError(f"unsupported expected codec {expected!r}")
    data = multibase_decode(value)
    header = HEADERS[expected]
    if not data.startswith(header):
        raise KeyFormatError("key.invalid_multicodec", f"multicodec header is not {expected}",
                             details={"expected": expected})
    raw = data[len(header):]
    if len(raw) != ED25519_KEY_BYTES:
        raise KeyFormatError("key.invalid_length",
                             f"{expected} key is {len(raw)} bytes, expected {ED25519_KEY_BYTES}",
                             details={"length": len(raw)})
    return expected, raw


def encode_multikey(codec: str, raw: bytes) -> str:
    """Multibase of a multicodec header plus raw key bytes (``z6Mk…`` for Ed25519 public keys)."""
    if codec not in HEADERS:
        raise ValueError(f"unsupported codec {codec!r}")
    return multibase_encode(HEADERS[codec] + bytes(raw))


#: The last character of canonical unpadded base64url: its unused low bits must be zero, so after
#: ``len % 4 == 2`` characters it is a multiple of 16 in the alphabet, after ``== 3`` one of 4.
_CANONICAL_LAST = {2: frozenset("AQgw"), 3: frozenset("AEIMQUYcgkosw048")}
_PADDING = ("", "", "==", "=")
_URL_ALTCHARS = b"-_"


def b64url_encode(data: bytes) -> str:
    """base64url with the padding removed, as JOSE and did:jwk require.

    :mod:`pybase64` (SIMD) rather than :mod:`binascii`: an SD-JWT check decodes a few kilobytes
    of base64url, and the standard codec alone was 10 µs of its budget.
    """
    return pybase64.b64encode_as_string(data, altchars=_URL_ALTCHARS).rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, refusing padding, other alphabets and non-canonical tails.

    ``pybase64`` with ``altchars`` also takes the standard alphabet's ``+`` and ``/``, so those
    (and ``=``) are refused first: one value must have one spelling.
    """
    if not isinstance(text, str):
        raise KeyFormatError("key.invalid_base64url", "base64url value is not a string")
    tail = len(text) % 4
    if tail == 1 or "+" in text or "/" in text or "=" in text:
        raise KeyFormatError("key.invalid_base64url", "not unpadded base64url")
    if tail and text[-1] not in _CANONICAL_LAST[tail]:
        raise KeyFormatError("key.invalid_base64url", "non-canonical base64url (stray bits)")
    try:
        return pybase64.b64decode(text + _PADDING[tail], altchars=_URL_ALTCHARS, validate=True)
    except (binascii.Error, ValueError) as exc:  # non-ASCII text is a ValueError
        raise KeyFormatError("key.invalid_base64url", "not unpadded base64url") from exc
