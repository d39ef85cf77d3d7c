"""`make check` / `python -m pipelines.check`: is the warehouse healthy? One line per check, then the
verdict; exit status 1 when any check FAILs (for cron and monitoring), 0 otherwise.

Checks: the last run (did it publish, or fail and why), what the dashboard serves (publish time,
version), publication clocks waiting for a year of the official calendar, freshness per export source (entity), landing files not yet loaded, reconciliation of every
loaded file, and rejected rows / refused files waiting for a clerk's correction. Read-only: while a
run holds the warehouse the warehouse checks say so and the rest still report.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from pipelines import run_status
from pipelines.ingest.discover import discover
from pipelines.ingest.reconcile import reconciliation_problems
from pipelines.locks import is_lock_error
from pipelines.settings import Paths, paths
from serving import formatters, snapshot, status

OK, WARN, FAIL = "OK", "WARN", "FAIL"
DEFAULT_MAX_AGE_DAYS = 45  # exports are monthly: a source silent for longer has stopped arriving


@dataclass(frozen=True)
class Result:
    check: str
    status: str
    detail: str


def check_last_run(serving: Path) -> Result:
    events = run_status.history(serving, limit=200)
    if not events:
        return Result("最近运行 last run", WARN, "没有运行记录（pipeline_runs.jsonl）：尚未运行过数据管道？")
    failure = run_status.last_failure_since_publish(serving)
    if failure:
        stage = run_status.STAGES.get(failure["stage"], failure["stage"])
        details = ("；".join(failure.get("details", [])[:3]))
        return Result("最近运行 last run", FAIL, f"{failure['at']} 运行 {failure['run_id'][:8]} 在「{stage}」失败，"
                      f"未发布：{failure['message']}" + (f"（{details}）" if details else ""))
    last = next(e for e in events if e["outcome"] == "published")
    return Result("最近运行 last run", OK, f"{last['at']} 运行 {last['run_id'][:8]} 已发布")


def check_serving(serving: Path) -> Result:
    if not serving.exists():
        return Result("看板数据 serving", FAIL, f"没有发布文件 {serving}：看板无数据可显示")
    with duckdb.connect(str(serving), read_only=True) as con:
        published_at, run_id = con.execute(
            "SELECT published_at, run_id FROM meta.publish_log ORDER BY published_at DESC LIMIT 1").fetchone()
    return Result("看板数据 serving", OK, f"{formatters.timestamp(published_at)}（北京时间）发布（运行 {run_id[:8]}，"
                                        f"文件 {serving.resolve().name}）")


CALENDAR_HOW_TO = ("把国务院公布的该年放假与调休安排补入 dbt_project/seeds/calendar_overrides.csv（或升级 chinese-calendar），"
                   "运行 make docs 后重新构建")


def check_calendar(serving: Path) -> Result:
    """Publication clocks waiting for a year of the official calendar (status awaiting_calendar): a
    warning, not a failure (every December some deadlines fall in the next year)."""
    if not serving.exists():
        return Result("工作日历 calendar", WARN, "没有发布文件，无法检查")
    with snapshot.pinned(serving):
        waiting = status.awaiting_calendar()
    if waiting.empty:
        return Result("工作日历 calendar", OK, "官方工作日历覆盖所有公示期限")
    years = "、".join(f"{int(r.calendar_year_needed)}年（{int(r.obligations):,} 项）" for r in waiting.itertuples())
    return Result("工作日历 calendar", WARN, f"{years}的官方工作日历尚未补充：这些公示义务的期限无法计算，暂不计入任何比率；"
                  + CALENDAR_HOW_TO)


MONTHLY_FLOW = ("抽查任务", "抽取名单", "检查人员匹配", "检查结果")  # in every monthly export; registers change rarely


def check_freshness(serving: Path, today: date, max_age_days: int) -> list[Result]:
    """The export as a whole against today; each entity against the newest batch (registers such as
    行政区划 are exported only when they change, so only the monthly flow entities must keep up)."""
    if not serving.exists():
        return []
    with duckdb.connect(str(serving), read_only=True) as con:
        rows = con.execute("SELECT entity_title, latest_batch_date, current_records FROM "
                           "marts.mart_data_status__entities ORDER BY sort_order").fetchall()
    newest = max((latest for _, latest, _ in rows if latest), default=None)
    if newest is None:
        return [Result("新鲜度 freshness", FAIL, "还没有载入任何导出批次")]
    age = (today - newest).days
    if age < 0:  # the ingest refuses such batches; one loaded before that rule moved the as-of date
        out = [Result("新鲜度 freshness", FAIL,
                      f"最新导出批次 {newest} 晚于今天 {today}：导出日期不可能在未来，该批次的数据会覆盖之后的更正，"
                      "请核对批次文件夹名（见 docs/operations.md）")]
    else:
        out = [Result("新鲜度 freshness", WARN if age > max_age_days else OK,
                      f"最新导出批次 {newest}（{age} 天前；按月导出，超过 {max_age_days} 天即提示）")]
    for title, latest, records in rows:
        lag = (newest - latest).days if latest else None
        stale = title in MONTHLY_FLOW and (lag is None or lag > max_age_days)
        detail = f"最新批次 {latest}，当前记录 {records:,} 条" if latest else "从未载入该类导出文件"
        out.append(Result(f"  {title}", WARN if stale else OK,
                          detail + ("（落后于最新批次，本应每月随批次导出）" if stale else "")))
    return out


def check_warehouse(where: Paths) -> list[Result]:
    if not where.warehouse.exists():
        return [Result("数据仓库 warehouse", FAIL, f"没有数据仓库文件 {where.warehouse}")]
    try:
        con = duckdb.connect(str(where.warehouse), read_only=True)
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            return [Result("数据仓库 warehouse", WARN, f"正在运行的数据管道占用仓库，对账与待载入检查稍后再试：{exc}")]
        raise
    with con:
        problems = reconciliation_problems(con)
        loaded = {(b, f) for b, f in con.execute("SELECT DISTINCT batch_id, file_name FROM raw.load_log").fetchall()}
        refused = con.execute("SELECT count(*) FROM raw.load_log WHERE status = 'rejected'").fetchone()[0]
        rejected_rows, latest_batch = con.execute(
            "SELECT count(*), max(_batch_id) FROM raw.rejects").fetchone()
    out = [Result("对账 reconciliation", FAIL if problems else OK,
                  ("；".join(problems[:5]) + (f" …共 {len(problems)} 个文件" if len(problems) > 5 else ""))
                  if problems else f"{len(loaded):,} 个文件：读取行数 = 载入 + 拒收，且与原始表一致")]
    waiting = [f for f in discover(where.landing) if (f.batch_id, f.file_name) not in loaded]
    out.append(Result("待载入 waiting files", WARN if waiting else OK,
                      (f"{len(waiting)} 个文件尚未载入，如 {waiting[0].batch_id}/{waiting[0].file_name}"
                       if waiting else "落地文件夹中的文件均已处理")))
    out.append(Result("待更正 rejects", WARN if (rejected_rows or refused) else OK,
                      f"拒收行 {rejected_rows:,} 条，整文件拒收 {refused} 个：见看板「数据状态」页，"
                      "请数据报送单位更正后在新批次中重新导出" if (rejected_rows or refused) else "没有拒收的行或文件"))
    return out


def run_checks(where: Paths | None = None, today: date | None = None,
               max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> list[Result]:
    where = where or paths()
    today = today or datetime.now().date()
    return [check_last_run(where.serving), check_serving(where.serving), check_calendar(where.serving),
            *check_freshness(where.serving, today, max_age_days), *check_warehouse(where)]


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS,
                        help="a source whose latest batch is older than this is flagged (default %(default)s)")
    args = parser.parse_args(argv)
    results = run_checks(max_age_days=args.max_age_days)
    width = max(_width(r.check) for r in results)
    for r in results:
        print(f"{r.status:4}  {r.check}{' ' * (width - _width(r.check))}  {r.detail}")
    failed = [r for r in results if r.status == FAIL]
    print(f"\n{'不健康 UNHEALTHY' if failed else '健康 HEALTHY'}: {len(failed)} FAIL, "
          f"{sum(r.status == WARN for r in results)} WARN, {sum(r.status == OK for r in results)} OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
