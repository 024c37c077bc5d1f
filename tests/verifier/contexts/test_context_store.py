"""ContextStore: content-addressed directories, the cache, the network path, refusals, and the
methods the admin (:mod:`verifier.contexts.admin`) works through.

Every negative test has a positive twin next to it; tests assert ``.code``, never message text.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from verifier.contexts import PINS, ContextStore, copies, digest, user_cache_dir
from verifier.errors import ContextError

from .helpers import (
    EXAMPLES_V2,
    OB_303,
    UNPINNED,
    VC_V1,
    VC_V2,
    RecordingFetcher,
    copy_contexts,
    interop_bytes,
)

# -- the interop directory, content-addressed ------------------------------------------------


@pytest.mark.parametrize("url", list(PINS))
def test_every_pinned_url_is_served_from_the_interop_dir(contexts_dir: Path, url: str) -> None:
    contexts = ContextStore([contexts_dir], production=False)
    document = contexts.load(url)
    assert digest(document) in PINS[url]
    assert "@context" in document


def test_file_names_do_not_matter(interop: Path, tmp_path: Path) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    shutil.copy(interop / "contexts" / "credentials-v2.jsonld",
                tmp_path / "nested" / "deeper" / "whatever.json")
    assert ContextStore([tmp_path]).load(VC_V2)["@context"]


def test_reformatted_copy_is_accepted(interop: Path, tmp_path: Path) -> None:
    original = json.loads(interop_bytes(interop, "credentials-v1.jsonld"))
    (tmp_path / "v1.json").write_text(json.dumps(original, sort_keys=True), encoding="utf-8")
    assert ContextStore([tmp_path]).load(VC_V1) == original


def test_variant_file_is_accepted_for_its_url(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    document = ContextStore([tmp_path]).load(OB_303)
    assert "jti" in document["@context"]


def test_canonical_file_is_accepted_for_the_same_url(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "ob-v3p0-context-3.0.3.json")
    document = ContextStore([tmp_path]).load(OB_303)
    assert "jti" not in document["@context"]


def test_tampered_copy_is_not_served(interop: Path, tmp_path: Path) -> None:
    document = json.loads(interop_bytes(interop, "credentials-v2.jsonld"))
    document["@context"]["name"] = "https://attacker.example/name"
    (tmp_path / "credentials-v2.jsonld").write_text(json.dumps(document), encoding="utf-8")
    contexts = ContextStore([tmp_path])
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == "context.not_found"
    assert [i.path.name for i in contexts.skipped()] == ["credentials-v2.jsonld"]


def test_untampered_copy_is_served(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld")
    contexts = ContextStore([tmp_path])
    assert contexts.load(VC_V2)["@context"]["name"] == "https://schema.org/name"
    assert contexts.skipped() == []


@pytest.mark.parametrize("content", [
    b"{not json", b'{"@context": {}, "@context": {}}', b"[1, 2]", b"\xff\xfe", b"NaN",
], ids=["malformed", "duplicate-key", "array", "not-utf8", "nan"])
def test_invalid_files_are_ignored_with_a_reason(
        interop: Path, tmp_path: Path, content: bytes) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld")
    (tmp_path / "bad.json").write_bytes(content)
    contexts = ContextStore([tmp_path])
    assert contexts.load(VC_V2)  # the good file is still served
    [ignored] = contexts.skipped()
    assert ignored.path.name == "bad.json" and ignored.reason


def test_oversized_file_is_ignored(
        interop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld", "credentials-v1.jsonld")
    monkeypatch.setattr(copies, "MAX_CONTEXT_BYTES", 9000)  # v2 is ~10 KB, v1 ~7.7 KB
    contexts = ContextStore([tmp_path])
    assert contexts.load(VC_V1)
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == "context.not_found"


def test_other_suffixes_are_not_scanned(interop: Path, tmp_path: Path) -> None:
    shutil.copy(interop / "contexts" / "credentials-v2.jsonld", tmp_path / "v2.txt")
    with pytest.raises(ContextError) as caught:
        ContextStore([tmp_path]).load(VC_V2)
    assert caught.value.code == "context.not_found"


def test_missing_directory_is_reported_not_fatal(interop: Path, tmp_path: Path) -> None:
    contexts = ContextStore([tmp_path / "nope", interop / "contexts"])
    assert contexts.load(VC_V2)
    ignored = [i.path for i in contexts.skipped()]
    assert ignored == [tmp_path / "nope", interop / "contexts" / "index.json"]


def test_directories_are_searched_in_order(interop: Path, tmp_path: Path) -> None:
    first = copy_contexts(interop, tmp_path / "first",
                  "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    second = copy_contexts(interop, tmp_path / "second", "ob-v3p0-context-3.0.3.json")
    assert "jti" in ContextStore([first, second]).load(OB_303)["@context"]
    assert "jti" not in ContextStore([second, first]).load(OB_303)["@context"]


# -- refusals before any I/O ------------------------------------------------------------------


def test_unpinned_url_is_refused_with_zero_network_calls(contexts_dir: Path) -> None:
    fetcher = RecordingFetcher({UNPINNED: (200, b'{"@context": {}}')})
    contexts = ContextStore([contexts_dir], fetcher=fetcher, allow_network=True)
    with pytest.raises(ContextError) as caught:
        contexts.load(UNPINNED)
    assert caught.value.code == "context.not_allowed"
    assert fetcher.calls == []


def test_pinned_url_is_allowed_and_served_locally_with_zero_network_calls(
        contexts_dir: Path) -> None:
    fetcher = RecordingFetcher()
    contexts = ContextStore([contexts_dir], fetcher=fetcher, allow_network=True)
    assert contexts.load(VC_V2)
    assert fetcher.calls == []


def test_unpinned_url_is_fetched_only_when_opted_in(tmp_path: Path) -> None:
    fetcher = RecordingFetcher({UNPINNED: (200, b'{"@context": {"x": "https://x.example/"}}')})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True,
                            allow_unpinned=True)
    assert contexts.load(UNPINNED)["@context"] == {"x": "https://x.example/"}
    assert fetcher.calls == [UNPINNED]
    assert list(tmp_path.iterdir()) == []  # never cached: nothing vouches for its content


def test_examples_v2_is_refused_in_production(contexts_dir: Path) -> None:
    with pytest.raises(ContextError) as caught:
        ContextStore([contexts_dir]).load(EXAMPLES_V2)
    assert caught.value.code == "context.test_only"


def test_examples_v2_is_allowed_outside_production(contexts_dir: Path) -> None:
    assert ContextStore([contexts_dir], production=False).load(EXAMPLES_V2)["@context"]


def test_pinned_but_missing_is_not_found(tmp_path: Path) -> None:
    contexts = ContextStore([tmp_path], cache_dir=tmp_path / "cache")
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == "context.not_found"
    assert caught.value.details["url"] == VC_V2


def test_network_allowed_without_a_fetcher_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ContextError) as caught:
        ContextStore([tmp_path], allow_network=True).load(VC_V2)
    assert caught.value.code == "context.not_found"


# -- the cache ---------------------------------------------------------------------------------


def test_named_directories_come_before_the_cache(interop: Path, tmp_path: Path) -> None:
    cache = copy_contexts(interop, tmp_path / "cache", "ob-v3p0-context-3.0.3.json")
    named = copy_contexts(interop, tmp_path / "named",
                  "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    contexts = ContextStore([named], cache_dir=cache)
    assert "jti" in contexts.load(OB_303)["@context"]
    assert contexts.locate(OB_303)[0] == "directory"
    assert ContextStore(cache_dir=cache).locate(OB_303)[0] == "cache"


def test_user_cache_dir_follows_xdg(tmp_path: Path) -> None:
    assert user_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "vcwallet" / "contexts"
    assert user_cache_dir({"XDG_CACHE_HOME": "relative"}) == (
        Path.home() / ".cache" / "vcwallet" / "contexts")
    assert user_cache_dir({}) == Path.home() / ".cache" / "vcwallet" / "contexts"


# -- the network path --------------------------------------------------------------------------


def test_fetched_context_with_a_pinned_digest_is_cached(interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    assert digest(contexts.load(VC_V2)) in PINS[VC_V2]
    assert contexts.load(VC_V2) is contexts.load(VC_V2)
    assert fetcher.calls == [VC_V2]
    offline = ContextStore(cache_dir=tmp_path)
    assert digest(offline.load(VC_V2)) in PINS[VC_V2]
    assert offline.locate(VC_V2)[0] == "cache"


def test_fetched_context_with_a_wrong_digest_is_refused_and_not_cached(
        interop: Path, tmp_path: Path) -> None:
    document = json.loads(interop_bytes(interop, "credentials-v2.jsonld"))
    document["@context"]["name"] = "https://attacker.example/name"
    fetcher = RecordingFetcher({VC_V2: (200, json.dumps(document).encode())})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == "context.digest_mismatch"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ContextError) as offline:
        ContextStore(cache_dir=tmp_path).load(VC_V2)
    assert offline.value.code == "context.not_found"


@pytest.mark.parametrize(("status", "body", "code"), [
    (404, b"not found", "context.not_found"),
    (200, b"<html>", "context.invalid"),
    (200, b'["a"]', "context.invalid"),
], ids=["http-404", "not-json", "not-object"])
def test_bad_network_responses_are_refused(
        tmp_path: Path, status: int, body: bytes, code: str) -> None:
    fetcher = RecordingFetcher({VC_V2: (status, body)})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == code
    assert list(tmp_path.iterdir()) == []


def test_fetch_error_becomes_not_found_with_its_cause(tmp_path: Path) -> None:
    contexts = ContextStore(fetcher=RecordingFetcher(), allow_network=True)
    with pytest.raises(ContextError) as caught:
        contexts.load(VC_V2)
    assert caught.value.code == "context.not_found"
    assert caught.value.details["cause"] == "fetch.not_allowed"


def test_network_off_means_no_fetch_even_with_a_fetcher(interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    with pytest.raises(ContextError) as caught:
        ContextStore(cache_dir=tmp_path, fetcher=fetcher).load(VC_V2)
    assert caught.value.code == "context.not_found"
    assert fetcher.calls == []


def test_a_fifo_named_like_a_context_is_skipped_not_read(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld")
    os.mkfifo(tmp_path / "blocking.json")
    assert ContextStore([tmp_path]).load(VC_V2)


# -- the methods the admin works through ---------------------------------------------------------


def test_locate_says_where_a_context_would_come_from(interop: Path, tmp_path: Path) -> None:
    named = copy_contexts(interop, tmp_path / "named", "credentials-v2.jsonld")
    where, path, value = ContextStore([named]).locate(VC_V2)
    assert (where, path) == ("directory", named / "credentials-v2.jsonld")
    assert value in PINS[VC_V2]


def test_locate_says_missing_without_fetching(interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore([tmp_path], fetcher=fetcher, allow_network=True)
    assert contexts.locate(VC_V2) == ("missing", None, None)
    assert fetcher.calls == []


def test_add_to_cache_writes_a_pinned_copy_that_is_then_served(
        interop: Path, tmp_path: Path) -> None:
    ContextStore(cache_dir=tmp_path).add_to_cache(
        VC_V2, interop_bytes(interop, "credentials-v2.jsonld"))
    offline = ContextStore(cache_dir=tmp_path)
    assert digest(offline.load(VC_V2)) in PINS[VC_V2]
    assert offline.locate(VC_V2)[0] == "cache"


def test_add_to_cache_refuses_content_that_is_not_pinned_for_the_url(
        interop: Path, tmp_path: Path) -> None:
    contexts = ContextStore(cache_dir=tmp_path)
    with pytest.raises(ContextError) as caught:  # the v1 context's bytes, offered as v2
        contexts.add_to_cache(VC_V2, interop_bytes(interop, "credentials-v1.jsonld"))
    assert caught.value.code == "context.digest_mismatch"
    with pytest.raises(ContextError) as invalid:
        contexts.add_to_cache(VC_V2, b"{not json")
    assert invalid.value.code == "context.invalid"
    assert list(tmp_path.iterdir()) == []


def test_add_to_cache_refuses_an_unpinned_url(tmp_path: Path) -> None:
    with pytest.raises(ContextError) as caught:
        ContextStore(cache_dir=tmp_path).add_to_cache(UNPINNED, b'{"@context": {}}')
    assert caught.value.code == "context.not_allowed"
    assert list(tmp_path.iterdir()) == []


def test_add_to_cache_needs_a_cache(interop: Path) -> None:
    with pytest.raises(ValueError):
        ContextStore().add_to_cache(VC_V2, interop_bytes(interop, "credentials-v2.jsonld"))


def test_download_fetches_and_caches_even_with_a_local_copy(
        interop: Path, tmp_path: Path) -> None:
    local = copy_contexts(interop, tmp_path / "local", "credentials-v2.jsonld")
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore([local], cache_dir=tmp_path / "cache", fetcher=fetcher,
                            allow_network=True)
    target = contexts.download(VC_V2)
    assert fetcher.calls == [VC_V2]
    assert target is not None and target.parent == tmp_path / "cache"
    assert ContextStore(cache_dir=tmp_path / "cache").locate(VC_V2)[1] == target


def test_download_with_network_off_is_not_found_and_fetches_nothing(
        interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    with pytest.raises(ContextError) as caught:
        ContextStore(cache_dir=tmp_path, fetcher=fetcher).download(VC_V2)
    assert caught.value.code == "context.not_found"
    assert fetcher.calls == []


def test_download_refuses_an_unpinned_url_with_zero_network_calls(tmp_path: Path) -> None:
    fetcher = RecordingFetcher({UNPINNED: (200, b'{"@context": {}}')})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True,
                            allow_unpinned=True)
    with pytest.raises(ContextError) as caught:
        contexts.download(UNPINNED)
    assert caught.value.code == "context.not_allowed"
    assert fetcher.calls == []


def test_exclusive_holds_off_other_threads_until_released(contexts_dir: Path) -> None:
    """Only the blocked direction is timed: a slow machine can make it pass, never fail."""
    contexts = ContextStore([contexts_dir])
    done = threading.Event()
    worker = threading.Thread(target=lambda: (contexts.load(VC_V2), done.set()))
    with contexts.exclusive():
        assert contexts.load(VC_V1)  # reentrant: the holder still loads
        worker.start()
        assert not done.wait(0.2)
    worker.join()
    assert done.is_set()
