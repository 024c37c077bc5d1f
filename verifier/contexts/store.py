"""``ContextStore``: the only way a JSON-LD context document reaches the verifier.

Contexts decide what signed terms mean, so the store serves a context URL only with content whose
JCS digest is pinned for that URL (see :mod:`.pins`). It is offline-first: it looks in the
directories the user names, then in the user cache (both scanned by content, see :mod:`.copies`),
and touches the network only when the caller allows it, and then only for pinned URLs, checking
the digest before the document is used or cached. An unpinned URL is refused before any I/O, so a
credential cannot make the verifier fetch an attacker's URL.

Loaded documents are memoized and shared: ``load`` returns the same object every time and the pyld
document loader marks it ``tag: "static"`` so pyld reuses the processed context across calls.
Callers must treat the documents as read-only.

This module is what every verification uses. Listing, importing and downloading the pinned set
(``vcwallet contexts``) is :mod:`.admin`, which works through the few public methods at the end of
:class:`ContextStore`; verification never imports it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..cache import LruCache
from ..errors import ContextError, VCError
from ..fetch.base import Fetcher
from .copies import MAX_CONTEXT_BYTES, CopyIndex, IgnoredFile, parse_context, urls_by_digest
from .pins import LABELS, PINS, TEST_ONLY, digest

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

#: Accept header sent when fetching a pinned context.
ACCEPT = "application/ld+json, application/json;q=0.9"
#: Most entries in a store's pyld resolved-context cache (inline contexts are cached there too).
PYLD_CACHE_SIZE = 256

#: Where :meth:`ContextStore.locate` finds a pinned context.
Where = Literal["directory", "cache", "fetched", "missing"]


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/vcwallet/contexts``, else ``~/.cache/vcwallet/contexts``.

    A function, not a constant, so nothing reads the environment at import time.
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "vcwallet" / "contexts"


class PyldLoader:
    """The pyld ``documentLoader`` of one store, carrying that store's resolved-context cache.

    One instance per store, so ``store.document_loader is store.document_loader`` and callers that
    only hold the loader can still find the cache that belongs with it (``loader.pyld_cache``).
    """

    def __init__(self, load: Callable[[str], dict[str, Any]]) -> None:
        self._load = load
        # bounded, so attacker-supplied inline contexts (which pyld caches by content) cannot
        # grow it without limit
        self.pyld_cache: MutableMapping[str, Any] = LruCache(PYLD_CACHE_SIZE)

    def __call__(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self._load(url),
            "contentType": "application/ld+json",
            "tag": "static",
        }


class ContextStore:
    """Pinned, offline-first JSON-LD contexts; see the module docstring for the rules.

    ``production`` refuses test-only contexts (``context.test_only``). ``allow_unpinned`` lets an
    unpinned URL through when network is allowed (never cached, never digest-checked): for
    experiments only. Thread-safe: the scan and the memo are guarded by a lock.
    """

    def __init__(
        self,
        directories: Sequence[Path] = (),
        *,
        cache_dir: Path | None = None,
        fetcher: Fetcher | None = None,
        allow_network: bool = False,
        production: bool = True,
        allow_unpinned: bool = False,
        pins: Mapping[str, frozenset[str]] = PINS,
        test_only: Collection[str] = TEST_ONLY,
    ) -> None:
        self._directories = tuple(Path(d) for d in directories)
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._fetcher = fetcher
        self._allow_network = allow_network
        self._production = production
        self._allow_unpinned = allow_unpinned
        self._pins = pins
        self._test_only = frozenset(test_only)
        self._lock = threading.RLock()
        self._copies = CopyIndex(self._directories, self._cache_dir, urls_by_digest(pins))
        self._memo: dict[str, dict[str, Any]] = {}
        self._loader = PyldLoader(self._load)

    # -- configuration -------------------------------------------------------------------------

    @property
    def directories(self) -> tuple[Path, ...]:
        return self._directories

    @property
    def cache_dir(self) -> Path | None:
        return self._cache_dir

    @property
    def production(self) -> bool:
        return self._production

    @property
    def network_enabled(self) -> bool:
        """True when a pinned URL missing locally may be fetched."""
        return self._allow_network and self._fetcher is not None

    @property
    def pins(self) -> Mapping[str, frozenset[str]]:
        """The pinned URLs this store serves, each with its accepted JCS digests, in pin order."""
        return self._pins

    @property
    def test_only(self) -> frozenset[str]:
        """The pinned URLs that ``production`` refuses."""
        return self._test_only

    # -- loading -------------------------------------------------------------------------------

    def load(self, url: str) -> Mapping[str, Any]:
        """The context document for ``url``; the same (read-only by contract) object every time.

        Raises :class:`ContextError`: ``context.not_allowed`` (unpinned; no I/O at all),
        ``context.test_only`` (examples context in production), ``context.not_found``,
        ``context.digest_mismatch`` or ``context.invalid`` (network copy refused).
        """
        return self._load(url)

    def _load(self, url: str) -> dict[str, Any]:
        with self._lock:
            memo = self._memo.get(url)
            if memo is not None:
                if self._production and url in self._test_only:
                    raise self._test_only_error(url)
                return memo
            document = self._resolve(url)
            self._memo[url] = document
            return document

    def _resolve(self, url: str) -> dict[str, Any]:
        digests = self._pins.get(url)
        if digests is None:
            if not self._allow_unpinned:
                raise self._not_allowed_error(url)
            if not self.network_enabled:
                raise ContextError(
                    "context.not_found",
                    f"The unpinned context {url} can only be fetched, and network is off.",
                    details={"url": url},
                )
            document, _, _ = self._fetch(url, None)
            return document
        if self._production and url in self._test_only:
            raise self._test_only_error(url)
        found = self._copies.first(url)
        if found is not None and found.document is not None:
            return found.document
        if not self.network_enabled:
            raise self._not_found_error(url)
        document, data, value = self._fetch(url, digests)
        try:
            self._copies.keep(url, document, data, value)
        except OSError:
            pass  # the copy is verified and usable; failing to cache it only costs a refetch
        return document

    @property
    def document_loader(self) -> PyldLoader:
        """A pyld ``documentLoader``: ``loader(url, options)`` → pyld's remote-document dict.

        The document is the memoized object and ``tag`` is ``"static"`` so pyld caches the
        processed context. pyld's default cache for that is process-global and keyed by URL only,
        so a context one store allowed (say, examples in test mode) would be reused for another
        store without asking it. Pass ``loader.pyld_cache`` (one per store) as the cache:
        ``ContextResolver(loader.pyld_cache, loader)``. Raises the :class:`ContextError` from
        :meth:`load` (pyld wraps it; it is on the ``__cause__`` chain).
        """
        return self._loader

    @property
    def pyld_cache(self) -> MutableMapping[str, Any]:
        """This store's cache for pyld's ``ContextResolver(shared_cache, document_loader)``."""
        return self._loader.pyld_cache

    # -- for the admin (verifier.contexts.admin): look, fill the cache -------------------------

    def exclusive(self) -> AbstractContextManager[bool]:
        """Hold this store's (reentrant) lock across several calls, so they see and change one
        consistent state: ``with store.exclusive(): ...``. The store's own methods take it too."""
        return self._lock

    def locate(self, url: str) -> tuple[Where, Path | None, str | None]:
        """Where :meth:`load` would take ``url`` from now, without fetching: ``(where, path,
        digest)``. A verified local copy gives ``"directory"`` or ``"cache"`` with its path and
        JCS digest; a document already fetched this session and kept only in memory gives
        ``"fetched"``; otherwise ``("missing", None, None)``."""
        with self._lock:
            found = self._copies.first(url)
            if found is not None:
                return found.where, found.path, found.digest
            if url in self._memo:
                return "fetched", None, digest(self._memo[url])
            return "missing", None, None

    def skipped(self) -> list[IgnoredFile]:
        """Files in the scanned directories that serve no pinned context, with the reason.

        Every copy the digest memo only claimed is verified first, so a file the memo vouched
        for wrongly is reported here too.
        """
        with self._lock:
            return self._copies.ignored()

    def add_to_cache(self, url: str, data: bytes) -> None:
        """Verify ``data`` as a copy of the pinned ``url`` and write it into the cache directory.

        The content is parsed strictly and its JCS digest checked against ``url``'s pins here,
        whoever calls, so nothing reaches the cache unverified. Raises ``ValueError`` without a
        cache directory, :class:`ContextError` (``context.not_allowed`` for an unpinned URL,
        ``context.invalid``, ``context.digest_mismatch``), and ``OSError`` when the file cannot be
        written.
        """
        if self._cache_dir is None:
            raise ValueError("this context store has no cache directory to import into")
        digests = self._pins.get(url)
        if digests is None:
            raise self._not_allowed_error(url)
        document, value = self._checked(url, data, digests, "The copy")
        with self._lock:
            self._copies.keep(url, document, data, value)

    def download(self, url: str) -> Path | None:
        """Fetch the pinned ``url``, check its digest, cache it and keep it loaded.

        For filling the cache ahead of use (``vcwallet contexts fetch``): unlike :meth:`load` it
        fetches even when a local copy exists and does not refuse a test-only context (``load``
        still refuses it in production). Returns the cache file written, or None without a cache
        directory. Raises :class:`ContextError`: ``context.not_allowed`` (unpinned),
        ``context.not_found`` (network off, or the fetch failed), ``context.invalid`` or
        ``context.digest_mismatch``; and ``OSError`` when the verified copy could not be cached
        (it is kept in memory all the same, so :meth:`load` serves it).
        """
        digests = self._pins.get(url)
        if digests is None:
            raise self._not_allowed_error(url)
        if not self.network_enabled:
            raise self._not_found_error(url)
        with self._lock:
            document, data, value = self._fetch(url, digests)
            try:
                target = self._copies.keep(url, document, data, value)
            except OSError:
                self._memo.setdefault(url, document)
                raise
            self._memo.setdefault(url, document)
            return target

    # -- internals ----------------------------------------------------------------------------

    def _fetch(
        self, url: str, digests: frozenset[str] | None
    ) -> tuple[dict[str, Any], bytes, str]:
        """Fetch, parse strictly and (when pinned) check the digest before anything uses it."""
        if self._fetcher is None:  # callers check network_enabled first
            raise ContextError("context.not_found", f"No fetcher for {url}.", details={"url": url})
        try:
            response = self._fetcher.fetch(url, accept=ACCEPT, max_bytes=MAX_CONTEXT_BYTES)
        except (VCError, OSError) as exc:
            code = exc.code if isinstance(exc, VCError) else None
            raise ContextError(
                "context.not_found",
                f"Fetching the context {url} failed: {exc}",
                details={"url": url, "cause": code},
            ) from exc
        if response.status != 200:
            raise ContextError(
                "context.not_found",
                f"Fetching the context {url} returned HTTP {response.status}.",
                details={"url": url, "status": response.status},
            )
        document, value = self._checked(url, response.body, digests, "The server's copy")
        return document, response.body, value

    def _checked(
        self, url: str, data: bytes, digests: frozenset[str] | None, whose: str
    ) -> tuple[dict[str, Any], str]:
        """Parse ``data`` strictly and (when pinned) check its digest; ``whose`` names the copy
        in the error messages."""
        try:
            document, value = parse_context(data)
        except VCError as exc:
            raise ContextError(
                "context.invalid",
                f"{whose} of {url} is not a usable JSON object: {exc.message}",
                details={"url": url, "cause": exc.code},
            ) from exc
        if digests is not None and value not in digests:
            raise ContextError(
                "context.digest_mismatch",
                f"{whose} of {url} differs from every pinned version (sha256 {value}), "
                "so it was not used or cached. The context may have been changed or tampered "
                "with.",
                details={"url": url, "digest": value, "expected": sorted(digests)},
            )
        return document, value

    def _not_allowed_error(self, url: str) -> ContextError:
        return ContextError(
            "context.not_allowed",
            f"The context {url} is not on the pinned allowlist, so it was not loaded. "
            "Only reviewed contexts are used, because a context decides what signed "
            "terms mean.",
            details={"url": url},
        )

    def _test_only_error(self, url: str) -> ContextError:
        return ContextError(
            "context.test_only",
            f"The context {url} ({LABELS.get(url, url)}) is for examples and tests; it defines "
            "catch-all terms, so production verification refuses it.",
            details={"url": url},
        )

    def _not_found_error(self, url: str) -> ContextError:
        places = [str(d) for d in self._directories]
        if self._cache_dir is not None:
            places.append(f"{self._cache_dir} (cache)")
        searched = ", ".join(places) if places else "no directories configured"
        return ContextError(
            "context.not_found",
            f"The pinned context {url} ({LABELS.get(url, url)}) has no local copy "
            f"(searched: {searched}) and network is off. Fix: pass --contexts DIR (or set "
            "VCWALLET_CONTEXTS) to a folder that holds it, copy it into the cache with "
            "`vcwallet contexts import DIR`, or download the pinned set once with "
            "`vcwallet contexts fetch`.",
            details={"url": url, "searched": places},
        )
