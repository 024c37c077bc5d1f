"""``vcwallet contexts``: list, import and fetch, run in-process through ``add_parser``."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from vcwallet.commands import contexts as contexts_cmd
from verifier import assembly
from verifier.contexts import PINS
from verifier.errors import FetchError
from verifier.fetch.base import FetchResponse

VC_V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No default interop dir, no env dirs, and a private cache, unless a test adds them."""
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: None)
    monkeypatch.delenv(contexts_cmd.ENV_CONTEXTS, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "vcwallet" / "contexts"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = contexts_cmd.main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if "--json" in argv and out else out)


class FakeFetcher:
    def __init__(self, responses: dict[str, bytes]) -> None:
        self.responses = responses
        self.calls: list[str] = []

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        self.calls.append(url)
        if url not in self.responses:
            raise FetchError("fetch.failed", "HTTP 404")
        return FetchResponse(url, 200, "application/ld+json", self.responses[url])


def test_add_parser_registers_contexts_with_func() -> None:
    parser = argparse.ArgumentParser()
    contexts_cmd.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["contexts", "list", "--json", "--contexts", "/x", "--contexts", "/y"])
    assert args.func is contexts_cmd.run_list
    assert args.contexts == [Path("/x"), Path("/y")] and args.json


@pytest.mark.parametrize("action", ["list", "import", "fetch"])
def test_each_action_has_help_with_an_example(
        capsys: pytest.CaptureFixture[str], action: str) -> None:
    code, out = run(capsys, action, "--help")
    assert code == 0 and "examples:" in out and f"vcwallet contexts {action}" in out


def test_contexts_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert contexts_cmd.main([]) == 2


def test_list_finds_everything_in_a_contexts_dir(
        capsys: pytest.CaptureFixture[str], interop: Path) -> None:
    code, out = run(capsys, "list", "--json", "--contexts", str(interop / "contexts"))
    assert code == 0
    assert [c["url"] for c in out["contexts"]] == list(PINS)
    assert {c["where"] for c in out["contexts"]} == {"directory"}
    assert [Path(i["path"]).name for i in out["ignored"]] == ["index.json"]


def test_list_shows_missing_without_any_dir(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "list", "--json")
    assert code == 0
    assert {c["where"] for c in out["contexts"]} == {"missing"}


def test_list_reads_the_environment_at_run_time(
        capsys: pytest.CaptureFixture[str], interop: Path, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setenv(contexts_cmd.ENV_CONTEXTS,
                       os.pathsep.join([str(tmp_path / "empty"), str(interop / "contexts")]))
    code, out = run(capsys, "list", "--json")
    assert code == 0 and {c["where"] for c in out["contexts"]} == {"directory"}


def test_list_text_table(capsys: pytest.CaptureFixture[str], interop: Path) -> None:
    code, out = run(capsys, "list", "-v", "--contexts", str(interop / "contexts"))
    assert code == 0
    assert all(url in out for url in PINS) and "index.json" in out


def test_list_with_a_bad_contexts_dir_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _ = run(capsys, "list", "--contexts", str(tmp_path / "nope"))
    assert code == 2


def test_default_interop_dir_is_used_when_present(
        capsys: pytest.CaptureFixture[str], interop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: interop / "contexts")
    code, out = run(capsys, "list", "--json")
    assert code == 0 and {c["where"] for c in out["contexts"]} == {"directory"}


def test_import_then_list_shows_the_cache(
        capsys: pytest.CaptureFixture[str], interop: Path, isolated: Path) -> None:
    code, out = run(capsys, "import", str(interop / "contexts"), "--json")
    assert code == 0 and out["imported"] == list(PINS)
    assert Path(out["cache_dir"]) == isolated
    code, out = run(capsys, "list", "--json")
    assert {c["where"] for c in out["contexts"]} == {"cache"}


def test_import_into_an_explicit_cache_dir(
        capsys: pytest.CaptureFixture[str], interop: Path, tmp_path: Path) -> None:
    code, _ = run(capsys, "import", str(interop / "contexts"), "--cache-dir", str(tmp_path / "c"))
    distinct_digests = sum(len(digests) for digests in PINS.values())  # variants count too
    assert code == 0 and len(list((tmp_path / "c").glob("*.jsonld"))) == distinct_digests


def test_import_of_a_folder_without_contexts_fails(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "x.json").write_text("{}", encoding="utf-8")
    code, out = run(capsys, "import", str(tmp_path / "src"), "--json")
    assert code == 1 and out["imported"] == [] and len(out["skipped"]) == 1


def test_import_of_a_missing_folder_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _ = run(capsys, "import", str(tmp_path / "nope"))
    assert code == 2


def test_fetch_downloads_and_caches_every_pinned_context(
        capsys: pytest.CaptureFixture[str], interop: Path, isolated: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    index = json.loads((interop / "contexts" / "index.json").read_text(encoding="utf-8"))
    fake = FakeFetcher({url: (interop / "contexts" / entry["file"]).read_bytes()
                        for url, entry in index["contexts"].items()})
    monkeypatch.setattr(contexts_cmd, "default_fetcher", lambda: fake)
    code, out = run(capsys, "fetch", "--json")
    assert code == 0
    assert {o["status"] for o in out.values()} == {"fetched"}
    code, out = run(capsys, "list", "--json")
    assert {c["where"] for c in out["contexts"]} == {"cache"}
    code, out = run(capsys, "fetch", "--json")
    assert code == 0 and {o["status"] for o in out.values()} == {"present"}
    assert len(fake.calls) == len(PINS)


def test_fetch_reports_failures_with_exit_1(
        capsys: pytest.CaptureFixture[str], interop: Path, isolated: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeFetcher({VC_V2: (interop / "contexts" / "credentials-v1.jsonld").read_bytes()})
    monkeypatch.setattr(contexts_cmd, "default_fetcher", lambda: fake)
    code, out = run(capsys, "fetch")
    assert code == 1
    assert "context.digest_mismatch" in out and "context.not_found" in out
    assert not isolated.exists() or list(isolated.iterdir()) == []


def test_build_context_store_for_other_commands(interop: Path) -> None:
    args = argparse.Namespace(contexts=[interop / "contexts"], cache_dir=None,
                              allow_test_contexts=False)
    store = contexts_cmd.build_context_store(args, allow_network=False)
    assert store.production and not store.network_enabled
    assert store.load(VC_V2)
    lenient = contexts_cmd.build_context_store(argparse.Namespace(allow_test_contexts=True),
                                               allow_network=False)
    assert not lenient.production and lenient.directories == ()


def test_module_runs_standalone(interop: Path, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop(contexts_cmd.ENV_CONTEXTS, None)
    done = subprocess.run(
        [sys.executable, "-m", "vcwallet.commands.contexts", "list", "--json",
         "--contexts", str(interop / "contexts")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert {c["where"] for c in json.loads(done.stdout)["contexts"]} == {"directory"}
