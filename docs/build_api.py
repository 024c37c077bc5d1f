"""Build the API reference of ``verifier`` and ``vcwallet`` from their docstrings, with pdoc.

    .venv/bin/python docs/build_api.py            # writes docs/api/index.html (git-ignored)
    .venv/bin/python docs/build_api.py --out DIR

``.ci/run`` runs it after the tests, so a broken docstring fails CI. pdoc itself only warns (it has
no option to make warnings errors), so this script fails on any warning that pdoc or our own
modules raise: a module that no longer imports, an annotation that does not resolve, a bad
reference. It also fails when documenting the two packages imports ``textual`` or ``tui`` (the
terminal app is the layer above them, DESIGN.md "Layers") or tries the network (the build must
work offline; pdoc's optional CDN scripts for math and diagrams stay off).
"""

from __future__ import annotations

import argparse
import socket
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("verifier", "vcwallet")
DEFAULT_OUT = REPO / "docs" / "api"
#: Layers above the documented packages: importing one while documenting them is a layering break.
ABOVE = ("textual", "tui")
#: Warnings that are a limit of pdoc, not a fault of ours: the start of the message, and why.
KNOWN_PDOC_LIMITS = {
    "Error parsing type annotation ForwardRef('CredentialData') for verifier.bulk.BulkItem.__init__":
        "pdoc resolves a NamedTuple's generated __new__ in a namespace of its own, where no "
        "postponed annotation (from __future__ import annotations) can resolve",
    "Error parsing type annotation ForwardRef('CredentialData') for verifier.BulkItem.__init__":
        "the same NamedTuple, documented again where the package face re-exports it",
}


class NetworkUsed(RuntimeError):
    """Raised by the socket functions while the docs are built."""


def _refuse_network() -> None:
    def refuse(*args: Any, **_kwargs: Any) -> NoReturn:
        raise NetworkUsed(f"building the docs tried the network ({args[1:2] or args[:1]})")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _ours(filename: str) -> bool:
    """A warning raised by pdoc or by our own packages (not a third-party deprecation notice)."""
    import pdoc

    roots = [Path(pdoc.__file__).parent, *(REPO / name for name in PACKAGES)]
    path = Path(filename).resolve()
    return any(path.is_relative_to(root.resolve()) for root in roots)


def build(out: Path) -> list[str]:
    """Write the HTML into ``out``; return the problems found (empty: the docs are sound)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # document this checkout, whatever is installed
    import pdoc

    _refuse_network()
    pdoc.render.configure(docformat="restructuredtext", footer_text="vcwallet API reference",
                          math=False, mermaid=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*PACKAGES, output_directory=out)
    problems = []
    for warning in caught:
        message = str(warning.message)
        if message.startswith(tuple(KNOWN_PDOC_LIMITS)):
            continue
        if _ours(warning.filename):
            problems.append(f"{warning.category.__name__}: {message}")
        else:
            print(f"note (not ours): {warning.category.__name__}: {message}", file=sys.stderr)
    above = sorted(name for name in sys.modules if name.split(".")[0] in ABOVE)
    if above:
        problems.append(f"documenting {', '.join(PACKAGES)} imported the layer above them: "
                        f"{', '.join(above[:5])}")
    if not (out / "index.html").is_file():
        problems.append(f"pdoc wrote no {out / 'index.html'}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        problems = build(args.out)
    except NetworkUsed as exc:
        problems = [str(exc)]
    for problem in problems:
        print(f"docs: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"API reference written to {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
