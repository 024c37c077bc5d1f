"""A VC-JWT inside a VCDM 2.0 presentation travels as an ``EnvelopedVerifiableCredential``; the
verifier must open the envelope and verify the token inside, never pass or skip it.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.vcwallet.present.helpers import CREATED, DOMAIN, Holder
from vcwallet.presenting import build_presentation
from vcwallet.requesting import create_request
from verifier.keys import Ed25519KeyPair
from verifier.proofs import add_proof
from verifier.report import Status, VerificationReport
from verifier.suites import default_suites
from verifier.vc_jwt import issue_vc_jwt
from verifier.verification import Verifier

ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
ISSUER = ISSUER_KEY.public.did_key
VM = f"{ISSUER}#{ISSUER_KEY.public.multibase}"


def _token(holder: Holder) -> str:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0d6b1f7e-5a0c-4a53-8f0e-1c2d3e4f5a6b",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-15T00:00:00Z",
        "credentialSubject": {"id": holder.did},
    }
    return issue_vc_jwt(credential, ISSUER_KEY, VM)


def _verify(verifier: Verifier, holder: Holder, entry: Any) -> VerificationReport:
    """Present ``entry`` ("as built": the wallet's own envelope of a fresh VC-JWT, else an
    envelope the test made), signed by ``holder`` for a fresh request, and verify it."""
    request = create_request(domain=DOMAIN)
    presentation = build_presentation([_token(holder)], holder_key=holder.key, holder_did=holder.did,
                                      vm=holder.vm, challenge=request["challenge"], domain=DOMAIN,
                                      document_loader=verifier.contexts.document_loader, created=CREATED)
    if entry != "as built":
        unsigned = {k: v for k, v in presentation.items() if k != "proof"}
        unsigned["verifiableCredential"] = [entry]
        presentation = add_proof(unsigned, holder.key, suites=default_suites(), suite="eddsa-rdfc-2022",
                                 verification_method=holder.vm, purpose="authentication",
                                 created=CREATED, document_loader=verifier.contexts.document_loader,
                                 extra={"challenge": request["challenge"], "domain": DOMAIN})
    return verifier.verify_presentation(presentation, challenge=request["challenge"], domain=DOMAIN)


def _envelope(data: str) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": data,
            "type": "EnvelopedVerifiableCredential"}


def test_an_enveloped_vc_jwt_is_opened_and_verified(verifier: Verifier, maya: Holder) -> None:
    report = _verify(verifier, maya, "as built")
    assert report.verified, report.to_json()
    (nested,) = report.credentials
    assert nested.verified and nested.check("proof").status is Status.PASSED  # type: ignore[union-attr]


def test_a_base64_data_url_is_read_too(verifier: Verifier, maya: Holder) -> None:
    encoded = base64.b64encode(_token(maya).encode("ascii")).decode("ascii")
    report = _verify(verifier, maya, _envelope(f"data:application/vc+jwt;base64,{encoded}"))
    assert report.verified, report.to_json()


def test_a_tampered_token_inside_fails(verifier: Verifier, maya: Holder) -> None:
    head, body, signature = _token(maya).split(".")
    forged = f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    report = _verify(verifier, maya, _envelope(f"data:application/vc+jwt,{forged}"))
    assert not report.verified
    (nested,) = report.credentials
    assert nested.check("proof").code == "jwt.invalid_signature"  # type: ignore[union-attr]


@pytest.mark.parametrize("data", ["data:application/vc+cose,AAAA", "data:application/vc+jwt;base64,***",
                                  "https://example.org/badge.jwt"])
def test_an_envelope_this_verifier_cannot_open_fails(verifier: Verifier, maya: Holder, data: str) -> None:
    report = _verify(verifier, maya, _envelope(data))
    assert not report.verified
    (nested,) = report.credentials
    assert nested.checks[0].id == "parse"
    assert nested.checks[0].code == "parse.unknown_format"
