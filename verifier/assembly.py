"""One place that builds a ready :class:`~verifier.verification.Verifier`: ``Verifier.create``.

A verifier needs a context store, a key lookup over a DID resolver, a fetcher, a clock, a policy,
a trust list and a challenge store, and each front end (the command line, the app, the demo, the
benchmarks, an embedding program) used to wire them by hand; the copies drifted, and a hand-made
one run from another folder silently lost the interop contexts. Here the wiring is written
once, with the command line's defaults:

* **contexts**, searched in this order: the folders the caller names, ``$VCWALLET_CONTEXTS``
  (separated by the OS path separator), ``../shared/interop/contexts`` beside the checkout when
  it is there (found from this package's location, never from the working directory), and the
  user cache (``$XDG_CACHE_HOME/vcwallet/contexts``). A file serves a URL only when its content
  matches a pinned digest. With the network allowed, a pinned context found nowhere is fetched
  once, checked by digest and cached; without it, it is "could not check" (``context.not_found``).
* **the network**: on by default (:class:`~verifier.fetch.RequestsFetcher`, which refuses
  private addresses); ``network=False`` answers every fetch with ``fetch.not_allowed``; a
  ``url_map`` file or a ``fetcher`` serves documents from elsewhere.
* **trust list, policy, clock, challenge store**: a :class:`~verifier.trust.TrustList` or the
  path of one; :class:`~verifier.policy.Policy` defaults; the system clock; an in-memory
  challenge store, so a presentation's challenge is spent once per process.

Heavy modules are imported when a verifier is built, not when this module is, so ``import
verifier`` stays as cheap as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, Unpack

if TYPE_CHECKING:
    from .clock import Clock
    from .contexts import ContextStore
    from .fetch import Fetcher
    from .policy import Policy
    from .presentation import ChallengeStore
    from .proofs import KeyLookup
    from .suites.base import DocumentLoader
    from .trust import TrustList

#: Extra context folders, separated by the OS path separator (searched after the named ones).
ENV_CONTEXTS = "VCWALLET_CONTEXTS"

PathText = str | os.PathLike[str]


class ContextSource(Protocol):
    """What the verifier needs from a context store: load a URL, and a pyld loader."""

    def load(self, url: str) -> Mapping[str, Any]: ...

    @property
    def document_loader(self) -> DocumentLoader: ...


def checkout_contexts_dir() -> Path | None:
    """``../shared/interop/contexts`` beside the checkout this package runs from, if present.

    Resolved from this file, so it is the same from any working directory; an installed copy
    (site-packages) has no such folder beside it and gets None.
    """
    candidate = Path(__file__).resolve().parents[1].parent / "shared" / "interop" / "contexts"
    return candidate if candidate.is_dir() else None


def context_directories(named: Iterable[PathText] = (),
                        environ: Mapping[str, str] | None = None) -> list[Path]:
    """The context search path: ``named`` folders, ``$VCWALLET_CONTEXTS``, the checkout's
    interop folder; each folder once, in that order (the user cache is the store's own).

    Raises ``NotADirectoryError`` for a named folder that is not a directory: the caller named
    it, so silently ignoring it would hide a typo. Folders from the environment may be missing.
    """
    env = os.environ if environ is None else environ
    chosen = [Path(folder) for folder in named]
    for folder in chosen:
        if not folder.is_dir():
            raise NotADirectoryError(f"--contexts {folder}: not a directory")
    from_env = [Path(part) for part in env.get(ENV_CONTEXTS, "").split(os.pathsep) if part]
    checkout = checkout_contexts_dir()
    out: list[Path] = []
    seen: set[Path] = set()
    for folder in [*chosen, *from_env, *([checkout] if checkout else [])]:
        key = folder.resolve()
        if key not in seen:
            seen.add(key)
            out.append(folder)
    return out


def context_store(named: Iterable[PathText] = (), *, network: bool, fetcher: Fetcher | None = None,
                  cache_dir: PathText | None = None, production: bool = True,
                  environ: Mapping[str, str] | None = None) -> ContextStore:
    """The :class:`~verifier.contexts.ContextStore` over :func:`context_directories` and the
    user cache (or ``cache_dir``). With ``network`` a pinned context found nowhere is fetched
    through ``fetcher`` (default: a new :class:`~verifier.fetch.RequestsFetcher`).

    Build one and pass it as ``contexts=`` to several ``Verifier.create`` calls to share what it
    has loaded (the app does, for each trust list the desk loads).
    """
    from .contexts import ContextStore, user_cache_dir

    if network and fetcher is None:
        from .fetch import RequestsFetcher

        fetcher = RequestsFetcher()
    return ContextStore(context_directories(named, environ),
                        cache_dir=Path(cache_dir) if cache_dir is not None else user_cache_dir(environ),
                        fetcher=fetcher if network else None, allow_network=network,
                        production=production)


def _documents_fetcher(network: bool, fetcher: Fetcher | None, url_map: PathText | None,
                       url_map_base: PathText | None) -> Fetcher:
    from .fetch import RequestsFetcher, StaticFetcher

    if fetcher is not None and url_map is not None:
        raise ValueError("give a fetcher or a url_map, not both")
    if fetcher is not None:
        return fetcher
    if url_map is not None:
        return StaticFetcher.from_url_map(Path(url_map),
                                          base_dir=None if url_map_base is None else Path(url_map_base))
    return RequestsFetcher() if network else StaticFetcher({})


class CreateOptions(TypedDict, total=False):
    """The options of ``Verifier.create``, each the command line's flag of the same meaning.

    ``contexts``: context folders searched first (one path or several), or a ready context store
    to share. ``network`` (default on): whether anything may be fetched (DID documents, status
    lists, hosted badges, missing pinned contexts). ``fetcher``: what answers fetches instead of
    the network (pinned contexts are fetched through it too unless it is a static one);
    ``url_map``: a JSON file ``{"urls": {url: path}}`` served instead of the network
    (``url_map_base``: where its relative paths start, default its folder). ``trust_list``: a
    trust list or its path. ``policy``, ``clock`` (default the system clock) and ``challenges``
    (default an in-memory store). ``cache_dir``: the context cache (default the user cache).
    ``keys``: a key lookup instead of DID resolution through the fetcher (tests, benchmarks).
    ``environ``: where ``VCWALLET_CONTEXTS`` and ``XDG_CACHE_HOME`` are read (default
    ``os.environ``).
    """

    contexts: Iterable[PathText] | PathText | ContextSource
    network: bool
    fetcher: Fetcher | None
    url_map: PathText | None
    url_map_base: PathText | None
    trust_list: TrustList | PathText | None
    policy: Policy | None
    clock: Clock | None
    cache_dir: PathText | None
    challenges: ChallengeStore | None
    keys: KeyLookup | None
    environ: Mapping[str, str] | None


class VerifierParts(TypedDict):
    """What ``Verifier(...)`` is built from."""

    contexts: ContextSource
    keys: KeyLookup
    fetcher: Fetcher
    clock: Clock
    policy: Policy
    trust_list: TrustList | None
    challenges: ChallengeStore


def _is_source(contexts: object) -> bool:
    return hasattr(contexts, "load") and hasattr(contexts, "document_loader")


def verifier_parts(**options: Unpack[CreateOptions]) -> VerifierParts:
    """The parts of a ready verifier, with the command line's defaults (``Verifier.create`` is
    ``Verifier(**verifier_parts(...))``); see :class:`CreateOptions` and the module docstring.

    Raises ``NotADirectoryError`` for a named context folder that is not one,
    :class:`~verifier.trust.TrustListError` (``trust.invalid_list``) for an unreadable trust list,
    :class:`~verifier.errors.FetchError` (``fetch.invalid_url_map``) for a bad URL map and
    ``ValueError`` for options that contradict each other.
    """
    from .clock import SystemClock
    from .fetch import StaticFetcher
    from .key_lookup import ResolverKeyLookup
    from .policy import Policy
    from .presentation import MemoryChallengeStore
    from .trust import TrustList

    policy = options.get("policy")
    policy = policy if policy is not None else Policy()
    clock = options.get("clock")
    clock = clock if clock is not None else SystemClock()
    network = options.get("network", True)
    documents = _documents_fetcher(network, options.get("fetcher"), options.get("url_map"),
                                   options.get("url_map_base"))
    contexts = options.get("contexts", ())
    cache_dir = options.get("cache_dir")
    store: ContextSource
    if _is_source(contexts):
        if cache_dir is not None:
            raise ValueError("cache_dir belongs to the context store passed as contexts")
        store = contexts  # type: ignore[assignment]
    else:
        folders = [contexts] if isinstance(contexts, (str, os.PathLike)) else contexts
        online = network and not isinstance(documents, StaticFetcher)
        store = context_store(folders, network=online,  # type: ignore[arg-type]
                              fetcher=documents if online else None, cache_dir=cache_dir,
                              production=policy.production, environ=options.get("environ"))
    trust_list = options.get("trust_list")
    if trust_list is not None and not isinstance(trust_list, TrustList):
        trust_list = TrustList.load(Path(trust_list))
    keys = options.get("keys")
    keys = keys if keys is not None else ResolverKeyLookup.create(documents, clock)
    challenges = options.get("challenges")
    return VerifierParts(contexts=store, keys=keys, fetcher=documents, clock=clock, policy=policy,
                         trust_list=trust_list,
                         challenges=challenges if challenges is not None else MemoryChallengeStore())
