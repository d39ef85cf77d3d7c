"""A dashboard reader for the reliability tests: every data loader of every page, against one pinned
version of the serving artefact, in a loop; one JSON line per round (the version read and a
fingerprint of everything the loaders returned, or the error).

    python tests/reliability_reader.py OUT_FILE STOP_FILE      (SSSG_SERVING_PATH names the artefact)
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.disable(logging.WARNING)  # Streamlit's "no runtime" notes outside a server

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import data, drilldown, queries as q, queries_detail as d  # noqa: E402
from dashboard.filters import Selection  # noqa: E402


PAUSE_SECONDS = 1.0  # leave the pipeline some of the machine's two cores


def loader_outputs() -> list[tuple[str, object]]:
    """What every page loads, for the latest year, a county and a department of the pinned version."""
    opts = q.filter_options()
    year = max(opts["years"])
    region = next(iter(opts["regions"]))
    dept = next(iter(opts["depts"]))
    start, end = date(year, 1, 1), date(year, 12, 31)
    codes = q.metric_dim()["metric_code"].tolist()
    out: list[tuple[str, object]] = [("filter_options", opts)]
    for sel in (Selection(year, "year", start, None, None), Selection(year, "year", start, region, None),
                Selection(year, "year", start, None, dept)):
        out += [("unit_values", q.unit_values(codes, sel)), ("unit_trend", q.unit_trend(codes, sel)),
                ("credit_gradient", q.credit_gradient(sel))]
    out += [
        ("metric_dim", q.metric_dim()), ("region_names", q.region_names()),
        ("region_values", q.region_values(codes, "year", start)),
        ("department_values", q.department_values(codes, "year", start)),
        ("scored_metrics", q.scored_metrics()), ("region_scores", q.region_scores(year)),
        ("region_score_trend", q.region_score_trend()), ("circular", q.circular(year)),
        ("score_parts", q.score_parts(year, [region])), ("milestone_missing", q.milestone_missing()),
        ("unit_score", q.unit_score(year, "department", dept)),
        ("joint_partners", q.joint_partners(year, None, None)),
        ("department", d.department(dept)), ("unit_cells", d.unit_cells("region", region, "year", year, start)),
        ("dept_score", d.dept_score(dept, year)), ("dept_score_parts", d.dept_score_parts(dept, year)),
        ("dept_obligation_problems", d.dept_obligation_problems(dept, start, end)),
        ("dept_warning_tasks", d.dept_warning_tasks(dept)),
        ("dept_incomplete_tasks", d.dept_incomplete_tasks(dept, year, "year", start, end)),
        ("on_time_series", d.on_time_series("month", year, None, None)),
        ("late_obligations", d.late_obligations(year, None, None)),
        ("due_obligations", d.due_obligations(year, None, None)),
        ("warning_obligations", d.warning_obligations(None, None)),
        ("warning_tasks", d.warning_tasks(None, None)), ("as_of_date", d.as_of_date()),
        ("metric_records", drilldown.metric_records("on_time_publication", "city", "210400", "year", year,
                                                    start, end)),
        ("freshness", data.freshness()), ("batches", data.batches()), ("files", data.files()),
        ("entities", data.entities()), ("reject_kinds", data.reject_kinds()),
        ("reject_reasons_by_entity", data.reject_reasons_by_entity()),
        ("reject_filter_options", data.reject_filter_options()), ("rejects", data.rejects()),
        ("unresolved_department_names", data.unresolved_department_names()),
    ]
    return out


def fingerprint(outputs: list[tuple[str, object]]) -> str:
    digest = hashlib.sha256()
    for name, value in outputs:
        digest.update(name.encode())
        if isinstance(value, pd.DataFrame):
            digest.update(value.to_csv(index=False).encode())
        else:
            digest.update(repr(value).encode())
    return digest.hexdigest()


def main(out_file: str, stop_file: str) -> None:
    stop = Path(stop_file)
    with open(out_file, "a", encoding="utf-8") as out:
        while not stop.exists():
            st.cache_data.clear()  # really read the file every round
            started = time.time()
            try:
                with data.snapshot() as version:
                    line = {"version": version.name, "fingerprint": fingerprint(loader_outputs())}
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                line = {"error": f"{type(exc).__name__}: {exc}"}
            line["started"], line["seconds"] = started, round(time.time() - started, 3)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            time.sleep(PAUSE_SECONDS)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
