"""The wallet commands: ``init``, ``list``, ``remove``, ``tag``, ``note``, ``holder``, and the
shared plumbing (where the wallet is, where the passphrase comes from, how errors exit).

``register(subparsers)`` adds every wallet command, including those in ``wallet_import``
(``import``, ``recheck``), ``wallet_show`` (``show``) and ``wallet_safety`` (``backup``,
``restore``, ``passwd``, ``salvage``).

Exit codes follow the CLI contract: 0 success, 1 a negative answer (an import refused, a
credential that no longer verifies), 2 a usage error or a wallet that cannot be opened (wrong
passphrase, damaged file, newer schema…), each printed with its stable code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from verifier.rendering import could_not_check_advice, safe_text
from verifier.report import dumps_json

from ..store import MODERATE
from ..usecases.open_wallet import create_wallet, refuse_existing
from ..wallet import STATUSES, CredentialSummary
from . import wallet_import, wallet_safety, wallet_show
from .wallet_common import (
    ENV_PASSPHRASE,
    UsageError,
    confirm,
    get_passphrase,
    guarded,
    kdf_level,
    label_of,
    make_parser,
    open_wallet,
    short,
    wallet_path,
)

# -- init ------------------------------------------------------------------------------------------

INIT_EXAMPLES = """examples:
  vcwallet init
  vcwallet init --wallet ~/badges/wallet.db
  VCWALLET_PASSPHRASE=... vcwallet init --wallet ./wallet.db
Creates the encrypted wallet (files are readable only by you) and an Ed25519 holder key
(did:key) for presenting credentials. It never overwrites an existing file.
"""


def run_init(args: argparse.Namespace) -> int:
    def body() -> int:
        path = refuse_existing(wallet_path(args))  # before asking for a passphrase
        passphrase = get_passphrase("new wallet passphrase", ENV_PASSPHRASE, confirm=True)
        made = create_wallet(path, passphrase, kdf=args.kdf)
        with made.wallet:
            print(f"wallet:     {made.path}")
            print(f"holder DID: {made.holder_did}")
            print(f"protection: {made.protection}")
        return 0
    return guarded("init", body)


# -- list ------------------------------------------------------------------------------------------

LIST_EXAMPLES = """examples:
  vcwallet list
  vcwallet list --search "formative assessment"
  vcwallet list --status revoked
  vcwallet list --json | jq '.[].name'
Statuses: verified, untrusted (issuer not on your trust list), revoked, suspended, expired,
invalid (failed verification, kept with --force), unknown (could not be checked: shown as
"could not check", with what to do) and unchecked (restored or salvaged, and not rechecked here
yet: shown as "not rechecked"; run 'vcwallet recheck').
"""


def _row(summary: CredentialSummary) -> tuple[str, str, str, str, str]:
    if summary.damaged:
        return short(summary.id), "DAMAGED", f"(cannot be read: {summary.damaged})", "", ""
    word = {"unknown": "could not check", "unchecked": "not rechecked"}.get(summary.status, summary.status)
    status = word + ("*" if summary.flagged else "")
    issuer = safe_text(summary.issuer_name or summary.issuer_id or "")
    return short(summary.id), status, label_of(summary), issuer, safe_text((summary.issued or "")[:10])


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def run_list(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_wallet(args) as wallet:
            items = wallet.list(search=args.search, status=args.status)
        if args.json:
            print(dumps_json([s.to_json() for s in items], indent=2))
            return 0
        if not items:
            print("no credentials" + (" match" if args.search or args.status else " yet"))
            return 0
        rows = [("ID", "STATUS", "NAME", "ISSUER", "ISSUED"), *(_row(s) for s in items)]
        widths = [10, max(len(r[1]) for r in rows), 40, 36, 10]
        for row in rows:
            print("  ".join(_clip(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if any(s.flagged for s in items):
            print("* kept with --force although it did not verify")
        unchecked = [s for s in items if s.status == "unknown" and not s.damaged]
        if unchecked:
            tip = could_not_check_advice(unchecked[0].problems)
            print(f"could not check: {tip} Then run 'vcwallet recheck'.")
        return 0
    return guarded("list", body)


# -- remove, tag, note --------------------------------------------------------------------------------

REMOVE_EXAMPLES = """examples:
  vcwallet remove 3f9a1c
  vcwallet remove 3f9a1c --yes
Asks for confirmation on a terminal; scripts must pass --yes. The id may be the first
characters of the wallet id shown by 'vcwallet list', or the credential's own id.
"""


def run_remove(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_wallet(args) as wallet:
            record_id = wallet.resolve(args.id)
            name = next((label_of(s) for s in wallet.list() if s.id == record_id), record_id)
            if not args.yes and not confirm(f"Remove {name!r} ({short(record_id)}) from the wallet?"):
                print("nothing removed")
                return 1
            wallet.remove(record_id)
        print(f"removed {short(record_id)} {name}")
        return 0
    return guarded("remove", body)


TAG_EXAMPLES = """examples:
  vcwallet tag 3f9a1c literacy district-pd
  vcwallet tag 3f9a1c --remove district-pd
"""


def run_tag(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_wallet(args) as wallet:
            summary = (wallet.remove_tags(args.id, args.tags) if args.remove
                       else wallet.add_tags(args.id, args.tags))
        print(f"{short(summary.id)} tags: {', '.join(summary.tags) or '(none)'}")
        return 0
    return guarded("tag", body)


NOTE_EXAMPLES = """examples:
  vcwallet note 3f9a1c "Used for the 2026 leadership application"
  vcwallet note 3f9a1c --clear
"""


def run_note(args: argparse.Namespace) -> int:
    def body() -> int:
        if not args.clear and args.text is None:
            raise UsageError("give the note TEXT, or --clear")
        with open_wallet(args) as wallet:
            summary = wallet.set_note(args.id, "" if args.clear else args.text)
        print(f"{short(summary.id)} note: {summary.note or '(none)'}")
        return 0
    return guarded("note", body)


HOLDER_EXAMPLES = """examples:
  vcwallet holder list
  vcwallet holder rotate
Rotating makes a new active did:key holder key and keeps the old ones, so credentials bound
to an older key can still be presented.
"""


def run_holder(args: argparse.Namespace) -> int:
    def body() -> int:
        with open_wallet(args) as wallet:
            if args.action == "rotate":
                key = wallet.rotate_holder_key()
                print(f"new active holder key: {key.did}")
                return 0
            for key in wallet.holder_keys():
                print(f"{'*' if key.active else ' '} {key.did}  {key.label}  created {key.created_at}")
        return 0
    return guarded("holder", body)


# -- registration -------------------------------------------------------------------------------------


def add_parsers(subparsers: Any) -> None:
    """``init``, ``list``, ``remove``, ``tag``, ``note`` and ``holder``."""
    p = make_parser(subparsers, "init", "create an encrypted wallet and a holder key",
                "Create a new encrypted wallet file and an Ed25519 (did:key) holder key.", INIT_EXAMPLES)
    p.add_argument("--kdf", type=kdf_level, default=MODERATE, metavar="LEVEL",
                   help="passphrase hardening: moderate (default), interactive or sensitive")
    p.set_defaults(func=run_init)

    p = make_parser(subparsers, "list", "list the credentials in the wallet",
                "List the wallet's credentials with their status.", LIST_EXAMPLES)
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--search", metavar="TEXT", help="only credentials whose name, issuer, tags or note "
                                                    "contain every word of TEXT")
    p.add_argument("--status", choices=STATUSES, help="only credentials with this status")
    p.set_defaults(func=run_list)

    p = make_parser(subparsers, "remove", "remove a credential from the wallet",
                "Remove one credential (after confirmation).", REMOVE_EXAMPLES)
    p.add_argument("id", metavar="ID")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run_remove)

    p = make_parser(subparsers, "tag", "add or remove tags on a credential",
                "Add tags to a credential (or remove them with --remove).", TAG_EXAMPLES)
    p.add_argument("id", metavar="ID")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove these tags instead")
    p.set_defaults(func=run_tag)

    p = make_parser(subparsers, "note", "set or clear a credential's note",
                "Keep a private note with a credential (encrypted like everything else).", NOTE_EXAMPLES)
    p.add_argument("id", metavar="ID")
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--clear", action="store_true", help="remove the note")
    p.set_defaults(func=run_note)

    p = make_parser(subparsers, "holder", "list or rotate your holder keys",
                "List the wallet's holder keys, or rotate to a new one.", HOLDER_EXAMPLES)
    p.add_argument("action", choices=["list", "rotate"], nargs="?", default="list")
    p.set_defaults(func=run_holder)


def register(subparsers: Any) -> None:
    """Add every wallet command to the ``vcwallet`` parser."""
    add_parsers(subparsers)
    wallet_import.add_parser(subparsers)
    wallet_show.add_parser(subparsers)
    wallet_safety.add_parser(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the wallet commands on their own (``python -m vcwallet.commands.wallet_cmds list``)."""
    parser = argparse.ArgumentParser(prog="vcwallet")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    return int(func(args))


if __name__ == "__main__":
    raise SystemExit(main())
