"""The ``disclosure`` check of an SD-JWT VC: which claims the holder revealed, and to whom.

It passes with ``details["disclosed"]`` (the claim paths the holder chose to reveal),
``details["alwaysVisible"]`` and ``details["claims"]`` (exactly the JSON the verifier received
after processing), and it fails for every disclosure or key-binding problem, with the
``sdjwt.*`` code and, for key binding, ``details["reason"]``. Key binding ties the presentation
to the holder's key, this verifier (audience) and this request (nonce); it is required unless
the caller says otherwise (a holder checking its own stored copy).
"""

from __future__ import annotations

from typing import Any

from ..report import CheckResult, Status
from ..sdjwt.verify import KB_NOT_REQUIRED, KB_VERIFIED, SdJwtResult
from .results import from_error, skipped


def check_disclosure(result: SdJwtResult) -> CheckResult:
    """The ``disclosure`` result: which claims were revealed, and whether key binding held."""
    error = result.disclosure_error or result.kb_error
    if error is not None:
        return from_error("disclosure", error, Status.FAILED)
    if result.error is not None:
        return skipped("disclosure", "not checked: the issuer signature over the digests is not valid")
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
