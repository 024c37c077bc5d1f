"""Multibase, multicodec and base64url helpers: strict decoding with stable error codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.errors import KeyFormatError
from verifier.multibase import (
    ED25519_PRIV,
    ED25519_PUB,
    b64url_decode,
    b64url_encode,
    decode_base58btc,
    decode_multicodec,
    decode_multikey,
    encode_base58btc,
    encode_multikey,
    multibase_decode,
    multibase_encode,
)

SPEC_KEY = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
X25519_KEY = "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p"


def test_decode_multikey_spec_key() -> None:
    codec, raw = decode_multikey(SPEC_KEY)
    assert codec == ED25519_PUB
    assert len(raw) == 32
    assert encode_multikey(ED25519_PUB, raw) == SPEC_KEY


@pytest.mark.parametrize(
    ("value", "code"),
    [
        pytest.param("u" + SPEC_KEY[1:], "key.invalid_multibase", id="u-header"),
        pytest.param(SPEC_KEY[1:], "key.invalid_multibase", id="no-header"),
        pytest.param(SPEC_KEY[:10] + "0" + SPEC_KEY[11:], "key.invalid_multibase", id="char-0"),
        pytest.param(SPEC_KEY[:10] + "O" + SPEC_KEY[11:], "key.invalid_multibase", id="char-O"),
        pytest.param(SPEC_KEY[:10] + "I" + SPEC_KEY[11:], "key.invalid_multibase", id="char-I"),
        pytest.param(SPEC_KEY[:10] + "l" + SPEC_KEY[11:], "key.invalid_multibase", id="char-l"),
        pytest.param(SPEC_KEY + " ", "key.invalid_multibase", id="trailing-space"),
        pytest.param("z", "key.invalid_multibase", id="empty-payload"),
        pytest.param("z" + "2" * 5000, "key.invalid_multibase", id="too-long"),
        pytest.param(X25519_KEY, "key.invalid_multicodec", id="x25519-codec"),
        pytest.param("zTjsVPtY", "key.invalid_length", id="short-key"),
        pytest.param(encode_multikey(ED25519_PUB, bytes(33)), "key.invalid_length", id="33-bytes"),
    ],
)
def test_decode_multikey_rejects(value: str, code: str) -> None:
    with pytest.raises(KeyFormatError) as info:
        decode_multikey(value)
    assert info.value.code == code


def test_decode_multikey_secret_header() -> None:
    value = encode_multikey(ED25519_PRIV, bytes(range(32)))
    assert value.startswith("z3u2")
    assert decode_multikey(value, expected=ED25519_PRIV) == (ED25519_PRIV, bytes(range(32)))
    with pytest.raises(KeyFormatError) as info:
        decode_multikey(value)  # a secret key is not a public Multikey
    assert info.value.code == "key.invalid_multicodec"


def test_decode_multicodec_names_other_codecs() -> None:
    assert decode_multicodec(X25519_KEY)[0] == "x25519-pub"
    with pytest.raises(KeyFormatError) as info:
        decode_multicodec(multibase_encode(b"\xff\xff\xff\x7f" + bytes(32)))
    assert info.value.code == "key.invalid_multicodec"


def test_base58_plain_round_trip() -> None:
    assert encode_base58btc(b"\x00\x00hello") == "11Cn8eVZg"
    assert decode_base58btc("11Cn8eVZg") == b"\x00\x00hello"


@pytest.mark.parametrize("value", ["", "abc0", "abc ", "+++"])
def test_base58_plain_rejects(value: str) -> None:
    with pytest.raises(KeyFormatError) as info:
        decode_base58btc(value)
    assert info.value.code == "key.invalid_multibase"


@given(st.binary(max_size=128))
def test_multibase_round_trip(data: bytes) -> None:
    encoded = multibase_encode(data)
    assert encoded.startswith("z")
    if data:
        assert multibase_decode(encoded) == data


@given(st.binary(max_size=128))
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert b64url_decode(text) == data


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("AAA=", id="padding"),
        pytest.param("a+b/", id="std-alphabet"),
        pytest.param("AAAAA", id="bad-length"),
        pytest.param("AB", id="non-canonical-bits"),
        pytest.param("AA AA", id="whitespace"),
        pytest.param("AAA\n", id="newline"),
        pytest.param("AAé_", id="non-ascii"),
        pytest.param("AA/A", id="slash-inside"),
    ],
)
def test_b64url_rejects(value: str) -> None:
    with pytest.raises(KeyFormatError) as info:
        b64url_decode(value)
    assert info.value.code == "key.invalid_base64url"


def test_b64url_accepts_canonical_twin() -> None:
    assert b64url_decode("AA") == b"\x00"
    assert b64url_decode("a-b_") == b"k\xe6\xff"


_B64_TEXT = st.text(alphabet="AQgwBCz09-_+/= \n\u00e9", max_size=12)


@given(_B64_TEXT)
def test_b64url_decode_agrees_with_stdlib(text: str) -> None:
    """Differential: accept exactly the canonical unpadded base64url the stdlib reads back to the
    same spelling, and decode it the same way (pybase64 is the fast path)."""
    import base64
    import binascii

    try:
        expected: bytes | None = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        canonical = base64.urlsafe_b64encode(expected).decode().rstrip("=") == text
    except (binascii.Error, ValueError):
        expected, canonical = None, False
    if canonical:
        assert b64url_decode(text) == expected
    else:
        with pytest.raises(KeyFormatError) as info:
            b64url_decode(text)
        assert info.value.code == "key.invalid_base64url"
