"""Row-level scope in the serving read layer (serving/scope.py) on a real published artefact (the small
simulated Fushun of the e2e run): every published table has a rule; a county's or a department's
reader sees its own rows and the city's own totals, and nothing of another unit, through every loader;
the counties' views together hold every row once; the dashboard's cache keeps each scope's answers apart."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from serving import scope, snapshot, units
from serving.scope import CITY, NOTHING, OPERATOR, RULES, Scope


@pytest.fixture(scope="module")
def published(e2e_run):
    return e2e_run["root"] / "serving" / "warehouse.duckdb"


@pytest.fixture(scope="module")
def full(published):
    with duckdb.connect(str(published), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2").fetchall()
        frames = {(s, t): con.execute(f'SELECT * FROM "{s}"."{t}"').df() for s, t in tables}
    return frames


def read(published, table: tuple[str, str], sc: Scope) -> pd.DataFrame:
    path = str(published.resolve())
    return snapshot.run_query(path, published.resolve().stat().st_mtime_ns, f'SELECT * FROM "{table[0]}"."{table[1]}"',
                              (), sc)


@pytest.fixture(scope="module")
def regions(full):
    dim = full[("marts", "dim_region")]
    return sorted(dim.loc[~dim["is_city"], "region_code"])


@pytest.fixture(scope="module")
def city_code(full):
    return str(full[("marts", "dim_settings")]["city_region_code"].iloc[0])


def test_every_published_table_has_a_rule_and_every_rule_a_table(full):
    """A new mart is hidden from scoped readers until someone decides who may read it: here."""
    assert set(full) == set(RULES), (
        f"tables without a rule in serving/scope.py RULES: {sorted(set(full) - set(RULES))}; "
        f"rules for tables no longer published: {sorted(set(RULES) - set(full))}")


def region_of(df: pd.DataFrame, rule) -> pd.Series:
    return df[rule.region]


def test_a_county_sees_its_own_rows_and_the_city_totals_and_the_counties_together_see_every_row_once(
        published, full, regions, city_code):
    city_level = [city_code]  # 市本级: the city-level departments, a region of their own
    for table, rule in RULES.items():
        if rule.kind not in ("units", "records"):
            continue
        everything = full[table]
        seen = 0
        for region in regions + city_level:
            rows = read(published, table, Scope(region=region)) if region != city_code else None
            if rows is None:
                continue
            own = rows if rule.kind == "records" else rows[rows["scope"] != "city"]
            assert (own[rule.region] == region).all(), (table, region)
            if rule.kind == "units":
                # the whole city's own row, every one of them, and nothing else outside the county
                assert len(rows) - len(own) == int((everything["scope"] == "city").sum()), (table, region)
            expected = everything[everything[rule.region] == region]
            if rule.kind == "units":
                expected = expected[expected["scope"] != "city"]
            assert len(own) == len(expected), (table, region)
            seen += len(own)
        outside = everything[everything[rule.region] == city_code]
        if rule.kind == "units":
            outside = outside[outside["scope"] != "city"]
            total = int((everything["scope"] != "city").sum())
        else:
            total = len(everything)
        # every row belongs to exactly one county or to 市本级 (which no county reader sees)
        assert seen + len(outside) == total, table


def test_a_department_sees_its_own_rows_only(published, full):
    depts = full[("marts", "dim_department")]
    busiest = full[("marts", "fct_metric_records")]["dept_code"].value_counts().index[0]
    other = next(d for d in depts["dept_code"] if d != busiest)
    for dept in (busiest, other):
        for table, rule in RULES.items():
            rows = read(published, table, Scope(dept=dept))
            if rule.kind in ("public",):
                assert len(rows) == len(full[table]), table
            elif rule.kind in ("citywide", "details"):
                assert rows.empty, table
            elif rule.kind == "records":
                assert (rows[rule.dept] == dept).all(), table
                assert len(rows) == int((full[table][rule.dept] == dept).sum()), table
            else:
                mine = rows[rows["scope"] != "city"]
                assert (mine["scope"] == "department").all() and (mine[rule.dept] == dept).all(), table
    assert not read(published, ("marts", "fct_metric_records"), Scope(dept=busiest)).empty


def test_details_and_comparisons_are_for_city_wide_readers(published, full, regions):
    for table, rule in RULES.items():
        if rule.kind == "details":
            assert read(published, table, CITY).empty, table  # 领导小组, 市场监管局
            assert len(read(published, table, OPERATOR)) == len(full[table]), table  # 考核办, the operator
        if rule.kind == "citywide":
            assert len(read(published, table, CITY)) == len(full[table]) > 0, table
            assert read(published, table, Scope(region=regions[0])).empty, table


def test_nobody_sees_nothing(published):
    for table in RULES:
        assert read(published, table, NOTHING).empty, table


def test_the_loaders_read_through_the_scope_of_the_context(published, full, regions, monkeypatch):
    monkeypatch.setenv("SSSG_SERVING_PATH", str(published))
    county, other = regions[0], regions[1]
    try:
        scope.use(Scope(region=county))
        options = units.filter_options()
        assert list(options["regions"]) == [county]
        depts = full[("marts", "dim_department")]
        assert set(options["depts"]) == set(depts.loc[depts["region_code"] == county, "dept_code"])
        # a forged filter value: another county's figures and records are simply not there
        values = snapshot.query("SELECT * FROM marts.fct_metric_values WHERE scope = 'region' AND region_code = ?",
                                (other,))
        assert values.empty
        assert snapshot.query("SELECT count(*) AS n FROM marts.fct_metric_records WHERE region_code = ?",
                              (other,)).iloc[0]["n"] == 0
        scope.use(CITY)
        assert len(units.filter_options()["regions"]) == len(regions)
    finally:
        scope.use(OPERATOR)


def test_a_scope_takes_only_well_formed_codes():
    with pytest.raises(ValueError):
        Scope(region="210402' OR 1=1 --")
    with pytest.raises(ValueError):
        Scope(dept="x'; DROP TABLE y")
    with pytest.raises(ValueError):
        Scope(region="210402", dept="210402-SCJG")


def test_the_dashboard_cache_keeps_each_scopes_answers_apart(published, regions):
    from dashboard import data

    path = str(published.resolve())
    mtime = published.resolve().stat().st_mtime_ns
    sql = "SELECT count(*) AS n FROM marts.fct_metric_records"
    whole = data._cached_query(path, mtime, sql, (), CITY).iloc[0]["n"]
    one = data._cached_query(path, mtime, sql, (), Scope(region=regions[0])).iloc[0]["n"]
    two = data._cached_query(path, mtime, sql, (), Scope(region=regions[1])).iloc[0]["n"]
    assert whole > one > 0 and whole > two > 0 and one + two <= whole
    assert data._cached_query(path, mtime, sql, (), CITY).iloc[0]["n"] == whole


def test_the_county_map_of_a_county_reader_says_the_others_are_outside_its_view(published, regions, monkeypatch):
    """县区进展 read through a county's scope: its own county coloured, the six others grey and labelled
    不在查看范围 (not 无数据, which would say those counties have no data); read city-wide, none is."""
    import json

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import geo
    from pipelines.settings import REPO_ROOT

    monkeypatch.setenv("SSSG_SERVING_PATH", str(published))
    county = next(code for code in regions if code in geo.county_names())

    def map_labels(sc: Scope) -> list[str]:
        scope.set_default(sc)
        st.cache_data.clear()
        at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "views" / "county_progress.py"), default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        return [text for f in figures for trace in f["data"] if trace.get("name") == "labels" for text in trace["text"]]

    try:
        own = map_labels(Scope(region=county))
        city = map_labels(CITY)
    finally:
        scope.set_default(OPERATOR)
    names = geo.county_names()
    assert own == [name if code == county else f"{name}<br>（不在查看范围）" for code, name in names.items()]
    assert city == list(names.values())
