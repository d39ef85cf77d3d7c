"""Report periods and the first-official-working-day rule the schedules use (pure, no Dagster)."""
from __future__ import annotations

import datetime as dt

from pipelines import workcalendar


def first_working_day(year: int, month: int) -> dt.date:
    """The first official working day of a month (holidays and make-up working days included)."""
    d = dt.date(year, month, 1)
    while not workcalendar.is_workday(d):
        d += dt.timedelta(days=1)
    return d


def is_first_working_day_of_month(d: dt.date) -> bool:
    return first_working_day(d.year, d.month) == d


def previous_month(d: dt.date) -> str:
    first = d.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def previous_year(d: dt.date) -> str:
    return str(d.year - 1)
