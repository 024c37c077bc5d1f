"""What the wallet stores and shows: the record kinds, a credential's summary, the status words.

A credential is stored as three sealed records under one random id:

``credential``
    the exact bytes it arrived in (JSON, a JWT, a baked PNG/SVG), never re-serialised;
``report``
    the verifier's report (JSON) from import or the last ``recheck``;
``summary``
    what a person recognises it by (name, achievement, issuer, dates), its status, where it came
    from, tags and a note. ``list`` and ``search`` decrypt the summaries in memory; there is no
    plaintext index, so nothing identifying is readable without the passphrase.

Holder keys (``holder_key``) and the ``settings`` record (which key is active) are sealed
records too.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from verifier.errors import ParseError
from verifier.report import CheckResult, Status, VerificationReport

from ..importing import CredentialView, view_credential

KIND_CREDENTIAL = "credential"
KIND_REPORT = "report"
KIND_SUMMARY = "summary"
KIND_HOLDER_KEY = "holder_key"
KIND_SETTINGS = "settings"
SETTINGS_ID = "settings"
CREDENTIAL_KINDS = frozenset({KIND_CREDENTIAL, KIND_REPORT, KIND_SUMMARY})

#: ``list --status`` values, in the order a listing explains them. ``unchecked`` ("not rechecked")
#: is a credential restored or salvaged from outside that could not be verified again here.
STATUSES = ("verified", "untrusted", "revoked", "suspended", "expired", "invalid", "unknown", "unchecked")
_SUMMARY_VERSION = 1


class CredentialVerifier(Protocol):
    """What the wallet needs from :class:`verifier.verification.Verifier`."""

    def verify_credential(self, data: Any, *, label: str = ...,
                          recipient: str | None = ...) -> VerificationReport: ...


def status_of(report: Mapping[str, Any]) -> str:
    """One word for a report (JSON form): what ``list --status`` filters on.

    Revoked, suspended and expired win over everything; a verified credential whose issuer is
    not on the trust list is ``untrusted``; any other failure is ``invalid``; a report that
    could not decide (unreachable status list, unsupported format) is ``unknown``.
    """
    checks = [c for c in report.get("checks", []) if isinstance(c, dict)]
    codes = {c.get("code") for c in checks if c.get("status") in ("failed", "error")}
    if "status.revoked" in codes:
        return "revoked"
    if "status.suspended" in codes:
        return "suspended"
    if "validity.expired" in codes:
        return "expired"
    untrusted = any(c.get("id") == "trust" and c.get("code") == "trust.untrusted_issuer"
                    and c.get("status") in ("warning", "failed") for c in checks)
    if report.get("verified") is True:
        return "untrusted" if untrusted else "verified"
    failed = {c.get("code") for c in checks if c.get("status") == "failed"} - {None}
    if failed <= {"trust.untrusted_issuer", "trust.achievement_not_accepted"} and untrusted and failed:
        return "untrusted"
    return "invalid" if failed else "unknown"


def problems(report: Mapping[str, Any]) -> list[str]:
    return sorted({str(c["code"]) for c in report.get("checks", [])
                   if isinstance(c, dict) and c.get("code") and c.get("status") in ("failed", "error",
                                                                                      "warning")})


def not_rechecked_report(label: str, kind: str) -> dict[str, Any]:
    """The report stored for a credential from outside that no verifier could check here."""
    check = CheckResult("proof", Status.SKIPPED, "wallet.not_rechecked",
                        "restored or salvaged from outside the wallet and not verified again here")
    return VerificationReport(label, kind, (check,)).to_json()


@dataclass(frozen=True)
class CredentialSummary:
    """What the wallet shows in a list. ``damaged`` holds an error code when the record is unreadable."""

    id: str
    name: str | None = None
    achievement: str | None = None
    achievement_type: str | None = None
    description: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    subject: str | None = None
    issued: str | None = None
    expires: str | None = None
    credential_id: str | None = None
    format: str = "unknown"
    kind: str = "unknown"
    container: str | None = None
    types: tuple[str, ...] = ()
    status: str = "unknown"
    verified: bool = False
    flagged: bool = False
    problems: tuple[str, ...] = ()
    content_sha256: str = ""
    size: int = 0
    source: str = ""
    presentation: str | None = None
    imported_at: str = ""
    checked_at: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    salvaged: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    damaged: str | None = None

    @classmethod
    def from_record(cls, record_id: str, data: Mapping[str, Any]) -> CredentialSummary:
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        return cls(
            id=record_id, name=text("name"), achievement=text("achievement"),
            achievement_type=text("achievement_type"), description=text("description"),
            issuer_id=text("issuer_id"), issuer_name=text("issuer_name"), subject=text("subject"),
            issued=text("issued"), expires=text("expires"), credential_id=text("credential_id"),
            format=text("format") or "unknown", kind=text("kind") or "unknown", container=text("container"),
            types=strings("types"), status=text("status") or "unknown", verified=data.get("verified") is True,
            flagged=data.get("flagged") is True, problems=strings("problems"),
            content_sha256=text("content_sha256") or "", size=int(data.get("size") or 0),
            source=text("source") or "", presentation=text("presentation"),
            imported_at=text("imported_at") or "", checked_at=text("checked_at") or "",
            tags=strings("tags"), note=text("note") or "", salvaged=data.get("salvaged") is True,
            extra=dict(data["extra"]) if isinstance(data.get("extra"), dict) else {})

    def to_record(self) -> dict[str, Any]:
        out = {k: v for k, v in self.to_json().items() if k not in ("id", "damaged")}
        out["v"] = _SUMMARY_VERSION
        out["extra"] = self.extra
        return out

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (``list --json``); ``extra`` is left out."""
        return {
            "id": self.id, "name": self.name, "achievement": self.achievement,
            "achievement_type": self.achievement_type, "description": self.description,
            "issuer_id": self.issuer_id, "issuer_name": self.issuer_name, "subject": self.subject,
            "issued": self.issued, "expires": self.expires, "credential_id": self.credential_id,
            "format": self.format, "kind": self.kind, "container": self.container, "types": list(self.types),
            "status": self.status, "verified": self.verified, "flagged": self.flagged,
            "problems": list(self.problems), "content_sha256": self.content_sha256, "size": self.size,
            "source": self.source, "presentation": self.presentation, "imported_at": self.imported_at,
            "checked_at": self.checked_at, "tags": list(self.tags), "note": self.note,
            "salvaged": self.salvaged, "damaged": self.damaged,
        }

    def search_text(self) -> str:
        parts = [self.name, self.achievement, self.achievement_type, self.description, self.issuer_id,
                 self.issuer_name, self.credential_id, self.format, self.source, self.note, self.status,
                 *self.tags, *self.types]
        return fold(" ".join(p for p in parts if p))


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class StoredCredential:
    """One credential as stored: its summary, its exact bytes, and its last report (JSON)."""

    summary: CredentialSummary
    data: bytes
    report: dict[str, Any]

    @property
    def id(self) -> str:
        return self.summary.id

    def view(self) -> CredentialView:
        """The credential read as JSON (unverified; for display)."""
        return view_credential(self.data)




def json_bytes(value: Any) -> bytes:
    # backslashreplace: a lone surrogate (from a file name or the credential's JSON) becomes its
    # \uXXXX escape, which is valid JSON and reads back as the same string
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def json_record(data: bytes) -> dict[str, Any]:
    """A record's JSON. Records are authenticated (only this wallet's key could have sealed them),
    so the fast standard parser is enough; untrusted input goes through ``json_reader.loads``."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ParseError("parse.malformed_json", "a wallet record is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ParseError("parse.not_an_object", "a wallet record is not a JSON object")
    return value


__all__ = [
    "CREDENTIAL_KINDS", "KIND_CREDENTIAL", "KIND_HOLDER_KEY", "KIND_REPORT", "KIND_SETTINGS", "KIND_SUMMARY",
    "SETTINGS_ID", "STATUSES", "CredentialSummary", "CredentialVerifier", "StoredCredential", "fold",
    "json_bytes", "json_record", "not_rechecked_report", "problems", "status_of",
]
