"""The sharing use cases with no front end: the caution before sharing, LinkedIn, the HTML page,
what may be baked, baking and unbaking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.vcwallet.store.support import new_wallet
from tests.vcwallet.usecases.support import ISSUER, NOW, badge, ob2_assertion, plain_vc, sd_jwt_badge
from vcwallet.sharing.baking import make_badge_png, make_badge_svg
from vcwallet.usecases.share import (
    bake_badge,
    share_html,
    share_linkedin,
    sharing_caution,
    unbake,
)
from vcwallet.wallet import Wallet
from verifier.clock import FixedClock, parse_datetime
from verifier.errors import VCError
from verifier.trust import TrustedIssuer, TrustList


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    with new_wallet(tmp_path / "wallet.db", clock=NOW) as opened:
        yield opened


def add(wallet: Wallet, data: bytes, *, force: bool = False) -> str:
    result = wallet.add(data, source="badge", force=force)
    assert result.id is not None, result
    return result.id


def code_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(VCError) as caught:
        call()
    return caught.value.code


# -- the caution ------------------------------------------------------------------------------------


def test_a_revoked_badge_is_shared_only_when_confirmed(wallet: Wallet) -> None:
    ident = add(wallet, badge(1, marker="REVOKED"), force=True)
    shareable = sharing_caution(wallet, ident)
    assert shareable.caution.flags == ("status.revoked",) and shareable.caution.needs_confirmation
    assert shareable.caution.warnings == ("revoked by its issuer",)
    for share in (share_html, share_linkedin):
        with pytest.raises(VCError) as caught:
            share(wallet, ident)
        assert caught.value.code == "share.unconfirmed"
        assert caught.value.details["flags"] == ["status.revoked"]
    assert "Stub Badge 1" in share_html(wallet, ident, confirmed=True).html
    assert share_linkedin(wallet, ident, confirmed=True).url.startswith("https://www.linkedin.com/")


def test_twin_a_verified_badge_is_shared_without_asking(wallet: Wallet) -> None:
    ident = add(wallet, badge(1))
    assert not sharing_caution(wallet, ident).caution.needs_confirmation
    page = share_html(wallet, ident)
    assert page.badge.name == "Stub Badge 1" and '<script type="application/vc+ld+json"' in page.html
    fields = parse_qs(urlsplit(share_linkedin(wallet, ident).url).query)
    assert fields["name"] == ["Stub Badge 1"] and fields["organizationName"] == ["Stub Issuer"]


def test_a_badge_that_expired_since_it_was_checked_gives_pause(wallet: Wallet) -> None:
    ident = add(wallet, badge(1, validUntil="2026-03-01T00:00:00Z"))
    assert sharing_caution(wallet, ident).caution.flags == ("validity.expired",)
    earlier = FixedClock(parse_datetime("2026-02-01T00:00:00Z"))
    assert not sharing_caution(wallet, ident, clock=earlier).caution.needs_confirmation


def test_an_issuer_off_the_trust_list_gives_pause(wallet: Wallet) -> None:
    ident = add(wallet, badge(1))
    others = TrustList("district", [TrustedIssuer("did:example:someone-else", "Someone Else")])
    assert sharing_caution(wallet, ident, trust_list=others).caution.flags == ("trust.untrusted_issuer",)
    listed = TrustList("district", [TrustedIssuer(ISSUER, "The Lab, as the district knows it")])
    assert not sharing_caution(wallet, ident, trust_list=listed).caution.needs_confirmation
    fields = parse_qs(urlsplit(share_linkedin(wallet, ident, trust_list=listed).url).query)
    assert fields["organizationName"] == ["The Lab, as the district knows it"]  # the list's name
    assert "The Lab, as the district knows it" in share_html(wallet, ident, trust_list=listed).html


def test_an_unverified_badge_gives_pause(wallet: Wallet) -> None:
    ident = add(wallet, badge(1, marker="FAIL"), force=True)
    assert sharing_caution(wallet, ident).caution.flags == ("proof.invalid_signature",)
    assert code_of(lambda: share_html(wallet, ident)) == "share.unconfirmed"


# -- what may be baked ----------------------------------------------------------------------------------


def test_an_open_badges_credential_bakes_into_png_and_svg_and_unbakes_byte_for_byte(wallet: Wallet) -> None:
    data = badge(1)
    ident = add(wallet, data)
    png = bake_badge(wallet, ident)
    svg = bake_badge(wallet, ident, image_type="svg")
    brought = bake_badge(wallet, ident, image=make_badge_svg("mine", (1, 2, 3)))
    for baked, kind in ((png, "png"), (svg, "svg"), (brought, "svg")):
        assert (baked.image_type, baked.spec) == (kind, "ob3")
        unbaked = unbake(baked.image)
        assert unbaked.payload.encode("utf-8") == data and unbaked.spec == "ob3"
    assert png.media_type == "image/png" and svg.media_type == "image/svg+xml"


def test_an_sd_jwt_vc_is_never_baked(wallet: Wallet) -> None:
    ident = add(wallet, sd_jwt_badge())
    assert code_of(lambda: bake_badge(wallet, ident, confirmed=True)) == "share.not_bakeable"
    assert code_of(lambda: bake_badge(wallet, ident, image_type="svg", confirmed=True)) == "share.not_bakeable"
    # it can still be shared in the forms that read its claims
    assert share_html(wallet, ident).badge.name == "Stub SD-JWT Badge"


def test_a_credential_that_is_not_an_open_badge_is_not_baked(wallet: Wallet) -> None:
    ident = add(wallet, plain_vc(1))
    assert code_of(lambda: bake_badge(wallet, ident)) == "share.not_bakeable"


def test_an_open_badges_2_assertion_bakes_under_the_2_0_rules(wallet: Wallet) -> None:
    data = ob2_assertion(1)
    ident = add(wallet, data)
    baked = bake_badge(wallet, ident, image=make_badge_png("ob2", (1, 2, 3), size=32))
    assert baked.spec == "ob2" and unbake(baked.image).payload.encode("utf-8") == data


def test_what_may_be_baked_is_decided_before_the_caution(wallet: Wallet) -> None:
    """An SD-JWT VC that also gives pause is refused as unbakeable, not asked about."""
    nobody = TrustList("district", [TrustedIssuer("did:example:someone-else", "Someone Else")])
    ident = add(wallet, sd_jwt_badge())
    assert sharing_caution(wallet, ident, trust_list=nobody).caution.flags == ("trust.untrusted_issuer",)
    assert code_of(lambda: bake_badge(wallet, ident, trust_list=nobody)) == "share.not_bakeable"
    other = add(wallet, badge(2))  # twin: a bakeable badge that gives pause is asked about
    assert code_of(lambda: bake_badge(wallet, other, trust_list=nobody)) == "share.unconfirmed"
    assert bake_badge(wallet, other, trust_list=nobody, confirmed=True).spec == "ob3"


def test_baking_into_something_that_is_not_an_image_is_refused(wallet: Wallet) -> None:
    ident = add(wallet, badge(1))
    assert code_of(lambda: bake_badge(wallet, ident, image=b"hello, not a picture")) == "share.not_bakeable"


def test_unbaking_an_image_without_a_badge_is_refused() -> None:
    assert code_of(lambda: unbake(make_badge_png("plain", (1, 2, 3), size=32))) == "openbadges.invalid_image"
    assert code_of(lambda: unbake(b"not an image")) == "openbadges.invalid_image"
