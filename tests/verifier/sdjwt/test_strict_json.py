"""The SD-JWT JSON fast path must give exactly the answers of the general strict reader.

:func:`verifier.sdjwt.disclosure.strict_loads` skips work (the depth scan, the whitespace
regexes) that :func:`verifier.json_reader.loads` does; these tests hold the two to the same
result or the same error code on generated and hand-picked input.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.errors import ParseError
from verifier.json_reader import loads
from verifier.sdjwt.disclosure import strict_loads

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**45, 10**45) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


def _answer(reader: Any, data: bytes) -> tuple[str, Any]:
    try:
        return "ok", reader(data)
    except ParseError as exc:
        return "error", exc.code


def _both(data: bytes) -> None:
    fast = _answer(lambda d: strict_loads(d, max_bytes=10_000), data)
    general = _answer(lambda d: loads(d, max_bytes=10_000), data)
    assert fast == general


@given(_JSON, st.sampled_from(["", " ", "\n"]))
def test_generated_values_agree(value: Any, pad: str) -> None:
    _both((pad + json.dumps(value, ensure_ascii=False) + pad).encode("utf-8"))


@given(st.binary(max_size=24))
def test_arbitrary_bytes_agree(data: bytes) -> None:
    _both(data)


@pytest.mark.parametrize("data", [
    b'{"a":1,"a":2}', b'[1][2]', b'[1,', b'[NaN]', b'[Infinity]', b'[' + b'1' * 60 + b']',
    b'[1]]', b'[1}', b'', b'[\xff]', b'{"a":[{"b":1,"b":1}]}',
])
def test_refusals_agree(data: bytes) -> None:
    assert _answer(lambda d: strict_loads(d, max_bytes=10_000), data)[0] == "error"
    _both(data)


@pytest.mark.parametrize("data", [b'[1,2]', b' [1] ', b'{"a":[1,{"b":2}]}', b'"x"', b'[]', b'{}', b'\xef\xbb\xbf[1]'])
def test_acceptances_agree(data: bytes) -> None:
    assert _answer(lambda d: strict_loads(d, max_bytes=10_000), data)[0] == "ok"
    _both(data)
