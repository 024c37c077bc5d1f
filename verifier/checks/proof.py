"""The ``proof`` check: is the content exactly what was signed?

Integrity only: every signature on the document verifies over the document as it is. Whose key
made it is the ``issuer`` check's question (:mod:`.issuer`). One function per proof form:

- Data Integrity (:func:`data_integrity`): every proof of a proof set or chain, from
  :class:`verifier.proofs.ProofOutcome`; the details list each proof's suite, key and result;
- VC-JWT (:func:`vc_jwt`) and SD-JWT VC (:func:`sd_jwt`): the issuer's EdDSA signature (for an
  SD-JWT it covers the digests of every disclosable claim);
- Open Badges 2.0 (:func:`ob2`): hosted (fetched from the issuer's own site) or signed (a key the
  issuer publishes), or nothing left to check because the host says the assertion is gone.

A proof that could not be checked because something was unreachable is ``error``, never
``failed`` (see :mod:`.results`).
"""

from __future__ import annotations

from typing import Any

from ..errors import FetchError, VCError
from ..ob2 import Ob2Bundle
from ..proofs import ProofOutcome
from ..report import CheckResult, Status
from ..sdjwt.verify import SdJwtResult
from ..vc_jwt import VcJwtResult
from .results import could_not_check, from_error, passed, skipped


def data_integrity(outcome: ProofOutcome) -> CheckResult:
    """Every Data Integrity proof verifies, or the first that does not and why."""
    details: dict[str, Any] = {"proofs": [
        {"suite": r.suite, "verificationMethod": r.vm_id,
         "result": "valid" if r.signature_ok else (r.error.code if r.error else "invalid"),
         "keySource": r.binding.source if r.binding else None}
        for r in outcome.results]}
    if outcome.all_signatures_ok:
        n = len(outcome.results)
        return passed("proof", f"{n} signature{'s' if n > 1 else ''} checked: the content is "
                               "exactly what was signed", details)
    first = outcome.first_error
    assert first is not None
    skipped_count = outcome.details.get("notAttempted")
    details.update({k: v for k, v in first.details.items() if k != "proofs"})
    message = first.message
    if skipped_count:
        details["notAttempted"] = skipped_count
        message += (f" (the {skipped_count} later proof{'s were' if skipped_count > 1 else ' was'} "
                    "not checked)")
    return CheckResult("proof", could_not_check(first), first.code, message, first.path, details)


def contexts_unsafe() -> CheckResult:
    """Skipped: a document whose contexts could not be loaded safely is not canonicalized."""
    return skipped("proof", "not checked: the contexts could not be loaded safely")


def vc_jwt(result: VcJwtResult) -> CheckResult:
    """The VC-JWT's EdDSA signature verifies."""
    if result.error is None:
        return passed("proof", "the token's EdDSA signature is valid",
                      {"verificationMethod": result.vm_id})
    return from_error("proof", result.error)


def sd_jwt(result: SdJwtResult) -> CheckResult:
    """The SD-JWT VC issuer's signature verifies (over the claims and the disclosure digests)."""
    if result.error is None:
        return passed("proof", "the issuer's EdDSA signature is valid: the signed claims and the "
                               "digests of every disclosable claim are exactly what was issued",
                      {"verificationMethod": result.vm_id, "typ": result.header.get("typ")})
    return from_error("proof", result.error)


def sd_jwt_unattributed(result: SdJwtResult) -> CheckResult:
    """Failed: the SD-JWT was read but names no issuer whose signature could be checked."""
    return from_error("proof", result.error or VCError("sdjwt.malformed"), Status.FAILED)


def ob2(bundle: Ob2Bundle) -> CheckResult:
    """The OB 2.0 assertion was fetched from its issuer's site (hosted) or signed by a key the
    issuer publishes (signed)."""
    how = ("signed by a key the issuer publishes" if bundle.verification == "signed"
           else "fetched from the issuer's own site (hosted verification)")
    return passed("proof", f"the assertion was {how}",
                  {"verification": bundle.verification, "issuer": str(bundle.issuer.get("id")),
                   **({"key": bundle.key_id} if bundle.key_id else {})})


def ob2_gone() -> CheckResult:
    """Skipped: the issuer's host withdrew the assertion, so there is nothing to authenticate."""
    return skipped("proof", "the issuer's host says the assertion is gone")


def ob2_not_loaded(exc: VCError) -> CheckResult:
    """The OB 2.0 assertion (or its BadgeClass, Profile or key) could not be had or did not hold:
    an unreachable document is ``error``, whatever the fetch said; anything else by its code."""
    return from_error("proof", exc, Status.ERROR if isinstance(exc, FetchError) else None)
