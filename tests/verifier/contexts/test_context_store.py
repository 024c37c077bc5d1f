"""ContextStore: content-addressed directories, the cache, the network path, and refusals.

Every negative test has a positive twin next to it; tests assert ``.code``, never message text.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from verifier.contexts import PINS, ContextStore, IgnoredFile, digest, store, user_cache_dir
from verifier.errors import ContextError

from .helpers import (
    EXAMPLES_V2,
    OB_303,
    UNPINNED,
    VC_V1,
    VC_V2,
    RecordingFetcher,
    interop_bytes,
)


@pytest.fixture
def contexts_dir(interop: Path) -> Path:
    return interop / "contexts"


def _copy(interop: Path, tmp: Path, *names: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(interop / "contexts" / name, tmp / Path(name).name)
    return tmp


# -- the interop directory, content-addressed ------------------------------------------------


@pytest.mark.parametrize("url", list(PINS))
def test_every_pinned_url_is_served_from_the_interop_dir(contexts_dir: Path, url: str) -> None:
    contexts = ContextStore([contexts_dir], production=False)
    document = contexts.load(url)
    assert digest(document) in PINS[url]
    assert "@context" in document


def test_list_reports_every_pinned_url_found_in_a_directory(contexts_dir: Path) -> None:
    infos = ContextStore([contexts_dir]).list()
    assert [i.url for i in infos] == list(PINS)
    assert {i.where for i in infos} == {"directory"}
    assert all(i.path is not None and i.digest in PINS[i.url] for i in infos)
    assert {i.url for i in infos if i.test_only} == {
        EXAMPLES_V2, "https://www.w3.org/2018/credentials/examples/v1"}


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
    _copy(interop, tmp_path, "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    document = ContextStore([tmp_path]).load(OB_303)
    assert "jti" in document["@context"]


def test_canonical_file_is_accepted_for_the_same_url(interop: Path, tmp_path: Path) -> None:
    _copy(interop, tmp_path, "ob-v3p0-context-3.0.3.json")
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
    assert [i.path.name for i in contexts.ignored()] == ["credentials-v2.jsonld"]


def test_untampered_copy_is_served(interop: Path, tmp_path: Path) -> None:
    _copy(interop, tmp_path, "credentials-v2.jsonld")
    contexts = ContextStore([tmp_path])
    assert contexts.load(VC_V2)["@context"]["name"] == "https://schema.org/name"
    assert contexts.ignored() == []


@pytest.mark.parametrize("content", [
    b"{not json", b'{"@context": {}, "@context": {}}', b"[1, 2]", b"\xff\xfe", b"NaN",
], ids=["malformed", "duplicate-key", "array", "not-utf8", "nan"])
def test_invalid_files_are_ignored_with_a_reason(
        interop: Path, tmp_path: Path, content: bytes) -> None:
    _copy(interop, tmp_path, "credentials-v2.jsonld")
    (tmp_path / "bad.json").write_bytes(content)
    contexts = ContextStore([tmp_path])
    assert contexts.load(VC_V2)  # the good file is still served
    [ignored] = contexts.ignored()
    assert ignored.path.name == "bad.json" and ignored.reason


def test_oversized_file_is_ignored(
        interop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy(interop, tmp_path, "credentials-v2.jsonld", "credentials-v1.jsonld")
    monkeypatch.setattr(store, "MAX_CONTEXT_BYTES", 9000)  # v2 is ~10 KB, v1 ~7.7 KB
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
    ignored = [i.path for i in contexts.ignored()]
    assert ignored == [tmp_path / "nope", interop / "contexts" / "index.json"]


def test_directories_are_searched_in_order(interop: Path, tmp_path: Path) -> None:
    first = _copy(interop, tmp_path / "first",
                  "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    second = _copy(interop, tmp_path / "second", "ob-v3p0-context-3.0.3.json")
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


def test_test_only_is_refused_in_production_even_after_fetch_all_loaded_it(
        interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({EXAMPLES_V2: (200, interop_bytes(
        interop, "credentials-examples-v2.jsonld"))})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    assert contexts.fetch_all()[EXAMPLES_V2].status == "fetched"
    with pytest.raises(ContextError) as caught:
        contexts.load(EXAMPLES_V2)
    assert caught.value.code == "context.test_only"


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


def test_import_dir_round_trips_through_the_cache(contexts_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    skipped: list[IgnoredFile] = []
    imported = ContextStore(cache_dir=cache).import_dir(contexts_dir, on_skip=skipped.append)
    assert imported == list(PINS)
    assert [s.path.name for s in skipped] == ["index.json"]
    fresh = ContextStore(cache_dir=cache, production=False)
    assert {i.where for i in fresh.list()} == {"cache"}
    for url in PINS:
        assert digest(fresh.load(url)) in PINS[url]
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_import_is_idempotent(contexts_dir: Path, tmp_path: Path) -> None:
    contexts = ContextStore(cache_dir=tmp_path)
    contexts.import_dir(contexts_dir)
    count = len(list(tmp_path.iterdir()))
    contexts.import_dir(contexts_dir)
    assert len(list(tmp_path.iterdir())) == count


def test_import_dir_skips_unpinned_and_invalid_files(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "junk.json").write_text("{oops", encoding="utf-8")
    (source / "other.jsonld").write_text('{"@context": {"a": "https://a.example/"}}',
                                          encoding="utf-8")
    skipped: list[IgnoredFile] = []
    contexts = ContextStore(cache_dir=tmp_path / "cache")
    assert contexts.import_dir(source, on_skip=skipped.append) == []
    assert sorted(s.path.name for s in skipped) == ["junk.json", "other.jsonld"]
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_import_dir_needs_a_cache_and_a_directory(contexts_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ContextStore().import_dir(contexts_dir)
    with pytest.raises(NotADirectoryError):
        ContextStore(cache_dir=tmp_path).import_dir(tmp_path / "missing")


def test_named_directories_come_before_the_cache(interop: Path, tmp_path: Path) -> None:
    cache = _copy(interop, tmp_path / "cache", "ob-v3p0-context-3.0.3.json")
    named = _copy(interop, tmp_path / "named",
                  "variants/ob-v3p0-context-3.0.3.1edtech-validator-2026.json")
    contexts = ContextStore([named], cache_dir=cache)
    assert "jti" in contexts.load(OB_303)["@context"]
    assert [i.where for i in contexts.list() if i.url == OB_303] == ["directory"]
    assert [i.where for i in ContextStore(cache_dir=cache).list() if i.url == OB_303] == ["cache"]


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
    assert [i.where for i in offline.list() if i.url == VC_V2] == ["cache"]


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


def test_fetch_all_fetches_only_what_is_missing(interop: Path, tmp_path: Path) -> None:
    local = _copy(interop, tmp_path / "local", "credentials-v1.jsonld")
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore([local], cache_dir=tmp_path / "cache", fetcher=fetcher,
                            allow_network=True)
    outcomes = contexts.fetch_all()
    assert outcomes[VC_V1].status == "present"
    assert outcomes[VC_V2].status == "fetched"
    assert outcomes[OB_303].status == "failed" and outcomes[OB_303].code == "context.not_found"
    assert VC_V1 not in fetcher.calls
    assert ContextStore(cache_dir=tmp_path / "cache").load(VC_V2)


def test_fetch_all_with_network_off_fetches_nothing(tmp_path: Path) -> None:
    fetcher = RecordingFetcher()
    outcomes = ContextStore(cache_dir=tmp_path, fetcher=fetcher).fetch_all()
    assert {o.code for o in outcomes.values()} == {"context.not_found"}
    assert fetcher.calls == []


def test_fetch_all_reports_a_digest_mismatch(interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v1.jsonld"))})
    outcomes = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True).fetch_all()
    assert outcomes[VC_V2].code == "context.digest_mismatch"
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_named_like_a_context_is_skipped_not_read(interop: Path, tmp_path: Path) -> None:
    _copy(interop, tmp_path, "credentials-v2.jsonld")
    os.mkfifo(tmp_path / "blocking.json")
    assert ContextStore([tmp_path]).load(VC_V2)
