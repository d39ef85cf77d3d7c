"""The benchmark's Markdown: machine, per-scale stage table, targets, loaders, anchors, scaling."""
from __future__ import annotations

import os
import platform
from datetime import datetime
from importlib import metadata
from pathlib import Path

from pipelines.bench.stages import ANCHOR_STAGES, NEW_MONTH_STAGES, PIPELINE_STAGES, REPORT_STAGES, ScaleResult

GIB = 2**30
# The targets (2-core, 24 GiB machine).
PIPELINE_SECONDS = {1.0: 60.0, 14.0: 300.0}  # simulate + ingest + dbt build + publish
PEAK_RSS_BYTES = {14.0: 4 * GIB}  # any stage of ours (pipeline, reports, loaders)
LOADER_P95_MS = {14.0: 150.0}  # the slowest dashboard loader's p95 (issue 21)
NEW_MONTH_SECONDS = {14.0: 30.0}  # one new monthly batch: ingest + dbt build + publish
NEW_MONTH_SHARE_OF_FULL_BUILD = {14.0: 0.25}  # the new month's dbt build / the full dbt build (issue 21)
INGEST_SHARE_OF_READ_CSV = 0.5  # every scale
DBT_OVER_ITS_SQL = 2.0  # every scale: the dbt build / its own compiled SQL without dbt (issue 21)
TOP_LOADERS = 10


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def machine() -> dict:
    cpuinfo = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "?")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    osrel = dict(line.split("=", 1) for line in _read("/etc/os-release").splitlines() if "=" in line)
    versions = {}
    for pkg in ("duckdb", "dbt-core", "dbt-duckdb", "streamlit"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "?"
    return {
        "cpu": model, "logical_cpus": cpuinfo.count("processor\t:") or os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)), "ram_gib": mem_kb / 2**20,
        "os": f"{osrel.get('PRETTY_NAME', platform.system()).strip(chr(34))}, kernel {platform.release()}",
        "python": platform.python_version(), "versions": versions, "load": os.getloadavg(),
    }


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"


def _mib(b: int | None) -> str:
    return "—" if b is None else f"{b / 2**20:,.0f} MiB"


def _verdict(value: float | None, limit: float, unit: str, fmt=_s, higher_is_better: bool = False,
             by_unit: str | None = None) -> str:
    if value is None:
        return "not measured (see the stages above)"
    ok = value >= limit if higher_is_better else value <= limit
    if ok:
        return f"PASS ({fmt(value)}{unit} vs {fmt(limit)}{unit})"
    by = (limit - value) if higher_is_better else (value - limit)
    pct = by / limit * 100
    return (f"**MISS** by {fmt(by)}{unit if by_unit is None else by_unit}, {pct:.0f}% {'short of' if higher_is_better else 'over'} the target "
            f"({fmt(value)}{unit} vs {fmt(limit)}{unit})")


def pipeline_seconds(r: ScaleResult) -> float | None:
    st = [r.stages.get(n) for n in PIPELINE_STAGES]
    return sum(s.seconds for s in st) if all(s and s.status == "ok" for s in st) else None


def new_month_seconds(r: ScaleResult) -> float | None:
    st = [r.stages.get(n) for n in NEW_MONTH_STAGES]
    return sum(s.seconds for s in st) if all(s and s.status == "ok" for s in st) else None


def peak_ours(r: ScaleResult) -> int | None:
    peaks = [s.peak_rss for n, s in r.stages.items() if n not in ANCHOR_STAGES and s.peak_rss]
    return max(peaks) if peaks else None


def loaders(r: ScaleResult) -> list[dict]:
    s = r.stages.get("dashboard loaders")
    return s.detail.get("loaders", []) if s and s.status == "ok" else []


def max_p95(r: ScaleResult) -> float | None:
    p = [row["p95_ms"] for row in loaders(r) if row["p95_ms"] is not None]
    return max(p) if p else None


def throughput(r: ScaleResult) -> dict:
    """Our ingest and DuckDB's read_csv on the same CSV bytes, MB/s, and their ratio."""
    ing = r.stages.get("ingest")
    anc = r.stages.get("anchor read_csv")
    out = {}
    if ing and ing.status == "ok" and ing.detail.get("csv_seconds"):
        d = ing.detail
        out["ours_csv"] = d["csv_bytes"] / 1e6 / d["csv_seconds"]
        out["ours_all_wall"] = (r.landing["csv_bytes"] + r.landing["xlsx_bytes"]) / 1e6 / ing.seconds
    if anc and anc.status == "ok":
        out["duckdb"] = anc.detail.get("mb_per_s")
    if out.get("ours_csv") and out.get("duckdb"):
        out["ratio"] = out["ours_csv"] / out["duckdb"]
    return out


def _dbt_over(r: ScaleResult, anchor: str) -> float | None:
    """The dbt build's wall time over an anchor stage's timed seconds."""
    dbt, anc = r.stages.get("dbt build"), r.stages.get(anchor)
    if dbt and anc and dbt.status == anc.status == "ok" and anc.detail.get("seconds"):
        return dbt.seconds / anc.detail["seconds"]
    return None


def sql_ratio(r: ScaleResult) -> float | None:
    """Over the hand-written headline query."""
    return _dbt_over(r, "anchor headline SQL")


def dbt_ratio(r: ScaleResult) -> float | None:
    """Over its own compiled model SQL run in one DuckDB connection."""
    return _dbt_over(r, "anchor dbt SQL")


def new_month_share(r: ScaleResult) -> float | None:
    """The new month's dbt build as a share of the full one."""
    full, new = r.stages.get("dbt build"), r.stages.get("new month: dbt build")
    if full and new and full.status == new.status == "ok" and full.seconds:
        return new.seconds / full.seconds
    return None


def _dbt_anchor_lines(r: ScaleResult) -> list[str]:
    anc, dbt = r.stages.get("anchor dbt SQL"), r.stages.get("dbt build")
    if not (anc and anc.status == "ok" and dbt):
        return []
    d = anc.detail
    node = d.get("dbt_node_seconds") or {}
    total = sum(node.values()) or None
    share = (lambda k: "—" if not total else f"{node.get(k, 0) / total:.0%}")
    ratio = dbt_ratio(r)
    L = [f"dbt build against its own SQL: the {d.get('models')} models' compiled SELECTs from the build's manifest, run "
         f"as `CREATE OR REPLACE TABLE … AS` in dependency order in one DuckDB connection (no dbt, no tests): "
         f"**{_s(d.get('seconds'))} s** against the dbt build's **{_s(dbt.seconds)} s** — ratio dbt / its SQL "
         f"**{'—' if ratio is None else f'{ratio:.1f}x'}**. dbt's node time (summed over its threads, "
         f"{_s(total)} s): models {share('model')}, data tests {share('test')}, seeds {share('seed')}, "
         f"unit tests {share('unit_test')}.", "",
         "| model (most dbt time) | dbt s | its SQL s |", "|---|---:|---:|"]
    L += [f"| {m['model']} | {_s(m.get('dbt_seconds'))} | {_s(m.get('sql_seconds'))} |" for m in d.get("slowest", [])]
    return L + [""]


def _scale_section(r: ScaleResult, fast: bool) -> list[str]:
    L = [f"## Scale {r.scale:g}", ""]
    total_rows = sum(v for k, v in r.raw_rows.items() if k not in ("load_log", "rejects"))
    L += [f"Landing folder: {r.landing['csv_files']} CSV files ({r.landing['csv_bytes'] / 1e6:,.1f} MB), "
          f"{r.landing['xlsx_files']} XLSX files ({r.landing['xlsx_bytes'] / 1e6:,.1f} MB). "
          f"Raw rows loaded: {total_rows:,} in all, per entity: "
          + (", ".join(f"{k} {v:,}" for k, v in r.raw_rows.items() if k not in ("load_log",)) or "—") + ".", ""]
    L += ["| stage | status | seconds | peak RSS |", "|---|---|---:|---:|"]
    for name, s in r.stages.items():
        status = s.status if s.status == "ok" else f"**{s.status}**"
        L.append(f"| {name} | {status} | {_s(s.seconds)} | {_mib(s.peak_rss)} |")
    pipe = pipeline_seconds(r)
    L.append(f"| **simulate + ingest + dbt build + publish** | | **{_s(pipe)}** | "
             f"{_mib(max((r.stages[n].peak_rss or 0) for n in PIPELINE_STAGES if n in r.stages) or None)} |")
    held = r.stages["simulate"].detail.get("held_back") if "simulate" in r.stages else None
    if held:
        L.append(f"| **new month ({held}): ingest + dbt build + publish** | | **{_s(new_month_seconds(r))}** | "
                 f"{_mib(max((r.stages[n].peak_rss or 0) for n in NEW_MONTH_STAGES if n in r.stages) or None)} |")
    rep = [r.stages[n] for n in REPORT_STAGES if n in r.stages]
    if rep and all(s.status == "ok" for s in rep):
        L.append(f"| reports (annual + monthly) | | {_s(sum(s.seconds for s in rep))} | |")
    L.append("")
    # targets
    L += ["| target | result |", "|---|---|"]
    if r.scale in PIPELINE_SECONDS:
        L.append(f"| pipeline ≤ {PIPELINE_SECONDS[r.scale]:g} s | {_verdict(pipe, PIPELINE_SECONDS[r.scale], ' s')} |")
    if r.scale in NEW_MONTH_SECONDS:
        L.append(f"| new monthly batch to dashboard ≤ {NEW_MONTH_SECONDS[r.scale]:g} s | "
                 f"{_verdict(new_month_seconds(r), NEW_MONTH_SECONDS[r.scale], ' s')} |")
    if r.scale in PEAK_RSS_BYTES:
        peak = peak_ours(r)
        L.append(f"| peak RSS ≤ {PEAK_RSS_BYTES[r.scale] / GIB:g} GiB (any stage of ours) | "
                 f"{_verdict(None if peak is None else peak / GIB, PEAK_RSS_BYTES[r.scale] / GIB, ' GiB')} |")
    if r.scale in LOADER_P95_MS:
        L.append(f"| dashboard loaders p95 ≤ {LOADER_P95_MS[r.scale]:g} ms (slowest loader) | "
                 f"{_verdict(max_p95(r), LOADER_P95_MS[r.scale], ' ms')} |")
    if r.scale in NEW_MONTH_SHARE_OF_FULL_BUILD:
        share, limit = new_month_share(r), NEW_MONTH_SHARE_OF_FULL_BUILD[r.scale]
        L.append(f"| new month's dbt build ≤ {limit:.0%} of a full build | "
                 f"{_verdict(None if share is None else share * 100, limit * 100, '%', fmt=lambda x: f'{x:.0f}', by_unit=' percentage points')} |")
    L.append(f"| dbt build ≤ {DBT_OVER_ITS_SQL:g}x its own compiled SQL | "
             f"{_verdict(dbt_ratio(r), DBT_OVER_ITS_SQL, 'x', fmt=lambda x: f'{x:.1f}')} |")
    tp = throughput(r)
    pct = None if tp.get("ratio") is None else tp["ratio"] * 100
    verdict = _verdict(pct, INGEST_SHARE_OF_READ_CSV * 100, "%", fmt=lambda x: f"{x:.0f}", higher_is_better=True,
                       by_unit=" percentage points")
    L.append(f"| ingest ≥ {INGEST_SHARE_OF_READ_CSV:.0%} of DuckDB read_csv MB/s (CSV) | {verdict} |")
    if r.scale not in PIPELINE_SECONDS:
        L.append(f"| time and memory targets | none at scale {r.scale:g} (set for scales 1 and 14) |")
    if fast:
        L.append("| — | **fast mode**: dbt build without its tests, reports without charts; not comparable |")
    L.append("")
    # anchors
    L += ["### Anchors", ""]
    ing, anc = r.stages.get("ingest"), r.stages.get("anchor read_csv")
    if tp:
        d, a = (ing.detail if ing else {}), (anc.detail if anc else {})
        L += ["| ingest vs DuckDB read_csv | MB/s | seconds | what is timed |", "|---|---:|---:|---|"]
        L.append(f"| our ingest, CSV files | {_s(tp.get('ours_csv'))} | {_s(d.get('csv_seconds'))} | "
                 f"{d.get('csv_files', '—')} CSV files, {d.get('csv_bytes', 0) / 1e6:,.1f} MB: read, contract "
                 f"validation, rejects, insert into raw.* (sum of per-file load times) |")
        L.append(f"| our ingest, whole stage | {_s(tp.get('ours_all_wall'))} | {_s(ing.seconds if ing else None)} | "
                 f"every file incl. {d.get('xlsx_files', '—')} XLSX ({_s(d.get('xlsx_seconds'))} s of it), "
                 f"process start and final checkpoint; MB/s on CSV + XLSX bytes |")
        L.append(f"| DuckDB read_csv | {_s(tp.get('duckdb'))} | {_s(a.get('seconds'))} | "
                 f"same {a.get('files', '—')} CSV files into plain VARCHAR tables, no validation "
                 f"({a.get('files_transcoded', '—')} GB18030 files transcoded to UTF-8 beforehand, untimed; "
                 f"{a.get('files_failed', '—')} unreadable) |")
        ratio = tp.get("ratio")
        L += ["", f"Ratio ours / DuckDB (CSV MB/s): **{'—' if ratio is None else f'{ratio:.0%}'}**"
                  + ("" if ratio is None else f" (DuckDB is {1 / ratio:.1f}x faster)"), ""]
    L += _dbt_anchor_lines(r)
    sql = r.stages.get("anchor headline SQL")
    dbt = r.stages.get("dbt build")
    if sql and sql.status == "ok":
        d = sql.detail
        ratio = sql_ratio(r)
        L += [f"Headline SQL for {d.get('year')}: one hand-written query over raw.*, four headline measures for "
              f"{d.get('departments')} departments and {d.get('regions')} counties/districts (plus the city): "
              f"**{_s(d.get('seconds'))} s** against the dbt build's **{_s(dbt.seconds if dbt else None)} s** "
              f"({'fast mode: models and seeds, no tests' if fast else 'as the pipeline runs it: every seed, model and data test'}) "
              f"— ratio dbt / SQL "
              f"**{'—' if ratio is None else f'{ratio:,.0f}x'}**.", ""]
        L += ["| city, " + str(d.get("year")) + " | hand-written SQL (approximate) | marts |", "|---|---:|---:|"]
        for code, v in d.get("city_anchor", {}).items():
            m = d.get("city_marts", {}).get(code)
            L.append(f"| {code} | {'—' if v is None else f'{v:.1%}'} | {'—' if m is None else f'{m:.1%}'} |")
        L.append("")
    # loaders
    rows = loaders(r)
    if rows:
        s = r.stages["dashboard loaders"]
        rows_sorted = sorted(rows, key=lambda x: -(x["p95_ms"] or 0))
        pages: dict[str, float] = {}
        for x in rows:
            pages[x["page"]] = pages.get(x["page"], 0) + (x["p50_ms"] or 0)
        L += [f"### Dashboard loaders ({len(rows)} loader calls, {s.detail.get('repeat')} calls each, "
              f"Streamlit cache cleared before every call; slowest p95: **{_s(max_p95(r))} ms**)", ""]
        L += ["| page | data time (sum of p50) |", "|---|---:|"]
        L += [f"| {p} | {v:,.0f} ms |" for p, v in sorted(pages.items(), key=lambda kv: -kv[1])]
        L += ["", f"Slowest {min(TOP_LOADERS, len(rows))} loaders:", "",
              "| page | loader | p50 ms | p95 ms | max ms |", "|---|---|---:|---:|---:|"]
        for x in rows_sorted[:TOP_LOADERS]:
            L.append(f"| {x['page']} | {x['loader']} | {_s(x['p50_ms'])} | {_s(x['p95_ms'])} | {_s(x['max_ms'])} |")
        errors = [x for x in rows if x["error"]]
        if errors:
            L += ["", "Loaders that failed: " + "; ".join(f"{x['loader']}: {x['error']}" for x in errors)]
        L.append("")
    failed = [s for s in r.stages.values() if s.status == "failed"]
    for s in failed:
        L += [f"<details><summary>{s.name} failed: last lines of its output</summary>", "", "```",
              s.log_tail, "```", "</details>", ""]
    return L


def _scaling(results: list[ScaleResult]) -> list[str]:
    base = results[0]
    L = ["## Scaling", "", f"Growth relative to scale {base.scale:g} (time factor / data factor).", "",
         "| scale | raw rows | CSV+XLSX MB | simulate s | ingest s | dbt build s | publish s | pipeline s | "
         "peak RSS | loaders max p95 ms | rows x | pipeline time x | peak RSS x |",
         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def rows(r):
        return sum(v for k, v in r.raw_rows.items() if k not in ("load_log", "rejects")) or None

    for r in results:
        sec = {n: r.stages[n].seconds if n in r.stages and r.stages[n].status == "ok" else None for n in PIPELINE_STAGES}
        pipe, peak = pipeline_seconds(r), peak_ours(r)
        fx = (lambda a, b: "—" if not a or not b else f"{a / b:,.1f}")
        L.append(f"| {r.scale:g} | {rows(r) or 0:,} | {(r.landing['csv_bytes'] + r.landing['xlsx_bytes']) / 1e6:,.1f} | "
                 + " | ".join(_s(sec[n]) for n in PIPELINE_STAGES)
                 + f" | {_s(pipe)} | {_mib(peak)} | {_s(max_p95(r))} | {fx(rows(r), rows(base))} | "
                 f"{fx(pipe, pipeline_seconds(base))} | {fx(peak, peak_ours(base))} |")
    return L + [""]


def render(results: list[ScaleResult], mach: dict, argv: str, started: datetime, load_end: tuple, fast: bool) -> str:
    v = mach["versions"]
    L = ["# Benchmarks", "",
         f"Generated by `{argv}` on {started:%Y-%m-%d %H:%M} (local time); written by `pipelines/bench/`, "
         "see the end of this file for what is measured and how, and [performance.md](performance.md) "
         "for what dominates where a target is missed. One-off before/after measurements of a change are kept by "
         "hand there too (for example the scale-14 build time of writing each metric rule once, issue 16: "
         "[performance.md](performance.md#metric-rules-once-issue-16-build-time-before-and-after)).", "",
         "| machine | |", "|---|---|",
         f"| CPU | {mach['cpu']}, {mach['logical_cpus']} logical CPUs ({mach['usable_cpus']} usable by this run) |",
         f"| RAM | {mach['ram_gib']:.1f} GiB |",
         f"| OS | {mach['os']} |",
         f"| software | Python {mach['python']}, DuckDB {v['duckdb']}, dbt-core {v['dbt-core']}, "
         f"dbt-duckdb {v['dbt-duckdb']}, Streamlit {v['streamlit']} |",
         f"| load average (1/5/15 min) | at start {' / '.join(f'{x:.2f}' for x in mach['load'])}, "
         f"at end {' / '.join(f'{x:.2f}' for x in load_end)} (other work on the machine skews the numbers) |", ""]
    if fast:
        L += ["> **Fast mode** (smoke test): dbt build without data and unit tests, reports without charts. "
              "These numbers are not comparable with the targets.", ""]
    L += ["## Summary", "", "| scale | pipeline s | target | new month s | new month's dbt / full dbt | peak RSS | "
          "ingest / read_csv | dbt build / its SQL | dbt build / headline SQL | loaders max p95 ms |",
          "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        pipe = pipeline_seconds(r)
        target = (_verdict(pipe, PIPELINE_SECONDS[r.scale], " s") if r.scale in PIPELINE_SECONDS else "—")
        ratio = throughput(r).get("ratio")
        sr, dr, nm = sql_ratio(r), dbt_ratio(r), new_month_share(r)
        L.append(f"| {r.scale:g} | {_s(pipe)} | {target} | {_s(new_month_seconds(r))} | "
                 f"{'—' if nm is None else f'{nm:.0%}'} | {_mib(peak_ours(r))} | "
                 f"{'—' if ratio is None else f'{ratio:.0%}'} | {'—' if dr is None else f'{dr:.1f}x'} | "
                 f"{'—' if sr is None else f'{sr:,.0f}x'} | "
                 f"{_s(max_p95(r))} |")
    L.append("")
    for r in results:
        L += _scale_section(r, fast)
    if len(results) > 1:
        L += _scaling(results)
    L += [METHOD]
    return "\n".join(L) + "\n"


METHOD = """## How this is measured

- Each scale runs in a fresh work folder (`SSSG_DATA_DIR`, `SSSG_LANDING_DIR`, `SSSG_WAREHOUSE_PATH`,
  `SSSG_SERVING_PATH`, `DAGSTER_HOME` all point there; the project's `data/` is never touched), removed
  afterwards unless `--keep`. dbt writes its target and logs there too.
- Every stage is its own child process, run one after the other: `python -m pipelines.simulate`, the ingest
  (`pipelines.ingest.load.ingest_landing`, what `python -m pipelines.ingest` and the Dagster asset run), `dbt parse`
  (once per release, as `make dbt-manifest` prepares the partial parse Dagster's runs start from: timed on its own,
  not part of the pipeline's total), `dbt build`
  (as the Dagster asset runs it: seeds, models and data tests; unit tests run in `make test`), `pipelines.publish.publish`, `python -m pipelines.reports`
  (annual and monthly, `--period latest`), the dashboard loaders, then the three anchors. The simulator's newest
  monthly batch is held back from that first load; last, it is put in the landing folder and the ingest, the dbt
  build and the publish run again ("new month"), as the nightly run does when next month's export arrives. Seconds are wall time of
  the child process (interpreter start-up included).
- Peak RSS: the larger of the kernel's peak resident set of the child or any descendant (`wait4` `ru_maxrss`) and
  the largest sum of the live process tree's resident sets sampled from `/proc` every 0.1 s.
- Dashboard loaders: every loader each page calls (latest year; city, a county and a department), called
  `--repeat` times each in one process against the published file, with `st.cache_data.clear()` before every call,
  so each call opens the file, runs its SQL and builds its DataFrame; p50 / p95 are nearest-rank.
- Anchor read_csv: DuckDB's `read_csv(all_varchar = true)` of the same CSV files into plain tables in one process.
  GB18030 files are transcoded to UTF-8 copies first, untimed (DuckDB reads UTF-8 only without extensions), which
  favours the anchor. Our CSV throughput is the CSV bytes over the sum of the per-file load times inside the
  ingest (reading, contract validation, rejects, insert; not process start-up or the final checkpoint). XLSX files
  are left out of both sides of the ratio; the whole ingest stage's MB/s (CSV + XLSX bytes over its wall time)
  is shown beside it.
- Anchor dbt SQL (`pipelines/bench/dbt_anchor.py`): every model's compiled SELECT from the first dbt build's own
  manifest, run as `CREATE OR REPLACE TABLE <relation> AS …` in dependency order in one DuckDB connection on a copy
  of the warehouse that build made (ephemeral models are inlined by dbt into their readers' SQL; seeds are already
  in the copy), ending with a checkpoint. The dbt build's wall time over this is the cost of dbt itself and of
  the data tests; their share of dbt's node time comes from its run_results.json.
- Anchor headline SQL: one hand-written query over `raw.*` (`pipelines/bench/anchors.py`) computing on-time
  publication, temporary-task share, joint-task share and task completion per department, per county and for the
  city for the last complete year. It approximates the dbt models (latest row per key, exact department names,
  simplified publication obligations), so its city values are printed beside the marts'. The ratio compares it
  with the whole dbt build, which computes every metric at every grain and runs the tests: it shows the cost of
  the layered, tested build, not a like-for-like query.
- Targets (issue): scale 1 pipeline ≤ 60 s; scale 14 pipeline ≤ 5 min with peak RSS ≤ 4 GiB (checked on every
  stage of ours: pipeline, reports, loaders); ingest ≥ 50% of DuckDB's read_csv MB/s; loaders p95 ≤ 150 ms at
  scale 14 (the slowest loader's p95); a new monthly batch ingest + dbt build + publish ≤ 30 s at scale 14, its
  dbt build ≤ 25% of the full build's; the dbt build ≤ 2x its own compiled SQL at every scale.
"""
