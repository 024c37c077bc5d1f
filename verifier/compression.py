"""Inflating attacker-controlled compressed data under a hard cap on the output.

Status lists arrive compressed (GZIP for the W3C Bitstring Status List, ZLIB for the IETF Token
Status List), and a few megabytes of either can inflate to gigabytes. :func:`inflate_capped`
streams the input through ``zlib.decompressobj`` with a ``max_length`` and stops as soon as the
output would pass the cap, so a bomb costs at most the cap in memory and time. It also refuses
truncated streams and trailing bytes, so one list cannot be smuggled behind another.

This module knows nothing of error codes: :class:`InflateError` says *why* inflation stopped,
and each caller words that in its own coded error.

The one writer, :func:`gzip_fixed`, exists because what we compress gets signed and committed:
the same list must give the same bytes on every Python we support.
"""

from __future__ import annotations

import struct
import zlib
from typing import Literal

#: ``wbits`` for a ZLIB (RFC 1950) stream and for a GZIP (RFC 1952) one (header required).
ZLIB_WBITS = zlib.MAX_WBITS
GZIP_WBITS = 16 + zlib.MAX_WBITS

_CHUNK = 64 * 1024

#: The GZIP member header :func:`gzip_fixed` always writes (RFC 1952): deflate, no flags, MTIME 0,
#: XFL 0 (what zlib reports for level 6), OS 3 (Unix). ``gzip.compress`` wrote OS 3 up to Python
#: 3.12 and writes 255 from 3.13; 3 is also what the Bitstring Status List REC's example carries.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
#: The level :func:`gzip_fixed` compresses at (zlib's default, and the header's XFL 0 says so).
GZIP_LEVEL = 6

InflateFailure = Literal["too_large", "corrupt", "truncated", "trailing"]


class InflateError(ValueError):
    """Why :func:`inflate_capped` stopped; ``detail`` is zlib's own message for ``corrupt``."""

    def __init__(self, reason: InflateFailure, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: InflateFailure = reason
        self.detail = detail


def gzip_fixed(data: bytes) -> bytes:
    """One GZIP member of ``data`` whose every header byte is fixed, so equal inputs give equal bytes.

    ``gzip.compress`` changed its OS byte in Python 3.13, which changed every status list we
    encode and so every signature over one. Here the header is :data:`GZIP_HEADER`, the deflate
    stream uses fixed parameters (level :data:`GZIP_LEVEL`, 15-bit window, memLevel 8, default
    strategy) and the trailer is CRC-32 and size. Only a different zlib build could still change
    the deflate bytes; any reader inflates them alike.
    """
    deflater = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 8, zlib.Z_DEFAULT_STRATEGY)
    body = deflater.compress(data) + deflater.flush()
    return GZIP_HEADER + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def inflate_capped(compressed: bytes, max_bytes: int, *, wbits: int) -> bytes:
    """Inflate one whole stream of ``compressed`` without ever producing more than ``max_bytes``.

    ``wbits`` is :data:`ZLIB_WBITS` or :data:`GZIP_WBITS`. Raises :class:`InflateError` with
    reason ``too_large`` (the output would pass the cap), ``corrupt`` (zlib refused the data),
    ``truncated`` (the stream does not end) or ``trailing`` (bytes follow the stream).
    """
    inflater = zlib.decompressobj(wbits=wbits)
    out = bytearray()
    pending = memoryview(compressed)
    try:
        while True:
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            elif pending:
                data, pending = bytes(pending[:_CHUNK]), pending[_CHUNK:]
            else:
                break
            room = max_bytes - len(out) + 1  # one byte over the cap is enough to know
            out += inflater.decompress(data, room)
            if len(out) > max_bytes:
                raise InflateError("too_large")
            if inflater.eof:
                break
    except zlib.error as exc:
        raise InflateError("corrupt", str(exc)) from exc
    if not inflater.eof:
        raise InflateError("truncated")
    if inflater.unused_data or pending:
        raise InflateError("trailing")
    return bytes(out)
