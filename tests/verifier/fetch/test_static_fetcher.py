"""StaticFetcher: the offline URL map behind ``--url-map``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier.errors import VCError
from verifier.fetch import StaticFetcher

INTEROP = Path(__file__).resolve().parents[3] / ".." / "shared" / "interop"
DCC_DOC = "https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json"


def test_interop_url_map() -> None:
    url_map = INTEROP / "credentials" / "url-map.json"
    if not url_map.is_file():
        pytest.skip(f"interop URL map {url_map} is absent (shared/interop not checked out)")
    fetcher = StaticFetcher.from_url_map(url_map, base_dir=INTEROP)
    response = fetcher.fetch(DCC_DOC)
    assert response.status == 200
    assert response.media_type == "application/json"
    assert json.loads(response.body)["id"].startswith("did:web:")
    assert all(not url.startswith("_") for url in fetcher.urls)


def test_flat_map_relative_to_map_file(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.json").write_text('{"a": 1}')
    (tmp_path / "map.json").write_text(json.dumps({
        "_comment": "ignored", "https://example.com/a": "docs/a.json"}))
    fetcher = StaticFetcher.from_url_map(tmp_path / "map.json")
    assert fetcher.fetch("https://example.com/a").body == b'{"a": 1}'
    assert fetcher.fetch("https://example.com/a#frag").body == b'{"a": 1}'
    assert fetcher.urls == {"https://example.com/a"}


def test_unmapped_url_refused() -> None:
    fetcher = StaticFetcher({"https://example.com/a": b"{}"})
    assert fetcher.fetch("https://example.com/a").body == b"{}"
    for url in ("https://example.com/b", "https://example.com/a/", "http://example.com/a"):
        with pytest.raises(VCError) as info:
            fetcher.fetch(url)
        assert info.value.code == "fetch.not_allowed"


def test_byte_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2000)
    fetcher = StaticFetcher({"https://example.com/big": big, "https://example.com/b": b"x" * 2000})
    assert len(fetcher.fetch("https://example.com/big", max_bytes=2000).body) == 2000
    for url in ("https://example.com/big", "https://example.com/b"):
        with pytest.raises(VCError) as info:
            fetcher.fetch(url, max_bytes=1000)
        assert info.value.code == "fetch.too_large"


def test_missing_mapped_file(tmp_path: Path) -> None:
    fetcher = StaticFetcher({"https://example.com/a": tmp_path / "missing.json"})
    with pytest.raises(VCError) as info:
        fetcher.fetch("https://example.com/a")
    assert info.value.code == "fetch.failed"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("[]", id="array"),
        pytest.param('{"urls": ["x"]}', id="urls-array"),
        pytest.param('{"https://example.com/a": 1}', id="non-string-path"),
        pytest.param("{not json", id="not-json"),
        pytest.param('{"a": "x", "a": "y"}', id="duplicate-key"),
    ],
)
def test_malformed_url_map(tmp_path: Path, content: str) -> None:
    (tmp_path / "map.json").write_text(content)
    with pytest.raises(VCError) as info:
        StaticFetcher.from_url_map(tmp_path / "map.json")
    assert info.value.code == "fetch.invalid_url_map"


def test_missing_url_map(tmp_path: Path) -> None:
    with pytest.raises(VCError) as info:
        StaticFetcher.from_url_map(tmp_path / "nope.json")
    assert info.value.code == "fetch.invalid_url_map"
