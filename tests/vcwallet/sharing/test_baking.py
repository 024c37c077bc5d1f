"""Baking credentials into PNG/SVG and drawing the badge images the fixtures use."""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from vcwallet.sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg
from verifier.baked import iter_png_chunks, parse_svg, read_baked
from verifier.errors import VCError

BLUE = (37, 99, 235)
CREDENTIAL = json.dumps({
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Python Basics ]]> <escaped> & ok",
})
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppc3N1ZXIifQ.c2lnbmF0dXJl"
OB2_JSON = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                       "id": "https://badges.example.edu/assertions/5b1c.json"})
OB2_URL = "https://badges.example.edu/assertions/5b1c.json"


@pytest.fixture(scope="module")
def png() -> bytes:
    return make_badge_png("Python Basics", BLUE, size=64)


@pytest.fixture(scope="module")
def svg() -> bytes:
    return make_badge_svg("Python Basics", BLUE)


CASES = [("ob3", CREDENTIAL), ("ob3", JWT), ("ob2", OB2_JSON), ("ob2", OB2_URL), ("ob2", JWT)]
IDS = ["ob3-json", "ob3-jwt", "ob2-json", "ob2-url", "ob2-signed"]


@pytest.mark.parametrize(("spec", "payload"), CASES, ids=IDS)
def test_png_round_trip(spec: str, payload: str, png: bytes) -> None:
    badge = read_baked(bake_png(png, payload, spec=spec))
    assert (badge.kind, badge.spec, badge.payload) == ("png", spec, payload)


@pytest.mark.parametrize(("spec", "payload"), CASES, ids=IDS)
def test_svg_round_trip(spec: str, payload: str, svg: bytes) -> None:
    badge = read_baked(bake_svg(svg, payload, spec=spec))
    assert (badge.kind, badge.spec, badge.payload) == ("svg", spec, payload)


def test_png_chunk_goes_right_after_ihdr(png: bytes) -> None:
    chunks = list(iter_png_chunks(bake_png(png, CREDENTIAL)))
    assert [c.type for c in chunks[:2]] == [b"IHDR", b"iTXt"]
    assert chunks[1].data.startswith(b"openbadgecredential\0\0\0")


def test_png_rebake_replaces(png: bytes) -> None:
    once = bake_png(png, CREDENTIAL)
    twice = bake_png(once, OB2_URL, spec="ob2")
    badge = read_baked(twice)
    assert (badge.spec, badge.payload) == ("ob2", OB2_URL)
    assert bake_png(twice, CREDENTIAL) == once


def test_svg_rebake_replaces_and_keeps_the_rest(svg: bytes) -> None:
    once = bake_svg(svg, CREDENTIAL)
    assert read_baked(bake_svg(once, JWT)).payload == JWT
    swapped = bake_svg(once, OB2_URL, spec="ob2")
    assert read_baked(swapped).spec == "ob2"
    assert b'xmlns:openbadges="http://openbadges.org"' in swapped
    assert bake_svg(swapped, CREDENTIAL) == once
    # Everything outside the badge element and the namespace declaration is unchanged.
    assert once.replace(b' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', b"").count(b"\n") == (
        svg.count(b"\n") + 1)


def test_ob2_json_gets_its_id_as_verify(svg: bytes) -> None:
    badge = read_baked(bake_svg(svg, OB2_JSON, spec="ob2"))
    assert badge.verify == "https://badges.example.edu/assertions/5b1c.json"
    other = read_baked(bake_svg(svg, OB2_JSON, spec="ob2", verify_url="https://example.org/x"))
    assert other.verify == "https://example.org/x"


def test_bake_into_foreign_svg() -> None:
    foreign = (b"<!-- made elsewhere -->\n<svg xmlns='http://www.w3.org/2000/svg' data-x='a>b'>"
               b"<g><rect width='1' height='1'/></g></svg>")
    baked = bake_svg(foreign, JWT)
    assert read_baked(baked).payload == JWT
    assert baked.startswith(b"<!-- made elsewhere -->\n<svg xmlns='http://www.w3.org/2000/svg' data-x='a>b'")


@pytest.mark.parametrize(("spec", "payload", "kwargs"), [
    ("ob3", "", {}),
    ("ob3", "hello", {}),
    ("ob3", OB2_URL, {}),
    ("ob3", "{\"a\": \"\x01\"}", {}),
    ("ob4", CREDENTIAL, {}),
    ("ob3", CREDENTIAL, {"verify_url": OB2_URL}),
    ("ob2", OB2_URL, {"verify_url": "https://example.org/other"}),
], ids=["empty", "prose", "url-for-ob3", "control-char", "unknown-spec", "verify-url-ob3", "verify-conflict"])
def test_bad_payloads_are_refused(spec: str, payload: str, kwargs: dict[str, str], svg: bytes) -> None:
    with pytest.raises(VCError) as info:
        bake_svg(svg, payload, spec=spec, **kwargs)
    assert info.value.code == "openbadges.invalid"


def test_bad_images_are_refused(png: bytes, svg: bytes) -> None:
    jpeg = bytes.fromhex("ffd8ffe000104a464946") + b"\0" * 16
    doctype = svg.replace(b"<svg", b"<!DOCTYPE svg [<!ENTITY a 'b'>]>\n<svg", 1)
    for call, image in ((bake_png, jpeg), (bake_png, png[:-5]), (bake_svg, doctype), (bake_svg, jpeg)):
        with pytest.raises(VCError) as info:
            call(image, CREDENTIAL)
        assert info.value.code == "openbadges.invalid_image"


def test_make_badge_png_is_a_valid_rgba_png() -> None:
    data = make_badge_png("Python Basics", BLUE)
    chunks = list(iter_png_chunks(data))
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0].data)
    assert (width, height, depth, color_type, interlace) == (256, 256, 8, 6, 0)
    raw = zlib.decompress(b"".join(c.data for c in chunks if c.type == b"IDAT"))
    assert len(raw) == 256 * (1 + 256 * 4)
    rows = [raw[y * 1025 + 1:(y + 1) * 1025] for y in range(256)]
    assert rows[0][3] == 0  # transparent corner
    assert rows[102][128 * 4 + 3] == 255  # opaque medal centre
    assert any(c.type == b"iTXt" and c.data.startswith(b"Title\0") for c in chunks)
    with pytest.raises(VCError):
        read_baked(data)  # no badge until one is baked in


def test_make_badge_png_is_deterministic() -> None:
    first = make_badge_png("Python Basics", BLUE, size=48)
    assert make_badge_png("Python Basics", BLUE, size=48) == first
    assert make_badge_png("Python Basics", (200, 30, 30), size=48) != first


@pytest.mark.parametrize("bad", [(256, 0, 0), (1, 2), (1.5, 2, 3)])
def test_make_badge_png_refuses_bad_colors(bad: tuple[int, int, int]) -> None:
    assert make_badge_png("t", (0, 0, 0), size=16)
    with pytest.raises(VCError) as info:
        make_badge_png("t", bad, size=16)
    assert info.value.code == "openbadges.invalid"


def test_make_badge_svg_is_valid_and_escapes_title() -> None:
    data = make_badge_svg("Rock & <Roll>", BLUE)
    root = parse_svg(data)
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Rock & <Roll>"]
    assert make_badge_svg("Rock & <Roll>", BLUE) == data
