"""One reading of a document: a field the checks read can never be hidden by spelling it otherwise.

Every field a check reads (dates, status, proof expiry, achievement type, the Open Badges type)
is put on a credential with a value that must make it fail, then renamed in each of the three
ways JSON-LD allows — its full IRI, a compact IRI, a term an inline context aliases to the same
IRI — and signed in every suite (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020, VC-JWT)
for both data-model versions. The renamed credential must never verify. Its positive twins: the
same credential with the canonical spelling fails on the right check, and with a good value
verifies.

For eddsa-rdfc-2022 the attack needs no issuer at all: renaming after signing keeps the signed
graph, so the signature still checks (asserted below) and only the term gate stands between the
attacker and a "VERIFIED".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.policy import Policy
from verifier.proofs import add_proof
from verifier.report import Status, VerificationReport
from verifier.status import Bitstring
from verifier.suites import default_suites
from verifier.trust import TrustedIssuer, TrustList
from verifier.vc_jwt import issue_vc_jwt
from verifier.verification import Verifier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER = Ed25519KeyPair.from_seed(bytes(range(40, 72)))
DID = ISSUER.public.did_key
VM = f"{DID}#{ISSUER.public.multibase}"
LIST_URL = "https://status.lakeview.example/lists/revocation"
REVOKED, GOOD_INDEX = 4242, 17

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DI_V2 = "https://w3id.org/security/data-integrity/v2"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
OBV = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020", "vc-jwt")
WAYS = ("full IRI", "compact IRI", "inline alias")
#: The gate's codes: the document is refused before any check reads it.
GATE = {"jsonld.noncanonical_term", "jsonld.duplicate_node", "context.protected_term"}


@dataclass(frozen=True)
class Field:
    """A field a check reads, where it sits, the IRI it means, and values that fail and pass."""

    name: str
    where: str  # "credential", "proof", "achievement", "type"
    iri: str
    bad: Any
    good: Any
    check: str  # the check that must fail on the canonical spelling with the bad value
    code: str
    versions: tuple[str, ...] = ("v1", "v2")
    datatype: str | None = None


def _status_entry(index: int) -> dict[str, Any]:
    return {"id": f"{LIST_URL}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(index),
            "statusListCredential": LIST_URL}


FIELDS = (
    Field("validUntil", "credential", CRED + "validUntil", "2025-06-01T00:00:00Z",
          "2030-01-01T00:00:00Z", "validity", "validity.expired", ("v2",), XSD_DATETIME),
    Field("validFrom", "credential", CRED + "validFrom", "2027-06-01T00:00:00Z",
          "2025-01-01T00:00:00Z", "validity", "validity.not_yet_valid", ("v2",), XSD_DATETIME),
    Field("expirationDate", "credential", CRED + "expirationDate", "2025-06-01T00:00:00Z",
          "2030-01-01T00:00:00Z", "validity", "validity.expired", ("v1",), XSD_DATETIME),
    Field("credentialStatus", "credential", CRED + "credentialStatus", _status_entry(REVOKED),
          _status_entry(GOOD_INDEX), "status", "status.revoked"),
    Field("expires", "proof", SEC + "expiration", "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z",
          "proof", "proof.expired", datatype=XSD_DATETIME),
    Field("achievementType", "achievement", OBV + "achievementType", "Certificate",
          "MicroCredential", "trust", "trust.achievement_not_accepted", ("v2",)),
    Field("OpenBadgeCredential", "type", OBV + "OpenBadgeCredential", None, "Badge name",
          "openbadges", "openbadges.invalid", ("v2",)),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}


# -- the world: a verifier, a status list, a trust list ------------------------------------------

def _status_list(loader: Any) -> bytes:
    bits = Bitstring.new(131_072)
    bits.set(REVOKED, True)
    document = {
        "@context": [VC_V2], "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": bits.encode(multibase=True)},
    }
    signed = add_proof(document, ISSUER, suites=default_suites(), suite="eddsa-rdfc-2022",
                       verification_method=VM, created="2025-01-01T00:00:00Z", document_loader=loader)
    return json.dumps(signed).encode("utf-8")


def _verifier(contexts: Any, types: frozenset[str] | None) -> Verifier:
    clock = FixedClock(NOW)
    fetcher = StaticFetcher({LIST_URL: _status_list(contexts.document_loader)})
    trust = TrustList("district", [TrustedIssuer(DID, "Lakeview PD", types)])
    return Verifier(contexts=contexts, keys=ResolverKeyLookup.create(fetcher, clock), fetcher=fetcher,
                    clock=clock, trust_list=trust, policy=Policy(require_trusted=True))


@pytest.fixture(scope="module")
def verifier(contexts: Any) -> Verifier:
    """Trusts the issuer for everything it issues."""
    return _verifier(contexts, None)


@pytest.fixture(scope="module")
def typed_verifier(contexts: Any) -> Verifier:
    """Trusts the issuer for micro-credentials only (an achievementType restriction)."""
    return _verifier(contexts, frozenset({"MicroCredential"}))


@pytest.fixture(scope="module")
def verifiers(verifier: Verifier, typed_verifier: Verifier) -> Callable[[str], Verifier]:
    return lambda name: typed_verifier if name == "achievementType" else verifier


# -- credentials --------------------------------------------------------------------------------

def base(version: str, suite: str) -> dict[str, Any]:
    """A credential that verifies as it is: an Open Badge for v2, a plain credential for v1."""
    if version == "v2":
        doc: dict[str, Any] = {
            "@context": [VC_V2, OB],
            "id": "urn:uuid:6a1f0c7e-3b52-4f7e-9a1d-2f5b8c9d0e31",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Checking for Student Understanding",
            "issuer": {"id": DID, "type": ["Profile"], "name": "Lakeview PD"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:maya-alvarez", "type": ["AchievementSubject"],
                "achievement": {"id": "https://pd.lakeview.example/achievements/cfsu",
                                "type": ["Achievement"], "name": "Checking for Student Understanding",
                                "achievementType": "MicroCredential",
                                "criteria": {"narrative": "Classroom evidence, reviewed."}},
            },
        }
    else:
        doc = {
            "@context": [VC_V1, DI_V2, STATUS_V1],
            "id": "urn:uuid:0c9d2e51-7a64-4b1c-8f3e-5d6a7b8c9d01",
            "type": ["VerifiableCredential"],
            "issuer": DID, "issuanceDate": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:maya-alvarez"},
        }
    if suite == "Ed25519Signature2020":
        doc["@context"].append(ED2020)
    return doc


def _local(iri: str) -> tuple[str, str]:
    for namespace in (CRED, SEC, OBV):
        if iri.startswith(namespace):
            return namespace, iri[len(namespace):]
    raise AssertionError(iri)


def spell(field: Field, way: str | None, value: Any, datatype: bool = True) -> tuple[str, Any, Any]:
    """The key, the value and the inline context entry (or None) for ``field`` written ``way``
    (None: canonically). ``datatype`` keeps the signed graph identical (typed literal)."""
    if way is None:
        return field.name, value, None
    typed = {"@value": value, "@type": field.datatype} if field.datatype and datatype else value
    if way == "full IRI":
        return field.iri, typed, None
    namespace, local = _local(field.iri)
    if way == "compact IRI":
        return f"att:{local}", typed, {"att": namespace}
    definition: Any = {"@id": field.iri, "@type": field.datatype} if field.datatype else field.iri
    return "hidden", value, {"hidden": definition}


def credential(field: Field, version: str, suite: str, value: Any, way: str | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The unsigned credential carrying ``field`` = ``value`` spelled ``way``, and the proof
    options to sign it with (``expires`` lives there)."""
    doc = base(version, suite)
    key, written, inline = spell(field, way, value)
    options: dict[str, Any] | None = None
    if field.where == "credential":
        doc[key] = written
    elif field.where == "proof":
        options = {key: written}
    elif field.where == "achievement":
        achievement = doc["credentialSubject"]["achievement"]
        del achievement["achievementType"]
        achievement[key] = written
    else:  # a type the checks look for, spelled otherwise; the bad badge lacks validFrom
        doc["type"] = ["VerifiableCredential", key if way != "inline alias" else "hidden"]
        if inline is not None and way == "inline alias":
            inline = {"hidden": field.iri}
        if way == "full IRI":
            doc["type"][1] = field.iri
        if value is None:
            del doc["validFrom"]
    if inline is not None:
        doc["@context"].append(inline)
    return doc, options


def sign(doc: dict[str, Any], suite: str, options: dict[str, Any] | None, loader: Any) -> Any:
    if suite == "vc-jwt":
        if options:  # a JWT has no proof object: its expiry is the credential's own
            return None
        return issue_vc_jwt(doc, ISSUER, VM)
    return add_proof(doc, ISSUER, suites=default_suites(), suite=suite, verification_method=VM,
                     created="2025-01-01T00:00:00Z", document_loader=loader, extra=options)


def status_of(report: VerificationReport, check: str) -> tuple[Status, str | None]:
    found = [c for c in report.checks if c.id == check]
    assert found, [c.id for c in report.checks]
    return found[0].status, found[0].code


def cases() -> list[tuple[str, str, str]]:
    return [(f.name, v, s) for f in FIELDS for v in f.versions for s in SUITES
            if not (s == "vc-jwt" and f.where == "proof")]


# -- the positive twins: canonical spellings are read, good values verify -------------------------

@pytest.mark.parametrize(("name", "version", "suite"), cases())
def test_canonical_spelling_is_read(verifiers: Callable[[str], Verifier], contexts: Any, name: str,
                                    version: str, suite: str) -> None:
    field = FIELD_BY_NAME[name]
    verifier = verifiers(name)
    good, options = credential(field, version, suite, field.good, None)
    if field.where == "proof":
        options = {field.name: field.good}
    assert verifier.verify_credential(sign(good, suite, options, contexts.document_loader)).verified
    bad, options = credential(field, version, suite, field.bad, None)
    report = verifier.verify_credential(sign(bad, suite, options, contexts.document_loader))
    assert not report.verified
    assert status_of(report, field.check) == (Status.FAILED, field.code)


# -- the attack, signed by the issuer in every suite ----------------------------------------------

@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("name", "version", "suite"), cases())
def test_renamed_field_never_verifies(verifiers: Callable[[str], Verifier], contexts: Any, name: str,
                                      version: str, suite: str, way: str) -> None:
    field = FIELD_BY_NAME[name]
    verifier = verifiers(name)
    doc, options = credential(field, version, suite, field.bad, way)
    report = verifier.verify_credential(sign(doc, suite, options, contexts.document_loader))
    assert not report.verified
    status, code = status_of(report, "context")
    assert status is Status.FAILED and code in GATE


@given(case=st.sampled_from(cases()), way=st.sampled_from(WAYS), typed=st.booleans())
def test_any_renaming_is_refused(verifiers: Callable[[str], Verifier], contexts: Any,
                                 case: tuple[str, str, str], way: str, typed: bool) -> None:
    """The same, drawn at random, with the value typed (graph-identical) or plain."""
    name, version, suite = case
    field = FIELD_BY_NAME[name]
    verifier = verifiers(name)
    doc, options = credential(field, version, suite, field.bad, way)
    if not typed and field.datatype and way != "inline alias":
        key, value, _ = spell(field, way, field.bad, datatype=False)
        target = options if field.where == "proof" and options is not None else doc
        target[key] = value
    signed = sign(doc, suite, options, contexts.document_loader)
    report = verifier.verify_credential(signed)
    assert not report.verified
    assert status_of(report, "context")[1] in GATE


# -- the attack with no issuer: renaming an eddsa-rdfc-2022 credential after signing -------------

def rename_after_signing(signed: dict[str, Any], field: Field, way: str) -> dict[str, Any]:
    attacked = copy.deepcopy(signed)
    key, value, inline = spell(field, way, attacked.pop(field.name))
    attacked[key] = value
    if inline is not None:
        attacked["@context"] = [*attacked["@context"], inline]
    return attacked


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", ["validUntil", "validFrom", "credentialStatus"])
def test_holder_renaming_keeps_the_signature_but_not_the_verdict(
        verifier: Verifier, contexts: Any, name: str, way: str) -> None:
    field = FIELD_BY_NAME[name]
    doc, _ = credential(field, "v2", "eddsa-rdfc-2022", field.bad, None)
    signed = sign(doc, "eddsa-rdfc-2022", None, contexts.document_loader)
    attacked = rename_after_signing(signed, field, way)
    # the signed graph is unchanged: the signature alone would accept the renamed credential
    assert verifier.proofs.verify(attacked, expected_controller=DID).all_signatures_ok
    report = verifier.verify_credential(attacked)
    assert not report.verified
    assert status_of(report, "context")[1] in GATE
    # twin: the credential as signed is read, and fails on its own check
    assert status_of(verifier.verify_credential(signed), field.check) == (Status.FAILED, field.code)


# -- other ways of moving a statement away from where the check reads it -------------------------

def _signed_v2(contexts: Any, **extra: Any) -> dict[str, Any]:
    doc = base("v2", "eddsa-rdfc-2022")
    doc.update(extra)
    return add_proof(doc, ISSUER, suites=default_suites(), suite="eddsa-rdfc-2022",
                     verification_method=VM, created="2025-01-01T00:00:00Z",
                     document_loader=contexts.document_loader)


def test_reverse_detour_is_refused(verifier: Verifier, contexts: Any) -> None:
    """validUntil moved onto a copy of the credential node reached through @reverse."""
    signed = _signed_v2(contexts, validUntil="2025-06-01T00:00:00Z")
    attacked = copy.deepcopy(signed)
    until = attacked.pop("validUntil")
    attacked["credentialSubject"]["@reverse"] = {CRED + "credentialSubject": {
        "id": attacked["id"], CRED + "validUntil": {"@value": until, "@type": XSD_DATETIME}}}
    assert verifier.proofs.verify(attacked, expected_controller=DID).all_signatures_ok
    assert status_of(verifier.verify_credential(attacked), "context") == (
        Status.FAILED, "jsonld.noncanonical_term")
    assert status_of(verifier.verify_credential(signed), "validity")[1] == "validity.expired"


def test_second_description_of_the_credential_is_refused(verifier: Verifier, contexts: Any) -> None:
    """validUntil moved onto another node object with the credential's id, under a term the
    issuer signed as pointing back at the credential."""
    signed = _signed_v2(contexts, validUntil="2025-06-01T00:00:00Z",
                        evidence=[{"id": "urn:uuid:6a1f0c7e-3b52-4f7e-9a1d-2f5b8c9d0e31"}])
    attacked = copy.deepcopy(signed)
    # the type brings the VC terms into scope there; the credential node has that type already
    attacked["evidence"][0].update(type=["VerifiableCredential"], validUntil=attacked.pop("validUntil"))
    assert verifier.proofs.verify(attacked, expected_controller=DID).all_signatures_ok
    report = verifier.verify_credential(attacked)
    assert status_of(report, "context") == (Status.FAILED, "jsonld.duplicate_node")
    assert not report.verified
    # twin: the credential as signed is read, and is expired
    assert status_of(verifier.verify_credential(signed), "validity")[1] == "validity.expired"


def test_achievement_type_moved_into_an_endorsement_subject_is_refused(
        typed_verifier: Verifier, contexts: Any) -> None:
    """The achievement's type restriction moved to another description of the achievement node
    (an endorsement's subject names the achievement it endorses)."""
    doc = base("v2", "eddsa-rdfc-2022")
    achievement = doc["credentialSubject"]["achievement"]
    achievement["achievementType"] = "Certificate"
    doc["evidence"] = [{"id": "urn:uuid:1d2c3b4a-0000-4000-8000-00000000e001", "type": ["Evidence"],
                        "narrative": "Observed lesson"}]
    signed = add_proof(doc, ISSUER, suites=default_suites(), suite="eddsa-rdfc-2022",
                       verification_method=VM, created="2025-01-01T00:00:00Z",
                       document_loader=contexts.document_loader)
    attacked = copy.deepcopy(signed)
    moved = attacked["credentialSubject"]["achievement"].pop("achievementType")
    attacked["credentialSubject"]["source"] = {"id": achievement["id"], "type": ["Achievement"],
                                               "achievementType": moved}
    report = typed_verifier.verify_credential(attacked)
    assert not report.verified
    assert status_of(report, "context") == (Status.FAILED, "jsonld.duplicate_node")
    # twin: a second description that only repeats what the checks do not read is fine
    twin_doc = copy.deepcopy(doc)
    twin_doc["credentialSubject"]["achievement"]["achievementType"] = "MicroCredential"
    twin_doc["credentialSubject"]["source"] = {"id": achievement["id"], "type": ["Profile"]}
    twin = add_proof(twin_doc, ISSUER, suites=default_suites(), suite="eddsa-rdfc-2022",
                     verification_method=VM, created="2025-01-01T00:00:00Z",
                     document_loader=contexts.document_loader)
    assert status_of(typed_verifier.verify_credential(twin), "context")[0] is Status.PASSED


KEYWORD_DETOURS: dict[str, Callable[[dict[str, Any]], None]] = {
    "@included": lambda d: d.update({"@included": [{"id": d["id"], "validUntil": d.pop("validUntil")}]}),
    "@graph": lambda d: d.update({"@graph": [{"id": d["id"], "validUntil": d.pop("validUntil")}]}),
    "@nest": lambda d: d.update({"@nest": {"validUntil": d.pop("validUntil")}}),
    "value object": lambda d: d.update({"validUntil": {"@value": d["validUntil"], "@type": XSD_DATETIME}}),
    "@type spelled raw": lambda d: d.update({"@type": d.pop("type")}),
    "rdf:type as a property": lambda d: d.update({
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": [{"id": OBV + "OpenBadgeCredential"}]}),
    "inline @vocab into the VC vocabulary": lambda d: d["@context"].append({"@vocab": CRED}),
    "inline keyword alias": lambda d: d["@context"].append({"kind": "@type"}),
    "inline @reverse term": lambda d: d["@context"].append({"isSubjectOf": {"@reverse": CRED + "credentialSubject"}}),
    "inline prefix shadowing did:": lambda d: d["@context"].append({"did": "https://attacker.example/"}),
    "inline @import": lambda d: d["@context"].append({"@import": OB}),
    "null context": lambda d: d["credentialSubject"].update({"@context": None}),
}


@pytest.mark.parametrize("detour", sorted(KEYWORD_DETOURS))
def test_keyword_detours_are_refused(verifier: Verifier, contexts: Any, detour: str) -> None:
    signed = _signed_v2(contexts, validUntil="2025-06-01T00:00:00Z")
    attacked = copy.deepcopy(signed)
    KEYWORD_DETOURS[detour](attacked)
    report = verifier.verify_credential(attacked)
    assert not report.verified
    assert status_of(report, "context")[1] in GATE


def test_inline_context_that_restates_or_extends_is_accepted(verifier: Verifier, contexts: Any) -> None:
    """The twin of the inline-context refusals: an inline context for the issuer's own
    extension terms, and one restating a term of the VC vocabulary by its own name, are fine."""
    doc = base("v2", "eddsa-rdfc-2022")
    doc["@context"].append({"cohort": "https://pd.lakeview.example/vocab#cohort",
                            "Ed25519Signature2020": SEC + "Ed25519Signature2020"})
    doc["cohort"] = "2025 summer"
    signed = add_proof(doc, ISSUER, suites=default_suites(), suite="eddsa-rdfc-2022",
                       verification_method=VM, created="2025-01-01T00:00:00Z",
                       document_loader=contexts.document_loader)
    assert verifier.verify_credential(signed).verified


def test_presentation_fields_spelled_otherwise_are_refused(verifier: Verifier) -> None:
    """The gate reads presentations too: a holder written under its full IRI."""
    presentation = {"@context": [VC_V2], "type": ["VerifiablePresentation"],
                    CRED + "holder": {"id": "did:example:maya-alvarez"}}
    report = verifier.verify_presentation(presentation, challenge="c-1", domain="hr.example")
    assert status_of(report, "context")[1] in GATE
    twin = dict(presentation)
    twin["holder"] = twin.pop(CRED + "holder")
    assert status_of(verifier.verify_presentation(twin, challenge="c-1", domain="hr.example"),
                     "context")[0] is Status.PASSED
