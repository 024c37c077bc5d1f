"""The wallet commands, run in-process through ``wallet_cmds.register``: init, import, list,
show, remove, recheck, tag, note, holder, backup, restore, passwd, salvage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential
from tests.vcwallet.wallet.world import needs_world
from vcwallet.commands import wallet_cmds, wallet_common, wallet_import
from vcwallet.demo.world import WORLD_DIR
from vcwallet.wallet import Wallet

COMMANDS = ["init", "import", "list", "show", "remove", "recheck", "tag", "note", "holder", "backup",
            "restore", "passwd", "salvage"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(list(argv))
        code = int(args.func(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VCWALLET_PASSPHRASE", "VCWALLET_NEW_PASSPHRASE", "VCWALLET_BACKUP_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VCWALLET_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(wallet_import, "make_verifier", lambda _args: StubVerifier())
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # not a terminal: no prompts


@pytest.fixture
def wallet_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "wallet.db"
    code, out, err = run(capsys, "init", "--wallet", str(path), "--kdf", "insecure-test")
    assert code == 0, err
    assert "did:key:z6Mk" in out
    return path


def _badge(tmp_path: Path, i: int, **kwargs: Any) -> Path:
    path = tmp_path / f"badge-{i}.json"
    path.write_bytes(credential(i, **kwargs))
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _err = run(capsys, command, "--help")
    assert code == 0 and "examples:" in out and "--wallet" in out


def test_init_uses_vcwallet_home_and_creates_a_private_folder(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    code, out, _err = run(capsys, "init", "--kdf", "insecure-test")
    assert code == 0 and str(tmp_path / "home" / "wallet.db") in out
    assert (tmp_path / "home" / "wallet.db").stat().st_mode & 0o077 == 0
    assert (tmp_path / "home").stat().st_mode & 0o077 == 0


def test_init_never_overwrites_even_a_damaged_file(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "wallet.db"
    path.write_bytes(b"\x00" * 4096)
    code, _out, err = run(capsys, "init", "--wallet", str(path), "--kdf", "insecure-test")
    assert code == 2 and "wallet.exists" in err
    assert path.read_bytes() == b"\x00" * 4096
    os.chmod(path, 0o600)
    code, _out, err = run(capsys, "list", "--wallet", str(path))
    assert code == 2 and "[wallet.corrupt_store]" in err and "salvage" in err


def test_no_passphrase_and_no_terminal_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, "init", "--wallet", str(tmp_path / "w.db"))
    assert code == 2 and "VCWALLET_PASSPHRASE" in err
    assert not (tmp_path / "w.db").exists()


def test_wrong_passphrase_exits_2_with_its_code(
        capsys: pytest.CaptureFixture[str], wallet_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", "wrong")
    code, _out, err = run(capsys, "list", "--wallet", str(wallet_path))
    assert code == 2 and "[wallet.wrong_passphrase]" in err


def test_import_list_show_tag_note_remove(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                          tmp_path: Path) -> None:
    w = ["--wallet", str(wallet_path)]
    good, bad = _badge(tmp_path, 1, name="Formative Assessment"), _badge(tmp_path, 2, marker="FAIL")
    code, out, _err = run(capsys, "import", *w, str(good), str(bad))
    assert code == 1  # one was refused
    assert "added" in out and "refused" in out and "--force" in out
    code, out, _err = run(capsys, "import", *w, "--force", str(bad), str(good))
    assert code == 0 and "FLAGGED" in out and "duplicate" in out
    code, out, _err = run(capsys, "list", *w)
    assert code == 0 and "Formative Assessment" in out and "invalid*" in out
    code, out, _err = run(capsys, "list", *w, "--json", "--status", "verified")
    [item] = json.loads(out)
    assert item["name"] == "Formative Assessment"
    short = item["id"][:6]
    assert run(capsys, "tag", *w, short, "pd", "literacy")[1].strip().endswith("pd, literacy")
    assert "for the application" in run(capsys, "note", *w, short, "for the application")[1]
    code, out, _err = run(capsys, "list", *w, "--search", "application")
    assert "Formative Assessment" in out and "Stub Badge 2" not in out
    code, out, _err = run(capsys, "show", *w, short)
    assert code == 0
    for text in ("Achievement", "criteria:", "Issuer: Stub Issuer", "Dates", "Verification", "Tags: pd"):
        assert text in out
    code, out, _err = run(capsys, "show", *w, short, "--json")
    assert json.loads(out)["credential"]["name"] == "Formative Assessment"
    code, _out, err = run(capsys, "remove", *w, short)
    assert code == 2 and "--yes" in err
    code, out, _err = run(capsys, "remove", *w, short, "--yes")
    assert code == 0 and "removed" in out
    code, _out, err = run(capsys, "show", *w, short)
    assert code == 2 and "[wallet.not_found]" in err


def test_show_raw_writes_the_exact_bytes(capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    badge = _badge(tmp_path, 1)
    wallet_path = tmp_path / "wallet.db"
    with Wallet.create(wallet_path, PASSPHRASE, verifier=StubVerifier(), kdf=FAST) as wallet:
        record = wallet.add(badge.read_bytes(), source=str(badge)).id or ""
    parser = argparse.ArgumentParser(prog="vcwallet")
    wallet_cmds.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["show", "--wallet", str(wallet_path), record, "--raw"])
    assert args.func(args) == 0
    assert capsysbinary.readouterr().out == badge.read_bytes()


def test_show_renders_open_badges_3_fields(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                           tmp_path: Path) -> None:
    doc = json.loads(credential(1, name="Restorative Circles"))
    achievement = doc["credentialSubject"]["achievement"]
    achievement.update(achievementType="MicroCredential", description="Runs circles.",
                       alignment=[{"type": ["Alignment"], "targetName": "CASEL 5: Relationship skills",
                                   "targetUrl": "https://casel.example/5", "targetFramework": "CASEL"}])
    doc["credentialSubject"]["evidence"] = [{"id": "https://evidence.example/1", "name": "Circle log",
                                             "narrative": "Six circles over a term."}]
    doc["validUntil"] = "2030-01-01T00:00:00Z"
    path = tmp_path / "rich.json"
    path.write_text(json.dumps(doc))
    assert run(capsys, "import", "--wallet", str(wallet_path), str(path))[0] == 0
    code, out, _err = run(capsys, "show", "--wallet", str(wallet_path), doc["id"])
    assert code == 0
    for text in ("Restorative Circles", "MicroCredential", "Runs circles.", "Do the thing.",
                 "CASEL 5: Relationship skills (CASEL) <https://casel.example/5>", "Evidence", "Circle log",
                 "Six circles over a term.", "issued:", "2025-01-01", "valid until:", "2030-01-01"):
        assert text in out, text


def test_recheck_and_holder(capsys: pytest.CaptureFixture[str], wallet_path: Path, tmp_path: Path) -> None:
    w = ["--wallet", str(wallet_path)]
    run(capsys, "import", *w, str(_badge(tmp_path, 1)))
    code, out, _err = run(capsys, "recheck", *w)
    assert code == 0 and "verified" in out
    code, out, _err = run(capsys, "holder", *w, "rotate")
    assert code == 0 and "did:key:" in out
    code, out, _err = run(capsys, "holder", *w)
    assert code == 0 and len(out.strip().splitlines()) == 2 and out.count("*") == 1


def test_backup_restore_passwd_from_the_command_line(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = ["--wallet", str(wallet_path)]
    for i in range(3):
        run(capsys, "import", *w, str(_badge(tmp_path, i)))
    backup = tmp_path / "wallet.vcbackup"
    code, _out, err = run(capsys, "backup", *w, str(backup))
    assert code == 2 and "VCWALLET_BACKUP_PASSPHRASE" in err and not backup.exists()
    monkeypatch.setenv("VCWALLET_BACKUP_PASSPHRASE", "usb stick passphrase")
    code, out, _err = run(capsys, "backup", *w, str(backup), "--kdf", "insecure-test")
    assert code == 0 and "3 credentials" in out
    assert run(capsys, "backup", *w, str(backup))[0] == 2  # never overwritten

    fresh = ["--wallet", str(tmp_path / "new-laptop" / "wallet.db")]
    code, out, _err = run(capsys, "restore", *fresh, "--dry-run", str(backup))
    assert code == 0 and "3 credential" in out and not (tmp_path / "new-laptop").exists()
    code, out, _err = run(capsys, "restore", *fresh, "--kdf", "insecure-test", str(backup))
    assert code == 0 and "added 3 credentials" in out
    code, out, _err = run(capsys, "restore", *fresh, str(backup))
    assert code == 0 and "added 0 credentials; 3 already in the wallet" in out
    with Wallet.open(tmp_path / "new-laptop" / "wallet.db", PASSPHRASE) as restored:
        assert len(restored.list()) == 3 and len(restored.holder_keys()) == 1

    monkeypatch.setenv("VCWALLET_NEW_PASSPHRASE", "a brand new passphrase")
    code, out, _err = run(capsys, "passwd", *w, "--kdf", "insecure-test")
    assert code == 0 and "changed" in out
    assert run(capsys, "list", *w)[0] == 2
    monkeypatch.setenv("VCWALLET_PASSPHRASE", "a brand new passphrase")
    assert run(capsys, "list", *w)[0] == 0


def test_salvage_from_the_command_line(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                       tmp_path: Path) -> None:
    w = ["--wallet", str(wallet_path)]
    run(capsys, "import", *w, str(_badge(tmp_path, 1)))
    out_path = tmp_path / "salvaged.db"
    code, out, _err = run(capsys, "salvage", *w, "--out", str(out_path))
    assert code == 0 and "1 credential(s), 1 holder key(s)" in out
    assert run(capsys, "list", "--wallet", str(out_path))[1].count("Stub Badge 1") == 1


def test_import_reports_unreadable_input_with_exit_2(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                                     tmp_path: Path) -> None:
    code, _out, err = run(capsys, "import", "--wallet", str(wallet_path), str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err


def test_passphrase_prompt_is_used_on_a_terminal() -> None:
    answers = iter(["s3cret", "s3cret"])
    got = wallet_common.get_passphrase("new wallet passphrase", "UNSET_VARIABLE", confirm=True, environ={},
                                       prompt=lambda _q: next(answers), interactive=True)
    assert got == "s3cret"
    mismatch = iter(["one", "two"])
    with pytest.raises(wallet_common.UsageError):
        wallet_common.get_passphrase("x", "UNSET", confirm=True, environ={}, prompt=lambda _q: next(mismatch),
                                     interactive=True)


@needs_world
def test_import_the_fixture_world_from_the_command_line(capsys: pytest.CaptureFixture[str], wallet_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, verifier: Any) -> None:
    monkeypatch.setattr(wallet_import, "make_verifier", lambda _args: verifier)
    w = ["--wallet", str(wallet_path)]
    code, out, _err = run(capsys, "import", *w, str(WORLD_DIR / "credentials"))
    assert code == 1 and "status.revoked" in out  # revoked ones refused without --force
    code, out, _err = run(capsys, "import", *w, "--force", str(WORLD_DIR / "credentials"))
    assert code == 0
    code, out, _err = run(capsys, "list", *w, "--status", "revoked")
    assert "Formative Assessment" in out and "Literacy Coach" in out
    code, out, _err = run(capsys, "show", *w, "https://badges.riverbend-schools.example/assertions/a1b2c3.json")
    assert code == 0 and "Literacy Coach" in out and "Riverbend School District" in out and "criteria:" in out
