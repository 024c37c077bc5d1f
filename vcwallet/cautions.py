"""Whether a badge deserves a second thought before it leaves the wallet, decided in one place.

Presenting a badge to a district and sharing it (a LinkedIn link, an HTML page, a baked image)
are both the holder vouching for it. A badge that is revoked, suspended, expired, not yet valid,
from an issuer outside the trust list, not verified, or whose status could not be checked is
never hidden: the holder sees why (plain sentences, with the stable codes behind them) and
confirms. The command line and the terminal app show the same :class:`Caution` and ask; the use
cases refuse to go on without the confirmation (``request.unconfirmed``, ``share.unconfirmed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verifier.clock import Clock
from verifier.trust import TrustList

from .badge_facts import credential_issuer, expiry

#: Flags (report codes) and the plain sentence shown for each.
FLAG_TEXT = {
    "status.revoked": "revoked by its issuer",
    "status.suspended": "suspended by its issuer",
    "status.unknown": "its revocation status could not be checked",
    "validity.expired": "expired",
    "validity.not_yet_valid": "not valid yet",
    "validity.invalid_period": "its validity dates are malformed",
    "trust.untrusted_issuer": "its issuer is not on your trust list",
    "trust.achievement_not_accepted": "the trust list does not accept this achievement type from its issuer",
    "report.missing": "it has not been verified yet; verify it before it leaves the wallet",
}


@dataclass(frozen=True)
class Caution:
    """Why a badge should not go out without the holder's confirmation (nothing when ``flags`` is
    empty). ``flags`` are stable codes; ``warnings`` the sentences shown for them, in order."""

    flags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.flags)


def _flags_from_report(report: Mapping[str, Any] | None) -> list[str]:
    if report is None:
        return ["report.missing"]
    flags: list[str] = []
    skipped_kb = False
    checks = report.get("checks")
    for check in checks if isinstance(checks, list) else []:
        if not isinstance(check, Mapping):
            continue
        status, code = check.get("status"), check.get("code")
        if status not in ("failed", "error", "warning") or not isinstance(code, str):
            continue
        if status == "warning" and not code.startswith("trust."):
            continue
        if code == "sdjwt.kb_missing":
            skipped_kb = True  # the holder's own SD-JWT has no key binding: that is made per request
            continue
        flags.append(code)
    if report.get("verified") is False and not flags and not skipped_kb:
        flags.append("report.not_verified")
    return flags


def warning_text(flag: str) -> str:
    if flag in FLAG_TEXT:
        return FLAG_TEXT[flag]
    return f"it did not verify ({flag})"


def credential_flags(credential: Mapping[str, Any], report: Mapping[str, Any] | None, clock: Clock,
                     trust_list: TrustList | None) -> tuple[str, ...]:
    """The stable codes of everything that should give the holder pause: the last report's
    failures, errors and trust warnings, an expiry passed since (by ``clock``), and an issuer
    missing from ``trust_list``."""
    flags = _flags_from_report(report)
    ends = expiry(credential)
    if ends is not None and ends < clock.now():
        flags.append("validity.expired")
    if trust_list is not None and trust_list.lookup(credential_issuer(credential)) is None:
        flags.append("trust.untrusted_issuer")
    return tuple(dict.fromkeys(flags))


def caution_for(credential: Mapping[str, Any], report: Mapping[str, Any] | None, *, clock: Clock,
                trust_list: TrustList | None) -> Caution:
    """The :class:`Caution` for a credential (as JSON) and its last report (JSON), now."""
    flags = credential_flags(credential, report, clock, trust_list)
    return Caution(flags, tuple(warning_text(flag) for flag in flags))


__all__ = ["FLAG_TEXT", "Caution", "caution_for", "credential_flags", "warning_text"]
