"""Status pills: a word and a symbol as well as a colour, so colour is never the only signal.

The symbols are one cell wide everywhere (no emoji), so the table's columns line up in every
terminal.
"""

from __future__ import annotations

from rich.text import Text

PILLS = {
    "verified": ("✓ verified", "bold black on green"),
    "revoked": ("✗ revoked", "bold white on red"),
    "suspended": ("‖ suspended", "bold black on yellow"),
    "expired": ("◷ expired", "bold black on dark_orange"),
    "untrusted": ("? untrusted", "bold black on magenta"),
    "invalid": ("✗ invalid", "bold white on red"),
    "unknown": ("! unknown", "bold white on grey37"),
    "unchecked": ("○ not rechecked", "bold white on grey37"),
}


def pill(status: str) -> Text:
    """The pill for a wallet status word (``verified``, ``revoked``, …)."""
    word, style = PILLS.get(status, (f"! {status}", "bold white on grey37"))
    return Text(f" {word} ", style=style)
