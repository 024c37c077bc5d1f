"""``salvage``: copy whatever still decrypts from a damaged wallet into a new wallet.

The damaged file is only read, and the passphrase is tried against the data itself (see
:mod:`vcwallet.store.salvage`). Every recovered credential is verified again from its bytes and
gets a summary rebuilt from them (see :mod:`vcwallet.wallet.recovery`); it is kept even when it
fails again (flagged), because it is the owner's own record, sealed by the wallet's key.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from verifier.clock import Clock
from verifier.errors import ParseError

from ..importing import view_credential
from ..store import DEFAULT_KDF, KdfParams, Store, salvage_read
from .core import WalletCore
from .keys import ACTIVE, rebuilt_key_record
from .records import (
    KIND_CREDENTIAL,
    KIND_HOLDER_KEY,
    KIND_REPORT,
    KIND_SETTINGS,
    KIND_SUMMARY,
    SETTINGS_ID,
    CredentialVerifier,
    json_bytes,
    json_record,
)
from .recovery import kept_fields, rebuilt_summary, recheck_bytes
from .results import SalvageReport

log = logging.getLogger("vcwallet.wallet")


def salvage_new(source: str | os.PathLike[str], passphrase: str, dest: str | os.PathLike[str], *,
                kdf: KdfParams | None = None, clock: Clock | None = None,
                verifier: CredentialVerifier | None = None) -> SalvageReport:
    """:meth:`vcwallet.wallet.Wallet.salvage`."""
    read = salvage_read(source, passphrase)
    grouped: dict[str, dict[str, bytes]] = {}
    for record_id, kind, plaintext in read.rows:
        grouped.setdefault(record_id, {})[kind] = plaintext
    lost = list(read.lost)
    recovered: list[str] = []
    keys: list[str] = []
    unchecked: list[str] = []
    active: str | None = None
    store = Store.create(dest, passphrase, kdf=kdf or read.kdf or DEFAULT_KDF)
    with WalletCore(store, verifier=verifier, clock=clock) as wallet:
        for record_id, parts in grouped.items():
            if KIND_SETTINGS in parts:
                with contextlib.suppress(ParseError):
                    wanted = json_record(parts[KIND_SETTINGS]).get(ACTIVE)
                    active = wanted if isinstance(wanted, str) else active
            if KIND_HOLDER_KEY in parts:
                record = rebuilt_key_record(parts[KIND_HOLDER_KEY])
                if record is None:
                    lost.append({"record": record_id, "kind": KIND_HOLDER_KEY, "reason": "not a holder key"})
                else:
                    with store.transaction() as txn:
                        txn.put(record_id, KIND_HOLDER_KEY, json_bytes(record))
                    keys.append(record_id)
            if KIND_CREDENTIAL not in parts:
                if parts.keys() & {KIND_SUMMARY, KIND_REPORT}:
                    lost.append({"record": record_id, "kind": KIND_CREDENTIAL, "reason": "missing"})
                continue
            status = _salvage_credential(wallet, record_id, parts)
            if status is None:
                lost.append({"record": record_id, "kind": KIND_CREDENTIAL, "reason": "cannot be read"})
                continue
            recovered.append(record_id)
            if status == "unchecked":
                unchecked.append(record_id)
        if keys:
            with store.transaction() as txn:
                chosen = active if active in keys else keys[-1]
                txn.put(SETTINGS_ID, KIND_SETTINGS, json_bytes({ACTIVE: chosen}))
    return SalvageReport(Path(dest), recovered, keys, lost, read.scan_errors, list(read.damaged),
                         list(read.ignored), unchecked)


def _salvage_credential(wallet: WalletCore, record_id: str, parts: dict[str, bytes]) -> str | None:
    """Re-verify and store one salvaged credential; its status, or None if it cannot be read."""
    data = parts[KIND_CREDENTIAL]
    kept = kept_fields(record_id, parts.get(KIND_SUMMARY), provenance=True)
    try:
        view = view_credential(data)
        checked = recheck_bytes(wallet, data, view, kept.source or record_id)
        summary = rebuilt_summary(wallet, record_id, data, view, checked, kept,
                                  source=kept.source or "salvage", salvaged=True)
        tags = wallet.tags_for(data, view.credential_id)
    except Exception as exc:  # noqa: BLE001 - one hostile record never stops a salvage
        log.warning("salvaged record %s cannot be read (%s); skipped", record_id, type(exc).__name__)
        return None
    with wallet.store.transaction() as txn:
        wallet.write_credential(txn, record_id, data, checked.report, summary, tags)
    return checked.status


__all__ = ["salvage_new"]
