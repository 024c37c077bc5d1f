"""The context store's digest memo: a cold-start speed-up that must never serve unpinned content.

The memo maps the SHA-256 of a file's bytes to its JCS digest so a scan need not canonicalize
every file. It is only a hint: a copy found through it is verified when first used.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from verifier.cache import LruCache
from verifier.contexts import PINS, ContextStore, copies, digest
from verifier.errors import ContextError

from .helpers import VC_V1, VC_V2


@pytest.fixture(autouse=True)
def fresh_process_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing computed yet."""
    monkeypatch.setattr(copies, "_computed", LruCache(copies.MAX_MEMO_ENTRIES))


def _dirs(interop: Path, tmp_path: Path, *names: str) -> tuple[Path, Path]:
    contexts, cache = tmp_path / "contexts", tmp_path / "cache"
    contexts.mkdir()
    for name in names:
        shutil.copy(interop / "contexts" / name, contexts / name)
    return contexts, cache


def _memo(cache: Path) -> dict[str, str]:
    entries: dict[str, str] = json.loads((cache / copies.MEMO_NAME).read_text())["digests"]
    return entries


def _raw(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tampered(interop: Path) -> bytes:
    document = json.loads((interop / "contexts" / "credentials-v2.jsonld").read_bytes())
    document["@context"]["name"] = "https://attacker.example/name"
    return json.dumps(document).encode()


def test_a_scan_records_each_files_digest_in_the_cache_dir(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld", "credentials-v1.jsonld")
    assert ContextStore([contexts], cache_dir=cache).load(VC_V2)
    memo = _memo(cache)
    assert memo[_raw(contexts / "credentials-v2.jsonld")] in PINS[VC_V2]
    assert memo[_raw(contexts / "credentials-v1.jsonld")] in PINS[VC_V1]


def test_no_cache_dir_means_no_memo_file(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    assert ContextStore([contexts]).load(VC_V2)
    assert not cache.exists()


def test_a_memoized_copy_is_verified_and_served(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    ContextStore([contexts], cache_dir=cache).load(VC_V2)
    copies._computed.clear()
    later = ContextStore([contexts], cache_dir=cache)
    document = later.load(VC_V2)
    assert digest(document) in PINS[VC_V2]
    assert later.skipped() == []
    assert later.locate(VC_V2)[0] == "directory"


def test_a_poisoned_memo_does_not_get_unpinned_content_served(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path)
    forged = contexts / "credentials-v2.jsonld"
    forged.write_bytes(_tampered(interop))
    cache.mkdir()
    pinned = sorted(PINS[VC_V2])[0]
    (cache / copies.MEMO_NAME).write_text(json.dumps(
        {"version": 1, "digests": {_raw(forged): pinned}}))
    contexts_store = ContextStore([contexts], cache_dir=cache)
    with pytest.raises(ContextError) as caught:
        contexts_store.load(VC_V2)
    assert caught.value.code == "context.not_found"
    assert [i.path for i in contexts_store.skipped()] == [forged]
    assert _raw(forged) not in _memo(cache)  # the wrong entry is forgotten


def test_a_poisoned_memo_entry_does_not_hide_a_good_copy(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path)
    (contexts / "a-forged.jsonld").write_bytes(_tampered(interop))
    shutil.copy(interop / "contexts" / "credentials-v2.jsonld", contexts / "b-good.jsonld")
    cache.mkdir()
    (cache / copies.MEMO_NAME).write_text(json.dumps(
        {"version": 1, "digests": {_raw(contexts / "a-forged.jsonld"): sorted(PINS[VC_V2])[0]}}))
    contexts_store = ContextStore([contexts], cache_dir=cache)
    assert contexts_store.load(VC_V2)["@context"]["name"] == "https://schema.org/name"
    assert contexts_store.locate(VC_V2)[0] == "directory"
    assert [i.path.name for i in contexts_store.skipped()] == ["a-forged.jsonld"]


def test_a_changed_file_is_hashed_again(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    ContextStore([contexts], cache_dir=cache).load(VC_V2)
    (contexts / "credentials-v2.jsonld").write_bytes(_tampered(interop))
    copies._computed.clear()
    with pytest.raises(ContextError) as caught:
        ContextStore([contexts], cache_dir=cache).load(VC_V2)
    assert caught.value.code == "context.not_found"


def test_an_unchanged_file_is_served_again(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    ContextStore([contexts], cache_dir=cache).load(VC_V2)
    copies._computed.clear()
    assert ContextStore([contexts], cache_dir=cache).load(VC_V2)


@pytest.mark.parametrize("content", [
    b"{not json", b'{"version": 2, "digests": {}}', b'{"version": 1, "digests": ["x"]}',
    b'{"version": 1, "digests": {"short": "also short"}}', b"[]",
], ids=["malformed", "other-version", "digests-not-object", "bad-entries", "array"])
def test_an_unusable_memo_is_ignored(
        interop: Path, tmp_path: Path, content: bytes) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    cache.mkdir()
    (cache / copies.MEMO_NAME).write_bytes(content)
    assert digest(ContextStore([contexts], cache_dir=cache).load(VC_V2)) in PINS[VC_V2]
    assert _memo(cache)[_raw(contexts / "credentials-v2.jsonld")] in PINS[VC_V2]


def test_a_valid_memo_is_used_without_rewriting(interop: Path, tmp_path: Path) -> None:
    contexts, cache = _dirs(interop, tmp_path, "credentials-v2.jsonld")
    ContextStore([contexts], cache_dir=cache).load(VC_V2)
    before = (cache / copies.MEMO_NAME).stat().st_mtime_ns
    copies._computed.clear()
    assert ContextStore([contexts], cache_dir=cache).load(VC_V2)
    assert (cache / copies.MEMO_NAME).stat().st_mtime_ns == before
