"""The challenge ledger: only challenges this verifier issued, each once, for JSON-LD
presentations and SD-JWT key binding alike (API level; the CLI runs are in
``test_presentation_ledger_cli.py``)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.verifier.attacks.presentation_kit import (
    CHALLENGE,
    DOMAIN,
    ISSUER,
    badge,
    make_verifier,
    present,
    presentation,
    presentation_result,
    sign,
)
from tests.verifier.sdjwt import builders as sd
from vcwallet.requesting import ChallengeLedger
from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.errors import ContextError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.presentation import MemoryChallengeStore
from verifier.report import Status
from verifier.verification import Verifier


@pytest.fixture(scope="module")
def vp(contexts: ContextStore) -> dict[str, Any]:
    return present(contexts, presentation([sign(contexts, badge(), ISSUER)]))


def test_unknown_challenge_fails_with_the_ledger(tmp_path: Path, contexts: ContextStore,
                                                 vp: dict[str, Any]) -> None:
    ledger = ChallengeLedger(tmp_path / "challenges.json")
    ledger.issue(domain=DOMAIN)  # some other challenge was issued; this one never was
    report = make_verifier(contexts, ledger).verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert not report.verified
    assert presentation_result(report) == (Status.FAILED, "presentation.challenge_unknown")
    assert not ledger.was_used(CHALLENGE)
    # twin: the same presentation once the challenge is one the verifier issued
    ledger.issue(CHALLENGE, domain=DOMAIN)
    twin = make_verifier(contexts, ledger).verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert twin.verified, twin.to_json()
    assert ledger.was_used(CHALLENGE)


def test_challenge_issued_for_another_domain_is_unknown(tmp_path: Path, contexts: ContextStore,
                                                        vp: dict[str, Any]) -> None:
    ledger = ChallengeLedger(tmp_path / "challenges.json")
    ledger.issue(CHALLENGE, domain="payroll.lakeview.example")
    report = make_verifier(contexts, ledger).verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert presentation_result(report) == (Status.FAILED, "presentation.challenge_unknown")


def test_reused_challenge_across_verifiers_sharing_a_ledger(tmp_path: Path, contexts: ContextStore,
                                                            vp: dict[str, Any]) -> None:
    path = tmp_path / "challenges.json"
    ChallengeLedger(path).issue(CHALLENGE, domain=DOMAIN)
    first = make_verifier(contexts, ChallengeLedger(path)).verify_presentation(
        vp, challenge=CHALLENGE, domain=DOMAIN)
    assert first.verified
    again = make_verifier(contexts, ChallengeLedger(path)).verify_presentation(
        vp, challenge=CHALLENGE, domain=DOMAIN)
    assert presentation_result(again) == (Status.FAILED, "presentation.challenge_reused")
    # the spent challenge keeps its issue record (and so its domain)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert CHALLENGE in data["used"] and data["issued"][CHALLENGE]["domain"] == DOMAIN


def test_spending_is_check_and_set(tmp_path: Path) -> None:
    """Two verifiers racing with one presentation: exactly one may spend the challenge."""
    path = tmp_path / "challenges.json"
    ChallengeLedger(path).issue(CHALLENGE, domain=DOMAIN)
    results: list[bool] = []
    lock = threading.Lock()

    def spend() -> None:
        outcome = ChallengeLedger(path).mark_used(CHALLENGE)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_memory_store_that_requires_issuing(contexts: ContextStore, vp: dict[str, Any]) -> None:
    store = MemoryChallengeStore(require_issued=True)
    report = make_verifier(contexts, store).verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert presentation_result(report) == (Status.FAILED, "presentation.challenge_unknown")
    issued = store.issue(domain=DOMAIN)
    assert store.was_issued(issued, DOMAIN) and not store.was_issued(issued, "elsewhere.example")


def test_damaged_ledger_is_could_not_check(tmp_path: Path, contexts: ContextStore,
                                           vp: dict[str, Any]) -> None:
    path = tmp_path / "challenges.json"
    path.write_text("{", encoding="utf-8")
    report = make_verifier(contexts, ChallengeLedger(path)).verify_presentation(
        vp, challenge=CHALLENGE, domain=DOMAIN)
    assert not report.verified
    assert presentation_result(report) == (Status.ERROR, "request.ledger_invalid")
    assert path.read_text(encoding="utf-8") == "{"  # never reset


def test_reading_a_missing_ledger_creates_nothing(tmp_path: Path) -> None:
    where = tmp_path / "not-yet" / "challenges.json"
    ledger = ChallengeLedger(where)
    assert not ledger.was_issued(CHALLENGE) and not ledger.was_used(CHALLENGE)
    ledger.check()
    assert not where.parent.exists()


# -- SD-JWT: the same ledger rule for the key-binding nonce ------------------------------------------

SD_NONCE = "sd-jwt-ledger-nonce-0123456789"


class NoContexts:
    """SD-JWT VCs need no JSON-LD contexts; anything asked for is refused."""

    def load(self, url: str) -> Any:
        raise ContextError("context.not_found", url)

    @property
    def document_loader(self) -> Any:
        def loader(url: str, options: Any = None) -> Any:
            raise ContextError("context.not_found", url)
        return loader


def sd_verifier(challenges: Any) -> Verifier:
    clock = FixedClock(sd.NOW)
    return Verifier(contexts=NoContexts(), keys=ResolverKeyLookup.create(StaticFetcher({}), clock),
                    fetcher=StaticFetcher({}), clock=clock, challenges=challenges)


def sd_token() -> str:
    body, disclosures = sd.basic()
    return sd.sd_jwt(body, disclosures, nonce=SD_NONCE, aud=sd.AUDIENCE)


def test_sd_jwt_nonce_not_issued_fails(tmp_path: Path) -> None:
    ledger = ChallengeLedger(tmp_path / "challenges.json")
    report = sd_verifier(ledger).verify_sd_jwt(sd_token(), nonce=SD_NONCE, audience=sd.AUDIENCE)
    assert not report.verified
    assert presentation_result(report) == (Status.FAILED, "presentation.challenge_unknown")
    # twin: issued by the verifier, then accepted once and refused the second time
    ledger.issue(SD_NONCE, domain=sd.AUDIENCE)
    first = sd_verifier(ledger).verify_sd_jwt(sd_token(), nonce=SD_NONCE, audience=sd.AUDIENCE)
    assert first.verified, first.to_json()
    again = sd_verifier(ledger).verify_sd_jwt(sd_token(), nonce=SD_NONCE, audience=sd.AUDIENCE)
    assert presentation_result(again) == (Status.FAILED, "presentation.challenge_reused")


class RacingStore:
    """A store in which another verifier spends the nonce between our look and our spend."""

    def was_issued(self, challenge: str, domain: str | None = None) -> bool:
        return True

    def was_used(self, challenge: str) -> bool:
        return False

    def mark_used(self, challenge: str) -> bool:
        return self.wins

    def __init__(self, wins: bool) -> None:
        self.wins = wins


def test_sd_jwt_nonce_spent_by_a_racing_verifier_fails() -> None:
    lost = sd_verifier(RacingStore(wins=False)).verify_sd_jwt(sd_token(), nonce=SD_NONCE,
                                                              audience=sd.AUDIENCE)
    assert not lost.verified
    assert presentation_result(lost) == (Status.FAILED, "presentation.challenge_reused")
    # twin: the spend succeeds, so this presentation is the one that answered
    won = sd_verifier(RacingStore(wins=True)).verify_sd_jwt(sd_token(), nonce=SD_NONCE,
                                                            audience=sd.AUDIENCE)
    assert won.verified and presentation_result(won) == (Status.PASSED, None)
