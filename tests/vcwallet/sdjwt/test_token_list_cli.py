"""``vcwallet status token-list``: create a Token Status List, revoke, suspend, reinstate."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from vcwallet.commands.sdjwt_status import add_token_list_parser
from vcwallet.issuing.token_status_list import TokenStatusListManager
from vcwallet.keyfile import create_keyfile
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.sdjwt import TokenStatusChecker

from .badge import ISSUER, ISSUER_KEY, KID, NOW, OTHER_KEY, issue, verify

URI = "https://pd.lakeview.example/tsl/1"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="vcwallet")
    commands = parser.add_subparsers(dest="command")
    status = commands.add_parser("status")
    add_token_list_parser(status.add_subparsers(dest="status_command"))
    args = parser.parse_args(["status", "token-list", *argv])
    return int(args.func(args))


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    path = tmp_path / "issuer.key.json"
    create_keyfile(path, ISSUER_KEY, ISSUER, KID, None)
    return path


@pytest.fixture
def listfile(tmp_path: Path, keyfile: Path) -> Path:
    out = tmp_path / "tsl-1.jwt"
    assert run("create", "--key", str(keyfile), "--url", URI, "--out", str(out), "--size", "1024") == 0
    return out


def value(listfile: Path, index: int) -> int:
    clock = FixedClock(NOW)
    checker = TokenStatusChecker(StaticFetcher({URI: listfile}), ResolverKeyLookup.create(StaticFetcher({}), clock),
                                 clock)
    return checker.check(URI, index, issuer=ISSUER)


def badge(tmp_path: Path, listfile: Path) -> tuple[Path, int]:
    ref = TokenStatusListManager(listfile).allocate("urn:uuid:badge-1")
    path = tmp_path / "badge.sdjwt"
    path.write_text(issue(status=ref) + "\n", encoding="ascii")
    return path, ref.idx


def test_create_writes_a_verifiable_list_and_private_state(tmp_path: Path, listfile: Path) -> None:
    state = tmp_path / "tsl-1.state.json"
    assert state.stat().st_mode & 0o777 == 0o600
    assert json.loads(state.read_text())["uri"] == URI
    assert value(listfile, 0) == 0 and value(listfile, 1023) == 0


def test_create_refuses_to_overwrite(listfile: Path, keyfile: Path) -> None:
    assert run("create", "--key", str(keyfile), "--url", URI, "--out", str(listfile)) == 2
    assert run("create", "--key", str(keyfile), "--url", URI, "--out", str(listfile), "--force") == 0


def test_revoke_by_credential_and_verifier_sees_it(tmp_path: Path, listfile: Path, keyfile: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path, idx = badge(tmp_path, listfile)
    assert run("revoke", str(path), "--list", str(listfile), "--key", str(keyfile), "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"list": str(listfile), "url": URI, "index": idx, "status": "revoked", "changed": True}
    assert value(listfile, idx) == 1
    clock = FixedClock(NOW)
    checker = TokenStatusChecker(StaticFetcher({URI: listfile}),
                                 ResolverKeyLookup.create(StaticFetcher({}), clock), clock)
    result = verify(path.read_text().strip(), require_key_binding=False, status_checker=checker)
    assert [p.code for p in result.problems] == ["status.revoked"]


def test_revocation_is_permanent(tmp_path: Path, listfile: Path, keyfile: Path) -> None:
    path, idx = badge(tmp_path, listfile)
    common = ["--list", str(listfile), "--key", str(keyfile)]
    assert run("revoke", str(path), *common) == 0
    assert run("revoke", str(path), *common) == 0  # already revoked: nothing changes
    assert run("suspend", str(path), *common) == 1
    assert run("reinstate", str(path), *common) == 1
    assert value(listfile, idx) == 1
    assert run("reinstate", str(path), *common, "--allow-unrevoke") == 0
    assert value(listfile, idx) == 0


def test_suspend_and_reinstate_by_index(listfile: Path, keyfile: Path) -> None:
    common = ["--list", str(listfile), "--key", str(keyfile)]
    assert run("suspend", "--index", "17", *common) == 0
    assert value(listfile, 17) == 2
    assert run("reinstate", "--index", "17", *common) == 0
    assert value(listfile, 17) == 0


def test_usage_errors(tmp_path: Path, listfile: Path, keyfile: Path) -> None:
    common = ["--list", str(listfile), "--key", str(keyfile)]
    assert run("revoke", *common) == 2  # neither credential nor index
    assert run("revoke", "--index", "3", str(tmp_path / "missing.sdjwt"), *common) == 2
    assert run("revoke", "--index", "4096", *common) == 1  # outside the list


def test_credential_on_another_list_is_refused(tmp_path: Path, listfile: Path, keyfile: Path) -> None:
    other = tmp_path / "other.sdjwt"
    from verifier.sdjwt import StatusReference

    other.write_text(issue(status=StatusReference("https://elsewhere.example/tsl", 3)), encoding="ascii")
    assert run("revoke", str(other), "--list", str(listfile), "--key", str(keyfile)) == 1


def test_foreign_key_cannot_change_the_list(tmp_path: Path, listfile: Path) -> None:
    foreign = tmp_path / "foreign.key.json"
    did = OTHER_KEY.public.did_key
    create_keyfile(foreign, OTHER_KEY, did, f"{did}#{OTHER_KEY.public.multibase}", None)
    assert run("revoke", "--index", "3", "--list", str(listfile), "--key", str(foreign)) == 1
    assert value(listfile, 3) == 0
