"""``vcwallet status``: create a list, then revoke/suspend/reinstate by credential or by index."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from vcwallet.commands import contexts as contexts_cmd
from vcwallet.commands import keys as keys_cmd
from vcwallet.commands import status as status_cmd
from vcwallet.keyfile import FAST_FOR_TESTS, create_keyfile
from verifier import assembly
from verifier.keys import Ed25519KeyPair
from verifier.status import Bitstring

PASSPHRASE = "status passphrase"
URL = "https://pd.district.example/status/1"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="vcwallet")
    status_cmd.add_parser(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(list(argv))
        code = int(args.func(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: None)
    monkeypatch.delenv(contexts_cmd.ENV_CONTEXTS, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, PASSPHRASE)


@pytest.fixture
def ctx(contexts_dir: Path) -> str:
    return str(contexts_dir)


def _key(path: Path, seed: int) -> Path:
    pair = Ed25519KeyPair.from_seed(bytes([seed]) * 32)
    create_keyfile(path, pair, pair.public.did_key, f"{pair.public.did_key}#{pair.public.multibase}",
                   PASSPHRASE, kdf_limits=FAST_FOR_TESTS)
    return path


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return _key(tmp_path / "issuer.key.json", 1)


def _bits(path: Path) -> Bitstring:
    return Bitstring.decode(json.loads(path.read_text(encoding="utf-8"))["credentialSubject"]["encodedList"])


def _create(capsys: pytest.CaptureFixture[str], tmp_path: Path, key_file: Path, ctx: str,
            purpose: str = "revocation") -> Path:
    out = tmp_path / f"{purpose}.json"
    code, stdout, err = run(capsys, "status", "create", "--key", str(key_file), "--url", URL,
                            "--out", str(out), "--purpose", purpose, "--contexts", ctx, "--json")
    assert code == 0, err
    assert json.loads(stdout)["purpose"] == purpose
    return out


def _credential(tmp_path: Path, index: int, purpose: str = "revocation") -> Path:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps({"credentialStatus": [
        {"type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": "1",
         "statusListCredential": "https://other.example/status/9"},
        {"type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": str(index),
         "statusListCredential": URL}]}), encoding="utf-8")
    return path


def test_create_then_revoke_by_credential(capsys: Any, tmp_path: Path, key_file: Path, ctx: str) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx)
    assert (tmp_path / "revocation.state.json").is_file()
    badge = _credential(tmp_path, 4711)
    code, out, err = run(capsys, "status", "revoke", str(badge), "--list", str(listing),
                         "--key", str(key_file), "--contexts", ctx, "--json")
    assert code == 0, err
    assert json.loads(out) | {"list": None} == {"list": None, "url": URL, "index": 4711,
                                                "purpose": "revocation", "set": True, "changed": True}
    assert _bits(listing).get(4711) and not _bits(listing).get(1)
    code, out, _ = run(capsys, "status", "revoke", "--index", "4711", "--list", str(listing),
                       "--key", str(key_file), "--contexts", ctx)
    assert code == 0
    assert "already set" in out


def test_reinstating_a_revocation_needs_the_flag(capsys: Any, tmp_path: Path, key_file: Path,
                                                 ctx: str) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx)
    common = ["--list", str(listing), "--key", str(key_file), "--contexts", ctx, "--index", "9"]
    assert run(capsys, "status", "revoke", *common)[0] == 0
    code, _, err = run(capsys, "status", "reinstate", *common)
    assert code == 1
    assert "issue.status_irreversible" in err
    assert _bits(listing).get(9)
    assert run(capsys, "status", "reinstate", *common, "--allow-unrevoke")[0] == 0
    assert not _bits(listing).get(9)


def test_suspend_and_reinstate(capsys: Any, tmp_path: Path, key_file: Path, ctx: str) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx, "suspension")
    badge = _credential(tmp_path, 77, "suspension")
    common = ["--list", str(listing), "--key", str(key_file), "--contexts", ctx]
    assert run(capsys, "status", "suspend", str(badge), *common)[0] == 0
    assert _bits(listing).get(77)
    assert run(capsys, "status", "reinstate", str(badge), *common)[0] == 0
    assert not _bits(listing).get(77)


def test_wrong_purpose_or_foreign_key_is_refused(capsys: Any, tmp_path: Path, key_file: Path,
                                                 ctx: str) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx)
    before = listing.read_bytes()
    common = ["--list", str(listing), "--contexts", ctx, "--index", "3"]
    code, _, err = run(capsys, "status", "suspend", *common, "--key", str(key_file))
    assert code == 1 and "status.list_mismatch" in err
    other = _key(tmp_path / "other.key.json", 2)
    code, _, err = run(capsys, "status", "revoke", *common, "--key", str(other))
    assert code == 1 and "issue.key_mismatch" in err
    assert listing.read_bytes() == before


USAGE_CASES = [([], 2), (["--index", "-1"], 2), (["--index", "5", "BADGE"], 2),
               (["--index", str(1 << 20)], 1)]  # out of range: the list refuses it


@pytest.mark.parametrize(("extra", "expected"), USAGE_CASES,
                         ids=["neither", "negative", "both", "out-of-range"])
def test_bad_index_arguments_change_nothing(capsys: Any, tmp_path: Path, key_file: Path, ctx: str,
                                            extra: list[str], expected: int) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx)
    badge = str(_credential(tmp_path, 5))
    argv = [badge if a == "BADGE" else a for a in extra]
    code, _, _ = run(capsys, "status", "revoke", *argv, "--list", str(listing),
                     "--key", str(key_file), "--contexts", ctx)
    assert code == expected
    assert not _bits(listing).count()


def test_create_refuses_an_existing_file_without_force(capsys: Any, tmp_path: Path, key_file: Path,
                                                       ctx: str) -> None:
    listing = _create(capsys, tmp_path, key_file, ctx)
    argv = ["status", "create", "--key", str(key_file), "--url", URL, "--out", str(listing),
            "--contexts", ctx]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "--force" in err
    assert run(capsys, *argv, "--force")[0] == 0


def test_wrong_passphrase_and_missing_list_are_usage_errors(capsys: Any, tmp_path: Path,
                                                            key_file: Path, ctx: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "status", "revoke", "--index", "1", "--list", str(tmp_path / "nope.json"),
                       "--key", str(key_file), "--contexts", ctx)
    assert code == 2 and "nope.json" in err
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, "wrong")
    code, _, err = run(capsys, "status", "create", "--key", str(key_file), "--url", URL,
                       "--out", str(tmp_path / "x.json"), "--contexts", ctx)
    assert code == 2 and "keyfile.wrong_passphrase" in err
    assert not (tmp_path / "x.json").exists()
