"""``backup``, ``restore``, ``passwd`` and ``salvage``: the commands that keep badges from being lost.

A backup is one passphrase-protected file (itself a wallet file; see
:mod:`vcwallet.store.backup`). Its passphrase comes from ``$VCWALLET_BACKUP_PASSPHRASE`` or a
prompt, or is the wallet's own with ``--same-passphrase``. ``restore`` merges a backup into the
wallet without duplicates, creating the wallet first when there is none (a new laptop).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..store import Store
from ..wallet import RestoreResult, Wallet
from .wallet_common import (
    ENV_BACKUP_PASSPHRASE,
    ENV_NEW_PASSPHRASE,
    ENV_PASSPHRASE,
    UsageError,
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
never overwritten. The backup is a consistent snapshot even while another vcwallet is writing.
"""

RESTORE_EXAMPLES = """examples:
  vcwallet restore --dry-run wallet-2026-06.vcbackup
  vcwallet restore wallet-2026-06.vcbackup
  vcwallet restore --wallet ~/new-laptop/wallet.db wallet-2026-06.vcbackup
Credentials already in the wallet are not duplicated; their tags and notes are merged. With no
wallet at the path, a new one is created (passphrase from $VCWALLET_PASSPHRASE or a prompt).
"""

PASSWD_EXAMPLES = """examples:
  vcwallet passwd
  VCWALLET_PASSPHRASE=old VCWALLET_NEW_PASSPHRASE=new vcwallet passwd
Crash-safe: the data key is re-wrapped in one transaction, so after a crash exactly one of the
old and new passphrases opens the wallet.
"""

SALVAGE_EXAMPLES = """examples:
  vcwallet salvage --out ~/wallet-salvaged.db
For a damaged wallet: copies every credential and key that still decrypts into a new wallet
(same passphrase). The damaged file is only read, never changed.
"""


def _backup_passphrase(args: argparse.Namespace, wallet_passphrase: str, *, confirm: bool) -> str:
    if args.same_passphrase:
        return wallet_passphrase
    return get_passphrase("backup passphrase", ENV_BACKUP_PASSPHRASE, confirm=confirm)


def run_backup(args: argparse.Namespace) -> int:
    def body() -> int:
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        target = Path(args.file)
        if os.path.lexists(target):
            raise UsageError(f"{target} already exists; nothing was overwritten [wallet.exists]")
        with Wallet.open(wallet_path(args), passphrase) as wallet:
            secret = _backup_passphrase(args, passphrase, confirm=True)
            wallet.backup(target, secret, kdf=args.kdf)
            count = len(wallet.list())
        print(f"backup written: {target} ({count} credential{'s' if count != 1 else ''})")
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
    if result.unreadable:
        print(f"{len(result.unreadable)} record(s) in the backup could not be read: "
              + ", ".join(short(i) for i in result.unreadable))


def run_restore(args: argparse.Namespace) -> int:
    def body() -> int:
        path = wallet_path(args)
        if not os.path.lexists(path):
            return _restore_into_new(args, path)
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        with Wallet.open(path, passphrase) as wallet:
            secret = _backup_passphrase(args, passphrase, confirm=False)
            result = wallet.restore(args.file, secret, dry_run=args.dry_run)
        _print_restore(result)
        return 1 if result.unreadable else 0
    return guarded("restore", body)


def _restore_into_new(args: argparse.Namespace, path: Path) -> int:
    secret = get_passphrase("backup passphrase", ENV_BACKUP_PASSPHRASE)
    if args.dry_run:
        with Store.open(args.file, secret, readonly=True) as source:
            count = len(source.ids("summary"))
        print(f"there is no wallet at {path}: restoring would create it with {count} credential(s)")
        return 0
    passphrase = (secret if args.same_passphrase
                  else get_passphrase("new wallet passphrase", ENV_PASSPHRASE, confirm=True))
    Store.inspect(args.file)  # fail on a damaged backup before creating anything
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with Wallet.create(path, passphrase, kdf=args.kdf, holder_key=False) as wallet:
        result = wallet.restore(args.file, secret)
        if not wallet.holder_keys():
            wallet.create_holder_key()
    print(f"created {path}")
    _print_restore(result)
    return 1 if result.unreadable else 0


def run_passwd(args: argparse.Namespace) -> int:
    def body() -> int:
        old = get_passphrase("current wallet passphrase", ENV_PASSPHRASE)
        with Wallet.open(wallet_path(args), old) as wallet:
            new = get_passphrase("new wallet passphrase", ENV_NEW_PASSPHRASE, confirm=True)
            wallet.passwd(old, new, kdf=args.kdf)
        print("passphrase changed")
        return 0
    return guarded("passwd", body)


def run_salvage(args: argparse.Namespace) -> int:
    def body() -> int:
        passphrase = get_passphrase("wallet passphrase", ENV_PASSPHRASE)
        report = Wallet.salvage(wallet_path(args), passphrase, args.out)
        print(f"salvaged into {report.path}: {len(report.credentials)} credential(s), "
              f"{len(report.keys)} holder key(s)")
        for item in report.lost:
            print(f"  lost: {short(str(item.get('record')))} {item.get('kind')} ({item.get('reason')})")
        if report.scan_errors:
            print(f"  damage seen while reading: {report.scan_errors[0]}")
        print("Run 'vcwallet recheck --wallet NEW' to verify the salvaged credentials again.")
        return 1 if report.lost or report.scan_errors else 0
    return guarded("salvage", body)


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
    p.add_argument("--kdf", type=kdf_level, default=kdf_level("moderate"), metavar="LEVEL",
                   help=argparse.SUPPRESS)
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
    p.set_defaults(func=run_salvage)
