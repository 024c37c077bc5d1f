"""The Verifier's parse and context checks (BAD_INPUTS items 1, 13–16, 35) and report shape."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from verifier.report import Status
from verifier.verification import Verifier

from .conftest import ISSUER, badge_v2


def _code(report: Any, check: str) -> str | None:
    result = report.check(check)
    assert result is not None, [c.id for c in report.checks]
    return result.code


def test_good_badge_verifies_from_dict_and_bytes(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    for form in (good_badge, json.dumps(good_badge).encode()):
        report = verifier.verify_credential(form, label="badge")
        assert report.verified, report.to_json()
        assert [c.id for c in report.checks] == ["parse", "format", "context", "proof", "issuer",
                                                 "validity", "status", "trust", "openbadges"]
        assert {c.id for c in report.checks if c.status is Status.SKIPPED} == {"status", "trust"}
        assert all(c.status is Status.PASSED for c in report.checks if c.id not in ("status", "trust"))


@pytest.mark.parametrize(("data", "code"), [
    (b"not json at all", "parse.malformed_json"),
    (json.dumps("a JSON string, not a credential").encode(), "parse.not_an_object"),
    (b'{"a": 1, "a": 2}', "parse.duplicate_key"),
    (b'{"a": NaN}', "parse.malformed_json"),
    (b'{"a": Infinity}', "parse.malformed_json"),
    (b"[" * 100_000 + b"]" * 100_000, "parse.malformed_json"),
    (b'{"a": ' + b"9" * 5000 + b"}", "parse.malformed_json"),
    (b" " * (5 * 1024 * 1024), "parse.input_too_large"),
], ids=["not-json", "json-string", "duplicate-key", "nan", "infinity", "deep-nesting",
        "5000-digit-int", "too-large"])
def test_bad_json_is_a_failed_parse_check(verifier: Verifier, data: Any, code: str) -> None:
    report = verifier.verify_credential(data)
    assert not report.verified
    assert report.checks[0].id == "parse" and report.checks[0].status is Status.FAILED
    assert report.checks[0].code == code


def _with_context(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["@context"] = ctx
    return out


V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@pytest.mark.parametrize(("ctx", "code"), [
    (None, "format.invalid_context"),
    ([OB, V2], "format.invalid_context"),
    ([V2, 42], "format.invalid_context"),
    (["https://evil.example/context.jsonld"], "format.invalid_context"),
    ([V2, OB, "https://evil.example/context.jsonld"], "context.not_allowed"),
    ([V2, OB, "https://www.w3.org/ns/credentials/examples/v2"], "context.test_only"),
    ([V2, OB, {"@base": "https://invalid.example.com/"}], "jsonld.base_not_allowed"),
], ids=["missing", "swapped", "number", "first-not-vc", "unpinned", "examples-in-production",
        "inline-base"])
def test_bad_context(verifier: Verifier, good_badge: dict[str, Any], ctx: Any, code: str) -> None:
    doc = _with_context(good_badge, ctx)
    if ctx is None:
        del doc["@context"]
    report = verifier.verify_credential(doc)
    assert not report.verified
    assert _code(report, "context") == code


def test_unpinned_context_makes_no_network_call(interop: Any, good_badge: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    from verifier.clock import FixedClock
    from verifier.contexts import ContextStore
    from verifier.fetch import FetchResponse
    from verifier.key_lookup import ResolverKeyLookup

    calls: list[str] = []

    class Recorder:
        def fetch(self, url: str, *, accept: str | None = None, max_bytes: int | None = None) -> FetchResponse:
            calls.append(url)
            raise AssertionError("no fetch expected")

    store = ContextStore(directories=[interop / "contexts"], fetcher=Recorder(), allow_network=True)
    clock = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
    v = Verifier(contexts=store, keys=ResolverKeyLookup.create(Recorder(), clock), clock=clock)
    doc = _with_context(good_badge, [V2, OB, "https://evil.example/context.jsonld"])
    assert _code(v.verify_credential(doc), "context") == "context.not_allowed"
    assert calls == []


def test_protected_term_redefinition_is_refused(verifier: Verifier, good_badge: dict[str, Any]) -> None:  # BAD_INPUTS 16
    doc = _with_context(good_badge, [V2, OB, {"VerifiableCredential": "https://evil.example/VC"}])
    report = verifier.verify_credential(doc)
    assert not report.verified
    codes = {c.code for c in report.checks if c.status is Status.FAILED}
    assert "context.protected_term" in codes


def test_inline_context_without_base_is_fine(verifier: Verifier, sign: Any) -> None:
    doc = badge_v2(ISSUER.public.did_key)
    doc["@context"].append({"motto": "https://pl.lakeview.example/vocab#motto"})
    doc["motto"] = "Every student, every day"
    report = verifier.verify_credential(sign(doc))
    assert report.verified, report.to_json()


def test_report_json_shape(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    out = verifier.verify_credential(good_badge, label="x.json").to_json()
    assert set(out) >= {"input", "verified", "format", "checks"}
    assert all({"id", "status", "code"} <= set(c) for c in out["checks"])
    json.dumps(out)
