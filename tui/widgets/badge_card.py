"""An Open Badges 3.0 card as Markdown: achievement, image placeholder, issuer, dates, criteria,
alignment and evidence.

Terminals can't show the badge image reliably, so the card draws a small text medallion with the
achievement's initials and gives the image's URL. All values are untrusted text from the badge:
they are escaped before they go into Markdown.
"""

from __future__ import annotations

from typing import Any

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|"})


def esc(value: Any) -> str:
    """Markdown-escape untrusted text (and keep it on one logical paragraph)."""
    return str(value).translate(_MD_SPECIAL)


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


def medallion(title: str) -> str:
    initials = "".join(w[0] for w in title.split() if w[:1].isalpha())[:3].upper() or "★"
    return "\n".join([
        "```",
        "   .-=======-.",
        "  /           \\",
        f" |     {initials:^5}   |",
        "  \\           /",
        "   '-._____.-'",
        "      /  \\",
        "```",
    ])


def badge_markdown(document: dict[str, Any], *, issuer_name: str, issued: str | None,
                   expires: str | None, status_word: str) -> str:
    """The card for an OB 3.0 (or plain VC / OB 2.0-shaped) document."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, dict) else {}
    found = subject.get("achievement")
    achievement: dict[str, Any] = found if isinstance(found, dict) else {}
    title = _text(achievement.get("name")) or _text(document.get("name")) or "Credential"
    parts = [f"# {esc(title)}", medallion(title)]
    image = achievement.get("image")
    image_url = image.get("id") if isinstance(image, dict) else image if isinstance(image, str) else None
    if image_url:
        parts.append(f"*Badge image:* {esc(image_url)}")
    parts.append(f"**Status:** {esc(status_word)}  ")
    parts.append(f"**Issuer:** {esc(issuer_name)}  ")
    parts.append(f"**Issued:** {esc((issued or '—')[:10])}" + (
        f"  **Expires:** {esc(expires[:10])}" if expires else ""))
    description = _text(achievement.get("description"))
    if description:
        parts.append("## What it shows\n\n" + esc(description))
    raw_criteria = achievement.get("criteria")
    criteria: dict[str, Any] = raw_criteria if isinstance(raw_criteria, dict) else {}
    narrative = _text(criteria.get("narrative"))
    if narrative:
        # The criteria narrative is Markdown by the OB 3.0 spec; links and images are not followed.
        parts.append("## Criteria\n\n" + narrative.replace("<", "&lt;"))
    alignments = achievement.get("alignment")
    if isinstance(alignments, list) and alignments:
        lines = ["## Alignment", ""]
        for item in alignments:
            if isinstance(item, dict):
                code = f" ({esc(item['targetCode'])})" if item.get("targetCode") else ""
                lines.append(f"- {esc(item.get('targetName', 'framework item'))}{code} — "
                             f"{esc(item.get('targetFramework', ''))}")
        parts.append("\n".join(lines))
    evidence = document.get("evidence")
    if isinstance(evidence, list) and evidence:
        lines = ["## Evidence", ""]
        for item in evidence:
            if isinstance(item, dict):
                what = _text(item.get("description")) or _text(item.get("narrative")) or ""
                lines.append(f"- **{esc(_text(item.get('name')) or 'Evidence')}**: {esc(what)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
