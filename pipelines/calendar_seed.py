"""Render the official working-day calendar as the dbt seed `official_calendar.csv`.

The calendar is data: the State Council publishes each next year's holiday schedule around November.
Days come from `chinese_calendar` (through pipelines.workcalendar, the same source the simulator
uses) for the years it covers, merged with the operator's override file
`dbt_project/seeds/calendar_overrides.csv`:

    calendar_date,is_working_day,holiday_name,note
    2027-01-01,false,元旦,国办发明电〔2026〕X号
    2027-02-20,true,春节,调休上班

- An override row wins over the package for its date (a one-off change such as the 2020 Spring
  Festival extension, published at short notice).
- A year the package does not cover yet is added wholly from the override file: its days are
  Monday-Friday working days except the dates the file lists, exactly as the State Council's notice
  reads (days off incl. the weekend days inside a holiday period, and make-up working days). Such a
  year must list at least MIN_DAYS_OFF_FOR_OVERRIDE_YEAR days off, so one stray correction cannot
  turn a whole year into a silent Monday-Friday calendar.
- The calendar runs from FIRST_YEAR to the last year covered by the package or the override file;
  a year in between that neither covers is an error naming the year.

Seed columns: calendar_date, calendar_year, iso_weekday (1 = Monday .. 7 = Sunday, from Python, so
no engine weekday function is needed), is_working_day, day_kind (工作日 / 周末 / 法定节假日 /
调休上班), holiday_name (Chinese, where known; for a make-up working day the holiday it serves),
working_day_seq (working days from FIRST_YEAR-01-01 up to and including the date: "the N-th working
day strictly after d" is the working day whose seq = seq(d) + N, also when d is not a working day),
source (chinese_calendar | calendar_overrides).

    python -m pipelines.calendar_seed            # write the seed (and the unit-test excerpt)
    python -m pipelines.calendar_seed --check    # exit 1 when a committed copy is out of date

It also writes dbt_project/tests/fixtures/official_calendar_excerpt.csv, the seed rows the dbt unit
tests of int_publication__obligations use as their calendar. tests/test_calendar_seed.py fails when
a committed copy differs from what this renders.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar

from pipelines import workcalendar

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "dbt_project" / "seeds"
SEED_PATH = SEEDS_DIR / "official_calendar.csv"
OVERRIDES_PATH = SEEDS_DIR / "calendar_overrides.csv"
# dbt unit tests read an excerpt of the seed (the whole seed as a fixture costs seconds per test).
EXCERPT_PATH = REPO_ROOT / "dbt_project" / "tests" / "fixtures" / "official_calendar_excerpt.csv"
EXCERPT_RANGES = (
    (dt.date(2020, 1, 15), dt.date(2020, 2, 20)),  # the extended 2020 Spring Festival
    (dt.date(2024, 2, 26), dt.date(2024, 3, 20)),
    (dt.date(2024, 8, 26), dt.date(2024, 11, 5)),  # 中秋 and National Day 2024, make-up Saturdays
)
GENERATOR = "python -m pipelines.calendar_seed"

FIRST_YEAR = 2019
# Statutory holidays are 13 days a year since 2025 (11 before); a notice lists more days off than that.
MIN_DAYS_OFF_FOR_OVERRIDE_YEAR = 13

OVERRIDE_COLUMNS = ("calendar_date", "is_working_day", "holiday_name", "note")
SEED_COLUMNS = (
    "calendar_date",
    "calendar_year",
    "iso_weekday",
    "is_working_day",
    "day_kind",
    "holiday_name",
    "working_day_seq",
    "source",
)

WORKDAY, WEEKEND, HOLIDAY, MAKE_UP = "工作日", "周末", "法定节假日", "调休上班"
SOURCE_PACKAGE, SOURCE_OVERRIDE = "chinese_calendar", "calendar_overrides"

_TRUE = {"true", "1", "是", "y", "yes"}
_FALSE = {"false", "0", "否", "n", "no"}


class OverrideError(ValueError):
    """The override file is malformed or declares an incomplete year."""


@dataclass(frozen=True)
class Override:
    is_working_day: bool
    holiday_name: str
    note: str


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    is_working_day: bool
    day_kind: str
    holiday_name: str
    working_day_seq: int
    source: str


def read_overrides(path: Path = OVERRIDES_PATH) -> dict[dt.date, Override]:
    """The override file as {date: Override}; a missing file means no overrides."""
    if not path.exists():
        return {}
    out: dict[dt.date, Override] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("calendar_date", "is_working_day") if c not in (reader.fieldnames or [])]
        if missing:
            raise OverrideError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(OVERRIDE_COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            text = (row.get("calendar_date") or "").strip()
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise OverrideError(f"{path}:{line}: date {text!r} is not YYYY-MM-DD") from None
            flag = (row.get("is_working_day") or "").strip().lower()
            if flag not in _TRUE | _FALSE:
                raise OverrideError(f"{path}:{line}: is_working_day {flag!r} is not true/false")
            if day in out:
                raise OverrideError(f"{path}:{line}: {day} is listed twice")
            out[day] = Override(flag in _TRUE, (row.get("holiday_name") or "").strip(), (row.get("note") or "").strip())
    return out


def _package_day(day: dt.date) -> tuple[bool, str]:
    """(is working day, Chinese holiday name or '') from chinese_calendar."""
    is_work = workcalendar.is_workday(day)
    _, name = chinese_calendar.get_holiday_detail(day)
    return is_work, (chinese_calendar.Holiday(name).chinese if name else "")


def _day_kind(day: dt.date, is_work: bool, holiday_name: str) -> str:
    weekend = day.isoweekday() >= 6
    if is_work:
        return MAKE_UP if weekend else WORKDAY
    if weekend and not holiday_name:
        return WEEKEND
    return HOLIDAY


def _covered_by_package(year: int) -> bool:
    first, last = workcalendar.covered_years()
    return first <= year <= last


def last_year(overrides: dict[dt.date, Override]) -> int:
    """The last calendar year: the package's last year, or a later year the override file adds."""
    return max([workcalendar.covered_years()[1], *(d.year for d in overrides)])


def _check_override_year(year: int, overrides: dict[dt.date, Override]) -> None:
    days = [d for d in overrides if d.year == year]
    if not days:
        raise workcalendar.CalendarNotCovered(year)
    days_off = sum(not overrides[d].is_working_day for d in days)
    if days_off < MIN_DAYS_OFF_FOR_OVERRIDE_YEAR:
        raise OverrideError(
            f"{year} is not covered by chinese_calendar and {OVERRIDES_PATH.name} lists only {days_off} day(s) off "
            f"for it: enter the State Council's whole {year} schedule (every day off of each holiday period and "
            f"every make-up working day; at least {MIN_DAYS_OFF_FOR_OVERRIDE_YEAR} days off), or upgrade "
            f"chinese-calendar"
        )


def build_calendar(
    overrides: dict[dt.date, Override] | None = None, first_year: int = FIRST_YEAR, end_year: int | None = None
) -> list[CalendarDay]:
    """Every day of first_year..end_year (default: last_year(overrides)) with its working-day facts."""
    overrides = read_overrides() if overrides is None else overrides
    end_year = last_year(overrides) if end_year is None else end_year
    early = sorted(d for d in overrides if d.year < first_year)
    if early:
        raise OverrideError(f"override for {early[0]} is before the calendar's first year {first_year}")
    for year in range(first_year, end_year + 1):
        if not _covered_by_package(year):
            _check_override_year(year, overrides)
    rows: list[CalendarDay] = []
    seq = 0
    day = dt.date(first_year, 1, 1)
    while day.year <= end_year:
        if day in overrides:
            o = overrides[day]
            is_work, name, source = o.is_working_day, o.holiday_name, SOURCE_OVERRIDE
        elif _covered_by_package(day.year):
            (is_work, name), source = _package_day(day), SOURCE_PACKAGE
        else:  # a year added from the override file: the notice lists every exception to Mon-Fri
            is_work, name, source = day.isoweekday() <= 5, "", SOURCE_OVERRIDE
        seq += is_work
        rows.append(CalendarDay(day, is_work, _day_kind(day, is_work, name), name, seq, source))
        day += dt.timedelta(days=1)
    return rows


def render_seed(rows: list[CalendarDay] | None = None) -> str:
    rows = build_calendar() if rows is None else rows
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEED_COLUMNS)
    for r in rows:
        writer.writerow([
            r.date.isoformat(),
            r.date.year,
            r.date.isoweekday(),
            "true" if r.is_working_day else "false",
            r.day_kind,
            r.holiday_name,
            r.working_day_seq,
            r.source,
        ])
    return out.getvalue()


def render_excerpt(rows: list[CalendarDay] | None = None) -> str:
    """The seed rows inside EXCERPT_RANGES, for the unit tests of int_publication__obligations."""
    rows = build_calendar() if rows is None else rows
    return render_seed([r for r in rows if any(lo <= r.date <= hi for lo, hi in EXCERPT_RANGES)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overrides", type=Path, default=OVERRIDES_PATH)
    parser.add_argument("--out", type=Path, default=SEED_PATH)
    parser.add_argument("--excerpt", type=Path, default=EXCERPT_PATH, help="unit-test fixture (seed excerpt)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    args = parser.parse_args(argv)
    try:
        rows = build_calendar(read_overrides(args.overrides))
    except (OverrideError, workcalendar.CalendarNotCovered) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = 0
    for path, text in ((args.out, render_seed(rows)), (args.excerpt, render_excerpt(rows))):
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            print(f"out of date: {path} (run {GENERATOR})", file=sys.stderr)
            stale = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
