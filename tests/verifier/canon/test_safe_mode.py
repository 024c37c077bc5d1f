"""Safe mode: whatever JSON-LD expansion would drop or re-base is an error naming the JSON path.

Each refusal has a positive twin that differs only in the offending detail. Neither the VC v1
nor the (REC) VC v2 base context has an ``@vocab``; the v2 examples context does, and then every
term is defined, which safe mode must accept.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from tests.verifier.canon.conftest import V1, V2, FileLoader
from verifier.canon import canonize, expand, to_quads
from verifier.errors import CanonicalizationError, ContextError, VCError

EX = "https://example.org/vocab#"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def credential(context: str = V1, **changes: Any) -> dict[str, Any]:
    """A minimal valid credential; ``changes`` replace top-level members."""
    doc: dict[str, Any] = {
        "@context": [context],
        "id": "urn:uuid:5d1f8a1c-6d3c-4d8e-9a5b-2f3c7d9e1a00",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    if context == V1:
        doc["issuanceDate"] = "2024-01-01T00:00:00Z"
    else:
        doc["validFrom"] = "2024-01-01T00:00:00Z"
    doc.update(changes)
    return doc


def refused(loader: FileLoader, document: Any) -> VCError:
    with pytest.raises(VCError) as info:
        canonize(document, document_loader=loader)
    return info.value


# -- the four cases of the brief, each with its twin ----------------------------------------

def test_undefined_property(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "did:example:subject", "degree": "BSc"})
    error = refused(loader, doc)
    assert error.code == "jsonld.data_loss"
    assert error.path == "$.credentialSubject.degree"


def test_defined_property_twin(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "did:example:subject", "degree": "BSc"})
    doc["@context"].append({"degree": EX + "degree"})
    assert f'<{EX}degree> "BSc" .' in canonize(doc, document_loader=loader)


def test_unsafe_mode_silently_drops_the_property(loader: FileLoader) -> None:
    # Why safe mode exists: without it the field is simply not signed.
    with_field = credential(credentialSubject={"id": "did:example:subject", "degree": "BSc"})
    assert (canonize(with_field, document_loader=loader, safe=False)
            == canonize(credential(), document_loader=loader))


def test_undefined_type(loader: FileLoader) -> None:
    error = refused(loader, credential(type=["VerifiableCredential", "AlumniCredential"]))
    assert error.code == "jsonld.data_loss"
    assert error.path == "$.type[1]"


def test_type_defined_by_vocab_twin(loader: FileLoader) -> None:
    # An @vocab (here the VC v2 examples context's) legitimately gives every term an IRI.
    doc = credential(V2, type=["VerifiableCredential", "AlumniCredential"],
                     credentialSubject={"id": "did:example:subject", "degree": "BSc"})
    doc["@context"].append(EXAMPLES_V2)
    nquads = canonize(doc, document_loader=loader)
    assert "<https://www.w3.org/ns/credentials/examples#AlumniCredential>" in nquads
    assert "<https://www.w3.org/ns/credentials/examples#degree>" in nquads


def test_undefined_type_under_v2(loader: FileLoader) -> None:
    error = refused(loader, credential(V2, type=["VerifiableCredential", "AlumniCredential"]))
    assert (error.code, error.path) == ("jsonld.data_loss", "$.type[1]")


def test_inline_base(loader: FileLoader) -> None:
    doc = credential()
    doc["@context"].append({"@base": "https://example.org/", "degree": EX + "degree"})
    error = refused(loader, doc)
    assert error.code == "jsonld.base_not_allowed"
    assert error.path == "$['@context'][1]['@base']"


def test_inline_context_without_base_twin(loader: FileLoader) -> None:
    doc = credential()
    doc["@context"].append({"degree": EX + "degree"})
    signed_form = canonize(doc, document_loader=loader)
    # accepted, and an inline definition no property uses changes nothing that is signed
    assert signed_form == canonize(credential(), document_loader=loader)
    assert "<did:example:issuer>" in signed_form


def test_base_in_a_scoped_inline_context(loader: FileLoader) -> None:
    doc = credential()
    doc["@context"].append({"degree": {"@id": EX + "degree", "@context": {"@base": "x:/"}}})
    error = refused(loader, doc)
    assert error.code == "jsonld.base_not_allowed"
    assert error.path == "$['@context'][1].degree['@context']['@base']"


def test_relative_id(loader: FileLoader) -> None:
    error = refused(loader, credential(credentialSubject={"id": "students/42"}))
    assert error.code == "jsonld.data_loss"
    assert error.path == "$.credentialSubject.id"


def test_absolute_id_twin(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "https://example.edu/students/42"})
    assert "> <https://example.edu/students/42> .\n" in canonize(doc, document_loader=loader)


def test_relative_id_is_not_rescued_by_a_base(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "students/42"})
    with pytest.raises(CanonicalizationError) as info:
        to_quads(doc, document_loader=loader, base="https://example.edu/")
    assert info.value.code == "jsonld.data_loss"
    # Without safe mode pyld resolves it, which is what the signer may not have meant.
    quads = to_quads(doc, document_loader=loader, safe=False, base="https://example.edu/")
    assert any(q.object == "<https://example.edu/students/42>" for q in quads)


# -- more ways to lose data -------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "path"), [
    ({"issuer": "issuers/1"}, "$.issuer"),
    ({"issuer": {"id": "issuers/1"}}, "$.issuer.id"),
    ({"credentialSubject": {"id": "did:example:s", "@foo": 1}}, "$.credentialSubject['@foo']"),
    ({"credentialSubject": {"id": "did:example:s", "_:p": 1}}, "$.credentialSubject['_:p']"),
    ({"credentialSubject": {"id": "did:example:s",
                            EX + "p": [{"id": "did:example:x"}, {"nope": 1}]}},
     f"$.credentialSubject[{EX + 'p'!r}][1].nope"),
    ({"credentialSubject": {"id": "did:example:s",
                            EX + "p": {"@value": "x", "@language": "ar", "@direction": "rtl"}}},
     f"$.credentialSubject[{EX + 'p'!r}]['@direction']"),
    ({"credentialSubject": {"id": "did:example:s",
                            EX + "p": {"@value": "x", "@language": "en us"}}},
     f"$.credentialSubject[{EX + 'p'!r}]['@language']"),
    ({"credentialSubject": {"id": "did:example:s", EX + "p": {"@id": "https://a{b}"}}},
     f"$.credentialSubject[{EX + 'p'!r}]['@id']"),
    ({"credentialSubject": {"id": "did:example:s", EX + "p": {"@id": "https://a\n"}}},
     f"$.credentialSubject[{EX + 'p'!r}]['@id']"),
])
def test_other_losses(loader: FileLoader, changes: dict[str, Any], path: str) -> None:
    error = refused(loader, credential(**changes))
    assert error.code == "jsonld.data_loss"
    assert error.path == path


def test_relative_vocab_in_inline_context(loader: FileLoader) -> None:
    doc = credential()
    doc["@context"].append({"@vocab": "terms/"})
    error = refused(loader, doc)
    assert (error.code, error.path) == ("jsonld.data_loss", "$['@context'][1]['@vocab']")


def test_language_and_direction_twins(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "did:example:s",
                                        EX + "p": {"@value": "x", "@language": "en-US"}})
    # pyld (like jsonld.js) lower-cases language tags while expanding.
    assert f'<{EX}p> "x"@en-us .' in canonize(doc, document_loader=loader)


def test_expand_reports_the_same_losses(loader: FileLoader) -> None:
    doc = credential(credentialSubject={"id": "did:example:subject", "degree": "BSc"})
    with pytest.raises(CanonicalizationError) as info:
        expand(doc, document_loader=loader)
    assert info.value.path == "$.credentialSubject.degree"
    assert expand(doc, document_loader=loader, safe=False)
    assert expand(credential(), document_loader=loader)[0]["@type"] == [
        "https://www.w3.org/2018/credentials#VerifiableCredential"]


# -- errors ---------------------------------------------------------------------------------

def test_loader_refusal_is_passed_through(loader: FileLoader) -> None:
    doc = credential()
    doc["@context"].append("https://attacker.example/context.jsonld")
    error = refused(loader, doc)
    assert isinstance(error, ContextError)
    assert error.code == "context.not_allowed"


def test_protected_term_redefinition(loader: FileLoader) -> None:
    doc = credential(V2)
    doc["@context"].append({"VerifiableCredential": EX + "Forged"})
    error = refused(loader, doc)
    assert error.code == "context.protected_term"


@pytest.mark.parametrize("document", [
    {"@context": {"@vocab": EX}, "@id": 5},
    {"@context": {"@vocab": EX}, "p": {"@value": "x", "@type": "@id", "@language": "en"}},
    {"@context": 7},
])
def test_invalid_json_ld(loader: FileLoader, document: Any) -> None:
    error = refused(loader, document)
    assert error.code == "jsonld.invalid"
    assert error.details["jsonld_codes"]


@pytest.mark.parametrize("document", [V2, "{}", 5, None])
def test_document_must_be_parsed_json(loader: FileLoader, document: Any) -> None:
    # A string would otherwise be dereferenced as a URL through the loader.
    assert refused(loader, document).code == "jsonld.invalid"
    assert loader.calls == []


def test_input_is_not_modified(loader: FileLoader) -> None:
    doc = credential(V2)
    before = copy.deepcopy(doc)
    canonize(doc, document_loader=loader)
    assert doc == before


# -- context caching ------------------------------------------------------------------------

def test_contexts_are_loaded_once_per_loader(loader: FileLoader,
                                             make_loader: Callable[..., FileLoader]) -> None:
    doc = credential(V2)
    first = canonize(doc, document_loader=loader)
    assert canonize(doc, document_loader=loader) == first
    assert loader.calls == [V2]
    # Another loader has its own cache: it is asked, never bypassed.
    other = make_loader()
    assert canonize(doc, document_loader=other) == first
    assert other.calls == [V2]


def test_caches_are_not_shared_between_loaders(make_loader: Callable[..., FileLoader]) -> None:
    url = "https://example.org/contexts/cache-test.jsonld"
    one = make_loader({url: {"@context": {"a": EX + "one"}}})
    two = make_loader({url: {"@context": {"a": EX + "two"}}})
    doc = {"@context": url, "@id": "https://example.org/x", "a": "v"}
    assert f"<{EX}one>" in canonize(doc, document_loader=one)
    assert f"<{EX}two>" in canonize(doc, document_loader=two)


# -- real credentials ---------------------------------------------------------------------

def test_open_badge_vector(loader: FileLoader) -> None:
    vectors = INTEROP / "vectors" / "ob3"
    if not vectors.is_dir():
        pytest.skip(INTEROP_MISSING)
    vector = json.loads((vectors / "test-vector.extracted.json").read_text(encoding="utf-8"))
    document = dict(vector["signedCredential"])
    del document["proof"]
    expected = (vectors / "document-canon.txt").read_text(encoding="utf-8")
    assert canonize(document, document_loader=loader) == expected
    assert canonize(document, document_loader=loader) == expected  # warm: cached contexts


@pytest.mark.parametrize(("document", "canon"), [
    ("unsigned.json", "eddsa-rdfc-2022/canonDocDataInt.txt"),
    ("eddsa-rdfc-2022/proofConfigDataInt.json", "eddsa-rdfc-2022/proofCanonDataInt.txt"),
    ("Ed25519Signature2020/proofConfigEdSig.json", "Ed25519Signature2020/proofCanonEdSig.txt"),
])
def test_vc_di_eddsa_vectors(loader: FileLoader, document: str, canon: str) -> None:
    vectors = INTEROP / "vectors" / "vc-di-eddsa"
    if not vectors.is_dir():
        pytest.skip(INTEROP_MISSING)
    doc = json.loads((vectors / document).read_text(encoding="utf-8"))
    assert canonize(doc, document_loader=loader) == (vectors / canon).read_text(encoding="utf-8")
