"""Compact JSON out (``{"a":1}``, UTF-8, no NaN), as JOSE parts and SD-JWT disclosures are written.

Issuing an SD-JWT writes a dozen small JSON texts (one per disclosure, plus header and payload),
and :meth:`json.JSONEncoder.encode` rebuilds its C encoder on every call, which was most of the
cost of each. Here the C encoder is built once and reused. It is built without the circular
reference check (that check needs a fresh ``markers`` dict per call), so a self-containing
value ends in :class:`RecursionError`; it is reported as the :class:`ValueError` the standard
encoder raises. Where the C encoder is missing (not CPython), the standard encoder is used.
"""

from __future__ import annotations

import json
from json import encoder as _encoder_module
from typing import Any

_FALLBACK = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _unserializable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_make = getattr(_encoder_module, "c_make_encoder", None)
_C_ENCODE = None if _make is None else _make(
    None, _unserializable, _encoder_module.encode_basestring, None, ":", ",", False, False, False)


def compact_json(value: Any) -> str:
    """``value`` as compact JSON text with non-ASCII kept as is; ``ValueError``/``TypeError``
    for what JSON cannot hold (NaN, infinities, other types, cycles)."""
    if _C_ENCODE is None:
        return _FALLBACK.encode(value)
    try:
        return "".join(_C_ENCODE(value, 0))
    except RecursionError as exc:
        raise ValueError("Circular reference detected") from exc
