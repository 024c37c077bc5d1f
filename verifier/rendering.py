"""Plain-language text for a report: what each check found, what it means, what to do.

The JSON form of a report (``VerificationReport.to_json``) is for programs; this is for the HR
clerk reading a terminal. Advice is keyed by error code, so it stays stable as messages improve.
"""

from __future__ import annotations

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

#: What to do, by code prefix (longest match wins).
ADVICE = {
    "parse.": "Ask the sender for the original file; this one is not a credential we can read.",
    "format.": "The credential does not follow the VC data model; ask the issuer to reissue it.",
    "context.not_allowed": "It uses a vocabulary that is not on the pinned list; do not accept it "
                           "unless you know why.",
    "context.not_found": "Add the context files with 'vcwallet contexts import DIR' or allow the "
                         "network once with 'vcwallet contexts fetch'.",
    "context.": "Its vocabulary could not be loaded safely, so what was signed is unclear.",
    "jsonld.": "Part of the credential would not be covered by the signature; treat it as forged.",
    "canonicalization.": "The credential is built to exhaust verifiers; treat it as hostile.",
    "proof.invalid_signature": "The content was changed after it was signed. Do not accept it.",
    "proof.": "The signature is missing or unusable. Do not accept the credential as proof.",
    "vm.controller_mismatch": "It was signed by someone other than the issuer it names: a forgery.",
    "vm.": "The signing key is not one the issuer has published for issuing.",
    "did.": "The issuer's identity document could not be retrieved; try again later.",
    "fetch.": "A document needed for the check could not be fetched; try again later or offline "
              "with --url-map.",
    "validity.expired": "It has expired. It may still show the person earned it at the time.",
    "validity.not_yet_valid": "It is not valid yet; check its start date.",
    "validity.": "Its dates are inconsistent.",
    "status.revoked": "The issuer has revoked it. Do not accept it.",
    "status.suspended": "The issuer has suspended it; ask the issuer or the holder why.",
    "status.": "Its revocation status is unknown; it cannot be accepted until that is checked.",
    "trust.": "The issuer is not on your trust list; decide whether you know and accept them.",
    "openbadges.recipient_mismatch": "The badge was not issued to the person you named.",
    "openbadges.": "It does not follow the Open Badges rules.",
    "presentation.challenge_reused": "This presentation was already used once; ask for a new one.",
    "presentation.challenge_unknown": "You did not issue this challenge (check --ledger, or use "
                                      "--no-ledger if you keep challenges elsewhere); ask for a new answer.",
    "presentation.foreign_proof": "Someone other than the holder signed it: a replay or forgery. "
                                  "Do not accept it.",
    "presentation.subject_mismatch": "A credential inside is about someone else: ask the holder "
                                     "to present their own credentials.",
    "presentation.recipient_required": "Give the expected recipient (--recipient EMAIL) to check "
                                       "who the badge was issued to.",
    "presentation.": "The presentation does not answer your request; ask the holder for a new one.",
    "jwt.": "The token's signature or header is unsafe or invalid. Do not accept it.",
}


def advice(code: str | None) -> str | None:
    """What a reader should do about ``code``, if we have advice for it."""
    if not code:
        return None
    best = max((p for p in ADVICE if code.startswith(p)), key=len, default=None)
    return ADVICE[best] if best else None


def _line(check: CheckResult) -> list[str]:
    title = TITLES.get(check.id, check.id)
    head = f"  {MARKS[check.status]} {title:<18} {WORDS[check.status]}: {check.message}"
    lines = [head]
    if check.status in (Status.FAILED, Status.ERROR, Status.WARNING):
        where = f" at {check.path}" if check.path else ""
        if check.code:
            lines.append(f"      code {check.code}{where}")
        tip = advice(check.code)
        if tip:
            lines.append(f"      → {tip}")
    return lines


def render_text(report: VerificationReport, *, indent: str = "") -> str:
    """The report as plain text, one line per check plus advice for problems."""
    verdict = "VERIFIED" if report.verified else "NOT VERIFIED"
    lines = [f"{report.input}: {verdict} ({report.format})"]
    for check in report.checks:
        lines.extend(_line(check))
    for nested in report.credentials:
        lines.append(render_text(nested, indent=indent + "    "))
    return "\n".join(indent + line if i else line for i, line in enumerate(lines))
