"""The table that maps a proof to its suite, and the suites this project accepts by default.

It stands above the suite modules (it imports them to register them); they only know
:mod:`.base`. An unknown suite fails with ``proof.unsupported_suite`` and never falls back to
another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ProofError
from .base import ProofSuite
from .ed25519_signature_2020 import Ed25519Signature2020
from .eddsa_jcs_2022 import EddsaJcs2022
from .eddsa_rdfc_2022 import EddsaRdfc2022


class SuiteRegistry:
    """The suites a caller accepts, looked up by (type, cryptosuite)."""

    def __init__(self, suites: Iterable[ProofSuite]) -> None:
        self._table: dict[tuple[str, str | None], ProofSuite] = {}
        for suite in suites:
            for name in suite.cryptosuites:
                self._table[(suite.proof_type, name)] = suite

    def names(self) -> list[str]:
        """Human names of the accepted suites, e.g. ``DataIntegrityProof/eddsa-rdfc-2022``."""
        return sorted(f"{t}/{c}" if c else t for t, c in self._table)

    def for_proof(self, proof: Mapping[str, Any]) -> ProofSuite:
        """The suite for ``proof``; coded errors for a missing/unknown type or cryptosuite."""
        proof_type = proof.get("type")
        if not isinstance(proof_type, str) or not proof_type:
            raise ProofError("proof.unsupported_type", "the proof has no type", "$.proof.type")
        if not any(t == proof_type for t, _ in self._table):
            raise ProofError("proof.unsupported_type", f"proof type {proof_type!r} is not accepted",
                             "$.proof.type")
        if (proof_type, None) in self._table:
            return self._table[(proof_type, None)]
        suite_name = proof.get("cryptosuite")
        if not isinstance(suite_name, str) or not suite_name:
            raise ProofError("proof.unsupported_suite", "the proof names no cryptosuite",
                             "$.proof.cryptosuite")
        suite = self._table.get((proof_type, suite_name))
        if suite is None:
            raise ProofError("proof.unsupported_suite",
                             f"cryptosuite {suite_name!r} is not accepted", "$.proof.cryptosuite")
        return suite

    def by_name(self, name: str) -> ProofSuite:
        """Look up a suite by its CLI name (``eddsa-rdfc-2022``, ``Ed25519Signature2020``…)."""
        for (proof_type, cryptosuite), suite in self._table.items():
            if name in (cryptosuite, proof_type) and suite.cryptosuites[0] in (cryptosuite, None):
                return suite
        raise ProofError("proof.unsupported_suite", f"unknown suite {name!r}")


def default_suites() -> SuiteRegistry:
    """All three Ed25519 suites this project implements."""
    return SuiteRegistry([EddsaRdfc2022(), EddsaJcs2022(), Ed25519Signature2020()])
