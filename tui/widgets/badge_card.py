"""An Open Badges card: a text medallion and the facts beside it, then the achievement as Markdown
(what it shows, criteria, alignment, evidence).

Terminals can't show the badge image reliably, so the card draws a small text medallion with the
achievement's initials and gives the image's URL. All values are untrusted text from the badge:
they are escaped before they go into Markdown, and facts are Rich ``Text`` (never markup).
Open Badges 2.0 assertions carry their achievement in the hosted BadgeClass, which the wallet
fetched at import (``summary.extra["badge_class"]``); the card reads it from there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from verifier.rendering import safe_text
from verifier.trust import TrustList

from .status_pill import pill

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|"})
KIND_NAMES = {"json-ld": "W3C VC (JSON-LD, Data Integrity proof)", "ob2": "Open Badges 2.0",
              "sd-jwt": "SD-JWT VC", "vc-jwt": "VC-JWT"}


def esc(value: Any) -> str:
    """Markdown-escape untrusted text (and keep it on one logical paragraph); control characters
    and lone surrogates are shown escaped."""
    return safe_text(" ".join(str(value).split())).translate(_MD_SPECIAL)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("@value", "en", "en-US"):
            if isinstance(value.get(key), str):
                return str(value[key])
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def issued_date(value: str | None) -> str:
    """``YYYY-MM-DD`` from an ISO date-time, or from a JWT's seconds since the epoch (SD-JWT ``iat``)."""
    if value and value.strip().isdigit():
        try:
            return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return "—"
    return (value or "")[:10] or "—"


def issuer_label(trust: TrustList | None, issuer_id: str | None, claimed: str | None) -> str:
    """The trust list's name for the issuer when known, never only the badge's own claim."""
    entry = trust.lookup(issuer_id) if trust is not None and issuer_id else None
    if entry is not None:
        return str(entry.name)
    name = claimed or issuer_id or "unknown issuer"
    return f"{name} (not on trust list)" if trust is not None else name


def initials(title: str) -> str:
    return "".join(w[0] for w in title.split() if w[:1].isalpha())[:3].upper() or "*"


def medallion(title: str) -> str:
    """A seven-line text medallion with the achievement's initials (the image placeholder)."""
    return "\n".join([
        "   .-=======-.",
        "  /           \\",
        f" |    {initials(title):^5}    |",
        "  \\           /",
        "   '-._____.-'",
        "     /     \\",
        "    /_/   \\_\\",
    ])


def achievement_of(document: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The achievement (OB 3.0) or the BadgeClass (OB 2.0) the credential is about."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        found: dict[str, Any] = subject["achievement"]
        return found
    badge = (extra or {}).get("badge_class") or document.get("badge")
    return badge if isinstance(badge, dict) else {}


def image_url(achievement: dict[str, Any]) -> str | None:
    image = achievement.get("image")
    url = image.get("id") if isinstance(image, dict) else image
    return url if isinstance(url, str) and not url.startswith("data:") else None


def card_facts(title: str, *, status: str, issuer_name: str, issued: str, expires: str | None,
               kind: str, image: str | None) -> Text:
    """The lines beside the medallion: pill, title, issuer, dates, format, image URL."""
    text = Text()
    text.append_text(pill(status))
    text.append("\n")
    text.append(safe_text(title), style="bold")
    text.append("\n")
    for label, value in (("Issuer", issuer_name), ("Issued", issued),
                         ("Expires", expires[:10] if expires else "never"),
                         ("Format", KIND_NAMES.get(kind, kind)), ("Image", image)):
        if value:
            text.append(f"{label:<8}", style="bold")
            text.append(f"{safe_text(value)}\n")
    text.rstrip()
    return text


def card_body(document: dict[str, Any], achievement: dict[str, Any]) -> str:
    """What it shows, criteria (Markdown by the OB spec), alignment and evidence."""
    parts: list[str] = []
    description = _text(achievement.get("description"))
    if description:
        parts.append("## What it shows\n\n" + esc(description))
    raw_criteria = achievement.get("criteria")
    criteria: dict[str, Any] = raw_criteria if isinstance(raw_criteria, dict) else {}
    narrative = _text(criteria.get("narrative"))
    if narrative:
        # The criteria narrative is Markdown by the OB 3.0 spec; links and images are not followed.
        shown = (safe_text(line) for line in narrative.replace("<", "&lt;").splitlines())
        parts.append("## Criteria\n\n" + "\n".join(shown))
    elif isinstance(criteria.get("id"), str) or isinstance(raw_criteria, str):
        parts.append("## Criteria\n\n" + esc(criteria.get("id") or raw_criteria))
    alignments = achievement.get("alignment")
    if isinstance(alignments, list) and alignments:
        lines = ["## Alignment", ""]
        for item in alignments:
            if isinstance(item, dict):
                code = f" ({esc(item['targetCode'])})" if item.get("targetCode") else ""
                framework = f" — {esc(item['targetFramework'])}" if item.get("targetFramework") else ""
                lines.append(f"- {esc(item.get('targetName', 'framework item'))}{code}{framework}")
        parts.append("\n".join(lines))
    evidence = document.get("evidence")
    evidence = [evidence] if isinstance(evidence, dict) else evidence
    if isinstance(evidence, list) and evidence:
        lines = ["## Evidence", ""]
        for item in evidence:
            if isinstance(item, dict):
                what = _text(item.get("description")) or _text(item.get("narrative")) or ""
                lines.append(f"- **{esc(_text(item.get('name')) or 'Evidence')}**: {esc(what)}")
            elif isinstance(item, str):
                lines.append(f"- {esc(item)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) or "*This credential describes no achievement.*"
