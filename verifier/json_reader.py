"""Strict JSON reading for untrusted input.

Python's ``json`` module accepts things that make credentials ambiguous or dangerous: duplicate
keys (the last one silently wins), ``NaN``/``Infinity``, integers of any size and unbounded
nesting. A verifier must see exactly one meaning, so this reader refuses all of them with stable
codes instead.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ParseError

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 256
MAX_INT_DIGITS = 40


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # built in C; a repeated key shows as a shorter dict
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ParseError("parse.duplicate_key", f"duplicate key {key!r}")
            seen.add(key)
    return out


def _no_constants(name: str) -> Any:
    raise ParseError("parse.malformed_json", f"{name} is not allowed in JSON input")


def _bounded_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise ParseError("parse.malformed_json", f"integer with {len(digits)} digits is too large")
    return int(text)


def _depth_ok(text: str, limit: int) -> bool:
    """Cheap pre-scan of bracket depth, outside strings, so nesting never reaches recursion.

    Depth can never exceed the number of opening brackets, and ``str.count`` runs in C, so the
    per-character walk (slow in Python: a 15 KB context took milliseconds) runs only for input
    that has more openers than the limit allows.
    """
    if text.count("{") + text.count("[") <= limit:
        return True
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


#: One decoder with the strict hooks, built once: ``json.loads`` with hooks builds a new
#: ``JSONDecoder`` (and its scanner) on every call, a measurable share of reading a small token.
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                            parse_int=_bounded_int)


def loads(data: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``data`` as strict JSON, raising :class:`ParseError` with a stable code."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise ParseError("parse.input_too_large", f"input is {len(data)} bytes, cap is {max_bytes}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError("parse.malformed_json", f"input is not UTF-8: {exc}") from exc
    else:
        text = data
        if len(text) > max_bytes:
            raise ParseError("parse.input_too_large", f"input is {len(text)} characters, cap is {max_bytes}")
    if not _depth_ok(text, max_depth):
        raise ParseError("parse.malformed_json", f"nesting deeper than {max_depth}")
    try:
        return _DECODER.decode(text)
    except ParseError:
        raise
    except (ValueError, RecursionError) as exc:
        raise ParseError("parse.malformed_json", f"not valid JSON: {exc}") from exc
