"""Answering a request with no front end: open it, what must be confirmed, make the answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from tests.vcwallet.store.support import new_wallet
from tests.vcwallet.usecases.support import NOW, badge
from vcwallet.requesting import create_request
from vcwallet.usecases.present import make_presentation, open_request, presentation_caution
from vcwallet.wallet import Wallet
from verifier.contexts import ContextStore
from verifier.errors import VCError

DOMAIN = "hr.lakeview.example"


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    with new_wallet(tmp_path / "wallet.db", clock=NOW) as opened:
        yield opened


def request_bytes(**options: object) -> bytes:
    return json.dumps(create_request(domain=DOMAIN, types=["OpenBadgeCredential"],
                                     **options)).encode()


def test_open_request_reads_it_strictly_and_lists_every_match(wallet: Wallet) -> None:
    good = wallet.add(badge(1), source="good").id
    revoked = wallet.add(badge(2, marker="REVOKED"), source="revoked", force=True).id
    opened = open_request(wallet, request_bytes(reason="Show us your formative assessment work."), clock=NOW)
    assert opened.kind == "vpr" and opened.domain == DOMAIN and len(opened.challenge) >= 16
    assert opened.reason == "Show us your formative assessment work."
    assert opened.ids == [good, revoked]  # a flagged badge is listed, never hidden
    assert presentation_caution(opened, [good]).flags == ()
    caution = presentation_caution(opened, [good, revoked])
    assert caution.flags == ("status.revoked",) and caution.warnings == ("revoked by its issuer",)


def test_a_malformed_request_is_refused(wallet: Wallet) -> None:
    for bad in (b"{", b'{"query": []}', json.dumps({"query": [], "challenge": "x" * 20}).encode()):
        with pytest.raises(VCError) as caught:
            open_request(wallet, bad)
        assert caught.value.code == "request.invalid"


def test_a_flagged_badge_is_not_presented_without_confirmation(wallet: Wallet) -> None:
    revoked = wallet.add(badge(2, marker="REVOKED"), source="revoked", force=True).id
    assert revoked is not None
    opened = open_request(wallet, request_bytes(), clock=NOW)
    with pytest.raises(VCError) as caught:
        make_presentation(wallet, opened, [revoked], document_loader=None, clock=NOW)
    assert caught.value.code == "request.unconfirmed"


def test_twin_the_answer_is_bound_to_the_request(wallet: Wallet) -> None:
    if not (INTEROP / "contexts").is_dir():
        pytest.skip(INTEROP_MISSING)  # signing a JSON-LD presentation needs the pinned contexts
    good = wallet.add(badge(1), source="good").id
    assert good is not None
    opened = open_request(wallet, request_bytes(), clock=NOW)
    loader = ContextStore(directories=[INTEROP / "contexts"]).document_loader
    answer = make_presentation(wallet, opened, [good], document_loader=loader, clock=NOW)
    assert isinstance(answer.presentation, dict)
    proof = answer.presentation["proof"]
    assert (proof["challenge"], proof["domain"], proof["proofPurpose"]) == (opened.challenge, DOMAIN,
                                                                             "authentication")
    assert answer.preview.has("whole-credential") and answer.serialize().endswith("\n")
