"""A verification report as an expandable checklist: one line per check, details on expand.

Marks are words and symbols as well as colours (✓ ✗ ! – ⚠), so the report reads the same on a
monochrome terminal or to a colour-blind reader.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.widgets import Tree

from verifier.rendering import TITLES, WORDS, advice
from verifier.report import CheckResult, Status, VerificationReport

MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!", Status.SKIPPED: "–",
        Status.WARNING: "⚠"}
STYLE = {Status.PASSED: "green", Status.FAILED: "bold red", Status.ERROR: "yellow",
         Status.SKIPPED: "dim", Status.WARNING: "dark_orange"}


def check_label(check: CheckResult) -> Text:
    """``✓ Signature  ok: 1 signature checked …`` with the mark coloured."""
    text = Text()
    text.append(f"{MARK[check.status]} ", style=STYLE[check.status])
    text.append(f"{TITLES.get(check.id, check.id):<18}", style="bold")
    text.append(f"{WORDS[check.status]}: ", style=STYLE[check.status])
    text.append(check.message)
    return text


def verdict_label(report: VerificationReport) -> Text:
    word = "VERIFIED" if report.verified else "NOT VERIFIED"
    style = "bold green" if report.verified else "bold red"
    text = Text(f"{'✓' if report.verified else '✗'} {word}", style=style)
    text.append(f"  {report.input}  ({report.format})", style="dim")
    return text


class ReportView(Tree[Any]):
    """Shows one report; Enter or a click expands a check to its code, path, advice, details."""

    DEFAULT_CSS = """
    ReportView { height: 1fr; }
    """

    def __init__(self, report: VerificationReport | None = None, **kwargs: Any) -> None:
        super().__init__("No report yet", **kwargs)
        self.show_root = True
        if report is not None:
            self.show_report(report)

    def show_report(self, report: VerificationReport) -> None:
        self.clear()
        self.root.set_label(verdict_label(report))
        self._add(self.root, report)
        self.root.expand()

    def _add(self, parent: Any, report: VerificationReport) -> None:
        for check in report.checks:
            node = parent.add(check_label(check), data=check)
            if check.code:
                node.add_leaf(Text(f"code {check.code}", style="bold"))
            if check.path:
                node.add_leaf(f"at {check.path}")
            tip = advice(check.code) if check.status is not Status.PASSED else None
            if tip:
                node.add_leaf(Text(f"→ {tip}", style="italic"))
            if check.details:
                details = node.add("details")
                for line in json.dumps(check.details, indent=2, ensure_ascii=False).splitlines()[:60]:
                    details.add_leaf(line)
            if not node.children:
                node.allow_expand = False
        for nested in report.credentials:
            child = parent.add(verdict_label(nested), data=nested)
            self._add(child, nested)
            child.expand()
