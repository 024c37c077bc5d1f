"""vcwallet's own error codes: one table (meaning and advice), one lookup, registered with
``VCError`` without the verifier ever importing vcwallet."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO
from vcwallet.errors import CODES, VCWalletError, advice, meaning
from verifier.errors import CODES as VERIFIER_CODES
from verifier.errors import VCError
from verifier.errors import advice as verifier_advice

#: A code as the source writes it: "family.name" for the families vcwallet raises.
_LITERAL = re.compile(r"[\"']((?:wallet|request|share|passphrase|keyfile|issue|io|app)\.[a-z_]+)[\"']")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_meaning_and_advice_and_is_accepted(code: str) -> None:
    assert meaning(code) and advice(code)
    assert VCError(code).code == code and VCWalletError(code).message == meaning(code)


def test_the_verifier_alone_does_not_know_the_holders_codes() -> None:
    """Registration is what makes them valid: a fresh interpreter with only the verifier refuses one."""
    code = ("import verifier.errors as e\n"
            "print('wallet.not_found' in e.CODES, 'status.revoked' in e.CODES)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert "wallet.not_found" in VERIFIER_CODES  # twin: here vcwallet.errors has registered it


def test_every_code_the_holder_side_writes_is_registered() -> None:
    used: dict[str, str] = {}
    for folder in ("vcwallet", "tui"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for found in _LITERAL.findall(path.read_text(encoding="utf-8")):
                used.setdefault(found, str(path.relative_to(REPO)))
    assert {"wallet.not_found", "share.unconfirmed", "passphrase.mismatch"} <= set(used)  # the scan reads
    files = {"wallet.db", "app.tcss", "app.quit"}  # file names and a Textual action
    missing = {code: where for code, where in used.items() if code not in VERIFIER_CODES and code not in files}
    assert missing == {}


def test_advice_is_the_holders_first_then_the_verifiers() -> None:
    assert advice("presentation.holder_mismatch") != verifier_advice("presentation.holder_mismatch")
    assert advice("status.revoked") == verifier_advice("status.revoked")
    assert advice("no.such_code") is None and advice(None) is None
