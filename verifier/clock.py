"""Injected time, so validity checks, caches and tests never read the wall clock directly."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

#: Where the XML Schema dateTimes that Python's ``datetime`` cannot hold are placed. XML Schema
#: allows years of any number of digits (and negative ones); Python stops at 1 and 9999. A year
#: after 9999 reads as the last representable instant, a year before 1 as the first. No clock
#: reaches either, so each comparison with "now" keeps its meaning: a ``validUntil`` in year
#: 10000 is not expired, a ``validFrom`` or ``proof.created`` in year 10000 is in the future, a
#: ``validUntil`` in year 0 is long past. Arithmetic near them saturates (:func:`shift`).
END_OF_TIME = datetime.max.replace(tzinfo=UTC)
START_OF_TIME = datetime.min.replace(tzinfo=UTC)


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


def shift(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, saturating at :data:`START_OF_TIME` / :data:`END_OF_TIME`."""
    try:
        return moment + delta
    except OverflowError:
        return END_OF_TIME if delta > timedelta(0) else START_OF_TIME


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def xsd_year(sign: str, digits: str) -> int:
    """An XML Schema year (``-?YYYY+``, no extra leading zeros) as an int; years of more than
    four digits come back as a stand-in after 9999 (or before -9999) with the same leap-year
    rule, so a thousand-digit year costs nothing to read."""
    if len(digits) > 4 and digits[0] == "0":
        raise ValueError(f"year {sign}{digits[:12]}… has a leading zero")
    if sign and digits.strip("0") == "":
        raise ValueError("year -0000 is not allowed")
    year = int(digits) if len(digits) <= 4 else 10000 + int(digits[-4:])
    return -year if sign else year


def utc_instant(year: int, month: int, day: int, hour: int, minute: int, second: int,
                microsecond: int, zone: tzinfo, *, next_day: bool = False) -> datetime:
    """The UTC instant of a date and time in ``zone``, for any year (clamped, see
    :data:`END_OF_TIME`). ``next_day`` adds a day (XML Schema's ``24:00:00``). Raises
    ``ValueError`` for a date that does not exist (month 13, 30 February, 29 February in a
    year that is not leap)."""
    datetime(2000 if _is_leap(year) else 2001, month, day, hour, minute, second, microsecond)
    if year > 9999:
        return END_OF_TIME
    if year < 1:
        return START_OF_TIME
    try:
        moment = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone)
        if next_day:
            moment += timedelta(days=1)
        return moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31 late in a zone west of UTC, or 0001-01-01 east of it
        return END_OF_TIME if year == 9999 else START_OF_TIME


_ISO_YEAR = re.compile(r"(-?)([0-9]{4,})(-.*)", re.DOTALL)


def parse_datetime(value: str) -> datetime:
    """Parse an XML Schema dateTime as VCs use it; a missing zone is taken as UTC.

    Raises ``ValueError`` for anything malformed (month 13, day 45, free text). Years outside
    1-9999 are read and clamped (see :data:`END_OF_TIME`), never an ``OverflowError``.
    """
    if not isinstance(value, str) or len(value) < 10 or len(value) > 40:
        raise ValueError(f"not a dateTime: {value!r}")
    text = value.strip()
    if text != value or "T" not in text.upper():
        raise ValueError(f"not a dateTime: {value!r}")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    match = _ISO_YEAR.fullmatch(text)
    if match is None:
        raise ValueError(f"not a dateTime: {value!r}")
    sign, digits, rest = match.groups()
    year = xsd_year(sign, digits)
    representable = not sign and len(digits) == 4 and year >= 1
    parsed = datetime.fromisoformat(text if representable
                                    else f"{2000 if _is_leap(year) else 2001}{rest}")
    return utc_instant(year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second,
                       parsed.microsecond, parsed.tzinfo or UTC)
