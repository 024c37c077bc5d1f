"""Lazy package faces (PEP 562): a package lists its public names and where each lives, and a
name's module is imported the first time the name is used.

Why: ``verifier`` and ``vcwallet`` export a curated set of names so an embedding program needs
one import, but importing every module behind them would make each ``vcwallet`` command pay for
all of them at start-up. Both packages' faces use this one helper.
"""

from __future__ import annotations

import importlib
import sys

#: ``typing.TYPE_CHECKING`` without importing ``typing``: every package import loads this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping
    from typing import Any


def lazy_exports(package: str, homes: Mapping[str, Collection[str]],
                 public: Collection[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose ``public`` names live in the
    submodules ``homes`` maps to them (``{"verification": ("Verifier",)}``).

    A name is imported on first use and then kept in the package, so the next use is a plain
    attribute read. Raises ``ValueError`` when ``public`` and ``homes`` disagree, so a face that
    lists a name without saying where it lives (or the reverse) fails at import, not at use.
    """
    home_of = {name: module for module, names in homes.items() for name in names}
    if set(home_of) != set(public):
        raise ValueError(f"{package}: __all__ and its homes differ: "
                         f"{sorted(set(home_of) ^ set(public))}")

    def __getattr__(name: str) -> Any:
        home = home_of.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
