"""The package faces: ``from verifier import Verifier`` works for every listed name, and importing
either package stays as cheap as before (each name loads its module on first use, PEP 562)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from tests.conftest import REPO

PACKAGES = ("verifier", "vcwallet")
#: Modules an embedding program must not pay for just by importing the package or building a
#: verifier: JSON-LD processing, HTTP, the terminal app.
HEAVY = ("pyld", "requests", "urllib3", "textual", "tui")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after ``code``, beyond what it started with."""
    probe = ("import sys\nbefore = set(sys.modules)\n" + code +
             "\nprint(' '.join(sorted(set(sys.modules) - before)))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=120)
    return set(done.stdout.split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package: str) -> None:
    face = importlib.import_module(package)
    assert face.__all__ == sorted(set(face.__all__)), "__all__ is sorted, without repeats"
    for name in face.__all__:
        assert getattr(face, name) is not None, name
        assert name in dir(face)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_is_listed_where_it_lives(package: str) -> None:
    face = importlib.import_module(package)
    listed = {name for names in face._HOMES.values() for name in names}
    assert listed == set(face.__all__)
    for module, names in face._HOMES.items():
        home = importlib.import_module(f"{package}.{module}")
        for name in names:
            assert getattr(face, name) is getattr(home, name), f"{package}.{name}"


@pytest.mark.parametrize("package", PACKAGES)
def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import(package: str) -> None:
    face = importlib.import_module(package)
    with pytest.raises(AttributeError):
        face.no_such_name  # noqa: B018
    assert importlib.import_module(f"{package}.cli" if package == "vcwallet"
                                   else f"{package}.errors").__name__.startswith(package)


def test_importing_the_packages_loads_nothing_else() -> None:
    loaded = loaded_after("import verifier, vcwallet")
    assert loaded <= {"verifier", "verifier.lazy", "vcwallet"}, sorted(loaded)
    assert "typing" not in loaded


def test_the_front_door_does_not_load_heavy_modules() -> None:
    loaded = loaded_after("from verifier import Verifier, render_text\n"
                          "from vcwallet import Wallet\n"
                          "Verifier.create(network=False)\nVerifier.create()\n")
    assert "verifier.verification" in loaded and "vcwallet.wallet" in loaded
    assert heavy(loaded) == []


def test_the_heavy_module_probe_sees_what_is_loaded() -> None:
    """The twin: the probe above would see pyld if anything loaded it."""
    loaded = loaded_after("import verifier.canon.pyld_path")
    assert "pyld" in heavy(loaded)
