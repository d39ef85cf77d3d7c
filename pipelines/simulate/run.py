"""Orchestration: simulate year by year, write each month's export batch as soon as it is complete.

Per year: the register's changes, the plans, the tasks, then the draws and everything after them.
Everything dated in a month goes out in that month's batch (exported on the first official working
day of the next month); later changes of the same records go out in later batches.
"""
from __future__ import annotations

import csv
import json
import shutil
import zlib
from collections import Counter
from pathlib import Path

from .clock import Clock, month_bounds, month_key
from .config import BATCH_SUFFIX, SimConfig, stream
from .inspections import Inspections
from .ledger import Ledger
from .mess import Invalidator, Renderer, cell_mess, choose_style
from .objects import ObjectRegister
from .plans import emit_tasks, make_plans, make_tasks
from .registers import Registers
from .vocab import CONTRACT
from .writers import write_file

FIRST_YEAR = 2020
TRUTH_DIR = ".simulator"
TRUTH_COLUMNS = ("batch_id", "file_name", "row_number", "entity", "reason_kind")


def _existing_output(out: Path) -> list[Path]:
    if not out.exists():
        return []
    return sorted(p for p in out.iterdir() if p.is_dir() and (p.name.endswith(BATCH_SUFFIX) or p.name == TRUTH_DIR))


def simulate(cfg: SimConfig, out: Path, overwrite: bool = False, log=None) -> dict:
    """Write the export batches for cfg.years into `out`; returns the params summary."""
    years = list(cfg.years)
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"years must be consecutive, got {years}")
    if years[0] < FIRST_YEAR:
        raise ValueError(f"the Fushun programme (抚政办发〔2020〕19号) starts in {FIRST_YEAR}; got {years[0]}")
    out = Path(out)
    old = _existing_output(out)
    if old and not overwrite:
        raise FileExistsError(f"{out} already holds simulator output ({old[0].name}, ...); pass overwrite")
    for p in old:
        shutil.rmtree(p)
    out.mkdir(parents=True, exist_ok=True)

    clock = Clock(cfg.first_year, cfg.last_year + 1)  # December's batch is exported in January
    first_month, last_month = month_key(cfg.first_year, 1), month_key(cfg.last_year, 12)
    ledger = Ledger(first_month, last_month)
    regs = Registers(cfg)
    regs.emit(ledger)
    objs = ObjectRegister(cfg)
    objs.start(cfg.first_year)
    inspections = Inspections(cfg, regs, objs, clock, ledger)
    writer = BatchWriter(cfg, out, clock, regs)
    per_year = {}
    for year in years:
        objs.simulate_year(year)
        plans = make_plans(cfg, regs, clock, ledger, year)
        tasks = make_tasks(cfg, regs, clock, ledger, year, plans)
        draws_before = inspections.counts["draws"]
        inspections.run(tasks, year)
        emit_tasks(cfg, clock, ledger, tasks, year)
        per_year[year] = {
            "objects_at_start": int(len(objs.alive_at_start)),
            "plans": len(plans),
            "tasks": len(tasks),
            "joint_tasks": sum(t.joint for t in tasks),
            "temporary_tasks": sum(t.temporary for t in tasks),
            "surprise_tasks": sum(t.surprise for t in tasks),
            "draws": inspections.counts["draws"] - draws_before,
        }
        for m in range(1, 13):
            key = month_key(year, m)
            writer.write(key, ledger.pop(key), objs, first=key == first_month)
            if log:
                log(f"{year}-{m:02d} written")
    behaviour = {
        "chronically_late_departments": sorted(regs.chronic_depts),
        "chronically_late_counties": sorted(regs.chronic_counties),
    }
    return writer.finish(cfg, per_year, behaviour)


class BatchWriter:
    def __init__(self, cfg: SimConfig, out: Path, clock: Clock, regs: Registers):
        self.cfg, self.out, self.clock = cfg, out, clock
        self.renderer = Renderer(regs.short_of)
        self.invalid = Invalidator(cfg.invalid_share)
        self.rows = Counter()
        self.formats = Counter()
        self.batches = []

    def write(self, month: int, records: dict[str, list[tuple]], objs: ObjectRegister, first: bool) -> None:
        cfg = self.cfg
        export_date = self.clock.export_date(month)
        batch_id = f"{export_date:%Y%m%d}_{BATCH_SUFFIX}"
        folder = self.out / batch_id
        folder.mkdir()
        y, m0 = divmod(month, 12)
        self.batches.append(batch_id)
        for entity in CONTRACT.entities:
            if entity.name == "object":
                idx = objs.month_rows(month, first)
                if not len(idx):
                    continue
                frame = objs.frame(idx, month_bounds(month)[1])
            else:
                recs = records.get(entity.name)
                if not recs:
                    continue
                frame = {c.name: list(v) for c, v in zip(entity.columns, zip(*recs))}
            n = len(frame[entity.columns[0].name])
            rng = stream(cfg.seed, "mess", month, zlib.crc32(entity.name.encode()))
            style = choose_style(rng, entity, n, cfg)
            cells = {c.name: self.renderer.column(rng, entity, c, frame[c.name], style) for c in entity.columns}
            cell_mess(rng, entity, cells, style, n)
            ext = "xlsx" if style.fmt == "xlsx" else "csv"
            file_name = f"{entity.file_label}_{y}{m0 + 1:02d}.{ext}"
            self.invalid.apply(rng, entity, frame, cells, style, batch_id, file_name, y)
            write_file(folder / file_name, style, [cells[c.name] for c in entity.columns], n, export_date,
                       entity.file_label, cfg.constant_memory_rows)
            self.rows[entity.name] += n
            self.formats[style.format_label] += 1

    def finish(self, cfg: SimConfig, per_year: dict, behaviour: dict) -> dict:
        truth_dir = self.out / TRUTH_DIR
        truth_dir.mkdir(exist_ok=True)
        with open(truth_dir / "invalid_rows.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(TRUTH_COLUMNS)
            for t in self.invalid.truth:
                w.writerow([t.batch_id, t.file_name, t.row_number, t.entity, t.reason_kind])
        invalid = Counter(t.entity for t in self.invalid.truth)
        kinds = Counter(t.reason_kind for t in self.invalid.truth)
        params = {
            "years": list(cfg.years),
            "seed": cfg.seed,
            "scale": cfg.scale,
            "batches": len(self.batches),
            "first_batch": self.batches[0],
            "last_batch": self.batches[-1],
            "rows": {e.name: self.rows.get(e.name, 0) for e in CONTRACT.entities},
            "invalid_rows": {e.name: invalid.get(e.name, 0) for e in CONTRACT.entities},
            "invalid_kinds": dict(sorted(kinds.items())),
            "files_by_format": dict(sorted(self.formats.items())),
            "per_year": {str(y): v for y, v in per_year.items()},
            **behaviour,
            "deadlines_working_days": cfg.deadlines,
        }
        (truth_dir / "params.json").write_text(json.dumps(params, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return params
