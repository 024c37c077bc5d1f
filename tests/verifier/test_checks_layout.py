"""The verifier shows its plan: one module per check id, and check results made only by checks.

A newcomer looking for why a report's ``status`` failed opens ``verifier/checks/status.py``;
these tests keep that true as checks are added.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import verifier
import verifier.checks
from verifier.report import CHECK_IDS

ROOT = Path(verifier.__file__).parent
#: Modules outside ``checks/`` that may build a ``CheckResult``: the report itself (its JSON
#: reader and the ``internal.error`` report of the per-input boundaries) and the status lists,
#: which decide each list entry themselves (``checks/status.py`` says when they are asked).
RESULT_MAKERS = {"report.py", "status/checker.py", "status/ob2.py"}


def test_there_is_one_module_per_check_id() -> None:
    modules = {m.name for m in pkgutil.iter_modules(verifier.checks.__path__)}
    assert modules - {"results"} == set(CHECK_IDS)


def _builds_results(path: Path) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "CheckResult"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def test_only_the_checks_build_check_results() -> None:
    makers = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if _builds_results(p)}
    assert {m for m in makers if not m.startswith("checks/")} <= RESULT_MAKERS
    assert "checks/status.py" in makers  # the test reads calls: a twin that must be found
