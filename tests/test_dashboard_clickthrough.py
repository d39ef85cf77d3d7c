"""Click-through from a heatmap cell or a bar to the records behind it (issue 18 #6).

Streamlit's AppTest cannot click a Plotly point, so the mapping (the codes a point carries, and a
selection back to them) is tested pure, the drill-down's default metric with AppTest, and one headless
Chromium run clicks a heatmap cell on 总览 and a bar on 县区进展 and reads the drill-down.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard_fixture import make_assessment_serving  # noqa: E402

from dashboard import clickthrough  # noqa: E402
from dashboard import figures_metrics as fm  # noqa: E402
from dashboard.clickthrough import Pick, pick_from_selection, pick_of_row  # noqa: E402
from dashboard.drilldown import picker_state  # noqa: E402
from serving.chart_text import plain_figure  # noqa: E402

PAGES = Path(__file__).resolve().parents[1] / "dashboard" / "views"
HOSTILE = '<a href="x">&局</a>'


def rows() -> pd.DataFrame:
    """fct_metric_values rows as the heatmap and the bars get them (two departments, two metrics; one
    department code with markup, as an export could have it)."""
    return pd.DataFrame({
        "metric_code": ["on_time_publication", "joint_task_share_tasks", "on_time_publication"],
        "scope": ["department"] * 3, "dept_code": ["210400-SCJG", "210400-SCJG", HOSTILE],
        "region_code": ["210400"] * 3, "unit_name": ["市市场监管局", "市市场监管局", "某局"],
        "label": ["按时公示率", "联合抽查占比", "按时公示率"], "unit": ["percent"] * 3,
        "rate": [0.95, 0.0, 0.5], "numerator": [19, 0, 1], "denominator": [20, 2, 2],
        "target": [1.0, 0.2, 1.0], "target_direction": ["at_least"] * 3, "attainment": [0.95, 0.0, 0.5],
    })


def selection(*customdata) -> dict:
    """A chart's session-state value as Streamlit keeps it after a click."""
    return {"selection": {"points": [{"curve_number": 1, "point_index": i, "customdata": list(c)}
                                     for i, c in enumerate(customdata)],
                          "point_indices": list(range(len(customdata))), "box": [], "lasso": []}}


def test_rows_carry_their_codes_never_their_labels():
    region = {"scope": "region", "region_code": "210400", "dept_code": None, "metric_code": "sampling_ratio"}
    assert pick_of_row(region) == ["region", "210400", "sampling_ratio"]  # 市本级: the city's code, scope region
    city = {"scope": "city", "region_code": "210400", "dept_code": None, "metric_code": "item_coverage"}
    assert pick_of_row(city) == ["city", "210400", "item_coverage"]
    assert pick_of_row({"scope": "department", "dept_code": None, "region_code": "210402",
                        "metric_code": "x"}) == clickthrough.NO_PICK
    assert pick_of_row({"scope": "nonsense", "dept_code": "D", "region_code": "R", "metric_code": "x"}) == \
        clickthrough.NO_PICK


def test_a_heatmap_cell_maps_back_to_its_department_and_metric_after_escaping():
    fig = plain_figure(fm.attainment_heatmap(rows()))  # as chart_with_table draws it
    heat, cells = fig.data
    assert heat.hoverinfo == "skip" and cells.type == "scatter" and fig.layout.hoverdistance == -1
    assert len(cells.x) == 4  # every cell of the grid, the empty one too (2 units x 2 metrics)
    by_cell = {(y, x): c for x, y, c in zip(cells.x, cells.y, cells.customdata)}
    assert list(by_cell[("市市场监管局", "按时公示率")][:4]) == ["95.0%", "19", "20", "100.0%"]  # the hover's
    escaped = by_cell[("某局", "按时公示率")]
    assert "<a" not in "".join(escaped)  # still plain text in the chart
    assert pick_from_selection(selection(escaped)) == Pick("department", HOSTILE, "on_time_publication")
    assert pick_from_selection(selection(by_cell[("某局", "联合抽查占比")])) is None  # no value there: no pick
    assert pick_from_selection(selection(by_cell[("市市场监管局", "联合抽查占比")])) == \
        Pick("department", "210400-SCJG", "joint_task_share_tasks")


def test_a_bar_maps_back_to_its_unit_and_metric():
    df = rows().assign(scope="region", region_code=["210402", "210402", "210403"], unit_name=["新抚区", "新抚区", "东洲区"])
    fig = plain_figure(fm.grouped_bars(df))
    (ontime, joint) = fig.data
    assert [list(c[3:]) for c in ontime.customdata] == [["region", "210402", "on_time_publication"],
                                                        ["region", "210403", "on_time_publication"]]
    assert list(ontime.customdata[0][:3]) == ["95.0%", "19", "20"]  # the hover keeps its fields
    point = {"curve_number": 0, "point_index": 1, "x": "东洲区", "customdata": list(ontime.customdata[1])}
    assert pick_from_selection({"points": [point]}) == Pick("region", "210403", "on_time_publication")
    # a frame without the codes (built by hand for a chart): nothing to click, the hover as before
    plain = fm.grouped_bars(df.drop(columns=["scope"]))
    assert [len(c) for c in plain.data[0].customdata] == [3, 3]


def test_selection_mapping_takes_the_last_point_and_ignores_what_is_not_a_pick():
    assert pick_from_selection(None) is None
    assert pick_from_selection({"selection": {"points": [], "box": [], "lasso": []}}) is None
    assert pick_from_selection(selection(["1", "2"])) is None  # too short
    assert pick_from_selection(selection(["x", "galaxy", "D1", "m"])) is None  # not a scope
    picked = selection(["a", "department", "D1", "m1"], ["b", "region", "210402", "m2"])
    assert pick_from_selection(picked) == Pick("region", "210402", "m2")
    assert pick_from_selection(picked["selection"]) == Pick("region", "210402", "m2")  # the bare selection


def test_the_picker_opens_on_a_new_default_once_and_then_keeps_the_users_choice():
    options, first = ["a", "b", "c"], "a"
    assert picker_state(options, first, "b", None, "city|C|b", None) == "b"  # first run: the page's metric
    assert picker_state(options, first, "b", "c", "city|C|b", "city|C|b") is None  # the user chose c: kept
    assert picker_state(options, first, "c", "a", "city|C|c", "city|C|b") == "c"  # the page's metric changed
    assert picker_state(options, first, "b", "b", "department|D|b", "city|C|b") == "b"  # a click: another unit
    assert picker_state(options, first, None, None, None, None) == "a"  # no default: the first listed
    assert picker_state(options, first, "zz", "gone", None, None) == "a"  # neither available
    assert picker_state(options, first, None, "c", None, "city|C|b") is None


@pytest.fixture
def serving(tmp_path, monkeypatch) -> Path:
    st.cache_data.clear()
    path = make_assessment_serving(tmp_path / "serving" / "warehouse.duckdb")
    monkeypatch.setenv("SSSG_SERVING_PATH", str(path))
    yield path
    st.cache_data.clear()


def test_the_county_drilldown_opens_on_the_metric_the_page_shows(serving):
    at = AppTest.from_file(str(PAGES / "county_progress.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert at.selectbox(key="county_metric").value == "on_time_publication"
    assert at.selectbox(key="county_drill_metric").value == "on_time_publication"
    at.selectbox(key="county_drill_metric").set_value("sampling_ratio").run()  # the user's own choice holds
    assert at.selectbox(key="county_drill_metric").value == "sampling_ratio"
    at.selectbox(key="county_metric").select("joint_task_share_tasks").run()  # the page's metric changes: follows
    assert not at.exception
    assert at.selectbox(key="county_drill_metric").value == "joint_task_share_tasks"


def add_records(serving: Path) -> None:
    """The records behind two cells of the fixture (2023): on-time publication of 市市场监管局 (19 of 20)
    and of 东洲区's department (36 of 40)."""
    import duckdb
    records = []
    for dept, region, on_time, due in (("210400-SCJG", "210400", 19, 20), ("210403-ZJJ", "210403", 36, 40)):
        records += [("on_time_publication", dept, region, 2023, f"2023-05-{1 + i % 28:02d}", "obligation",
                     f"result|{dept}-{i}", f"T-{dept}", None, f"2023-05-{1 + i % 28:02d}",
                     "on_time" if i < on_time else "late", i < on_time, True) for i in range(due)]
    with duckdb.connect(str(serving)) as con:
        con.executemany("INSERT INTO marts.fct_metric_records VALUES (?, ?, ?, ?, CAST(? AS DATE), ?, ?, ?, ?, "
                        "CAST(? AS DATE), ?, ?, ?)", records)


CELL_CENTRE = """([key, column, value]) => {  // where on the page the cell whose customdata[column] is value lies
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const L = gd._fullLayout, r = gd.getBoundingClientRect();
  for (const trace of gd.data) {
    const i = (trace.customdata || []).findIndex(c => c[column] === value);
    if (i >= 0) return {x: r.left + L._size.l + L.xaxis.d2p(trace.x[i]), y: r.top + L._size.t + L.yaxis.d2p(trace.y[i])};
  }
  return null;
}"""


@pytest.mark.slow
def test_clicking_a_heatmap_cell_and_a_bar_opens_their_records_in_a_real_browser(serving):
    from tests.browser import ARTIFACTS, browser_page, dashboard_server, wait_for_app

    add_records(serving)
    ARTIFACTS.mkdir(exist_ok=True)
    with dashboard_server({"SSSG_SERVING_PATH": str(serving)}) as url, browser_page() as page:
        page.goto(f"{url}/overview?year=2023")
        wait_for_app(page, "部门 × 指标")
        chart = page.locator(".st-key-chart_overview_heatmap .js-plotly-plot")
        chart.scroll_into_view_if_needed()
        cell = page.evaluate(CELL_CENTRE, ["chart_overview_heatmap", 6, "on_time_publication"])
        page.mouse.click(cell["x"] + 6, cell["y"] + 4)  # off the centre: anywhere in the cell
        drill = page.locator(".st-key-overview_drill_box")
        drill.get_by_text("图表中选中：抚顺市市场监督管理局 · 按时公示率（全部类型）").wait_for(timeout=30_000)
        drill.get_by_text("明细核对一致：分子 19 条、分母 20 条").wait_for(timeout=30_000)
        page.wait_for_function("() => { const r = document.querySelector('.st-key-overview_drill_box')"
                               ".getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
                               timeout=10_000)  # scrolled into view
        page.screenshot(path=str(ARTIFACTS / "clickthrough_heatmap_1400.png"))

        page.goto(f"{url}/county?year=2023")
        wait_for_app(page, "各县区对比")
        page.locator(".st-key-chart_county_compare .js-plotly-plot").scroll_into_view_if_needed()
        bar = page.evaluate("""() => {
            const gd = document.querySelector('.st-key-chart_county_compare .js-plotly-plot');
            const i = gd.data[0].customdata.findIndex(c => c[4] === '210403');
            const box = gd.querySelectorAll('.bars .point')[i].getBoundingClientRect();
            return {x: box.left + box.width / 2, y: box.top + box.height * 0.7};
        }""")
        page.mouse.click(bar["x"], bar["y"])
        drill = page.locator(".st-key-county_drill_box")
        drill.get_by_text("图表中选中：东洲区 · 按时公示率（全部类型）").wait_for(timeout=30_000)
        drill.get_by_text("明细核对一致：分子 36 条、分母 40 条").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "clickthrough_bar_1400.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
