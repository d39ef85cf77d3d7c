"""The report step fails within seconds, naming what to install, when the system lacks Chromium (or
it does not start, or hangs); it never waits for ever (issue 19: `make run` hung at the report)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.reports import charts

REPO_ROOT = Path(__file__).resolve().parents[1]


def _report_cli(tmp_path: Path, serving: Path | None = None, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.reports", "--kind", "monthly", "--period", "2021-06",
         "--serving", str(serving or tmp_path / "none.duckdb"), "--out", str(tmp_path / "reports")],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - start


def test_a_missing_browser_fails_the_report_at_once_naming_the_package(tmp_path):
    done, seconds = _report_cli(tmp_path, BROWSER_PATH=str(tmp_path / "no-such-chromium"))
    assert done.returncode == 2, done.stderr
    assert seconds < 20
    assert "Chromium" in done.stderr and "apt-get install -y --no-install-recommends chromium" in done.stderr
    assert not (tmp_path / "reports").exists()  # nothing half made


@pytest.mark.slow
def test_a_browser_that_dies_at_start_fails_the_report_at_once(tmp_path, e2e_run):
    serving = e2e_run["root"] / "serving" / "warehouse.duckdb"  # the report gets as far as its first chart
    done, seconds = _report_cli(tmp_path, serving, BROWSER_PATH="/bin/false")
    assert done.returncode == 2, done.stderr
    assert seconds < 30
    assert "Chromium did not start" in done.stderr


def test_a_browser_that_hangs_at_start_fails_after_the_start_timeout(tmp_path, monkeypatch):
    hanging = tmp_path / "chromium"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(hanging))
    monkeypatch.setattr(charts, "START_TIMEOUT_SECONDS", 3.0)
    monkeypatch.setattr(charts, "_renderer", None)
    renderer = charts._Renderer()
    start = time.monotonic()
    with pytest.raises(charts.RendererMissing, match="Chromium did not start"):
        renderer.start()
    assert time.monotonic() - start < 10
    renderer.close()


def test_the_system_parts_are_named_when_missing(monkeypatch):
    monkeypatch.setattr(charts, "_browser", lambda: None)
    monkeypatch.setattr(charts, "_has_cjk_font", lambda: False)
    monkeypatch.setattr(charts, "_pango_problem", lambda: "cannot load library 'libpango-1.0-0'")
    missing = charts.missing_system_parts()
    assert [m.split(" (")[0].split(":")[0] for m in missing] == ["Chromium", "the Noto Sans CJK font", "Pango"]
    assert all("apt-get install" in m for m in missing)
    assert len(charts.missing_system_parts(charts=False)) == 2  # a report without charts needs no browser
    with pytest.raises(charts.RendererMissing, match="fonts-noto-cjk"):
        charts.require_system_parts()


def test_this_machine_has_every_part():
    assert charts.missing_system_parts() == []
