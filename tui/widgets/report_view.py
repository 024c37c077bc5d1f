"""A verification report as an expandable checklist: one line per check, details on expand.

Marks are words and symbols as well as colours (✓ ✗ ! – ⚠), so the report reads the same on a
monochrome terminal or to a colour-blind reader. "Could not check" (``error``) is its own word
and colour, never the red of "invalid".

Everything shown may echo the input (messages, paths, details, the label), so every line is a
Rich ``Text`` (never parsed as markup, where a ``[/x]`` in a credential would crash the screen)
with control characters and lone surrogates escaped (:func:`verifier.rendering.safe_text`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Tree

from verifier.errors import advice
from verifier.rendering import TITLES, WORDS, could_not_check, safe_text
from verifier.report import CheckResult, Status, VerificationReport, dumps_json

MARK = {Status.PASSED: "✓", Status.FAILED: "✗", Status.ERROR: "!", Status.SKIPPED: "–",
        Status.WARNING: "⚠"}
#: Mid-tone colours that stay readable on a dark and on a light background.
STYLE = {Status.PASSED: "bold green4", Status.FAILED: "bold red3", Status.ERROR: "bold dark_goldenrod",
         Status.SKIPPED: "dim", Status.WARNING: "bold dark_orange3"}


def title_width(report: VerificationReport) -> int:
    """Pad check titles to the longest one in this report, so short reports stay narrow."""
    return max((len(TITLES.get(c.id, c.id)) for c in report.checks), default=8) + 1


def check_label(check: CheckResult, width: int = 18) -> Text:
    """``✓ Signature  ok: 1 signature checked …`` with the mark coloured."""
    text = Text()
    text.append(f"{MARK[check.status]} ", style=STYLE[check.status])
    text.append(f"{TITLES.get(check.id, check.id):<{width}}", style="bold")
    text.append(f"{WORDS[check.status]}: ", style=STYLE[check.status])
    text.append(safe_text(check.message))
    return text


def verdict_label(report: VerificationReport) -> Text:
    """``✓ VERIFIED``, ``✗ NOT VERIFIED``, or ``! COULD NOT CHECK`` (nothing failed, something
    could not be decided: a missing context, an unreachable DID document or status list)."""
    if report.verified:
        mark, word, style = "✓", "VERIFIED", STYLE[Status.PASSED]
    elif could_not_check(report):
        mark, word, style = "!", "COULD NOT CHECK (not verified)", STYLE[Status.ERROR]
    else:
        mark, word, style = "✗", "NOT VERIFIED", STYLE[Status.FAILED]
    text = Text(f"{mark} {word}", style=style)
    text.append(f"  {safe_text(report.input)}  ({safe_text(report.format)})", style="dim")
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

    def start_live(self, title: str) -> None:
        """Begin a live run: checks are added one by one with :meth:`add_live`."""
        self.clear()
        self.root.set_label(Text(f"… {title}", style="bold"))
        self.root.expand()

    def add_live(self, check: CheckResult) -> None:
        """Show one check the moment the verifier has decided it."""
        self.root.add_leaf(check_label(check))

    def show_report(self, report: VerificationReport) -> None:
        self.clear()
        self.root.set_label(verdict_label(report))
        self._add(self.root, report)
        self.root.expand()

    def _add(self, parent: Any, report: VerificationReport) -> None:
        width = title_width(report)
        for check in report.checks:
            node = parent.add(check_label(check, width), data=check)
            if check.code:
                node.add_leaf(Text(f"code {safe_text(check.code)}", style="bold"))
            if check.path:
                node.add_leaf(Text(f"at {safe_text(check.path)}"))
            tip = advice(check.code) if check.status is not Status.PASSED else None
            if tip:
                node.add_leaf(Text(f"→ {tip}", style="italic"))
            if check.details:
                details = node.add(Text("details"))
                for line in dumps_json(check.details, indent=2).splitlines()[:60]:
                    details.add_leaf(Text(safe_text(line)))
            if not node.children:
                node.allow_expand = False
                # Line the title up with the expandable rows, whose ▶ takes two cells.
                node.set_label(Text("  ").append_text(check_label(check, width)))
        for nested in report.credentials:
            child = parent.add(verdict_label(nested), data=nested)
            self._add(child, nested)
            child.expand()
