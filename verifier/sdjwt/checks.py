"""An :class:`SdJwtResult` as report checks: ``parse``, ``proof``, ``issuer``, ``validity``,
``status``, ``trust`` and ``disclosure``.

The ``disclosure`` check is the SD-JWT specific one. It passes with ``details["disclosed"]`` (the
claim paths the holder chose to reveal), ``details["alwaysVisible"]`` and ``details["claims"]``
(exactly the JSON the verifier received after processing), and it fails for every disclosure or
key-binding problem, with the ``sdjwt.*`` code and, for key binding, ``details["reason"]``.
"""

from __future__ import annotations

from typing import Any

from ..errors import VCError
from ..openbadges import achievement_types
from ..presentation import ChallengeStore
from ..report import CheckResult, Status, VerificationReport
from ..trust import TrustList, check_trust
from .verify import KB_NOT_REQUIRED, KB_VERIFIED, SdJwtResult, TokenStatusOutcome

FORMAT = "sd-jwt-vc"


def _status_for(exc: VCError) -> Status:
    """Unreachable documents mean "could not decide" (error); everything else "no" (failed)."""
    return Status.ERROR if exc.code.startswith(("fetch.", "did.not_found")) else Status.FAILED


def _failed(check: str, exc: VCError, status: Status | None = None) -> CheckResult:
    return CheckResult(check, status or _status_for(exc), exc.code, exc.message, exc.path,
                       dict(exc.details))


def _skipped(check: str, why: str) -> CheckResult:
    return CheckResult(check, Status.SKIPPED, None, why)


def _proof_and_issuer(result: SdJwtResult) -> list[CheckResult]:
    binding = result.binding
    if result.error is None:
        proof = CheckResult("proof", Status.PASSED, None,
                            "the issuer's EdDSA signature is valid: the signed claims and the "
                            "digests of every disclosable claim are exactly what was issued",
                            details={"verificationMethod": result.vm_id,
                                     "typ": result.header.get("typ")})
    else:
        proof = _failed("proof", result.error)
    if binding is not None and binding.problem is not None:
        issuer = _failed("issuer", binding.problem)
    elif result.error is not None:
        issuer = _skipped("issuer", "not decided: there is no valid issuer signature")
    else:
        issuer = CheckResult("issuer", Status.PASSED, None,
                             f"the signing key belongs to {result.issuer} and is authorized for "
                             "issuing", details={"verificationMethod": result.vm_id})
    return [proof, issuer]


def _validity(result: SdJwtResult) -> CheckResult:
    if not result.validity:
        return CheckResult("validity", Status.PASSED, None,
                           "the credential is within its validity period (exp, nbf, iat)")
    first = result.validity[0]
    details = dict(first.details)
    details["findings"] = [{"code": f.code, "path": f.path} for f in result.validity]
    return CheckResult("validity", Status.FAILED, first.code, first.message, first.path, details)


def status_check(outcome: TokenStatusOutcome | None, *, authentic: bool) -> CheckResult:
    """The ``status`` result for a Token Status List entry."""
    if not authentic:
        return _skipped("status", "not checked: the credential's content is not shown to be the "
                                  "issuer's")
    if outcome is None:
        return _skipped("status", "The issuer publishes no status for this credential.")
    details: dict[str, Any] = {"type": "TokenStatusList", "url": outcome.uri, "index": outcome.idx}
    if outcome.error is not None:
        exc = outcome.error
        details.update(exc.details)
        details["outcome"] = "unknown"
        status = Status.FAILED if exc.code == "status.list_mismatch" else Status.ERROR
        return CheckResult("status", status, exc.code,
                           f"{exc.message}. The credential's status is unknown, so it cannot be "
                           "trusted yet; try again later.", exc.path or "$.status", details)
    details["outcome"] = outcome.name
    details["value"] = outcome.value
    if outcome.value == 0:
        return CheckResult("status", Status.PASSED, None,
                           "The issuer's status list says this credential is in good standing.",
                           None, details)
    if outcome.value == 1:
        return CheckResult("status", Status.FAILED, "status.revoked",
                           "The issuer has revoked this credential.", "$.status", details)
    if outcome.value == 2:
        return CheckResult("status", Status.FAILED, "status.suspended",
                           "The issuer has suspended this credential.", "$.status", details)
    return CheckResult("status", Status.ERROR, "status.unknown",
                       f"The issuer's status list gives the status {outcome.name}, which this "
                       "verifier cannot interpret.", "$.status", details)


def disclosure_check(result: SdJwtResult) -> CheckResult:
    """The ``disclosure`` result: which claims were revealed, and whether key binding held."""
    error = result.disclosure_error or result.kb_error
    if error is not None:
        return _failed("disclosure", error, Status.FAILED)
    if result.error is not None:
        return _skipped("disclosure", "not checked: the issuer signature over the digests is not "
                                      "valid")
    details: dict[str, Any] = {
        "disclosed": list(result.disclosed),
        "alwaysVisible": list(result.always_visible),
        "keyBinding": result.key_binding,
        "claims": result.claims,
    }
    if result.key_binding == KB_VERIFIED:
        details["audience"] = result.kb_claims.get("aud")
        how = "bound to the holder's key, this verifier and this request"
    elif result.key_binding == KB_NOT_REQUIRED:
        how = "without key binding (not required by the caller)"
    else:  # pragma: no cover - a missing binding is an error above
        how = "without key binding"
    count = len(result.disclosed)
    return CheckResult("disclosure", Status.PASSED, None,
                       f"{count} selectively disclosable claim{'s' if count != 1 else ''} "
                       f"disclosed, {how}", details=details)


def sd_jwt_checks(result: SdJwtResult, *, trust_list: TrustList | None = None,
                  require_trusted: bool = False) -> tuple[CheckResult, ...]:
    """Every check for one SD-JWT VC result (see the module text)."""
    if not result.parsed:
        error = result.error or VCError("sdjwt.malformed")
        return (_failed("parse", error, Status.FAILED),)
    if result.issuer is None:
        error = result.error or VCError("sdjwt.malformed")
        if error.code == "jwt.invalid_claims":
            return (_failed("parse", error, Status.FAILED),)
        return (CheckResult("parse", Status.PASSED, None, "read as an SD-JWT"),
                _failed("proof", error, Status.FAILED))
    checks = [CheckResult("parse", Status.PASSED, None,
                          f"read as an SD-JWT VC of type {result.vct}", details={"vct": result.vct})]
    checks.extend(_proof_and_issuer(result))
    checks.append(_validity(result))
    checks.append(status_check(result.status, authentic=result.signature_ok and result.key_bound))
    view = result.claims if result.claims is not None else result.payload
    checks.append(check_trust(trust_list, result.issuer, achievement_types(view),
                              require_trusted=require_trusted))
    checks.append(disclosure_check(result))
    return tuple(checks)


def sd_jwt_report(result: SdJwtResult, *, label: str, trust_list: TrustList | None = None,
                  require_trusted: bool = False) -> VerificationReport:
    """The :class:`VerificationReport` for one SD-JWT VC."""
    return VerificationReport(label, FORMAT, sd_jwt_checks(result, trust_list=trust_list,
                                                          require_trusted=require_trusted))


def with_replay_check(report: VerificationReport, nonce: str | None,
                      challenges: ChallengeStore | None) -> VerificationReport:
    """Add the ``presentation`` check: a nonce lets one key-bound presentation through, once.

    Only a report whose key binding was verified is concerned. A nonce already spent fails
    with ``presentation.challenge_reused``; a passing report spends it.
    """
    disclosure = report.check("disclosure")
    if (nonce is None or challenges is None or disclosure is None
            or disclosure.details.get("keyBinding") != KB_VERIFIED):
        return report
    if challenges.was_used(nonce):
        check = CheckResult("presentation", Status.FAILED, "presentation.challenge_reused",
                            "this challenge (nonce) was already answered by a presentation that "
                            "passed: this one may be a replay")
    elif report.verified:
        if challenges.mark_used(nonce):  # check-and-set: two racing answers cannot both pass
            check = CheckResult("presentation", Status.PASSED, None,
                                "the presentation answers this verifier's challenge, for the first time")
        else:
            check = CheckResult("presentation", Status.FAILED, "presentation.challenge_reused",
                                "this challenge (nonce) was answered by another presentation at "
                                "the same moment: this one may be a replay")
    else:
        return report
    return VerificationReport(report.input, report.format, (*report.checks, check), report.credentials)
