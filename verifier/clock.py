"""Injected time, so validity checks, caches and tests never read the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is, in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it was told; used by tests and ``--now``."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, seconds: float) -> None:
        """Move time forward, for TTL tests."""
        from datetime import timedelta

        self._at = self._at + timedelta(seconds=seconds)


def parse_datetime(value: str) -> datetime:
    """Parse an XML Schema dateTime as VCs use it; a missing zone is taken as UTC.

    Raises ``ValueError`` for anything malformed (month 13, day 45, free text).
    """
    if not isinstance(value, str) or len(value) < 10 or len(value) > 40:
        raise ValueError(f"not a dateTime: {value!r}")
    text = value.strip()
    if text != value or "T" not in text.upper():
        raise ValueError(f"not a dateTime: {value!r}")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
