"""Fixtures for the canonicalization tests: a small pinned-style document loader.

The loader serves context files from ``../shared/interop/contexts`` (never copied into the repo)
by URL, refuses every other URL with ``context.not_allowed`` as the real context store does,
and counts its calls so tests can see pyld's context cache at work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from verifier.errors import ContextError

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"


class FileLoader:
    """A pyld document loader over ``{url: parsed JSON}``; documents are shared and static."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.calls: list[str] = []

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append(url)
        if url not in self.documents:
            raise ContextError("context.not_allowed", f"{url} is not a pinned context")
        return {"contextUrl": None, "documentUrl": url, "document": self.documents[url],
                "tag": "static"}


def _interop_contexts() -> dict[str, Any]:
    index = json.loads((INTEROP / "contexts" / "index.json").read_text(encoding="utf-8"))
    return {
        url: json.loads((INTEROP / "contexts" / entry["file"]).read_text(encoding="utf-8"))
        for url, entry in index["contexts"].items()
    }


@pytest.fixture(scope="session")
def context_documents() -> dict[str, Any]:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    return _interop_contexts()


@pytest.fixture()
def loader(context_documents: dict[str, Any]) -> FileLoader:
    """A fresh loader (so a fresh context cache) over every interop context."""
    return FileLoader(context_documents)


@pytest.fixture()
def make_loader(context_documents: dict[str, Any]) -> Callable[..., FileLoader]:
    def make(extra: dict[str, Any] | None = None) -> FileLoader:
        return FileLoader({**context_documents, **(extra or {})})

    return make
