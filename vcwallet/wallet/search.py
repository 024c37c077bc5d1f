"""Listing and searching the wallet: the summaries are decrypted in memory and matched there,
because there is no plaintext index to search (names and issuers are unreadable in the file)."""

from __future__ import annotations

from verifier.errors import VCError

from ..store import WalletError
from .core import WalletCore
from .records import KIND_SUMMARY, STATUSES, CredentialSummary, fold, json_record


def list_credentials(wallet: WalletCore, search: str | None = None,
                     status: str | None = None) -> list[CredentialSummary]:
    """:meth:`vcwallet.wallet.Wallet.list`."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    words = fold(search).split() if search else []
    out: list[CredentialSummary] = []
    for record_id, plaintext in wallet.store.read_all(KIND_SUMMARY):
        if isinstance(plaintext, WalletError):
            if not words and status is None:
                out.append(CredentialSummary(record_id, damaged=plaintext.code))
            continue
        try:
            summary = CredentialSummary.from_record(record_id, json_record(plaintext))
        except VCError:
            if not words and status is None:
                out.append(CredentialSummary(record_id, damaged="wallet.record_corrupt"))
            continue
        if status is not None and summary.status != status:
            continue
        if words:
            haystack = summary.search_text()
            if not all(word in haystack for word in words):
                continue
        out.append(summary)
    return out


__all__ = ["list_credentials"]
