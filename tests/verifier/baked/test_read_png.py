"""Reading badges baked into PNG: the strict chunk walk and the one-badge rule."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import verifier.baked as baked
from verifier.baked import BakedImageError, is_png, is_svg, iter_png_chunks, read_baked
from verifier.errors import VCError

CREDENTIAL = '{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}'
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppc3N1ZXIifQ.c2lnbmF0dXJl"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb0043") + b"\0" * 64 + b"\xff\xd9"


def chunk(ctype: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(ctype + data) if crc is None else crc
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", value)


def itxt(keyword: str, text: str, *, compressed: bool = False) -> bytes:
    body = text.encode("utf-8")
    if compressed:
        body = zlib.compress(body)
    return chunk(b"iTXt", keyword.encode("latin-1") + b"\0" + bytes([int(compressed), 0])
                 + b"\0" + b"\0" + body)


IHDR = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
IDAT = chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0"))
IEND = chunk(b"IEND", b"")


def png(*extra: bytes) -> bytes:
    """A 1×1 transparent PNG with ``extra`` chunks after IHDR."""
    return baked.PNG_SIGNATURE + IHDR + b"".join(extra) + IDAT + IEND


def code_of(data: bytes) -> str:
    with pytest.raises(VCError) as info:
        read_baked(data)
    return info.value.code


def test_ob3_itxt_is_read() -> None:
    badge = read_baked(png(itxt("openbadgecredential", CREDENTIAL)))
    assert (badge.kind, badge.spec, badge.payload, badge.payload_kind) == ("png", "ob3", CREDENTIAL, "json")


def test_ob3_jwt_is_read() -> None:
    badge = read_baked(png(itxt("openbadgecredential", JWT)))
    assert (badge.spec, badge.payload_kind) == ("ob3", "jwt")


def test_ob2_itxt_is_read() -> None:
    badge = read_baked(png(itxt("openbadges", "https://example.org/assertions/1")))
    assert (badge.spec, badge.payload_kind) == ("ob2", "url")


def test_legacy_text_chunk_url_is_read_as_ob2() -> None:
    badge = read_baked(png(chunk(b"tEXt", b"openbadges\0https://example.org/a/1")))
    assert (badge.spec, badge.payload) == ("ob2", "https://example.org/a/1")


def test_other_text_chunks_are_ignored() -> None:
    data = png(chunk(b"tEXt", b"Title\0My badge"), itxt("openbadgecredential", CREDENTIAL))
    assert read_baked(data).payload == CREDENTIAL


def test_bad_crc_is_refused() -> None:
    good = itxt("openbadgecredential", CREDENTIAL)
    assert read_baked(png(good)).payload == CREDENTIAL
    bad = good[:-4] + bytes([good[-4] ^ 1]) + good[-3:]
    assert code_of(png(bad)) == "openbadges.invalid_image"


def test_flipped_payload_byte_fails_crc() -> None:
    data = bytearray(png(itxt("openbadgecredential", CREDENTIAL)))
    data[data.index(b"VerifiableCredential")] ^= 0x20
    assert code_of(bytes(data)) == "openbadges.invalid_image"


@pytest.mark.parametrize("cut", [1, 4, 12, 30, 60])
def test_truncated_png_is_refused(cut: int) -> None:
    data = png(itxt("openbadgecredential", CREDENTIAL))
    assert read_baked(data).spec == "ob3"
    assert code_of(data[:-cut]) == "openbadges.invalid_image"


def test_bytes_after_iend_are_refused() -> None:
    assert code_of(png(itxt("openbadgecredential", CREDENTIAL)) + b"junk") == "openbadges.invalid_image"


@pytest.mark.parametrize("chunks", [
    (itxt("openbadgecredential", CREDENTIAL), itxt("openbadgecredential", CREDENTIAL)),
    (itxt("openbadgecredential", CREDENTIAL), itxt("openbadges", "https://example.org/a/1")),
    (itxt("openbadges", "https://example.org/a/1"), chunk(b"tEXt", b"openbadges\0https://x.org/2")),
], ids=["two-ob3", "ob3-and-ob2", "itxt-and-legacy"])
def test_two_badge_chunks_are_refused(chunks: tuple[bytes, bytes]) -> None:
    assert read_baked(png(chunks[0])).payload
    assert code_of(png(*chunks)) == "openbadges.invalid_image"


def test_compressed_itxt_is_refused() -> None:
    assert read_baked(png(itxt("openbadgecredential", CREDENTIAL))).payload == CREDENTIAL
    assert code_of(png(itxt("openbadgecredential", CREDENTIAL, compressed=True))) == "openbadges.invalid_image"


def test_ztxt_badge_is_refused() -> None:
    data = png(chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://example.org/a/1")))
    assert code_of(data) == "openbadges.invalid_image"


def test_png_without_badge_is_refused() -> None:
    assert code_of(png(chunk(b"tEXt", b"Title\0plain"))) == "openbadges.invalid_image"


@pytest.mark.parametrize("text", ["", "   ", "not a credential", "https://example.org/cred"],
                         ids=["empty", "blank", "prose", "url-for-ob3"])
def test_unusable_ob3_text_is_refused(text: str) -> None:
    assert code_of(png(itxt("openbadgecredential", text))) == "openbadges.invalid_image"


def test_payload_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    data = png(itxt("openbadgecredential", CREDENTIAL))
    assert read_baked(data).payload == CREDENTIAL
    monkeypatch.setattr(baked, "MAX_PAYLOAD_BYTES", 16)
    assert code_of(data) == "openbadges.invalid_image"


def test_chunk_count_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    data = png(*[chunk(b"tEXt", b"k\0v")] * 5, itxt("openbadgecredential", CREDENTIAL))
    assert read_baked(data).payload == CREDENTIAL
    monkeypatch.setattr(baked, "MAX_CHUNKS", 5)
    assert code_of(data) == "openbadges.invalid_image"


def test_image_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    data = png(itxt("openbadgecredential", CREDENTIAL))
    monkeypatch.setattr(baked, "MAX_IMAGE_BYTES", len(data) - 1)
    assert code_of(data) == "openbadges.invalid_image"


def test_structure_rules() -> None:
    badge = itxt("openbadgecredential", CREDENTIAL)
    no_ihdr_first = baked.PNG_SIGNATURE + badge + IHDR + IDAT + IEND
    no_idat = baked.PNG_SIGNATURE + IHDR + badge + IEND
    zero_width = baked.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 1, 8, 6, 0, 0, 0)) + badge + IDAT + IEND
    for data in (no_ihdr_first, no_idat, zero_width):
        assert code_of(data) == "openbadges.invalid_image"


def test_jpeg_is_refused() -> None:
    assert not is_png(JPEG) and not is_svg(JPEG)
    assert code_of(JPEG) == "openbadges.invalid_image"
    assert is_png(png(itxt("openbadgecredential", CREDENTIAL)))


def test_chunk_walk_reports_offsets() -> None:
    data = png(itxt("openbadgecredential", CREDENTIAL))
    chunks = list(iter_png_chunks(data))
    assert [c.type for c in chunks] == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    assert chunks[0].offset == 8
    assert all(data[c.offset + 4:c.offset + 8] == c.type for c in chunks)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_png_never_escapes_as_another_error(data: st.DataObject) -> None:
    original = bytearray(png(itxt("openbadgecredential", CREDENTIAL)))
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(original) - 1))
        original[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(original)))
    try:
        result = read_baked(bytes(original[:cut]))
    except BakedImageError as exc:
        assert exc.code == "openbadges.invalid_image"
    else:
        assert result.payload
