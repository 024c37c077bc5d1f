"""Test doubles for the context store: a fetcher that serves bytes and records every call, and
copies of the interop context files in a folder."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import FetchError
from verifier.fetch.base import FetchResponse

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNPINNED = "https://example.com/attacker-context/v1"


@dataclass
class RecordingFetcher:
    """Serves ``responses`` (url → (status, body)); anything else is a ``fetch.not_allowed``."""

    responses: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        self.calls.append(url)
        if url not in self.responses:
            raise FetchError("fetch.not_allowed", f"{url} is not served by this fake")
        status, body = self.responses[url]
        return FetchResponse(url, status, "application/ld+json", body)


def interop_bytes(interop: Path, name: str) -> bytes:
    return (interop / "contexts" / name).read_bytes()


def copy_contexts(interop: Path, folder: Path, *names: str) -> Path:
    """``folder`` holding copies of the interop context files ``names`` (flattened)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(interop / "contexts" / name, folder / Path(name).name)
    return folder
