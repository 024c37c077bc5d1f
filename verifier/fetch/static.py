"""An offline fetcher that serves a fixed URL → file map and refuses everything else.

This is what ``--url-map`` and the test suite use: a credential's status list or did:web document
is answered from a local file, and any URL not in the map fails with ``fetch.not_allowed`` so an
offline run can never fall through to the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import FetchError, ParseError
from ..json_reader import loads
from .base import DEFAULT_MAX_BYTES, FetchResponse

_MEDIA_TYPES = {
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".jwt": "application/jwt",
    ".txt": "text/plain",
}


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


class StaticFetcher:
    """Serve ``mapping[url]`` (a file path or the bytes themselves); refuse other URLs."""

    def __init__(self, mapping: Mapping[str, Path | bytes], *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._mapping: dict[str, Path | bytes] = {
            _strip_fragment(url): value for url, value in mapping.items()}
        self._max_bytes = max_bytes

    @property
    def urls(self) -> frozenset[str]:
        """The URLs this fetcher answers."""
        return frozenset(self._mapping)

    @classmethod
    def from_url_map(cls, path: str | Path, base_dir: str | Path | None = None, *,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> StaticFetcher:
        """Load a URL map file: ``{"urls": {url: path}}`` or a flat ``{url: path}``.

        Relative paths are taken from ``base_dir``, by default the map file's own folder. Keys
        starting with ``_`` (comments) are skipped in both forms.
        """
        map_path = Path(path)
        base = Path(base_dir) if base_dir is not None else map_path.parent
        try:
            data = loads(map_path.read_bytes())
        except OSError as exc:
            raise FetchError("fetch.invalid_url_map", f"cannot read URL map: {exc}",
                             details={"path": str(map_path)}) from exc
        except ParseError as exc:
            raise FetchError("fetch.invalid_url_map", f"URL map is not strict JSON: {exc.code}",
                             details={"path": str(map_path)}) from exc
        if isinstance(data, dict) and "urls" in data:
            data = data["urls"]
        if not isinstance(data, dict):
            raise FetchError("fetch.invalid_url_map", "URL map is not an object of URL → path",
                             details={"path": str(map_path)})
        mapping: dict[str, Path | bytes] = {}
        for url, target in data.items():
            if url.startswith("_"):
                continue
            if not isinstance(target, str) or not target:
                raise FetchError("fetch.invalid_url_map", f"entry for {url!r} is not a path",
                                 details={"path": str(map_path), "url": url})
            mapping[url] = base / target
        return cls(mapping, max_bytes=max_bytes)

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        """Answer from the map, or raise ``fetch.not_allowed``; never touches the network."""
        key = _strip_fragment(url) if isinstance(url, str) else url
        if not isinstance(key, str) or key not in self._mapping:
            raise FetchError("fetch.not_allowed", f"{url!r} is not in the URL map",
                             details={"url": str(url)})
        cap = self._max_bytes if max_bytes is None else max_bytes
        target = self._mapping[key]
        media_type = "application/octet-stream"
        if isinstance(target, bytes):
            body = target
            if body[:1] in (b"{", b"["):
                media_type = "application/json"
        else:
            media_type = _MEDIA_TYPES.get(target.suffix.lower(), media_type)
            try:
                size = target.stat().st_size
                # FetchError is an OSError too, so the size check stays outside this try.
                body = b"" if size > cap else target.read_bytes()
            except OSError as exc:
                raise FetchError("fetch.failed", f"mapped file for {key} is unreadable: {exc}",
                                 details={"url": key, "status": 404}) from exc
            if size > cap:
                raise FetchError("fetch.too_large", f"{target.name} is {size} bytes",
                                 details={"max_bytes": cap, "url": key})
        if len(body) > cap:
            raise FetchError("fetch.too_large", f"body is {len(body)} bytes",
                             details={"max_bytes": cap, "url": key})
        return FetchResponse(url=key, status=200, content_type=media_type, body=body)
