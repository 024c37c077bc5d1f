"""The status bitstring: encoding, bit order, and the decompression cap (BAD_INPUTS 32)."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path

import pytest

from tests.conftest import interop_path
from verifier.compression import gzip_fixed
from verifier.status import DEFAULT_MAX_BYTES, MIN_BITS, Bitstring, StatusError

REC_EMPTY = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _encoded(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["credentialSubject"]["encodedList"])


def _u(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@pytest.fixture(scope="module")
def bomb() -> str:
    """About 250 KB of gzip that inflates to 256 MiB, built in 1 MiB slices (never held whole)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [deflater.compress(zeros) for _ in range(256)]
    parts.append(deflater.flush())
    return _u(b"".join(parts))


def test_rec_example_decodes_to_an_empty_minimum_list() -> None:
    bits = Bitstring.decode(_encoded(interop_path(
        "vectors", "bitstring-status-list", "status-list-credential.unsigned.json")))
    assert len(bits) == MIN_BITS
    assert bits.count() == 0


def test_new_list_encodes_like_the_rec_example() -> None:
    assert Bitstring.new().encode() == REC_EMPTY


@pytest.mark.parametrize("data", [b"", bytes(MIN_BITS // 8), bytes(range(256)) * 40, b"\x80" + bytes(99)])
def test_gzip_header_is_fixed_whatever_the_python(data: bytes) -> None:
    """Python 3.13's ``gzip.compress`` writes OS byte 255 where 3.11 wrote 3; ours never moves."""
    packed = gzip_fixed(data)
    assert packed[:10] == b"\x1f\x8b\x08\x00" + bytes(4) + b"\x00\x03"  # no flags, MTIME 0, XFL 0, Unix
    assert gzip.decompress(packed) == data
    assert packed == gzip_fixed(bytes(data))
    assert packed[10:] == gzip.compress(data, compresslevel=6, mtime=0)[10:]  # same deflate and trailer


def test_1edtech_testlist_has_bit_23_set_most_significant_first() -> None:
    bits = Bitstring.decode(_encoded(interop_path(
        "credentials", "1edtech-validator-ob30", "bit-string-list", "testlist.json")))
    assert len(bits) == MIN_BITS
    assert bits.get(23) is True
    assert [i for i in range(len(bits)) if bits.get(i)] == [23]
    assert bits.to_bytes()[2] == 0x01  # bit 23 is the last bit of byte 2


def test_bit_order_index_zero_is_the_top_bit_of_byte_zero() -> None:
    bits = Bitstring.new(16)
    bits.set(0, True)
    bits.set(9, True)
    assert bits.to_bytes() == bytes([0x80, 0x40])
    bits.set(0, False)
    assert bits.to_bytes() == bytes([0x00, 0x40])


def test_round_trip_keeps_every_bit() -> None:
    bits = Bitstring.new()
    for index in (0, 7, 8, 94567, MIN_BITS - 1):
        bits.set(index, True)
    again = Bitstring.decode(bits.encode())
    assert again == bits
    assert [i for i in range(len(again)) if again.get(i)] == [0, 7, 8, 94567, MIN_BITS - 1]


def test_multi_bit_values_round_trip() -> None:
    bits = Bitstring.new(64)
    bits.set_value(3, 2, 0b10)
    bits.set_value(1, 8, 0xA5)
    assert bits.get_value(3, 2) == 0b10
    assert bits.get_value(1, 8) == 0xA5
    assert bits.to_bytes()[1] == 0xA5
    assert bits.get_value(0, 2) == 0


def test_short_list_decodes() -> None:
    bits = Bitstring.decode(Bitstring.new(800).encode())
    assert len(bits) == 800


@pytest.mark.parametrize("index", [-1, MIN_BITS, True, "3"])
def test_out_of_range_or_non_integer_index_is_refused(index: object) -> None:
    with pytest.raises(StatusError) as info:
        Bitstring.new().get(index)  # type: ignore[arg-type]
    assert info.value.code == "status.invalid_index"


def test_last_index_is_in_range() -> None:
    assert Bitstring.new().get(MIN_BITS - 1) is False


def test_gzip_bomb_is_refused_as_too_large(bomb: str) -> None:
    with pytest.raises(StatusError) as info:
        Bitstring.decode(bomb)
    assert info.value.code == "status.list_too_large"
    assert info.value.details["max_bytes"] == DEFAULT_MAX_BYTES


def test_bomb_sized_list_within_a_raised_cap_decodes() -> None:
    raw = gzip.compress(bytes(4 << 20), mtime=0)  # 4 MiB inflated
    assert len(Bitstring.decode(_u(raw), max_bytes=4 << 20)) == 32 << 20
    with pytest.raises(StatusError) as info:
        Bitstring.decode(_u(raw), max_bytes=(4 << 20) - 1)
    assert info.value.code == "status.list_too_large"


@pytest.mark.parametrize("encoded", [
    REC_EMPTY[1:],                          # no multibase prefix
    "z" + REC_EMPTY[1:],                    # another multibase
    _u(b"not gzip at all, just text"),      # base64url but not gzip
    _u(gzip.compress(bytes(16))[:-6]),      # truncated gzip
    _u(gzip.compress(bytes(16)) + b"xx"),   # trailing data
    _u(gzip.compress(b"")),                 # empty list
    "u" + REC_EMPTY[1:] + "==",             # padding
    "u" + REC_EMPTY[1:10] + "+/" + REC_EMPTY[12:],  # standard alphabet
    "u" + REC_EMPTY[1:] + "A",              # impossible length
    "",
], ids=["no-prefix", "base58-prefix", "not-gzip", "truncated", "trailing", "empty", "padded",
        "std-alphabet", "bad-length", "blank"])
def test_malformed_encoded_list_is_invalid(encoded: str) -> None:
    with pytest.raises(StatusError) as info:
        Bitstring.decode(encoded)
    assert info.value.code == "status.invalid_list"


def test_status_list_2021_reads_plain_base64() -> None:
    bits = Bitstring.new()
    bits.set(5, True)
    plain = bits.encode(multibase=False)
    assert not plain.startswith("u")
    assert Bitstring.decode(plain, multibase=False).get(5) is True
    padded = base64.b64encode(gzip.compress(bits.to_bytes())).decode("ascii")
    assert Bitstring.decode(padded, multibase=False).get(5) is True
    with pytest.raises(StatusError) as info:
        Bitstring.decode(plain)  # a Bitstring list must carry the 'u' prefix
    assert info.value.code == "status.invalid_list"
