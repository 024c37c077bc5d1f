"""Shared names for the presentation tests: the world's files, holders and request values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import pinned_contexts
from vcwallet.demo.world import WORLD_DIR
from verifier.keys import Ed25519KeyPair

#: None when the pinned contexts are not available offline (the tests that need them skip).
CONTEXTS = pinned_contexts()
CREDENTIALS = WORLD_DIR / "credentials"
ACTIVE = CREDENTIALS / "educator-lab" / "maya-alvarez--checking-for-student-understanding.json"
DOMAIN = "hr.lakeview.example"
ACHIEVEMENT = "Checking for Student Understanding"
LAB = "did:web:credentials.educatorlab.example"
#: A proof time just before the world's scenario clock, so its verifier accepts it.
CREATED = "2026-06-01T11:00:00Z"


def world_file(relative: str) -> Path:
    return CREDENTIALS / relative


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class Holder:
    """A holder from the world: name, DID, verification method and key."""

    def __init__(self, slug: str) -> None:
        data = load(WORLD_DIR / "holders" / f"{slug}.json")
        self.name: str = data["name"]
        self.email: str = data["email"]
        self.did: str = data["did"]
        self.vm = f"{data['did']}#{data['publicKeyMultibase']}"
        self.key = Ed25519KeyPair.from_secret_multibase(data["secretKeyMultibase"])
