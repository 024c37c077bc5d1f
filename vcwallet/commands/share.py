"""``vcwallet share linkedin|html ID`` and ``vcwallet bake ID``: badges where people look.

A LinkedIn "Add to profile" link, a self-contained HTML page for a blog, and a badge image with
the credential baked in (Open Badges baking), all made from a credential in the wallet without
changing a byte of it, so whatever is shared can still be checked with ``vcwallet verify``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from verifier.baked import is_png, is_svg
from verifier.errors import VCError
from verifier.rendering import safe_text
from verifier.trust import TrustList

from ..usecases.share import (
    BakedShare,
    HtmlShare,
    LinkedInShare,
    ShareError,
    bake_badge,
    share_html,
    share_linkedin,
)
from ..wallet import Wallet
from .keys import UsageError
from .present import add_wallet_options, load_trust, open_wallet

Ask = Callable[[str], str]
T = TypeVar("T")

SHARE_EXAMPLES = """examples:
  vcwallet share linkedin 3fa2
  vcwallet share linkedin 3fa2 --trust district-trust.json --cert-url https://me.example/badges/cfu
  vcwallet share html 3fa2 --out checking-for-understanding.html
  vcwallet share html 3fa2 --image badge.png --out badge.html
A badge that is revoked, suspended, expired, untrusted or unverified is shared only after you
confirm (a prompt on a terminal, or --yes).
"""

BAKE_EXAMPLES = """examples:
  vcwallet bake 3fa2 --image medal.png --out medal-baked.png
  vcwallet bake 3fa2 --image medal.svg --out medal-baked.svg
  vcwallet verify medal-baked.png
Open Badges baking carries an Open Badges credential (OB 3.0 JSON or VC-JWT, or an OB 2.0
assertion); an SD-JWT VC has no baked form. A flagged badge needs your confirmation (or --yes).
"""


def _add_yes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true",
                        help="share a revoked, suspended, expired, untrusted or unverified badge "
                             "without asking")


def add_parser(subparsers: Any) -> None:
    """Register ``share`` (``linkedin``, ``html``) and ``bake``."""
    add_share_parser(subparsers)
    add_bake_parser(subparsers)


def add_share_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("share", help="share a badge on LinkedIn or as an HTML page",
                              description="Make something shareable from a credential in the wallet.",
                              epilog=SHARE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="share_command", metavar="WHERE")
    linkedin = sub.add_parser("linkedin", help="print a LinkedIn Add-to-profile link",
                              epilog=SHARE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    linkedin.add_argument("id", metavar="ID", help="the credential (id or unique prefix)")
    linkedin.add_argument("--trust", type=Path, metavar="FILE",
                          help="take the issuer's name from this trust list")
    linkedin.add_argument("--cert-url", metavar="URL",
                          help="the https page where people can see the badge (default: its id)")
    linkedin.add_argument("--organization-id", metavar="N", help="the issuer's LinkedIn company id")
    _add_yes(linkedin)
    add_wallet_options(linkedin)
    linkedin.set_defaults(func=run_share_linkedin)
    page = sub.add_parser("html", help="write a self-contained HTML badge page",
                          epilog=SHARE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    page.add_argument("id", metavar="ID", help="the credential (id or unique prefix)")
    page.add_argument("--out", required=True, type=Path, metavar="FILE", help="the HTML file to write")
    page.add_argument("--image", type=Path, metavar="FILE",
                      help="the badge image (default: the stored image, or a drawn medal)")
    page.add_argument("--trust", type=Path, metavar="FILE",
                      help="name the issuer as this trust list does")
    _add_yes(page)
    add_wallet_options(page)
    page.set_defaults(func=run_share_html)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])


def add_bake_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("bake", help="bake a credential into a PNG or SVG badge image",
                              description="Embed the credential in a badge image as the Open Badges "
                                          "specifications define (PNG iTXt chunk, SVG element).",
                              epilog=BAKE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id", metavar="ID", help="the credential (id or unique prefix)")
    p.add_argument("--image", required=True, type=Path, metavar="IN.png|svg", help="the image to bake into")
    p.add_argument("--out", required=True, type=Path, metavar="OUT", help="the baked image to write")
    _add_yes(p)
    add_wallet_options(p)
    p.set_defaults(func=run_bake)


def _fail(command: str, exc: BaseException) -> int:
    code = f" [{exc.code}]" if isinstance(exc, VCError) else ""
    message = exc.message if isinstance(exc, VCError) else (getattr(exc, "strerror", None) or str(exc))
    print(f"vcwallet {command}: {message}{code}", file=sys.stderr)
    return 2


def _ask(question: str, ask: Ask | None, interactive: bool) -> bool:
    if not interactive:
        return False
    return (ask or input)(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _shared(command: str, args: argparse.Namespace, make: Callable[[Wallet, TrustList | None, bool], T],
            ask: Ask | None, interactive: bool | None) -> T | int:
    """Run one share use case; on ``share.unconfirmed`` show the warnings and ask (``--yes``
    answers yes; without a terminal the answer is no, exit 1). An ``int`` is the exit code."""
    tty = sys.stdin.isatty() if interactive is None else interactive
    try:
        trust = load_trust(args)
        with open_wallet(args) as wallet:
            try:
                return make(wallet, trust, bool(args.yes))
            except ShareError as exc:
                if exc.code != "share.unconfirmed":
                    raise
                print(f"vcwallet {command}: this badge needs your confirmation:", file=sys.stderr)
                for warning in exc.details.get("warnings", []):
                    print(f"  WARNING: {safe_text(warning)}", file=sys.stderr)
                if not _ask("Share it anyway?", ask, tty):
                    print(f"vcwallet {command}: nothing shared; confirm with --yes", file=sys.stderr)
                    return 1
                return make(wallet, trust, True)
    except (VCError, UsageError, OSError) as exc:
        return _fail(command, exc)


def run_share_linkedin(args: argparse.Namespace, *, ask: Ask | None = None,
                       interactive: bool | None = None) -> int:
    def make(wallet: Wallet, trust: TrustList | None, confirmed: bool) -> LinkedInShare:
        return share_linkedin(wallet, args.id, confirmed=confirmed, trust_list=trust, cert_url=args.cert_url,
                              organization_id=args.organization_id)

    done = _shared("share linkedin", args, make, ask, interactive)
    if isinstance(done, int):
        return done
    print(done.url)
    return 0


def run_share_html(args: argparse.Namespace, *, ask: Ask | None = None,
                   interactive: bool | None = None) -> int:
    def make(wallet: Wallet, trust: TrustList | None, confirmed: bool) -> HtmlShare:
        image = args.image.read_bytes() if args.image is not None else None
        return share_html(wallet, args.id, confirmed=confirmed, image=image, trust_list=trust)

    done = _shared("share html", args, make, ask, interactive)
    if isinstance(done, int):
        return done
    try:
        args.out.write_text(done.html, encoding="utf-8")
    except OSError as exc:
        return _fail("share html", exc)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def run_bake(args: argparse.Namespace, *, ask: Ask | None = None, interactive: bool | None = None) -> int:
    def make(wallet: Wallet, trust: TrustList | None, confirmed: bool) -> BakedShare:
        image = args.image.read_bytes()
        if not (is_png(image) or is_svg(image)):
            raise UsageError(f"{args.image} is not a PNG or SVG image")
        return bake_badge(wallet, args.id, confirmed=confirmed, image=image, trust_list=trust)

    done = _shared("bake", args, make, ask, interactive)
    if isinstance(done, int):
        return done
    try:
        args.out.write_bytes(done.image)
    except OSError as exc:
        return _fail("bake", exc)
    print(f"wrote {args.out}; check it with: vcwallet verify {args.out}", file=sys.stderr)
    return 0


__all__ = ["add_bake_parser", "add_parser", "add_share_parser", "run_bake", "run_share_html",
           "run_share_linkedin"]
