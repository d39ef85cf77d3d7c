"""Dates for the simulation: working-day arithmetic on arrays, export dates, publication behaviour.

Dates are proleptic ordinals (`datetime.date.toordinal()`) in numpy int64 arrays; 0 means "no date".
The working-day table comes from pipelines.workcalendar (the official calendar, never Mon-Fri).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from pipelines import workcalendar

NO_DATE = 0


def ordinal(y: int, m: int, d: int) -> int:
    return dt.date(y, m, d).toordinal()


def month_key(y: int, m: int) -> int:
    return y * 12 + (m - 1)


def month_of(day: int) -> int:
    d = dt.date.fromordinal(int(day))
    return month_key(d.year, d.month)


def month_bounds(key: int) -> tuple[int, int]:
    """First and last ordinal of a month key."""
    y, m = divmod(key, 12)
    first = dt.date(y, m + 1, 1)
    nxt = dt.date(y + (m == 11), 1 if m == 11 else m + 2, 1)
    return first.toordinal(), nxt.toordinal() - 1


class Clock:
    """Official working days for [first_year, last_year], vectorised."""

    def __init__(self, first_year: int, last_year: int):
        rows = workcalendar.calendar_rows(first_year, last_year)  # raises CalendarNotCovered
        self.first = rows[0][0].toordinal()
        self.last = rows[-1][0].toordinal()
        self.rank = np.array([n for *_, n in rows], dtype=np.int64)
        self.workdays = np.array([d.toordinal() for d, w, _ in rows if w], dtype=np.int64)
        self.is_work = np.array([w for _, w, _ in rows], dtype=bool)
        # A date past the table can only be after the last export: such events are never exported.
        self.beyond = self.last + 1

    def add(self, day, n):
        """The n-th working day strictly after each day (arrays broadcast; n >= 1)."""
        day = np.asarray(day, dtype=np.int64)
        n = np.asarray(n, dtype=np.int64)
        if np.any(day < self.first):
            raise ValueError(f"{dt.date.fromordinal(int(day.min()))} is before the working-day table "
                             f"({dt.date.fromordinal(self.first)})")
        idx = np.clip(day - self.first, 0, len(self.rank) - 1)
        target = self.rank[idx] + n - 1
        ok = (target < len(self.workdays)) & (day <= self.last)
        out = np.where(ok, self.workdays[np.clip(target, 0, len(self.workdays) - 1)], self.beyond)
        return out if out.ndim else int(out)

    def export_date(self, month: int) -> dt.date:
        """First official working day of the month after `month` (a month key)."""
        _, last = month_bounds(month)
        d = self.add(last, 1)
        if d == self.beyond:
            raise workcalendar.CalendarNotCovered(dt.date.fromordinal(last).year + 1)
        return dt.date.fromordinal(d)

    def publish(self, rng: np.random.Generator, event, n: int, p_late, p_never, p_early: float,
                holiday_factor: float, late_scale=1.0):
        """Publication dates for events with an n-working-day deadline (0 = never published).

        On-time publications fall on a working day within the deadline, skewed early; late ones come
        some working days after it. Lateness is likelier when a long holiday (Spring Festival, National
        Day) falls inside the window. A small share carries a date before the event (data error).
        """
        event = np.asarray(event, dtype=np.int64)
        k = event.shape[0]
        if k == 0:
            return event.copy()
        deadline = self.add(event, n)
        holiday = (deadline - event) > (n * 7 / 5 + 5)
        p = np.clip(np.asarray(p_late, dtype=float) * np.where(holiday, holiday_factor, 1.0), 0.0, 0.9)
        u = rng.random((3, k))
        on_time = 1 + np.minimum((rng.beta(1.3, 2.4, k) * n).astype(np.int64), n - 1)
        extra = np.ceil(rng.geometric(0.12, k) * np.asarray(late_scale, dtype=float)).astype(np.int64)
        offset = np.where(u[0] < p, n + np.minimum(extra, 180), on_time)
        pub = self.add(event, offset)
        pub = np.where(u[1] < p_early, event - rng.integers(1, 45, k), pub)
        pub = np.where(u[2] < np.asarray(p_never, dtype=float), NO_DATE, pub)
        return pub
