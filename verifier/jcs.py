"""RFC 8785 JSON Canonicalization Scheme.

Used for eddsa-jcs-2022 and for context digests, so whitespace or key order in a served context
never changes its pin. Numbers follow ECMAScript's ``Number.prototype.toString``; strings are
escaped minimally; object keys sort by UTF-16 code units.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import VCError

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _string(value: str) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise VCError("jcs.invalid", "lone surrogate in string")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _number(value: float) -> str:
    """ECMAScript Number-to-String for a finite double (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(value):
        raise VCError("jcs.invalid", "non-finite number")
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _number(-value)
    digits_repr = repr(value)  # shortest round-trip digits, as ECMAScript requires
    mantissa, _, exp_part = digits_repr.partition("e")
    exponent = int(exp_part) if exp_part else 0
    int_part, _, frac_part = mantissa.partition(".")
    if frac_part == "0":
        frac_part = ""
    digits = (int_part + frac_part).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    point = len(int_part.lstrip("0")) + exponent if int_part.strip("0") else exponent - (
        len(frac_part) - len(frac_part.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    n = point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(e)}"


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        if abs(value) <= 2**53:
            out.append(str(value))
        else:  # RFC 8785 treats every JSON number as an IEEE 754 double
            try:
                as_float = float(value)
            except OverflowError as exc:
                raise VCError("jcs.invalid", "integer too large for a JSON number") from exc
            out.append(_number(as_float))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, dict):
        out.append("{")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        for i, key in enumerate(keys):
            if not isinstance(key, str):
                raise VCError("jcs.invalid", "object key is not a string")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise VCError("jcs.invalid", f"cannot canonicalize {type(value).__name__}")


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")
