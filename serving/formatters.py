"""How every figure is written, in the dashboard, the PDF, the XLSX and the DOCX alike.

- rates: percent with one decimal (`12.3%`); a rate that is not 0 but would print as 0.0% prints
  `<0.1%`, one that is not 1 but would print as 100.0% prints `>99.9%`, so a shortfall never reads as
  met; a ratio (unit `ratio`, items per visit) with two decimals; NULL is 不适用 / n/a (never 0%);
- scores and points with one decimal (`85.3`), a change of a score with its sign (`+22.5`), a change of
  a rank in places with its sign (`+2`: moved up two places);
- counts with thousands separators (`806,370`), years without (`2025`);
- a change of a rate in percentage points with its sign (`+1.0个百分点` / `+1.0 pts`);
- dates ISO (`2025-06-30`), timestamps in Asia/Shanghai (`2025-06-30 14:05:09`).

Number formats for spreadsheets (`XLSX_FORMATS`) keep the same decimals. Pure functions, no I/O.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSING = "—"
NOT_APPLICABLE = {"zh": "不适用", "en": "n/a"}
PERCENT_POINTS = {"zh": "个百分点", "en": " pts"}
# spreadsheet number formats with the decimals of the formatters below
XLSX_FORMATS = {"percent": "0.0%", "ratio": "0.00", "score": "0.0", "count": "#,##0", "number": "#,##0.00",
                "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "rank": "0",
                "score_change": "+0.0;-0.0;0.0", "rank_change": "+0;-0;0"}


def fixed(value: float, places: int) -> str:
    """`value` with `places` decimals, rounded half away from zero (四舍五入, as Excel and WPS show a
    number format), not Python's half-to-even: 93.25 -> 93.3 everywhere."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return str(rounded.copy_abs() if rounded.is_zero() else rounded)  # never "-0.0"


def is_missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def not_applicable(lang: str = "zh") -> str:
    return NOT_APPLICABLE.get(lang, NOT_APPLICABLE["zh"])


def percent(value, lang: str = "zh") -> str:
    """`12.3%`; `<0.1%` / `>99.9%` near the ends; 不适用 / n/a for NULL."""
    if is_missing(value):
        return not_applicable(lang)
    x = float(value)
    text = fixed(x * 100, 1) + "%"
    if x != 0 and text in ("0.0%", "-0.0%"):
        return "<0.1%" if x > 0 else ">-0.1%"
    if x != 1 and text == "100.0%":
        return ">99.9%" if x < 1 else "<100.1%"
    return text


def ratio(value, lang: str = "zh") -> str:
    """`2.19`; 不适用 / n/a for NULL."""
    return not_applicable(lang) if is_missing(value) else fixed(value, 2)


def rate(value, unit: str | None = "percent", lang: str = "zh") -> str:
    """A metric value by its unit (dim_metric.unit): percent or ratio."""
    return ratio(value, lang) if unit == "ratio" else percent(value, lang)


def target(value, symbol: str | None, unit: str | None = "percent", lang: str = "zh") -> str:
    """`≥100.0%` (symbol from dim_code_label, domain target_direction_symbol); — without a target."""
    if is_missing(value):
        return MISSING
    return f"{symbol or ''}{rate(value, unit, lang)}"


def score(value) -> str:
    """Scores and points: one decimal; — when there is none."""
    return MISSING if is_missing(value) else fixed(value, 1)


def score_change(value) -> str:
    """A change of a score in points, with its sign and one decimal, rounded half up like `score`
    (`+22.5`, `-3.0`, `+0.0`); — when missing."""
    if is_missing(value):
        return MISSING
    text = fixed(value, 1)
    return text if text.startswith("-") else "+" + text


def rank_change(value) -> str:
    """A change of a rank in places gained (`+2`: up two places, `-1`: down one, `0`); — when missing."""
    if is_missing(value):
        return MISSING
    places = int(value)
    return f"{places:+d}" if places else "0"


def rounded(value, places: int = 1) -> float | None:
    """`value` as a number with `places` decimals, rounded half up as the text formatters write it (a
    download that keeps numbers holds what the screen shows); None when missing."""
    return None if is_missing(value) else float(fixed(value, places))


def rank(position, of) -> str:
    """`3 / 8`: a rank among the ranked units; — without a rank."""
    if is_missing(position):
        return MISSING
    return f"{int(position)} / {count(of)}"


def count(value) -> str:
    """`806,370`; — when missing."""
    if is_missing(value):
        return MISSING
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{Decimal(fixed(number, 2)):,}"


def fraction(numerator, denominator) -> str:
    """`50 / 1,000`."""
    return f"{count(numerator)} / {count(denominator)}"


def share(numerator, denominator, lang: str = "zh") -> str:
    """A share with what it is made of: `2.5%（3 / 120）` / `2.5% (3 / 120)`; — for the share without a
    denominator (`—（2 / 0）`)."""
    if is_missing(denominator) or not float(denominator) or is_missing(numerator):
        value = MISSING
    else:
        value = percent(float(numerator) / float(denominator), lang)
    return f"{value} ({fraction(numerator, denominator)})" if lang == "en" else \
        f"{value}（{fraction(numerator, denominator)}）"


def year(value) -> str:
    """`2025` (never `2,025`)."""
    return MISSING if is_missing(value) else str(int(value))


def change_points(current, previous, unit: str | None = "percent", lang: str = "zh") -> str | None:
    """The change of a rate: `+1.0个百分点` / `+1.0 pts` (a ratio: `+0.12`); None without both values."""
    if is_missing(current) or is_missing(previous):
        return None
    delta = float(current) - float(previous)
    if unit == "ratio":
        text = fixed(delta, 2)
    else:
        text = fixed(delta * 100, 1)
    sign = "" if text.startswith("-") else "+"
    return sign + text + ("" if unit == "ratio" else PERCENT_POINTS.get(lang, PERCENT_POINTS["zh"]))


def iso_date(value) -> str:
    """`2025-06-30`; — when missing."""
    if is_missing(value):
        return MISSING
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def timestamp(value) -> str:
    """`2025-06-30 14:05:09` in Asia/Shanghai. A naive value is the publishing machine's local time
    (how the pipeline stamps its logs)."""
    if is_missing(value):
        return MISSING
    moment = pd.Timestamp(value).to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time of this machine
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def template(text: str, **values) -> str:
    """A label with `{n}` placeholders (dim_code_label circular rules) filled in: numbers without a
    needless decimal (`3`, `59.5`)."""
    def plain(v):
        if isinstance(v, float) and not is_missing(v) and v.is_integer():
            return str(int(v))
        return str(v)
    return text.format(**{k: plain(v) for k, v in values.items()})
