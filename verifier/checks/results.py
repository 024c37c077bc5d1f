"""How a check states its result: from a coded error, as "not checked", or from collected findings.

Every check module builds its :class:`~verifier.report.CheckResult` through these, so one rule
decides everywhere what an error means: a document that could not be had (a context with no
local copy and no network, an unreachable DID document or list) is ``error``, "could not check",
never "invalid"; everything else is ``failed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import VCError
from ..report import CheckResult, Status

#: Codes that mean "could not get what the check needs". A context that is refused (not
#: pinned, digest mismatch) is a "no", so only ``context.not_found`` is here.
UNREACHABLE = ("fetch.", "did.not_found", "context.not_found")


def could_not_check(exc: VCError) -> Status:
    """``error`` when ``exc`` says something needed could not be had, else ``failed``."""
    return Status.ERROR if exc.code.startswith(UNREACHABLE) else Status.FAILED


def from_error(check: str, exc: VCError, status: Status | None = None) -> CheckResult:
    """The ``check`` result that ``exc`` decides: its code, message, path and details.

    ``status`` defaults to :func:`could_not_check`'s answer.
    """
    return CheckResult(check, status or could_not_check(exc), exc.code, exc.message, exc.path,
                       dict(exc.details))


def skipped(check: str, why: str) -> CheckResult:
    """``check`` was not run, and ``why`` (it would judge something not shown to be signed, say)."""
    return CheckResult(check, Status.SKIPPED, None, why)


def passed(check: str, message: str, details: dict[str, Any] | None = None) -> CheckResult:
    """``check`` passed, saying ``message``."""
    return CheckResult(check, Status.PASSED, None, message, details=details or {})


@dataclass(frozen=True)
class Problem:
    """One rule broken at one place."""

    code: str
    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "path": self.path, "message": self.message}


class Findings:
    """Collects problems so a check can report all of them; the first one names the result.

    Warnings are rule breaches the check reports without failing (result WARNING when there is
    nothing worse). The ``format`` and ``openbadges`` checks use it, so the user sees every shape
    problem at once (``details["problems"]``), not just the first.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, code: str, path: str, message: str) -> None:
        self.problems.append(Problem(code, path, message))

    def warn(self, code: str, path: str, message: str) -> None:
        self.warnings.append(Problem(code, path, message))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def result(self, check_id: str, passed_message: str, details: dict[str, Any]) -> CheckResult:
        details = dict(details)
        if self.warnings:
            details["warnings"] = [p.to_json() for p in self.warnings]
        if not self.problems and not self.warnings:
            return CheckResult(check_id, Status.PASSED, None, passed_message, details=details)
        if not self.problems:
            first = self.warnings[0]
            return CheckResult(check_id, Status.WARNING, first.code, first.message, first.path, details)
        first = self.problems[0]
        more = len(self.problems) - 1
        message = first.message + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        details["problems"] = [p.to_json() for p in self.problems]
        return CheckResult(check_id, Status.FAILED, first.code, message, first.path, details)
