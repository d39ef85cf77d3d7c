"""One scale of the benchmark: a fresh work folder, every stage as its own measured child process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.assets.dbt import NIGHTLY_BUILD_FLAGS
from pipelines.bench.proc import run_measured
from pipelines.settings import REPO_ROOT, dbt_executable

PIPELINE_STAGES = ("simulate", "ingest", "dbt build", "publish")
REPORT_STAGES = ("report annual", "report monthly")
ANCHOR_STAGES = ("anchor read_csv", "anchor headline SQL", "anchor dbt SQL")
# The newest monthly batch is held back from the first load and arrives last, as next month's export would.
NEW_MONTH_STAGES = ("new month: ingest", "new month: dbt build", "new month: publish")
# stage -> the stage whose output it needs
NEEDS = {"ingest": "simulate", "dbt build": "ingest", "publish": "dbt build", "report annual": "publish",
         "report monthly": "publish", "dashboard loaders": "publish", "anchor read_csv": "simulate",
         "anchor headline SQL": "ingest", "anchor dbt SQL": "dbt build", "new month: ingest": "publish",
         "new month: dbt build": "new month: ingest", "new month: publish": "new month: dbt build"}


@dataclass
class Options:
    years: str = "2020-2025"
    seed: int = 7
    repeat: int = 20
    fast: bool = False  # smoke test only: dbt without its data/unit tests, reports without charts
    timeout: float | None = None


@dataclass
class StageResult:
    name: str
    status: str  # ok | failed | skipped
    seconds: float | None = None
    peak_rss: int | None = None
    detail: dict = field(default_factory=dict)
    log_tail: str = ""


@dataclass
class ScaleResult:
    scale: float
    work: Path
    stages: dict[str, StageResult]
    raw_rows: dict[str, int]
    landing: dict  # csv / xlsx files and bytes


def work_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SSSG_DATA_DIR": str(work), "SSSG_LANDING_DIR": str(work / "landing"),
        "SSSG_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
        "SSSG_SERVING_PATH": str(work / "serving" / "warehouse.duckdb"),
        "DAGSTER_HOME": str(work / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def stage_commands(scale: float, work: Path, opt: Options) -> list[tuple[str, list[str], Path | None]]:
    """(stage, command, JSON file the child writes or None), in running order."""
    py = sys.executable
    child = [py, "-m", "pipelines.bench.child"]
    js = work / "bench"
    where = ["--project-dir", "dbt_project", "--profiles-dir", "dbt_project", "--target-path", str(work / "dbt_target"),
             "--log-path", str(work / "dbt_logs"), "--no-use-colors"]
    # Parsed once per release, as `make dbt-manifest` does before Dagster's runs (which start from its
    # partial_parse.msgpack): not part of a refresh, so timed on its own row, outside the pipeline's total.
    parse = [dbt_executable(), "parse", *where]
    dbt = [dbt_executable(), "build", *where]
    dbt += ["--exclude-resource-type", "test", "unit_test"] if opt.fast else list(NIGHTLY_BUILD_FLAGS)
    charts = ["--no-charts"] if opt.fast else []
    return [
        ("simulate", [py, "-m", "pipelines.simulate", "--years", opt.years, "--seed", str(opt.seed),
                      "--scale", f"{scale:g}", "--out", str(work / "landing"), "--quiet"], None),
        ("ingest", [*child, "ingest", "--json", str(js / "ingest.json")], js / "ingest.json"),
        ("dbt parse", parse, None),
        ("dbt build", dbt, None),
        ("publish", [*child, "publish", "--json", str(js / "publish.json")], js / "publish.json"),
        ("report annual", [py, "-m", "pipelines.reports", "--kind", "annual", "--period", "latest", *charts], None),
        ("report monthly", [py, "-m", "pipelines.reports", "--kind", "monthly", "--period", "latest", *charts], None),
        ("dashboard loaders", [*child, "loaders", "--repeat", str(opt.repeat), "--json", str(js / "loaders.json")],
         js / "loaders.json"),
        ("anchor read_csv", [*child, "anchor-csv", "--work", str(work / "anchor"), "--json", str(js / "anchor_csv.json")],
         js / "anchor_csv.json"),
        ("anchor headline SQL", [*child, "anchor-sql", "--json", str(js / "anchor_sql.json")], js / "anchor_sql.json"),
        # before the new month's build: it reads the first build's manifest and run results
        ("anchor dbt SQL", [*child, "anchor-dbt", "--work", str(work / "anchor_dbt"), "--target-path",
                            str(work / "dbt_target"), "--json", str(js / "anchor_dbt.json")], js / "anchor_dbt.json"),
        ("new month: ingest", [*child, "ingest", "--json", str(js / "new_month_ingest.json")], js / "new_month_ingest.json"),
        ("new month: dbt build", dbt, None),
        ("new month: publish", [*child, "publish", "--json", str(js / "new_month_publish.json")],
         js / "new_month_publish.json"),
    ]


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def landing_summary(landing: Path) -> dict:
    from pipelines.bench.anchors import landing_files

    files = landing_files(landing) if landing.is_dir() else []
    out = {}
    for kind in ("csv", "xlsx"):
        chosen = [p for p in files if p.suffix.lower() == f".{kind}"]
        out[f"{kind}_files"], out[f"{kind}_bytes"] = len(chosen), sum(p.stat().st_size for p in chosen)
    return out


def hold_back_last_batch(landing: Path, held: Path) -> str | None:
    """Move the newest batch folder out of the landing folder; returns its name."""
    batches = sorted(p for p in landing.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if len(batches) < 2:
        return None
    held.mkdir(parents=True, exist_ok=True)
    batches[-1].rename(held / batches[-1].name)
    return batches[-1].name


def run_scale(scale: float, work_root: Path, opt: Options, keep: bool = False, log=print) -> ScaleResult:
    work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"scale-{scale:g}-", dir=work_root))
    (work / "bench").mkdir()
    env = work_env(work)
    stages: dict[str, StageResult] = {}
    new_month, landing = None, None
    try:
        for name, cmd, js in stage_commands(scale, work, opt):
            if name == "new month: ingest" and new_month:
                (work / "held" / new_month).rename(work / "landing" / new_month)
            need = NEEDS.get(name)
            if need and stages[need].status != "ok":
                stages[name] = StageResult(name, "skipped", detail={"reason": f"{need} did not succeed"})
                log(f"  scale {scale:g}: {name:20} skipped ({need} did not succeed)")
                continue
            m = run_measured(cmd, env=env, cwd=REPO_ROOT, log=work / "logs" / f"{name.replace(' ', '_').replace(':', '')}.log",
                             timeout=opt.timeout)
            detail = json.loads(js.read_text(encoding="utf-8")) if js and js.is_file() and m.returncode == 0 else {}
            status = "ok" if m.returncode == 0 else "failed"
            stages[name] = StageResult(name, status, m.seconds, m.peak_rss, detail,
                                       "" if status == "ok" else _tail(m.log))
            log(f"  scale {scale:g}: {name:20} {status:6} {m.seconds:8.1f} s  peak {m.peak_rss / 2**20:8.0f} MiB")
            if name == "simulate" and status == "ok":
                new_month = hold_back_last_batch(work / "landing", work / "held")
                stages[name].detail["held_back"] = new_month
                landing = landing_summary(work / "landing")  # what the first ingest and the read_csv anchor read
        raw_rows = {}
        if stages["ingest"].status == "ok":
            js = work / "bench" / "raw_rows.json"
            subprocess.run([sys.executable, "-m", "pipelines.bench.child", "raw-rows", "--json", str(js)],
                           env=env, cwd=REPO_ROOT, check=False, capture_output=True)
            if js.is_file():
                raw_rows = json.loads(js.read_text(encoding="utf-8"))
        # raw rows are those after the new month too
        return ScaleResult(scale, work, stages, raw_rows, landing or landing_summary(work / "landing"))
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
