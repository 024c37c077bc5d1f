"""Small Pilot helpers shared by the TUI tests."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input


def rows(app: Any) -> list[tuple[str, ...]]:
    """The badge table as plain strings: (achievement, issuer, issued, status pill)."""
    table = app.screen.query_one("#badges", DataTable)
    return [tuple(str(cell).strip() for cell in table.get_row_at(i)) for i in range(table.row_count)]


def names(app: Any) -> list[str]:
    return [row[0] for row in rows(app)]


def status_of(app: Any, achievement: str) -> str:
    return next(row[3] for row in rows(app) if row[0] == achievement)


def select_row(app: Any, achievement: str) -> None:
    table = app.screen.query_one("#badges", DataTable)
    table.move_cursor(row=names(app).index(achievement))
    table.focus()


def set_input(screen: Any, selector: str, value: str) -> Input:
    box = screen.query_one(selector, Input)
    box.value = value
    box.focus()
    return box


async def settle(app: Any, pilot: Any) -> None:
    """Wait for every worker, then for the messages they posted."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
