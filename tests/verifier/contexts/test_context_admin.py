"""ContextAdmin: listing, importing and downloading the pinned set, over a store.

Every negative test has a positive twin next to it; tests assert ``.code``, never message text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from verifier.contexts import PINS, ContextStore, IgnoredFile, digest
from verifier.contexts.admin import ContextAdmin
from verifier.errors import ContextError

from .helpers import (
    EXAMPLES_V2,
    OB_303,
    VC_V1,
    VC_V2,
    RecordingFetcher,
    copy_contexts,
    interop_bytes,
)

# -- list ------------------------------------------------------------------------------------


def test_list_reports_every_pinned_url_found_in_a_directory(contexts_dir: Path) -> None:
    infos = ContextAdmin(ContextStore([contexts_dir])).list()
    assert [i.url for i in infos] == list(PINS)
    assert {i.where for i in infos} == {"directory"}
    assert all(i.path is not None and i.digest in PINS[i.url] for i in infos)
    assert {i.url for i in infos if i.test_only} == {
        EXAMPLES_V2, "https://www.w3.org/2018/credentials/examples/v1"}


def test_list_reports_missing_contexts_as_missing(tmp_path: Path) -> None:
    infos = ContextAdmin(ContextStore([tmp_path])).list()
    assert [i.url for i in infos] == list(PINS)
    assert {(i.where, i.path, i.digest) for i in infos} == {("missing", None, None)}


def test_list_reports_a_context_fetched_into_memory_only(interop: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore(fetcher=fetcher, allow_network=True)  # no cache directory
    contexts.load(VC_V2)
    [info] = [i for i in ContextAdmin(contexts).list() if i.url == VC_V2]
    assert info.where == "fetched" and info.path is None and info.digest in PINS[VC_V2]


def test_ignored_names_each_file_that_serves_nothing(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld")
    (tmp_path / "bad.json").write_bytes(b"{not json")
    assert [i.path.name for i in ContextAdmin(ContextStore([tmp_path])).ignored()] == ["bad.json"]


def test_ignored_is_empty_when_every_file_serves_a_context(interop: Path, tmp_path: Path) -> None:
    copy_contexts(interop, tmp_path, "credentials-v2.jsonld")
    assert ContextAdmin(ContextStore([tmp_path])).ignored() == []


# -- import ----------------------------------------------------------------------------------


def test_import_dir_round_trips_through_the_cache(contexts_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    skipped: list[IgnoredFile] = []
    imported = ContextAdmin(ContextStore(cache_dir=cache)).import_dir(
        contexts_dir, on_skip=skipped.append)
    assert imported == list(PINS)
    assert [s.path.name for s in skipped] == ["index.json"]
    fresh = ContextStore(cache_dir=cache, production=False)
    assert {i.where for i in ContextAdmin(fresh).list()} == {"cache"}
    for url in PINS:
        assert digest(fresh.load(url)) in PINS[url]
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_import_is_idempotent(contexts_dir: Path, tmp_path: Path) -> None:
    admin = ContextAdmin(ContextStore(cache_dir=tmp_path))
    admin.import_dir(contexts_dir)
    count = len(list(tmp_path.iterdir()))
    admin.import_dir(contexts_dir)
    assert len(list(tmp_path.iterdir())) == count


def test_import_dir_skips_unpinned_and_invalid_files(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "junk.json").write_text("{oops", encoding="utf-8")
    (source / "other.jsonld").write_text('{"@context": {"a": "https://a.example/"}}',
                                          encoding="utf-8")
    skipped: list[IgnoredFile] = []
    admin = ContextAdmin(ContextStore(cache_dir=tmp_path / "cache"))
    assert admin.import_dir(source, on_skip=skipped.append) == []
    assert sorted(s.path.name for s in skipped) == ["junk.json", "other.jsonld"]
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())


def test_import_dir_needs_a_cache_and_a_directory(contexts_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ContextAdmin(ContextStore()).import_dir(contexts_dir)
    with pytest.raises(NotADirectoryError):
        ContextAdmin(ContextStore(cache_dir=tmp_path)).import_dir(tmp_path / "missing")


def test_an_imported_copy_serves_a_store_that_already_scanned(
        interop: Path, tmp_path: Path) -> None:
    source = copy_contexts(interop, tmp_path / "src", "ob-v3p0-context-3.0.3.json")
    contexts = ContextStore(cache_dir=tmp_path / "cache")
    with pytest.raises(ContextError) as caught:
        contexts.load(OB_303)
    assert caught.value.code == "context.not_found"
    assert ContextAdmin(contexts).import_dir(source) == [OB_303]
    assert contexts.load(OB_303) and contexts.locate(OB_303)[0] == "cache"


# -- fetch -----------------------------------------------------------------------------------


def test_fetch_all_fetches_only_what_is_missing(interop: Path, tmp_path: Path) -> None:
    local = copy_contexts(interop, tmp_path / "local", "credentials-v1.jsonld")
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore([local], cache_dir=tmp_path / "cache", fetcher=fetcher,
                            allow_network=True)
    outcomes = ContextAdmin(contexts).fetch_all()
    assert outcomes[VC_V1].status == "present"
    assert outcomes[VC_V2].status == "fetched"
    assert outcomes[OB_303].status == "failed" and outcomes[OB_303].code == "context.not_found"
    assert VC_V1 not in fetcher.calls
    assert ContextStore(cache_dir=tmp_path / "cache").load(VC_V2)


def test_fetch_all_with_network_off_fetches_nothing(tmp_path: Path) -> None:
    fetcher = RecordingFetcher()
    outcomes = ContextAdmin(ContextStore(cache_dir=tmp_path, fetcher=fetcher)).fetch_all()
    assert {o.code for o in outcomes.values()} == {"context.not_found"}
    assert fetcher.calls == []


def test_fetch_all_reports_a_digest_mismatch(interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v1.jsonld"))})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    outcomes = ContextAdmin(contexts).fetch_all()
    assert outcomes[VC_V2].code == "context.digest_mismatch"
    assert list(tmp_path.iterdir()) == []


def test_fetch_all_without_a_cache_keeps_what_it_fetched_in_memory(interop: Path) -> None:
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore(fetcher=fetcher, allow_network=True)
    outcomes = ContextAdmin(contexts).fetch_all()
    assert outcomes[VC_V2].status == "fetched"
    assert digest(contexts.load(VC_V2)) in PINS[VC_V2]
    assert fetcher.calls.count(VC_V2) == 1  # load served the kept copy


def test_fetch_all_reports_a_verified_copy_it_could_not_cache(
        interop: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    fetcher = RecordingFetcher({VC_V2: (200, interop_bytes(interop, "credentials-v2.jsonld"))})
    contexts = ContextStore(cache_dir=blocker, fetcher=fetcher, allow_network=True)
    outcome = ContextAdmin(contexts).fetch_all()[VC_V2]
    assert outcome.status == "failed" and outcome.code is None
    assert digest(contexts.load(VC_V2)) in PINS[VC_V2]  # verified, so still served from memory
    assert fetcher.calls.count(VC_V2) == 1


def test_test_only_is_refused_in_production_even_after_fetch_all_loaded_it(
        interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({EXAMPLES_V2: (200, interop_bytes(
        interop, "credentials-examples-v2.jsonld"))})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True)
    assert ContextAdmin(contexts).fetch_all()[EXAMPLES_V2].status == "fetched"
    with pytest.raises(ContextError) as caught:
        contexts.load(EXAMPLES_V2)
    assert caught.value.code == "context.test_only"


def test_test_only_fetched_by_fetch_all_is_served_outside_production(
        interop: Path, tmp_path: Path) -> None:
    fetcher = RecordingFetcher({EXAMPLES_V2: (200, interop_bytes(
        interop, "credentials-examples-v2.jsonld"))})
    contexts = ContextStore(cache_dir=tmp_path, fetcher=fetcher, allow_network=True,
                            production=False)
    assert ContextAdmin(contexts).fetch_all()[EXAMPLES_V2].status == "fetched"
    assert digest(contexts.load(EXAMPLES_V2)) in PINS[EXAMPLES_V2]


# -- verification never loads the admin ------------------------------------------------------


def _loads_admin(code: str) -> bool:
    probe = code + "\nimport sys\nprint('verifier.contexts.admin' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, check=True, timeout=120)
    return done.stdout.split()[-1] == "True"


def test_building_a_verifier_does_not_import_the_admin() -> None:
    assert not _loads_admin("from verifier import Verifier\nVerifier.create(network=False)\n"
                            "import verifier.contexts")


def test_the_admin_probe_sees_the_admin_when_it_is_imported() -> None:
    assert _loads_admin("from verifier.contexts.admin import ContextAdmin")
