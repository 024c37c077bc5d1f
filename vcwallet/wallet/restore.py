"""``restore``: merge a backup (or any wallet file) into a wallet, or make a new wallet from one.

A backup is data from outside: every credential in it is verified again and its summary rebuilt
(see :mod:`vcwallet.wallet.recovery`). Credentials already here (same bytes or same credential
id) are not copied; the backup's tags are merged and a missing note is taken over. Holder keys
are merged by public key, rebuilt from their secret key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from dataclasses import replace
from pathlib import Path

from verifier.clock import Clock
from verifier.errors import ParseError

from ..importing import view_credential
from ..store import DEFAULT_KDF, KdfParams, RawRow, Store, WalletError, WalletExists, files
from .core import WalletCore
from .keys import clean, create_holder_key, holder_keys, rebuilt_key_record, store_key
from .records import KIND_CREDENTIAL, KIND_HOLDER_KEY, KIND_REPORT, KIND_SUMMARY, CredentialVerifier
from .recovery import Kept, kept_fields, new_id, rebuilt_summary, recheck_bytes
from .results import RestoreResult

log = logging.getLogger("vcwallet.wallet")


def restore_into(wallet: WalletCore, path: str | os.PathLike[str], passphrase: str, *, dry_run: bool,
                 force: bool) -> RestoreResult:
    """:meth:`vcwallet.wallet.Wallet.restore`."""
    result = RestoreResult(dry_run=dry_run)
    origin = f"restored from {clean(Path(path).name)}"
    with Store.open(path, passphrase, readonly=True) as source:
        rows, bad = source.scan()
        result.unreadable.extend(b.label for b in bad)
        by_id: dict[str, dict[str, RawRow]] = {}
        for row in rows:
            by_id.setdefault(row.id, {})[row.kind] = row
        seen: dict[bytes, str] = {}
        for record_id, parts in by_id.items():
            if KIND_CREDENTIAL in parts:
                _restore_credential(wallet, source, result, seen, record_id, parts, origin, force)
            elif parts.keys() & {KIND_SUMMARY, KIND_REPORT}:
                result.unreadable.append(record_id)  # a summary or report without its credential
        _restore_keys(wallet, source, result, by_id)
    return result


def _restore_credential(wallet: WalletCore, source: Store, result: RestoreResult, seen: dict[bytes, str],
                        backup_id: str, parts: dict[str, RawRow], origin: str, force: bool) -> None:
    try:
        data = source.decrypt_row(parts[KIND_CREDENTIAL])
    except WalletError:
        result.unreadable.append(backup_id)
        return
    summary_plain = None
    if KIND_SUMMARY in parts:
        with contextlib.suppress(WalletError):
            summary_plain = source.decrypt_row(parts[KIND_SUMMARY])
    kept = kept_fields(backup_id, summary_plain, provenance=False)
    try:
        view = view_credential(data)
        tags = wallet.tags_for(data, view.credential_id)
        existing = (next(((seen[t.tag], t.reason) for t in tags if t.tag in seen), None)  # this restore's own
                    or wallet.duplicate(tags))
        checked = None if existing or view.kind == "presentation" else recheck_bytes(wallet, data, view,
                                                                                    backup_id)
    except Exception as exc:  # noqa: BLE001 - one hostile record never stops a restore
        log.warning("backup record %s cannot be read (%s); skipped", backup_id, type(exc).__name__)
        result.unreadable.append(backup_id)
        return
    if existing is not None:
        target = existing[0]
        result.duplicates.append((backup_id, target))
        if not result.dry_run and target not in seen.values() and _merge(wallet, target, kept):
            result.merged.append(target)
        return
    if checked is None:  # a presentation where a credential belongs
        result.refused.append((backup_id, "invalid"))
        return
    if not checked.admitted and not force:
        result.refused.append((backup_id, checked.status))
        return
    record_id = new_id(wallet, backup_id)
    for item in tags:
        seen[item.tag] = record_id
    result.added.append(backup_id)
    if checked.status == "unchecked":
        result.unchecked.append(backup_id)
    if result.dry_run:
        return
    summary = rebuilt_summary(wallet, record_id, data, view, checked, kept, source=origin, salvaged=False)
    with wallet.store.transaction() as txn:
        wallet.write_credential(txn, record_id, data, checked.report, summary, tags)


def _merge(wallet: WalletCore, target: str, kept: Kept) -> bool:
    """Merge the backup's tags (and a note, where ours has none) into an existing credential."""
    try:
        current = wallet.summary_of(target)
    except (WalletError, ParseError):
        return False
    tags = tuple(dict.fromkeys([*current.tags, *kept.tags]))
    note = current.note or kept.note
    if tags == current.tags and note == current.note:
        return False
    wallet.update_summary(target, lambda s: replace(s, tags=tags, note=note))
    return True


def _restore_keys(wallet: WalletCore, source: Store, result: RestoreResult,
                  by_id: dict[str, dict[str, RawRow]]) -> None:
    have = {k.public_key_multibase for k in holder_keys(wallet.store)}
    for record_id, parts in by_id.items():
        row = parts.get(KIND_HOLDER_KEY)
        if row is None:
            continue
        try:
            record = rebuilt_key_record(source.decrypt_row(row))
        except WalletError:
            record = None
        if record is None:
            result.unreadable.append(record_id)
            continue
        if record["public_key_multibase"] in have:
            continue
        have.add(record["public_key_multibase"])
        result.keys_added.append(record["did"])
        if result.dry_run:
            continue
        with wallet.store.transaction() as txn:
            store_key(txn, new_id(wallet, record_id), record, activate=False)


def restore_new(path: str | os.PathLike[str], backup: str | os.PathLike[str], backup_passphrase: str,
                passphrase: str, *, kdf: KdfParams = DEFAULT_KDF, verifier: CredentialVerifier | None = None,
                clock: Clock | None = None, force: bool = False) -> RestoreResult:
    """:meth:`vcwallet.wallet.Wallet.restore_new`: build the wallet under a temporary name beside
    ``path`` and link it into place only once the backup has been accepted and restored."""
    path = Path(path)
    if os.path.lexists(path):
        raise WalletExists(f"{path} already exists; restore into it instead", path=str(path),
                           details={"path": str(path)})
    made = _make_parents(path.parent)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.restoring"
    try:
        with WalletCore(Store.create(tmp, passphrase, kdf=kdf), verifier=verifier, clock=clock) as wallet:
            result = restore_into(wallet, backup, backup_passphrase, dry_run=False, force=force)
            if not holder_keys(wallet.store):
                create_holder_key(wallet.store, wallet.now())
            wallet.store.close_as_single_file()
        files.publish(tmp, path)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)  # our own unfinished temporary wallet, never anything at ``path``
        for folder in made:
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only folders this call created, and only if still empty
        raise
    return result


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` (0700) and its missing parents; the ones created, deepest first."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for item in reversed(missing):
        item.mkdir(mode=0o700)
    return missing


__all__ = ["restore_into", "restore_new"]
