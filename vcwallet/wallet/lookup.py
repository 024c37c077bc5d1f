"""Blind lookup tags: finding a stored credential by its content or its id without a plaintext index.

Duplicates are found through keyed hashes (tags) of the content's SHA-256 and of the credential
id. The lookup table itself is not authenticated (anyone with the file can point a tag at another
record), so every lookup is bound to what it finds: the record's own decrypted bytes must carry
the id or digest asked for. For a duplicate check a false pointer is ignored (and replaced when
the credential is stored); ``Wallet.resolve`` refuses one (``wallet.corrupt_store``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from verifier.errors import ParseError

from ..importing import content_hash, view_credential
from ..store import Store, WalletError
from .records import KIND_CREDENTIAL, KIND_SUMMARY, CredentialSummary, json_record

log = logging.getLogger("vcwallet.wallet")

TAG_HASH = "sha256"
TAG_ID = "credential-id"

#: Reads one record: ``(record id, kind) -> plaintext``.
Read = Callable[[str, str], bytes]
#: Follows one lookup tag: ``tag -> record id or None``.
Find = Callable[[bytes], "str | None"]


class LookupTag(NamedTuple):
    """A blind lookup tag with what it stands for: ``reason`` ``content`` (``value`` is the
    SHA-256 of the bytes) or ``id`` (``value`` is the credential's own id)."""

    tag: bytes
    reason: str
    value: str


def carries(data: bytes, reason: str, value: str) -> bool:
    """Whether a credential's bytes really are what a lookup tag says they are."""
    if reason == "content":
        return content_hash(data) == value
    return view_credential(data).credential_id == value


def lookup_tags(store: Store, data: bytes, credential_id: str | None) -> list[LookupTag]:
    """The tags a credential is found by: its content digest, and its id when it has one."""
    digest = content_hash(data)
    tags = [LookupTag(store.lookup_tag(TAG_HASH, digest), "content", digest)]
    if credential_id:
        tags.append(LookupTag(store.lookup_tag(TAG_ID, credential_id), "id", credential_id))
    return tags


def id_tag(store: Store, credential_id: str) -> bytes:
    """The tag of a credential id (what ``resolve`` looks up)."""
    return store.lookup_tag(TAG_ID, credential_id)


def find_duplicate(store: Store, tags: list[LookupTag], find: Find,
                   read: Read | None = None) -> tuple[str, str] | None:
    """The stored credential the tags point to, if its own bytes carry what they stand for.

    A pointer to a record that does not (the lookup table was edited) is not believed: the
    summaries are searched instead (each checked against its bytes), so an edited index can
    neither invent a duplicate nor hide one. Storing the credential replaces the pointer.
    """
    read = read or store.get
    edited = False
    for item in tags:
        found = find(item.tag)
        if found is None:
            continue
        if _bound(read, found, item):
            return found, item.reason
        log.warning("lookup tag (%s) points to record %s, which does not carry it", item.reason, found)
        edited = True
    return _search_duplicate(store, tags, read) if edited else None


def _bound(read: Read, record_id: str, item: LookupTag) -> bool:
    try:
        return carries(read(record_id, KIND_CREDENTIAL), item.reason, item.value)
    except (WalletError, ParseError):
        return False


def _search_duplicate(store: Store, tags: list[LookupTag], read: Read) -> tuple[str, str] | None:
    """The duplicate found by reading every summary (only when the index was found edited)."""
    for record_id, plaintext in store.read_all(KIND_SUMMARY):
        if isinstance(plaintext, WalletError):
            continue
        try:
            summary = CredentialSummary.from_record(record_id, json_record(plaintext))
        except (ParseError, ValueError, TypeError):
            continue
        for item in tags:
            claimed = summary.content_sha256 if item.reason == "content" else summary.credential_id
            if claimed == item.value and _bound(read, record_id, item):
                return record_id, item.reason
    return None


__all__ = ["TAG_HASH", "TAG_ID", "LookupTag", "carries", "find_duplicate", "id_tag", "lookup_tags"]
