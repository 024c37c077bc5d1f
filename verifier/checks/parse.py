"""The ``parse`` check: could the input be read, and as what?

The first check of every report. It passes naming the form the input was read as (a JSON-LD
credential or presentation, a VC-JWT, an SD-JWT VC, an Open Badges 2.0 assertion, each possibly
from a baked image or an envelope), and fails with the reason nothing else could be checked:
malformed or oversized JSON (``parse.*``), a JSON value that is not an object, a token or image
that is broken (``jwt.*``, ``sdjwt.malformed``, ``openbadges.invalid_image``), an image that
carries two different badges (``openbadges.baked_mismatch``), a form this verifier does not read
or credentials nested too deeply (``parse.unknown_format``).

Which reader runs is the orchestrator's choice (:mod:`verifier.verification`); this module holds
the readers' small decisions and the results they give.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import ParseError, VCError
from ..json_reader import loads
from ..report import CheckResult, Status, VerificationReport
from ..sdjwt.verify import SdJwtResult
from .results import from_error


def json_value(data: Any, *, max_bytes: int) -> Any:
    """``data`` parsed as strict JSON when it is bytes or text; an object is returned as it is.

    Raises :class:`~verifier.errors.ParseError` (``parse.*``)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return loads(bytes(data), max_bytes=max_bytes)
    if isinstance(data, str):
        return loads(data, max_bytes=max_bytes)
    return data


def compact_token(data: Any, *, max_bytes: int) -> str | None:
    """The input as text when it looks like a compact token (JWT/SD-JWT), else ``None``."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_bytes or raw[:1] in (b"{", b"[") or not raw.strip():
            return None
        try:
            text = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            return None
    elif isinstance(data, str):
        text = data.strip()
    else:
        return None
    return text if text[:2] == "ey" and "." in text else None


def read_as(what: str, details: dict[str, Any] | None = None) -> CheckResult:
    """Passed: the input was read as ``what`` (``"read as a JSON-LD credential"``, say)."""
    return CheckResult("parse", Status.PASSED, None, what, details=details or {})


def unreadable(exc: VCError) -> CheckResult:
    """Failed: the input could not be read, for the reason ``exc`` gives."""
    return from_error("parse", exc, Status.FAILED)


def not_an_object(value: Any, what: str = "credential") -> CheckResult:
    """Failed: the JSON is valid but is no object (a string, a list, a number)."""
    message = (f"a credential is a JSON object, this is a {type(value).__name__}" if what == "credential"
               else f"a {what} is a JSON object")
    return unreadable(ParseError("parse.not_an_object", message))


def nested_too_deeply() -> CheckResult:
    """Failed: images, envelopes and endorsements nest beyond what the verifier follows."""
    return CheckResult("parse", Status.FAILED, "parse.unknown_format", "credentials nested too deeply")


def signed_ob2_as_json() -> CheckResult:
    """Failed: a signed OB 2.0 assertion is only what its JWS says, never a JSON copy of it."""
    return CheckResult("parse", Status.FAILED, "parse.unknown_format",
                       "a signed Open Badges 2.0 assertion must be given as its JWS")


def baked_mismatch() -> CheckResult:
    """Failed: an OB 2.0 SVG's ``verify`` attribute names another assertion than the one baked
    beside it, so the image carries two different badges."""
    return CheckResult("parse", Status.FAILED, "openbadges.baked_mismatch",
                       "the SVG's verify attribute is not the URL of the assertion baked beside it")


def ob3_image_link() -> CheckResult:
    """Failed: an Open Badges 3.0 image must carry the credential itself."""
    return CheckResult("parse", Status.FAILED, "openbadges.invalid_image",
                       "an Open Badges 3.0 image must carry the credential, not a link")


def stopped(exc: VCError | RecursionError) -> CheckResult:
    """Error: verification stopped on an error that escaped the checks (a defect below)."""
    code = exc.code if isinstance(exc, VCError) else "parse.malformed_json"
    return CheckResult("parse", Status.ERROR, code, f"verification stopped: {exc}")


def from_container(report: VerificationReport, container: str) -> VerificationReport:
    """``report`` with its passed ``parse`` check saying the credential came out of ``container``
    (a baked image, an envelope), so the report names where it was found."""
    first = report.checks[0] if report.checks else None
    if first is None or first.id != "parse" or first.status is not Status.PASSED:
        return report
    parse = replace(first, message=f"{first.message}, from {container}")
    return replace(report, checks=(parse, *report.checks[1:]))


def sd_jwt(result: SdJwtResult) -> CheckResult:
    """The ``parse`` result of an SD-JWT VC: read (naming its ``vct``), or why not.

    A token whose issuer cannot be told is read as "an SD-JWT" only; its ``proof`` then fails
    (see :func:`verifier.checks.proof.sd_jwt_unattributed`), unless its claims contradict the
    credential (``jwt.invalid_claims``), which makes it unreadable.
    """
    if not result.parsed:
        return unreadable(result.error or VCError("sdjwt.malformed"))
    if result.issuer is None:
        error = result.error or VCError("sdjwt.malformed")
        if error.code == "jwt.invalid_claims":
            return unreadable(error)
        return read_as("read as an SD-JWT")
    return read_as(f"read as an SD-JWT VC of type {result.vct}", {"vct": result.vct})
