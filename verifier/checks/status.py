"""The ``status`` check: has the issuer revoked or suspended the credential?

Which list applies depends on the form; reading the lists is :mod:`verifier.status`'s job (and
:mod:`verifier.sdjwt.status_list`'s for tokens), this module says when they are asked and what
their answer means:

- a W3C credential: its ``credentialStatus`` entries (Bitstring Status List, StatusList2021,
  1EdTech revocation list), through :class:`verifier.status.StatusChecker`;
- an SD-JWT VC: its IETF Token Status List entry;
- an Open Badges 2.0 assertion: ``"revoked": true``, a hosted assertion that answers 410 Gone,
  or the issuer Profile's ``revocationList``.

A status is asked only for content shown to be the issuer's: a list entry on a forged
credential would answer for a credential nobody issued. Fail closed: a list that cannot be read
is ``error`` (``status.unknown``), never ``passed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import FetchError
from ..fetch import Fetcher
from ..ob2 import Ob2Bundle, Ob2Revoked
from ..report import CheckResult, Status
from ..sdjwt.verify import TokenStatusOutcome
from ..status import StatusChecker, check_ob2_revocation, hosted_assertion_gone
from .results import skipped

NOT_AUTHENTIC = "not checked: the credential's content is not shown to be the issuer's"


def status_list(credential: Mapping[str, Any], checker: StatusChecker, *,
                authentic: bool) -> CheckResult:
    """The W3C ``credentialStatus`` answer, for a credential whose proof passed (``authentic``)."""
    return checker.check(credential) if authentic else skipped("status", NOT_AUTHENTIC)


def token_status_list(outcome: TokenStatusOutcome | None, *, authentic: bool) -> CheckResult:
    """The ``status`` result for a Token Status List entry."""
    if not authentic:
        return skipped("status", NOT_AUTHENTIC)
    if outcome is None:
        return skipped("status", "The issuer publishes no status for this credential.")
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


def ob2(bundle: Ob2Bundle, fetcher: Fetcher) -> CheckResult:
    """An authenticated OB 2.0 assertion: revoked in its own words, else its issuer's list."""
    if bundle.revoked:
        return CheckResult("status", Status.FAILED, "status.revoked",
                           "the hosted assertion says it is revoked")
    return check_ob2_revocation(bundle.assertion, bundle.issuer, fetcher)


def ob2_gone(exc: FetchError) -> CheckResult | None:
    """``status.revoked`` when fetching the hosted assertion answered 410 Gone, else ``None``."""
    return hosted_assertion_gone(exc)


def ob2_withdrawn(revoked: Ob2Revoked) -> CheckResult:
    """``status.revoked`` for a hosted assertion whose host serves only a withdrawal notice."""
    answer = "answers 410 Gone" if revoked.status == 410 else "serves only a notice that it is revoked"
    return CheckResult("status", Status.FAILED, "status.revoked",
                       f"the issuer's host {answer}: the badge was withdrawn", None,
                       {"outcome": "revoked", "http_status": revoked.status, "url": revoked.url,
                        **({"revocationReason": revoked.reason} if revoked.reason else {})})
