"""A self-contained HTML page for one badge, to paste into a blog or portfolio.

The page shows what people look for (achievement, criteria, issuer, dates, the image) and carries
the credential itself, so a reader can check it with ``vcwallet verify`` instead of trusting the
page. Everything on the page comes from the credential, which is untrusted input: every value is
HTML-escaped, the embedded JSON cannot close its ``<script>`` element, the image is a ``data:``
URI shown through ``<img>`` (where SVG scripts never run), and a Content-Security-Policy forbids
scripts, network requests and frames outright.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from verifier.data_model import is_compact_jwt
from verifier.errors import KeyFormatError, ParseError
from verifier.json_reader import loads
from verifier.multibase import b64url_decode

from ..badge_facts import BadgeFacts, badge_facts
from ..request_format import RequestError

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
body{margin:0;background:#f4f5f7;color:#1f2430;font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:44rem;margin:2rem auto;padding:2rem;background:#fff;border-radius:12px;
box-shadow:0 1px 4px rgba(0,0,0,.08)}
header{display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header img{width:128px;height:128px;object-fit:contain}
h1{margin:0 0 .3rem;font-size:1.6rem;line-height:1.25}
h2{font-size:1.05rem;margin:1.6rem 0 .4rem}
.issuer{margin:0;color:#3d4455}.note{color:#6b7280;font-size:.9rem}
.dates{margin:.2rem 0 0;color:#3d4455}
p.text{white-space:pre-wrap;margin:.2rem 0}
code{background:#eef0f4;padding:.1rem .35rem;border-radius:4px}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f7f9;border:1px solid #e3e6eb;
padding:1rem;border-radius:8px;font-size:.8rem;max-height:28rem;overflow:auto}
footer{margin-top:1.5rem;color:#6b7280;font-size:.85rem}
""".strip()

_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def _image_type(image: bytes) -> str:
    for magic, media_type in _IMAGE_TYPES:
        if image.startswith(magic):
            return media_type
    if image[:4] == b"RIFF" and image[8:12] == b"WEBP":
        return "image/webp"
    head = image[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and b"<svg" in head:
        return "image/svg+xml"
    raise RequestError("request.invalid", "the image is not a PNG, JPEG, GIF, WebP or SVG file")


def _jwt_payload(token: str) -> Any:
    try:
        return json.loads(b64url_decode(token.split(".")[1]))
    except (KeyFormatError, ValueError, IndexError) as exc:
        raise RequestError("request.invalid", "the credential token is malformed") from exc


def _read(credential_bytes: bytes) -> tuple[Mapping[str, Any], str, str]:
    """(parsed credential, text to embed, media type) for JSON or a compact (SD-)JWT."""
    try:
        text = credential_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError("request.invalid", "the credential is not UTF-8 text") from exc
    token = text.strip()
    first = token.split("~", 1)[0]
    if is_compact_jwt(first):
        payload = _jwt_payload(first)
        media = "application/dc+sd-jwt" if "~" in token else "application/vc+jwt"
        if isinstance(payload, Mapping) and isinstance(payload.get("vc"), Mapping):
            payload = {**payload["vc"], "iss": payload.get("iss")}
        if not isinstance(payload, Mapping):
            raise RequestError("request.invalid", "the credential token does not carry claims")
        return payload, token, media
    try:
        value = loads(credential_bytes)
    except ParseError as exc:
        raise RequestError("request.invalid", "the credential is neither JSON nor a compact JWT") from exc
    if not isinstance(value, Mapping):
        raise RequestError("request.invalid", "the credential is not a JSON object")
    return value, text, "application/vc+ld+json"


def _script_safe(text: str) -> str:
    """JSON (or a token) that cannot end its ``<script>`` element or open a comment.

    ``<``, ``>`` and ``&`` become JSON ``\\u`` escapes, which decode to the same characters, so
    the embedded credential means exactly what the original says.
    """
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _date(value: datetime | None) -> str | None:
    return f"{value.day} {value:%B %Y}" if value is not None else None


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _issuer_line(facts: BadgeFacts, trust_name: str | None) -> str:
    if trust_name:
        return (f'<p class="issuer">Issued by <strong>{_e(trust_name)}</strong> '
                f'<span class="note">(the name on the verifier\'s trust list)</span></p>')
    named = facts.issuer_name or facts.issuer_id or "an unnamed issuer"
    return (f'<p class="issuer">Issued by <strong>{_e(named)}</strong> <span class="note">(as the '
            f'credential names its issuer; check it against a trust list)</span></p>')


def badge_page(credential_bytes: bytes, *, image: bytes | None, trust_name: str | None = None) -> str:
    """The HTML page (one string, no outside resources) for the credential in ``credential_bytes``."""
    credential, embedded, media = _read(credential_bytes)
    facts = badge_facts(credential)
    title = facts.name or "Badge"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
             '<meta name="referrer" content="no-referrer">',
             f"<title>{_e(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>", "<main>",
             "<header>"]
    if image is not None:
        data = base64.b64encode(image).decode("ascii")
        parts.append(f'<img src="data:{_image_type(image)};base64,{data}" alt="{_e(title)} badge">')
    parts.append("<div>")
    parts.append(f"<h1>{_e(title)}</h1>")
    parts.append(_issuer_line(facts, trust_name))
    issued, expires = _date(facts.issued), _date(facts.expires)
    if issued or expires:
        when = "; ".join(x for x in (f"Issued {issued}" if issued else "",
                                     f"expires {expires}" if expires else "") if x)
        parts.append(f'<p class="dates">{_e(when)}</p>')
    parts += ["</div>", "</header>"]
    if facts.description:
        parts += ["<h2>What it recognises</h2>", f'<p class="text">{_e(facts.description)}</p>']
    if facts.criteria:
        parts += ["<h2>How it was earned</h2>", f'<p class="text">{_e(facts.criteria)}</p>']
    filename = "badge.json" if media == "application/vc+ld+json" else "badge.jwt"
    parts += [
        "<h2>Check it yourself</h2>",
        f"<p>This page is only a picture of the badge. The credential below is what the issuer "
        f"signed: save it as <code>{filename}</code> and run <code>vcwallet verify {filename}</code> "
        f"to check the issuer's signature, whether it was revoked, and that it has not expired.</p>",
        f"<details><summary>The credential ({_e(media)})</summary>",
        f'<pre id="credential">{_e(embedded)}</pre>', "</details>",
        "<footer>Made with vcwallet. Nothing on this page runs code or loads anything from the "
        "network.</footer>",
        "</main>",
        f'<script type="{_e(media)}" id="verifiable-credential">{_script_safe(embedded)}</script>',
        "</body>", "</html>", "",
    ]
    return "\n".join(parts)


__all__ = ["badge_page"]
