"""``backup``, ``restore``, ``passwd`` and ``salvage``: the commands that keep badges from being lost.

A backup is one passphrase-protected file (itself a wallet file; see
:mod:`vcwallet.store.backup`). Its passphrase comes from ``$VCWALLET_BACKUP_PASSPHRASE`` or a
prompt, or is the wallet's own with ``--same-passphrase``. ``restore`` merges a backup into the
wallet without duplicates, creating the wallet first when there is none (a new laptop); it
verifies every credential again with the same verifier and flags as ``import``. ``salvage`` does
the same for what it recovers.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..usecases.open_wallet import change_passphrase, refuse_existing, unlock_wallet
from ..usecases.safety import backup_wallet, restore_into, restore_new
from ..wallet import RestoreResult, SalvageReport, Wallet
from . import wallet_import
from .wallet_common import (
    ENV_BACKUP_PASSPHRASE,
    ENV_NEW_PASSPHRASE,
    ENV_PASSPHRASE,
    get_passphrase,
    guarded,
    kdf_level,
    make_parser,
    short,
    wallet_path,
)

BACKUP_EXAMPLES = """examples:
  vcwallet backup ~/usb/wallet-2026-06.vcbackup
  vcwallet backup --same-passphrase /mnt/usb/wallet.vcbackup
The backup passphrase comes from $VCWALLET_BACKUP_PASSPHRASE or a prompt. An existing file is
never overwritten. The backup is a consistent snapshot even while another vcwallet is writing;
until it is complete it exists only as a hidden .FILE.*.partial under the backup's own passphrase,
and a later backup to the same name removes one left by a killed run.

What a backup cannot protect against (a local file cannot know):
  * The backup's passphrase opens the wallet's data key. Whoever has the backup and its
    passphrase can also read any later copy of the wallet file, including credentials added
    after the backup, until you move to a new wallet (init + restore). passwd does not change
    the data key.
  * Nothing can tell a wallet file (or a backup) that was replaced by an older copy of itself,
    whole or record by record: keep your own note of when the last backup was made.
"""

RESTORE_EXAMPLES = """examples:
  vcwallet restore --dry-run wallet-2026-06.vcbackup
  vcwallet restore wallet-2026-06.vcbackup
  vcwallet restore --wallet ~/new-laptop/wallet.db wallet-2026-06.vcbackup
Every credential in the backup is verified again from its original bytes, like an import (same
flags: --trust, --offline, --url-map...); the backup's stored names and statuses are not used.
Credentials that fail again are not restored (--force keeps them, flagged); those that cannot be
checked here (--offline, unreachable issuer) are restored as "not rechecked" (status unchecked):
run 'vcwallet recheck' later. Credentials already in the wallet are not duplicated; their tags
and notes are merged. With no wallet at the path, a new one is created (passphrase from
$VCWALLET_PASSPHRASE or a prompt), and only once the backup has been accepted.
"""

PASSWD_EXAMPLES = """examples:
  vcwallet passwd
  VCWALLET_PASSPHRASE=old VCWALLET_NEW_PASSPHRASE=new vcwallet passwd
Crash-safe: the data key is re-wrapped in one transaction, so after a crash exactly one of the
old and new passphrases opens the wallet. Afterwards the stored key slot is tried again: the
change is reported only if the new passphrase opens it and the old one does not.
"""

SALVAGE_EXAMPLES = """examples:
  vcwallet salvage --out ~/wallet-salvaged.db
For a damaged wallet: copies every credential and key that still decrypts into a new wallet
(same passphrase). The damaged file is only read, never changed. A damaged passphrase check
does not stop it: the passphrase is tried against the data itself. Every recovered credential
is verified again (same flags as import) and its summary rebuilt from its bytes.
"""


def _backup_passphrase(args: argparse.Namespace, wallet_passphrase: str, *, confirm: bool) -> str:
    if args.same_passphrase:
        return wallet_passphrase
    return get_passphrase("backup passphrase", ENV_BACKUP_PASSPHRASE, confirm=confirm)


def run_backup(args: argparse.Namespace) -> int:
    def body() -> int:
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        target = refuse_existing(args.file, "the backup")  # before asking for the backup passphrase
        with unlock_wallet(wallet_path(args), passphrase) as wallet:
            secret = _backup_passphrase(args, passphrase, confirm=True)
            done = backup_wallet(wallet, target, secret, kdf=args.kdf)
        count = done.credentials
        print(f"backup written: {done.path} ({count} credential{'s' if count != 1 else ''})")
        print("Its passphrase also opens credentials added to this wallet later; see 'vcwallet backup "
              "--help'.")
        return 0
    return guarded("backup", body)


def _print_restore(result: RestoreResult) -> None:
    verb = "would add" if result.dry_run else "added"
    print(f"{verb} {len(result.added)} credential{'s' if len(result.added) != 1 else ''}; "
          f"{len(result.duplicates)} already in the wallet")
    for backup_id in result.added:
        print(f"  + {short(backup_id)}")
    for backup_id, existing in result.duplicates:
        print(f"  = {short(backup_id)} (already here as {short(existing)})")
    if result.merged:
        print(f"merged tags or notes into {len(result.merged)} credential(s)")
    if result.keys_added:
        print(f"{'would add' if result.dry_run else 'added'} {len(result.keys_added)} holder key(s)")
    if result.unchecked:
        print(f"{len(result.unchecked)} could not be verified here and are marked not rechecked: "
              + ", ".join(short(i) for i in result.unchecked) + " (run 'vcwallet recheck' later)")
    if result.refused:
        verb = "would refuse" if result.dry_run else "refused"
        print(f"{verb} {len(result.refused)} that did not verify (--force keeps them, flagged): "
              + ", ".join(f"{short(i)} [{status}]" for i, status in result.refused))
    if result.unreadable:
        print(f"{len(result.unreadable)} record(s) in the backup could not be read: "
              + ", ".join(short(i) for i in result.unreadable))


def _restore_code(result: RestoreResult) -> int:
    return 1 if result.unreadable or result.refused else 0


def run_restore(args: argparse.Namespace) -> int:
    def body() -> int:
        path = wallet_path(args)
        if not os.path.lexists(path):
            return _restore_into_new(args, path)
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        verifier = wallet_import.make_verifier(args)
        with unlock_wallet(path, passphrase, verifier=verifier) as wallet:
            secret = _backup_passphrase(args, passphrase, confirm=False)
            done = restore_into(wallet, args.file, secret, dry_run=args.dry_run, force=args.force)
        _print_restore(done.result)
        return _restore_code(done.result)
    return guarded("restore", body)


def _restore_into_new(args: argparse.Namespace, path: Path) -> int:
    secret = get_passphrase("backup passphrase", ENV_BACKUP_PASSPHRASE)
    verifier = wallet_import.make_verifier(args)
    if args.dry_run:  # against a throwaway empty wallet elsewhere: nothing appears at ``path``
        done = restore_new(path, args.file, secret, None, verifier=verifier, dry_run=True, force=args.force)
        print(f"there is no wallet at {path}: restoring would create it")
        _print_restore(done.result)
        return _restore_code(done.result)
    passphrase = (secret if args.same_passphrase
                  else get_passphrase("new wallet passphrase", ENV_PASSPHRASE, confirm=True))
    done = restore_new(path, args.file, secret, passphrase, kdf=args.kdf, verifier=verifier, force=args.force)
    print(f"created {path}")
    _print_restore(done.result)
    return _restore_code(done.result)


def run_passwd(args: argparse.Namespace) -> int:
    def body() -> int:
        old = get_passphrase("current wallet passphrase", ENV_PASSPHRASE)
        with unlock_wallet(wallet_path(args), old) as wallet:
            new = get_passphrase("new wallet passphrase", ENV_NEW_PASSPHRASE, confirm=True)
            change_passphrase(wallet, old, new, kdf=args.kdf)
        print("passphrase changed")
        return 0
    return guarded("passwd", body)


def run_salvage(args: argparse.Namespace) -> int:
    def body() -> int:
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        verifier = wallet_import.make_verifier(args)
        report = Wallet.salvage(wallet_path(args), passphrase, args.out, verifier=verifier)
        _print_salvage(report)
        return 1 if report.lost or report.scan_errors or report.damaged else 0
    return guarded("salvage", body)


DAMAGED_CHECKS = {
    "kek_check": "the key slot's check value (the passphrase was confirmed by unwrapping the data key)",
    "key_check": "the key-check blob (the data key was confirmed by the records themselves)",
    "wallet_id": "the wallet id (repaired: one character differed)",
    "wrapped_key": "the wrapped data key (found again: the records themselves confirmed it)",
}


def _print_salvage(report: SalvageReport) -> None:
    print(f"salvaged into {report.path}: {len(report.credentials)} credential(s), "
          f"{len(report.keys)} holder key(s)")
    for check in report.damaged:
        print(f"  damaged and worked around: {DAMAGED_CHECKS.get(check, check)}")
    for item in report.lost:
        print(f"  lost: {short(str(item.get('record')))} {item.get('kind')} ({item.get('reason')})")
    if report.scan_errors:
        print(f"  damage seen while reading: {report.scan_errors[0]}")
    if report.ignored:
        print(f"  ignored (not a wallet's, never run): {', '.join(report.ignored[:5])}")
    if report.unchecked:
        print(f"  {len(report.unchecked)} credential(s) could not be verified here and are marked not "
              "rechecked: run 'vcwallet recheck --wallet NEW' when the network is available.")


def add_parser(subparsers: Any) -> None:
    """``backup``, ``restore``, ``passwd`` and ``salvage``."""
    p = make_parser(subparsers, "backup", "write an encrypted backup file",
                    "Write a passphrase-protected single-file backup of the wallet.", BACKUP_EXAMPLES)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--same-passphrase", action="store_true", help="protect the backup with the wallet's "
                                                                  "passphrase")
    p.add_argument("--kdf", type=kdf_level, default=None, metavar="LEVEL",
                   help="passphrase hardening for the backup (default: the wallet's)")
    p.set_defaults(func=run_backup)

    p = make_parser(subparsers, "restore", "merge a backup into the wallet",
                    "Merge a backup into the wallet without duplicates (or show what would change).",
                    RESTORE_EXAMPLES)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--same-passphrase", action="store_true",
                   help="the backup uses the wallet's passphrase")
    p.add_argument("--force", action="store_true",
                   help="keep credentials that fail verification again, visibly flagged")
    p.add_argument("--kdf", type=kdf_level, default=kdf_level("moderate"), metavar="LEVEL",
                   help=argparse.SUPPRESS)
    wallet_import.add_verifier_options(p)
    p.set_defaults(func=run_restore)

    p = make_parser(subparsers, "passwd", "change the wallet passphrase",
                    "Change the wallet passphrase (crash-safe).", PASSWD_EXAMPLES)
    p.add_argument("--kdf", type=kdf_level, default=None, metavar="LEVEL",
                   help="also change the passphrase hardening: interactive, moderate or sensitive")
    p.set_defaults(func=run_passwd)

    p = make_parser(subparsers, "salvage", "copy what still decrypts from a damaged wallet",
                    "Read a damaged wallet (never writing to it) and copy every credential and key "
                    "that still decrypts into a new wallet.", SALVAGE_EXAMPLES)
    p.add_argument("--out", required=True, metavar="NEW", help="the new wallet file to create")
    wallet_import.add_verifier_options(p)
    p.set_defaults(func=run_salvage)
