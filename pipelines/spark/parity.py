"""The same dbt project on DuckDB and on Spark from the same raw data, then a table-by-table comparison,
and the serving artefacts the dashboard reads from each.

Stages, each a measured child process in one work folder (times and peak memory are printed):
  simulate            the simulated platform export at the chosen scale (skipped with --landing)
  spark refresh       the refresh as Dagster runs it with SSSG_ENGINE=spark (`dagster job execute -j
                      refresh_warehouse`): ingest into the DuckDB warehouse, raw also as monthly
                      Parquet (raw_parquet/); dbt build --target spark, raw.* registered as external
                      Parquet tables inside it; seeds, models and data tests; publish from Spark's marts
                      (serving/)
  spark unit tests    dbt's unit tests on Spark (the nightly build leaves them out)
  duckdb build        dbt build --target dev on the same warehouse: seeds, models, data and unit tests
  duckdb publish      the DuckDB build's marts published as a DuckDB refresh does (serving_duckdb/)
  compare             every table read back from Spark's Parquet by DuckDB against the DuckDB build,
                      and the two serving artefacts table by table (in this process)
All Spark state (metastore, warehouse, scratch) is in <work>/spark. With --connect every Spark stage goes
through a local Spark Connect server (pipelines/spark/connect.py) started on that state, as a cluster's would:
SPARK_REMOTE set, target spark_connect, the publish reading through the session.
"""
from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from pipelines.bench.proc import run_measured
from pipelines.bench.stages import work_env
from pipelines.settings import REPO_ROOT, dbt_executable, spark_process_env
from pipelines.spark.compare import TableDiff, compare_builds, compare_serving, report
from pipelines.spark.connect import local_connect_server

DUCKDB_SERVING = Path("serving_duckdb") / "warehouse.duckdb"  # under the work folder


@dataclass
class Stage:
    name: str
    seconds: float
    peak_rss: int
    ok: bool
    log: Path


def spark_env(work: Path, scale: float) -> dict[str, str]:
    env = work_env(work)
    env.update({**spark_process_env(work / "spark"), "SSSG_RAW_PARQUET_DIR": str(work / "raw_parquet"),
                "SSSG_ENGINE": "spark"})
    if scale < 1:  # small data: code generation costs more than it saves (profiles.yml)
        env.setdefault("SSSG_SPARK_WHOLESTAGE_CODEGEN", "false")
    else:  # city scale and up: more, smaller shuffle partitions (adaptive execution merges small ones)
        env.setdefault("SSSG_SPARK_SHUFFLE_PARTITIONS", "16")
        env.setdefault("SSSG_SPARK_DRIVER_MEMORY", "6g" if scale >= 7 else "3g")
    return env


def dbt_command(work: Path, target: str, *args: str) -> list[str]:
    return [dbt_executable(), *args, "--target", target, "--project-dir", "dbt_project",
            "--profiles-dir", "dbt_project", "--target-path", str(work / f"dbt_target_{target}"),
            "--log-path", str(work / f"dbt_logs_{target}"), "--no-use-colors"]


def stage_commands(work: Path, scale: float, years: str, seed: int, simulate: bool,
                   connect: bool = False) -> list[tuple[str, list[str]]]:
    py = sys.executable
    stages = []
    if simulate:
        stages.append(("simulate", [py, "-m", "pipelines.simulate", "--years", years, "--seed", str(seed),
                                    "--scale", f"{scale:g}", "--out", str(work / "landing"), "--quiet"]))
    publish = ("import sys; from pathlib import Path; from pipelines.publish import publish; "
               "publish(Path(sys.argv[1]), Path(sys.argv[2]), 'parity-duckdb')")
    stages += [
        ("spark refresh", [str(Path(py).with_name("dagster")), "job", "execute", "-j", "refresh_warehouse",
                           "-m", "pipelines.definitions"]),
        # the unit tests' upstream tables are the refresh's, in the same metastore
        ("spark unit tests", dbt_command(work, "spark_connect" if connect else "spark", "test", "--select", "test_type:unit")),
        ("duckdb build", dbt_command(work, "dev", "build")),
        ("duckdb publish", [py, "-c", publish, str(work / "warehouse.duckdb"), str(work / DUCKDB_SERVING)]),
    ]
    return stages


def run_parity(work: Path, scale: float = 0.05, years: str = "2020-2025", seed: int = 7,
               landing: Path | None = None, log=print, connect: bool = False) -> tuple[list[Stage], list[TableDiff] | None]:
    """Run every stage in `work`; stop at the first failed stage (the comparison is then None)."""
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    env = spark_env(work, scale)
    if landing is not None:
        env["SSSG_LANDING_DIR"] = str(landing.resolve())
    stages: list[Stage] = []
    server = local_connect_server(work / "spark", log=work / "logs" / "connect_server.log") if connect else nullcontext()
    (work / "logs").mkdir(exist_ok=True)
    with server as remote:
        if remote:
            log(f"[connect] local Spark Connect server at {remote}")
            env["SPARK_REMOTE"] = remote
        for name, cmd in stage_commands(work, scale, years, seed, simulate=landing is None, connect=connect):
            log(f"[{name}] {' '.join(cmd[:4])} ...")
            m = run_measured(cmd, env=env, cwd=REPO_ROOT, log=work / "logs" / f"{name.replace(' ', '_')}.log")
            stages.append(Stage(name, m.seconds, m.peak_rss, m.returncode == 0, m.log))
            log(f"[{name}] {'ok' if m.returncode == 0 else 'FAILED'} in {m.seconds:.1f} s, peak {m.peak_rss / 2**20:,.0f} MiB")
            if m.returncode != 0:
                tail = m.log.read_text(errors="replace").splitlines()[-40:]
                log("\n".join(tail))
                return stages, None
    log("[compare] every table of both builds, and both serving artefacts ...")
    started = time.perf_counter()
    diffs = compare_builds(work / "warehouse.duckdb", work / "spark" / "warehouse", work / "raw_parquet")
    diffs += compare_serving(work / DUCKDB_SERVING, work / "serving" / "warehouse.duckdb")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # this process, which ran it
    stages.append(Stage("compare", seconds, peak, all(d.equal for d in diffs), work / "logs"))
    return stages, diffs


def stage_table(stages: list[Stage]) -> str:
    lines = ["| stage | seconds | peak RSS | status |", "|---|---:|---:|---|"]
    for s in stages:
        lines.append(f"| {s.name} | {s.seconds:.1f} | {s.peak_rss / 2**20:,.0f} MiB | {'ok' if s.ok else 'FAILED'} |")
    return "\n".join(lines)


def main_parity(scale: float, years: str, seed: int, work: Path | None, keep: bool, landing: Path | None,
                connect: bool = False) -> int:
    owned = work is None
    work = work or Path(tempfile.mkdtemp(prefix="sssg-spark-parity-"))
    try:
        stages, diffs = run_parity(work, scale, years, seed, landing, connect=connect)
        print()
        print(stage_table(stages))
        if diffs is None:
            print(f"\nstage '{stages[-1].name}' failed; its log: {stages[-1].log}")
            return 1
        print()
        print(report(diffs))
        return 0 if all(d.equal for d in diffs) else 1
    finally:
        if owned and not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work folder kept: {work}")
