"""The disclosure preview: the exact JSON the verifier receives, and what to look at twice."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from tests.vcwallet.present.helpers import ACTIVE, CREATED, DOMAIN, Holder, load
from vcwallet.presenting import build_presentation, disclosure_preview
from verifier.errors import VCError
from verifier.multibase import b64url_encode
from verifier.verification import Verifier


def _vp(verifier: Verifier, holder: Holder, credential: dict[str, Any]) -> dict[str, Any]:
    return build_presentation([credential], holder_key=holder.key, holder_did=holder.did, vm=holder.vm,
                              challenge="c" * 24, domain=DOMAIN, created=CREATED,
                              document_loader=verifier.contexts.document_loader)


def test_preview_is_the_exact_json_and_says_the_whole_credential_is_shown(verifier: Verifier,
                                                                          maya: Holder) -> None:
    presentation = _vp(verifier, maya, load(ACTIVE))
    preview = disclosure_preview(presentation)
    assert json.loads(preview.json_text) == presentation
    assert disclosure_preview(json.dumps(presentation)) == preview
    assert preview.kinds[0] == "whole-credential"
    assert "signature covers all of it" in preview.warnings[0]
    assert preview.has("evidence")
    evidence = preview.warnings[preview.kinds.index("evidence")]
    assert "https://credentials.educatorlab.example/evidence/maya-alvarez/" in evidence
    assert preview.has("student-data")  # "Student work samples", "Exit tickets ..."
    assert len(preview.warnings) == len(preview.kinds)


def test_catalogue_text_and_issuer_contact_are_not_flagged(verifier: Verifier, maya: Holder) -> None:
    credential = copy.deepcopy(load(ACTIVE))
    del credential["evidence"]
    preview = disclosure_preview(_vp(verifier, maya, credential))
    # The achievement's description talks about students, and the issuer lists its email: both
    # are the issuer's public text, not the holder's data.
    assert preview.kinds == ["whole-credential"]


def test_holder_email_results_and_student_names_are_flagged(verifier: Verifier, maya: Holder) -> None:
    credential = copy.deepcopy(load(ACTIVE))
    del credential["evidence"]
    subject = credential["credentialSubject"]
    subject["identifier"][0]["identityHash"] = maya.email
    subject["result"] = [{"type": ["Result"], "value": "92"}]
    subject["narrative"] = "Worked with pupil Jamie R. on reading."
    preview = disclosure_preview({"verifiableCredential": [credential]})
    assert preview.has("email") and any(maya.email in w for w in preview.warnings)
    assert preview.has("results") and preview.has("student-data")


def _disclosure(*items: Any) -> str:
    return b64url_encode(json.dumps(list(items)).encode())


def _digest(disclosure: str) -> str:
    return b64url_encode(hashlib.sha256(disclosure.encode()).digest())


def test_sd_jwt_preview_shows_only_the_chosen_claims() -> None:
    name = _disclosure("s1", "name", "Maya Alvarez")
    evidence = _disclosure("s2", "evidence", [{"id": "https://x.example/e/1"}])
    score = _disclosure("s3", "score", 97)
    element = _disclosure("s4", "assessment")
    payload = {"iss": "did:web:x.example", "vct": "https://x.example/vct", "_sd_alg": "sha-256",
               "_sd": [_digest(name), _digest(evidence), _digest(score), "decoy-digest"],
               "tags": [{"...": _digest(element)}, "visible"]}
    header = b64url_encode(b'{"alg":"EdDSA","typ":"dc+sd-jwt"}')
    issuer_jwt = f"{header}.{b64url_encode(json.dumps(payload).encode())}.c2ln"
    kb = f"{b64url_encode(b'{}')}.{b64url_encode(json.dumps({'aud': DOMAIN, 'nonce': 'n'}).encode())}.c2ln"
    token = f"{issuer_jwt}~{name}~{evidence}~{element}~{kb}"
    preview = disclosure_preview(token)
    shown = json.loads(preview.json_text)
    assert shown["claims"] == {"iss": "did:web:x.example", "vct": "https://x.example/vct",
                               "tags": ["assessment", "visible"], "name": "Maya Alvarez",
                               "evidence": [{"id": "https://x.example/e/1"}]}
    assert shown["keyBinding"] == {"aud": DOMAIN, "nonce": "n"}
    assert preview.kinds[0] == "hidden-claims" and preview.has("evidence")
    assert "score" not in preview.json_text
    without_kb = disclosure_preview(f"{issuer_jwt}~{name}~")
    assert json.loads(without_kb.json_text)["claims"]["name"] == "Maya Alvarez"
    assert not without_kb.has("evidence")


@pytest.mark.parametrize("bad", ["", "not json", "[1]", "eyJhbGciOiJFZERTQSJ9.e30~bad",
                                 "eyJhbGciOiJFZERTQSJ9.e30.c2ln~!!~", "eyJhbGciOiJFZERTQSJ9.W10.c2ln~"])
def test_preview_refuses_what_is_not_a_presentation(bad: str) -> None:
    with pytest.raises(VCError) as err:
        disclosure_preview(bad)
    assert err.value.code == "request.invalid"
