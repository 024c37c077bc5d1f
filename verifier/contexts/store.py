"""``ContextStore``: the only way a JSON-LD context document reaches the verifier.

Contexts decide what signed terms mean, so the store serves a context URL only with content whose
JCS digest is pinned for that URL (see :mod:`.pins`). It is offline-first: it looks in the
directories the user names, then in the user cache, and touches the network only when the caller
allows it, and then only for pinned URLs, checking the digest before the document is used or
cached. An unpinned URL is refused before any I/O, so a credential cannot make the verifier fetch
an attacker's URL.

Directories are content-addressed: every ``*.json``/``*.jsonld`` file under them is parsed once
and serves whichever pinned URL its digest belongs to. File names, an ``index.json`` or the layout
do not matter, and same-URL variants are picked up for free. A file that is not valid JSON or
matches no pin is skipped with a reason (:meth:`ContextStore.ignored`), never fatal.

A scan does not canonicalize every file on every run: the JCS digest of each file's bytes is
remembered, keyed by the SHA-256 of those bytes, in this process and in a small memo file in the
cache directory (:data:`MEMO_NAME`). That memo is only a hint for *which* URL a file may serve. A
copy found through it is parsed and its JCS digest checked against the pin when it is first
loaded, listed or reported, so a stale, damaged or tampered memo can make a file unavailable but
never makes unpinned content served. A changed file has different bytes, hence a different key.

Loaded documents are memoized and shared: ``load`` returns the same object every time and the pyld
document loader marks it ``tag: "static"`` so pyld reuses the processed context across calls.
Callers must treat the documents as read-only.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import json_reader
from ..cache import LruCache
from ..errors import ContextError, ParseError, VCError
from ..fetch.base import Fetcher
from .pins import LABELS, PINS, TEST_ONLY, digest

#: Largest context file read from disk or accepted from the network (the largest real one is
#: about 15 KB; the cap keeps a stray huge file in a scanned directory cheap).
MAX_CONTEXT_BYTES = 1024 * 1024
#: Most candidate files examined per directory, so pointing ``--contexts`` at ``$HOME`` stays fast.
MAX_SCAN_FILES = 5000
#: File suffixes considered when scanning a directory.
SUFFIXES = (".json", ".jsonld")
#: Accept header sent when fetching a pinned context.
ACCEPT = "application/ld+json, application/json;q=0.9"
#: Most entries in a store's pyld resolved-context cache (inline contexts are cached there too).
PYLD_CACHE_SIZE = 256
#: The digest memo's file name in the cache directory (a dot file, so scans never read it).
MEMO_NAME = ".digests.json"
#: Most entries kept in a digest memo (one per distinct context file; a few dozen are typical).
MAX_MEMO_ENTRIES = 1024
#: Largest digest memo file read; a bigger one is ignored (and rewritten).
MAX_MEMO_BYTES = 256 * 1024
_MEMO_VERSION = 1
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}\Z")

Where = Literal["directory", "cache", "fetched", "missing"]


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
class IgnoredFile:
    """A file (or directory) that was looked at and not used, with the reason why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class FetchOutcome:
    """What ``fetch_all`` did for one URL: ``present`` locally, ``fetched`` (and cached), or
    ``failed`` with a context error code where one applies."""

    status: Literal["present", "fetched", "failed"]
    code: str | None = None
    message: str = ""


class _Found:
    """A local copy of a pinned context, the same object under every URL it serves.

    ``document`` is None while the copy is only *claimed* (its digest came from the memo); it is
    set by :meth:`ContextStore._verified` once the bytes are parsed and their JCS digest matches.
    A plain class, not a dataclass: it is private, compared by identity, and a dataclass costs
    about half a millisecond at import, which every command-line run pays.
    """

    __slots__ = ("data", "digest", "document", "path", "raw", "where")

    def __init__(self, path: Path, digest: str, where: Literal["directory", "cache"],
                 document: dict[str, Any] | None, data: bytes, raw: str) -> None:
        self.path = path
        self.digest = digest
        self.where: Literal["directory", "cache"] = where
        self.document = document
        self.data = data
        self.raw = raw  # SHA-256 of ``data``: the memo key


def _raw_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: raw SHA-256 -> JCS digest, as computed by this process (so trusted); shared by every store.
_computed: MutableMapping[str, str] = LruCache(MAX_MEMO_ENTRIES)


class _DigestMemo:
    """The digest memo of one store: this process's digests plus the cache directory's memo file.

    Entries map the SHA-256 of a file's bytes to the JCS digest of its content. Lookups are
    hints (see the module docstring); what is read from the file is checked only for shape.
    The file is rewritten, atomically and best-effort, only when a scan learned something new
    or found an entry wrong.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self._path = cache_dir / MEMO_NAME if cache_dir is not None else None
        self._stored: dict[str, str] | None = None
        self._dirty = False

    def _file(self) -> dict[str, str]:
        if self._stored is None:
            self._stored = self._read()
        return self._stored

    def _read(self) -> dict[str, str]:
        if self._path is None:
            return {}
        try:
            with self._path.open("rb") as handle:
                data = handle.read(MAX_MEMO_BYTES + 1)
            parsed = json.loads(data) if len(data) <= MAX_MEMO_BYTES else None
        except (OSError, ValueError):
            return {}
        if not isinstance(parsed, dict) or parsed.get("version") != _MEMO_VERSION:
            return {}
        entries = parsed.get("digests")
        if not isinstance(entries, dict):
            return {}
        return {raw: value for raw, value in entries.items()
                if isinstance(value, str) and _HEX_DIGEST.match(raw) and _HEX_DIGEST.match(value)}

    def get(self, raw: str) -> str | None:
        found = _computed.get(raw)
        return found if found is not None else self._file().get(raw)

    def put(self, raw: str, value: str) -> None:
        """Record a digest this process computed."""
        _computed[raw] = value
        stored = self._file()
        if stored.get(raw) != value:
            stored.pop(raw, None)  # re-inserted last, so trimming drops the oldest entries
            stored[raw] = value
            self._dirty = self._path is not None

    def drop(self, raw: str) -> None:
        """Forget an entry that turned out wrong (the copy failed verification)."""
        _computed.pop(raw, None)
        if self._file().pop(raw, None) is not None:
            self._dirty = self._path is not None

    def save(self) -> None:
        if not self._dirty or self._path is None or self._stored is None:
            return
        self._dirty = False
        entries = builtins.list(self._stored.items())[-MAX_MEMO_ENTRIES:]
        body = json.dumps({"version": _MEMO_VERSION, "digests": dict(entries)},
                          separators=(",", ":")).encode()
        try:
            _write_atomic(self._path.parent, self._path.name, body)
        except OSError:
            pass  # only a speed-up: the next run computes the digests again


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


def _candidates(root: Path) -> Iterator[Path]:
    """Context-looking files under ``root``, in a stable order, without following symlinked
    directories (so a link loop or a link to ``/`` cannot make the scan endless)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            # is_file() is false for FIFOs and devices, which would block or never end a read
            if name.lower().endswith(SUFFIXES) and not name.startswith(".") and path.is_file():
                yield path


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_CONTEXT_BYTES + 1)
    if len(data) > MAX_CONTEXT_BYTES:
        raise ParseError("parse.input_too_large", f"larger than {MAX_CONTEXT_BYTES} bytes")
    return data


def _parse_context(data: bytes) -> tuple[dict[str, Any], str]:
    """Parse strictly and digest; raises :class:`VCError` with a parse or jcs code."""
    document = json_reader.loads(data, max_bytes=MAX_CONTEXT_BYTES)
    if not isinstance(document, dict):
        raise ParseError("parse.not_an_object", "a context document must be a JSON object")
    return document, digest(document)


def _urls_by_digest(pins: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for url, digests in pins.items():
        for value in digests:
            out.setdefault(value, []).append(url)
    return {value: tuple(urls) for value, urls in out.items()}


def _scan(
    root: Path,
    where: Literal["directory", "cache"],
    by_digest: Mapping[str, tuple[str, ...]],
    memo: _DigestMemo | None = None,
) -> tuple[builtins.list[tuple[str, _Found]], builtins.list[IgnoredFile]]:
    """Every pinned context under ``root`` as (url, copy) pairs, plus the files skipped and why.

    Without ``memo`` every copy is verified here. With it, a file whose bytes the memo knows is
    only claimed (``document`` None) and its content is checked when it is first used.
    """
    found: list[tuple[str, _Found]] = []
    ignored: list[IgnoredFile] = []
    if not root.is_dir():
        if where == "directory":
            ignored.append(IgnoredFile(root, "not a directory (or does not exist)"))
        return found, ignored
    for count, path in enumerate(_candidates(root)):
        if count >= MAX_SCAN_FILES:
            ignored.append(IgnoredFile(root, f"scan stopped after {MAX_SCAN_FILES} files"))
            break
        try:
            data = _read_capped(path)
        except OSError as exc:
            ignored.append(IgnoredFile(path, f"unreadable: {exc.strerror or exc}"))
            continue
        except VCError as exc:
            ignored.append(IgnoredFile(path, _unusable(exc)))
            continue
        raw = _raw_digest(data)
        document: dict[str, Any] | None = None
        value = memo.get(raw) if memo is not None else None
        if value is None:
            try:
                document, value = _parse_context(data)
            except VCError as exc:
                ignored.append(IgnoredFile(path, _unusable(exc)))
                continue
            if memo is not None:
                memo.put(raw, value)
        urls = by_digest.get(value)
        if not urls:
            ignored.append(IgnoredFile(path, f"content matches no pinned context (sha256 {value})"))
            continue
        copy = _Found(path, value, where, document, data, raw)
        for url in urls:
            found.append((url, copy))
    return found, ignored


def _unusable(exc: VCError) -> str:
    return f"not a usable JSON object ({exc.code}): {exc.message}"


def _slug(url: str) -> str:
    """A readable, safe file-name stem for ``url`` (cosmetic: lookups go by content)."""
    stem = re.sub(r"^[a-z]+://", "", url)
    return re.sub(r"[^A-Za-z0-9.-]+", "_", stem).strip("._")[:120] or "context"


def _write_atomic(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``directory/name`` so a reader never sees a half-written file."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


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
        self._by_digest = _urls_by_digest(pins)
        self._lock = threading.RLock()
        self._index: dict[str, builtins.list[_Found]] | None = None
        self._ignored: builtins.list[IgnoredFile] = []
        self._memo: dict[str, dict[str, Any]] = {}
        self._digests = _DigestMemo(self._cache_dir)
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
                raise ContextError(
                    "context.not_allowed",
                    f"The context {url} is not on the pinned allowlist, so it was not loaded. "
                    "Only reviewed contexts are used, because a context decides what signed "
                    "terms mean.",
                    details={"url": url},
                )
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
        found = self._first(url)
        if found is not None and found.document is not None:
            return found.document
        if not self.network_enabled:
            raise self._not_found_error(url)
        document, data, value = self._fetch(url, digests)
        try:
            self._remember(url, document, data, value)
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

    # -- listing -------------------------------------------------------------------------------

    def list(self) -> builtins.list[ContextInfo]:
        """Every pinned URL, where it would be loaded from, and the digest of that copy."""
        with self._lock:
            out: list[ContextInfo] = []
            for url in self._pins:
                found = self._first(url)
                where: Where = "missing"
                path: Path | None = None
                value: str | None = None
                if found is not None:
                    where, path, value = found.where, found.path, found.digest
                elif url in self._memo:
                    where, value = "fetched", digest(self._memo[url])
                out.append(
                    ContextInfo(
                        url=url,
                        label=LABELS.get(url, url),
                        test_only=url in self._test_only,
                        where=where,
                        path=path,
                        digest=value,
                    )
                )
            return out

    def ignored(self) -> builtins.list[IgnoredFile]:
        """Files in the scanned directories that serve no pinned context, with the reason."""
        with self._lock:
            for copies in builtins.list(self._ensure_index().values()):
                for copy in builtins.list(copies):
                    self._verified(copy)
            return builtins.list(self._ignored)

    # -- populating the cache -----------------------------------------------------------------

    def import_dir(
        self, path: Path, *, on_skip: Callable[[IgnoredFile], None] | None = None
    ) -> builtins.list[str]:
        """Copy every file under ``path`` whose content is pinned into the cache directory.

        Returns the URLs imported (in pin order). Files that are invalid or unpinned are skipped
        and passed to ``on_skip``. Raises ``ValueError`` without a cache directory and
        ``NotADirectoryError`` when ``path`` is not a directory.
        """
        if self._cache_dir is None:
            raise ValueError("this context store has no cache directory to import into")
        source = Path(path)
        if not source.is_dir():
            raise NotADirectoryError(f"{source} is not a directory")
        found, ignored = _scan(source, "directory", self._by_digest)
        for item in ignored:
            if on_skip is not None:
                on_skip(item)
        imported: set[str] = set()
        with self._lock:
            for url, copy in found:
                if copy.document is not None:  # always: scanned without the memo
                    self._remember(url, copy.document, copy.data, copy.digest)
                    imported.add(url)
        return [url for url in self._pins if url in imported]

    def fetch_all(self) -> dict[str, FetchOutcome]:
        """Fetch every pinned context not already available locally, verify and cache it.

        Never raises for one URL's failure: each URL gets a :class:`FetchOutcome`. With network
        off every missing URL is reported ``failed`` with ``context.not_found`` and nothing is
        fetched.
        """
        outcomes: dict[str, FetchOutcome] = {}
        with self._lock:
            for url, digests in self._pins.items():
                found = self._first(url)
                if found is not None:
                    outcomes[url] = FetchOutcome("present", message=str(found.path))
                    continue
                if not self.network_enabled:
                    outcomes[url] = FetchOutcome(
                        "failed", "context.not_found", "network is off; nothing was fetched"
                    )
                    continue
                try:
                    document, data, value = self._fetch(url, digests)
                except ContextError as exc:
                    outcomes[url] = FetchOutcome("failed", exc.code, exc.message)
                    continue
                try:
                    target = self._remember(url, document, data, value)
                except OSError as exc:
                    outcomes[url] = FetchOutcome(
                        "failed", None, f"verified but could not be cached: {exc}"
                    )
                    self._memo.setdefault(url, document)
                    continue
                self._memo.setdefault(url, document)
                where = str(target) if target is not None else "memory only (no cache directory)"
                outcomes[url] = FetchOutcome("fetched", message=where)
        return outcomes

    # -- internals ----------------------------------------------------------------------------

    def _ensure_index(self) -> dict[str, builtins.list[_Found]]:
        if self._index is None:
            index: dict[str, list[_Found]] = {}
            ignored: list[IgnoredFile] = []
            roots: list[tuple[Path, Literal["directory", "cache"]]] = [
                (d, "directory") for d in self._directories
            ]
            if self._cache_dir is not None:
                roots.append((self._cache_dir, "cache"))
            for root, where in roots:
                found, skipped = _scan(root, where, self._by_digest, self._digests)
                for url, copy in found:
                    index.setdefault(url, []).append(copy)
                ignored.extend(skipped)
            self._index = index
            self._ignored = ignored
            self._digests.save()
        return self._index

    def _first(self, url: str) -> _Found | None:
        """The first verified copy for ``url``, verifying claimed copies in search order."""
        copies = self._ensure_index().get(url)
        while copies:
            if self._verified(copies[0]):
                return copies[0]
        return None

    def _verified(self, copy: _Found) -> bool:
        """Parse a claimed copy and check its digest; on a mismatch drop it from the index.

        The digest must be the one the copy was indexed under: that is what made it a copy of
        those URLs, and the pins are looked up by it.
        """
        if copy.document is not None:
            return True
        problem: str
        try:
            document, value = _parse_context(copy.data)
        except VCError as exc:
            problem = _unusable(exc)
        else:
            if value == copy.digest:
                copy.document = document
                return True
            problem = (f"its content (sha256 {value}) is not what the digest memo recorded, so "
                       "it is not used; the memo entry was dropped")
        self._digests.drop(copy.raw)
        self._digests.save()
        for copies in self._ensure_index().values():
            copies[:] = [c for c in copies if c is not copy]
        self._ignored.append(IgnoredFile(copy.path, problem))
        return False

    def _remember(
        self, url: str, document: dict[str, Any], data: bytes, value: str
    ) -> Path | None:
        """Write a verified copy into the cache (when there is one) and index it."""
        if self._cache_dir is None:
            return None
        target = _write_atomic(self._cache_dir, f"{_slug(url)}.{value[:16]}.jsonld", data)
        copies = self._ensure_index().setdefault(url, [])
        if not any(c.path == target for c in copies):
            copies.append(_Found(target, value, "cache", document, data, _raw_digest(data)))
        return target

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
        try:
            document, value = _parse_context(response.body)
        except VCError as exc:
            raise ContextError(
                "context.invalid",
                f"The server's copy of {url} is not a usable JSON object: {exc.message}",
                details={"url": url, "cause": exc.code},
            ) from exc
        if digests is not None and value not in digests:
            raise ContextError(
                "context.digest_mismatch",
                f"The server's copy of {url} differs from every pinned version (sha256 {value}), "
                "so it was not used or cached. The context may have been changed or tampered "
                "with.",
                details={"url": url, "digest": value, "expected": sorted(digests)},
            )
        return document, response.body, value

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
