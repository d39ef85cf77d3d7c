"""Every data loader each dashboard page calls, with the arguments a user's first visit would give
(latest year, city-wide, then a county and a department), timed with Streamlit's cache cleared.

Same idea as tests/reliability_reader.py's `loader_outputs`, but one callable per loader call so
each can be timed on its own. Run inside `python -m pipelines.bench.child loaders`.
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import date


def _percentile(sorted_ms: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 calls = the 19th fastest)."""
    return sorted_ms[max(0, math.ceil(share * len(sorted_ms)) - 1)]


def page_loaders() -> list[tuple[str, str, Callable[[], object]]]:
    """(page, loader label, call) for every loader of every page."""
    from dashboard import data, drilldown, queries as q, queries_detail as d
    from dashboard.filters import Selection

    opts = q.filter_options()
    year = max(opts["years"])
    region = next(iter(opts["regions"]))
    dept = next(iter(opts["depts"]))
    start, end = date(year, 1, 1), date(year, 12, 31)
    codes = q.metric_dim()["metric_code"].tolist()
    city = Selection(year, "year", start, None, None)
    county = Selection(year, "year", start, region, None)
    one_dept = Selection(year, "year", start, None, dept)
    out: list[tuple[str, str, Callable[[], object]]] = [
        ("common", "filter_options", q.filter_options),
        ("common", "metric_dim", q.metric_dim),
        ("common", "region_names", q.region_names),
        ("overview", "unit_values(headline, city)", lambda: q.unit_values(q.HEADLINE, city)),
        ("overview", "unit_values(headline, city, last year)", lambda: q.unit_values(q.HEADLINE, city, year=year - 1)),
        ("overview", "unit_trend(all, city)", lambda: q.unit_trend(codes, city)),
        ("overview", "department_values(all, year)", lambda: q.department_values(codes, "year", start)),
        ("overview", "scored_metrics", q.scored_metrics),
        ("overview", "region_scores", lambda: q.region_scores(year)),
        ("overview", "circular", lambda: q.circular(year)),
        ("overview", "score_parts", lambda: q.score_parts(year, [region])),
        ("overview", "milestone_missing", q.milestone_missing),
        ("overview", "unit_score(department)", lambda: q.unit_score(year, "department", dept)),
        ("county_progress", "region_values(one metric, year)", lambda: q.region_values(codes[:1], "year", start)),
        ("county_progress", "region_values(one metric, trend)", lambda: q.region_values(codes[:1], "year")),
        ("county_progress", "region_values(all, year)", lambda: q.region_values(codes, "year", start)),
        ("county_progress", "region_score_trend", q.region_score_trend),
        ("county_progress", "department_values(one metric, county)",
         lambda: q.department_values(codes[:1], "year", start, region)),
        ("department_detail", "department", lambda: d.department(dept)),
        ("department_detail", "unit_cells(region)", lambda: d.unit_cells("region", region, "year", year, start)),
        ("department_detail", "unit_cells(department)", lambda: d.unit_cells("department", dept, "year", year, start)),
        ("department_detail", "dept_score", lambda: d.dept_score(dept, year)),
        ("department_detail", "dept_score_parts", lambda: d.dept_score_parts(dept, year)),
        ("department_detail", "dept_obligation_problems", lambda: d.dept_obligation_problems(dept, start, end)),
        ("department_detail", "dept_warning_tasks", lambda: d.dept_warning_tasks(dept)),
        ("department_detail", "dept_incomplete_tasks", lambda: d.dept_incomplete_tasks(dept, year, "year", start, end)),
        ("department_detail", "metric_records(on_time_publication, city)",
         lambda: drilldown.metric_records("on_time_publication", "city", "210400", "year", year, start, end)),
        ("publication", "as_of_date", d.as_of_date),
        ("publication", "warning_obligations", lambda: d.warning_obligations(None, None)),
        ("publication", "on_time_series(month)", lambda: d.on_time_series("month", year, None, None)),
        ("publication", "late_obligations", lambda: d.late_obligations(year, None, None)),
        ("publication", "due_obligations", lambda: d.due_obligations(None, None, None)),
        ("publication", "warning_tasks", lambda: d.warning_tasks(None, None)),
        ("joint_temporary", "unit_values(all, county)", lambda: q.unit_values(codes, county)),
        ("joint_temporary", "unit_trend(all, county)", lambda: q.unit_trend(codes, county)),
        ("joint_temporary", "department_values(all, county)", lambda: q.department_values(codes, "year", start, region)),
        ("joint_temporary", "joint_partners", lambda: q.joint_partners(year, None, None)),
        ("sampling_credit", "credit_gradient(city)", lambda: q.credit_gradient(city)),
        ("sampling_credit", "credit_gradient(department)", lambda: q.credit_gradient(one_dept)),
        ("sampling_credit", "unit_values(all, department)", lambda: q.unit_values(codes, one_dept)),
        ("data_status", "freshness", data.freshness),
        ("data_status", "batches", data.batches),
        ("data_status", "files", data.files),
        ("data_status", "entities", data.entities),
        ("data_status", "reject_kinds", data.reject_kinds),
        ("data_status", "reject_reasons_by_entity", data.reject_reasons_by_entity),
        ("data_status", "reject_filter_options", data.reject_filter_options),
        # the page opens on the newest batch with rejects (options are newest first)
        ("data_status", "rejects(newest batch)",
         lambda: data.rejects(batch_id=next(iter(data.reject_filter_options()["batch_id"]), None))),
        ("data_status", "unresolved_department_names", data.unresolved_department_names),
    ]
    return out


def time_loaders(repeat: int) -> list[dict]:
    """p50 / p95 / max milliseconds of every loader over `repeat` calls, each with the cache cleared."""
    logging.disable(logging.WARNING)  # Streamlit's "no runtime" notes outside a server
    import streamlit as st

    from dashboard import data

    rows = []
    with data.snapshot():
        for page, label, call in page_loaders():
            ms: list[float] = []
            error = ""
            for _ in range(repeat):
                st.cache_data.clear()  # really read the serving file every call
                started = time.perf_counter()
                try:
                    call()
                except Exception as exc:  # noqa: BLE001 - a failing loader is reported, not fatal
                    error = f"{type(exc).__name__}: {exc}"[:200]
                    break
                ms.append((time.perf_counter() - started) * 1000)
            ms.sort()
            rows.append({"page": page, "loader": label, "calls": len(ms), "error": error,
                         "p50_ms": _percentile(ms, 0.50) if ms else None,
                         "p95_ms": _percentile(ms, 0.95) if ms else None,
                         "max_ms": ms[-1] if ms else None})
    return rows
