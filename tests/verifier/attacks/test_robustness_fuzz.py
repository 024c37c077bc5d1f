"""Hunting real defects with odd JSON shapes: whatever a signed credential, a presentation or a
token is changed into (lists where objects belong, huge integers, far years, lone surrogates,
deep nesting, envelopes and tokens in odd places), every input gets an ordinary report with its
own codes. ``internal.error`` (the boundary's net) must never be needed, and the report always
prints and serializes safely.
"""

from __future__ import annotations

import base64
import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import (
    HOLDER_KEY,
    ISSUER_KEY,
    NOW,
    TRUST,
    badge,
    sign,
    verifier,
    vm_of,
)
from verifier.clock import FixedClock
from verifier.rendering import render_text
from verifier.report import VerificationReport, dumps_json
from verifier.vc_jwt import issue_vc_jwt

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

LEAVES = (st.none() | st.booleans() | st.integers(min_value=-10**39, max_value=10**39)
          | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6)
          | st.sampled_from(["\ud800", "\x1b[2J", "10000-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00",
                             "-0001-01-01T00:00:00Z", "did:key:z", "did:web:nowhere.example", "https://x.example/",
                             "urn:x", "@context", "@id", "data:,x", "VerifiablePresentation",
                             "EnvelopedVerifiableCredential", "BitstringStatusListEntry", "Assertion",
                             "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1"]))
KEYS = st.text(max_size=5) | st.sampled_from([
    "@context", "@id", "@type", "id", "type", "proof", "issuer", "credentialSubject", "validFrom", "validUntil",
    "issuanceDate", "expirationDate", "credentialStatus", "achievement", "created", "expires", "proofValue",
    "verificationMethod", "cryptosuite", "statusListCredential", "statusListIndex", "statusPurpose", "recipient",
    "identity", "hashed", "salt", "@value", "@language", "@list", "@graph", "@vocab", "holder",
    "verifiableCredential", "endorsement", "evidence", "previousProof", "proofPurpose", "relatedResource"])
VALUES = st.recursive(LEAVES, lambda children: st.lists(children, max_size=3)
                      | st.dictionaries(KEYS, children, max_size=3), max_leaves=8)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document: Any, choice: random.Random, value: Any) -> Any:
    document = copy.deepcopy(document)
    path = choice.choice(list(_paths(document)))
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    target = parent[path[-1]]
    if isinstance(target, dict) and choice.random() < 0.5:
        target[choice.choice(["x", "@context", "type", "id", "proof", "validUntil", "credentialStatus"])] = value
    else:
        parent[path[-1]] = value
    return document


def _assert_ordinary(report: VerificationReport) -> None:
    stack = [report]
    while stack:
        current = stack.pop()
        stack.extend(current.credentials)
        assert "internal.error" not in {c.code for c in current.checks}, current.checks
    render_text(report).encode("utf-8")
    json.loads(dumps_json(report.to_json()).encode("utf-8"))


@pytest.fixture(scope="module")
def samples() -> dict[str, Any]:
    good = sign(badge())
    token = issue_vc_jwt(badge(), ISSUER_KEY, vm_of(ISSUER_KEY))
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                    "holder": HOLDER_KEY.public.did_key,
                    "verifiableCredential": [good, {"@context": "https://www.w3.org/ns/credentials/v2",
                                                    "type": "EnvelopedVerifiableCredential",
                                                    "id": f"data:application/vc+jwt,{token}"}]}
    v1 = sign({"@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"],
               "type": ["VerifiableCredential"], "issuer": ISSUER_KEY.public.did_key,
               "issuanceDate": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:x"}})
    return {"documents": [good, v1, sign(good, HOLDER_KEY, suite="eddsa-jcs-2022"), presentation],
            "token": token, "verifier": verifier(trust=TRUST)}


@FUZZ
@given(st.data(), VALUES, st.sampled_from(["object", "bytes", "presentation"]))
def test_mutated_documents_get_ordinary_reports(samples: dict[str, Any], data: Any, value: Any,
                                                entry: str) -> None:
    base = data.draw(st.sampled_from(samples["documents"]))
    mutated = _mutate(base, data.draw(st.randoms(use_true_random=False)), value)
    v = samples["verifier"]
    if entry == "object":
        report = v.verify_credential(mutated)
    elif entry == "bytes":
        report = v.verify_credential(json.dumps(mutated).encode("utf-8", "surrogatepass"))
    else:
        report = v.verify_presentation(mutated, challenge="c", domain="d")
    _assert_ordinary(report)


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


@FUZZ
@given(st.data(), VALUES, VALUES)
def test_mutated_tokens_get_ordinary_reports(samples: dict[str, Any], data: Any, header: Any,
                                             payload: Any) -> None:
    from vcwallet.sdjwt_issuer import issue_ob3_sd_jwt_vc

    token: str = samples["token"]
    _head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "==="))
    new_header = {"alg": "EdDSA", "kid": vm_of(ISSUER_KEY), **(header if isinstance(header, dict) else {})}
    new_claims = _mutate(claims, data.draw(st.randoms(use_true_random=False)), payload)
    forged = f"{_b64(new_header)}.{_b64(new_claims)}.{signature}"
    v = samples["verifier"]
    _assert_ordinary(v.verify_credential(forged))
    sd = issue_ob3_sd_jwt_vc(badge(), key=ISSUER_KEY, kid=vm_of(ISSUER_KEY), holder_jwk=HOLDER_KEY.public,
                             clock=FixedClock(NOW), rng=random.Random(1))
    disclosure = base64.urlsafe_b64encode(json.dumps(["salt", "name", payload]).encode()).rstrip(b"=").decode()
    _assert_ordinary(v.verify_sd_jwt(f"{forged}~{disclosure}~", require_key_binding=False))
    _assert_ordinary(v.verify_sd_jwt(sd + forged, nonce="n", audience="a"))


def test_twins_the_unmutated_samples_verify(samples: dict[str, Any]) -> None:
    v = samples["verifier"]
    assert all(v.verify_credential(document).verified for document in samples["documents"][:3])
    assert v.verify_credential(samples["token"]).verified
