"""``compact_json`` reuses one C encoder; it must write exactly what the standard encoder writes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.json_writer import compact_json

_STANDARD = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=16,
)


@given(_VALUES)
def test_same_text_as_the_standard_encoder(value: Any) -> None:
    assert compact_json(value) == _STANDARD.encode(value)


@pytest.mark.parametrize("value", [math.nan, [math.inf], {"a": -math.inf}])
def test_refuses_what_json_cannot_hold(value: Any) -> None:
    with pytest.raises(ValueError):
        compact_json(value)
    with pytest.raises(ValueError):
        _STANDARD.encode(value)


def test_refuses_other_types_and_cycles() -> None:
    with pytest.raises(TypeError):
        compact_json({"a": object()})
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError):
        compact_json(cycle)


def test_writes_unicode_as_is() -> None:
    assert compact_json(["é", {"k": 1.5}]) == '["é",{"k":1.5}]'
