"""Proof suites: one module each, registered in a table keyed by (proof type, cryptosuite).

Callers pass the suites they accept; an unknown suite fails with ``proof.unsupported_suite`` and
never falls back to another one.
"""

from .base import ProofSuite
from .ed25519_signature_2020 import Ed25519Signature2020
from .eddsa_jcs_2022 import EddsaJcs2022
from .eddsa_rdfc_2022 import EddsaRdfc2022
from .registry import SuiteRegistry, default_suites

__all__ = [
    "Ed25519Signature2020",
    "EddsaJcs2022",
    "EddsaRdfc2022",
    "ProofSuite",
    "SuiteRegistry",
    "default_suites",
]
