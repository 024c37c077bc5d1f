"""The holder's own words on a credential: tags and a note (kept across recheck, replace and
restore; searchable like the rest of the summary)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .core import WalletCore
from .records import CredentialSummary


def add_tags(wallet: WalletCore, ident: str, tags: Iterable[str]) -> CredentialSummary:
    new = [t.strip() for t in tags if t.strip()]
    return wallet.update_summary(ident, lambda s: replace(s, tags=tuple(dict.fromkeys([*s.tags, *new]))))


def remove_tags(wallet: WalletCore, ident: str, tags: Iterable[str]) -> CredentialSummary:
    gone = {t.strip() for t in tags}
    return wallet.update_summary(ident, lambda s: replace(s, tags=tuple(t for t in s.tags if t not in gone)))


def set_note(wallet: WalletCore, ident: str, note: str) -> CredentialSummary:
    return wallet.update_summary(ident, lambda s: replace(s, note=note.strip()))


__all__ = ["add_tags", "remove_tags", "set_note"]
