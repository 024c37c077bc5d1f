"""Sharing a badge where wallets do not reach: a LinkedIn "Add to profile" link, a self-contained
HTML page, a baked PNG/SVG image; and reading a baked image back (unbaking).

Every share is made from the credential exactly as stored, so whatever is shared can still be
checked with ``vcwallet verify``. Two rules hold for every front end:

* **The caution.** Sharing is vouching. A badge that is revoked, suspended, expired, untrusted,
  not verified or could not be checked (:mod:`vcwallet.cautions`) is shared only with the
  holder's confirmation: without ``confirmed=True`` these functions raise ``share.unconfirmed``
  carrying the flags and warnings. A front end calls :func:`sharing_caution` first, shows the
  warnings and asks.
* **What may be baked.** Open Badges baking carries exactly one Open Badges credential (OB 3.0
  section "Baked Badge": an ``OpenBadgeCredential`` as its JSON, or as the compact JWS of its
  VC-JWT; OB 2.0 baking: an assertion as JSON, a signed JWS or a hosted URL). An SD-JWT VC
  (``jwt~disclosures~``) is neither form, and neither is a credential of another type, so both are
  refused (``share.not_bakeable``): an image that Open Badges readers cannot read would look like
  a badge and fail everywhere. Every baked image is unbaked again before it is returned and must
  give back the credential unchanged.

Nothing here prints or writes files: the results carry the text or bytes, and the front end
writes them where the holder says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from verifier.baked import Spec, is_png, is_svg, read_baked
from verifier.clock import Clock
from verifier.data_model import type_names
from verifier.trust import TrustList

from ..badge_facts import badge_facts
from ..cautions import Caution, caution_for
from ..errors import VCWalletError
from ..importing import CredentialView
from ..presenting import stored_payload
from ..sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg
from ..sharing.html_page import badge_page
from ..sharing.linkedin import linkedin_add_to_profile_url
from ..wallet.core import WalletCore
from ..wallet.records import StoredCredential

#: The colour of the medal drawn when the holder brings no image.
BADGE_COLOUR = (37, 99, 235)
#: The types an Open Badges 3.0 baked image may carry (``AchievementCredential`` is the alias).
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})

ImageType = Literal["png", "svg"]


class ShareError(VCWalletError, ValueError):
    """A share refused: ``share.unconfirmed`` (with ``details["flags"]``), ``share.not_bakeable`` or
    ``share.unreadable``."""


@dataclass(frozen=True)
class Shareable:
    """The badge about to be shared: its wallet id, the name people know it by, and the caution."""

    id: str
    name: str
    caution: Caution


@dataclass(frozen=True)
class LinkedInShare:
    """LinkedIn's Add-to-profile URL (nothing is sent anywhere; the holder opens it)."""

    badge: Shareable
    url: str


@dataclass(frozen=True)
class HtmlShare:
    """A self-contained HTML page carrying the credential (no scripts, no network)."""

    badge: Shareable
    html: str


@dataclass(frozen=True)
class BakedShare:
    """A badge image with the credential baked in, already checked to unbake unchanged."""

    badge: Shareable
    image: bytes
    image_type: ImageType
    spec: Spec

    @property
    def media_type(self) -> str:
        return "image/png" if self.image_type == "png" else "image/svg+xml"


@dataclass(frozen=True)
class Unbaked:
    """What a baked image carries: the credential text, its form and the baking rules it followed."""

    payload: str
    payload_kind: str
    spec: Spec


# -- the caution -----------------------------------------------------------------------------------


def _shareable(wallet: WalletCore, stored: StoredCredential, *, clock: Clock | None,
               trust_list: TrustList | None) -> Shareable:
    document = stored.view().document or {}
    caution = caution_for(document, stored.report, clock=clock or wallet.clock, trust_list=trust_list)
    summary = stored.summary
    name = summary.achievement or summary.name or badge_facts(document).name or "badge"
    return Shareable(summary.id, name, caution)


def sharing_caution(wallet: WalletCore, ident: str, *, clock: Clock | None = None,
                    trust_list: TrustList | None = None) -> Shareable:
    """What a front end shows (and asks about) before sharing the badge ``ident``."""
    return _shareable(wallet, wallet.get(ident), clock=clock, trust_list=trust_list)


def _payload(stored: StoredCredential) -> str:
    """The credential's text as shared (unbaked from a stored image)."""
    try:
        return stored_payload(stored)[1]
    except UnicodeDecodeError as exc:
        raise ShareError("share.unreadable", "the stored credential is not text") from exc


def _confirmed(badge: Shareable, confirmed: bool) -> None:
    if badge.caution.needs_confirmation and not confirmed:
        raise ShareError("share.unconfirmed",
                         f"“{badge.name}” is {'; '.join(badge.caution.warnings)}: confirm to share it anyway",
                         details={"id": badge.id, "flags": list(badge.caution.flags),
                                  "warnings": list(badge.caution.warnings)})


# -- LinkedIn and HTML -----------------------------------------------------------------------------


def share_linkedin(wallet: WalletCore, ident: str, *, confirmed: bool = False,
                   trust_list: TrustList | None = None, clock: Clock | None = None,
                   cert_url: str | None = None, organization_id: str | None = None) -> LinkedInShare:
    """The LinkedIn Add-to-profile link for a badge (the issuer named from ``trust_list`` when
    it is listed there); ``cert_url`` is where people can see the badge."""
    stored = wallet.get(ident)
    badge = _shareable(wallet, stored, clock=clock, trust_list=trust_list)
    _confirmed(badge, confirmed)
    document = stored.view().document
    if not isinstance(document, dict):
        raise ShareError("share.unreadable", "this credential cannot be read as JSON, so it has no "
                                             "LinkedIn form")
    url = linkedin_add_to_profile_url(document, trust_list=trust_list, cert_url=cert_url,
                                      organization_id=organization_id)
    return LinkedInShare(badge, url)


def share_html(wallet: WalletCore, ident: str, *, confirmed: bool = False, image: bytes | None = None,
               trust_list: TrustList | None = None, clock: Clock | None = None) -> HtmlShare:
    """A self-contained HTML page for a badge. ``image`` is shown on it; without one, the stored
    baked image (which carries the credential too), else a drawn medal."""
    stored = wallet.get(ident)
    badge = _shareable(wallet, stored, clock=clock, trust_list=trust_list)
    _confirmed(badge, confirmed)
    text = _payload(stored)
    document = stored.view().document or {}
    if image is None:
        image = stored.data if is_png(stored.data) or is_svg(stored.data) else make_badge_svg(
            badge_facts(document).name or "Badge", BADGE_COLOUR)
    entry = trust_list.lookup(badge_facts(document).issuer_id) if trust_list is not None else None
    page = badge_page(text.encode("utf-8"), image=image, trust_name=entry.name if entry else None)
    return HtmlShare(badge, page)


# -- baking ----------------------------------------------------------------------------------------


def bake_spec(view: CredentialView) -> Spec:
    """Which Open Badges baking rules a stored credential is baked under, or ``share.not_bakeable``
    (see the module docstring)."""
    if view.kind == "ob2":
        return "ob2"
    if view.kind == "sd-jwt":
        raise ShareError("share.not_bakeable", "Open Badges baking has no form for SD-JWT VCs; bake a "
                                               "JSON-LD or JWT badge, and present an SD-JWT VC instead")
    if view.kind in ("json-ld", "vc-jwt"):
        types = set(type_names((view.document or {}).get("type")))
        if types & OB3_TYPES:
            return "ob3"
        raise ShareError("share.not_bakeable", "only an Open Badges credential (OpenBadgeCredential) "
                                               "can be baked into a badge image")
    raise ShareError("share.not_bakeable", f"a {view.kind} credential cannot be baked into a badge image")


def bake_badge(wallet: WalletCore, ident: str, *, confirmed: bool = False, image: bytes | None = None,
               image_type: ImageType = "png", trust_list: TrustList | None = None,
               clock: Clock | None = None) -> BakedShare:
    """The badge baked into ``image`` (PNG or SVG, found by its bytes), or into a drawn medal of
    ``image_type`` when the holder brings none. What may be baked is checked first, then the
    caution; the result is unbaked again and must carry the credential unchanged."""
    stored = wallet.get(ident)
    spec = bake_spec(stored.view())
    badge = _shareable(wallet, stored, clock=clock, trust_list=trust_list)
    _confirmed(badge, confirmed)
    text = _payload(stored)
    if image is None:
        image = make_badge_svg(badge.name, BADGE_COLOUR) if image_type == "svg" else make_badge_png(
            badge.name, BADGE_COLOUR)
    if is_png(image):
        baked, image_type = bake_png(image, text, spec=spec), "png"
    elif is_svg(image):
        baked, image_type = bake_svg(image, text, spec=spec), "svg"
    else:
        raise ShareError("share.not_bakeable", "the image to bake into is not a PNG or SVG image")
    # Unbaking gives back a JSON credential byte for byte (a token or URL trimmed).
    expected = text if text.lstrip().startswith("{") else text.strip()
    if unbake(baked).payload != expected:
        raise ShareError("share.not_bakeable", "the baked image does not carry the credential unchanged")
    return BakedShare(badge, baked, image_type, spec)


def unbake(image: bytes) -> Unbaked:
    """The credential a baked PNG or SVG carries (``openbadges.invalid_image`` when none, or more
    than one). Unverified: verify the image itself to know whether to trust it."""
    found = read_baked(image)
    return Unbaked(found.payload, found.payload_kind, found.spec)


__all__ = ["BADGE_COLOUR", "BakedShare", "HtmlShare", "LinkedInShare", "ShareError", "Shareable", "Unbaked",
           "bake_badge", "bake_spec", "share_html", "share_linkedin", "sharing_caution", "unbake"]
