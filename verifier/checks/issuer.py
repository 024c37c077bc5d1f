"""The ``issuer`` check: does the signing key belong to the issuer the credential names?

A valid signature by *some* key proves nothing about the issuer. The key is looked up from the
issuer's own DID or controller document (never taken on the proof's or header's word) and must
be listed there for ``assertionMethod`` (:class:`verifier.proofs.KeyBinding`). A key of someone
else is ``failed`` (``vm.controller_mismatch``, ``proof.issuer_key_mismatch``), an unreachable
document ``error``; with no valid signature there is nothing to attribute (``skipped``).

Decided from the same outcome as the ``proof`` check (:mod:`.proof`), but a report keeps the two
apart: "the content is intact" and "the issuer made it" fail for different reasons and call for
different advice. Presentations have no ``issuer`` check: their signer is the holder, which the
``presentation`` check binds.
"""

from __future__ import annotations

from ..errors import VCError
from ..proofs import KeyBinding, ProofOutcome
from ..report import CheckResult, Status
from ..sdjwt.verify import SdJwtResult
from ..vc_jwt import VcJwtResult
from .results import from_error, passed, skipped


def data_integrity(outcome: ProofOutcome, issuer: str | None) -> CheckResult:
    """A valid Data Integrity proof was made with a key ``issuer`` authorizes for issuing."""
    if issuer is None:
        return CheckResult("issuer", Status.FAILED, "format.invalid_issuer",
                           "the credential names no issuer to check the key against", "$.issuer")
    good = [r for r in outcome.results if r.signature_ok and r.binding and r.binding.bound]
    if good:
        return passed("issuer", f"the signing key belongs to {issuer} and is authorized for issuing",
                      {"verificationMethod": good[0].vm_id})
    problem = next((r.binding.problem for r in outcome.results
                    if r.binding is not None and r.binding.problem is not None), None)
    if problem is not None:
        return from_error("issuer", problem)
    if outcome.first_error is not None:
        return skipped("issuer", "not decided: there is no valid signature to attribute to the issuer")
    return CheckResult("issuer", Status.FAILED, "proof.issuer_key_mismatch",
                       "no valid proof was made with a key of the issuer")


def vc_jwt(result: VcJwtResult, issuer: str | None) -> CheckResult:
    """The VC-JWT's key is ``issuer``'s (its ``kid`` resolved in the issuer's own document)."""
    return (_not_bound(result.binding, result.error, "not decided: there is no valid signature")
            or passed("issuer", f"the signing key belongs to {issuer}"))


def sd_jwt(result: SdJwtResult) -> CheckResult:
    """The SD-JWT VC's key is its ``iss``'s, listed for ``assertionMethod``."""
    return (_not_bound(result.binding, result.error, "not decided: there is no valid issuer signature")
            or passed("issuer", f"the signing key belongs to {result.issuer} and is authorized for "
                                "issuing", {"verificationMethod": result.vm_id}))


def _not_bound(binding: KeyBinding | None, error: VCError | None, unsigned: str) -> CheckResult | None:
    """Why a token's key is not shown to be the issuer's (its binding problem first, then "no valid
    signature", skipped as ``unsigned``), or ``None`` when it is."""
    if binding is not None and binding.problem is not None:
        return from_error("issuer", binding.problem)
    if error is not None:
        return skipped("issuer", unsigned)
    return None
