"""Official working days of mainland China and the publication-deadline rule.

A working day is Monday-Friday, minus statutory holidays and in-lieu days off, plus the weekend days
declared make-up working days (调休上班). The schedule is data published yearly by the State
Council; it comes from `chinese_calendar`. A year it does not cover is an error that names the
year: there is never a silent Monday-Friday fallback.

Deadline rule (domain brief section 4): the event day is not counted; "+N working days" is the N-th
official working day strictly after the event date, whether or not the event day is a working day.
(`chinese_calendar.find_workday` differs from this when the event falls on a non-working day.)
"""
from __future__ import annotations

import bisect
import datetime as dt
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc_data


class CalendarNotCovered(LookupError):
    """The official working-day schedule of a year is not available."""

    def __init__(self, year: int):
        first, last = covered_years()
        super().__init__(
            f"no official working-day calendar for {year}: chinese_calendar "
            f"{getattr(chinese_calendar, '__version__', '')} covers {first}-{last}. "
            f"Upgrade chinese-calendar once the State Council has published the {year} schedule; "
            f"working days are never guessed as Monday-Friday."
        )
        self.year = year


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """First and last year with official holiday and make-up working-day data."""
    years = [d.year for d in _cc_data.holidays]
    return min(years), max(years)


def _as_date(d: dt.date) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if not isinstance(d, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


@lru_cache(maxsize=None)
def working_days(year: int) -> tuple[dt.date, ...]:
    """All official working days of a year, in order."""
    first, last = covered_years()
    if not first <= year <= last:
        raise CalendarNotCovered(year)
    day = dt.date(year, 1, 1)
    out = []
    while day.year == year:
        if chinese_calendar.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return tuple(out)


@lru_cache(maxsize=None)
def _working_day_set(year: int) -> frozenset[dt.date]:
    return frozenset(working_days(year))


def is_workday(d: dt.date) -> bool:
    """True when d is an official working day."""
    d = _as_date(d)
    return d in _working_day_set(d.year)


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The n-th official working day strictly after d (n >= 1); n == 0 returns d itself."""
    d = _as_date(d)
    if int(n) != n or n < 0:
        raise ValueError(f"n must be a whole number >= 0, got {n!r}")
    n = int(n)
    if n == 0:
        return d
    year = d.year
    days = working_days(year)
    idx = bisect.bisect_right(days, d)  # working days of this year strictly after d start here
    while idx + n > len(days):
        n -= len(days) - idx
        year += 1
        days = working_days(year)
        idx = 0
    return days[idx + n - 1]


def calendar_rows(first_year: int, last_year: int) -> list[tuple[dt.date, bool, int]]:
    """(date, is_workday, running working-day number) for every day of the years, for a seed table.

    The running number counts working days from the first day of `first_year` up to and including the
    date, so "deadline = the working day whose number is number(event) + N".
    """
    rows = []
    count = 0
    for year in range(first_year, last_year + 1):
        workset = _working_day_set(year)
        day = dt.date(year, 1, 1)
        while day.year == year:
            is_work = day in workset
            count += is_work
            rows.append((day, is_work, count))
            day += dt.timedelta(days=1)
    return rows
