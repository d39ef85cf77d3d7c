"""The one formatter module (serving.formatters): how every output writes a number, a date or a time."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from serving import formatters as fmt


@pytest.mark.parametrize("value, text", [
    (0.05, "5.0%"), (4321 / 4567, "94.6%"), (1.0, "100.0%"), (0.0, "0.0%"),
    (0.00125, "0.1%"),          # 0.125% rounds half up, not to even
    (80 / 165156, "<0.1%"),     # not zero, but would read as 0.0%
    (0.99996, ">99.9%"),        # not met, but would read as 100.0%
    (-0.0, "0.0%"), (None, "不适用"), (float("nan"), "不适用"), (pd.NA, "不适用"),
])
def test_percent_one_decimal_never_misleading_at_the_ends(value, text):
    assert fmt.percent(value) == text


def test_not_applicable_in_each_language_and_ratios():
    assert fmt.percent(None, "en") == "n/a"
    assert fmt.rate(2.5, "ratio") == "2.50" and fmt.rate(0.25, "percent") == "25.0%"
    assert fmt.rate(None, "ratio", "en") == "n/a"


@pytest.mark.parametrize("value, text", [
    (93.25, "93.3"), (42.42, "42.4"), (85, "85.0"), (71.45, "71.5"), (0.05, "0.1"), (-0.04, "0.0"), (None, "—"),
])
def test_scores_one_decimal_rounded_half_up(value, text):
    assert fmt.score(value) == text


def test_counts_years_ranks_and_changes():
    assert fmt.count(806370) == "806,370" and fmt.count(608565.0) == "608,565" and fmt.count(None) == "—"
    assert fmt.year(2025) == "2025" and fmt.year(2025.0) == "2025"
    assert fmt.rank(3, 117) == "3 / 117" and fmt.rank(None, 8) == "—"
    assert fmt.fraction(50, 1000) == "50 / 1,000"
    assert fmt.change_points(0.05, 0.04) == "+1.0个百分点"
    assert fmt.change_points(0.03, 0.04, lang="en") == "-1.0 pts"
    assert fmt.change_points(0.04, 0.04) == "+0.0个百分点"
    assert fmt.change_points(2.5, 2.25, unit="ratio") == "+0.25"
    assert fmt.change_points(None, 0.04) is None


def test_changes_of_scores_and_ranks_and_numbers_as_written():
    # a score change is rounded half up like the score itself (not Python's half to even)
    assert fmt.score_change(22.5) == "+22.5" and fmt.score_change(-3) == "-3.0"
    assert fmt.score_change(2.25) == "+2.3" and fmt.score_change(-2.25) == "-2.3"
    assert fmt.score_change(-0.04) == "+0.0" and fmt.score_change(None) == "—"
    # places gained: + up, - down
    assert fmt.rank_change(2) == "+2" and fmt.rank_change(-1) == "-1" and fmt.rank_change(0) == "0"
    assert fmt.rank_change(pd.NA) == "—" and fmt.rank_change(float("nan")) == "—"
    # the number a download keeps is the one the text shows
    assert fmt.rounded(93.25) == 93.3 and fmt.rounded(70.174984) == 70.2 and fmt.rounded(None) is None
    assert fmt.score(fmt.rounded(93.25)) == fmt.score(93.25)


def test_dates_and_timestamps_in_shanghai():
    assert fmt.iso_date(dt.date(2025, 6, 30)) == "2025-06-30"
    assert fmt.iso_date(pd.Timestamp("2025-06-30 13:00")) == "2025-06-30"
    assert fmt.iso_date(None) == "—"
    utc = dt.datetime(2025, 6, 30, 16, 30, tzinfo=dt.timezone.utc)
    assert fmt.timestamp(utc) == "2025-07-01 00:30:00"  # Asia/Shanghai is UTC+8


def test_targets_and_templates():
    assert fmt.target(0.2, "≤") == "≤20.0%" and fmt.target(None, "≥") == "—"
    assert fmt.template("得分排名后{n}位", n=3.0) == "得分排名后3位"
    assert fmt.template("得分低于{n}分", n=59.5) == "得分低于59.5分"
    assert not math.isnan(float(fmt.fixed(1e-9, 1)))
