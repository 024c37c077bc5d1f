"""SD-JWT (RFC 9901) and SD-JWT VC: selective disclosure, key binding and Token Status Lists.

One concern per module: :mod:`.disclosure` (one disclosure and its digest), :mod:`.token` (the
``~``-separated envelope), :mod:`.reconstruct` (disclosures back into claims), :mod:`.key_binding`
(the holder's KB-JWT), :mod:`.status_list` (IETF Token Status List) and :mod:`.verify` (the
whole SD-JWT VC check, stage by stage). Claim paths are in :mod:`.paths`. The report's checks read
:class:`.SdJwtResult` in :mod:`verifier.checks` (``disclosure`` is the SD-JWT specific one).
"""

from .disclosure import Disclosure, SdJwtError, digest_of, encode_disclosure, parse_disclosure
from .key_binding import check_kb_claims, sd_hash, verify_key_binding
from .paths import ClaimPath, format_path, parse_path
from .reconstruct import DisclosedClaim, Reconstruction, reconstruct
from .status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusReference,
    TokenStatusChecker,
    TokenStatusList,
    TokenStatusSource,
    status_list_token,
)
from .token import SdJwt, from_json_serialization, join_sd_jwt, split_sd_jwt
from .verify import VC_TYPS, SdJwtResult, TokenStatusOutcome, verify_sd_jwt_vc

__all__ = [
    "INVALID",
    "SUSPENDED",
    "VALID",
    "VC_TYPS",
    "ClaimPath",
    "DisclosedClaim",
    "Disclosure",
    "Reconstruction",
    "SdJwt",
    "SdJwtError",
    "SdJwtResult",
    "StatusReference",
    "TokenStatusChecker",
    "TokenStatusList",
    "TokenStatusOutcome",
    "TokenStatusSource",
    "check_kb_claims",
    "digest_of",
    "encode_disclosure",
    "format_path",
    "from_json_serialization",
    "join_sd_jwt",
    "parse_disclosure",
    "parse_path",
    "reconstruct",
    "sd_hash",
    "split_sd_jwt",
    "status_list_token",
    "verify_key_binding",
    "verify_sd_jwt_vc",
]
