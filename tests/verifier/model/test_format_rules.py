"""The ``format`` check rule by rule: BAD_INPUTS 14 and 27-31, each with a passing twin."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from tests.verifier.model.helpers import V1, V2, credential, presentation
from verifier.checks.format import check_format
from verifier.data_model import is_compact_jwt, is_url, parse_date_time
from verifier.multibase import b64url_encode, encode_base58btc
from verifier.report import Status


def failed(doc: Any, code: str, path: str | None = None, **kwargs: Any) -> None:
    result = check_format(doc, **kwargs)
    assert result.status is Status.FAILED
    codes = [(p["code"], p["path"]) for p in result.details["problems"]]
    assert any(c == code and (path is None or p == path) for c, p in codes), codes


def passed(doc: Any, **kwargs: Any) -> None:
    result = check_format(doc, **kwargs)
    assert result.status is Status.PASSED, result.details.get("problems")


# -- twins -------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2.0", "1.1"])
def test_minimal_credentials_pass(version: str) -> None:
    result = check_format(credential(version))
    assert result.status is Status.PASSED
    assert result.details["version"] == version


def test_presentation_passes() -> None:
    passed(presentation(), kind="presentation")


# -- 14. @context ------------------------------------------------------------------------------

@pytest.mark.parametrize(("context", "path"), [
    (..., "$.@context"),
    (["https://www.w3.org/ns/credentials/examples/v2"], "$.@context[0]"),
    (["https://www.w3.org/ns/credentials/examples/v2", V2], "$.@context[0]"),  # swapped
    ([V2, 42], "$.@context[1]"),
    ([V2, V2], "$.@context[1]"),
    ([], "$.@context"),
    ([V2, "https ://not-a-url/v1"], "$.@context[1]"),
    ([V2, {"Thing": "https ://bad#Thing"}], "$.@context[1].Thing"),
])
def test_invalid_context(context: Any, path: str) -> None:
    failed(credential(**{"@context": context}), "format.invalid_context", path)


@pytest.mark.parametrize("context", [
    V2, [V2, "https://www.w3.org/ns/credentials/examples/v2"], [V2, {"Thing": "https://ex.org/#Thing"}],
])
def test_valid_context_twins(context: Any) -> None:
    passed(credential(**{"@context": context}))


# -- 27. issuer --------------------------------------------------------------------------------

@pytest.mark.parametrize(("issuer", "path"), [
    (..., "$.issuer"),
    (None, "$.issuer"),
    ("example.edu", "$.issuer"),
    (42, "$.issuer"),
    ({"name": "Example University"}, "$.issuer.id"),
    ({"id": "not a url"}, "$.issuer.id"),
    ({"id": "did:web:example.edu", "name": {"@value": "Ex", "@language": "en", "url": "x"}}, "$.issuer.name"),
    ({"id": "did:web:example.edu", "name": 7}, "$.issuer.name"),
])
def test_invalid_issuer(issuer: Any, path: str) -> None:
    failed(credential(issuer=issuer), "format.invalid_issuer", path)


@pytest.mark.parametrize("issuer", [
    "did:web:example.edu", "https://example.edu/issuer", "urn:uuid:0b7c8e1a-2f3d-4c5e-8a9b-1c2d3e4f5a6b",
    {"id": "did:web:example.edu", "name": "Example University"},
    {"id": "did:web:example.edu", "name": [{"@value": "Ex", "@language": "en"}, {"@value": "Ej", "@language": "es"}]},
    {"id": "did:web:example.edu", "name": {"@value": "Ex", "@language": "en", "@direction": "ltr"}},
])
def test_valid_issuer_twins(issuer: Any) -> None:
    passed(credential(issuer=issuer))


# -- 28. credentialSubject ---------------------------------------------------------------------

@pytest.mark.parametrize(("subject", "path"), [
    (..., "$.credentialSubject"),
    ({}, "$.credentialSubject"),
    ([{}], "$.credentialSubject[0]"),
    ([], "$.credentialSubject"),
    ("did:example:subject", "$.credentialSubject"),
    ([{"id": "did:example:a"}, {}], "$.credentialSubject[1]"),
])
def test_invalid_subject(subject: Any, path: str) -> None:
    failed(credential(credentialSubject=subject), "format.invalid_subject", path)


@pytest.mark.parametrize("subject", [
    {"id": "did:example:a"}, {"name": "A claim without an id"}, [{"id": "did:example:a"}, {"name": "b"}],
])
def test_valid_subject_twins(subject: Any) -> None:
    passed(credential(credentialSubject=subject))


# -- 29. type ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "path"), [
    (..., "$.type"), (["ExampleCredential"], "$.type"), ([], "$.type"), ("Credential", "$.type"),
    (["VerifiableCredential", 3], "$.type[1]"), (None, "$.type"),
])
def test_invalid_type(value: Any, path: str) -> None:
    failed(credential(type=value), "format.invalid_type", path)


@pytest.mark.parametrize("value", ["VerifiableCredential", ["ExampleCredential", "VerifiableCredential"]])
def test_valid_type_twins(value: Any) -> None:
    passed(credential(type=value))


def test_presentation_needs_verifiable_presentation_type() -> None:
    failed(presentation(type=["VerifiableCredential"]), "format.invalid_type", "$.type", kind="presentation")
    passed(presentation(type=["VerifiablePresentation", "ExamplePresentation"]), kind="presentation")


# -- 30. properties that need a type; relatedResource ------------------------------------------

TYPED = ["credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence"]


@pytest.mark.parametrize("name", TYPED)
def test_property_without_type(name: str) -> None:
    failed(credential(**{name: {"id": "https://example.org/x/1"}}), "format.invalid_property", f"$.{name}.type")
    failed(credential(**{name: [{"type": "T", "id": "https://example.org/x/1"}, {"id": "https://example.org/x/2"}]}),
           "format.invalid_property", f"$.{name}[1].type")


@pytest.mark.parametrize("name", TYPED)
def test_property_with_type_twin(name: str) -> None:
    passed(credential(**{name: {"id": "https://example.org/x/1", "type": "ExampleType"}}))


@pytest.mark.parametrize("name", ["credentialStatus", "credentialSchema", "refreshService"])
def test_vcdm11_needs_ids(name: str) -> None:
    failed(credential("1.1", **{name: {"type": "ExampleType"}}), "format.invalid_property", f"$.{name}.id")
    passed(credential("1.1", **{name: {"type": "ExampleType", "id": "https://example.org/x"}}))


def test_vcdm2_status_id_optional_schema_id_required() -> None:
    passed(credential(credentialStatus={"type": "ExampleStatus"}))
    failed(credential(credentialSchema={"type": "JsonSchema"}), "format.invalid_property", "$.credentialSchema.id")


def test_proof_needs_type() -> None:
    failed(credential(proof={"proofValue": "z1"}), "format.invalid_property", "$.proof.type")
    passed(credential(proof={"type": "DataIntegrityProof", "proofValue": "z1"}))


CONTENT = b'{"@context": {"ex": "https://example.org/#"}}'
SRI = "sha384-" + base64.b64encode(hashlib.sha384(CONTENT).digest()).decode()
MULTIBASE_U = "u" + b64url_encode(bytes([0x12, 0x20]) + hashlib.sha256(CONTENT).digest())
MULTIBASE_Z = "z" + encode_base58btc(bytes([0x12, 0x20]) + hashlib.sha256(CONTENT).digest())
RES = "https://example.org/context/v1"


def related(*items: dict[str, Any]) -> dict[str, Any]:
    return credential(relatedResource=list(items))


@pytest.mark.parametrize("item", [
    {"id": RES, "digestSRI": SRI}, {"id": RES, "digestMultibase": MULTIBASE_U},
    {"id": RES, "digestMultibase": MULTIBASE_Z}, {"id": RES, "digestSRI": SRI, "digestMultibase": MULTIBASE_U},
])
def test_related_resource_with_digest(item: dict[str, Any]) -> None:
    passed(related(item))
    passed(related(item), resources=lambda url: CONTENT if url == RES else None)


@pytest.mark.parametrize("item", [
    {"id": RES},
    {"id": RES, "digestSRI": "md5-AAAA"},
    {"id": RES, "digestSRI": "sha384-not*base64"},
    {"id": RES, "digestSRI": "sha256-" + base64.b64encode(b"short").decode()},
    {"id": RES, "digestMultibase": "mAAAA"},
    {"id": RES, "digestMultibase": "u" + b64url_encode(bytes([0x11, 0x14]) + bytes(20))},
    {"digestSRI": SRI},
])
def test_related_resource_without_usable_digest(item: dict[str, Any]) -> None:
    failed(related(item), "format.invalid_property")


@pytest.mark.parametrize("item", [{"id": RES, "digestSRI": SRI}, {"id": RES, "digestMultibase": MULTIBASE_U}])
def test_related_resource_wrong_digest(item: dict[str, Any]) -> None:
    failed(related(item), "format.invalid_property", "$.relatedResource[0]",
           resources=lambda url: CONTENT + b" ")


def test_related_resource_duplicate_id() -> None:
    failed(related({"id": RES, "digestSRI": SRI}, {"id": RES, "digestMultibase": MULTIBASE_U}),
           "format.invalid_property", "$.relatedResource[1].id")
    passed(related({"id": RES, "digestSRI": SRI}, {"id": RES + "/2", "digestMultibase": MULTIBASE_U}))


# -- 31. identifiers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "path"), [
    ({"id": "not a url"}, "$.id"),
    ({"id": ["urn:uuid:1", "urn:uuid:2"]}, "$.id"),
    ({"id": None}, "$.id"),
    ({"id": "https ://example.org/1"}, "$.id"),
    ({"credentialSubject": {"id": ["did:example:a", "did:example:b"]}}, "$.credentialSubject.id"),
    ({"credentialSubject": {"id": "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"}}, "$.credentialSubject.id"),
    ({"credentialStatus": {"id": "status-1", "type": "ExampleStatus"}}, "$.credentialStatus.id"),
])
def test_invalid_identifier(changes: dict[str, Any], path: str) -> None:
    failed(credential(**changes), "format.invalid_identifier", path)


@pytest.mark.parametrize("value", [
    "https://example.org/credentials/1", "urn:uuid:0b7c8e1a-2f3d-4c5e-8a9b-1c2d3e4f5a6b", "did:key:z6Mkp",
    "data:application/vc-ld+jwt,eyJ", "mailto:teacher@example.edu", "http://localhost:8080/x", "tag:ex.org,2024:x",
])
def test_url_twins(value: str) -> None:
    assert is_url(value)
    passed(credential(id=value))


@pytest.mark.parametrize("value", [
    "", "example.org/x", "https:", "https://", "https:/x", "did:", "did:example", "did:Bad:x", "urn:x",
    "https://ex.org/a b", "https://ex.org/<x>", "https://ex.org/%zz", "1https://x", ":x", None, 5,
    "https://ex.org/\u0085",
])
def test_not_urls(value: Any) -> None:
    assert not is_url(value)


# -- dates -------------------------------------------------------------------------------------

def test_vcdm11_requires_issuance_date() -> None:
    failed(credential("1.1", issuanceDate=...), "format.invalid_property", "$.issuanceDate")
    passed(credential("1.1", issuanceDate="2024-01-01T00:00:00"))  # 1.1 dateTime: zone optional


@pytest.mark.parametrize(("field", "value"), [
    ("validFrom", "2024-01-01"), ("validFrom", "2024-01-01T00:00:00"), ("validFrom", "2024-13-01T00:00:00Z"),
    ("validFrom", "2024-02-30T00:00:00Z"), ("validUntil", "2024-01-01 00:00:00Z"), ("validUntil", 1704067200),
    ("validFrom", "2024-01-01T00:00:00+15:00"), ("validFrom", "2024-01-01T24:00:01Z"),
    ("validFrom", "２０２４-01-01T00:00:00Z"), ("validFrom", "2024-01-01t00:00:00z"),
])
def test_malformed_dates(field: str, value: Any) -> None:
    failed(credential(**{field: value}), "format.invalid_property", f"$.{field}")


@pytest.mark.parametrize("value", [
    "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123456789Z", "2024-01-01T01:00:00+01:00",
    "2023-12-31T24:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T12:00:00-14:00",
])
def test_well_formed_dates(value: str) -> None:
    passed(credential(validFrom=value))


def test_valid_from_after_valid_until() -> None:
    failed(credential(validFrom="2025-01-01T00:00:00Z", validUntil="2024-01-01T00:00:00Z"),
           "format.invalid_property", "$.validUntil")
    passed(credential(validFrom="2024-01-01T00:00:00Z", validUntil="2024-01-01T00:00:00Z"))


def test_date_parsing_normalizes_to_utc() -> None:
    assert parse_date_time("2024-01-01T01:30:00+01:30") == parse_date_time("2024-01-01T00:00:00Z")
    assert parse_date_time("2023-12-31T24:00:00Z") == parse_date_time("2024-01-01T00:00:00Z")


# -- presentations -----------------------------------------------------------------------------

JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"


def test_jwt_string_in_vcdm11_presentation_allowed_plain_string_refused() -> None:
    vp = presentation(**{"@context": [V1]})
    vp["verifiableCredential"] = [JWT]
    passed(vp, kind="presentation")
    vp["verifiableCredential"] = ["just a string"]
    failed(vp, "presentation.invalid", "$.verifiableCredential[0]", kind="presentation")


def test_vcdm2_presentation_wants_objects_or_enveloped() -> None:
    failed(presentation(verifiableCredential=[JWT]), "presentation.invalid", kind="presentation")
    enveloped = {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + JWT}
    passed(presentation(verifiableCredential=[enveloped]), kind="presentation")


def test_is_compact_jwt() -> None:
    assert is_compact_jwt(JWT)
    assert not is_compact_jwt("a.b.c")
    assert not is_compact_jwt(b64url_encode(b'{"typ":"x"}') + ".e30.")


@pytest.mark.parametrize(("holder", "path"), [
    ("z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj", "$.holder"), ({"name": "Acme"}, "$.holder.id"),
    ({"id": "nope"}, "$.holder.id"), (3, "$.holder"),
])
def test_invalid_holder(holder: Any, path: str) -> None:
    failed(presentation(holder=holder), "presentation.invalid", path, kind="presentation")


@pytest.mark.parametrize("holder", ["did:example:holder", {"id": "did:example:holder", "name": "Acme"}])
def test_valid_holder_twins(holder: Any) -> None:
    passed(presentation(holder=holder), kind="presentation")


def test_all_problems_are_listed_first_names_the_result() -> None:
    result = check_format(credential(issuer=..., type=["X"], id="nope"))
    assert result.status is Status.FAILED
    assert result.code == "format.invalid_type"
    assert {p["code"] for p in result.details["problems"]} == {
        "format.invalid_type", "format.invalid_identifier", "format.invalid_issuer"}


def test_not_an_object_and_bad_kind() -> None:
    assert check_format(["not", "an", "object"]).status is Status.FAILED  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        check_format(credential(), kind="badge")
