"""`make bench` (python -m pipelines.bench) at a tiny scale: every stage, the anchors and their ratios
end up in the Markdown it prints and writes to --out; the work folder is removed afterwards."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.bench import report
from pipelines.bench.__main__ import _unsafe_work
from pipelines.bench.proc import run_measured
from pipelines.bench.stages import ScaleResult, StageResult
from pipelines.settings import REPO_ROOT

STAGES = ("simulate", "ingest", "dbt parse", "dbt build", "publish", "report annual", "report monthly", "dashboard loaders",
          "anchor read_csv", "anchor headline SQL", "anchor dbt SQL", "new month: ingest", "new month: dbt build", "new month: publish")


@pytest.fixture(scope="module")
def tiny_bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    out, work = root / "benchmarks.md", root / "work"
    docs_before = (REPO_ROOT / "docs" / "benchmarks.md").read_bytes() \
        if (REPO_ROOT / "docs" / "benchmarks.md").exists() else None
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.bench", "--scales", "0.02", "--years", "2020-2020", "--repeat", "2",
         "--fast", "--out", str(out), "--work", str(work)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=240)
    return proc, out, work, docs_before


def test_tiny_bench_reports_every_stage_anchor_and_ratio(tiny_bench):
    proc, out, work, docs_before = tiny_bench
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.strip() in proc.stdout  # printed and written alike
    for stage in STAGES:
        assert f"| {stage} | ok |" in text, stage
    assert "**simulate + ingest + dbt build + publish**" in text
    assert "**new month (2021" in text  # December 2020, exported in January, held back and loaded last
    assert "Ratio ours / DuckDB (CSV MB/s): **" in text and "| DuckDB read_csv |" in text
    assert "ratio dbt / SQL **" in text and "x**" in text.split("ratio dbt / SQL **", 1)[1][:20]
    # the dbt build against its own compiled SQL, measured in the same run
    ratio = text.split("ratio dbt / its SQL **", 1)[1].split("x**", 1)[0]
    assert float(ratio) > 0, ratio
    assert "| dbt build ≤ 2x its own compiled SQL |" in text and "| model (most dbt time) | dbt s | its SQL s |" in text
    for code in ("on_time_publication", "temporary_task_share_tasks", "joint_task_share_tasks", "task_completion_rate"):
        assert f"| {code} |" in text
    assert "Slowest 10 loaders" in text and "p95 ms" in text
    assert "| CPU |" in text and "| RAM |" in text and "| OS |" in text and "| software | Python" in text
    assert "| ingest ≥ 50% of DuckDB read_csv MB/s (CSV) |" in text
    assert "Fast mode" in text
    # the scale's work folder is gone, the project's docs untouched
    assert not any(work.iterdir())
    after = (REPO_ROOT / "docs" / "benchmarks.md")
    assert (after.read_bytes() if after.exists() else None) == docs_before


def test_peak_rss_of_a_child_is_measured(tmp_path):
    m = run_measured([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"],
                     env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path, log=tmp_path / "log")
    assert m.returncode == 0 and m.peak_rss >= 200 * 2**20
    failed = run_measured([sys.executable, "-c", "raise SystemExit(3)"], env={}, cwd=tmp_path, log=tmp_path / "l2")
    assert failed.returncode == 3


def _fake(scale: float, seconds: float, peak: int, ratio_bytes: float) -> ScaleResult:
    st = {n: StageResult(n, "ok", seconds, peak) for n in STAGES}
    st["ingest"].detail = {"csv_bytes": 10**6, "csv_seconds": 1.0, "csv_files": 3, "xlsx_files": 0, "xlsx_seconds": 0}
    st["anchor read_csv"].detail = {"mb_per_s": 1 / ratio_bytes, "seconds": ratio_bytes, "files": 3}
    st["anchor headline SQL"].detail = {"seconds": 0.5, "year": 2025, "departments": 2, "regions": 1}
    st["anchor dbt SQL"].detail = {"seconds": seconds / 4, "models": 80, "dbt_node_seconds": {
        "model": 3.0, "test": 1.0, "seed": 0.0, "unit_test": 0.0}, "slowest": [
        {"model": "fct_metric_records", "dbt_seconds": 1.5, "sql_seconds": 1.0}]}
    st["new month: dbt build"].seconds = seconds / 2
    st["dashboard loaders"].detail = {"repeat": 3, "loaders": [
        {"page": "overview", "loader": "x", "calls": 3, "error": "", "p50_ms": 100.0, "p95_ms": 250.0, "max_ms": 260.0}]}
    return ScaleResult(scale, Path("/nowhere"), st, {"task": int(1000 * scale)},
                       {"csv_files": 3, "csv_bytes": 10**6, "xlsx_files": 0, "xlsx_bytes": 0})


def test_targets_say_by_how_much_they_are_missed_and_scaling_is_shown():
    results = [_fake(1, 10, 2**30, 0.4), _fake(14, 100, 5 * 2**30, 0.2)]
    text = report.render(results, report.machine(), "python -m pipelines.bench --scales 1,14", datetime.now(),
                         (0.0, 0.0, 0.0), fast=False)
    assert "| pipeline ≤ 60 s | PASS (40.0 s vs 60.0 s) |" in text
    assert "| pipeline ≤ 300 s | **MISS** by 100.0 s, 33% over the target (400.0 s vs 300.0 s) |" in text
    assert "peak RSS ≤ 4 GiB (any stage of ours) | **MISS** by 1.00 GiB" in text
    assert "dashboard loaders p95 ≤ 150 ms (slowest loader) | **MISS** by 100.0 ms" in text
    assert "| dbt build ≤ 2x its own compiled SQL | **MISS** by 2.0x, 100% over the target (4.0x vs 2.0x) |" in text
    assert "| new month's dbt build ≤ 25% of a full build | **MISS** by 25 percentage points" in text
    assert "data tests 25%" in text and "| fct_metric_records | 1.50 | 1.00 |" in text
    assert "**MISS** by 30 percentage points" in text  # 20% of DuckDB's MB/s
    assert "## Scaling" in text and "| 14 | 14,000 |" in text


def test_work_folder_never_inside_the_projects_data(monkeypatch, tmp_path):
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path / "data"))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    assert _unsafe_work((tmp_path / "data").resolve())
    assert _unsafe_work((tmp_path / "data" / "landing" / "x").resolve())
    assert _unsafe_work((REPO_ROOT / "data").resolve())
    assert _unsafe_work((REPO_ROOT / "data" / "bench").resolve()) is None
    assert _unsafe_work(tmp_path / "bench") is None


def test_the_page_speed_section_is_replaced_in_place_and_kept_by_make_bench(tmp_path):
    from pipelines.bench.__main__ import kept_page_section
    from pipelines.bench.pages import write_section

    out = tmp_path / "benchmarks.md"
    out.write_text("# Stages\n\nold stage table\n", encoding="utf-8")
    write_section(out, "| page | 1.0 |")
    write_section(out, "| page | 2.0 |")  # replaced, not appended twice
    text = out.read_text(encoding="utf-8")
    assert text.count("## Dashboard pages in Chromium") == 1 and "| page | 2.0 |" in text and "1.0" not in text
    kept = kept_page_section(out)  # make bench rewrites the stages and keeps this section
    assert kept.strip().startswith("## Dashboard pages in Chromium") and "| page | 2.0 |" in kept
    assert "old stage table" not in kept
