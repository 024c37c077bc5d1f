"""What the caller requires of a credential; the defaults are the safe ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Policy:
    """Verification policy. Frozen, so one policy can be shared by threads and workers."""

    #: Suite names accepted (``type`` or cryptosuite); ``None`` means all implemented ones.
    accepted_suites: frozenset[str] | None = None
    #: Allowed clock difference for validity dates and ``proof.created``.
    clock_skew: timedelta = timedelta(minutes=5)
    #: An issuer missing from the trust list fails instead of warning.
    require_trusted: bool = False
    #: Test-only contexts (the VC examples contexts) are refused in production mode.
    production: bool = True
    #: Accept a status list signed by someone other than the credential's issuer.
    allow_other_status_issuer: bool = False
    #: A presentation whose credentials are about someone other than its holder fails
    #: (``presentation.subject_mismatch``) instead of warning; a credential known only by a hashed
    #: recipient then needs the expected recipient (``presentation.recipient_required``).
    require_subject_binding: bool = False
    #: The largest input read, in bytes.
    max_input_bytes: int = 4 * 1024 * 1024
    #: The most proofs one document may carry (a proof set or chain); more is ``proof.too_many``.
    max_proofs: int = 16
