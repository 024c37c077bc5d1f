"""`vcwallet verify` over many inputs: worker processes (--jobs), input order, --paths-from."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from vcwallet.cli import main
from vcwallet.commands import verify as verify_cmd
from vcwallet.samples import sample_credential_path


def _inputs(tmp_path: Path, count: int, *, tampered_at: int) -> list[str]:
    good = sample_credential_path()
    bad = sample_credential_path("sample-badge-tampered.json")
    paths = []
    for n in range(count):
        path = tmp_path / f"badge-{n:03d}.json"
        shutil.copyfile(bad if n == tampered_at else good, path)
        paths.append(str(path))
    return paths


def _lines(out: str) -> list[tuple[str, bool]]:
    return [(line["input"], line["verified"]) for line in map(json.loads, out.splitlines())]


@pytest.mark.usefixtures("cli_contexts")
def test_two_jobs_keep_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _inputs(tmp_path, 40, tampered_at=23)
    assert main(["verify", "--offline", "--json", "--jobs", "2", *paths]) == 1
    pooled = _lines(capsys.readouterr().out)
    assert main(["verify", "--offline", "--json", "--jobs", "1", *paths]) == 1
    in_process = _lines(capsys.readouterr().out)
    assert pooled == in_process
    assert [p for p, _ in pooled] == paths
    assert [ok for _, ok in pooled].index(False) == 23


@pytest.mark.usefixtures("cli_contexts")
def test_two_jobs_all_verified_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _inputs(tmp_path, 20, tampered_at=-1)
    assert main(["verify", "--offline", "--json", "--jobs", "2", *paths]) == 0
    assert all(ok for _, ok in _lines(capsys.readouterr().out))


def test_unreadable_input_in_a_pool_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _inputs(tmp_path, 10, tampered_at=-1)
    paths.insert(4, str(tmp_path / "missing.json"))
    assert main(["verify", "--offline", "--json", "--jobs", "2", *paths]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 10
    assert "missing.json" in captured.err


@pytest.mark.usefixtures("cli_contexts")
def test_paths_from_file_streams_the_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _inputs(tmp_path, 12, tampered_at=5)
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(paths) + "\n\n", encoding="utf-8")
    assert main(["verify", "--offline", "--json", "--jobs", "2", "--paths-from", str(listing)]) == 1
    assert [p for p, _ in _lines(capsys.readouterr().out)] == paths


@pytest.mark.usefixtures("cli_contexts")
def test_paths_from_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _inputs(tmp_path, 3, tampered_at=-1)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(paths)))
    assert main(["verify", "--offline", "--json", "--paths-from", "-"]) == 0
    assert [p for p, _ in _lines(capsys.readouterr().out)] == paths


def test_missing_paths_from_file_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["verify", "--offline", "--paths-from", str(tmp_path / "nope.txt")]) == 2


@pytest.mark.parametrize("jobs", ["0", "-3", "many"])
def test_bad_jobs_is_a_usage_error(jobs: str) -> None:
    assert main(["verify", "--offline", "--sample", "--jobs", jobs]) == 2


@pytest.mark.usefixtures("cli_contexts")
def test_good_jobs_twin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--offline", "--sample", "--jobs", "3"]) == 0


def test_challenge_keeps_presentations_in_one_process(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A challenge may be used once; that is remembered per process, so no pool."""
    def no_pool(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a process pool was used with --challenge")

    monkeypatch.setattr(verify_cmd, "verify_in_pool", no_pool)
    paths = _inputs(tmp_path, 3, tampered_at=-1)
    assert main(["verify", "--offline", "--json", "--jobs", "2", "--challenge", "c",
                 "--domain", "d", *paths]) in (0, 1)
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.mark.usefixtures("cli_contexts")
def test_without_challenge_the_pool_is_used(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[int] = []
    real = verify_cmd.verify_in_pool

    def spy(args: Any, paths: Any, jobs: int) -> Any:
        used.append(jobs)
        return real(args, paths, jobs)

    monkeypatch.setattr(verify_cmd, "verify_in_pool", spy)
    paths = _inputs(tmp_path, 3, tampered_at=-1)
    assert main(["verify", "--offline", "--json", "--jobs", "2", *paths]) == 0
    assert used == [2]
