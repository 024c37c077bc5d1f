"""``Verifier.create``: one call builds a ready verifier, with the command line's defaults."""

from __future__ import annotations

import argparse
import functools
import json
import os
from pathlib import Path

import pytest

from tests.conftest import INTEROP, INTEROP_MISSING
from vcwallet.commands.verify import add_parser, build_verifier
from vcwallet.demo.world import WORLD_DIR
from verifier import (
    FixedClock,
    MemoryChallengeStore,
    Policy,
    RequestsFetcher,
    StaticFetcher,
    TrustList,
    Verifier,
    assembly,
    parse_datetime,
)
from verifier.errors import FetchError
from verifier.trust import TrustListError

BADGE = WORLD_DIR / "credentials" / "consortium" / "maya-alvarez--mentoring-new-teachers.json"
DID_WEB_BADGE = WORLD_DIR / "credentials" / "educator-lab" / "maya-alvarez--growth-mindset.json"


@pytest.fixture
def quiet_env(tmp_path: Path) -> dict[str, str]:
    """An environment naming no context folder, with an empty user cache."""
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def cli_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(["verify", *argv, "x.json"])


def test_from_another_folder_the_checkout_contexts_are_found(tmp_path: Path, quiet_env: dict[str, str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    monkeypatch.chdir(tmp_path)
    verifier = Verifier.create(network=False, environ=quiet_env)
    assert INTEROP / "contexts" in verifier.contexts.directories  # type: ignore[attr-defined]
    assert verifier.verify_credential(BADGE.read_bytes()).verified


def test_without_any_contexts_offline_it_is_could_not_check(quiet_env: dict[str, str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: None)
    report = Verifier.create(network=False, environ=quiet_env).verify_credential(BADGE.read_bytes())
    context = report.check("context")
    assert context is not None and (context.status.value, context.code) == ("error", "context.not_found")
    assert not report.verified


def test_search_order_named_then_environment_then_checkout(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    named, from_env, checkout = (tmp_path / n for n in ("named", "env", "checkout"))
    for folder in (named, from_env, checkout):
        folder.mkdir()
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: checkout)
    env = {assembly.ENV_CONTEXTS: os.pathsep.join([str(from_env), str(named)]),
           "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    verifier = Verifier.create(contexts=named, network=False, environ=env)
    assert verifier.contexts.directories == (named, from_env, checkout)  # type: ignore[attr-defined]
    assert verifier.contexts.cache_dir == tmp_path / "xdg" / "vcwallet" / "contexts"  # type: ignore[attr-defined]
    with pytest.raises(NotADirectoryError):
        Verifier.create(contexts=[tmp_path / "missing"], network=False, environ=env)


def test_offline_nothing_is_fetched_and_a_did_web_badge_is_could_not_check(
        quiet_env: dict[str, str]) -> None:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    verifier = Verifier.create(network=False, environ=quiet_env,
                               clock=FixedClock(parse_datetime("2026-06-01T12:00:00Z")))
    assert isinstance(verifier.fetcher, StaticFetcher)
    report = verifier.verify_credential(DID_WEB_BADGE.read_bytes())
    proof = report.check("proof")
    assert proof is not None and proof.status.value == "error" and not report.verified
    # twin: the same verifier verifies a badge that needs no fetch
    assert verifier.verify_credential(BADGE.read_bytes()).verified


def test_network_on_uses_the_https_fetcher_for_documents_and_contexts(quiet_env: dict[str, str]) -> None:
    verifier = Verifier.create(environ=quiet_env)
    assert isinstance(verifier.fetcher, RequestsFetcher)
    assert isinstance(verifier.challenges, MemoryChallengeStore)


def test_url_map_serves_documents_and_keeps_contexts_offline(tmp_path: Path,
                                                             quiet_env: dict[str, str]) -> None:
    (tmp_path / "doc.json").write_text("{}", encoding="utf-8")
    (tmp_path / "urls.json").write_text(json.dumps({"urls": {"https://a.example/x": "doc.json"}}),
                                        encoding="utf-8")
    verifier = Verifier.create(url_map=tmp_path / "urls.json", environ=quiet_env)
    assert isinstance(verifier.fetcher, StaticFetcher)
    assert verifier.fetcher.fetch("https://a.example/x").body == b"{}"
    with pytest.raises(FetchError) as info:
        Verifier.create(url_map=tmp_path / "nope.json", environ=quiet_env)
    assert info.value.code == "fetch.invalid_url_map"
    with pytest.raises(ValueError):
        Verifier.create(url_map=tmp_path / "urls.json", fetcher=StaticFetcher({}), environ=quiet_env)


def test_trust_list_by_path_or_object(tmp_path: Path, quiet_env: dict[str, str]) -> None:
    path = WORLD_DIR / "trust-list.json"
    loaded = Verifier.create(network=False, trust_list=path, environ=quiet_env).trust_list
    assert isinstance(loaded, TrustList)
    given = TrustList.load(path)
    assert Verifier.create(network=False, trust_list=given, environ=quiet_env).trust_list is given
    (tmp_path / "bad.json").write_text("[", encoding="utf-8")
    with pytest.raises(TrustListError) as info:
        Verifier.create(network=False, trust_list=tmp_path / "bad.json", environ=quiet_env)
    assert info.value.code == "trust.invalid_list"


def test_policy_clock_and_challenges_are_used(quiet_env: dict[str, str]) -> None:
    policy = Policy(require_trusted=True, production=False)
    clock = FixedClock(parse_datetime("2030-01-01T00:00:00Z"))
    challenges = MemoryChallengeStore(require_issued=True)
    verifier = Verifier.create(network=False, policy=policy, clock=clock, challenges=challenges,
                               environ=quiet_env)
    assert verifier.policy is policy and verifier.clock is clock and verifier.challenges is challenges
    assert verifier.contexts._production is False  # type: ignore[attr-defined]


def test_a_shared_context_store_is_used_as_given(quiet_env: dict[str, str]) -> None:
    store = assembly.context_store(network=False, environ=quiet_env)
    assert Verifier.create(contexts=store, network=False).contexts is store
    with pytest.raises(ValueError):
        Verifier.create(contexts=store, cache_dir="/tmp/elsewhere")


def test_the_command_line_builds_the_same_verifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(assembly.ENV_CONTEXTS, raising=False)
    for argv, options in (
            (["--offline"], {"network": False}),
            ([], {}),
            (["--offline", "--contexts", str(tmp_path)], {"network": False, "contexts": [tmp_path]}),
    ):
        cli = build_verifier(cli_args(*argv))
        api = Verifier.create(**options)  # type: ignore[arg-type]
        assert type(cli.fetcher) is type(api.fetcher), argv
        assert cli.contexts.directories == api.contexts.directories, argv  # type: ignore[attr-defined]
        assert cli.contexts.cache_dir == api.contexts.cache_dir, argv  # type: ignore[attr-defined]
        assert cli.contexts._allow_network == api.contexts._allow_network, argv  # type: ignore[attr-defined]
        assert cli.policy == api.policy and type(cli.challenges) is type(api.challenges)


def test_a_factory_for_verify_many_can_be_create_itself(quiet_env: dict[str, str]) -> None:
    """The README's advice for threaded programs: ``functools.partial(Verifier.create, ...)``
    pickles, so process-pool workers can each build their own verifier."""
    import pickle

    factory = functools.partial(Verifier.create, network=False, environ=quiet_env)
    rebuilt = pickle.loads(pickle.dumps(factory))()
    assert isinstance(rebuilt, Verifier)
