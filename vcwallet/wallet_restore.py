"""Credentials that arrive from outside the wallet: ``restore`` (a backup) and ``salvage`` (a
damaged file).

Both are data from outside. A backup may be a colleague's, or edited by whoever held the USB
stick; a damaged file may have been damaged on purpose. So nothing they *say* about a credential
is kept: the stored status, name, report and lookup tags are discarded, every credential is
verified again from its exact original bytes with the wallet's verifier (the one ``import``
uses), and its summary is rebuilt from those bytes and the fresh report. What is kept is what
belongs to the holder and is shown as theirs: tags and the note (from a salvaged file also where
a credential first came from and when, since only this wallet's key could have sealed them).

Outcomes per credential:

* verified again: added;
* definitively failing (revoked, expired, invalid, untrusted…): refused like a failed import,
  unless ``force``, which keeps it flagged, as ``import --force`` does; salvage keeps it
  flagged (it is the owner's own record, authenticated by the wallet's key);
* not decidable here (no verifier, or offline and the check needs the network): added with status
  ``unchecked`` ("not rechecked") and a report that says so. Never ``verified``.

Recovery never crashes on a hostile row: a record that cannot be read, parsed or verified is
reported (``unreadable`` / ``lost``) and the rest carry on. Errors writing *into* the wallet
(a full disk) still stop the restore: each credential is one transaction, so running it again
continues where it stopped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.errors import ParseError, VCError
from verifier.keys import Ed25519KeyPair
from verifier.report import CheckResult, Status, VerificationReport

from .importing import CredentialView, view_credential
from .store import DEFAULT_KDF, KdfParams, RawRow, Store, WalletError, WalletExists, files, salvage_read

if TYPE_CHECKING:
    from verifier.clock import Clock

    from .wallet import CredentialSummary, CredentialVerifier, RestoreResult, SalvageReport, Wallet

log = logging.getLogger("vcwallet.wallet")

#: Record ids this wallet mints; any other id from outside is replaced by a fresh one.
WALLET_ID = re.compile(r"[0-9a-f]{16}")
KIND_CREDENTIAL = "credential"
KIND_REPORT = "report"
KIND_SUMMARY = "summary"
KIND_HOLDER_KEY = "holder_key"
KIND_SETTINGS = "settings"
SETTINGS_ID = "settings"


@dataclass(frozen=True)
class Checked:
    """A credential's fresh verification: the report (JSON), the status word, and the verdict."""

    report: dict[str, Any]
    status: str
    verified: bool

    @property
    def admitted(self) -> bool:
        """Added without ``force``: it verified, or it could not be decided here (never a failure)."""
        return self.verified or self.status == "unchecked"


@dataclass(frozen=True)
class Kept:
    """What is kept from a credential's stored summary: the holder's own fields."""

    tags: tuple[str, ...] = ()
    note: str = ""
    source: str | None = None
    presentation: str | None = None
    imported_at: str | None = None


def clean(text: str, *, lines: bool = False) -> str:
    """``text`` without control characters (an escape sequence must not reach a terminal)."""
    return "".join(c for c in text if c.isprintable() or (lines and c in "\n\t")).strip()


def recheck_bytes(wallet: Wallet, data: bytes, view: CredentialView, label: str) -> Checked:
    """Verify ``data`` again with the wallet's verifier; ``unchecked`` when nothing can decide."""
    from .wallet import not_rechecked_report, status_of

    if wallet.verifier is None:
        return Checked(not_rechecked_report(label, view.kind), "unchecked", False)
    try:
        report = wallet._verify(wallet.verifier, data, view, label=label)
    except Exception as exc:  # noqa: BLE001 - hostile bytes must not stop a restore; refused below
        check = CheckResult("parse", Status.FAILED, "app.internal_error",
                            f"the verifier failed on this credential ({type(exc).__name__})")
        report = VerificationReport(label, view.kind, (check,))
    report_json = report.to_json()
    status = status_of(report_json)
    return Checked(report_json, "unchecked" if status == "unknown" else status, report.verified)


def kept_fields(record_id: str, plaintext: bytes | None, *, provenance: bool) -> Kept:
    """Tags and note (and with ``provenance`` source, presentation and import time) from a summary."""
    from .wallet import CredentialSummary, _json_record

    if plaintext is None:
        return Kept()
    try:
        summary = CredentialSummary.from_record(record_id, _json_record(plaintext))
    except (ParseError, ValueError, TypeError):
        return Kept()
    tags = tuple(dict.fromkeys(t for t in (clean(tag) for tag in summary.tags) if t))
    if not provenance:
        return Kept(tags, clean(summary.note, lines=True))
    return Kept(tags, clean(summary.note, lines=True), clean(summary.source) or None,
                clean(summary.presentation or "") or None, clean(summary.imported_at) or None)


def rebuilt_summary(wallet: Wallet, record_id: str, data: bytes, view: CredentialView, checked: Checked,
                    kept: Kept, *, source: str, salvaged: bool) -> CredentialSummary:
    """A summary derived from the bytes and the fresh report, with the kept holder fields."""
    summary = wallet._summary(record_id, data, view, checked.report, source=source,
                              presentation=kept.presentation, flagged=not checked.admitted,
                              extra=wallet._ob2_extra(view), imported_at=kept.imported_at)
    return replace(summary, status=checked.status, tags=kept.tags, note=kept.note, salvaged=salvaged)


def holder_key_record(plaintext: bytes) -> dict[str, Any] | None:
    """A holder key record rebuilt from its secret key alone (public parts derived, never copied)."""
    from .wallet import _json_record

    try:
        data = _json_record(plaintext)
        pair = Ed25519KeyPair.from_secret_multibase(str(data["secret_key_multibase"]))
    except (VCError, KeyError, ValueError, TypeError):
        return None
    did = pair.public.did_key
    created = data.get("created_at")
    label = data.get("label")
    return {"v": 1, "did": did, "verification_method": f"{did}#{pair.public.multibase}",
            "public_key_multibase": pair.public.multibase, "secret_key_multibase": pair.secret_multibase,
            "created_at": clean(created) if isinstance(created, str) else "",
            "label": clean(label) if isinstance(label, str) and clean(label) else "restored holder key"}


def _new_id(wallet: Wallet, record_id: str) -> str:
    if WALLET_ID.fullmatch(record_id) and not wallet.store.has(record_id):
        return record_id
    return secrets.token_hex(8)


# -- restore ---------------------------------------------------------------------------------------


def restore_into(wallet: Wallet, path: str | os.PathLike[str], passphrase: str, *, dry_run: bool,
                 force: bool) -> RestoreResult:
    """:meth:`Wallet.restore` (see there and the module docstring)."""
    from .wallet import RestoreResult

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


def _restore_credential(wallet: Wallet, source: Store, result: RestoreResult, seen: dict[bytes, str],
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
        tags = wallet._tags(data, view.credential_id)
        existing = (next(((seen[t.tag], t.reason) for t in tags if t.tag in seen), None)  # this restore's own
                    or wallet._duplicate(tags, wallet.store.find))
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
    record_id = _new_id(wallet, backup_id)
    for item in tags:
        seen[item.tag] = record_id
    result.added.append(backup_id)
    if checked.status == "unchecked":
        result.unchecked.append(backup_id)
    if result.dry_run:
        return
    summary = rebuilt_summary(wallet, record_id, data, view, checked, kept, source=origin, salvaged=False)
    with wallet.store.transaction() as txn:
        wallet._write_credential(txn, record_id, data, checked.report, summary, tags)


def _merge(wallet: Wallet, target: str, kept: Kept) -> bool:
    """Merge the backup's tags (and a note, where ours has none) into an existing credential."""
    try:
        current = wallet._summary_of(target)
    except (WalletError, ParseError):
        return False
    tags = tuple(dict.fromkeys([*current.tags, *kept.tags]))
    note = current.note or kept.note
    if tags == current.tags and note == current.note:
        return False
    wallet._update_summary(target, lambda s: replace(s, tags=tags, note=note))
    return True


def _restore_keys(wallet: Wallet, source: Store, result: RestoreResult,
                  by_id: dict[str, dict[str, RawRow]]) -> None:
    from .wallet import _json_bytes, _json_record

    have = {k.public_key_multibase for k in wallet.holder_keys()}
    for record_id, parts in by_id.items():
        row = parts.get(KIND_HOLDER_KEY)
        if row is None:
            continue
        try:
            record = holder_key_record(source.decrypt_row(row))
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
        new_id = _new_id(wallet, record_id)
        with wallet.store.transaction() as txn:
            txn.put(new_id, KIND_HOLDER_KEY, _json_bytes(record))
            settings = (_json_record(txn.get(SETTINGS_ID, KIND_SETTINGS))
                        if txn.has(SETTINGS_ID, KIND_SETTINGS) else {})
            if not settings.get("active_holder_key"):
                settings["active_holder_key"] = new_id
                txn.put(SETTINGS_ID, KIND_SETTINGS, _json_bytes(settings))


def restore_new(cls: type[Wallet], path: str | os.PathLike[str], backup: str | os.PathLike[str],
                backup_passphrase: str, passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
                verifier: CredentialVerifier | None = None, clock: Clock | None = None,
                force: bool = False) -> RestoreResult:
    """:meth:`Wallet.restore_new`: build the wallet under a temporary name beside ``path`` and
    link it into place only once the backup has been accepted and restored."""
    path = Path(path)
    if os.path.lexists(path):
        raise WalletExists(f"{path} already exists; restore into it instead", path=str(path),
                           details={"path": str(path)})
    made = _make_parents(path.parent)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.restoring"
    try:
        wallet = cls.create(tmp, passphrase, verifier=verifier, kdf=kdf, clock=clock, holder_key=False)
        try:
            result = wallet.restore(backup, backup_passphrase, force=force)
            if not wallet.holder_keys():
                wallet.create_holder_key()
            wallet.store.close_as_single_file()
        finally:
            wallet.close()
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


# -- salvage ---------------------------------------------------------------------------------------


def salvage_new(cls: type[Wallet], source: str | os.PathLike[str], passphrase: str,
                dest: str | os.PathLike[str], *, kdf: KdfParams | None = None, clock: Clock | None = None,
                verifier: CredentialVerifier | None = None) -> SalvageReport:
    """:meth:`Wallet.salvage` (see there and the module docstring)."""
    from .wallet import SalvageReport, _json_bytes, _json_record

    read = salvage_read(source, passphrase)
    grouped: dict[str, dict[str, bytes]] = {}
    for record_id, kind, plaintext in read.rows:
        grouped.setdefault(record_id, {})[kind] = plaintext
    lost = list(read.lost)
    wallet = cls(Store.create(dest, passphrase, kdf=kdf or read.kdf or DEFAULT_KDF), verifier=verifier,
                 clock=clock)
    recovered: list[str] = []
    keys: list[str] = []
    unchecked: list[str] = []
    active: str | None = None
    try:
        for record_id, parts in grouped.items():
            if KIND_SETTINGS in parts:
                with contextlib.suppress(ParseError):
                    wanted = _json_record(parts[KIND_SETTINGS]).get("active_holder_key")
                    active = wanted if isinstance(wanted, str) else active
            if KIND_HOLDER_KEY in parts:
                record = holder_key_record(parts[KIND_HOLDER_KEY])
                if record is None:
                    lost.append({"record": record_id, "kind": KIND_HOLDER_KEY, "reason": "not a holder key"})
                else:
                    with wallet.store.transaction() as txn:
                        txn.put(record_id, KIND_HOLDER_KEY, _json_bytes(record))
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
            with wallet.store.transaction() as txn:
                txn.put(SETTINGS_ID, KIND_SETTINGS,
                        _json_bytes({"active_holder_key": active if active in keys else keys[-1]}))
    finally:
        wallet.close()
    return SalvageReport(Path(dest), recovered, keys, lost, read.scan_errors, list(read.damaged),
                         list(read.ignored), unchecked)


def _salvage_credential(wallet: Wallet, record_id: str, parts: dict[str, bytes]) -> str | None:
    """Re-verify and store one salvaged credential; its status, or None if it cannot be read."""
    data = parts[KIND_CREDENTIAL]
    kept = kept_fields(record_id, parts.get(KIND_SUMMARY), provenance=True)
    try:
        view = view_credential(data)
        checked = recheck_bytes(wallet, data, view, kept.source or record_id)
        summary = rebuilt_summary(wallet, record_id, data, view, checked, kept,
                                  source=kept.source or "salvage", salvaged=True)
        tags = wallet._tags(data, view.credential_id)
    except Exception as exc:  # noqa: BLE001 - one hostile record never stops a salvage
        log.warning("salvaged record %s cannot be read (%s); skipped", record_id, type(exc).__name__)
        return None
    with wallet.store.transaction() as txn:
        wallet._write_credential(txn, record_id, data, checked.report, summary, tags)
    return checked.status
