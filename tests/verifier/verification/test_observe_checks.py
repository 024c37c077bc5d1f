"""observe_checks reports each top-level check as it is decided, in report order."""

from __future__ import annotations

from typing import Any

from verifier.report import CheckResult
from verifier.verification import Verifier, observe_checks


def test_checks_are_announced_in_order(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    seen: list[CheckResult] = []
    with observe_checks(seen.append):
        report = verifier.verify_credential(good_badge)
    assert [c.id for c in seen] == [c.id for c in report.checks]


def test_no_observer_outside_the_block(verifier: Verifier, good_badge: dict[str, Any]) -> None:
    seen: list[CheckResult] = []
    with observe_checks(seen.append):
        pass
    verifier.verify_credential(good_badge)
    assert seen == []
