"""What a ``str`` means to the verifier: a compact VC-JWT or SD-JWT, never JSON text to guess at.

JSON is given as bytes (as read from a file) or already parsed; JSON text given as ``str`` is a
failed ``parse`` check with ``parse.unknown_format``, at the top and inside a presentation.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from verifier.report import Status
from verifier.vc_jwt import issue_vc_jwt
from verifier.verification import Verifier

from .conftest import ISSUER, badge_v2, vm_of


def _parse(report: Any) -> tuple[Status, str | None]:
    first = report.checks[0]
    assert first.id == "parse"
    return first.status, first.code


def test_json_text_as_str_is_refused_with_a_code(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    report = verifier.verify_credential(json.dumps(good_badge), label="badge")
    assert _parse(report) == (Status.FAILED, "parse.unknown_format")
    assert not report.verified and report.input == "badge"


def test_the_same_json_as_bytes_or_parsed_verifies(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    for form in (good_badge, json.dumps(good_badge).encode(), bytearray(json.dumps(good_badge).encode())):
        report = verifier.verify_credential(form)
        assert report.verified, report.to_json()


def test_a_compact_vc_jwt_is_text_and_verifies_as_str_or_bytes(verifier: Verifier) -> None:
    token = issue_vc_jwt(badge_v2(ISSUER.public.did_key), ISSUER, vm_of(ISSUER))
    for form in (token, token.encode("ascii"), f"  {token}\n"):
        report = verifier.verify_credential(form)
        assert report.verified, report.to_json()
        assert report.format.startswith("vc")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert not verifier.verify_credential(tampered).verified


def test_other_text_is_refused_too(verifier: Verifier) -> None:
    for text in ("", "   ", "not a credential", '"a JSON string"', "[1, 2]"):
        assert _parse(verifier.verify_credential(text)) == (Status.FAILED, "parse.unknown_format"), text


def test_a_presentation_as_str_is_refused_and_as_bytes_is_read(verifier: Verifier,
                                                                good_badge: dict[str, Any]) -> None:
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"], "verifiableCredential": [good_badge]}
    text = json.dumps(presentation)
    refused = verifier.verify_presentation(text, challenge="c", domain="d.example")
    assert _parse(refused) == (Status.FAILED, "parse.unknown_format") and not refused.verified
    read = verifier.verify_presentation(text.encode(), challenge="c", domain="d.example")
    assert _parse(read) == (Status.PASSED, None)
    assert read.credentials and read.credentials[0].verified


def test_json_text_inside_a_presentation_is_not_parsed(verifier: Verifier,
                                                       sign: Callable[..., dict[str, Any]],
                                                       good_badge: dict[str, Any]) -> None:
    """A presentation may carry a credential as a token string; a string of JSON text is not a
    credential to unwrap (it would be a second, unsigned way to smuggle one in)."""
    def presentation(item: Any) -> bytes:
        return json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                           "type": ["VerifiablePresentation"],
                           "verifiableCredential": [item]}).encode()

    smuggled = verifier.verify_presentation(presentation(json.dumps(good_badge)))
    assert _parse(smuggled.credentials[0]) == (Status.FAILED, "parse.unknown_format")
    embedded = verifier.verify_presentation(presentation(copy.deepcopy(good_badge)))
    assert embedded.credentials[0].verified
    token = issue_vc_jwt(badge_v2(ISSUER.public.did_key), ISSUER, vm_of(ISSUER))
    as_token = verifier.verify_presentation(presentation(token))
    assert as_token.credentials[0].verified
