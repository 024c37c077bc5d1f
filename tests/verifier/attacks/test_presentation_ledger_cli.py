"""The command line: ``request create`` records the challenge, prints the ``verify`` command to
run, and that command, run exactly as printed, accepts the answer once and refuses a replay in a
later run; a challenge the ledger never issued fails; ``--no-ledger`` opts out.

The printed command is split as a shell would (``shlex``) and run in a new process with
``python -m vcwallet``; only the placeholder ``ANSWER`` is replaced by the answer's path.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP, REPO
from tests.verifier.attacks.presentation_kit import (
    ATTACKER,
    CHALLENGE,
    DOMAIN,
    ISSUER,
    NOW,
    badge,
    did,
    present,
    presentation,
    sign,
)
from vcwallet.cli import main
from verifier.contexts import ContextStore

CONTEXTS = INTEROP / "contexts"
NOW_ARG = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
pytestmark = pytest.mark.skipif(not CONTEXTS.is_dir(), reason="../shared/interop/contexts is not beside this checkout")


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private VCWALLET_HOME (where the default ledger lives) and context/cache folders."""
    where = tmp_path / "home"
    monkeypatch.setenv("VCWALLET_HOME", str(where))
    monkeypatch.setenv("VCWALLET_CONTEXTS", str(CONTEXTS))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return where


def create_request(capsys: pytest.CaptureFixture[str], tmp_path: Path, *extra: str) -> tuple[str, str]:
    """Run ``request create``; the challenge it issued and the hint it printed."""
    out = tmp_path / "request.json"
    capsys.readouterr()
    assert main(["request", "create", "--domain", DOMAIN, "--type", "OpenBadgeCredential",
                 *extra, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    hint = next(line.split(": ", 1)[1] for line in err.splitlines() if line.startswith("check the answer"))
    return json.loads(out.read_text(encoding="utf-8"))["challenge"], hint


def answer(contexts: ContextStore, tmp_path: Path, challenge: str, key: Any = None,
           name: str = "answer.json", created: str | None = None) -> Path:
    """A presentation of the holder's badge bound to ``challenge``, written to a file."""
    credential = sign(contexts, badge(), ISSUER)
    holder = {} if key is None else {"holder": did(key)}
    doc = presentation([credential], **holder)
    when = {"created": created} if created else {}
    vp = present(contexts, doc, challenge=challenge, **when) if key is None else present(
        contexts, doc, key, challenge=challenge, **when)
    path = tmp_path / name
    path.write_text(json.dumps(vp), encoding="utf-8")
    return path


def run_printed(hint: str, answer_path: Path, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    words = shlex.split(hint)
    assert words[:2] == ["vcwallet", "verify"] and words.count("ANSWER") == 1, hint
    argv = [str(answer_path) if w == "ANSWER" else w for w in words[1:]]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "vcwallet", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def just_now() -> str:
    """A proof time the real clock accepts: the printed command runs without ``--now``."""
    return (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_json(path: Path, *flags: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["verify", "--json", "--now", NOW_ARG, *flags, str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    return code, json.loads(lines[0])


def presentation_code(report: dict[str, Any]) -> tuple[str, str | None]:
    check = next(c for c in report["checks"] if c["id"] == "presentation")
    return check["status"], check["code"]


# -- the printed hint, run as printed ------------------------------------------------------------------

def test_printed_hint_accepts_the_answer_once_then_refuses_the_replay(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    challenge, hint = create_request(capsys, tmp_path)
    assert f"--challenge={challenge}" in shlex.split(hint)
    vp = answer(contexts, tmp_path, challenge, created=just_now())
    first = run_printed(hint, vp, cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "NOT VERIFIED" not in first.stdout and "VERIFIED" in first.stdout
    replay = run_printed(hint, vp, cwd=tmp_path)  # a later run of the same command
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert "presentation.challenge_reused" in replay.stdout


def test_printed_hint_with_an_explicit_ledger_works_from_another_folder(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "desk" / "district challenges.json"  # a space, to test the quoting
    challenge, hint = create_request(capsys, tmp_path, "--ledger", str(ledger))
    assert ledger.is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_printed(hint, answer(contexts, tmp_path, challenge, created=just_now()), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert challenge in json.loads(ledger.read_text(encoding="utf-8"))["used"]


def test_printed_hint_without_a_ledger_says_no_ledger(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    challenge, hint = create_request(capsys, tmp_path, "--no-ledger")
    assert "--no-ledger" in shlex.split(hint)
    result = run_printed(hint, answer(contexts, tmp_path, challenge, created=just_now()), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (home / "challenges.json").exists()


# -- in-process runs: the ledger rule and the JSON contract --------------------------------------------

def test_unknown_challenge_fails_with_the_default_ledger(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    create_request(capsys, tmp_path)  # the ledger exists, but never issued CHALLENGE
    vp = answer(contexts, tmp_path, CHALLENGE)
    code, report = verify_json(vp, f"--challenge={CHALLENGE}", f"--domain={DOMAIN}", capsys=capsys)
    assert code == 1
    assert {"input", "verified", "format", "checks"} <= set(report)
    assert all({"id", "status", "code"} <= set(c) for c in report["checks"])
    assert report["verified"] is False
    assert presentation_code(report) == ("failed", "presentation.challenge_unknown")
    # twin: the same answer, opting out of the ledger
    code, twin = verify_json(vp, f"--challenge={CHALLENGE}", f"--domain={DOMAIN}", "--no-ledger",
                             capsys=capsys)
    assert code == 0, twin
    assert presentation_code(twin) == ("passed", None)


def test_unknown_challenge_fails_when_no_request_was_ever_made(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    vp = answer(contexts, tmp_path, CHALLENGE)
    code, report = verify_json(vp, f"--challenge={CHALLENGE}", f"--domain={DOMAIN}", capsys=capsys)
    assert code == 1
    assert presentation_code(report) == ("failed", "presentation.challenge_unknown")
    assert not home.exists()  # reading the default ledger created nothing


def test_reused_challenge_across_two_cli_runs(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    challenge, _hint = create_request(capsys, tmp_path)
    vp = answer(contexts, tmp_path, challenge)
    flags = (f"--challenge={challenge}", f"--domain={DOMAIN}")
    code, first = verify_json(vp, *flags, capsys=capsys)
    assert code == 0, first
    code, again = verify_json(vp, *flags, capsys=capsys)
    assert code == 1
    assert presentation_code(again) == ("failed", "presentation.challenge_reused")


def test_ledger_flags_that_contradict_or_a_damaged_ledger_are_usage_errors(
        home: Path, tmp_path: Path, contexts: ContextStore, capsys: pytest.CaptureFixture[str]) -> None:
    vp = answer(contexts, tmp_path, CHALLENGE)
    ledger = tmp_path / "ledger.json"
    base = ["verify", "--json", f"--challenge={CHALLENGE}", f"--domain={DOMAIN}"]
    assert main([*base, "--ledger", str(ledger), "--no-ledger", str(vp)]) == 2
    ledger.write_text('{"version": 7}', encoding="utf-8")
    assert main([*base, "--ledger", str(ledger), str(vp)]) == 2
    assert "request.ledger_invalid" in capsys.readouterr().err
    assert ledger.read_text(encoding="utf-8") == '{"version": 7}'


# -- subject binding on the command line ---------------------------------------------------------------

def test_require_subject_binding_flag(home: Path, tmp_path: Path, contexts: ContextStore,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    theirs = answer(contexts, tmp_path, CHALLENGE, key=ATTACKER)  # the holder's badge, presented by ATTACKER
    flags = (f"--challenge={CHALLENGE}", f"--domain={DOMAIN}", "--no-ledger")
    code, warned = verify_json(theirs, *flags, capsys=capsys)
    assert code == 0 and presentation_code(warned) == ("warning", "presentation.subject_mismatch")
    code, failed = verify_json(theirs, *flags, "--require-subject-binding", capsys=capsys)
    assert code == 1 and presentation_code(failed) == ("failed", "presentation.subject_mismatch")
    capsys.readouterr()
    assert main(["verify", "--now", NOW_ARG, *flags, str(theirs)]) == 0
    text = capsys.readouterr().out
    assert "presentation.subject_mismatch" in text and "⚠" in text
    # twin: the holder presenting their own badge passes the strict flag
    own = answer(contexts, tmp_path, CHALLENGE, name="own.json")
    code, bound = verify_json(own, *flags, "--require-subject-binding", capsys=capsys)
    assert code == 0 and presentation_code(bound) == ("passed", None)


# -- a bare credential sent in answer to a request -------------------------------------------------------

def test_bare_vc_jwt_cannot_answer_a_challenge(home: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Anyone holding a copy of a VC-JWT could send it: with --challenge it must not verify."""
    from verifier.vc_jwt import issue_vc_jwt

    token = tmp_path / "badge.jwt"
    token.write_text(issue_vc_jwt(badge(), ISSUER, f"{did(ISSUER)}#{ISSUER.public.multibase}"), encoding="ascii")
    code, report = verify_json(token, f"--challenge={CHALLENGE}", f"--domain={DOMAIN}", "--no-ledger",
                               capsys=capsys)
    assert code == 1
    assert presentation_code(report) == ("failed", "presentation.challenge_mismatch")
    code, twin = verify_json(token, capsys=capsys)  # twin: verified as the credential it is
    assert code == 0, twin
