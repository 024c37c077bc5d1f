"""The W3C VCDM 2.0 test-suite inputs, run through the ``format`` check (data-driven).

``-ok`` files must pass and ``-fail`` files must fail with the listed code. Two adjustments,
both what the test suite itself does:

- These are inputs the suite sends to an *issuer*, which adds ``issuer`` (and a proof). So a
  credential without ``issuer``, or whose issuer object has no ``id``, gets one before checking.
- ``"PAST DATE"``/``"FUTURE DATE"`` placeholders become real dates.

Decisions:

- ``-fail-or-inject``: we fail (``format.invalid_context``). Injecting a base context would change
  what the issuer signed, so the verifier never does it.
- ``ELSEWHERE``: failures that need JSON-LD processing (protected term redefinition, an
  unmapped type). ``format`` passes them on purpose; the test shows safe-mode expansion refuses.
- ``presentation-self-asserted-*`` without a suffix: issuer/holder binding needs the signature,
  so it is the presentation check's job; ``format`` passes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from verifier.canon import expand
from verifier.checks.format import check_format
from verifier.errors import VCError
from verifier.report import Status

SUITE = INTEROP / "credentials" / "vcdm2-test-suite-inputs"

EXPECTED_CODE = {
    "credential-context-combo3-fail.json": "format.invalid_context",
    "credential-context-combo4-fail.json": "format.invalid_context",
    "credential-evidence-missing-type-fail.json": "format.invalid_property",
    "credential-id-multi-fail.json": "format.invalid_identifier",
    "credential-id-nonidentifier-fail.json": "format.invalid_identifier",
    "credential-id-not-url-fail.json": "format.invalid_identifier",
    "credential-id-subject-multi-fail.json": "format.invalid_identifier",
    "credential-issuer-no-url-fail.json": "format.invalid_issuer",
    "credential-issuer-null-fail.json": "format.invalid_issuer",
    "credential-issuer-object-id-no-url-fail.json": "format.invalid_issuer",
    "credential-issuer-object-id-null-fail.json": "format.invalid_issuer",
    "credential-missing-required-type-fail.json": "format.invalid_type",
    "credential-no-issuer-fail.json": "format.invalid_subject",
    "credential-no-subject-fail.json": "format.invalid_subject",
    "credential-no-type-fail.json": "format.invalid_type",
    "credential-proof-missing-type-fail.json": "format.invalid_property",
    "credential-refresh-no-type-fail.json": "format.invalid_property",
    "credential-schema-no-id-fail.json": "format.invalid_property",
    "credential-schema-no-type-fail.json": "format.invalid_property",
    "credential-schema-non-url-id-fail.json": "format.invalid_identifier",
    "credential-status-missing-type-fail.json": "format.invalid_property",
    "credential-status-multiple-id-fail.json": "format.invalid_identifier",
    "credential-status-nonurl-id-fail.json": "format.invalid_identifier",
    "credential-status-type-nonurl-fail.json": "format.invalid_property",
    "credential-subject-multiple-empty-fail.json": "format.invalid_subject",
    "credential-subject-no-claims-fail.json": "format.invalid_subject",
    "credential-termsofuse-missing-type-fail.json": "format.invalid_property",
    "credential-termsofuse-no-type-fail.json": "format.invalid_property",
    "credential-type-mapped-nonurl-fail.json": "format.invalid_context",
    "credential-validUntil-validFrom-fail.json": "format.invalid_property",
    "credential-validfrom-invalid-fail.json": "format.invalid_property",
    "credential-validuntil-invalid-fail.json": "format.invalid_property",
    "names-and-descriptions/credential-description-extra-prop-en-fail.json": "format.invalid_property",
    "names-and-descriptions/credential-name-extra-prop-en-fail.json": "format.invalid_property",
    "names-and-descriptions/issuer-description-extra-prop-en-fail.json": "format.invalid_issuer",
    "names-and-descriptions/issuer-name-extra-prop-en-fail.json": "format.invalid_issuer",
    "presentation-context-order-fail.json": "format.invalid_context",
    "presentation-enveloped-vc-missing-type-fail.json": "presentation.invalid",
    "presentation-holder-fail.json": "presentation.invalid",
    "presentation-holder-name-fail.json": "presentation.invalid",
    "presentation-holder-object-fail.json": "presentation.invalid",
    "presentation-missing-base-context-fail.json": "format.invalid_context",
    "presentation-missing-required-type-fail.json": "format.invalid_type",
    "presentation-no-type-fail.json": "format.invalid_type",
    "presentation-vc-as-string-fail.json": "presentation.invalid",
    "presentation-vc-missing-required-type-fail.json": "presentation.invalid",
    # fail-or-inject: we fail
    "credential-missing-base-context-fail-or-inject.json": "format.invalid_context",
    "credential-no-context-fail-or-inject.json": "format.invalid_context",
    "presentation-no-context-fail-or-inject.json": "format.invalid_context",
}

#: Caught by JSON-LD processing, not by the format check.
ELSEWHERE = {
    "credential-redef-type-fail.json": "inline context redefines the protected VerifiableCredential term",
    "credential-redef-type2-fail.json": "a later inline context redefines a @protected term",
    "credential-type-unmapped-fail.json": "@vocab: null leaves a type undefined",
}
#: No -ok/-fail suffix: holder/issuer binding is decided by the presentation check.
NOT_FORMAT = {
    "presentation-self-asserted-vc-holder-mismatch.json",
    "presentation-self-asserted-vc-issuer-mismatch.json",
    "presentation-self-asserted-vc-no-holder.json",
}


def _names() -> list[str]:
    if not SUITE.is_dir():
        return ["<interop missing>"]
    return sorted(str(p.relative_to(SUITE)) for p in SUITE.rglob("*.json"))


def _load(name: str) -> tuple[dict[str, Any], str]:
    if not SUITE.is_dir():
        pytest.skip(INTEROP_MISSING)
    doc = json.loads((SUITE / name).read_text(encoding="utf-8"))
    kind = "presentation" if Path(name).name.startswith("presentation-") else "credential"
    if kind == "credential":
        if "issuer" not in doc:
            doc["issuer"] = "did:example:test-issuer"
        elif isinstance(doc["issuer"], dict) and "id" not in doc["issuer"]:
            doc["issuer"]["id"] = "did:example:test-issuer"
        for key, value in list(doc.items()):
            if value == "PAST DATE":
                doc[key] = "2020-01-01T00:00:00Z"
            elif value == "FUTURE DATE":
                doc[key] = "2099-01-01T00:00:00Z"
    return doc, kind


@pytest.mark.parametrize("name", _names())
def test_suite_input(name: str) -> None:
    doc, kind = _load(name)
    result = check_format(doc, kind=kind)
    if name.endswith("-ok.json") or name in ELSEWHERE or name in NOT_FORMAT:
        assert result.status is Status.PASSED, (result.code, result.path)
    else:
        assert result.status is Status.FAILED
        assert result.code == EXPECTED_CODE[name]
        assert result.path and result.path.startswith("$")


def test_every_fail_input_is_classified() -> None:
    """A new -fail file in the suite must be given an expected code or a reason."""
    if not SUITE.is_dir():
        pytest.skip(INTEROP_MISSING)
    failing = [name for name in _names() if "-fail" in name]
    assert failing, f"no -fail input under {SUITE}"
    for name in failing:
        assert name in EXPECTED_CODE or name in ELSEWHERE, name


@pytest.mark.parametrize("name", sorted(ELSEWHERE))
def test_elsewhere_inputs_are_refused_by_jsonld_expansion(name: str, test_contexts: Any) -> None:
    doc, _ = _load(name)
    with pytest.raises(VCError):
        expand(doc, document_loader=test_contexts.document_loader)


def test_elsewhere_positive_twin_expands(test_contexts: Any) -> None:
    doc, _ = _load("credential-type-mapped-url-ok.json")
    assert expand(doc, document_loader=test_contexts.document_loader)
