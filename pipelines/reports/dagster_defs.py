"""Dagster assets, jobs and schedules for the reports.

monthly_report: monthly partitions from 2020-01 (Asia/Shanghai); annual_report: yearly partitions
from 2020 (cron "0 0 1 1 *", fmt %Y). Both read the serving artefact, so they depend on it.
The schedules tick daily at 08:00 Asia/Shanghai and only request a run on the first official working
day of the month (monthly: the previous month) or of January (annual: the previous year).
When SMTP is configured (pipelines/mail.py), each stored report is e-mailed to SSSG_REPORT_MAIL_TO.
"""

from typing import NoReturn

from dagster import (AssetExecutionContext, DefaultScheduleStatus, MaterializeResult, MonthlyPartitionsDefinition, RunRequest,
                     ScheduleEvaluationContext, SkipReason, TimeWindowPartitionsDefinition, asset,
                     define_asset_job, schedule)

from pipelines.reports.periods import is_first_working_day_of_month, previous_month, previous_year

TIMEZONE = "Asia/Shanghai"
DAILY_0800 = "0 8 * * *"
monthly_partitions = MonthlyPartitionsDefinition(start_date="2020-01-01", timezone=TIMEZONE)
annual_partitions = TimeWindowPartitionsDefinition(start="2020", fmt="%Y", cron_schedule="0 0 1 1 *",
                                                   timezone=TIMEZONE)


MAIL_TAG = "sssg/mail"  # a run tagged sssg/mail=off (e.g. a backfill of old periods) stores the reports without e-mailing them


def _materialize(context: AssetExecutionContext, kind: str, period: str) -> MaterializeResult:
    from pipelines.reports.generate import generate
    man = generate(kind, period)
    for m in man.get("missing", []):
        context.log.warning(f"数据缺失: {m}")
    metadata = {
        "folder": man["folder"], "generated_at": man["generated_at"],
        "publish_run_id": man["batch"]["publish_run_id"] or "", "latest_batch_date": man["batch"]["latest_batch_date"] or "",
        "files": ", ".join(f["name"] for f in man["files"]), "missing_sections": len(man.get("missing", [])),
    }
    return MaterializeResult(metadata={**metadata, **_mail_report(context, man, metadata)})


def _mail_report(context: AssetExecutionContext, man: dict, metadata: dict) -> dict:
    """E-mail the stored report when SMTP is configured (pipelines/mail.py); the metadata says what
    happened. A failure fails the step, naming the reason; the report stays stored, and re-executing
    the run generates and sends it again."""
    from pipelines import mail
    from pipelines.settings import MailSettingsError, mail_settings

    if context.run.tags.get(MAIL_TAG) == "off":
        return {"mail": f"未发送：运行带有标签 {MAIL_TAG}=off"}
    try:
        settings = mail_settings()
    except MailSettingsError as exc:
        _mail_failed(f"邮件设置有误，报告未发送：{exc}", metadata)
    if settings is None:
        return {"mail": "未发送：未配置邮件（SSSG_SMTP_HOST 未设置）"}
    if not settings.report_to:
        context.log.warning("SSSG_REPORT_MAIL_TO is empty: the report is stored and not e-mailed")
        return {"mail": "未发送：SSSG_REPORT_MAIL_TO 为空"}
    try:
        sent = mail.send_report(man, settings)
    except (mail.MailError, OSError) as exc:
        _mail_failed(f"报告已生成并保存，但邮件发送失败：{exc}", metadata)
    context.log.info(f"report e-mailed to {sent['mail_to']}: {sent['mail_subject']}")
    return {"mail": f"已发送给 {len(sent['mail_to'].split(', '))} 个收件人", **sent}


def _mail_failed(message: str, metadata: dict) -> NoReturn:
    from dagster import Failure
    raise Failure(description=message + f"（报告文件在 {metadata['folder']}；修正后重新执行本运行即可重新生成并发送）",
                  metadata={**metadata, "mail": message}, allow_retries=False)


@asset(name="monthly_report", group_name="reports", partitions_def=monthly_partitions, deps=["serving_artefact"],
       description="监管工作进展月报（PDF + XLSX），上月及本年截至目前")
def monthly_report(context: AssetExecutionContext) -> MaterializeResult:
    return _materialize(context, "monthly", context.partition_key[:7])


@asset(name="annual_report", group_name="reports", partitions_def=annual_partitions, deps=["serving_artefact"],
       description="年度考核报告（PDF + XLSX）及通报草稿（DOCX）")
def annual_report(context: AssetExecutionContext) -> MaterializeResult:
    return _materialize(context, "annual", context.partition_key)


# a report takes seconds; run monitoring fails one that hangs for half an hour
REPORT_TAGS = {"dagster/max_runtime": str(30 * 60)}
monthly_report_job = define_asset_job("monthly_report_job", selection=[monthly_report], tags=REPORT_TAGS)
annual_report_job = define_asset_job("annual_report_job", selection=[annual_report], tags=REPORT_TAGS)


def _today(context: ScheduleEvaluationContext):
    return context.scheduled_execution_time.astimezone(__import__("zoneinfo").ZoneInfo(TIMEZONE)).date()


# Running by default: the operated system (make run, the daemon) produces the reports with no toggle.
@schedule(name="monthly_report_schedule", cron_schedule=DAILY_0800, execution_timezone=TIMEZONE, job=monthly_report_job,
          default_status=DefaultScheduleStatus.RUNNING,
          description="每个工作日早8点检查：当月第一个法定工作日生成上月月报")
def monthly_report_schedule(context: ScheduleEvaluationContext):
    today = _today(context)
    if not is_first_working_day_of_month(today):
        return SkipReason(f"{today} is not the first official working day of its month")
    period = previous_month(today)
    key = f"{period}-01"
    return RunRequest(run_key=f"monthly_report:{key}", partition_key=key, tags={"report_period": period})


@schedule(name="annual_report_schedule", cron_schedule=DAILY_0800, execution_timezone=TIMEZONE, job=annual_report_job,
          default_status=DefaultScheduleStatus.RUNNING,
          description="1月第一个法定工作日早8点生成上一年度考核报告")
def annual_report_schedule(context: ScheduleEvaluationContext):
    today = _today(context)
    if today.month != 1 or not is_first_working_day_of_month(today):
        return SkipReason(f"{today} is not the first official working day of January")
    period = previous_year(today)
    return RunRequest(run_key=f"annual_report:{period}", partition_key=period, tags={"report_period": period})


report_assets = [monthly_report, annual_report]
report_jobs = [monthly_report_job, annual_report_job]
report_schedules = [monthly_report_schedule, annual_report_schedule]
