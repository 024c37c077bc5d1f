"""``issue_credential``: each suite with did:key and did:web keys, defaults, refusals, self-check."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from vcwallet.issuing.issuer import (
    DATA_INTEGRITY_V2,
    ED25519_2020_V1,
    SUITE_NAMES,
    issue_credential,
)
from vcwallet.keyfile import LoadedKey, did_web_document
from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.did import did_web_url
from verifier.errors import VCError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import KeyLookup, ProofChecker
from verifier.suites import default_suites

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
NOW = datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
NOW_TEXT = "2025-03-01T12:30:15Z"
WEB_DID = "did:web:pd.district.example:badges"
CLOCK = FixedClock(NOW)


@pytest.fixture(scope="module")
def pair() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(b"\x11" * 32)


def did_key(pair: Ed25519KeyPair) -> LoadedKey:
    return LoadedKey(pair, pair.public.did_key, f"{pair.public.did_key}#{pair.public.multibase}")


def did_web(pair: Ed25519KeyPair) -> LoadedKey:
    return LoadedKey(pair, WEB_DID, WEB_DID + "#key-1")


def published_lookup(did_document: dict[str, Any]) -> KeyLookup:
    """What a relying party sees: the did:web document served at its https URL."""
    url = did_web_url(did_document["id"])
    return ResolverKeyLookup.create(StaticFetcher({url: json.dumps(did_document).encode()}), CLOCK)


def independent_lookup(key: LoadedKey) -> KeyLookup:
    if key.did.startswith("did:web:"):
        return published_lookup(did_web_document(key.did, key.verification_method, key.public_key))
    return ResolverKeyLookup.create(StaticFetcher({}), CLOCK)


def template(version: int = 2) -> dict[str, Any]:
    return {
        "@context": [VC_V2 if version == 2 else VC_V1],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:teacher-42"},
    }


def verify(signed: dict[str, Any], key: LoadedKey, contexts: ContextStore) -> None:
    checker = ProofChecker(default_suites(), independent_lookup(key), CLOCK, contexts.document_loader)
    outcome = checker.verify(signed, purpose="assertionMethod", expected_controller=key.did)
    assert outcome.all_signatures_ok, outcome.first_error
    assert all(r.binding is not None and r.binding.bound for r in outcome.results)


# -- signing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", [2, 1])
@pytest.mark.parametrize("method", ["key", "web"])
@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_issue_and_verify(contexts: ContextStore, pair: Ed25519KeyPair, suite: str, method: str,
                          version: int) -> None:
    key = did_key(pair) if method == "key" else did_web(pair)
    signed = issue_credential(template(version), key, suite=suite, contexts=contexts, clock=CLOCK)
    verify(signed, key, contexts)
    proof = signed["proof"]
    assert proof["verificationMethod"] == key.verification_method
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["created"] == NOW_TEXT
    if suite == "Ed25519Signature2020":
        assert proof["type"] == "Ed25519Signature2020"
    else:
        assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", suite)


def test_tampered_output_fails_verification(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    key = did_key(pair)
    signed = issue_credential(template(), key, suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK)
    verify(signed, key, contexts)
    signed["credentialSubject"]["id"] = "did:example:someone-else"
    with pytest.raises(AssertionError):
        verify(signed, key, contexts)


def test_missing_fields_are_filled(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    key = did_key(pair)
    original = template()
    before = copy.deepcopy(original)
    signed = issue_credential(original, key, suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK)
    assert original == before  # the caller's template is not modified
    assert signed["issuer"] == key.did
    assert signed["validFrom"] == NOW_TEXT
    assert signed["id"].startswith("urn:uuid:") and len(signed["id"]) == len("urn:uuid:") + 36
    assert "issuanceDate" not in signed
    assert signed["@context"] == [VC_V2]
    other = issue_credential(original, key, suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK)
    assert other["id"] != signed["id"]


def test_vc_1_1_gets_issuance_date_and_the_data_integrity_context(contexts: ContextStore,
                                                                  pair: Ed25519KeyPair) -> None:
    signed = issue_credential(template(1), did_key(pair), suite="eddsa-rdfc-2022", contexts=contexts,
                              clock=CLOCK)
    assert signed["issuanceDate"] == NOW_TEXT
    assert "validFrom" not in signed
    assert signed["@context"] == [VC_V1, DATA_INTEGRITY_V2]


def test_given_fields_are_kept(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    key = did_web(pair)
    credential = template()
    credential.update({"id": "https://pd.district.example/badges/1", "validFrom": "2025-01-01T00:00:00Z",
                       "issuer": {"type": "Profile", "name": "District PD office"}, "name": "Badge"})
    credential["type"].append("VerifiableCredential")  # harmless duplicate stays as given
    signed = issue_credential(credential, key, suite="eddsa-jcs-2022", contexts=contexts, clock=CLOCK)
    assert signed["id"] == "https://pd.district.example/badges/1"
    assert signed["validFrom"] == "2025-01-01T00:00:00Z"
    assert signed["issuer"] == {"type": "Profile", "name": "District PD office", "id": WEB_DID}
    verify(signed, key, contexts)


def test_ed25519_signature_2020_adds_its_context_once(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    credential = template()
    signed = issue_credential(credential, did_key(pair), suite="Ed25519Signature2020",
                              contexts=contexts, clock=CLOCK)
    assert signed["@context"] == [VC_V2, ED25519_2020_V1]
    credential["@context"] = [VC_V2, ED25519_2020_V1]
    again = issue_credential(credential, did_key(pair), suite="Ed25519Signature2020",
                             contexts=contexts, clock=CLOCK)
    assert again["@context"] == [VC_V2, ED25519_2020_V1]


# -- refusals -----------------------------------------------------------------------------------

def _refused(contexts: ContextStore, credential: Any, key: LoadedKey, code: str,
             suite: str = "eddsa-rdfc-2022", **kwargs: Any) -> None:
    with pytest.raises(VCError) as info:
        issue_credential(credential, key, suite=suite, contexts=contexts, clock=CLOCK, **kwargs)
    assert info.value.code == code


@pytest.mark.parametrize("issuer", [
    "did:web:another-district.example",
    {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "name": "Impostor"},
])
def test_issuer_must_match_the_key(contexts: ContextStore, pair: Ed25519KeyPair, issuer: Any) -> None:
    credential = template() | {"issuer": issuer}
    _refused(contexts, credential, did_web(pair), "issue.key_mismatch")
    # twin: the same template naming the key's own DID is issued
    own = template() | {"issuer": WEB_DID if isinstance(issuer, str) else {**issuer, "id": WEB_DID}}
    assert issue_credential(own, did_web(pair), suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK)


@pytest.mark.parametrize("suite", ["eddsa-2022", "DataIntegrityProof", "ecdsa-rdfc-2019", ""])
def test_unknown_suite(contexts: ContextStore, pair: Ed25519KeyPair, suite: str) -> None:
    _refused(contexts, template(), did_key(pair), "proof.unsupported_suite", suite=suite)


def _without(name: str) -> dict[str, Any]:
    credential = template()
    del credential[name]
    return credential


BAD_MODEL: dict[str, Any] = {
    "not-an-object": ["VerifiableCredential"],
    "no-context": _without("@context"),
    "wrong-first-context": template() | {"@context": ["https://w3id.org/security/data-integrity/v2", VC_V2]},
    "empty-context": template() | {"@context": []},
    "v2-context-as-string": template() | {"@context": VC_V2},
    "no-type": _without("type"),
    "type-without-vc": template() | {"type": ["OpenBadgeCredential"]},
    "no-subject": _without("credentialSubject"),
    "empty-subject": template() | {"credentialSubject": {}},
    "empty-subject-in-list": template() | {"credentialSubject": [{}]},
    "empty-subject-list": template() | {"credentialSubject": []},
    "already-signed": template() | {"proof": {"type": "DataIntegrityProof"}},
    "issuer-number": template() | {"issuer": 7},
    "id-array": template() | {"id": ["urn:uuid:1", "urn:uuid:2"]},
    # caught by the verifier's full data-model check, after defaults are filled in
    "valid-from-not-a-date": template() | {"validFrom": "yesterday"},
    "status-without-type": template() | {"credentialStatus": {"id": "https://pd.example/status/1#5"}},
    "id-not-a-url": template() | {"id": "badge 42"},
}


@pytest.mark.parametrize("name", sorted(BAD_MODEL))
def test_bad_data_model(contexts: ContextStore, pair: Ed25519KeyPair, name: str) -> None:
    _refused(contexts, BAD_MODEL[name], did_key(pair), "issue.invalid_credential")


def test_full_data_model_problems_are_listed(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    with pytest.raises(VCError) as info:
        issue_credential(BAD_MODEL["valid-from-not-a-date"], did_key(pair), suite="eddsa-rdfc-2022",
                         contexts=contexts, clock=CLOCK)
    assert info.value.code == "issue.invalid_credential"
    assert info.value.details["cause"] == "format.invalid_property"
    assert info.value.path == "$.validFrom"
    assert info.value.details["problems"]


def test_unpinned_context_is_refused_with_its_own_code(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    credential = template() | {"@context": [VC_V2, "https://attacker.example/context.jsonld"]}
    _refused(contexts, credential, did_key(pair), "context.not_allowed")


def test_undefined_term_is_refused(contexts: ContextStore, pair: Ed25519KeyPair) -> None:
    credential = template(1)
    credential["credentialSubject"]["undefinedTerm"] = "x"
    _refused(contexts, credential, did_key(pair), "jsonld.data_loss")


# -- the self-check ----------------------------------------------------------------------------

def test_self_check_against_a_published_document_with_another_key(contexts: ContextStore,
                                                                   pair: Ed25519KeyPair) -> None:
    key = did_web(pair)
    stale = did_web_document(WEB_DID, key.verification_method, Ed25519KeyPair.from_seed(b"\x22" * 32).public)
    _refused(contexts, template(), key, "issue.self_check_failed", key_lookup=published_lookup(stale))
    # twin: the document that lists this key passes
    current = did_web_document(WEB_DID, key.verification_method, key.public_key)
    assert issue_credential(template(), key, suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK,
                            key_lookup=published_lookup(current))


def test_self_check_refuses_a_key_not_listed_for_assertion(contexts: ContextStore,
                                                           pair: Ed25519KeyPair) -> None:
    key = did_web(pair)
    document = did_web_document(WEB_DID, key.verification_method, key.public_key)
    document["assertionMethod"] = []
    with pytest.raises(VCError) as info:
        issue_credential(template(), key, suite="eddsa-rdfc-2022", contexts=contexts, clock=CLOCK,
                         key_lookup=published_lookup(document))
    assert info.value.code == "issue.self_check_failed"
    assert info.value.details["cause"] == "vm.not_authorized"


def test_self_check_catches_a_key_file_whose_vm_is_not_in_its_did(contexts: ContextStore,
                                                                   pair: Ed25519KeyPair) -> None:
    # A did:key key file whose fragment names another key: the proof cannot be bound.
    other = Ed25519KeyPair.from_seed(b"\x33" * 32).public
    broken = LoadedKey(pair, pair.public.did_key, f"{pair.public.did_key}#{other.multibase}")
    _refused(contexts, template(), broken, "issue.self_check_failed")
    assert issue_credential(template(), did_key(pair), suite="eddsa-rdfc-2022", contexts=contexts,
                            clock=CLOCK)
