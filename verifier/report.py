"""The one report shape every verification returns.

A report is frozen and JSON-serializable. ``verified`` is computed, never set: it is true only
when no required check failed or errored, so a revoked or unknown status can never slip through.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

CHECK_IDS = (
    "parse", "format", "context", "proof", "issuer", "validity", "status", "trust",
    "openbadges", "presentation", "disclosure",
)


class Status(StrEnum):
    """Outcome of one check."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    WARNING = "warning"


@dataclass(frozen=True)
class CheckResult:
    """One named check: what ran, what it said, and (on failure) a stable code and location."""

    id: str
    status: Status
    code: str | None = None
    message: str = ""
    path: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.id not in CHECK_IDS:
            raise ValueError(f"unknown check id {self.id!r}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status.value, "code": self.code,
                               "message": self.message}
        if self.path is not None:
            out["path"] = self.path
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True)
class VerificationReport:
    """The answer to "can this be trusted?", as a list of named checks."""

    input: str
    format: str
    checks: tuple[CheckResult, ...]
    credentials: tuple[VerificationReport, ...] = ()

    @property
    def verified(self) -> bool:
        if not self.checks:
            return False
        if any(c.status in (Status.FAILED, Status.ERROR) for c in self.checks):
            return False
        if not any(c.status is Status.PASSED and c.id == "proof" for c in self.checks):
            return False
        return all(r.verified for r in self.credentials)

    def check(self, check_id: str) -> CheckResult | None:
        """The first result with this id, if the check ran."""
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status in (Status.FAILED, Status.ERROR)]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VerificationReport:
        """Rebuild a report saved with :meth:`to_json` (e.g. the one a wallet stores)."""
        checks = tuple(
            CheckResult(c["id"], Status(c["status"]), c.get("code"), c.get("message", ""),
                        c.get("path"), dict(c.get("details") or {}))
            for c in data.get("checks", []) if c.get("id") in CHECK_IDS)
        nested = tuple(cls.from_json(r) for r in data.get("credentials", []))
        return cls(str(data.get("input", "")), str(data.get("format", "unknown")), checks, nested)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "input": self.input,
            "verified": self.verified,
            "format": self.format,
            "checks": [c.to_json() for c in self.checks],
        }
        if self.credentials:
            out["credentials"] = [r.to_json() for r in self.credentials]
        return out


# -- the boundary: a defect becomes one input's report ------------------------------------------

#: Set (to anything but ``0``) to have the orchestrator boundaries print the traceback of an
#: internal error on stderr. Off by default: a traceback is for developers, never for users.
DEBUG_ENV = "VCWALLET_DEBUG"


def internal_error_report(label: str, exc: BaseException, fmt: str = "unknown") -> VerificationReport:
    """The report of an input whose verification raised a defect (not bad input).

    The orchestrator boundaries (``Verifier`` entry points, ``verify_many`` workers, the CLI's
    per-input loop, wallet import, the TUI's verify worker) catch any exception and turn it into
    this: an ``error`` (could not check) ``parse`` result with code ``internal.error`` and the
    exception's type in ``details``, so the inputs after it still get their reports.
    """
    kind = type(exc).__name__
    if os.environ.get(DEBUG_ENV, "0") not in ("", "0"):
        import sys
        import traceback

        print(f"{DEBUG_ENV}: internal error while verifying {label!a}:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
    return VerificationReport(label, fmt, (CheckResult(
        "parse", Status.ERROR, "internal.error",
        f"this input could not be checked: the verifier hit an internal error ({kind}); "
        "the other inputs are not affected",
        details={"exception": kind}),))


# -- JSON out: valid UTF-8 whatever the strings hold --------------------------------------------

#: Characters that are valid in a Python ``str`` but must not reach a terminal or a UTF-8 file
#: raw: lone surrogates (not encodable as UTF-8), DEL and the C1 controls (U+0080-U+009F, where
#: U+009B is a one-character CSI), the line/paragraph separators and the bidi overrides (text
#: that displays in another order than it reads). ``json.dumps`` already escapes C0 controls.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _u_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(value: Any, _depth: int = 0) -> Any:
    """``value`` with everything JSON cannot hold made into text: non-finite floats, non-string
    keys, tuples, sets and other objects (their ``str``). Deeper than 200 levels is cut off."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if _depth > 200:
        return "…"
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): json_safe(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v, _depth + 1) for v in value]
    return str(value)


def dumps_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text that always encodes as UTF-8 and is safe on a terminal.

    Non-ASCII text stays readable; lone surrogates, DEL, C1 controls, bidi overrides and line
    separators are written as ``\\uXXXX`` escapes (inside JSON strings, which is the only place
    they can occur, so the text is still valid JSON and reads back to the same value).
    """
    text = json.dumps(json_safe(value), ensure_ascii=False, allow_nan=False, indent=indent)
    return _JSON_UNSAFE.sub(_u_escape, text)
