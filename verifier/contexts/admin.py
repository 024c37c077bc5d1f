"""The admin of the pinned contexts, behind ``vcwallet contexts list|import|fetch``.

Verification only ever loads contexts (:class:`~.store.ContextStore`); seeing where each pinned
context would come from, copying a folder of context files into the cache and downloading the
pinned set once are jobs for a person setting up, and for the tests' one-time download. They live
here, over a store, through its public methods only (``pins``, ``test_only``, ``exclusive``,
``locate``, ``skipped``, ``add_to_cache``, ``download``), so the store keeps every rule about
what may be served, and a verification never imports this module.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import ContextError
from .copies import IgnoredFile, scan, urls_by_digest
from .pins import LABELS
from .store import ContextStore, Where

__all__ = ["ContextAdmin", "ContextInfo", "FetchOutcome"]


@dataclass(frozen=True)
class ContextInfo:
    """One pinned context as the store sees it, for ``vcwallet contexts list``."""

    url: str
    label: str
    test_only: bool
    where: Where
    path: Path | None
    digest: str | None


@dataclass(frozen=True)
class FetchOutcome:
    """What ``fetch_all`` did for one URL: ``present`` locally, ``fetched`` (and cached), or
    ``failed`` with a context error code where one applies."""

    status: Literal["present", "fetched", "failed"]
    code: str | None = None
    message: str = ""


class ContextAdmin:
    """List, import and download the pinned contexts of one :class:`ContextStore`.

    Each operation holds the store's lock throughout (``store.exclusive()``), so it sees and
    leaves one consistent state even while other threads verify with the same store.
    """

    def __init__(self, store: ContextStore) -> None:
        self.store = store

    def list(self) -> builtins.list[ContextInfo]:
        """Every pinned URL, where it would be loaded from, and the digest of that copy."""
        store = self.store
        with store.exclusive():
            out: list[ContextInfo] = []
            for url in store.pins:
                where, path, value = store.locate(url)
                out.append(ContextInfo(url=url, label=LABELS.get(url, url),
                                       test_only=url in store.test_only, where=where, path=path,
                                       digest=value))
            return out

    def ignored(self) -> builtins.list[IgnoredFile]:
        """Files in the scanned directories that serve no pinned context, with the reason."""
        return self.store.skipped()

    def import_dir(
        self, path: Path, *, on_skip: Callable[[IgnoredFile], None] | None = None
    ) -> builtins.list[str]:
        """Copy every file under ``path`` whose content is pinned into the cache directory.

        Returns the URLs imported (in pin order). Files that are invalid or unpinned are skipped
        and passed to ``on_skip``. Raises ``ValueError`` without a cache directory and
        ``NotADirectoryError`` when ``path`` is not a directory.
        """
        store = self.store
        if store.cache_dir is None:
            raise ValueError("this context store has no cache directory to import into")
        source = Path(path)
        if not source.is_dir():
            raise NotADirectoryError(f"{source} is not a directory")
        found, ignored = scan(source, "directory", urls_by_digest(store.pins))
        for item in ignored:
            if on_skip is not None:
                on_skip(item)
        imported: set[str] = set()
        with store.exclusive():
            for url, copy in found:
                store.add_to_cache(url, copy.data)  # verifies the bytes again before writing
                imported.add(url)
        return [url for url in store.pins if url in imported]

    def fetch_all(self) -> dict[str, FetchOutcome]:
        """Fetch every pinned context not already available locally, verify and cache it.

        Never raises for one URL's failure: each URL gets a :class:`FetchOutcome`. With network
        off every missing URL is reported ``failed`` with ``context.not_found`` and nothing is
        fetched.
        """
        store = self.store
        outcomes: dict[str, FetchOutcome] = {}
        with store.exclusive():
            for url in store.pins:
                where, path, _ = store.locate(url)
                if where in ("directory", "cache"):
                    outcomes[url] = FetchOutcome("present", message=str(path))
                elif not store.network_enabled:
                    outcomes[url] = FetchOutcome(
                        "failed", "context.not_found", "network is off; nothing was fetched"
                    )
                else:
                    outcomes[url] = _download(store, url)
        return outcomes


def _download(store: ContextStore, url: str) -> FetchOutcome:
    try:
        target = store.download(url)
    except ContextError as exc:
        return FetchOutcome("failed", exc.code, exc.message)
    except OSError as exc:
        return FetchOutcome("failed", None, f"verified but could not be cached: {exc}")
    where = str(target) if target is not None else "memory only (no cache directory)"
    return FetchOutcome("fetched", message=where)
