"""Failures reach a person: a run-failure sensor that records a failed run for 数据状态 and
`make check` when no stage did, and e-mails the operators (SSSG_ALERT_MAIL_TO) when SMTP is configured.

The refresh's stages record their own failures in pipeline_runs.jsonl (pipelines/run_status.py): a
refused run, a failed reconciliation, a failed dbt test, a failed publish. A crash does not: the run's
process killed (Dagster's code server then marks the run failed), or an exception outside what a
stage catches (the lock retries running out, a run stopped at its maximum runtime). For those the
sensor appends the failure, with the stage of the step that failed or was running, so the dashboard
and `make check` say so too. Runs of other jobs (reports, backup) are e-mailed, not recorded: that
file is the refresh's.

The e-mail names the job, the run, each failed step with its error, says what to do and links the
matching section of docs/operations.md (SECTIONS; tests/test_alerts.py checks each heading exists).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from dagster import DagsterEventType, DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from pipelines import mail, run_status
from pipelines.settings import REPO_ROOT, mail_settings

log = logging.getLogger(__name__)
DOC = "docs/operations.md"
REFRESH_JOB = "refresh_warehouse"
STAGE_OF_STEP = {"ingest_landing_files": "ingest", "sssg_dbt_assets": "dbt", "serving_artefact": "publish"}
REPORT_STEPS = {"monthly_report": "生成并发送月报", "annual_report": "生成并发送年度考核报告"}
BACKUP_STEPS = {"backup_warehouse_op": "备份数据仓库与 Dagster 实例"}  # pipelines/backup_defs.py
MAX_ERROR_CHARS = 3000  # per step, in the e-mail


@dataclass(frozen=True)
class Section:
    """A section of docs/operations.md: its heading exactly as written there, and what to do in short."""
    heading: str
    todo: str

    @property
    def anchor(self) -> str:
        return anchor(self.heading)

    @property
    def link(self) -> str:
        return f"{DOC}#{self.anchor}"


def anchor(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub, GitLab) gives a heading: lower case, punctuation
    dropped, each space a hyphen ("kill -9," -> "kill--9")."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


SECTIONS = {
    "two_runs": Section("Two refresh runs at once",
                        "等正在进行的刷新运行结束后再运行（本次运行没有开始，未做任何更改）；如果没有运行在进行而拒绝反复出现，"
                        "删除数据目录中的 refresh-run.lock 后再运行 make pipeline。"),
    "locked": Section("The warehouse is locked",
                      "关闭运行日志中指明（PID）占用数据仓库文件的进程（如打开着的 duckdb 命令行），然后重新运行 make pipeline。"),
    "reconciliation": Section("The reconciliation check fails",
                              "本不应发生（每个文件全部载入或全部不载入）：检查是否有人手工修改过 raw.* 表；从备份恢复数据仓库，"
                              "或删除后重建（rm data/warehouse.duckdb && make pipeline）。"),
    "dbt_test": Section("A dbt data test fails",
                        "看上面失败的测试名称和 dbt 的信息，查询相应的模型；数据有误，请导出部门在新批次中导出更正；"
                        "规则有误，修改模型或测试。然后重新运行 make pipeline。"),
    "calendar": Section("The official working-day calendar does not reach a year yet",
                        "把该年国务院公布的放假与调休安排补入 dbt_project/seeds/calendar_overrides.csv（或升级 chinese-calendar），"
                        "运行 make docs，再运行 make pipeline。"),
    "killed_ingest": Section("A run is killed (kill -9, out of memory, power loss) during loading",
                             "重新运行 make pipeline：已载入的文件按名称和 SHA-256 跳过，中断的一组文件已整体回滚，会重新载入。"),
    "killed_dbt": Section("A run is killed during the dbt build",
                          "重新运行 make pipeline：dbt 每次都从原始表重建模型，本次没有发布，看板不受影响。"),
    "killed_publish": Section("A run is killed during publish",
                              "重新运行 make pipeline：看板仍指向上一次完整发布的版本，未完成的临时文件会被下一次发布清理。"),
    "report_mail": Section("E-mail: reports and failure alerts",
                           "报告文件已保存，只是邮件没有发出：用 python -m pipelines.mail --test 检查邮件设置，"
                           "修正后在 Dagster 界面重新执行本运行（会重新生成并发送）。"),
    "report": Section("A scheduled report fails",
                      "按上面的错误排除原因（如缺少 Chromium 或中文字体、还没有发布的看板数据），然后在 Dagster 界面重新执行本运行，"
                      "或运行 python -m pipelines.reports --kind monthly|annual --period <报告期>。"),
    "backup": Section("Backups and restore",
                      "按上面的错误排除原因（常见的有：刷新运行 30 分钟后仍未结束、有进程以写方式打开着数据仓库、备份目录所在的磁盘已满），"
                      "然后运行 make backup，或等下一晚的备份；python -m pipelines.backup list 列出已有的备份。"),
    "other": Section("What a failure e-mail says",
                     "按上面的错误排除原因，在 Dagster 界面查看该运行的日志，用 make check 查看数据仓库状态，然后重新运行。"),
}
CRASH_SECTIONS = {"ingest": "killed_ingest", "dbt": "killed_dbt", "publish": "killed_publish"}
_MODULE_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)+(?=\w+: )")  # "pipelines.locks.WarehouseLocked: …" -> "WarehouseLocked: …"
_WRAPPERS = {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}


@dataclass
class StepFailure:
    step: str
    error: str  # what went wrong, in the words of the exception (causes included)
    where: str = ""  # the innermost frame: file, line and function


@dataclass
class FailedRun:
    run_id: str
    job: str
    partition: str | None
    run_message: str  # Dagster's run failure message
    steps: list[StepFailure] = field(default_factory=list)  # the steps that failed
    interrupted: list[str] = field(default_factory=list)  # steps started and never finished (process killed)
    crash: str = ""  # the code server's word on a killed run process
    started_at: str = ""
    failed_at: str = ""
    ended: float | None = None  # when the run ended (epoch seconds)
    recorded: dict | None = None  # what a stage of this run wrote to pipeline_runs.jsonl, if anything

    @property
    def failed_step(self) -> str | None:
        """The step this failure is about: the first that failed, else the one that was running."""
        return (self.steps[0].step if self.steps else None) or (self.interrupted[-1] if self.interrupted else None)

    @property
    def stage(self) -> str | None:
        """The refresh stage (ingest / dbt / publish) of the failed step; a refresh run that stopped
        before any step counts as stopped at loading; None for other jobs."""
        if self.failed_step in STAGE_OF_STEP:
            return STAGE_OF_STEP[self.failed_step]
        return "ingest" if self.job == REFRESH_JOB and self.failed_step is None else None

    @property
    def error_text(self) -> str:
        text = "\n".join(s.error for s in self.steps) or self.crash or self.run_message
        if self.recorded and self.recorded.get("outcome") == "failed":
            text += "\n" + "\n".join([self.recorded.get("message", ""), *self.recorded.get("details", [])])
        return text

    @property
    def section(self) -> Section:
        return SECTIONS[section_key(self)]


def section_key(run: FailedRun) -> str:
    """Which docs/operations.md section says what to do about this failure."""
    text = run.error_text
    step = run.failed_step
    if step in BACKUP_STEPS:
        return "backup"
    if "另一个刷新运行" in text or "无法取得数据仓库的运行锁" in text:
        return "two_runs"
    if "数据仓库文件被其他进程占用" in text or "Could not set lock on file" in text:
        return "locked"
    if step in REPORT_STEPS:
        return "report_mail" if "邮件" in text else "report"
    stage = run.stage
    if stage == "ingest" and ("reconciliation" in text or "对账" in text):
        return "reconciliation"
    dbt_recorded = bool(run.recorded and run.recorded.get("stage") == "dbt" and run.recorded.get("outcome") == "failed")
    if stage == "dbt" and (dbt_recorded or "dbt 构建未通过" in text):  # the dbt step records a failed build itself
        return "calendar" if "as_of_date_is_on_the_official_calendar" in text else "dbt_test"
    if stage:
        return CRASH_SECTIONS[stage]
    return "other"


def error_of(event) -> tuple[str, str]:
    """(the error in words, its innermost frame) of a step failure event: a Failure's description as
    written, else each exception of the chain as `Class: message`, Dagster's own wrappers left out."""
    data = event.event_specific_data
    err = getattr(data, "error", None)
    chain = []
    while err is not None:
        chain.append(err)
        err = err.cause
    where = ""
    if chain and chain[-1].stack:
        where = chain[-1].stack[-1].strip().splitlines()[0]
    failure_data = getattr(data, "user_failure_data", None)
    if failure_data is not None and failure_data.description:
        return failure_data.description.strip(), where
    parts = [_MODULE_PREFIX.sub("", e.message.strip()) for e in chain if e.cls_name not in _WRAPPERS]
    return (" ← ".join(parts) or (event.message or "").strip() or "（没有错误信息）"), where


def describe(instance, dagster_run, failure_event) -> FailedRun:
    """What failed, from the run's event log."""
    run_id = dagster_run.run_id
    interesting = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
                   DagsterEventType.STEP_SKIPPED, DagsterEventType.ENGINE_EVENT}
    steps, started, ended, crash = [], [], set(), ""
    for entry in instance.all_logs(run_id, of_type=interesting):
        event = entry.dagster_event
        kind = event.event_type
        if kind == DagsterEventType.STEP_START:
            if event.step_key not in started:
                started.append(event.step_key)
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_SKIPPED):
            ended.add(event.step_key)
        elif kind == DagsterEventType.STEP_FAILURE:
            ended.add(event.step_key)
            error, where = error_of(event)
            steps.append(StepFailure(event.step_key, error, where))
        elif kind == DagsterEventType.ENGINE_EVENT and re.search(r"unexpectedly|terminated by signal",
                                                                 event.message or ""):
            crash = (event.message or "").strip()
    record = instance.get_run_record_by_id(run_id)
    recorded = next((e for e in run_status.history(limit=1000) if e.get("run_id") == run_id), None)
    return FailedRun(
        run_id=run_id, job=dagster_run.job_name, partition=dagster_run.tags.get("dagster/partition"),
        run_message=((failure_event.message if failure_event else "") or "").strip(), steps=steps,
        interrupted=[s for s in started if s not in ended], crash=crash,
        started_at=_when(record.start_time if record else None), failed_at=_when(record.end_time if record else None),
        ended=record.end_time if record else None, recorded=recorded)


def _when(timestamp: float | None) -> str:
    when = dt.datetime.fromtimestamp(timestamp, mail.TZ) if timestamp else dt.datetime.now(mail.TZ)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def step_label(step: str | None) -> str:
    if step in STAGE_OF_STEP:
        return run_status.stage_label(STAGE_OF_STEP[step])
    return REPORT_STEPS.get(step or "", "") or BACKUP_STEPS.get(step or "", "")


# --- pipeline_runs.jsonl ------------------------------------------------------------------------------

def record_if_unrecorded(run: FailedRun) -> dict | None:
    """Append the failure to pipeline_runs.jsonl unless a stage of the run wrote something already
    (its own failure, or its publish) or the run is not a refresh; returns the event written."""
    if run.stage is None or run.recorded is not None:
        return None
    history = run_status.history(limit=1000)
    if any(e.get("run_id") == run.run_id for e in history):
        return None  # written meanwhile (a second evaluation of the same failure)
    if published_since(run, history):
        return None  # handled late (the daemon was down): a later run published, the dashboard is newer
    label = run_status.stage_label(run.stage)
    if run.steps:
        what = f"「{label}」阶段出错：{_first_line(run.steps[0].error)}"
    elif run.interrupted:
        what = f"「{label}」阶段时进程被终止（{_first_line(run.crash) if run.crash else '进程意外退出'}）"
    else:
        what = f"开始「{label}」之前失败：{_first_line(run.run_message)}"
    message = f"运行在{what}；本次运行不发布，看板继续显示上一次发布的数据"
    details = [line for s in run.steps for line in (f"{s.step}: {s.error}"[:600], s.where) if line]
    if run.crash:
        details.append(run.crash[:600])
    details.append(f"处理办法：{DOC}「{run.section.heading}」")
    return run_status.record(run.run_id, run.stage, "failed", message, details)


def published_since(run: FailedRun, history: list[dict] | None = None) -> bool:
    """Whether a run published after this one ended (run_status writes local times without a zone)."""
    if run.ended is None:
        return False
    ended = dt.datetime.fromtimestamp(run.ended).replace(microsecond=0)
    for event in run_status.history(limit=1000) if history is None else history:
        if event.get("outcome") == "published":
            try:
                if dt.datetime.fromisoformat(event["at"]) > ended:
                    return True
            except (KeyError, ValueError):
                continue
    return False


def _first_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"


# --- the e-mail ---------------------------------------------------------------------------------------

def alert_subject(run: FailedRun) -> str:
    step = run.failed_step
    what = f"「{step_label(step) or step}」失败" if step else "失败"
    part = f"（{run.partition}）" if run.partition else ""
    return f"【运行失败】抚顺市“双随机、一公开”数据仓库：{run.job}{part} 运行 {run.run_id[:8]} {what}"


def alert_body(run: FailedRun, recorded: bool) -> str:
    section = run.section
    lines = ["抚顺市“双随机、一公开”数据仓库有一个运行失败，需要有人处理。", "",
             f"作业：{run.job}" + (f"（报告期 {run.partition}）" if run.partition else ""),
             f"运行：{run.run_id}",
             f"开始：{run.started_at}　失败：{run.failed_at}（北京时间）", ""]
    if run.steps:
        lines.append("失败的步骤：")
        for s in run.steps:
            label = step_label(s.step)
            lines.append(f"  - {s.step}" + (f"（{label}）" if label else ""))
            error = s.error if len(s.error) <= MAX_ERROR_CHARS else s.error[:MAX_ERROR_CHARS] + "…（其余见运行日志）"
            lines += [f"    {ln}" for ln in ("错误：" + error).splitlines()]
            if s.where:
                lines.append(f"    位置：{s.where}")
    if run.interrupted and not run.steps:
        label = step_label(run.interrupted[-1])
        lines.append(f"运行进程在步骤 {run.interrupted[-1]}" + (f"（{label}）" if label else "") + "中被终止，该步骤没有完成。")
    if run.crash:
        lines.append(f"进程：{run.crash}")
    if run.run_message:
        lines.append(f"Dagster：{run.run_message}")
    lines.append("")
    if run.stage and published_since(run):
        lines.append("影响：本次刷新没有发布；此后已有运行成功发布，看板显示的是那次的数据。")
    elif run.stage:
        lines.append("影响：本次刷新没有发布，看板继续显示上一次发布的数据；看板「数据状态」页和 make check 会显示这次失败"
                     + ("（已由本告警记入 pipeline_runs.jsonl）。" if recorded else "。"))
    elif run.failed_step in REPORT_STEPS:
        lines.append("影响：本期报告没有按计划发出（如果报告已生成，文件保存在报告目录，看板「考核报告」页可下载）。")
    elif run.failed_step in BACKUP_STEPS:
        lines.append("影响：今天没有新的备份；数据仓库、看板和已有的备份都不受影响。")
    lines += ["", f"怎么办：{section.todo}", "",
              f"详见 {DOC} 的「{section.heading}」一节：",
              f"  {section.link}",
              f"  （本机文件：{REPO_ROOT / DOC}）", "",
              f"运行日志：Dagster 界面（make dagster）→ Runs → {run.run_id}",
              "", "本邮件由数据仓库的运行失败告警（Dagster 传感器 run_failure_alert）自动发送。"]
    return "\n".join(lines) + "\n"


def handle_failure(instance, dagster_run, failure_event, logger: logging.Logger = log) -> dict:
    """Record (when no stage did), log, and e-mail the operators when SMTP is configured. Raises
    MailSettingsError / mail.MailError after recording, so the sensor's tick shows the problem."""
    run = describe(instance, dagster_run, failure_event)
    recorded = record_if_unrecorded(run)
    logger.error(f"run {run.run_id} of {run.job} failed at step {run.failed_step or '-'}: "
                 f"{_first_line(run.error_text)}; see {run.section.link}")
    out = {"run": run, "recorded": recorded, "sent_to": []}
    settings = mail_settings()
    if settings is None:
        logger.info("no SSSG_SMTP_HOST: the failure is recorded and logged, not e-mailed")
        return out
    if not settings.alert_to:
        logger.warning("SSSG_ALERT_MAIL_TO is empty: the failure is not e-mailed")
        return out
    msg = mail.build_message(settings, settings.alert_to, alert_subject(run), alert_body(run, recorded is not None))
    out["sent_to"] = mail.send(settings, msg, timeout=10.0)  # the sensor's evaluation has about a minute
    return out


# Every run of this Dagster instance: the code location's jobs when the daemon launched them, and runs
# started from the command line (make pipeline), which carry no code location to match on.
@run_failure_sensor(name="run_failure_alert", monitor_all_code_locations=True,
                    default_status=DefaultSensorStatus.RUNNING,
                    description="运行失败时：记入运行记录（数据状态页、make check），并在配置了 SMTP 时邮件告知运维人员（SSSG_ALERT_MAIL_TO）")
def run_failure_alert(context: RunFailureSensorContext):
    handle_failure(context.instance, context.dagster_run, context.failure_event, context.log)
