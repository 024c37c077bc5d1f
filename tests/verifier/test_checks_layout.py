"""The verifier shows its plan: one module per check id, and results are made only by checks.

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
#: Modules outside ``checks/`` that may build check results: the orchestrator, bulk's per-input
#: boundary, the text rendering, and the status lists (which decide each entry themselves).
RESULT_MAKERS = {"verification.py", "bulk.py", "rendering.py", "status/checker.py", "status/ob2.py"}


def test_there_is_one_module_per_check_id() -> None:
    modules = {m.name for m in pkgutil.iter_modules(verifier.checks.__path__)}
    assert modules - {"results"} == set(CHECK_IDS)


def _imports_report(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[-1] == "report" or (
                    module in ("", "verifier") and any(a.name == "report" for a in node.names)):
                return True
    return False


def test_only_checks_and_the_orchestrator_build_results() -> None:
    makers = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py")
              if not p.relative_to(ROOT).as_posix().startswith("checks/") and _imports_report(p)}
    assert makers <= RESULT_MAKERS
    assert "verification.py" in makers  # the test reads imports: a twin that must be found
