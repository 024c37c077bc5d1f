"""The fixture world: regenerates byte for byte, and every scenario verifies as it says through
the local HTTPS host with the real requests-based fetcher."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fixtures.__main__ import DEFAULT_OUT, differences
from fixtures.world import build_world, world_host, world_verifier
from tests.conftest import contexts_missing, pinned_contexts
from verifier.report import Status

WORLD = DEFAULT_OUT
CONTEXTS = pinned_contexts()
pytestmark = pytest.mark.skipif(CONTEXTS is None, reason=contexts_missing())


def _scenarios() -> list[dict[str, Any]]:
    path = WORLD / "scenarios.json"
    return json.loads(path.read_text(encoding="utf-8"))["scenarios"] if path.is_file() else []


def test_regenerating_reproduces_committed_files() -> None:
    assert differences(build_world(CONTEXTS), WORLD) == []


def test_world_has_what_the_issue_asks_for() -> None:
    scenarios = _scenarios()
    files = [s["file"] for s in scenarios]
    assert sum(1 for f in files if f.startswith("credentials/educator-lab/")) >= 10
    assert any(f.endswith(".baked.png") and "/ob2/" in f for f in files)
    assert any(f.endswith(".baked.svg") and "/educator-lab/" in f for f in files)
    codes = {code for s in scenarios for code in s["checks"].values()}
    assert {"status.revoked", "status.suspended", "validity.expired", "validity.not_yet_valid"} <= codes
    assert len(list((WORLD / "holders").glob("*.json"))) == 2


@pytest.fixture(scope="module")
def host() -> Iterator[Any]:
    with world_host(WORLD) as running:
        yield running


@pytest.fixture(scope="module")
def verifier(host: Any) -> Any:
    return world_verifier(WORLD, host, CONTEXTS)


def _assert_matches(report: Any, scenario: dict[str, Any]) -> None:
    got = {c.id: c for c in report.checks}
    for check_id, expected in scenario["checks"].items():
        assert check_id in got, (check_id, [c.id for c in report.checks])
        result = got[check_id]
        if expected in {s.value for s in Status}:
            assert result.status.value == expected, (check_id, result)
        else:
            assert result.code == expected, (check_id, result)
    assert report.verified is scenario["verified"], report.to_json()


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda s: s["file"].split("/", 1)[1])
def test_scenario(scenario: dict[str, Any], verifier: Any) -> None:
    data = (WORLD / scenario["file"]).read_bytes()
    _assert_matches(verifier.verify_credential(data, label=scenario["file"]), scenario)


def test_revoke_from_the_command_line_then_verify_revoked(tmp_path: Path) -> None:
    from vcwallet.cli import main

    world = tmp_path / "world"
    shutil.copytree(WORLD, world)
    badge = world / "credentials/educator-lab/maya-alvarez--growth-mindset.json"
    status_list = world / "hosts/credentials.educatorlab.example/status/revocation-1"
    with world_host(world) as running:
        before = world_verifier(world, running, CONTEXTS).verify_credential(badge.read_bytes())
        assert before.verified and before.check("status").status is Status.PASSED
    code = main(["status", "revoke", str(badge), "--list", str(status_list),
                 "--state", str(world / "keys/educator-lab.revocation-1.state.json"),
                 "--key", str(world / "keys/educator-lab.key.json"), "--contexts", str(CONTEXTS)])
    assert code == 0
    # the list was re-signed just now, so check as of now (the scenarios' clock is earlier)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with world_host(world) as running:
        after = world_verifier(world, running, CONTEXTS, as_of=now).verify_credential(badge.read_bytes())
    assert not after.verified
    assert after.check("status").code == "status.revoked"
