import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.workcalendar import (
    CalendarNotCovered,
    add_working_days,
    calendar_rows,
    covered_years,
    is_workday,
    working_days,
)

D = dt.date


def test_saturday_event_before_national_day_2024_deadline_is_16_october():
    # 09-29 (Sun) and 10-12 (Sat) were make-up working days; 10-01..10-07 were holidays.
    assert add_working_days(D(2024, 9, 28), 10) == D(2024, 10, 16)


def test_extended_2020_spring_festival_is_skipped():
    # The 2020 holiday was extended to 02-02: the first working day after 01-23 is Monday 02-03.
    assert add_working_days(D(2020, 1, 23), 1) == D(2020, 2, 3)
    assert add_working_days(D(2020, 1, 23), 10) == D(2020, 2, 14)
    assert not is_workday(D(2020, 1, 31))  # a Friday, inside the extension
    assert not is_workday(D(2020, 2, 2))


def test_event_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(D(2020, 1, 25), 1) == D(2020, 2, 3)
    assert add_working_days(D(2024, 10, 3), 1) == D(2024, 10, 8)


def test_make_up_working_days_are_working_days():
    for d in (D(2020, 1, 19), D(2020, 4, 26), D(2020, 5, 9), D(2020, 6, 28), D(2020, 9, 27), D(2020, 10, 10)):
        assert is_workday(d), d
    for d in (D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)):
        assert is_workday(d), d


def test_working_days_per_year_match_the_official_counts():
    assert {y: len(working_days(y)) for y in (2020, 2024, 2025, 2026)} == {2020: 249, 2024: 251, 2025: 248, 2026: 248}


def test_counting_crosses_the_new_year():
    assert add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)


def test_zero_days_is_the_event_day_and_negative_is_refused():
    assert add_working_days(D(2024, 9, 28), 0) == D(2024, 9, 28)
    with pytest.raises(ValueError):
        add_working_days(D(2024, 9, 28), -1)


def test_datetime_is_taken_as_its_date():
    assert add_working_days(dt.datetime(2024, 9, 28, 23, 59), 10) == D(2024, 10, 16)


def test_year_without_official_data_fails_loudly_naming_the_year():
    first, last = covered_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(CalendarNotCovered, match="2027"):
        is_workday(D(2027, 1, 4))  # a Monday: no Monday-Friday fallback
    with pytest.raises(CalendarNotCovered, match="2027"):
        add_working_days(D(2026, 12, 28), 10)
    with pytest.raises(CalendarNotCovered, match="2003"):
        is_workday(D(2003, 6, 2))


def test_calendar_rows_number_working_days_consecutively():
    rows = calendar_rows(2024, 2025)
    assert len(rows) == 366 + 365
    assert rows[-1][2] == 251 + 248
    by_date = {d: n for d, _, n in rows}
    assert by_date[D(2024, 10, 16)] - by_date[D(2024, 9, 28)] == 10


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 9, 30)), st.integers(min_value=1, max_value=30))
def test_deadline_is_the_nth_working_day_strictly_after_the_event(event, n):
    deadline = add_working_days(event, n)
    assert deadline > event
    assert chinese_calendar.is_workday(deadline)
    count = sum(
        chinese_calendar.is_workday(event + dt.timedelta(days=k)) for k in range(1, (deadline - event).days + 1)
    )
    assert count == n
