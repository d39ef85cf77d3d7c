"""The official working-day calendar seed: generated, cross-checked, overridable, never Monday-Friday."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import holidays
import pytest

from pipelines import calendar_seed
from pipelines.calendar_seed import (
    EXCERPT_PATH,
    OVERRIDES_PATH,
    SEED_PATH,
    OverrideError,
    build_calendar,
    read_overrides,
    render_excerpt,
    render_seed,
)
from pipelines.workcalendar import CalendarNotCovered, add_working_days

D = dt.date


def read_seed(path: Path = SEED_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed() -> dict[dt.date, dict]:
    return {D.fromisoformat(r["calendar_date"]): r for r in read_seed()}


def test_committed_seed_and_unit_test_excerpt_equal_what_the_generator_renders():
    rows = build_calendar(read_overrides(OVERRIDES_PATH))
    assert SEED_PATH.read_text(encoding="utf-8") == render_seed(rows), "run python -m pipelines.calendar_seed"
    assert EXCERPT_PATH.read_text(encoding="utf-8") == render_excerpt(rows), "run python -m pipelines.calendar_seed"
    assert calendar_seed.main(["--check"]) == 0


def test_seed_covers_2019_to_2026_day_by_day(seed):
    days = sorted(seed)
    assert (days[0], days[-1], len(days)) == (D(2019, 1, 1), D(2026, 12, 31), 8 * 365 + 2)
    assert all((b - a).days == 1 for a, b in zip(days, days[1:]))
    assert all(int(r["iso_weekday"]) == d.isoweekday() and int(r["calendar_year"]) == d.year for d, r in seed.items())


def test_every_day_agrees_with_the_holidays_package_including_make_up_working_days(seed):
    # holidays (China) knows the substituted days: is_working_day() treats a weekend day as working
    # when it is in weekend_workdays (the "调休" source dates), any other day as working unless it is
    # a holiday. Years around the range are populated so cross-year substitutions resolve.
    cn = holidays.China(years=range(2018, 2028))
    disagree = [d for d, r in seed.items() if (r["is_working_day"] == "true") != cn.is_working_day(d)]
    assert disagree == []
    make_up = {d for d, r in seed.items() if r["day_kind"] == "调休上班"}
    assert make_up == {d for d in cn.weekend_workdays if 2019 <= d.year <= 2026}
    weekday_off = {d for d, r in seed.items() if r["is_working_day"] == "false" and d.isoweekday() <= 5}
    assert weekday_off == {d for d in cn if 2019 <= d.year <= 2026 and d.isoweekday() <= 5}


def test_day_kinds_and_official_counts(seed):
    kinds = {d: r["day_kind"] for d, r in seed.items()}
    assert kinds[D(2024, 9, 28)] == "周末"
    assert (kinds[D(2024, 9, 29)], seed[D(2024, 9, 29)]["holiday_name"]) == ("调休上班", "国庆节")
    assert (kinds[D(2024, 10, 1)], seed[D(2024, 10, 1)]["holiday_name"]) == ("法定节假日", "国庆节")
    assert (kinds[D(2020, 1, 31)], seed[D(2020, 1, 31)]["holiday_name"]) == ("法定节假日", "春节")  # the extension
    assert kinds[D(2024, 10, 16)] == "工作日"
    make_up = {y: sorted(d for d in seed if d.year == y and kinds[d] == "调休上班") for y in (2020, 2025)}
    assert make_up[2020] == [D(2020, 1, 19), D(2020, 4, 26), D(2020, 5, 9), D(2020, 6, 28), D(2020, 9, 27),
                             D(2020, 10, 10)]
    assert make_up[2025] == [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
    per_year = {y: sum(r["is_working_day"] == "true" for d, r in seed.items() if d.year == y)
                for y in (2020, 2024, 2025, 2026)}
    assert per_year == {2020: 249, 2024: 251, 2025: 248, 2026: 248}
    assert {r["source"] for r in seed.values()} == {"chinese_calendar"}


def test_seq_plus_n_is_the_nth_working_day_strictly_after_any_day(seed):
    by_seq = {int(r["working_day_seq"]): d for d, r in seed.items() if r["is_working_day"] == "true"}
    assert len(by_seq) == sum(r["is_working_day"] == "true" for r in seed.values())  # one working day per number
    last = max(by_seq)
    for d, r in seed.items():
        for n in (7, 10):
            target = int(r["working_day_seq"]) + n
            if target <= last:
                assert by_seq[target] == add_working_days(d, n), (d, n)
    assert by_seq[int(seed[D(2024, 9, 28)]["working_day_seq"]) + 10] == D(2024, 10, 16)
    assert by_seq[int(seed[D(2020, 1, 23)]["working_day_seq"]) + 10] == D(2020, 2, 14)


def schedule_2027() -> dict[dt.date, calendar_seed.Override]:
    """An operator's entry of a (made-up) 2027 schedule: 15 days off, one make-up Saturday."""
    off = [D(2027, 1, 1)] + [D(2027, 2, 5) + dt.timedelta(days=k) for k in range(8)] + \
          [D(2027, 10, 1) + dt.timedelta(days=k) for k in range(6)]
    rows = {d: calendar_seed.Override(False, "节日", "国办发明电〔2026〕X号") for d in off}
    rows[D(2027, 1, 30)] = calendar_seed.Override(True, "春节", "调休上班")
    return rows


def test_a_year_the_package_lacks_is_added_wholly_from_the_override_file():
    rows = build_calendar(schedule_2027())
    by_date = {r.date: r for r in rows}
    assert rows[-1].date == D(2027, 12, 31)
    assert (by_date[D(2027, 1, 1)].is_working_day, by_date[D(2027, 1, 1)].day_kind) == (False, "法定节假日")
    assert (by_date[D(2027, 1, 30)].is_working_day, by_date[D(2027, 1, 30)].day_kind) == (True, "调休上班")
    assert by_date[D(2027, 1, 4)].is_working_day and by_date[D(2027, 1, 4)].source == "calendar_overrides"
    assert not by_date[D(2027, 1, 9)].is_working_day and by_date[D(2027, 1, 9)].day_kind == "周末"
    assert by_date[D(2026, 12, 31)].source == "chinese_calendar"
    # the running number carries on across the year boundary
    assert by_date[D(2027, 1, 4)].working_day_seq == by_date[D(2026, 12, 31)].working_day_seq + 1


def test_an_override_row_wins_over_the_package():
    # 2024-10-08 declared a day off: every deadline after it moves one working day later
    base = {r.date: r for r in build_calendar({})}
    moved = {r.date: r for r in build_calendar({D(2024, 10, 8): calendar_seed.Override(False, "国庆节", "临时调整")})}
    assert (moved[D(2024, 10, 8)].is_working_day, moved[D(2024, 10, 8)].source) == (False, "calendar_overrides")
    assert moved[D(2024, 10, 16)].working_day_seq == base[D(2024, 10, 16)].working_day_seq - 1
    assert moved[D(2024, 10, 7)].working_day_seq == base[D(2024, 10, 7)].working_day_seq


def test_a_year_with_neither_package_data_nor_overrides_fails_naming_the_year():
    only_2028 = {d + dt.timedelta(days=365): o for d, o in schedule_2027().items()}
    with pytest.raises(CalendarNotCovered, match="2027"):
        build_calendar(only_2028)
    with pytest.raises(CalendarNotCovered, match="2027"):
        build_calendar({}, end_year=2027)


def test_a_stray_override_cannot_turn_a_year_into_monday_to_friday():
    with pytest.raises(OverrideError, match="2027.*only 1 day"):
        build_calendar({D(2027, 1, 1): calendar_seed.Override(False, "元旦", "")})


def test_an_override_before_the_first_calendar_year_is_refused():
    with pytest.raises(OverrideError, match="2018-10-01"):
        build_calendar({D(2018, 10, 1): calendar_seed.Override(False, "国庆节", "")})


def test_override_file_is_read_and_validated(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text("calendar_date,is_working_day,holiday_name,note\n2024-10-08,否,国庆节,临时\n2024-10-12,true,,\n",
                    encoding="utf-8")
    assert read_overrides(good) == {
        D(2024, 10, 8): calendar_seed.Override(False, "国庆节", "临时"),
        D(2024, 10, 12): calendar_seed.Override(True, "", ""),
    }
    assert read_overrides(tmp_path / "missing.csv") == {}
    for body, message in (
        ("calendar_date,is_working_day\n2024/10/08,false\n", "not YYYY-MM-DD"),
        ("calendar_date,is_working_day\n2024-10-08,maybe\n", "not true/false"),
        ("calendar_date,is_working_day\n2024-10-08,false\n2024-10-08,true\n", "listed twice"),
        ("date,is_working_day\n2024-10-08,false\n", "missing column"),
    ):
        bad = tmp_path / "bad.csv"
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(OverrideError, match=message):
            read_overrides(bad)


def test_command_line_check_reports_a_stale_seed(tmp_path, capsys):
    out = tmp_path / "official_calendar.csv"
    out.write_text("stale\n", encoding="utf-8")
    assert calendar_seed.main(["--out", str(out), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("calendar_date,is_working_day\n2027-01-01,false\n", encoding="utf-8")
    assert calendar_seed.main(["--out", str(out), "--overrides", str(overrides), "--check"]) == 2
    assert "2027" in capsys.readouterr().err
