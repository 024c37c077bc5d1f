"""The one report shape every verification returns.

A report is frozen and JSON-serializable. ``verified`` is computed, never set: it is true only
when no required check failed or errored, so a revoked or unknown status can never slip through.
"""

from __future__ import annotations

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
