"""Typed errors keep their code, message, path and details across pickling (process pools)."""

from __future__ import annotations

import pickle

import pytest

from verifier.errors import CODES, KeyFormatError, ParseError, VCError
from verifier.sdjwt.disclosure import SdJwtError


@pytest.mark.parametrize("error", [
    VCError("parse.duplicate_key", "a JSON object repeats a key", path="$.a", details={"key": "a"}),
    ParseError("parse.malformed_json"),
    KeyFormatError("key.invalid_base64url", "not unpadded base64url"),
    SdJwtError("sdjwt.kb_invalid", "wrong key", details={"reason": "wrong key"}),
])
def test_errors_survive_pickling(error: VCError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.code, copy.message, copy.path, copy.details) == (
        error.code, error.message, error.path, error.details)
    assert str(copy) == str(error)


def test_notes_and_extra_attributes_travel_too() -> None:
    error = ParseError("parse.malformed_json")
    error.add_note("while verifying <input 3>")
    error.where = "worker-1"  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(error))
    assert copy.__notes__ == ["while verifying <input 3>"]
    assert copy.where == "worker-1"  # type: ignore[attr-defined]


def test_unregistered_code_is_still_refused() -> None:
    assert "parse.no_such_code" not in CODES
    with pytest.raises(KeyError):
        VCError("parse.no_such_code")
