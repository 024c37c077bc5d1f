"""Reading badges baked into PNG and SVG images (Open Badges 2.0 and 3.0 "baking").

A baked image is a picture that carries its own credential, so the image file a learner posts is
itself verifiable. The reader is strict on purpose: the image comes from whoever handed it over,
and a lenient reader is how two programs end up seeing two different credentials in one file
(BAD_INPUTS item 42). So:

* PNG: every chunk's CRC is checked, the stream must start with ``IHDR``, contain ``IDAT`` and end
  at ``IEND`` with nothing after it, and there are caps on total size, chunk count and badge text.
  Exactly one badge chunk may be present (``iTXt`` ``openbadgecredential`` for OB 3.0, ``iTXt``
  ``openbadges`` for OB 2.0, or the legacy ``tEXt`` ``openbadges`` URL). Both specs say baked text
  MUST NOT be compressed, so a compressed ``iTXt`` (and any ``zTXt`` badge) is refused rather than
  inflated: that keeps decompression bombs out entirely.
* SVG: a DOCTYPE or ENTITY declaration is refused before the XML parser runs (billion laughs,
  external entities); only UTF-8 is read; exactly one ``openbadges:credential`` (OB 3.0) or
  ``openbadges:assertion`` (OB 2.0) element may be present.

The reader returns the payload text only. Parsing the JSON, checking a JWT and fetching a hosted
assertion are the callers' business; :func:`check_embedded_matches` compares the payload with a
credential shown next to the image.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .errors import ParseError, VCError
from .jcs import canonicalize
from .json_reader import loads
from .multibase import b64url_decode

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Whole-image cap: badge images are small; this also bounds every chunk.
MAX_IMAGE_BYTES = 8 * 1024 * 1024
#: Chunk-count cap, so a stream of empty ancillary chunks cannot keep the walker busy.
MAX_CHUNKS = 4096
#: Cap on the embedded credential text.
MAX_PAYLOAD_BYTES = 1024 * 1024

OB3_PNG_KEYWORD = "openbadgecredential"
OB2_PNG_KEYWORD = "openbadges"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"

Kind = Literal["png", "svg"]
Spec = Literal["ob3", "ob2"]
PayloadKind = Literal["json", "jwt", "url"]

_CHUNK_TYPE = re.compile(rb"[A-Za-z]{4}")
_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_FORBIDDEN_XML = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class BakedImageError(ParseError):
    """The image is not a well-formed PNG/SVG, or it carries no (or more than one) badge."""


@dataclass(frozen=True)
class BakedBadge:
    """The credential text found in an image.

    ``payload`` is JSON text, a compact JWT/JWS, or a URL (OB 2.0 hosted assertions).
    ``verify`` is an SVG ``verify`` attribute seen *next to* embedded JSON (OB 2.0 puts the hosted
    assertion URL there); it is ``None`` otherwise, including when the attribute is the payload.
    """

    kind: Kind
    payload: str
    spec: Spec
    verify: str | None = None

    @property
    def payload_kind(self) -> PayloadKind:
        """What the payload looks like: ``json``, ``jwt`` or ``url``."""
        kind = classify_payload(self.payload)
        if kind is None:
            raise _invalid("the baked text is not JSON, a compact JWT or a URL")
        return kind


@dataclass(frozen=True)
class PngChunk:
    """One PNG chunk: its four-letter type, its data, and its byte offset in the file."""

    type: bytes
    data: bytes
    offset: int


def _invalid(message: str, **details: Any) -> BakedImageError:
    return BakedImageError("openbadges.invalid_image", message, details=details or None)


def classify_payload(text: str) -> PayloadKind | None:
    """``json``/``jwt``/``url`` by shape, or ``None`` when the text is none of them."""
    if text.startswith("{"):
        return "json"
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return "url"
    if _JWS.fullmatch(text):
        return "jwt"
    return None


def is_png(data: bytes) -> bool:
    """True when ``data`` starts with the PNG signature (a sniff, not a validation)."""
    return data[:8] == PNG_SIGNATURE


def is_svg(data: bytes) -> bool:
    """True when ``data`` looks like SVG text: markup first, an ``<svg`` tag in the first 16 KiB."""
    head = data[:16384]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip()
    return head.startswith(b"<") and b"<svg" in head


# --- PNG ---------------------------------------------------------------------------------------


def iter_png_chunks(data: bytes) -> Iterator[PngChunk]:
    """Walk a PNG strictly, yielding chunks; raises ``openbadges.invalid_image`` on any fault.

    Checks the signature, each length and CRC, the chunk type alphabet, IHDR first (13 bytes,
    non-zero dimensions), at least one IDAT, IEND last and nothing after it, and the size caps.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise _invalid(f"image is {len(data)} bytes, cap is {MAX_IMAGE_BYTES}",
                       max_bytes=MAX_IMAGE_BYTES)
    if not is_png(data):
        raise _invalid("not a PNG (bad signature)")
    pos = len(PNG_SIGNATURE)
    count = 0
    seen_idat = False
    while True:
        if pos + 8 > len(data):
            raise _invalid("PNG is truncated (no IEND)", offset=pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if not _CHUNK_TYPE.fullmatch(ctype):
            raise _invalid("PNG chunk type is not four ASCII letters", offset=pos)
        if length > 0x7FFFFFFF or pos + 12 + length > len(data):
            raise _invalid("PNG chunk runs past the end of the file", offset=pos,
                           chunk=ctype.decode("ascii"))
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) != crc:
            raise _invalid("PNG chunk CRC mismatch", offset=pos, chunk=ctype.decode("ascii"))
        count += 1
        if count > MAX_CHUNKS:
            raise _invalid(f"PNG has more than {MAX_CHUNKS} chunks", max_chunks=MAX_CHUNKS)
        if count == 1:
            if ctype != b"IHDR" or length != 13:
                raise _invalid("PNG does not start with a 13-byte IHDR chunk")
            width, height = struct.unpack(">II", body[:8])
            if not (0 < width <= 0x7FFFFFFF and 0 < height <= 0x7FFFFFFF):
                raise _invalid("PNG IHDR has invalid dimensions")
        elif ctype == b"IHDR":
            raise _invalid("PNG has a second IHDR chunk", offset=pos)
        seen_idat = seen_idat or ctype == b"IDAT"
        yield PngChunk(ctype, body, pos)
        pos += 12 + length
        if ctype == b"IEND":
            break
    if not seen_idat:
        raise _invalid("PNG has no image data (IDAT)")
    if pos != len(data):
        raise _invalid("bytes after the PNG IEND chunk", offset=pos)


@dataclass(frozen=True)
class _Itxt:
    keyword: str
    compressed: bool
    text_bytes: bytes


def _parse_itxt(chunk: PngChunk) -> _Itxt:
    """Split an iTXt body: keyword NUL flag method language NUL translated NUL text."""
    body = chunk.data
    end = body.find(b"\0")
    if end < 1 or end > 79 or len(body) < end + 3:
        raise _invalid("malformed iTXt chunk (keyword)", offset=chunk.offset)
    keyword = body[:end].decode("latin-1")
    flag, method = body[end + 1], body[end + 2]
    if flag not in (0, 1) or method != 0:
        raise _invalid("malformed iTXt chunk (compression fields)", offset=chunk.offset)
    lang_end = body.find(b"\0", end + 3)
    if lang_end < 0:
        raise _invalid("malformed iTXt chunk (language tag)", offset=chunk.offset)
    trans_end = body.find(b"\0", lang_end + 1)
    if trans_end < 0:
        raise _invalid("malformed iTXt chunk (translated keyword)", offset=chunk.offset)
    return _Itxt(keyword, flag == 1, body[trans_end + 1:])


def _chunk_keyword(chunk: PngChunk) -> str | None:
    """The keyword of a text chunk (tEXt/zTXt/iTXt), or ``None`` for other chunk types."""
    if chunk.type not in (b"tEXt", b"zTXt", b"iTXt"):
        return None
    end = chunk.data.find(b"\0")
    return chunk.data[:end].decode("latin-1") if end > 0 else None


def is_badge_chunk(chunk: PngChunk) -> bool:
    """True for any chunk that carries (or claims to carry) a baked badge."""
    return _chunk_keyword(chunk) in (OB3_PNG_KEYWORD, OB2_PNG_KEYWORD)


def _decode_text(raw: bytes, encoding: str) -> str:
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise _invalid(f"badge text is {len(raw)} bytes, cap is {MAX_PAYLOAD_BYTES}",
                       max_bytes=MAX_PAYLOAD_BYTES)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _invalid(f"badge text is not {encoding}") from exc


def _read_png(data: bytes) -> BakedBadge:
    found: list[tuple[PngChunk, str]] = []
    for chunk in iter_png_chunks(data):
        keyword = _chunk_keyword(chunk)
        if keyword in (OB3_PNG_KEYWORD, OB2_PNG_KEYWORD):
            found.append((chunk, keyword))
    if not found:
        raise _invalid("the PNG carries no baked badge")
    if len(found) > 1:
        raise _invalid("the PNG carries more than one badge chunk", count=len(found))
    chunk, keyword = found[0]
    spec: Spec = "ob3" if keyword == OB3_PNG_KEYWORD else "ob2"
    if chunk.type == b"zTXt":
        raise _invalid("compressed (zTXt) badge chunks are not allowed", offset=chunk.offset)
    if chunk.type == b"tEXt":
        if spec != "ob2":
            raise _invalid("OB 3.0 badges must be baked in an iTXt chunk", offset=chunk.offset)
        # Pre-2.0 legacy baking: a hosted assertion URL in tEXt (Latin-1 by PNG rules).
        text = _decode_text(chunk.data[len(keyword) + 1:], "latin-1")
    else:
        itxt = _parse_itxt(chunk)
        if itxt.compressed:
            raise _invalid("compressed iTXt badge text is not allowed by the baking spec",
                           offset=chunk.offset)
        text = _decode_text(itxt.text_bytes, "utf-8")
    return _badge("png", text, spec)


# --- SVG ---------------------------------------------------------------------------------------


def check_svg_safe(data: bytes) -> str:
    """Size, encoding and DTD checks every SVG passes before any XML parser sees it.

    Returns the document as text. A DOCTYPE or ENTITY declaration is refused outright (entity
    expansion bombs, external entities); only UTF-8 (with or without BOM) is accepted.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise _invalid(f"image is {len(data)} bytes, cap is {MAX_IMAGE_BYTES}",
                       max_bytes=MAX_IMAGE_BYTES)
    if _FORBIDDEN_XML.search(data):
        raise _invalid("SVG with a DOCTYPE or ENTITY declaration is refused")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    declared = _XML_ENCODING.match(body)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _invalid("only UTF-8 SVG is read")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid("SVG is not UTF-8") from exc


def parse_svg(data: bytes) -> ET.Element:
    """Parse an SVG after :func:`check_svg_safe`; the root must be an SVG ``svg`` element."""
    # Lazy: the XML parser (pyexpat, _elementtree: ~2-4 ms of imports) is only for SVG images,
    # so verifying a JSON badge (the CLI's cold start) does not load it.
    from xml.etree import ElementTree

    text = check_svg_safe(data)
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise _invalid(f"SVG is not well-formed XML: {exc}") from exc
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise _invalid("the XML root is not an SVG svg element", root=root.tag)
    return root


def _read_svg(data: bytes) -> BakedBadge:
    root = parse_svg(data)
    found: list[tuple[ET.Element, Spec]] = [
        (element, "ob3") for element in root.iter(f"{{{OB3_NAMESPACE}}}credential")]
    found += [(element, "ob2") for element in root.iter(f"{{{OB2_NAMESPACE}}}assertion")]
    if not found:
        raise _invalid("the SVG carries no baked badge")
    if len(found) > 1:
        raise _invalid("the SVG carries more than one badge element", count=len(found))
    element, spec = found[0]
    if len(element):
        raise _invalid("the badge element has child elements")
    raw_text = element.text or ""
    text = raw_text if raw_text.strip() else ""
    verify = element.get("verify")
    verify = verify.strip() if verify is not None else None
    if text and verify:
        if spec == "ob3":
            # OB 3.0 puts JSON in the element *or* a JWT in verify; both is two credentials.
            raise _invalid("the OB 3.0 credential element has both content and a verify attribute")
        return _badge("svg", text, spec, verify=verify)
    if text:
        return _badge("svg", text, spec)
    if verify:
        return _badge("svg", verify, spec)
    raise _invalid("the badge element is empty")


# --- common ------------------------------------------------------------------------------------


def _badge(kind: Kind, text: str, spec: Spec, *, verify: str | None = None) -> BakedBadge:
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise _invalid(f"badge text is larger than {MAX_PAYLOAD_BYTES} bytes",
                       max_bytes=MAX_PAYLOAD_BYTES)
    stripped = text.strip()
    if not stripped:
        raise _invalid("the baked badge text is empty")
    payload_kind = classify_payload(stripped)
    if payload_kind is None:
        raise _invalid("the baked text is not JSON, a compact JWT or a URL")
    if spec == "ob3" and payload_kind == "url":
        raise _invalid("OB 3.0 bakes the credential itself, not a URL")
    # JSON keeps its exact bytes (whitespace included), so unbaking returns what was baked and a
    # wallet can compare it byte for byte; tokens and URLs are trimmed.
    payload = text if payload_kind == "json" else stripped
    return BakedBadge(kind=kind, payload=payload, spec=spec, verify=verify)


def read_baked(data: bytes) -> BakedBadge:
    """Extract the one badge baked into a PNG or SVG image.

    Raises :class:`BakedImageError` (``openbadges.invalid_image``) when the bytes are neither
    PNG nor SVG, are malformed, or carry no badge or more than one.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _invalid("image data must be bytes")
    data = bytes(data)
    if is_png(data):
        return _read_png(data)
    if is_svg(data):
        return _read_svg(data)
    raise _invalid("not a PNG or SVG image")


def _jwt_claims(token: str) -> Any:
    parts = token.split(".")
    try:
        return loads(b64url_decode(parts[1]))
    except (VCError, IndexError) as exc:
        raise BakedImageError("openbadges.baked_mismatch",
                              "the baked JWT cannot be decoded for comparison") from exc


def check_embedded_matches(baked: BakedBadge, displayed: str | Mapping[str, Any]) -> None:
    """Refuse (``openbadges.baked_mismatch``) when the baked credential is not the one shown.

    ``displayed`` is the credential presented alongside the image: JSON text, a compact JWT, or
    an already parsed object. JSON is compared after RFC 8785 canonicalization, so key order and
    whitespace do not matter; a JWT is compared as a string, or (against an object) by its
    claims, at the top level or under ``vc``. This only compares; it verifies nothing.
    """
    def mismatch() -> BakedImageError:
        return BakedImageError("openbadges.baked_mismatch",
                               details={"spec": baked.spec, "kind": baked.kind})

    if isinstance(displayed, str):
        shown = displayed.strip()
        if classify_payload(shown) != "json":
            if shown != baked.payload:
                raise mismatch()
            return
        try:
            displayed = loads(shown)
        except VCError as exc:
            raise mismatch() from exc
    if not isinstance(displayed, Mapping):
        raise mismatch()
    try:
        wanted = canonicalize(dict(displayed))
    except VCError as exc:
        raise mismatch() from exc
    kind = baked.payload_kind
    if kind == "json":
        try:
            embedded = loads(baked.payload)
        except VCError as exc:
            raise mismatch() from exc
        candidates = [embedded]
    elif kind == "jwt":
        claims = _jwt_claims(baked.payload)
        candidates = [claims, claims.get("vc") if isinstance(claims, dict) else None]
    else:
        raise mismatch()
    for candidate in candidates:
        if isinstance(candidate, dict):
            try:
                if canonicalize(candidate) == wanted:
                    return
            except VCError as exc:
                raise mismatch() from exc
    raise mismatch()
