"""The fixture world for wallet tests: its HTTPS host, a verifier over it, and its scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP
from vcwallet.demo.world import WORLD_DIR, scenarios

CONTEXTS = INTEROP / "contexts"
needs_world = pytest.mark.skipif(not CONTEXTS.is_dir() or not (WORLD_DIR / "scenarios.json").is_file(),
                                 reason="../shared/interop/contexts or the fixture world is missing")


def scenario_list() -> list[dict[str, Any]]:
    if not (WORLD_DIR / "scenarios.json").is_file():
        return []
    return list(scenarios()["scenarios"])


def world_file(scenario: dict[str, Any]) -> Path:
    return WORLD_DIR / str(scenario["file"])
