"""The JSON-LD round trip: request -> match -> signed presentation -> verify_presentation.

And each way a presentation must fail: a replayed challenge (remembered across runs by the
ledger), a wrong challenge, a wrong domain, and a presentation signed by someone other than its
holder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.present.helpers import ACHIEVEMENT, ACTIVE, CREATED, DOMAIN, LAB, Holder, load
from vcwallet.matching import match
from vcwallet.presenting import build_presentation
from vcwallet.requesting import ChallengeLedger, create_request
from verifier.errors import VCError
from verifier.keys import Ed25519KeyPair
from verifier.proofs import add_proof
from verifier.report import Status, VerificationReport
from verifier.suites import default_suites
from verifier.verification import Verifier


def _present(verifier: Verifier, holder: Holder, request: dict[str, Any], credentials: list[Any],
             suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    return build_presentation(credentials, holder_key=holder.key, holder_did=holder.did, vm=holder.vm,
                              challenge=request["challenge"], domain=request["domain"], suite=suite,
                              document_loader=verifier.contexts.document_loader, created=CREATED)


def _presentation_check(report: VerificationReport) -> tuple[str, str | None]:
    check = report.check("presentation")
    assert check is not None, report.to_json()
    return check.status.value, check.code


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_round_trip_reports_the_credential_nested_and_verified(suite: str, verifier: Verifier,
                                                               maya: Holder) -> None:
    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"], issuer=LAB, achievement=ACHIEVEMENT)
    credential = load(ACTIVE)
    report = verifier.verify_credential(ACTIVE.read_bytes())
    (found,) = match(request, [("badge-1", credential, report.to_json())], clock=verifier.clock)
    assert not found.blocked and found.warnings == []
    presentation = _present(verifier, maya, request, [credential], suite)
    proof = presentation["proof"]
    assert proof["proofPurpose"] == "authentication"
    assert (proof["challenge"], proof["domain"]) == (request["challenge"], DOMAIN)
    assert proof["verificationMethod"] == maya.vm
    assert presentation["holder"] == maya.did
    assert presentation["verifiableCredential"] == [credential]  # disclosed as-is
    result = verifier.verify_presentation(json.dumps(presentation).encode(), challenge=request["challenge"],
                                          domain=DOMAIN)
    assert result.verified, result.to_json()
    assert _presentation_check(result) == ("passed", None)
    (nested,) = result.credentials
    assert nested.verified and nested.format == "vc2"
    assert nested.check("proof").status is Status.PASSED  # type: ignore[union-attr]


def test_wrong_challenge_fails(verifier: Verifier, maya: Holder) -> None:
    request = create_request(domain=DOMAIN)
    presentation = _present(verifier, maya, request, [load(ACTIVE)])
    other = create_request(domain=DOMAIN)["challenge"]
    report = verifier.verify_presentation(presentation, challenge=other, domain=DOMAIN)
    assert not report.verified
    assert _presentation_check(report) == ("failed", "presentation.challenge_mismatch")


def test_wrong_domain_fails(verifier: Verifier, maya: Holder) -> None:
    request = create_request(domain=DOMAIN)
    presentation = _present(verifier, maya, request, [load(ACTIVE)])
    report = verifier.verify_presentation(presentation, challenge=request["challenge"],
                                          domain="hr.other-district.example")
    assert not report.verified
    assert _presentation_check(report) == ("failed", "presentation.domain_mismatch")


def test_replayed_challenge_fails_across_runs(tmp_path: Path, make_verifier: Callable[..., Verifier],
                                              maya: Holder) -> None:
    ledger_path = tmp_path / "challenges.json"
    challenge = ChallengeLedger(ledger_path).issue(domain=DOMAIN)
    request = create_request(domain=DOMAIN, challenge=challenge)
    first_run = make_verifier(ChallengeLedger(ledger_path))
    presentation = _present(first_run, maya, request, [load(ACTIVE)])
    accepted = first_run.verify_presentation(presentation, challenge=challenge, domain=DOMAIN)
    assert accepted.verified, accepted.to_json()
    assert ChallengeLedger(ledger_path).outstanding() == []
    second_run = make_verifier(ChallengeLedger(ledger_path))
    replay = second_run.verify_presentation(presentation, challenge=challenge, domain=DOMAIN)
    assert not replay.verified
    assert _presentation_check(replay) == ("failed", "presentation.challenge_reused")


def test_failed_presentation_does_not_spend_the_challenge(tmp_path: Path,
                                                          make_verifier: Callable[..., Verifier],
                                                          maya: Holder) -> None:
    ledger = ChallengeLedger(tmp_path / "challenges.json")
    challenge = ledger.issue(domain=DOMAIN)
    request = create_request(domain=DOMAIN, challenge=challenge)
    verifier = make_verifier(ledger)
    presentation = _present(verifier, maya, request, [load(ACTIVE)])
    wrong = verifier.verify_presentation(presentation, challenge=challenge, domain="elsewhere.example")
    assert _presentation_check(wrong) == ("failed", "presentation.domain_mismatch")
    assert ledger.outstanding() == [challenge]


def test_signed_by_a_key_other_than_the_holders_fails(verifier: Verifier, maya: Holder) -> None:
    request = create_request(domain=DOMAIN)
    intruder = Ed25519KeyPair.from_seed(bytes(range(32)))
    unsigned = {k: v for k, v in _present(verifier, maya, request, [load(ACTIVE)]).items() if k != "proof"}
    forged = add_proof(unsigned, intruder, suites=default_suites(), suite="eddsa-rdfc-2022",
                       verification_method=f"{intruder.public.did_key}#{intruder.public.multibase}",
                       purpose="authentication", created=CREATED,
                       document_loader=verifier.contexts.document_loader,
                       extra={"challenge": request["challenge"], "domain": DOMAIN})
    assert forged["holder"] == maya.did
    report = verifier.verify_presentation(forged, challenge=request["challenge"], domain=DOMAIN)
    assert not report.verified
    assert _presentation_check(report) == ("failed", "presentation.holder_mismatch")


def test_builder_refuses_to_sign_as_another_holder(verifier: Verifier, maya: Holder, jordan: Holder) -> None:
    request = create_request(domain=DOMAIN)
    for key, vm in [(jordan.key, maya.vm), (maya.key, jordan.vm), (maya.key, maya.did)]:
        with pytest.raises(VCError) as err:
            build_presentation([load(ACTIVE)], holder_key=key, holder_did=maya.did, vm=vm,
                               challenge=request["challenge"], domain=DOMAIN,
                               document_loader=verifier.contexts.document_loader)
        assert err.value.code in ("presentation.holder_mismatch",)


def test_builder_input_checks(verifier: Verifier, maya: Holder) -> None:
    loader = verifier.contexts.document_loader
    common: dict[str, Any] = dict(holder_key=maya.key, holder_did=maya.did, vm=maya.vm, challenge="c" * 20,
                                  domain=DOMAIN, document_loader=loader)
    jwt = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2ln"
    enveloped = build_presentation([jwt], **common)["verifiableCredential"][0]
    assert enveloped == {"@context": ["https://www.w3.org/ns/credentials/v2"],
                         "id": f"data:application/vc+jwt,{jwt}", "type": "EnvelopedVerifiableCredential"}
    text = ACTIVE.read_text(encoding="utf-8")
    assert build_presentation([text], **common)["verifiableCredential"] == [load(ACTIVE)]
    for bad in [[], [jwt + "~WyJhIiwiYiIsImMiXQ~"], ['{"type": "Assertion"}'], ["not json"], [[1]]]:
        with pytest.raises(VCError) as err:
            build_presentation(bad, **common)
        assert err.value.code == "request.invalid"
    with pytest.raises(VCError) as err:
        build_presentation([text], **{**common, "suite": "eddsa-jcs-2022"})
    assert err.value.code == "request.invalid"
