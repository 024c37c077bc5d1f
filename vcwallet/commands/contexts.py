"""``vcwallet contexts``: see, import and download the pinned JSON-LD contexts.

Verification is offline-first, so a missing context is the most common first-run failure. These
subcommands show where each pinned context would come from, copy a folder of context files into
the user cache, or download the pinned set once. :func:`build_context_store` is shared with the
other commands so every command finds contexts the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier import assembly
from verifier.contexts import ContextStore, IgnoredFile
from verifier.fetch.base import Fetcher

if TYPE_CHECKING:
    from verifier.contexts.admin import ContextAdmin

#: Extra context folders (:data:`verifier.assembly.ENV_CONTEXTS`).
ENV_CONTEXTS = assembly.ENV_CONTEXTS

LIST_EXAMPLES = """examples:
  vcwallet contexts list
  vcwallet contexts list --contexts ./my-contexts --json | jq '.contexts[].where'
"""

IMPORT_EXAMPLES = """examples:
  vcwallet contexts import ./downloaded-contexts
  vcwallet contexts import ../shared/interop/contexts --cache-dir /tmp/ctx-cache
"""

FETCH_EXAMPLES = """examples:
  vcwallet contexts fetch
  vcwallet contexts fetch --json
"""

CONTEXTS_EXAMPLES = """examples:
  vcwallet contexts list
  vcwallet contexts import ./contexts
  vcwallet contexts fetch
Directories are searched in this order: --contexts DIR (repeatable), then $VCWALLET_CONTEXTS
(separated by the OS path separator), then the bundled interop folder if present, then the
user cache ($XDG_CACHE_HOME/vcwallet/contexts). A file serves a URL only when its content
matches a pinned digest, so file names do not matter.
"""


def add_context_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--contexts DIR`` (repeatable) and ``--cache-dir DIR`` to a command's parser."""
    parser.add_argument(
        "--contexts", action="append", type=Path, metavar="DIR", default=None,
        help="a folder of JSON-LD context files to use (repeatable; searched first)",
    )
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR", default=None,
        help="the context cache folder (default: $XDG_CACHE_HOME/vcwallet/contexts)",
    )


def default_fetcher() -> Fetcher:
    """The real HTTPS fetcher, imported only when a command actually needs the network."""
    from verifier.fetch import RequestsFetcher  # pulls in requests; most commands never need it

    return RequestsFetcher()


def build_context_store(
    args: argparse.Namespace,
    *,
    allow_network: bool,
    production: bool | None = None,
    fetcher: Fetcher | None = None,
) -> ContextStore:
    """The :class:`ContextStore` that a command's flags and the environment describe.

    Reads ``args.contexts`` and ``args.cache_dir`` (see :func:`add_context_options`) and, when
    ``production`` is not given, ``args.allow_test_contexts``. With ``allow_network`` and no
    ``fetcher`` the real HTTPS fetcher is used. Raises ``NotADirectoryError`` for a bad
    ``--contexts``; callers map that to exit code 2.
    """
    if production is None:
        production = not getattr(args, "allow_test_contexts", False)
    if allow_network and fetcher is None:
        fetcher = default_fetcher()
    return assembly.context_store(getattr(args, "contexts", None) or (), network=allow_network,
                                  fetcher=fetcher, cache_dir=getattr(args, "cache_dir", None),
                                  production=production)


def _common(parser: argparse.ArgumentParser) -> None:
    add_context_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_parser(subparsers: Any) -> None:
    """Register ``contexts`` and its ``list``, ``import`` and ``fetch`` subcommands."""
    parser = subparsers.add_parser(
        "contexts", help="list, import or download the pinned JSON-LD contexts",
        description="Manage the pinned JSON-LD contexts verification uses (offline-first).",
        epilog=CONTEXTS_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=lambda _args: _usage(parser))
    actions = parser.add_subparsers(dest="contexts_command", metavar="ACTION")

    list_parser = actions.add_parser(
        "list", help="show each pinned context and where it would be loaded from",
        description="Show every pinned context URL, its label, and where a verified copy was "
                    "found (directory, cache, or missing).",
        epilog=LIST_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(list_parser)
    list_parser.add_argument("-v", "--verbose", action="store_true",
                             help="also show each ignored file and why")
    list_parser.set_defaults(func=run_list)

    import_parser = actions.add_parser(
        "import", help="copy pinned context files from a folder into the cache",
        description="Copy every file under DIR whose content matches a pinned context into the "
                    "context cache. Other files are skipped and reported.",
        epilog=IMPORT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    import_parser.add_argument("directory", type=Path, metavar="DIR",
                               help="folder to import from (searched recursively)")
    _common(import_parser)
    import_parser.set_defaults(func=run_import)

    fetch_parser = actions.add_parser(
        "fetch", help="download missing pinned contexts into the cache (uses the network)",
        description="Download every pinned context that has no local copy, check its digest, "
                    "and save it in the cache. Needs network access.",
        epilog=FETCH_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(fetch_parser)
    fetch_parser.set_defaults(func=run_fetch)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _error(message: str) -> None:
    print(f"vcwallet contexts: {message}", file=sys.stderr)


def _ignored_json(items: Sequence[IgnoredFile]) -> list[dict[str, str]]:
    return [{"path": str(item.path), "reason": item.reason} for item in items]


def _admin(args: argparse.Namespace, *, allow_network: bool) -> ContextAdmin:
    """The admin over the store the flags describe (test-only contexts included: they are listed,
    imported and fetched like the rest). Raises ``OSError`` as :func:`build_context_store` does."""
    from verifier.contexts.admin import ContextAdmin  # `verify` imports this module for its flags

    return ContextAdmin(build_context_store(args, allow_network=allow_network, production=False))


def run_list(args: argparse.Namespace) -> int:
    try:
        admin = _admin(args, allow_network=False)
    except OSError as exc:
        _error(str(exc))
        return 2
    infos = admin.list()
    ignored = admin.ignored()
    if args.json:
        print(json.dumps({
            "contexts": [
                {"url": i.url, "label": i.label, "test_only": i.test_only, "where": i.where,
                 "path": str(i.path) if i.path else None, "digest": i.digest}
                for i in infos
            ],
            "ignored": _ignored_json(ignored),
        }, ensure_ascii=False))
        return 0
    url_width = max(len(i.url) for i in infos)
    label_width = max(len(i.label) for i in infos)
    print(f"{'URL':<{url_width}}  {'LABEL':<{label_width}}  {'WHERE':<9}  PATH")
    for i in infos:
        print(f"{i.url:<{url_width}}  {i.label:<{label_width}}  {i.where:<9}  {i.path or '-'}")
    missing = sum(1 for i in infos if i.where == "missing")
    print(f"\n{len(infos)} pinned, {len(infos) - missing} available, {missing} missing.")
    if missing:
        print("To add missing ones: vcwallet contexts import DIR, --contexts DIR, "
              "or vcwallet contexts fetch.")
    if ignored:
        if args.verbose:
            print(f"{len(ignored)} file(s) ignored:")
            for item in ignored:
                print(f"  {item.path}: {item.reason}")
        else:
            print(f"{len(ignored)} file(s) ignored (use -v to see why).")
    return 0


def run_import(args: argparse.Namespace) -> int:
    skipped: list[IgnoredFile] = []
    try:
        admin = _admin(args, allow_network=False)
        imported = admin.import_dir(args.directory, on_skip=skipped.append)
    except OSError as exc:
        _error(str(exc))
        return 2
    cache_dir = admin.store.cache_dir
    if args.json:
        print(json.dumps({"imported": imported, "skipped": _ignored_json(skipped),
                          "cache_dir": str(cache_dir)}, ensure_ascii=False))
    else:
        for url in imported:
            print(f"imported  {url}")
        for item in skipped:
            print(f"skipped   {item.path}: {item.reason}")
        print(f"{len(imported)} context(s) imported into {cache_dir}.")
    if not imported:
        _error(f"no file under {args.directory} matches a pinned context")
        return 1
    return 0


def run_fetch(args: argparse.Namespace) -> int:
    try:
        admin = _admin(args, allow_network=True)
    except OSError as exc:
        _error(str(exc))
        return 2
    outcomes = admin.fetch_all()
    if args.json:
        print(json.dumps({url: {"status": o.status, "code": o.code, "message": o.message}
                          for url, o in outcomes.items()}, ensure_ascii=False))
    else:
        for url, outcome in outcomes.items():
            code = f" [{outcome.code}]" if outcome.code else ""
            print(f"{outcome.status:<8} {url}{code} {outcome.message}".rstrip())
    return 1 if any(o.status == "failed" for o in outcomes.values()) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``contexts`` on its own (``python -m vcwallet.commands.contexts list``)."""
    parser = argparse.ArgumentParser(prog="vcwallet")
    add_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["contexts", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
