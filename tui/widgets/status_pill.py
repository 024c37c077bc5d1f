"""Status pills: a word and a symbol as well as a colour, so colour is never the only signal.

The symbols are one cell wide everywhere (no emoji), so the table's columns line up in every
terminal. A badge that could not be checked (a context, DID document or status list could not
be had: the wallet's ``unknown``) is grey "unchecked", never the red "invalid"; in sentences it
is "could not check" (:func:`status_word`).
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
    "unknown": ("! unchecked", "bold white on grey37"),
    "unchecked": ("○ not rechecked", "bold white on grey37"),
}

#: How a status reads in a sentence, where it differs from the status word itself.
WORDS = {"unknown": "could not check"}


def status_word(status: str) -> str:
    """``status`` for a sentence: ``unknown`` reads "could not check"."""
    return WORDS.get(status, status)


def pill(status: str) -> Text:
    """The pill for a wallet status word (``verified``, ``revoked``, …)."""
    word, style = PILLS.get(status, (f"! {status}", "bold white on grey37"))
    return Text(f" {word} ", style=style)
