"""Every string we print or write as JSON is safe: terminal control characters (ESC, CSI, BEL,
CR, the C1 set), bidi overrides and lone surrogates that a credential, a file name or a message
carries are escaped, never written raw and never a crash. JSON output is valid UTF-8 JSON that
reads back to the same values.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import INTEROP, REPO
from tests.verifier.attacks.robustness_helpers import ISSUER, badge, sign, verifier
from verifier.rendering import render_text, safe_text
from verifier.report import CheckResult, Status, VerificationReport, dumps_json, json_safe

#: What must never reach a terminal raw.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same for JSON text (which escapes C0 itself, so \n inside strings never appears raw).
UNSAFE_JSON = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: Control characters, a C1 CSI, a bidi override and markup: valid Unicode, so it can be signed.
SIGNABLE = "\x1b[2J\x1b]0;pwned\x07\r\x9b31m\u202egnp.exe\x00[/x][bold]"
#: Plus lone surrogates (as a JSON \ud800 escape or a non-UTF-8 file name gives them).
EVIL = SIGNABLE + "\ud800x\udcff"

needs_interop = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")


#: Any text a Python str can hold, lone surrogates included.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()))


@given(ANY_TEXT)
def test_safe_text_leaves_nothing_unsafe_and_always_encodes(value: str) -> None:
    shown = safe_text(value)
    assert UNSAFE.search(shown) is None and "\n" not in shown
    shown.encode("utf-8")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf"))))
def test_safe_text_keeps_ordinary_text_as_it_is(value: str) -> None:
    assert safe_text(value) == value.replace("\n", "\\x0a")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20)


@settings(max_examples=200)
@given(JSON_VALUES)
def test_dumps_json_is_valid_utf8_json_that_reads_back(value: Any) -> None:
    text = dumps_json(value)
    assert UNSAFE_JSON.search(text) is None
    assert json.loads(text.encode("utf-8").decode("utf-8")) == json.loads(json.dumps(json_safe(value)))


def test_render_text_escapes_everything_that_echoes_input() -> None:
    check = CheckResult("format", Status.FAILED, "format.invalid_issuer", f"issuer {EVIL} is odd",
                        f"$.issuer[{EVIL!r}]", {"value": EVIL})
    report = VerificationReport(f"badge{EVIL}.json", "vc2", (check,))
    text = render_text(report)
    assert UNSAFE.search(text) is None
    text.encode("utf-8")
    assert "\\x1b[2J" in text and "\\ud800" in text and "\\u202e" in text
    # twin: ordinary text is shown as it is
    plain = VerificationReport("badge.json", "vc2", (CheckResult("format", Status.PASSED, None, "ok: é ✓"),))
    assert "ok: é ✓" in render_text(plain)


def _evil_badge() -> dict[str, Any]:
    """A badge whose texts (name, issuer name, description) carry terminal escapes; signed, so
    it really verifies and every text is echoed somewhere. (A lone surrogate cannot be signed:
    RDF canonicalization refuses it, so those go where nothing is signed.)"""
    evil = badge(name=f"Formative {SIGNABLE}")
    evil["issuer"]["name"] = f"District {SIGNABLE}"
    evil["credentialSubject"]["achievement"]["description"] = SIGNABLE
    return evil


@needs_interop
def test_cli_end_to_end_with_hostile_strings(tmp_path: Path) -> None:
    """File names (bytes that are not UTF-8), an unsigned issuer id with lone surrogates and
    signed texts with control characters: text and JSON output stay clean, nothing crashes,
    every input is reported."""
    signed = sign(_evil_badge())
    (tmp_path / "signed.json").write_text(json.dumps(signed), encoding="utf-8")
    forged = dict(signed, issuer={"id": f"did:example:{EVIL}"})
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    weird = os.fsencode(tmp_path) + b"/b\xff\x1b[31m\x07.json"
    with open(weird, "wb") as handle:
        handle.write(json.dumps(signed).encode("utf-8"))
    args = [os.fsencode(tmp_path / "signed.json"), os.fsencode(tmp_path / "forged.json"), weird]
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8")
    base = [sys.executable.encode(), b"-m", b"vcwallet", b"verify", b"--offline",
            b"--now", b"2026-11-23T12:00:00Z"]
    for extra in ([], [b"--json"]):
        run = subprocess.run([*base, *extra, *args], capture_output=True, env=env, timeout=120, cwd=REPO)
        assert run.returncode == 1, run.stderr
        out = run.stdout.decode("utf-8")  # strict: valid UTF-8
        assert UNSAFE.search(out) is None and b"Traceback" not in run.stderr
        if extra:
            lines = [json.loads(line) for line in out.splitlines()]
            assert [line["verified"] for line in lines] == [True, False, True]
            assert lines[2]["input"].endswith("b\udcff\x1b[31m\x07.json")  # the same name, read back
        else:
            assert out.count(": VERIFIED (vc2)") == 2 and out.count(": NOT VERIFIED") == 1
            assert "b\\udcff\\x1b[31m\\x07.json: VERIFIED" in out


@needs_interop
def test_the_hostile_badge_verifies_and_its_report_round_trips() -> None:
    report = verifier().verify_credential(sign(_evil_badge()))
    assert report.verified
    text = dumps_json(report.to_json())
    assert VerificationReport.from_json(json.loads(text)).to_json() == report.to_json()


def test_wallet_records_keep_lone_surrogates(tmp_path: Path) -> None:
    """A report whose label is a non-UTF-8 file name is stored and read back intact."""
    from vcwallet.wallet.records import json_bytes, json_record

    record = {"input": "b\udcff.json", "message": EVIL}
    data = json_bytes(record)
    data.decode("utf-8")
    assert json_record(data) == record


def test_issuer_in_messages_is_escaped() -> None:
    assert ISSUER in safe_text(ISSUER)  # twin: an ordinary DID is shown as it is
