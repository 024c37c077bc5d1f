"""Plain-language text for a report: what each check found, what it means, what to do.

The JSON form of a report (``VerificationReport.to_json``) is for programs; this is for the HR
clerk reading a terminal. Advice is keyed by error code (:func:`verifier.errors.advice`, the one
table of codes), so it stays stable as messages improve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import advice
from .report import CheckResult, Status, VerificationReport

MARKS = {Status.PASSED: "✔", Status.FAILED: "✘", Status.ERROR: "!", Status.SKIPPED: "-",
         Status.WARNING: "⚠"}
WORDS = {Status.PASSED: "ok", Status.FAILED: "FAILED", Status.ERROR: "could not check",
         Status.SKIPPED: "skipped", Status.WARNING: "note"}

TITLES = {
    "parse": "Readable", "format": "Well-formed", "context": "Vocabulary", "proof": "Signature",
    "issuer": "Issuer's key", "validity": "Dates", "status": "Revocation", "trust": "Trusted issuer",
    "openbadges": "Open Badges rules", "presentation": "Presentation", "disclosure": "Disclosure",
}

#: What must never reach a terminal raw from a report (all of it may echo the input): C0 controls
#: (ESC starts terminal escape sequences, BEL, CR rewrites the line), DEL, C1 controls (U+009B is
#: a one-character CSI), lone surrogates (not text; printing them crashes a UTF-8 stream), the
#: line/paragraph separators and the bidi overrides and isolates (text that shows in another order
#: than it reads). They are shown as escapes instead: ``\x1b``, ``\u202e``, ``\ud800``.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    """``value`` as one line of text that is safe to print on a terminal (see ``_UNSAFE``)."""
    return _UNSAFE.sub(_escape, str(value))


def verdict(report: VerificationReport) -> str:
    """``VERIFIED``, ``NOT VERIFIED``, or ``NOT VERIFIED — COULD NOT CHECK`` when nothing failed
    but something could not be decided (a missing context, an unreachable DID document or status
    list): that is no verdict on the credential, and must not read as "invalid"."""
    if report.verified:
        return "VERIFIED"
    return "NOT VERIFIED — COULD NOT CHECK" if could_not_check(report) else "NOT VERIFIED"


#: Codes of checks that could not decide because something needed could not be had.
_UNCHECKED = ("context.not_found", "did.not_found", "fetch.", "status.unknown", "internal.error")


def could_not_check_advice(codes: Iterable[str | None]) -> str:
    """What to do about a credential that could not be checked, from its problem codes (the
    first one that says why), for front ends that show a status rather than a report."""
    for code in codes:
        if code and code.startswith(_UNCHECKED):
            tip = advice(code)
            if tip:
                return tip
    return ("Something the check needs could not be had (a vocabulary file, the issuer's "
            "documents or a status list); check your network and verify again.")


def could_not_check(report: VerificationReport) -> bool:
    """Not verified only because some check could not decide (``error``), none said no."""
    if report.verified:
        return False
    mine = [c for c in report.checks if c.status in (Status.FAILED, Status.ERROR)]
    nested = [r for r in report.credentials if not r.verified]
    if any(c.status is Status.FAILED for c in mine):
        return False
    if not mine and not nested:
        return False
    return all(could_not_check(r) for r in nested)


def _line(check: CheckResult) -> list[str]:
    title = TITLES.get(check.id, check.id)
    head = f"  {MARKS[check.status]} {title:<18} {WORDS[check.status]}: {safe_text(check.message)}"
    lines = [head]
    if check.status in (Status.FAILED, Status.ERROR, Status.WARNING):
        where = f" at {safe_text(check.path)}" if check.path else ""
        if check.code:
            lines.append(f"      code {safe_text(check.code)}{where}")
        tip = advice(check.code)
        if tip:
            lines.append(f"      → {tip}")
    return lines


def render_text(report: VerificationReport, *, indent: str = "") -> str:
    """The report as plain text, one line per check plus advice for problems.

    Every value that can echo the input (label, messages, paths, codes) goes through
    :func:`safe_text`, so a credential cannot write terminal escapes or crash the output.
    """
    lines = [f"{safe_text(report.input)}: {verdict(report)} ({safe_text(report.format)})"]
    for check in report.checks:
        lines.extend(_line(check))
    for nested in report.credentials:
        lines.append(render_text(nested, indent=indent + "    "))
    return "\n".join(indent + line if i else line for i, line in enumerate(lines))
