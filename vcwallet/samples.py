"""The sample badge bundled with the package, for ``vcwallet verify --sample`` and benchmarks.

It is our own generated credential (``python -m fixtures.sample``), issued by a did:key, so it
verifies with no network and no trust configuration.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_credential_path(name: str = "sample-badge.json") -> Path:
    """Filesystem path of a bundled sample (``sample-badge.json`` or ``…-tampered.json``)."""
    return Path(str(resources.files("vcwallet") / "data" / name))
