"""``vcwallet keys new`` and ``keys show``, run in-process through the commands' ``add_parser``."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from vcwallet.commands import keys as keys_cmd
from vcwallet.keyfile import inspect_keyfile, load_keyfile
from verifier.clock import SystemClock
from verifier.did import did_web_url
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup

PASSPHRASE = "district pd office 2025"
FAST = ["--kdf", "insecure-test"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="vcwallet")
    keys_cmd.add_parser(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(["keys", *argv])
        code = int(args.func(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def no_passphrase_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys_cmd.ENV_PASSPHRASE, raising=False)


def test_new_did_key_with_env_passphrase(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, PASSPHRASE)
    out = tmp_path / "issuer.key.json"
    code, stdout, _ = run(capsys, "new", "--did", "key", "--out", str(out), *FAST)
    assert code == 0
    loaded = load_keyfile(out, PASSPHRASE)
    assert loaded.did == loaded.public_key.did_key
    assert loaded.verification_method == f"{loaded.did}#{loaded.public_key.multibase}"
    assert loaded.did in stdout
    assert inspect_keyfile(out).encrypted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issuer.key.json"]  # no did.json for did:key


def test_new_with_named_passphrase_variable(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_PASS", PASSPHRASE)
    out = tmp_path / "k.json"
    assert run(capsys, "new", "--did", "key", "--out", str(out), "--passphrase-env", "MY_PASS", *FAST)[0] == 0
    assert load_keyfile(out, PASSPHRASE)
    missing = tmp_path / "k2.json"
    code, _, _ = run(capsys, "new", "--did", "key", "--out", str(missing), "--passphrase-env", "UNSET_VAR")
    assert code == 2 and not missing.exists()


def test_refuses_to_run_without_a_passphrase(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    code, _, _ = run(capsys, "new", "--did", "key", "--out", str(out))  # stdin is not a terminal here
    assert code == 2
    assert not out.exists()


def test_no_passphrase_warns_and_creates_0600(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    code, _, err = run(capsys, "new", "--did", "key", "--out", str(out), "--no-passphrase")
    assert code == 0
    assert err  # the warning about an unencrypted key
    assert not inspect_keyfile(out).encrypted
    assert load_keyfile(out, None)
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_no_passphrase_and_passphrase_env_conflict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "new", "--did", "key", "--out", str(tmp_path / "k.json"), "--no-passphrase",
                     "--passphrase-env", "X")
    assert code == 2


def test_new_did_web_writes_a_resolvable_did_json(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, PASSPHRASE)
    out = tmp_path / "issuer.key.json"
    code, stdout, _ = run(capsys, "new", "--did", "web:pd.district.example:badges", "--out", str(out), *FAST)
    assert code == 0
    did = "did:web:pd.district.example:badges"
    url = did_web_url(did)
    assert url == "https://pd.district.example/badges/did.json"
    assert url in stdout  # where to publish it
    did_json = tmp_path / "did.json"
    document = json.loads(did_json.read_text())
    vm = f"{did}#key-1"
    assert document["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert document["assertionMethod"] == [vm] and document["authentication"] == [vm]
    loaded = load_keyfile(out, PASSPHRASE)
    assert (loaded.did, loaded.verification_method) == (did, vm)
    lookup = ResolverKeyLookup.create(StaticFetcher({url: did_json}), SystemClock())
    binding = lookup.lookup(vm, purpose="assertionMethod", expected_controller=did)
    assert binding.bound and binding.public_key == loaded.public_key


def test_did_json_path_can_be_chosen(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "publish" / "did.json"
    target.parent.mkdir()
    code, _, _ = run(capsys, "new", "--did", "web:pd.district.example", "--out", str(tmp_path / "k.json"),
                     "--did-json", str(target), "--no-passphrase")
    assert code == 0
    assert json.loads(target.read_text())["id"] == "did:web:pd.district.example"


@pytest.mark.parametrize("did", ["web:pd.district.example:..", "web:", "web:exa mple.org", "jwk", "web:a:b:"])
def test_bad_did_spec(capsys: pytest.CaptureFixture[str], tmp_path: Path, did: str) -> None:
    out = tmp_path / "k.json"
    assert run(capsys, "new", "--did", did, "--out", str(out), "--no-passphrase")[0] == 2
    assert list(tmp_path.iterdir()) == []


def test_did_json_only_for_did_web(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = run(capsys, "new", "--did", "key", "--out", str(tmp_path / "k.json"),
                     "--did-json", str(tmp_path / "d.json"), "--no-passphrase")
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_existing_key_file_is_never_overwritten(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    out.write_text("precious")
    assert run(capsys, "new", "--did", "key", "--out", str(out), "--no-passphrase")[0] == 2
    assert out.read_text() == "precious"


def test_existing_did_json_stops_before_any_key_is_written(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    (tmp_path / "did.json").write_text("published")
    out = tmp_path / "k.json"
    assert run(capsys, "new", "--did", "web:pd.district.example", "--out", str(out), "--no-passphrase")[0] == 2
    assert not out.exists()
    assert (tmp_path / "did.json").read_text() == "published"


def test_unknown_kdf_level(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    assert run(capsys, "new", "--did", "key", "--out", str(out), "--no-passphrase", "--kdf", "none")[0] == 2
    assert not out.exists()


# -- show -------------------------------------------------------------------------------------------

def _make(capsys: pytest.CaptureFixture[str], tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "k.json"
    assert run(capsys, "new", "--out", str(out), *extra)[0] == 0
    return out


@pytest.mark.parametrize("extra", [["--did", "key", "--no-passphrase"],
                                   ["--did", "web:pd.district.example", "--no-passphrase"]])
def test_show_never_prints_the_secret(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      extra: list[str]) -> None:
    path = _make(capsys, tmp_path, *extra)
    secret = load_keyfile(path, None).key.secret_multibase
    info = inspect_keyfile(path)
    code, stdout, _ = run(capsys, "show", str(path))
    assert code == 0
    assert info.did in stdout and info.verification_method in stdout
    assert info.public_key.multibase in stdout
    assert secret not in stdout
    code, stdout, _ = run(capsys, "show", "--json", str(path))
    shown: dict[str, Any] = json.loads(stdout)
    assert code == 0 and secret not in stdout
    assert shown["did"] == info.did
    assert shown["publicKeyMultibase"] == info.public_key.multibase
    assert shown["encrypted"] is False
    assert (shown["didDocumentUrl"] is None) == info.did.startswith("did:key:")


def test_show_an_encrypted_file_without_passphrase(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, PASSPHRASE)
    path = _make(capsys, tmp_path, "--did", "key", *FAST)
    monkeypatch.delenv(keys_cmd.ENV_PASSPHRASE)
    code, stdout, _ = run(capsys, "show", "--json", str(path))
    assert code == 0 and json.loads(stdout)["encrypted"] is True


@pytest.mark.parametrize("content", [None, "not json", '{"version": 1}'])
def test_show_unreadable(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "k.json"
    if content is not None:
        path.write_text(content)
    assert run(capsys, "show", str(path))[0] == 2


# -- passphrase source ------------------------------------------------------------------------------

def test_prompt_asks_twice_and_must_match(tmp_path: Path) -> None:
    args = argparse.Namespace(passphrase_env=None)
    answers = iter(["one", "two"])
    with pytest.raises(keys_cmd.UsageError):
        keys_cmd.get_passphrase(args, confirm=True, environ={}, interactive=True,
                                prompt=lambda _p: next(answers))
    same = iter(["one", "one"])
    assert keys_cmd.get_passphrase(args, confirm=True, environ={}, interactive=True,
                                   prompt=lambda _p: next(same)) == "one"


def test_prompt_refuses_empty(tmp_path: Path) -> None:
    args = argparse.Namespace(passphrase_env=None)
    with pytest.raises(keys_cmd.UsageError):
        keys_cmd.get_passphrase(args, confirm=False, environ={}, interactive=True, prompt=lambda _p: "")
    assert keys_cmd.get_passphrase(args, confirm=False, environ={}, interactive=True,
                                   prompt=lambda _p: "x") == "x"


def test_environment_wins_over_prompt() -> None:
    args = argparse.Namespace(passphrase_env=None)

    def never(_prompt: str) -> str:
        raise AssertionError("prompted although the variable is set")

    env = {keys_cmd.ENV_PASSPHRASE: PASSPHRASE}
    assert keys_cmd.get_passphrase(args, confirm=True, environ=env, interactive=True, prompt=never) == PASSPHRASE
    assert os.environ.get(keys_cmd.ENV_PASSPHRASE) is None
