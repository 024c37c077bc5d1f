"""A presentation's binding cannot be hidden by spelling its fields otherwise.

The holder writes the presentation, so the holder is the one who could spell ``challenge``,
``domain``, ``expires`` or ``holder`` as a full IRI: signed (the holder signs whatever it
writes), yet unread by the presentation check. Every such spelling is refused by the term gate,
in every suite; the canonical spelling is the positive twin.
"""

from __future__ import annotations

from typing import Any

import pytest

from verifier.contexts import ContextStore
from verifier.report import Status

from . import presentation_kit as kit

SEC = "https://w3id.org/security#"
CRED = "https://www.w3.org/2018/credentials#"
FIELDS = {"challenge": SEC + "challenge", "domain": SEC + "domain", "expires": SEC + "expiration"}


def _vp(store: ContextStore, suite: str) -> dict[str, Any]:
    credential = kit.sign(store, kit.badge(), kit.ISSUER)
    return kit.presentation([credential], suite=suite)


@pytest.mark.parametrize("suite", kit.SUITES)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_proof_option_spelled_as_an_iri_is_refused(contexts: ContextStore, suite: str, field: str) -> None:
    value = {"challenge": kit.CHALLENGE, "domain": kit.DOMAIN, "expires": "2026-02-01T00:00:00Z"}[field]
    renamed = {FIELDS[field]: value}
    if field == "expires":
        signed = kit.present(contexts, _vp(contexts, suite), suite=suite, **renamed)
    else:
        options: dict[str, Any] = {"challenge": kit.CHALLENGE, "domain": kit.DOMAIN}
        options.pop(field)
        signed = kit.sign(contexts, _vp(contexts, suite), kit.HOLDER, purpose="authentication",
                          suite=suite, **options, **renamed)
    report = kit.make_verifier(contexts).verify_presentation(signed, challenge=kit.CHALLENGE,
                                                             domain=kit.DOMAIN)
    assert not report.verified
    context = report.check("context")
    assert context is not None and context.status is Status.FAILED
    assert context.code == "jsonld.noncanonical_term"


@pytest.mark.parametrize("suite", kit.SUITES)
def test_canonical_presentation_verifies(contexts: ContextStore, suite: str) -> None:
    signed = kit.present(contexts, _vp(contexts, suite), suite=suite, expires="2026-12-01T00:00:00Z")
    report = kit.make_verifier(contexts).verify_presentation(signed, challenge=kit.CHALLENGE,
                                                             domain=kit.DOMAIN)
    assert report.verified, report.to_json()
    expired = kit.present(contexts, _vp(contexts, suite), suite=suite, expires="2026-02-01T00:00:00Z")
    report = kit.make_verifier(contexts).verify_presentation(expired, challenge=kit.CHALLENGE,
                                                             domain=kit.DOMAIN)
    assert not report.verified


@pytest.mark.parametrize("suite", kit.SUITES)
def test_holder_spelled_as_an_iri_is_refused(contexts: ContextStore, suite: str) -> None:
    vp = _vp(contexts, suite)
    vp[CRED + "holder"] = {"id": vp.pop("holder")}
    signed = kit.present(contexts, vp, suite=suite)
    report = kit.make_verifier(contexts).verify_presentation(signed, challenge=kit.CHALLENGE,
                                                             domain=kit.DOMAIN)
    assert not report.verified
    context = report.check("context")
    assert context is not None and context.code == "jsonld.noncanonical_term"
