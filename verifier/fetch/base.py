"""The fetch seam: one small protocol that every network read goes through.

Resolvers, status-list checks and context loaders take a :class:`Fetcher` as a constructor or
call argument, so tests and offline runs swap in a URL map and nothing else can reach the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

#: Default response cap: DID documents, status lists and contexts are far below it.
DEFAULT_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FetchResponse:
    """A completed, fully read response; ``url`` is the final URL after allowed redirects."""

    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def media_type(self) -> str:
        """``content_type`` without parameters, lower-cased (``application/json``)."""
        return self.content_type.split(";", 1)[0].strip().lower()


class Fetcher(Protocol):
    """Anything that can GET a URL and return its body, or raise ``FetchError``."""

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse: ...
