"""`make run` as an operator meets it: the first build, then the three supervised processes (Dagster
daemon, Dagster webserver, dashboard). A batch copied into the landing folder reaches the dashboard
with no command; a crashed component comes back; `make stop` and Ctrl-C stop everything."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import E2E_SIMULATION

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ("dagster-daemon", "dagster-webserver", "dashboard")
NEW_BATCH_WITHIN_SECONDS = 180  # issue 19: on the dashboard within 3 minutes


def _free_port() -> int:
    from pipelines.bench.pages import _free_port as free

    return free()


def _wait(check, timeout: float, what: str, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"make run ended ({proc.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout:.0f} s")
        time.sleep(1)  # polling interval of the condition


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status == 200
    except OSError:
        return False


def _status(env: dict) -> dict[str, tuple[str, int | None]]:
    """supervisorctl status -> {program: (state, pid)}."""
    out = subprocess.run(["make", "--no-print-directory", "status"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=60).stdout
    states = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in PROGRAMS:
            pid = int(parts[3].rstrip(",")) if len(parts) > 3 and parts[2] == "pid" else None
            states[parts[0]] = (parts[1], pid)
    return states


def _all_running(env: dict):
    states = _status(env)
    return states if len(states) == 3 and all(s == "RUNNING" for s, _ in states.values()) else None


def _gone(pids) -> bool:
    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return not any(alive(p) for p in pids)


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """A data folder whose landing holds a simulated Fushun minus its last export batch (held back)."""
    root = tmp_path_factory.mktemp("operated")
    landing, held = root / "landing", root / "held"
    subprocess.run([sys.executable, "-m", "pipelines.simulate", *E2E_SIMULATION, "--out", str(landing)],
                   check=True, cwd=REPO_ROOT)
    last = sorted(p for p in landing.iterdir() if p.is_dir())[-1]
    held.mkdir()
    shutil.move(str(last), held / last.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSSG_", "DAGSTER_"))}
    env.update(DATA=str(root), PORT=str(_free_port()), DAGSTER_PORT=str(_free_port()))
    return {"root": root, "held": held / last.name, "env": env}


def _start(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO_ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def test_make_run_loads_a_new_batch_by_itself_restarts_a_crash_and_stops(operated):
    root, env = operated["root"], operated["env"]
    serving = root / "serving" / "warehouse.duckdb"
    dashboard = f"http://127.0.0.1:{env['PORT']}"
    proc = _start(env, root / "make-run.log")
    try:
        _wait(lambda: _healthy(f"{dashboard}/_stcore/health"), 900, "dashboard after the first build", proc)
        states = _wait(lambda: _all_running(env), 120, "three RUNNING programs", proc)
        assert serving.exists() and list((root / "reports").rglob("*.pdf")), "the first build publishes and reports"
        _wait(lambda: _healthy(f"http://127.0.0.1:{env['DAGSTER_PORT']}/server_info"), 180, "Dagster webserver", proc)
        first_version = serving.resolve()

        # A new monthly batch arrives: no command, only the copy.
        copied_at = time.monotonic()
        shutil.copytree(operated["held"], root / "landing" / operated["held"].name)
        _wait(lambda: serving.resolve() != first_version, NEW_BATCH_WITHIN_SECONDS + 120, "new publish", proc)
        took = time.monotonic() - copied_at
        print(f"new batch published {took:.0f} s after the copy")
        assert took <= NEW_BATCH_WITHIN_SECONDS, f"the new batch took {took:.0f} s to reach the dashboard"
        _assert_dashboard_shows_batch(dashboard, operated["held"].name[:8])

        # A crash: the dashboard is killed and comes back by itself.
        _, pid = states["dashboard"]
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: (s := _all_running(env)) and s["dashboard"][1] != pid and s, 60, "dashboard restarted", proc)
        _wait(lambda: _healthy(f"{dashboard}/_stcore/health"), 60, "dashboard healthy after its restart", proc)

        # make stop, from another shell
        pids = [p for _, p in _all_running(env).values()]
        subprocess.run(["make", "--no-print-directory", "stop"], cwd=REPO_ROOT, env=env, check=True, timeout=120)
        assert proc.wait(timeout=120) == 0
        _wait(lambda: _gone(pids), 30, "every program stopped")

        # Ctrl-C in make run's own shell stops everything too (the warehouse exists: no build first).
        proc = _start(env, root / "make-run.log")
        _wait(lambda: _all_running(env), 300, "three RUNNING programs after a restart", proc)
        pids = [p for _, p in _all_running(env).values()]
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=120)
        _wait(lambda: _gone(pids), 30, "every program stopped after Ctrl-C")
        logs = {p.name for p in (root / "logs").iterdir()}
        assert {"dagster-daemon.log", "dagster-webserver.log", "dashboard.log", "supervisord.log"} <= logs
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=120)


def _assert_dashboard_shows_batch(dashboard: str, batch_date: str) -> None:
    """数据状态 in Chromium names the new batch's export date as the latest."""
    from tests.browser import browser_page

    shown = f"{batch_date[:4]}-{batch_date[4:6]}-{batch_date[6:]}"
    with browser_page() as page:
        page.goto(f"{dashboard}/status?lang=zh")
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
                  === 'notRunning' && document.querySelector('[data-testid="stMain"] h1')""", timeout=90_000)
        metric = page.locator('[data-testid="stMetric"]', has_text="最新批次导出日期")
        assert shown in metric.inner_text(), metric.inner_text()
