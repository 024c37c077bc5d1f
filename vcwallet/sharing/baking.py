"""Baking credentials into badge images, and drawing plain badge images to bake into.

Baking follows the Open Badges baking rules (3.0 by default, 2.0 on request): PNG gets one
uncompressed ``iTXt`` chunk right after ``IHDR``, SVG gets one ``openbadges:*`` element right after
the opening ``<svg>`` tag. An existing badge is replaced, never duplicated, because two badges in
one image make "which credential is this picture?" ambiguous. Every baked image is read back with
the verifier's strict reader before it is returned, so the wallet never hands out an image that
its own verifier would refuse.

The image generators are pure Python (``zlib`` only) and deterministic, so fixtures regenerate
byte-identical on the same zlib build.
"""

from __future__ import annotations

import math
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

from verifier.baked import (
    MAX_PAYLOAD_BYTES,
    OB2_NAMESPACE,
    OB2_PNG_KEYWORD,
    OB3_NAMESPACE,
    OB3_PNG_KEYWORD,
    PNG_SIGNATURE,
    SVG_NAMESPACE,
    BakedImageError,
    Spec,
    check_svg_safe,
    classify_payload,
    is_badge_chunk,
    iter_png_chunks,
    read_baked,
)
from verifier.errors import FormatError
from verifier.json_reader import loads

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BADGE_PREFIX = "openbadges"

RGB = tuple[int, int, int]


# --- payload checks ----------------------------------------------------------------------------


def _check_spec(spec: str) -> Spec:
    if spec == "ob3":
        return "ob3"
    if spec == "ob2":
        return "ob2"
    raise FormatError("openbadges.invalid", f"unknown baking spec {spec!r} (use 'ob3' or 'ob2')")


def _check_payload(payload: str, spec: Spec) -> str:
    """The payload to bake, if a reader will accept it for ``spec``.

    JSON is baked byte for byte (whitespace included) so that unbaking returns exactly what was
    stored; a token or URL is trimmed.
    """
    if not isinstance(payload, str):
        raise FormatError("openbadges.invalid", "the payload to bake must be text")
    text = payload.strip()
    if not text:
        raise FormatError("openbadges.invalid", "the payload to bake is empty")
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise FormatError("openbadges.invalid", f"the payload is larger than {MAX_PAYLOAD_BYTES} bytes")
    if _CONTROL.search(text):
        raise FormatError("openbadges.invalid", "the payload contains control characters")
    kind = classify_payload(text)
    if kind is None:
        raise FormatError("openbadges.invalid", "the payload is not JSON, a compact JWT or a URL")
    if kind == "url" and spec == "ob3":
        raise FormatError("openbadges.invalid", "OB 3.0 bakes the credential itself, not a URL")
    return payload if kind == "json" else text


# --- PNG ---------------------------------------------------------------------------------------


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    """Encode one PNG chunk: length, type, data, CRC-32 over type and data."""
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def itxt_chunk(keyword: str, text: str) -> bytes:
    """An uncompressed ``iTXt`` chunk with empty language tag and translated keyword."""
    body = keyword.encode("latin-1") + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    return png_chunk(b"iTXt", body)


def bake_png(image: bytes, payload: str, *, spec: str = "ob3") -> bytes:
    """Return ``image`` with ``payload`` baked in (replacing any badge already there).

    ``payload`` is the credential JSON text or compact JWT (OB 3.0), or the assertion JSON,
    signature or hosted URL (OB 2.0). Raises ``openbadges.invalid_image`` for a malformed PNG and
    ``openbadges.invalid`` for a payload no reader would accept.
    """
    chosen = _check_spec(spec)
    text = _check_payload(payload, chosen)
    chunks = list(iter_png_chunks(image))
    keyword = OB3_PNG_KEYWORD if chosen == "ob3" else OB2_PNG_KEYWORD
    out = bytearray(PNG_SIGNATURE)
    for chunk in chunks:
        if is_badge_chunk(chunk):
            continue
        out += image[chunk.offset:chunk.offset + 12 + len(chunk.data)]
        if chunk.type == b"IHDR":
            out += itxt_chunk(keyword, text)
    baked = bytes(out)
    read_baked(baked)
    return baked


# --- SVG ---------------------------------------------------------------------------------------


def _tag_end(doc: bytes, start: int) -> int:
    """Index just past the ``>`` closing the tag that starts at ``start`` (quote-aware)."""
    quote = 0
    for i in range(start, len(doc)):
        byte = doc[i]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return i + 1
    raise BakedImageError("openbadges.invalid_image", "unterminated SVG tag")


@dataclass
class _SvgLayout:
    """Where things are in an SVG, in UTF-8 byte offsets: the root tag and any badge elements."""

    root_name: str = ""
    root_start: int = -1
    root_prefixes: dict[str, str] = field(default_factory=dict)
    badge_spans: list[tuple[int, int]] = field(default_factory=list)


def _svg_layout(doc: bytes) -> _SvgLayout:
    layout = _SvgLayout()
    parser = expat.ParserCreate(namespace_separator=" ")
    badge_names = {f"{OB3_NAMESPACE} credential", f"{OB2_NAMESPACE} assertion"}
    open_badges: list[int] = []

    def start_ns(prefix: str | None, uri: str) -> None:
        if layout.root_start < 0:
            layout.root_prefixes[prefix or ""] = uri

    def start(name: str, _attrs: dict[str, str]) -> None:
        index = parser.CurrentByteIndex
        if layout.root_start < 0:
            layout.root_name, layout.root_start = name, index
        elif name in badge_names:
            open_badges.append(index)

    def end(name: str) -> None:
        if name not in badge_names or not open_badges or layout.root_start < 0:
            return
        begin = open_badges.pop()
        if open_badges:
            return  # nested inside another badge element: removed with the outer one
        head_end = _tag_end(doc, begin)
        if doc[head_end - 2:head_end] == b"/>":
            stop = head_end
        else:
            stop = _tag_end(doc, parser.CurrentByteIndex)
        if doc[stop:stop + 1] == b"\n":
            stop += 1
        layout.badge_spans.append((begin, stop))

    parser.StartNamespaceDeclHandler = start_ns
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(doc, True)
    except expat.ExpatError as exc:
        raise BakedImageError("openbadges.invalid_image", f"SVG is not well-formed XML: {exc}") from exc
    if layout.root_name != f"{SVG_NAMESPACE} svg":
        raise BakedImageError("openbadges.invalid_image", "the XML root is not an SVG svg element")
    return layout


def _xml_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _ob2_url_from_json(text: str) -> str | None:
    try:
        data = loads(text)
    except (ValueError, FormatError):
        return None
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, str) and classify_payload(ident) == "url" else None


def _badge_element(text: str, spec: Spec, verify_url: str | None) -> str:
    kind = classify_payload(text)
    if spec == "ob3":
        if verify_url is not None:
            raise FormatError("openbadges.invalid", "verify_url applies to OB 2.0 baking only")
        tag = f"{_BADGE_PREFIX}:credential"
        if kind == "jwt":
            return f'<{tag} verify="{_xml_attr(text)}"></{tag}>'
        return f"<{tag}>{_cdata(text)}</{tag}>"
    tag = f"{_BADGE_PREFIX}:assertion"
    if kind != "json":
        if verify_url is not None and verify_url != text:
            raise FormatError("openbadges.invalid",
                              "verify_url conflicts with a URL or signature payload")
        return f'<{tag} verify="{_xml_attr(text)}"></{tag}>'
    url = verify_url if verify_url is not None else _ob2_url_from_json(text)
    if url is not None and classify_payload(url.strip()) != "url":
        raise FormatError("openbadges.invalid", "verify_url is not an http(s) URL")
    verify = f' verify="{_xml_attr(url.strip())}"' if url is not None else ""
    return f"<{tag}{verify}>{_cdata(text)}</{tag}>"


def bake_svg(svg: bytes, payload: str, *, spec: str = "ob3", verify_url: str | None = None) -> bytes:
    """Return ``svg`` with ``payload`` baked in (replacing any badge element already there).

    OB 3.0: JSON goes in a CDATA section of ``<openbadges:credential>``, a JWT in its ``verify``
    attribute. OB 2.0: JSON goes in CDATA of ``<openbadges:assertion>`` with ``verify`` set to
    ``verify_url`` (default: the assertion's own ``id`` URL); a URL or signature payload becomes
    the ``verify`` attribute. The rest of the document is kept byte for byte.
    """
    chosen = _check_spec(spec)
    text = _check_payload(payload, chosen)
    element = _badge_element(text, chosen, verify_url)
    check_svg_safe(svg)
    bom = b"\xef\xbb\xbf" if svg.startswith(b"\xef\xbb\xbf") else b""
    doc = svg[len(bom):]
    layout = _svg_layout(doc)
    for begin, stop in sorted(layout.badge_spans, reverse=True):
        doc = doc[:begin] + doc[stop:]
    head_end = _tag_end(doc, layout.root_start)
    if doc[head_end - 2:head_end] == b"/>":
        raise BakedImageError("openbadges.invalid_image", "the SVG root element is empty")
    head = doc[layout.root_start:head_end].decode("utf-8")
    namespace = OB3_NAMESPACE if chosen == "ob3" else OB2_NAMESPACE
    declared = layout.root_prefixes.get(_BADGE_PREFIX)
    if declared is None:
        head = head[:-1].rstrip() + f' xmlns:{_BADGE_PREFIX}="{namespace}">'
    elif declared != namespace:
        head = re.sub(rf"""xmlns:{_BADGE_PREFIX}\s*=\s*(["'])[^"']*\1""",
                      f'xmlns:{_BADGE_PREFIX}="{namespace}"', head, count=1)
    out = (bom + doc[:layout.root_start] + head.encode("utf-8") + b"\n" + element.encode("utf-8")
           + b"\n" + doc[head_end:].lstrip(b"\n"))
    read_baked(out)
    return out


# --- drawing -----------------------------------------------------------------------------------


def _check_color(color: Sequence[int]) -> RGB:
    if (len(color) != 3 or not all(isinstance(c, int) and not isinstance(c, bool) for c in color)
            or not all(0 <= c <= 255 for c in color)):
        raise FormatError("openbadges.invalid", "color must be three integers 0-255")
    return (color[0], color[1], color[2])


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def _palette(color: RGB) -> dict[str, RGB]:
    white, black = (255, 255, 255), (0, 0, 0)
    return {
        "base": color,
        "rim": _mix(color, black, 0.3),
        "ribbon": _mix(color, black, 0.15),
        "ribbon_shade": _mix(color, black, 0.35),
        "ring": _mix(color, white, 0.45),
        "star": _mix(white, color, 0.08),
    }


# Shapes in unit coordinates (0..1 across the square image), shared by the PNG and SVG drawings.
_CENTER = (0.5, 0.4)
_RIM_R, _DISC_R, _RING_OUTER, _RING_INNER = 0.33, 0.29, 0.255, 0.24
_LEFT_TAIL = ((0.38, 0.56), (0.52, 0.62), (0.42, 0.95), (0.335, 0.87), (0.25, 0.91))
_RIGHT_TAIL = tuple((1 - x, y) for x, y in _LEFT_TAIL)


def _star(cx: float, cy: float, outer: float, inner: float) -> tuple[tuple[float, float], ...]:
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        r = outer if i % 2 == 0 else inner
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return tuple(points)


_STAR = _star(_CENTER[0], _CENTER[1], 0.17, 0.072)


class _Canvas:
    """A premultiplied RGBA float canvas with anti-aliased discs and polygons."""

    def __init__(self, size: int) -> None:
        self.size = size
        n = size * size
        self.r, self.g, self.b, self.a = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n

    def _blend(self, index: int, color: RGB, cover: float) -> None:
        if cover <= 0.0:
            return
        cover = min(cover, 1.0)
        keep = 1.0 - cover
        self.r[index] = color[0] / 255 * cover + self.r[index] * keep
        self.g[index] = color[1] / 255 * cover + self.g[index] * keep
        self.b[index] = color[2] / 255 * cover + self.b[index] * keep
        self.a[index] = cover + self.a[index] * keep

    def disc(self, radius: float, color: RGB, hole: float = 0.0) -> None:
        """A filled disc (or a ring when ``hole`` > 0) around the medal centre."""
        s = self.size
        cx, cy, r, h = _CENTER[0] * s, _CENTER[1] * s, radius * s, hole * s
        for y in range(max(0, int(cy - r - 1)), min(s, int(cy + r + 2))):
            dy = y + 0.5 - cy
            for x in range(max(0, int(cx - r - 1)), min(s, int(cx + r + 2))):
                d = math.hypot(x + 0.5 - cx, dy)
                cover = min(1.0, max(0.0, r - d + 0.5))
                if h > 0:
                    cover -= min(1.0, max(0.0, h - d + 0.5))
                self._blend(y * s + x, color, cover)

    def polygon(self, points: Sequence[tuple[float, float]], color: RGB, sub: int = 5) -> None:
        """Fill a polygon (even-odd) with exact horizontal and ``sub``-row vertical coverage."""
        s = self.size
        pts = [(x * s, y * s) for x, y in points]
        cover: dict[int, float] = {}
        y_lo = max(0, int(min(p[1] for p in pts)))
        y_hi = min(s, int(max(p[1] for p in pts)) + 1)
        for row in range(y_lo, y_hi):
            for k in range(sub):
                sy = row + (k + 0.5) / sub
                xs = sorted(self._crossings(pts, sy))
                for left, right in zip(xs[0::2], xs[1::2], strict=False):
                    self._span(cover, row, max(0.0, left), min(float(s), right), 1.0 / sub)
        for index, amount in sorted(cover.items()):
            self._blend(index, color, amount)

    @staticmethod
    def _crossings(pts: Sequence[tuple[float, float]], sy: float) -> list[float]:
        xs = []
        for i, (x0, y0) in enumerate(pts):
            x1, y1 = pts[(i + 1) % len(pts)]
            if (y0 <= sy < y1) or (y1 <= sy < y0):
                xs.append(x0 + (sy - y0) * (x1 - x0) / (y1 - y0))
        return xs

    def _span(self, cover: dict[int, float], row: int, left: float, right: float,
              weight: float) -> None:
        if right <= left:
            return
        base = row * self.size
        for x in range(int(left), min(self.size, math.ceil(right))):
            overlap = min(right, x + 1.0) - max(left, float(x))
            if overlap > 0:
                cover[base + x] = cover.get(base + x, 0.0) + overlap * weight

    def rgba_rows(self) -> bytes:
        """Straight-alpha 8-bit RGBA scanlines, each prefixed by filter type 0."""
        out = bytearray()
        s = self.size

        def q(v: float) -> int:
            return max(0, min(255, int(v * 255 + 0.5)))

        for y in range(s):
            out.append(0)
            for x in range(s):
                i = y * s + x
                a = self.a[i]
                if a <= 0.0:
                    out += b"\0\0\0\0"
                else:
                    out += bytes((q(self.r[i] / a), q(self.g[i] / a), q(self.b[i] / a), q(a)))
        return bytes(out)


def _draw(canvas: _Canvas, palette: dict[str, RGB]) -> None:
    canvas.polygon(_LEFT_TAIL, palette["ribbon"])
    canvas.polygon(_RIGHT_TAIL, palette["ribbon_shade"])
    canvas.disc(_RIM_R, palette["rim"])
    canvas.disc(_DISC_R, palette["base"])
    canvas.disc(_RING_OUTER, palette["ring"], hole=_RING_INNER)
    canvas.polygon(_STAR, palette["star"])


def make_badge_png(title: str, color: tuple[int, int, int], size: int = 256) -> bytes:
    """A medal-and-ribbon badge in ``color`` on a transparent background, as RGBA PNG bytes.

    ``title`` goes into the standard ``Title`` text chunk (PNG has no font to draw it with).
    The same inputs give the same bytes on the same zlib build.
    """
    rgb = _check_color(color)
    if not isinstance(size, int) or not 16 <= size <= 2048:
        raise FormatError("openbadges.invalid", "size must be an integer from 16 to 2048")
    canvas = _Canvas(size)
    _draw(canvas, _palette(rgb))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    parts = [
        PNG_SIGNATURE,
        png_chunk(b"IHDR", ihdr),
        itxt_chunk("Title", _CONTROL.sub("", title)),
        png_chunk(b"tEXt", b"Software\0vcwallet"),
        png_chunk(b"IDAT", zlib.compress(canvas.rgba_rows(), 9)),
        png_chunk(b"IEND", b""),
    ]
    return b"".join(parts)


def _xml_text(value: str) -> str:
    return _CONTROL.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hex(color: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


def _svg_points(points: Sequence[tuple[float, float]], scale: float) -> str:
    return " ".join(f"{x * scale:.2f},{y * scale:.2f}" for x, y in points)


def make_badge_svg(title: str, color: tuple[int, int, int]) -> bytes:
    """The same medal as :func:`make_badge_png`, as SVG, with ``title`` on a banner."""
    rgb = _check_color(color)
    palette = _palette(rgb)
    s = 256.0
    cx, cy = _CENTER[0] * s, _CENTER[1] * s
    shown = title if len(title) <= 36 else title[:35].rstrip() + "…"
    font = min(16.0, 300.0 / max(1, len(shown)))

    def circle(r: float, fill: str, extra: str) -> str:
        return f'  <circle cx="{cx:g}" cy="{cy:g}" r="{r * s:.2f}" fill="{fill}"{extra}/>'

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256"'
        ' role="img">',
        f"  <title>{_xml_text(title)}</title>",
        f'  <polygon points="{_svg_points(_LEFT_TAIL, s)}" fill="{_hex(palette["ribbon"])}"/>',
        f'  <polygon points="{_svg_points(_RIGHT_TAIL, s)}" fill="{_hex(palette["ribbon_shade"])}"/>',
        circle(_RIM_R, _hex(palette["rim"]), ""),
        circle(_DISC_R, _hex(palette["base"]), ""),
        circle((_RING_OUTER + _RING_INNER) / 2, "none",
               f' stroke="{_hex(palette["ring"])}" stroke-width="{(_RING_OUTER - _RING_INNER) * s:.2f}"'),
        f'  <polygon points="{_svg_points(_STAR, s)}" fill="{_hex(palette["star"])}"/>',
        f'  <rect x="24" y="176" width="208" height="30" rx="6" fill="{_hex(palette["rim"])}"/>',
        f'  <text x="128" y="{191 + font * 0.35:.1f}" font-family="sans-serif" font-size="{font:.1f}"'
        f' font-weight="bold" text-anchor="middle" fill="#ffffff">{_xml_text(shown)}</text>',
        "</svg>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
