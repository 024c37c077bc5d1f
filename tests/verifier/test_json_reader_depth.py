"""``json_reader.loads`` bounds nesting before parsing, with a cheap count for ordinary input."""

from __future__ import annotations

import pytest

from verifier import json_reader
from verifier.errors import ParseError


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        json_reader.loads("[" * 11 + "]" * 11, max_depth=10)
    assert caught.value.code == "parse.malformed_json"


def test_nesting_at_the_limit_is_accepted() -> None:
    assert json_reader.loads("[" * 10 + "]" * 10, max_depth=10) == [[[[[[[[[[]]]]]]]]]]


def test_many_shallow_brackets_are_accepted() -> None:
    # more openers than the limit, so the exact walk runs: siblings and brackets inside strings
    text = '{"a": [' + ", ".join(["{}", "[]", '"[[[{{{"'] * 20) + "]}"
    assert len(json_reader.loads(text, max_depth=3)["a"]) == 60


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    with pytest.raises(ParseError) as caught:
        json_reader.loads('["[[[[", [[[[]]]]]', max_depth=4)
    assert caught.value.code == "parse.malformed_json"
    assert json_reader.loads('["[[[[", [[[]]]]', max_depth=4) == ["[[[[", [[[]]]]
