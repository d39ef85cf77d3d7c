"""Every data loader each dashboard page calls (package `serving`), with the arguments a user's first
visit would give (latest year, city-wide, then a county and a department), timed with Streamlit's cache
cleared.

tests/reliability_reader.py reads the same list (`page_loaders`) to fingerprint what the pages load.
Run inside `python -m pipelines.bench.child loaders`.
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
    """(page, loader label, call) for every loader of every page (package `serving`)."""
    from serving import assessment, labels, metrics, publication, records, status, units

    opts = units.filter_options()
    year = max(opts["years"])
    region = next(iter(opts["regions"]))
    dept = next(iter(opts["depts"]))
    start, end = date(year, 1, 1), date(year, 12, 31)
    city = labels.settings().city_code
    codes = labels.metrics()["metric_code"].tolist()
    headline = labels.metric_codes("headline")
    circular = assessment.circular(year)
    out: list[tuple[str, str, Callable[[], object]]] = [
        ("common", "filter_options", units.filter_options),
        ("common", "metrics", labels.metrics),
        ("common", "settings", labels.settings),
        ("common", "units", labels.units),
        ("common", "code_labels(publication_status)", lambda: labels.code_labels("publication_status")),
        ("common", "metric_group(headline)", lambda: labels.metric_group("headline")),
        ("overview", "unit_values(headline, city)", lambda: metrics.unit_values(headline, "city", city, "year", start)),
        ("overview", "unit_values(headline, city, last year)",
         lambda: metrics.unit_values(headline, "city", city, "year", date(year - 1, 1, 1))),
        ("overview", "unit_trend(all, city)", lambda: metrics.unit_trend(codes, "city", city)),
        ("overview", "department_values(all, year)", lambda: metrics.department_values(codes, "year", start)),
        ("overview", "scores(region)", lambda: assessment.scores(year, "region")),
        ("overview", "circular", lambda: assessment.circular(year)),
        ("overview", "shortfalls(circular, main)",
         lambda: assessment.shortfalls(year, circular["unit_code"].tolist(), main_only=True)),
        ("overview", "milestones", assessment.milestones),
        ("overview", "mechanism_gaps(milestone)", lambda: assessment.mechanism_gaps("milestone")),
        ("overview", "unit_score(department)", lambda: assessment.unit_score(year, "department", dept)),
        ("county_progress", "region_values(one metric, year)", lambda: metrics.region_values(codes[:1], "year", start)),
        ("county_progress", "region_values(one metric, trend)", lambda: metrics.region_values(codes[:1], "year")),
        ("county_progress", "region_values(all, year)", lambda: metrics.region_values(codes, "year", start)),
        ("county_progress", "scores(region, all years)", lambda: assessment.scores(None, "region")),
        ("county_progress", "department_values(one metric, county)",
         lambda: metrics.department_values(codes[:1], "year", start, region)),
        ("department_detail", "department", lambda: units.department(dept)),
        ("department_detail", "unit_cells(region)", lambda: metrics.unit_cells("region", region, "year", year, start)),
        ("department_detail", "unit_cells(department)",
         lambda: metrics.unit_cells("department", dept, "year", year, start)),
        ("department_detail", "score_parts(department)", lambda: assessment.score_parts(year, "department", [dept])),
        ("department_detail", "problems", lambda: publication.problems(dept, start, end)),
        ("department_detail", "warning_tasks(department)", lambda: publication.warning_tasks(None, dept)),
        ("department_detail", "incomplete_tasks", lambda: publication.incomplete_tasks(dept, year, "year", start, end)),
        ("department_detail", "metric_records(on_time_publication, city)",
         lambda: records.metric_records("on_time_publication", "city", city, "year", year, start, end)),
        ("department_detail", "record_counts(on_time_publication, city)",
         lambda: records.record_counts("on_time_publication", "city", city, "year", year, start, end)),
        ("publication", "warning_dates", publication.warning_dates),
        ("publication", "warnings(as of)", lambda: publication.warnings(None, None)),
        ("publication", "warnings(last month end)",
         lambda: publication.warnings(None, None, on=publication.warning_dates()[-1])),
        ("publication", "on_time_series(month)", lambda: metrics.on_time_series("month", year, "city", city)),
        ("publication", "late_days", lambda: publication.late_days(year, None, None)),
        ("publication", "long_holiday_effect", lambda: publication.long_holiday_effect(None, None)),
        ("publication", "warning_tasks", lambda: publication.warning_tasks(None, None)),
        ("joint_temporary", "unit_values(all, county)", lambda: metrics.unit_values(codes, "region", region, "year", start)),
        ("joint_temporary", "unit_trend(all, county)", lambda: metrics.unit_trend(codes, "region", region)),
        ("joint_temporary", "department_values(all, county)",
         lambda: metrics.department_values(codes, "year", start, region)),
        ("joint_temporary", "joint_partners", lambda: metrics.joint_partners(year, None, None)),
        ("sampling_credit", "credit_gradient(city)", lambda: metrics.credit_gradient("city", city, "year", start)),
        ("sampling_credit", "credit_gradient(department)",
         lambda: metrics.credit_gradient("department", dept, "year", start)),
        ("sampling_credit", "annual_only(sampling)", lambda: metrics.annual_only(labels.metric_codes("sampling"))),
        ("sampling_credit", "unit_values(all, department)",
         lambda: metrics.unit_values(codes, "department", dept, "year", start)),
        ("data_status", "awaiting_calendar", status.awaiting_calendar),
        ("data_status", "freshness", status.freshness),
        ("data_status", "batches", status.batches),
        ("data_status", "files", status.files),
        ("data_status", "entities", status.entities),
        ("data_status", "reject_kinds", status.reject_kinds),
        ("data_status", "reject_reasons_by_entity", status.reject_reasons_by_entity),
        ("data_status", "reject_filter_options", status.reject_filter_options),
        # the page opens on the newest batch with rejects (options are newest first)
        ("data_status", "rejects(newest batch)",
         lambda: status.rejects(batch_id=next(iter(status.reject_filter_options()["batch_id"]), None))),
        ("data_status", "unresolved_department_names", status.unresolved_department_names),
    ]
    return out


def time_loaders(repeat: int) -> list[dict]:
    """p50 / p95 / max milliseconds of every loader over `repeat` calls, each with the cache cleared."""
    logging.disable(logging.WARNING)  # Streamlit's "no runtime" notes outside a server
    import streamlit as st

    from dashboard import data

    data.KEEP_CONNECTIONS = True  # as the dashboard server reads
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
