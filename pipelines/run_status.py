"""What each refresh run did, for the people who cannot open Dagster: the data-status page and `make check`.

One JSON object per line in `<serving folder>/pipeline_runs.jsonl`, appended when a stage of a run
fails or the run publishes. The serving artefact only changes on success, so this file is where a
failed run (a dbt test that failed, a locked warehouse, a broken publish) says why. Appends are
single writes of one line; a reader skips a torn last line (a writer killed mid-write).
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from pipelines.settings import paths

FILE_NAME = "pipeline_runs.jsonl"
# The stages' names: STAGES in Chinese (what `make check` prints), STAGE_LABELS per language (数据状态).
STAGES = {"ingest": "载入导出文件", "dbt": "dbt 构建与数据测试", "publish": "发布看板数据"}
STAGE_LABELS = {"zh": STAGES, "en": {"ingest": "Load export files", "dbt": "dbt build and data tests",
                                     "publish": "Publish dashboard data"}}


def stage_label(stage: str, lang: str = "zh") -> str:
    """The name of a stage in `lang` (Chinese when the language has none); an unknown stage as recorded."""
    return STAGE_LABELS.get(lang, STAGES).get(stage) or STAGES.get(stage, stage)


def history_path(serving: Path | None = None) -> Path:
    return (serving or paths().serving).parent / FILE_NAME


def record(run_id: str, stage: str, outcome: str, message: str = "", details: list[str] | None = None,
           serving: Path | None = None) -> dict:
    """Append one event: outcome is 'published' (the run finished and published) or 'failed'."""
    assert stage in STAGES and outcome in ("published", "failed")
    event = {"at": datetime.now().replace(microsecond=0).isoformat(), "run_id": run_id, "stage": stage,
             "outcome": outcome, "message": message, "details": (details or [])[:50]}
    path = history_path(serving)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(event, ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # end the line a killed writer left torn, so this one stays whole
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return event


def history(serving: Path | None = None, limit: int = 50) -> list[dict]:
    """The newest `limit` events, newest first."""
    path = history_path(serving)
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[-limit:]:
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line torn by a killed writer
    return events[::-1]


def last_failure_since_publish(serving: Path | None = None) -> dict | None:
    """The newest failure if no run has published after it, else None."""
    for event in history(serving):
        if event.get("outcome") == "published":
            return None
        if event.get("outcome") == "failed":
            return event
    return None
