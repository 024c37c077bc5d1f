"""``vcwallet show ID``: one credential, as a person reads it.

The text view renders the Open Badges 3.0 fields a reader looks for: the achievement (name, type,
description), its criteria, alignments to frameworks, evidence, the issuer, the recipient, the
dates, and the stored verification result. ``--json`` prints the summary, the credential (as JSON)
and the report; ``--raw`` writes the exact stored bytes (a JWT, JSON or an image).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from verifier.rendering import safe_text
from verifier.report import dumps_json

from ..importing import summarize
from ..wallet import StoredCredential
from .wallet_common import guarded, label_of, make_parser, open_wallet

SHOW_EXAMPLES = """examples:
  vcwallet show 3f9a1c
  vcwallet show 3f9a1c --json | jq .report.verified
  vcwallet show 3f9a1c --raw > badge.json
"""

MARKS = {"passed": "✔", "failed": "✘", "error": "!", "skipped": "-", "warning": "⚠"}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _profile_lines(title: str, profile: Any) -> Iterator[str]:
    if isinstance(profile, str):
        yield f"{title}: {profile}"
        return
    if not isinstance(profile, Mapping):
        return
    name = _text(profile.get("name"))
    ident = _text(profile.get("id"))
    yield f"{title}: {name or ident or '(unnamed)'}"
    if name and ident:
        yield f"  id:    {ident}"
    for key in ("url", "email"):
        if _text(profile.get(key)):
            yield f"  {key}:{' ' * (5 - len(key))} {profile[key]}"


def _achievement_lines(achievement: Mapping[str, Any]) -> Iterator[str]:
    yield "Achievement"
    for key, label in (("name", "name"), ("achievementType", "type"), ("description", "about")):
        if _text(achievement.get(key)):
            yield f"  {label + ':':12} {achievement[key]}"
    if _text(achievement.get("id")):
        yield f"  {'id:':12} {achievement['id']}"
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        if _text(criteria.get("narrative")):
            yield f"  {'criteria:':12} {criteria['narrative']}"
        if _text(criteria.get("id")):
            yield f"  {'criteria at:':12} {criteria['id']}"
    elif _text(criteria):
        yield f"  {'criteria:':12} {criteria}"
    alignments = [a for a in _as_list(achievement.get("alignment")) if isinstance(a, Mapping)]
    if alignments:
        yield "  alignment:"
        for item in alignments:
            name = _text(item.get("targetName")) or _text(item.get("targetCode")) or "(unnamed)"
            framework = _text(item.get("targetFramework"))
            url = _text(item.get("targetUrl"))
            yield f"    - {name}" + (f" ({framework})" if framework else "") + (f" <{url}>" if url else "")
    endorsements = _as_list(achievement.get("endorsement"))
    if endorsements:
        yield f"  endorsements: {len(endorsements)} (checked when the credential is verified)"


def _evidence_lines(evidence: Any) -> Iterator[str]:
    items = [e for e in _as_list(evidence) if isinstance(e, Mapping)]
    if not items:
        return
    yield "Evidence"
    for item in items:
        name = _text(item.get("name")) or _text(item.get("id")) or "(evidence)"
        yield f"  - {name}"
        for key in ("narrative", "description", "genre", "audience"):
            if _text(item.get(key)):
                yield f"      {key}: {item[key]}"
        if _text(item.get("id")) and name != item.get("id"):
            yield f"      at: {item['id']}"


def _result_lines(subject: Mapping[str, Any]) -> Iterator[str]:
    results = [r for r in _as_list(subject.get("result")) if isinstance(r, Mapping)]
    for result in results:
        value = result.get("value") or result.get("status") or result.get("achievedLevel")
        yield f"  result: {value}" if value is not None else "  result: (recorded)"


def render(stored: StoredCredential) -> str:
    """The text view of one stored credential."""
    summary = stored.summary
    view = stored.view()
    document = view.document or {}
    extra = summary.extra
    flag = ", FLAGGED: imported although it did not verify" if summary.flagged else ""
    status = "could not check" if summary.status == "unknown" else summary.status
    lines = [f"{label_of(summary)}  [{status}{flag}]", f"  wallet id:     {summary.id}"]
    if summary.credential_id:
        lines.append(f"  credential id: {summary.credential_id}")
    lines.append(f"  format:        {summary.format}")
    subject = _as_list(document.get("credentialSubject"))
    first = subject[0] if subject and isinstance(subject[0], Mapping) else {}
    achievement = _as_list(first.get("achievement"))
    lines.append("")
    if achievement and isinstance(achievement[0], Mapping):
        lines.extend(_achievement_lines(achievement[0]))
    elif isinstance(extra.get("badge_class"), Mapping):  # Open Badges 2.0: the hosted BadgeClass
        badge = dict(extra["badge_class"])
        badge.setdefault("achievementType", "Open Badges 2.0 BadgeClass")
        lines.extend(_achievement_lines(badge))
    else:
        fields = summarize(view, extra)
        lines.append(f"Credential: {fields.get('name') or '(no name)'}")
    lines.extend(_evidence_lines(first.get("evidence") or document.get("evidence")))
    lines.extend(_result_lines(first))
    issuer = document.get("issuer") if view.kind != "ob2" else extra.get("issuer_profile")
    lines.append("")
    lines.extend(_profile_lines("Issuer", issuer or summary.issuer_id))
    if summary.subject:
        lines.append(f"Recipient: {summary.subject}")
    lines.append("")
    lines.append("Dates")
    awarded = _text(first.get("awardedDate"))
    for label, value in (("issued", summary.issued), ("awarded", awarded), ("valid until", summary.expires)):
        if value:
            lines.append(f"  {label + ':':12} {value}")
    lines.append(f"  {'imported:':12} {summary.imported_at}")
    lines.append(f"  {'checked:':12} {summary.checked_at}")
    lines.append("")
    lines.append("Verification (as of the last check)")
    for check in stored.report.get("checks", []):
        if not isinstance(check, Mapping):
            continue
        mark = MARKS.get(str(check.get("status")), "?")
        code = f" [{check['code']}]" if check.get("code") else ""
        lines.append(f"  {mark} {check.get('id')}: {check.get('message', '')}{code}")
    lines.append("")
    lines.append(f"Source: {summary.source}")
    if summary.presentation:
        lines.append(f"  (unpacked from the presentation {summary.presentation})")
    if summary.tags:
        lines.append(f"Tags: {', '.join(summary.tags)}")
    if summary.note:
        lines.append(f"Note: {summary.note}")
    return "\n".join(lines)


def run_show(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_wallet(args) as wallet:
            stored = wallet.get(args.id)
        if args.raw:
            sys.stdout.buffer.write(stored.data)
            sys.stdout.buffer.flush()
            return 0
        if args.json:
            print(dumps_json({"summary": stored.summary.to_json(), "credential": stored.view().document,
                              "report": stored.report}, indent=2))
            return 0
        # every line may echo the badge: control characters and lone surrogates are escaped
        print("\n".join(safe_text(line) for line in render(stored).splitlines()))
        return 0
    return guarded("show", body)


def add_parser(subparsers: Any) -> None:
    p = make_parser(subparsers, "show", "show one credential",
                    "Show a credential's achievement, criteria, alignment, evidence, issuer, dates and "
                    "its last verification.", SHOW_EXAMPLES)
    p.add_argument("id", metavar="ID", help="the wallet id (or its first characters) or the credential id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="summary, credential and report as JSON")
    group.add_argument("--raw", action="store_true", help="the exact stored bytes")
    p.set_defaults(func=run_show)
