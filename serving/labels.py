"""Labels and names, all read from the published dimensions (one place each):

- code labels (statuses, event types, record kinds, mechanism components, scopes, long holidays,
  ranking and circular statuses, circular rules, milestones, credit classes): dim_code_label;
- unit names (全市, 市本级, counties, departments) and their kinds: dim_unit;
- metric names and units: dim_metric; metric groups: dim_metric_group;
- the build's settings (as-of date, warning horizon, city code): dim_settings;
- a Chinese text a mart writes itself (数据状态's entity titles, statuses, reason kinds): `translated`,
  by the label_zh of its domain in dim_code_label.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from serving import formatters as fmt
from serving.snapshot import derived, dimension, query


def _lang_column(base: str, lang: str) -> str:
    return f"{base}_en" if lang == "en" else f"{base}_zh"


# --- code labels -----------------------------------------------------------------------------------

def code_labels(domain: str, lang: str = "zh") -> dict[str, str]:
    """code -> label of one domain, in display order."""
    return dict(derived(("code_labels", domain, lang), lambda: _code_labels(domain, lang)))


def _code_labels(domain: str, lang: str) -> dict[str, str]:
    df = dimension("SELECT domain, code, label_zh, label_en FROM marts.dim_code_label ORDER BY domain, sort_order, code")
    df = df[df["domain"] == domain]
    return dict(zip(df["code"], df[_lang_column("label", lang)]))


def label(domain: str, code, lang: str = "zh") -> str:
    """The label of one code; the code itself when the seed has none (never an error); — for NULL."""
    if fmt.is_missing(code):
        return fmt.MISSING
    return code_labels(domain, lang).get(str(code), str(code))


def labelled(codes: Iterable, domain: str, lang: str = "zh") -> list[str]:
    """Labels of a column of codes."""
    found = code_labels(domain, lang)
    return [fmt.MISSING if fmt.is_missing(c) else found.get(str(c), str(c)) for c in codes]


def joined(value, domain: str, lang: str = "zh", sep: str = ";") -> str:
    """A list cell of codes (`plan_filed;plan_approval`) as its labels (`年度计划按时制定、涉企计划经政府批准`)."""
    if fmt.is_missing(value) or not str(value):
        return ""
    found = code_labels(domain, lang)
    glue = "、" if lang == "zh" else ", "
    return glue.join(found.get(code, code) for code in str(value).split(sep) if code)


def circular_rule(rule, parameter, lang: str = "zh") -> str:
    """`得分排名后3位` from (bottom_n, 3), by the rule's label template."""
    if fmt.is_missing(rule):
        return ""
    text = code_labels("circular_rule", lang).get(str(rule), str(rule))
    return fmt.template(text, n=parameter) if "{n}" in text else text


def target_text(value, direction, unit: str | None = "percent", lang: str = "zh") -> str:
    """`≥100.0%`: the target with its direction's symbol."""
    symbol = None if fmt.is_missing(direction) else code_labels("target_direction_symbol", lang).get(str(direction))
    return fmt.target(value, symbol, unit, lang)


# --- units -----------------------------------------------------------------------------------------

def unit_names(scope: str, lang: str = "zh", *, short: bool = False) -> dict[str, str]:
    """unit_code -> display name for one scope (city / region / department)."""
    return dict(derived(("unit_names", scope, lang, short), lambda: _unit_names(scope, lang, short)))


def _unit_names(scope: str, lang: str, short: bool) -> dict[str, str]:
    df = dimension("SELECT * FROM marts.dim_unit ORDER BY sort_order")
    df = df[df["scope"] == scope]
    return dict(zip(df["unit_code"], df[_lang_column("unit_short_name" if short else "unit_name", lang)]))


def unit_name(scope: str, code, lang: str = "zh", *, short: bool = False) -> str:
    if fmt.is_missing(code):
        return fmt.MISSING
    return unit_names(scope, lang, short=short).get(str(code), str(code))


def units(lang: str = "zh") -> pd.DataFrame:
    """Every unit: scope, unit_code, dept_code, region_code, name, short_name, region_name, kind,
    is_member, sort_order."""
    df = dimension("SELECT * FROM marts.dim_unit ORDER BY sort_order")
    suffix = "en" if lang == "en" else "zh"
    return pd.DataFrame({
        "scope": df["scope"], "unit_code": df["unit_code"], "dept_code": df["dept_code"],
        "region_code": df["region_code"], "name": df[f"unit_name_{suffix}"],
        "short_name": df[f"unit_short_name_{suffix}"], "region_name": df[f"region_name_{suffix}"],
        "kind": df[f"unit_kind_{suffix}"], "is_member": df["is_member"], "sort_order": df["sort_order"],
    })


# --- metrics ---------------------------------------------------------------------------------------

def metrics() -> pd.DataFrame:
    """dim_metric in display order."""
    return dimension("SELECT * FROM marts.dim_metric ORDER BY sort_order, metric_code")


def metric_names(lang: str = "zh") -> dict[str, str]:
    return dict(derived(("metric_names", lang), lambda: _metric_names(lang)))


def _metric_names(lang: str) -> dict[str, str]:
    df = metrics()
    return {c: (n if isinstance(n, str) and n else z)
            for c, n, z in zip(df["metric_code"], df[_lang_column("name", lang)], df["name_zh"])}


def metric_group(group_code: str) -> pd.DataFrame:
    """The metrics of one group in order, with member_code (event type, credit class) and unit."""
    return query(
        """SELECT g.metric_code, g.position, g.member_code, m.unit, m.name_zh, m.name_en
           FROM marts.dim_metric_group AS g LEFT JOIN marts.dim_metric AS m USING (metric_code)
           WHERE g.group_code = ? ORDER BY g.position""",
        (group_code,),
    )


def metric_codes(group_code: str) -> list[str]:
    return metric_group(group_code)["metric_code"].tolist()


# --- settings --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    as_of_date: date | None
    as_of_basis: str | None
    early_warning_working_days: int
    circular_main_shortfalls: int
    city_code: str
    calendar_first_date: date | None
    calendar_last_date: date | None


def settings() -> Settings:
    return derived(("settings",), _settings)


def _settings() -> Settings:
    row = dimension("SELECT * FROM marts.dim_settings").iloc[0]

    def day(value):
        return None if fmt.is_missing(value) else pd.Timestamp(value).date()

    return Settings(
        as_of_date=day(row["as_of_date"]), as_of_basis=row["as_of_basis"],
        early_warning_working_days=int(row["early_warning_working_days"]),
        circular_main_shortfalls=int(row["circular_main_shortfalls"]),
        city_code=str(row["city_region_code"]),
        calendar_first_date=day(row["calendar_first_date"]), calendar_last_date=day(row["calendar_last_date"]),
    )


# --- Chinese texts a mart writes itself --------------------------------------------------------------

def translated(values: Iterable, domain: str, lang: str = "zh", sep: str | None = None) -> list:
    """Texts a mart writes in Chinese itself (a dbt model's fixed wording, the contract's entity titles,
    REJECT_KINDS) in `lang`: each text is matched on a label_zh of `domain` and replaced by its label in
    `lang`. A text no label matches stays as written (an artefact from before the domain existed), a
    missing value stays missing. With `sep`, a cell is a list of such texts (reason kinds joined by
    '；'), relabelled item by item and joined by '; '. Chinese: the values unchanged."""
    values = list(values)
    if lang == "zh":
        return values
    zh, other = code_labels(domain, "zh"), code_labels(domain, lang)
    found = {text: other.get(code, text) for code, text in zh.items()}

    def one(value):
        if fmt.is_missing(value):
            return value
        if sep is None:
            return found.get(str(value), value)
        return "; ".join(found.get(part, part) for part in str(value).split(sep) if part)

    return [one(v) for v in values]
