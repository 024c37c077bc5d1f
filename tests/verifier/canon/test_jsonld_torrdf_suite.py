"""The W3C JSON-LD 1.1 toRdf test suite (``../shared/interop/vectors/jsonld-api``) through pyld.

Safe mode is off: the suite deliberately exercises what safe mode refuses (relative IRIs,
undefined terms, ``@base``). Positive tests compare datasets for isomorphism by canonicalizing
both sides with our RDFC-1.0; negative tests must fail with the expected JSON-LD error code.
Tests marked json-ld-1.0 only are skipped (this is a 1.1 processor).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from verifier.canon import canonicalize, parse_nquads, to_quads
from verifier.errors import ContextError, VCError

SUITE = INTEROP / "vectors" / "jsonld-api"
MANIFEST = SUITE / "toRdf-manifest.jsonld"
BASE_IRI = "https://w3c.github.io/json-ld-api/tests/"

_PYLD = "pyld 3.3.0 limitation, not a data problem"
#: Tests that cannot pass here, each with the reason. Kept short and honest.
EXCLUDED: dict[str, str] = {
    "te075": "generalized RDF (blank-node predicates) is not supported: canonical N-Quads "
             "cannot carry it",
    "tdi09": "rdfDirection i18n-datatype (non-normative) is not supported",
    "tdi10": "rdfDirection i18n-datatype (non-normative) is not supported",
    "tdi11": "rdfDirection compound-literal (non-normative) is not supported",
    "tdi12": "rdfDirection compound-literal (non-normative) is not supported",
    "te111": f"{_PYLD}: a relative @vocab relative to an existing vocabulary is resolved wrongly",
    "te112": f"{_PYLD}: a relative @vocab relative to another relative vocabulary is resolved "
             "wrongly",
    "te122": f"{_PYLD}: expanding IRIs of the form '@' / '@foo.bar' crashes with TypeError",
}

# pyld warns (SyntaxWarning) about keyword-like terms that several tests use on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")


def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve the suite's files for its base IRI; refuse everything else, offline."""
    path = SUITE / url[len(BASE_IRI):] if url.startswith(BASE_IRI) else None
    if path is None or not path.is_file():
        raise ContextError("context.not_found", f"{url} is not part of the toRdf suite")
    return {"contextUrl": None, "documentUrl": url,
            "document": json.loads(path.read_text(encoding="utf-8")), "tag": "static"}


def _entries() -> list[Any]:
    if not MANIFEST.is_file():
        return [pytest.param(None, id="jsonld-api-missing",
                             marks=pytest.mark.skip(reason=INTEROP_MISSING))]
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    params = []
    for entry in manifest["sequence"]:
        test_id = entry["@id"].lstrip("#")
        marks: list[Any] = []
        if entry.get("option", {}).get("specVersion") == "json-ld-1.0":
            marks.append(pytest.mark.skip(reason="json-ld-1.0 only; this is a 1.1 processor"))
        elif test_id in EXCLUDED:
            marks.append(pytest.mark.xfail(reason=EXCLUDED[test_id], strict=True))
        params.append(pytest.param(entry, id=test_id, marks=marks))
    return params


def _run(entry: dict[str, Any]) -> list[Any]:
    options = entry.get("option", {})
    url = BASE_IRI + entry["input"]
    document = json.loads((SUITE / entry["input"]).read_text(encoding="utf-8"))
    expand_context = options.get("expandContext")
    return to_quads(
        document,
        document_loader=loader,
        safe=False,
        base=options.get("base", url),
        processing_mode=options.get("processingMode"),
        expand_context=BASE_IRI + expand_context if expand_context else None,
    )


@pytest.mark.parametrize("entry", _entries())
def test_to_rdf(entry: dict[str, Any]) -> None:
    kinds = entry["@type"]
    if "jld:NegativeEvaluationTest" in kinds:
        expected_code = entry["expectErrorCode"]
        with pytest.raises(VCError) as info:
            _run(entry)
        error = info.value
        if isinstance(error, ContextError):
            # Our loader's refusal is passed through as is, not as a JSON-LD error.
            assert expected_code == "loading remote context failed"
        else:
            assert expected_code in error.details["jsonld_codes"], error
        return
    quads = _run(entry)
    if "jld:PositiveEvaluationTest" in kinds:
        expected = parse_nquads((SUITE / entry["expect"]).read_bytes().decode("utf-8"))
        assert canonicalize(quads).nquads == canonicalize(expected).nquads
