"""Fixtures for the context store's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def contexts_dir(interop: Path) -> Path:
    """The interop contexts folder itself, not any folder holding every pin: these tests rely on
    its layout (an ``index.json`` that serves no context, variants in a subfolder)."""
    return interop / "contexts"
