"""One refresh run at a time: the run that holds the warehouse, and the refusal a second one gets.

A refresh is three steps (ingest, dbt build, publish), each opening the warehouse on its own, so
DuckDB's file lock cannot keep two runs apart: the second run's ingest would slip in between the
first one's steps, and the first one's dbt then dies on a locked file. The run lock is a small file
beside the warehouse naming the run that holds it. Every step takes it (a step of the holding run,
or its retry, passes); publish gives it back. A second run is refused at its first step, with a
message naming the holder, before it touches anything. A step that fails gives the lock back too.
A lock whose run has ended without that (killed) is stale and taken over: the run's process is
gone, or Dagster says the run ended; for a run neither can tell about, the lock's age decides.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.publish import process_alive

LOCK_NAME = "refresh-run.lock"
REFRESH_STEPS = ("ingest_landing_files", "sssg_dbt_assets", "serving_artefact")  # in run order
UNKNOWN_RUN_MAX_AGE = timedelta(hours=6)  # far longer than a refresh takes at any scale measured


class RunInProgress(RuntimeError):
    """Another refresh run holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.parent / LOCK_NAME


def holder(warehouse: Path) -> dict | None:
    """{'run_id', 'started_at'} of the run holding the lock, or None."""
    try:
        return json.loads(lock_path(warehouse).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError):
        return {"run_id": "?", "started_at": "?"}  # torn by a killed writer: judged by its age below


def acquire(warehouse: Path, run_id: str, is_running: Callable[[str], bool | None]) -> None:
    """Hold the lock for `run_id`, or raise RunInProgress. `is_running(run_id)` says whether a run
    is still going (None: unknown to this Dagster instance)."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):  # a stale lock removed by two runs at once: one of them creates it first
        current = holder(warehouse)
        if current is None:
            if _create(path, run_id):
                return
            continue
        if current.get("run_id") == run_id:
            return
        if _still_running(path, current, is_running):
            raise RunInProgress(
                f"另一个刷新运行（{current.get('run_id')}，{current.get('started_at')} 开始）正在使用数据仓库："
                "本次运行没有开始，未做任何更改；请等它结束后再运行（运行状态见 Dagster 界面或 make check）")
        path.unlink(missing_ok=True)
    raise RunInProgress("无法取得数据仓库的运行锁（多个运行同时启动）：本次运行没有开始，未做任何更改；请稍后再运行")


def running_holder(warehouse: Path, is_running: Callable[[str], bool | None]) -> dict | None:
    """The holder of the lock when its run is still going, else None (free, or stale)."""
    current = holder(warehouse)
    return current if current and _still_running(lock_path(warehouse), current, is_running) else None


def release(warehouse: Path, run_id: str) -> None:
    """Give the lock back, if this run holds it."""
    current = holder(warehouse)
    if current and current.get("run_id") == run_id:
        lock_path(warehouse).unlink(missing_ok=True)


def _create(path: Path, run_id: str) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"run_id": run_id, "started_at": datetime.now().replace(microsecond=0).isoformat(),
                   "host": socket.gethostname(), "pid": _run_process()}, fh)
    return True


def _run_process() -> int:
    """The process that lives as long as the run: with Dagster's multiprocess executor a step runs
    in a child of it; in process (materialize, tests) it is this process."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else os.getpid()


def _still_running(path: Path, current: dict, is_running: Callable[[str], bool | None]) -> bool:
    if current.get("host") == socket.gethostname() and isinstance(current.get("pid"), int) \
            and not process_alive(current["pid"]):
        return False  # killed: its process is gone
    running = is_running(current.get("run_id", "?"))
    if running is not None:
        return running
    try:
        age = datetime.now() - datetime.fromtimestamp(path.stat().st_mtime)
    except FileNotFoundError:
        return False
    return age < UNKNOWN_RUN_MAX_AGE


def dagster_run_state(instance) -> Callable[[str], bool | None]:
    """is_running for acquire(), asking the Dagster instance the steps run in."""
    from dagster import DagsterRunStatus

    finished = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}

    def is_running(run_id: str) -> bool | None:
        run = instance.get_run_by_id(run_id) if run_id != "?" else None
        return None if run is None else run.status not in finished

    return is_running


def hold_for_step(context, stage: str, warehouse: Path) -> None:
    """In a refresh step: take (or keep) the lock; a refusal is logged for the status page and
    `make check` (run_status), then fails the step before it touches anything."""
    from dagster import Failure

    from pipelines import run_status

    try:
        acquire(warehouse, context.run.run_id, dagster_run_state(context.instance))
    except RunInProgress as exc:
        run_status.record(context.run.run_id, stage, "failed", str(exc))
        raise Failure(description=str(exc), allow_retries=False) from exc  # retrying would only wait on it


def step_done(context, warehouse: Path) -> None:
    """After a step: give the lock back when no later refresh step runs in this run (a run of the
    ingest alone, or of ingest and dbt, must not leave it held)."""
    steps = {node.name for node in context.job_def.nodes}
    mine = context.op_def.name
    later = REFRESH_STEPS[REFRESH_STEPS.index(mine) + 1:] if mine in REFRESH_STEPS else ()
    if not steps.intersection(later):
        release(warehouse, context.run.run_id)
