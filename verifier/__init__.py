"""vcwallet's verifier: decides whether a credential or presentation can be trusted.

Nothing here does I/O on import; every outside effect (network, clock, contexts, DID resolution)
is passed in by the caller. The names below are what a program embedding verification needs::

    from verifier import Verifier

    verifier = Verifier.create()
    report = verifier.verify_credential(Path("badge.json").read_bytes())

They are loaded lazily (PEP 562): ``import verifier`` imports nothing else, and each name
imports its own module the first time it is used, so a command that never verifies never pays
for the verifier.
"""

from __future__ import annotations

from .lazy import lazy_exports

#: ``typing.TYPE_CHECKING`` without importing ``typing``: the face itself stays this small.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .assembly import context_store
    from .baked import BakedImageError
    from .bulk import BulkItem
    from .clock import Clock, FixedClock, SystemClock, parse_datetime
    from .contexts import ContextStore, user_cache_dir
    from .errors import (
        CanonicalizationError,
        ContextError,
        DidError,
        FetchError,
        FormatError,
        KeyFormatError,
        ParseError,
        ProofError,
        VCError,
        describe,
    )
    from .fetch import Fetcher, FetchResponse, RequestsFetcher, StaticFetcher
    from .jose import JoseError
    from .policy import Policy
    from .presentation import ChallengeStore, MemoryChallengeStore
    from .proofs import KeyLookup
    from .rendering import could_not_check, render_text, verdict
    from .report import CheckResult, Status, VerificationReport
    from .sdjwt.disclosure import SdJwtError
    from .status.bitstring import StatusError
    from .trust import TrustList, TrustListError
    from .verification import Verifier, observe_checks

#: Where each public name lives (module relative to this package).
_HOMES: dict[str, tuple[str, ...]] = {
    "verification": ("Verifier", "observe_checks"),
    "report": ("VerificationReport", "CheckResult", "Status"),
    "rendering": ("render_text", "verdict", "could_not_check"),
    "policy": ("Policy",),
    "trust": ("TrustList", "TrustListError"),
    "bulk": ("BulkItem",),
    "clock": ("Clock", "FixedClock", "SystemClock", "parse_datetime"),
    "contexts": ("ContextStore", "user_cache_dir"),
    "assembly": ("context_store",),
    "fetch": ("Fetcher", "FetchResponse", "RequestsFetcher", "StaticFetcher"),
    "presentation": ("ChallengeStore", "MemoryChallengeStore"),
    "proofs": ("KeyLookup",),
    "errors": ("VCError", "ParseError", "FormatError", "ContextError", "CanonicalizationError",
               "KeyFormatError", "DidError", "FetchError", "ProofError", "describe"),
    "status.bitstring": ("StatusError",),
    "sdjwt.disclosure": ("SdJwtError",),
    "jose": ("JoseError",),
    "baked": ("BakedImageError",),
}

__all__ = [
    "BakedImageError",
    "BulkItem",
    "CanonicalizationError",
    "ChallengeStore",
    "CheckResult",
    "Clock",
    "ContextError",
    "ContextStore",
    "DidError",
    "FetchError",
    "FetchResponse",
    "Fetcher",
    "FixedClock",
    "FormatError",
    "JoseError",
    "KeyFormatError",
    "KeyLookup",
    "MemoryChallengeStore",
    "ParseError",
    "Policy",
    "ProofError",
    "RequestsFetcher",
    "SdJwtError",
    "StaticFetcher",
    "Status",
    "StatusError",
    "SystemClock",
    "TrustList",
    "TrustListError",
    "VCError",
    "VerificationReport",
    "Verifier",
    "context_store",
    "could_not_check",
    "describe",
    "observe_checks",
    "parse_datetime",
    "render_text",
    "user_cache_dir",
    "verdict",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
