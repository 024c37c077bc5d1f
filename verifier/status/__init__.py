"""Credential status: Bitstring Status List, StatusList2021, 1EdTech and OB 2.0 revocation lists."""

from .bitstring import DEFAULT_MAX_BYTES, MAX_STATUS_SIZE, MIN_BITS, Bitstring, StatusError
from .checker import (
    BITSTRING_ENTRY,
    REVOCATION_LIST_1EDTECH,
    STATUS_LIST_2021_ENTRY,
    SUPPORTED_TYPES,
    ListVerifier,
    StatusChecker,
    issuer_id,
    parse_index,
)
from .ob2 import check_ob2_revocation, hosted_assertion_gone, is_gone

__all__ = [
    "BITSTRING_ENTRY",
    "DEFAULT_MAX_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_BITS",
    "REVOCATION_LIST_1EDTECH",
    "STATUS_LIST_2021_ENTRY",
    "SUPPORTED_TYPES",
    "Bitstring",
    "ListVerifier",
    "StatusChecker",
    "StatusError",
    "check_ob2_revocation",
    "hosted_assertion_gone",
    "is_gone",
    "issuer_id",
    "parse_index",
]
