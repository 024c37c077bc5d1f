"""The ``Verifier`` on SD-JWT VCs: the checks it reports, and that key binding never passes unasked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import ContextError
from verifier.fetch import StaticFetcher
from verifier.presentation import MemoryChallengeStore
from verifier.report import Status, VerificationReport
from verifier.sdjwt import TokenStatusList, status_list_token
from verifier.verification import Verifier

from .builders import AUDIENCE, ISSUER, ISSUER_KEY, KID, NONCE, NOW, NOW_S, basic, disc, sd_jwt

URI = "https://college.example/status/9"
CHECK_IDS = ["parse", "proof", "issuer", "validity", "status", "trust", "disclosure"]


class NoContexts:
    """SD-JWT VCs need no JSON-LD contexts; anything asked for is refused."""

    def load(self, url: str) -> Mapping[str, Any]:
        raise ContextError("context.not_found", url)

    @property
    def document_loader(self) -> Any:
        def loader(url: str, options: Any = None) -> Any:
            raise ContextError("context.not_found", url)
        return loader


def status_list(values: dict[int, int]) -> bytes:
    lst = TokenStatusList.new(64, 2)
    for index, value in values.items():
        lst.set(index, value)
    return status_list_token(lst, uri=URI, issuer=ISSUER, key=ISSUER_KEY, kid=KID, iat=NOW_S).encode()


def make_verifier(values: dict[int, int] | None = None, **kwargs: Any) -> Verifier:
    from verifier.key_lookup import ResolverKeyLookup

    clock = FixedClock(NOW)
    fetcher = StaticFetcher({URI: status_list(values or {})})
    return Verifier(contexts=NoContexts(), keys=ResolverKeyLookup.create(StaticFetcher({}), clock),
                    fetcher=fetcher, clock=clock, **kwargs)


def presentation(idx: int | None = 5, kb: bool = True, **kb_args: Any) -> str:
    body, disclosures = basic()
    if idx is not None:
        body["status"] = {"status_list": {"idx": idx, "uri": URI}}
    return sd_jwt(body, disclosures, kb=kb, **kb_args)


def statuses(report: VerificationReport) -> dict[str, tuple[str, str | None]]:
    return {c.id: (c.status.value, c.code) for c in report.checks}


def test_verify_sd_jwt_with_nonce_and_audience() -> None:
    report = make_verifier().verify_sd_jwt(presentation(), nonce=NONCE, audience=AUDIENCE, label="x")
    assert report.verified, statuses(report)
    assert report.format == "sd-jwt-vc"
    assert [c.id for c in report.checks] == CHECK_IDS
    disclosure = report.check("disclosure")
    assert disclosure is not None and disclosure.status is Status.PASSED
    assert disclosure.details["disclosed"] == ["credentialSubject.name", "evidence[0]"]
    assert disclosure.details["keyBinding"] == "verified"
    assert disclosure.details["claims"]["credentialSubject"]["name"] == "Dana Teacher"
    json.dumps(report.to_json())


def test_verify_credential_without_nonce_never_passes_key_binding() -> None:
    report = make_verifier().verify_credential(presentation())
    disclosure = report.check("disclosure")
    assert disclosure is not None
    assert (disclosure.status, disclosure.code) == (Status.FAILED, "sdjwt.kb_invalid")
    assert disclosure.details["reason"] == "no nonce asked"
    assert not report.verified
    proof = report.check("proof")
    assert proof is not None and proof.status is Status.PASSED


def test_verify_credential_reads_bytes_with_a_trailing_newline() -> None:
    report = make_verifier().verify_credential((presentation() + "\n").encode("ascii"))
    assert report.format == "sd-jwt-vc"
    assert report.check("proof") is not None


def test_missing_key_binding_fails_by_default() -> None:
    report = make_verifier().verify_sd_jwt(presentation(kb=False), nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["disclosure"] == ("failed", "sdjwt.kb_missing")
    assert not report.verified


def test_holder_copy_without_key_binding_twin() -> None:
    report = make_verifier().verify_sd_jwt(presentation(kb=False), require_key_binding=False)
    assert report.verified, statuses(report)
    disclosure = report.check("disclosure")
    assert disclosure is not None and disclosure.details["keyBinding"] == "not required"


@pytest.mark.parametrize(("kb_args", "reason"), [({"nonce": "old"}, "nonce mismatch"),
                                                 ({"aud": "https://other.example"}, "audience mismatch")])
def test_wrong_nonce_and_audience_in_the_report(kb_args: dict[str, Any], reason: str) -> None:
    report = make_verifier().verify_sd_jwt(presentation(**kb_args), nonce=NONCE, audience=AUDIENCE)
    disclosure = report.check("disclosure")
    assert disclosure is not None and disclosure.code == "sdjwt.kb_invalid"
    assert disclosure.details["reason"] == reason


@pytest.mark.parametrize(("value", "code"), [(1, "status.revoked"), (2, "status.suspended")])
def test_status_in_the_report(value: int, code: str) -> None:
    report = make_verifier({5: value}).verify_sd_jwt(presentation(), nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["status"] == ("failed", code)
    assert not report.verified


def test_status_valid_twin() -> None:
    report = make_verifier({6: 1}).verify_sd_jwt(presentation(), nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["status"] == ("passed", None)


def test_unreachable_status_is_an_error() -> None:
    verifier = make_verifier()
    verifier.token_status.fetcher = StaticFetcher({})
    report = verifier.verify_sd_jwt(presentation(), nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["status"] == ("error", "status.unknown")
    assert not report.verified


def test_tampered_disclosure_in_the_report() -> None:
    body, disclosures = basic()
    tampered = disc("name", "Somebody Else", disclosures[0].salt)
    report = make_verifier().verify_sd_jwt(sd_jwt(body, [tampered]), nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["disclosure"] == ("failed", "sdjwt.unreferenced_disclosure")
    assert statuses(report)["proof"] == ("passed", None)


def test_forged_signature_in_the_report() -> None:
    from .builders import ATTACKER_KEY

    body, disclosures = basic()
    forged = sd_jwt(body, disclosures, issuer_signer=ATTACKER_KEY)
    report = make_verifier().verify_sd_jwt(forged, nonce=NONCE, audience=AUDIENCE)
    assert statuses(report)["proof"] == ("failed", "jwt.invalid_signature")
    assert statuses(report)["issuer"][0] == "skipped"
    assert statuses(report)["status"][0] == "skipped"
    assert statuses(report)["disclosure"][0] == "skipped"


def test_unreadable_sd_jwt_is_a_failed_parse() -> None:
    report = make_verifier().verify_credential("eyJhbGciOiJFZERTQSJ9.e30.AA~~")
    assert statuses(report) == {"parse": ("failed", "sdjwt.malformed")}


def test_challenge_is_spent_once() -> None:
    challenges = MemoryChallengeStore()
    verifier = make_verifier(challenges=challenges)
    token = presentation()
    first = verifier.verify_sd_jwt(token, nonce=NONCE, audience=AUDIENCE)
    assert first.verified
    assert statuses(first)["presentation"] == ("passed", None)
    replay = verifier.verify_sd_jwt(token, nonce=NONCE, audience=AUDIENCE)
    assert statuses(replay)["presentation"] == ("failed", "presentation.challenge_reused")
    assert not replay.verified


def test_failed_presentation_does_not_spend_the_challenge() -> None:
    challenges = MemoryChallengeStore()
    verifier = make_verifier({5: 1}, challenges=challenges)
    assert not verifier.verify_sd_jwt(presentation(), nonce=NONCE, audience=AUDIENCE).verified
    assert not challenges.was_used(NONCE)
