"""One table of codes: each code's meaning and advice, the advice families share, one lookup."""

from __future__ import annotations

import pytest

from verifier.errors import CODES, TABLE, Code, Family, advice, describe
from verifier.rendering import render_text
from verifier.report import CheckResult, Status, VerificationReport


def test_every_code_has_a_meaning_and_every_family_names_codes() -> None:
    for key, entry in TABLE.items():
        if isinstance(entry, Family):
            assert key.endswith(".") and entry.advice
            assert any(code.startswith(key) for code in CODES), key
        else:
            assert isinstance(entry, Code) and not key.endswith(".") and entry.meaning
            assert describe(key) == entry.meaning


def test_codes_are_exactly_the_code_entries() -> None:
    """CODES is the table's codes, plus those another layer registers (vcwallet registers its
    own when it is imported; the verifier never imports it)."""
    import sys

    own = {key for key, entry in TABLE.items() if isinstance(entry, Code)}
    registered = set(CODES) - own
    assert own <= set(CODES)
    holder = sys.modules.get("vcwallet.errors")
    assert registered <= (set(holder.CODES) if holder is not None else set())


def test_a_code_with_its_own_advice_gets_it_before_its_family() -> None:
    own = TABLE["status.revoked"]
    family = TABLE["status."]
    assert isinstance(own, Code) and own.advice and isinstance(family, Family)
    assert advice("status.revoked") == own.advice != family.advice


def test_a_code_without_its_own_advice_gets_its_family() -> None:
    entry = TABLE["status.invalid_index"]
    assert isinstance(entry, Code) and entry.advice is None
    assert advice("status.invalid_index") == TABLE["status."].advice


def test_a_code_does_not_lend_its_advice_to_a_longer_code() -> None:
    """``proof.invalid_signature_length`` is no prefix match of ``proof.invalid_signature``: it
    is listed with the advice it has, and a code named like it would get the family's."""
    assert advice("proof.invalid_signature_length") == advice("proof.invalid_signature")
    assert advice("proof.invalid_signature_x") == TABLE["proof."].advice


@pytest.mark.parametrize("code", [None, "", "sdjwt.kb_missing", "no.such_family"])
def test_codes_without_advice_get_none(code: str | None) -> None:
    assert advice(code) is None


def test_the_text_report_gives_the_tables_advice() -> None:
    report = VerificationReport("b.json", "vc2", (
        CheckResult("proof", Status.PASSED),
        CheckResult("status", Status.FAILED, "status.invalid_index", "index out of range"),
    ))
    assert f"→ {TABLE['status.'].advice}" in render_text(report)
