"""``vcwallet share linkedin|html ID`` and ``vcwallet bake ID``: badges where people look.

A LinkedIn "Add to profile" link, a self-contained HTML page for a blog, and a badge image with
the credential baked in (Open Badges baking), all made from a credential in the wallet without
changing a byte of it, so whatever is shared can still be checked with ``vcwallet verify``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from verifier.baked import is_png, is_svg, read_baked
from verifier.errors import VCError

from ..badge_facts import badge_facts
from ..presenting import stored_payload
from ..sharing.baking import bake_png, bake_svg, make_badge_svg
from ..sharing.html_page import badge_page
from ..sharing.linkedin import linkedin_add_to_profile_url
from .keys import UsageError
from .present import add_wallet_options, load_trust, open_wallet

SHARE_EXAMPLES = """examples:
  vcwallet share linkedin 3fa2
  vcwallet share linkedin 3fa2 --trust district-trust.json --cert-url https://me.example/badges/cfu
  vcwallet share html 3fa2 --out checking-for-understanding.html
  vcwallet share html 3fa2 --image badge.png --out badge.html
"""

BAKE_EXAMPLES = """examples:
  vcwallet bake 3fa2 --image medal.png --out medal-baked.png
  vcwallet bake 3fa2 --image medal.svg --out medal-baked.svg
  vcwallet verify medal-baked.png
"""

BADGE_BLUE = (37, 99, 235)


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
    add_wallet_options(p)
    p.set_defaults(func=run_bake)


def _fail(command: str, exc: BaseException) -> int:
    code = f" [{exc.code}]" if isinstance(exc, VCError) else ""
    message = exc.message if isinstance(exc, VCError) else (getattr(exc, "strerror", None) or str(exc))
    print(f"vcwallet {command}: {message}{code}", file=sys.stderr)
    return 2


def run_share_linkedin(args: argparse.Namespace) -> int:
    try:
        trust = load_trust(args)
        with open_wallet(args) as wallet:
            stored = wallet.get(args.id)
        document = stored.view().document
        if not isinstance(document, dict):
            raise UsageError("this credential cannot be read as JSON")
        url = linkedin_add_to_profile_url(document, trust_list=trust, cert_url=args.cert_url,
                                          organization_id=args.organization_id)
    except (VCError, UsageError, OSError) as exc:
        return _fail("share linkedin", exc)
    print(url)
    return 0


def run_share_html(args: argparse.Namespace) -> int:
    try:
        trust = load_trust(args)
        with open_wallet(args) as wallet:
            stored = wallet.get(args.id)
        _kind, text = stored_payload(stored)
        document = stored.view().document or {}
        if args.image is not None:
            image: bytes = args.image.read_bytes()
        elif is_png(stored.data) or is_svg(stored.data):
            image = stored.data  # the stored baked image: it carries the credential too
        else:
            image = make_badge_svg(badge_facts(document).name or "Badge", BADGE_BLUE)
        entry = trust.lookup(badge_facts(document).issuer_id) if trust is not None else None
        page = badge_page(text.encode("utf-8"), image=image, trust_name=entry.name if entry else None)
        args.out.write_text(page, encoding="utf-8")
    except (VCError, UsageError, OSError) as exc:
        return _fail("share html", exc)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def run_bake(args: argparse.Namespace) -> int:
    try:
        image = args.image.read_bytes()
        with open_wallet(args) as wallet:
            stored = wallet.get(args.id)
        kind, text = stored_payload(stored)
        if kind == "sd-jwt":
            raise UsageError("Open Badges baking has no form for SD-JWT VCs; bake a JSON-LD or JWT badge")
        spec = "ob2" if kind == "ob2" else "ob3"
        if is_png(image):
            baked = bake_png(image, text, spec=spec)
        elif is_svg(image):
            baked = bake_svg(image, text, spec=spec)
        else:
            raise UsageError(f"{args.image} is not a PNG or SVG image")
        # Unbaking gives back a JSON credential byte for byte (a token or URL trimmed).
        expected = text if text.lstrip().startswith("{") else text.strip()
        if read_baked(baked).payload != expected:
            raise UsageError("the baked image does not carry the credential unchanged")
        args.out.write_bytes(baked)
    except (VCError, UsageError, OSError) as exc:
        return _fail("bake", exc)
    print(f"wrote {args.out}; check it with: vcwallet verify {args.out}", file=sys.stderr)
    return 0


__all__ = ["add_bake_parser", "add_parser", "add_share_parser", "run_bake", "run_share_html",
           "run_share_linkedin"]
