"""The ``trust`` check: is the issuer one the user has decided to trust?

A signature proves *who* signed, not that the signer is a real school; the trust list
(:class:`verifier.trust.TrustList`) is the user's answer to the second question, and the names a
report shows come from it, never from the credential. Listed and accepted: ``passed`` with
``details["displayName"]``. Not listed (``trust.untrusted_issuer``) or listed without accepting
the achievement type (``trust.achievement_not_accepted``): ``warning``, or ``failed`` under
``require_trusted``. No list: ``skipped``, unless a trusted issuer is required (then nothing can
be trusted: ``failed``, fail-closed).

Whether an issuer is on the list says nothing about a document that issuer did not (provably)
sign, so the answer is only given after the ``proof`` and ``issuer`` checks passed (:func:`gate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..report import CheckResult, Status
from ..trust import TrustList


def check_trust(trust_list: TrustList | None, issuer_id: str | None, achievement_types: Sequence[str] = (),
                *, require_trusted: bool = False) -> CheckResult:
    """The ``trust`` result for this issuer and the credential's achievement types."""
    if trust_list is None:
        if require_trusted:
            return CheckResult("trust", Status.FAILED, "trust.untrusted_issuer",
                               "a trusted issuer is required, but no trust list is configured",
                               "$.issuer", {"trustList": None, "issuer": issuer_id})
        return CheckResult("trust", Status.SKIPPED, None, "no trust list configured: the issuer's "
                           "identity is proven by the signature, but nobody has said it is trustworthy")
    status = Status.FAILED if require_trusted else Status.WARNING
    details: dict[str, Any] = {"trustList": trust_list.name, "issuer": issuer_id}
    entry = trust_list.lookup(issuer_id)
    if entry is None:
        return CheckResult("trust", status, "trust.untrusted_issuer",
                           f"the issuer {issuer_id or '(none)'} is not on the trust list "
                           f"{trust_list.name!r}; the name the credential gives itself is not verified",
                           "$.issuer", details)
    details["displayName"] = entry.name
    if not entry.accepts(achievement_types):
        stated = ", ".join(achievement_types) or "no achievement type"
        return CheckResult("trust", status, "trust.achievement_not_accepted",
                           f"{entry.name} is on the trust list {trust_list.name!r}, but not for {stated}",
                           "$.credentialSubject.achievement.achievementType",
                           dict(details, achievementTypes=list(achievement_types)))
    return CheckResult("trust", Status.PASSED, None,
                       f"issued by {entry.name}, which is on the trust list {trust_list.name!r}",
                       details=details)


def gate(checks: Iterable[CheckResult], trust: CheckResult) -> CheckResult:
    """``trust`` itself, or ``skipped`` when the signature or the issuer's key did not pass.

    Whether an issuer is on the trust list says nothing about a document that issuer did not
    (provably) sign: a tampered badge must never show a green "trusted issuer".
    """
    if trust.id != "trust":
        return trust
    for check in checks:
        if check.id in ("proof", "issuer") and check.status is not Status.PASSED:
            what = "signature" if check.id == "proof" else "issuer's key"
            how = {Status.FAILED: "did not pass", Status.ERROR: "could not be checked"}.get(
                check.status, "was not checked")
            return CheckResult("trust", Status.SKIPPED, None,
                               f"not checked: the {what} {how}, so the trust list cannot vouch "
                               "for this content")
    return trust
