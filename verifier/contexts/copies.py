"""Local copies of pinned contexts: the folders scanned by digest, the digest memo, the cache files.

This is the on-disk side shared by the runtime lookup (:mod:`.store`) and the admin behind
``vcwallet contexts`` (:mod:`.admin`). It decides nothing about which URL may be served; the
store does, with the pins.

Folders are content-addressed: every ``*.json``/``*.jsonld`` file under them is parsed once and
serves whichever pinned URL its digest belongs to. File names, an ``index.json`` or the layout do
not matter, and same-URL variants are picked up for free. A file that is not valid JSON or matches
no pin is skipped with a reason (:class:`IgnoredFile`), never fatal.

A scan does not canonicalize every file on every run: the JCS digest of each file's bytes is
remembered, keyed by the SHA-256 of those bytes, in this process and in a small memo file in the
cache directory (:data:`MEMO_NAME`). That memo is only a hint for *which* URL a file may serve. A
copy found through it is parsed and its JCS digest checked against the pin when it is first
loaded, listed or reported (:meth:`CopyIndex.first`), so a stale, damaged or tampered memo can
make a file unavailable but never makes unpinned content served. A changed file has different
bytes, hence a different key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import json_reader
from ..cache import LruCache
from ..errors import ParseError, VCError
from .pins import digest

#: Largest context file read from disk or accepted from the network (the largest real one is
#: about 15 KB; the cap keeps a stray huge file in a scanned directory cheap).
MAX_CONTEXT_BYTES = 1024 * 1024
#: Most candidate files examined per directory, so pointing ``--contexts`` at ``$HOME`` stays fast.
MAX_SCAN_FILES = 5000
#: File suffixes considered when scanning a directory.
SUFFIXES = (".json", ".jsonld")
#: The digest memo's file name in the cache directory (a dot file, so scans never read it).
MEMO_NAME = ".digests.json"
#: Most entries kept in a digest memo (one per distinct context file; a few dozen are typical).
MAX_MEMO_ENTRIES = 1024
#: Largest digest memo file read; a bigger one is ignored (and rewritten).
MAX_MEMO_BYTES = 256 * 1024
_MEMO_VERSION = 1
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}\Z")

#: Where a local copy was found: a folder the caller named, or the cache directory.
Place = Literal["directory", "cache"]


@dataclass(frozen=True)
class IgnoredFile:
    """A file (or directory) that was looked at and not used, with the reason why."""

    path: Path
    reason: str


class LocalCopy:
    """A local copy of a pinned context, the same object under every URL it serves.

    ``document`` is None while the copy is only *claimed* (its digest came from the memo); it is
    set by :meth:`CopyIndex.first` once the bytes are parsed and their JCS digest matches. A plain
    class, not a dataclass: it is compared by identity, and a dataclass costs about half a
    millisecond at import, which every command-line run pays.
    """

    __slots__ = ("data", "digest", "document", "path", "raw", "where")

    def __init__(self, path: Path, digest: str, where: Place,
                 document: dict[str, Any] | None, data: bytes, raw: str) -> None:
        self.path = path
        self.digest = digest
        self.where: Place = where
        self.document = document
        self.data = data
        self.raw = raw  # SHA-256 of ``data``: the memo key


def raw_digest(data: bytes) -> str:
    """SHA-256 of a file's bytes: the digest memo's key."""
    return hashlib.sha256(data).hexdigest()


#: raw SHA-256 -> JCS digest, as computed by this process (so trusted); shared by every store.
_computed: MutableMapping[str, str] = LruCache(MAX_MEMO_ENTRIES)


class DigestMemo:
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
        entries = list(self._stored.items())[-MAX_MEMO_ENTRIES:]
        body = json.dumps({"version": _MEMO_VERSION, "digests": dict(entries)},
                          separators=(",", ":")).encode()
        try:
            write_atomic(self._path.parent, self._path.name, body)
        except OSError:
            pass  # only a speed-up: the next run computes the digests again


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


def read_capped(path: Path) -> bytes:
    """A file's bytes; ``parse.input_too_large`` beyond :data:`MAX_CONTEXT_BYTES`."""
    with path.open("rb") as handle:
        data = handle.read(MAX_CONTEXT_BYTES + 1)
    if len(data) > MAX_CONTEXT_BYTES:
        raise ParseError("parse.input_too_large", f"larger than {MAX_CONTEXT_BYTES} bytes")
    return data


def parse_context(data: bytes) -> tuple[dict[str, Any], str]:
    """Parse strictly and digest; raises :class:`VCError` with a parse or jcs code."""
    document = json_reader.loads(data, max_bytes=MAX_CONTEXT_BYTES)
    if not isinstance(document, dict):
        raise ParseError("parse.not_an_object", "a context document must be a JSON object")
    return document, digest(document)


def unusable(exc: VCError) -> str:
    """The reason recorded for a file that is not a usable JSON object."""
    return f"not a usable JSON object ({exc.code}): {exc.message}"


def urls_by_digest(pins: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """The pins turned around: each accepted digest to the URLs it serves."""
    out: dict[str, list[str]] = {}
    for url, digests in pins.items():
        for value in digests:
            out.setdefault(value, []).append(url)
    return {value: tuple(urls) for value, urls in out.items()}


def scan(
    root: Path,
    where: Place,
    by_digest: Mapping[str, tuple[str, ...]],
    memo: DigestMemo | None = None,
) -> tuple[list[tuple[str, LocalCopy]], list[IgnoredFile]]:
    """Every pinned context under ``root`` as (url, copy) pairs, plus the files skipped and why.

    Without ``memo`` every copy is verified here. With it, a file whose bytes the memo knows is
    only claimed (``document`` None) and its content is checked when it is first used.
    """
    found: list[tuple[str, LocalCopy]] = []
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
            data = read_capped(path)
        except OSError as exc:
            ignored.append(IgnoredFile(path, f"unreadable: {exc.strerror or exc}"))
            continue
        except VCError as exc:
            ignored.append(IgnoredFile(path, unusable(exc)))
            continue
        raw = raw_digest(data)
        document: dict[str, Any] | None = None
        value = memo.get(raw) if memo is not None else None
        if value is None:
            try:
                document, value = parse_context(data)
            except VCError as exc:
                ignored.append(IgnoredFile(path, unusable(exc)))
                continue
            if memo is not None:
                memo.put(raw, value)
        urls = by_digest.get(value)
        if not urls:
            ignored.append(IgnoredFile(path, f"content matches no pinned context (sha256 {value})"))
            continue
        copy = LocalCopy(path, value, where, document, data, raw)
        for url in urls:
            found.append((url, copy))
    return found, ignored


def cache_name(url: str, value: str) -> str:
    """The cache file name for a copy of ``url`` with JCS digest ``value``.

    The stem is a readable, safe form of the URL (cosmetic: lookups go by content); the digest
    prefix keeps same-URL variants apart.
    """
    stem = re.sub(r"^[a-z]+://", "", url)
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", stem).strip("._")[:120] or "context"
    return f"{slug}.{value[:16]}.jsonld"


def write_atomic(directory: Path, name: str, data: bytes) -> Path:
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


class CopyIndex:
    """The local copies of one store, by URL, in search order: the named folders, then the cache.

    Built on first use (one scan of every folder), then kept. Not thread-safe by itself: the
    store that owns it calls it under its lock.
    """

    def __init__(self, directories: Sequence[Path], cache_dir: Path | None,
                 by_digest: Mapping[str, tuple[str, ...]]) -> None:
        self._roots: list[tuple[Path, Place]] = [(d, "directory") for d in directories]
        if cache_dir is not None:
            self._roots.append((cache_dir, "cache"))
        self._cache_dir = cache_dir
        self._by_digest = by_digest
        self._memo = DigestMemo(cache_dir)
        self._index: dict[str, list[LocalCopy]] | None = None
        self._ignored: list[IgnoredFile] = []

    def _copies(self) -> dict[str, list[LocalCopy]]:
        if self._index is None:
            index: dict[str, list[LocalCopy]] = {}
            ignored: list[IgnoredFile] = []
            for root, where in self._roots:
                found, skipped = scan(root, where, self._by_digest, self._memo)
                for url, copy in found:
                    index.setdefault(url, []).append(copy)
                ignored.extend(skipped)
            self._index = index
            self._ignored = ignored
            self._memo.save()
        return self._index

    def first(self, url: str) -> LocalCopy | None:
        """The first verified copy for ``url``, verifying claimed copies in search order."""
        copies = self._copies().get(url)
        while copies:
            if self._verified(copies[0]):
                return copies[0]
        return None

    def ignored(self) -> list[IgnoredFile]:
        """Every file looked at and not used, after verifying every claimed copy."""
        for copies in list(self._copies().values()):
            for copy in list(copies):
                self._verified(copy)
        return list(self._ignored)

    def keep(self, url: str, document: dict[str, Any], data: bytes, value: str) -> Path | None:
        """Write a copy the caller verified (``data`` parses to ``document``, whose JCS digest
        ``value`` is pinned for ``url``) into the cache directory, when there is one, and index
        it. Returns the file written; raises ``OSError`` when it cannot be written."""
        if self._cache_dir is None:
            return None
        target = write_atomic(self._cache_dir, cache_name(url, value), data)
        copies = self._copies().setdefault(url, [])
        if not any(c.path == target for c in copies):
            copies.append(LocalCopy(target, value, "cache", document, data, raw_digest(data)))
        return target

    def _verified(self, copy: LocalCopy) -> bool:
        """Parse a claimed copy and check its digest; on a mismatch drop it from the index.

        The digest must be the one the copy was indexed under: that is what made it a copy of
        those URLs, and the pins are looked up by it.
        """
        if copy.document is not None:
            return True
        problem: str
        try:
            document, value = parse_context(copy.data)
        except VCError as exc:
            problem = unusable(exc)
        else:
            if value == copy.digest:
                copy.document = document
                return True
            problem = (f"its content (sha256 {value}) is not what the digest memo recorded, so "
                       "it is not used; the memo entry was dropped")
        self._memo.drop(copy.raw)
        self._memo.save()
        for copies in self._copies().values():
            copies[:] = [c for c in copies if c is not copy]
        self._ignored.append(IgnoredFile(copy.path, problem))
        return False
