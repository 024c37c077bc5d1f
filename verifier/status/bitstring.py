"""The bitstring behind a status list: GZIP, then multibase base64url, decoded under a hard cap.

A status list is attacker-controlled input that arrives compressed. Two megabytes of gzip can
inflate to hundreds of megabytes, so :meth:`Bitstring.decode` inflates with
:func:`verifier.compression.inflate_capped`, which stops as soon as the output would pass the cap:
a bomb costs at most the cap in memory and time, never its full expanded size.

Bit order follows the W3C Bitstring Status List: index 0 is the left-most (most significant) bit
of the first byte. A multi-bit entry (``statusSize`` > 1) occupies ``size`` consecutive bits
starting at ``index * size``, read most significant bit first.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping

from ..compression import GZIP_WBITS, InflateError, gzip_fixed, inflate_capped
from ..errors import VCError
from ..multibase import b64url_encode

#: The smallest list the specification allows (16 KiB): shorter lists leak group privacy.
MIN_BITS = 131_072
#: Default cap on the decompressed list: 16 MiB (134 million one-bit entries).
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: Largest ``statusSize`` accepted; the specification's examples use 1, 2 or 8.
MAX_STATUS_SIZE = 8

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_MESSAGES = {
    "corrupt": "encodedList is corrupt GZIP: {detail}",
    "truncated": "encodedList is truncated GZIP",
    "trailing": "encodedList has data after the GZIP stream",
}
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_B64ANY = re.compile(r"[A-Za-z0-9_+/-]*={0,2}")


class StatusError(VCError, ValueError):
    """A status list or status entry is malformed, too large, or decides "no"."""


def _b64_decode(text: str, *, strict: bool) -> bytes:
    """base64url without padding when ``strict``; otherwise also standard base64 and padding.

    StatusList2021 (a CCG draft) predates the multibase prefix and its deployments are sloppier
    about the alphabet, so its lists are read leniently; Bitstring lists are read as specified.
    """
    pattern = _B64URL if strict else _B64ANY
    if pattern.fullmatch(text) is None or len(text.rstrip("=")) % 4 == 1:
        raise StatusError("status.invalid_list", "encodedList is not base64url text")
    body = text.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise StatusError("status.invalid_list", "encodedList is not base64url text") from exc


def inflate_status_list(compressed: bytes, max_bytes: int, *, wbits: int,
                        messages: Mapping[str, str]) -> bytes:
    """Inflate a compressed status list under ``max_bytes``, failing with a status code.

    ``status.list_too_large`` past the cap; otherwise ``status.invalid_list`` worded by
    ``messages``, keyed by :class:`~verifier.compression.InflateError` reason (``corrupt``, which
    may use ``{detail}``, ``truncated`` and ``trailing``). Shared by both status list formats so
    they refuse bombs and junk the same way.
    """
    try:
        return inflate_capped(compressed, max_bytes, wbits=wbits)
    except InflateError as exc:
        if exc.reason == "too_large":
            raise StatusError("status.list_too_large", f"the status list inflates beyond {max_bytes} bytes",
                              details={"max_bytes": max_bytes}) from exc
        raise StatusError("status.invalid_list", messages[exc.reason].format(detail=exc.detail)) from exc


def _inflate(compressed: bytes, max_bytes: int) -> bytes:
    """Gunzip ``compressed`` but never produce more than ``max_bytes``; refuse trailing data."""
    if not compressed.startswith(_GZIP_MAGIC):
        raise StatusError("status.invalid_list", "encodedList is not GZIP data")
    return inflate_status_list(compressed, max_bytes, wbits=GZIP_WBITS, messages=_GZIP_MESSAGES)


class Bitstring:
    """A mutable list of status bits (a ``bytearray`` underneath)."""

    __slots__ = ("_bytes",)

    def __init__(self, data: bytes | bytearray) -> None:
        self._bytes = bytearray(data)

    @classmethod
    def new(cls, size: int = MIN_BITS) -> Bitstring:
        """An all-clear list of ``size`` bits (a positive multiple of 8)."""
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0 or size % 8:
            raise ValueError(f"a bitstring size must be a positive multiple of 8, not {size!r}")
        return cls(bytes(size // 8))

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._bytes == other._bytes

    def __repr__(self) -> str:
        return f"Bitstring(len={len(self)}, set={self.count()})"

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def count(self) -> int:
        """How many bits are set."""
        return sum(bin(b).count("1") for b in self._bytes)

    def _check(self, index: int, size: int = 1) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise StatusError("status.invalid_index", f"status index {index!r} is not a non-negative integer",
                              details={"index": repr(index)})
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise StatusError("status.invalid_index", f"statusSize {size!r} is not 1..{MAX_STATUS_SIZE}")
        if (index + 1) * size > len(self):
            raise StatusError("status.invalid_index",
                              f"status index {index} is beyond the list's {len(self) // size} entries",
                              details={"index": index, "entries": len(self) // size})

    def get(self, index: int) -> bool:
        """Bit ``index`` (0 = most significant bit of the first byte)."""
        self._check(index)
        return bool(self._bytes[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool) -> None:
        self._check(index)
        mask = 0x80 >> (index & 7)
        if value:
            self._bytes[index >> 3] |= mask
        else:
            self._bytes[index >> 3] &= ~mask & 0xFF

    def get_value(self, index: int, size: int = 1) -> int:
        """The ``size``-bit value of entry ``index`` (bits ``index*size`` …, MSB first)."""
        self._check(index, size)
        value = 0
        start = index * size
        for bit in range(start, start + size):
            value = (value << 1) | (1 if self._bytes[bit >> 3] & (0x80 >> (bit & 7)) else 0)
        return value

    def set_value(self, index: int, size: int, value: int) -> None:
        """Store ``value`` (0 … 2**size-1) as entry ``index`` of width ``size``."""
        self._check(index, size)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << size):
            raise ValueError(f"value {value!r} does not fit in {size} bits")
        start = index * size
        for offset in range(size):
            bit = start + offset
            mask = 0x80 >> (bit & 7)
            if value & (1 << (size - 1 - offset)):
                self._bytes[bit >> 3] |= mask
            else:
                self._bytes[bit >> 3] &= ~mask & 0xFF

    def encode(self, *, multibase: bool = True) -> str:
        """GZIP with a fixed header (equal lists encode equally on every Python) then base64url,
        ``u``-prefixed."""
        packed = gzip_fixed(bytes(self._bytes))
        text = b64url_encode(packed)
        return "u" + text if multibase else text

    @classmethod
    def decode(cls, encoded: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
               multibase: bool = True) -> Bitstring:
        """Read an ``encodedList``.

        ``multibase`` (Bitstring Status List) requires the ``u`` prefix and unpadded base64url.
        Without it (StatusList2021) plain base64/base64url is accepted, with or without a stray
        ``u``. Raises ``status.invalid_list`` for bad text or GZIP and ``status.list_too_large``
        past ``max_bytes`` of decompressed list. Short lists decode; the caller decides whether
        that is worth a warning (see :data:`MIN_BITS`).
        """
        if not isinstance(encoded, str) or not encoded:
            raise StatusError("status.invalid_list", "encodedList is missing or not a string")
        if multibase:
            if not encoded.startswith("u"):
                raise StatusError("status.invalid_list",
                                  "encodedList must be multibase base64url (starting with 'u')")
            raw = _b64_decode(encoded[1:], strict=True)
        else:
            text = encoded[1:] if encoded.startswith("uH4s") else encoded
            raw = _b64_decode(text, strict=False)
        data = _inflate(raw, max_bytes)
        if not data:
            raise StatusError("status.invalid_list", "the status list is empty")
        return cls(data)
