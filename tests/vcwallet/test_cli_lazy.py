"""``vcwallet`` imports a command's module only when that command runs (cold-start budget).

The top-level parser knows commands by the table in ``vcwallet.cli``; these tests keep that table
equal to what the modules register, and check what a run does and does not import.
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO
from vcwallet import cli

ALL_COMMANDS = [name for group in cli.COMMANDS for name, _ in group.commands]


def _registered(group: cli.CommandGroup) -> list[tuple[str, str]]:
    module = importlib.import_module(f"vcwallet.commands.{group.module}")
    subparsers: Any = argparse.ArgumentParser(prog="vcwallet").add_subparsers(dest="command")
    getattr(module, group.register)(subparsers)
    return [(action.dest, action.help) for action in subparsers._choices_actions]


@pytest.mark.parametrize("group", cli.COMMANDS, ids=[g.module for g in cli.COMMANDS])
def test_the_table_matches_what_each_module_registers(group: cli.CommandGroup) -> None:
    assert list(group.commands) == _registered(group)


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for group in cli.COMMANDS:
        for name, help_line in group.commands:
            assert name in out and help_line.split()[0] in out


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_command_has_its_own_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    assert cli.main([command, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: vcwallet {command}")


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_a_known_command_gets_its_real_parser() -> None:
    args = cli.build_parser().parse_args(["verify", "--offline", "badge.json"])
    assert args.command == "verify" and args.offline and args.paths == ["badge.json"]
    assert callable(args.func)


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=120)
    return set(out.stdout.split())


def test_top_level_help_imports_no_command_module() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom vcwallet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])")
    # verifier.lazy is the package faces' loader (``import vcwallet`` runs it), nothing more
    assert not [m for m in loaded
                if m.startswith(("vcwallet.commands.", "verifier.")) and m != "verifier.lazy"]


@pytest.mark.usefixtures("cli_contexts")  # the sample verifies only with the pinned contexts at hand
def test_verify_imports_only_what_it_needs() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom vcwallet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['verify', '--offline', '--sample']) == 0")
    assert "vcwallet.commands.verify" in loaded
    heavy = ("pyld", "requests", "vcwallet.wallet", "vcwallet.store", "vcwallet.sharing",
             "vcwallet.issuing", "vcwallet.commands.wallet_cmds", "vcwallet.commands.share",
             "verifier.contexts.admin")
    assert not sorted(m for m in loaded if m.split(".")[0] in heavy or m.startswith(heavy))


def test_the_reference_path_still_loads_pyld_when_asked() -> None:
    loaded = _modules_after(
        "from verifier.canon import to_quads\n"
        "from verifier.contexts import ContextStore\n"
        "to_quads({'@context': {'@vocab': 'https://x.example/'}, 'a': 1},\n"
        "         document_loader=ContextStore().document_loader, fast=False)")
    assert "pyld" in loaded and "verifier.canon.pyld_path" in loaded


def test_version_prints_the_installed_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert cli.main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"vcwallet {version('vcwallet')}\n"
    assert re.fullmatch(r"vcwallet \d+\.\d+\.\d+\S*\n", out)


def test_version_imports_no_command_module() -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom vcwallet.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['--version']) == 0")
    # verifier.lazy is the package faces' loader (``import vcwallet`` runs it), nothing more
    assert not [m for m in loaded
                if m.startswith(("vcwallet.commands.", "verifier.")) and m != "verifier.lazy"]
