"""``vcwallet check``: SQLite's integrity check plus the wallet's own view of its records."""

from __future__ import annotations

from verifier.errors import ParseError

from ..importing import content_hash, view_credential
from ..store import WalletError
from .core import WalletCore
from .records import CREDENTIAL_KINDS, KIND_CREDENTIAL, KIND_HOLDER_KEY, KIND_SUMMARY
from .results import CheckReport


def check(wallet: WalletCore) -> CheckReport:
    """:meth:`vcwallet.wallet.Wallet.check`."""
    store = wallet.store
    problems: list[str] = []
    kinds: dict[str, set[str]] = {}
    rows, bad = store.scan()
    problems.extend(f"{b.label}: {b.reason} [wallet.malformed_row]" for b in bad)
    expected: set[tuple[bytes, str]] = set()
    readable: set[str] = set()
    for row in rows:
        kinds.setdefault(row.id, set()).add(row.kind)
        try:
            store.decrypt_row(row)
        except WalletError as exc:
            problems.append(f"{row.id} {row.kind}: {exc.code}")
    credentials = [rid for rid, ks in kinds.items() if ks & CREDENTIAL_KINDS]
    for rid in credentials:
        missing = CREDENTIAL_KINDS - kinds[rid]
        if missing:
            problems.append(f"{rid}: incomplete, missing {', '.join(sorted(missing))}")
            continue
        try:
            summary = wallet.summary_of(rid)
            data = store.get(rid, KIND_CREDENTIAL)
        except (WalletError, ParseError):
            continue  # already reported above
        if summary.content_sha256 != content_hash(data):
            problems.append(f"{rid}: summary does not match the stored bytes")
        readable.add(rid)
        for item in wallet.tags_for(data, view_credential(data).credential_id):
            expected.add((item.tag, rid))
            if store.find(item.tag) != rid:
                problems.append(f"{rid}: {item.reason} lookup tag missing")
    for tag, rid in store.lookup_rows():
        if KIND_SUMMARY not in kinds.get(rid, set()):
            problems.append(f"lookup tag points to missing record {rid}")
        elif rid in readable and (tag, rid) not in expected:
            problems.append(f"lookup tag points to record {rid}, which does not carry it")
    unreadable = store.unreadable_lookup_rows()
    if unreadable:
        problems.append(f"{unreadable} lookup row(s) cannot be read [wallet.malformed_row]")
    if not store.schema_matches_version():
        problems.append(f"schema objects do not match schema version {store.schema_version}")
    keys = sum(1 for ks in kinds.values() if KIND_HOLDER_KEY in ks)
    return CheckReport(store.integrity_check(), problems, len(credentials), keys)


__all__ = ["check"]
