"""Where things live. Read from the environment at call time, never at import time."""
from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    landing: Path  # export batches arrive here (simulated or real)
    warehouse: Path  # the DuckDB file the pipeline writes (one writer at a time)
    serving: Path  # the published artefact the dashboard reads
    # reports, logs, backups, the access log: SSSG_DATA_DIR, not the warehouse's folder (a warehouse path
    # set on its own, as the Makefile exports it, must not move them)
    data_dir: Path


def paths() -> Paths:
    data = Path(os.environ.get("SSSG_DATA_DIR", REPO_ROOT / "data"))
    return Paths(
        data_dir=data,
        landing=Path(os.environ.get("SSSG_LANDING_DIR", data / "landing")),
        warehouse=Path(os.environ.get("SSSG_WAREHOUSE_PATH", data / "warehouse.duckdb")),
        serving=Path(os.environ.get("SSSG_SERVING_PATH", data / "serving" / "warehouse.duckdb")),
    )


def dagster_home() -> Path:
    """The Dagster instance's folder (DAGSTER_HOME; the Makefile's default is <data dir>/dagster_home)."""
    value = os.environ.get("DAGSTER_HOME")
    return Path(value) if value else paths().data_dir / "dagster_home"


def backup_dir() -> Path:
    """Where backups go (SSSG_BACKUP_DIR, default <data dir>/backups): pipelines/backup.py."""
    value = os.environ.get("SSSG_BACKUP_DIR")
    return Path(value) if value else paths().data_dir / "backups"


def _count(name: str, default: int) -> int:
    """A retention count from the environment: a whole number of at least 1 (the newest is never removed)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r}: must be a whole number of at least 1") from None
    if number < 1:
        raise ValueError(f"{name}={value!r}: must be at least 1 (the newest is always kept)")
    return number


def backup_keep() -> int:
    """How many backups to keep (SSSG_BACKUP_KEEP, default 7: a week of daily backups)."""
    return _count("SSSG_BACKUP_KEEP", 7)


def serving_versions_keep() -> int:
    """How many published serving versions to keep at least (SSSG_SERVING_VERSIONS_KEEP, default 3)."""
    return _count("SSSG_SERVING_VERSIONS_KEEP", 3)


def report_versions_keep() -> int:
    """How many versions of each report period to keep (SSSG_REPORT_VERSIONS_KEEP, default 3)."""
    return _count("SSSG_REPORT_VERSIONS_KEEP", 3)


ENGINES = ("duckdb", "spark")


def engine() -> str:
    """Which engine builds the dbt models (SSSG_ENGINE, default duckdb): docs/scaling.md. With spark the
    ingest still validates into DuckDB, raw goes to Spark as monthly Parquet, dbt builds --target spark
    and publish reads Spark's marts; the dashboard and reports read the same serving artefact either way."""
    value = os.environ.get("SSSG_ENGINE", "").strip().lower() or "duckdb"
    if value not in ENGINES:
        raise ValueError(f"SSSG_ENGINE={os.environ['SSSG_ENGINE']!r}: must be one of {', '.join(ENGINES)}")
    return value


def raw_parquet_dir() -> Path | None:
    """Where the ingest also writes raw tables as monthly Parquet for Spark (SSSG_RAW_PARQUET_DIR; with
    SSSG_ENGINE=spark default <data dir>/raw_parquet); unset on DuckDB = not written."""
    value = os.environ.get("SSSG_RAW_PARQUET_DIR")
    if value:
        return Path(value)
    return paths().data_dir / "raw_parquet" if engine() == "spark" else None


def spark_remote() -> str | None:
    """A Spark Connect server to build on (SPARK_REMOTE, e.g. sc://host:15002: pyspark's own variable, so
    dbt-spark's session method connects to it too); unset = a Spark driver in this machine's JVM."""
    return os.environ.get("SPARK_REMOTE") or None


def spark_dir() -> Path:
    """Spark's state for SSSG_ENGINE=spark in session mode: metastore, warehouse (the built tables as
    Parquet), scratch (SSSG_SPARK_DIR, default <data dir>/spark; dbt_project/profiles.yml)."""
    value = os.environ.get("SSSG_SPARK_DIR")
    return Path(value) if value else paths().data_dir / "spark"


def spark_process_env(state: Path) -> dict[str, str]:
    """What a dbt process on Spark needs beside the SSSG_* paths: its local state folder (profiles.yml),
    a loopback driver address, and no warning per statement from a Connect session about the static
    settings of the session target (Hive support) that only the server can set."""
    return {"SSSG_SPARK_DIR": str(state), "SPARK_LOCAL_IP": "127.0.0.1",
            "PYTHONWARNINGS": "ignore::UserWarning:pyspark.sql.connect.conf"}


def subprocess_env() -> dict[str, str]:
    """The resolved paths as SSSG_* variables, for child processes (dbt reads SSSG_WAREHOUSE_PATH)."""
    where = paths()
    return {"SSSG_LANDING_DIR": str(where.landing), "SSSG_WAREHOUSE_PATH": str(where.warehouse),
            "SSSG_SERVING_PATH": str(where.serving)}


def dbt_executable() -> str:
    """The dbt beside this interpreter (the project's venv), whether or not the venv is activated."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else shutil.which("dbt") or "dbt"


# --- E-mail (pipelines/mail.py): reports to SSSG_REPORT_MAIL_TO, failure alerts to SSSG_ALERT_MAIL_TO ---
SMTP_SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_DASHBOARD_URL = "http://127.0.0.1:8501"


class MailSettingsError(ValueError):
    """An SSSG_SMTP_* / SSSG_*MAIL* variable that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str | None
    password: str | None = field(repr=False)  # never printed, logged or put in metadata
    mail_from: str
    report_to: tuple[str, ...]
    alert_to: tuple[str, ...]
    dashboard_url: str = DEFAULT_DASHBOARD_URL

    def describe(self) -> str:
        """The settings as one line for logs and `python -m pipelines.mail --test` (no password)."""
        login = f"，登录用户 {self.user}" if self.user else "，不登录"
        return (f"SMTP {self.host}:{self.port}（{self.security}{login}），发件人 {self.mail_from}，"
                f"报告收件人 {len(self.report_to)} 个，告警收件人 {len(self.alert_to)} 个")


def mail_settings() -> MailSettings | None:
    """The e-mail settings, or None when SSSG_SMTP_HOST is unset (e-mail not configured: nothing is sent).
    Raises MailSettingsError on a bad port, an unknown security mode or a malformed address."""
    env = os.environ
    host = env.get("SSSG_SMTP_HOST", "").strip()
    if not host:
        return None
    if not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+", host):
        raise MailSettingsError(f"SSSG_SMTP_HOST={host!r} 不是主机名或 IP 地址")
    host = host.strip("[]")
    security = env.get("SSSG_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SMTP_SECURITY_PORTS:
        raise MailSettingsError(f"SSSG_SMTP_SECURITY={security!r} 无法识别：应为 starttls、ssl 或 none 之一")
    port_text = env.get("SSSG_SMTP_PORT", "").strip()
    if port_text:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise MailSettingsError(f"SSSG_SMTP_PORT={port_text!r} 不是端口号：应为 1–65535 之间的整数")
        port = int(port_text)
    else:
        port = SMTP_SECURITY_PORTS[security]
    user = env.get("SSSG_SMTP_USER", "").strip() or None
    password = env.get("SSSG_SMTP_PASSWORD") or None
    if password and not user:
        raise MailSettingsError("设置了 SSSG_SMTP_PASSWORD 却没有 SSSG_SMTP_USER：请同时设置登录用户名")
    if user and security == "none":
        raise MailSettingsError("SSSG_SMTP_SECURITY=none 时不能登录（用户名和口令会以明文发送）："
                                "请改用 starttls 或 ssl，或去掉 SSSG_SMTP_USER / SSSG_SMTP_PASSWORD")
    senders = mail_addresses("SSSG_MAIL_FROM", env.get("SSSG_MAIL_FROM", ""))
    if len(senders) != 1:
        raise MailSettingsError("SSSG_MAIL_FROM 应为一个发件地址（如 sssg@scjg.fushun.gov.cn）"
                                + ("，现在没有设置" if not senders else f"，现为 {len(senders)} 个"))
    url = env.get("SSSG_DASHBOARD_URL", "").strip() or DEFAULT_DASHBOARD_URL
    if not re.fullmatch(r"https?://[^\s]+", url):
        raise MailSettingsError(f"SSSG_DASHBOARD_URL={url!r} 不是 http(s) 网址")
    return MailSettings(host=host, port=port, security=security, user=user, password=password,
                        mail_from=senders[0], report_to=mail_addresses("SSSG_REPORT_MAIL_TO", env.get("SSSG_REPORT_MAIL_TO", "")),
                        alert_to=mail_addresses("SSSG_ALERT_MAIL_TO", env.get("SSSG_ALERT_MAIL_TO", "")),
                        dashboard_url=url)


# A bare address: ASCII local part and domain (not every server takes SMTPUTF8), no spaces, quotes or brackets.
_ADDR_SPEC = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?")


def mail_addresses(name: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of addresses (`a@b.cn`, or `名字 <a@b.cn>`) from variable `name`, each
    checked; raises MailSettingsError naming the variable and the entry that is not an address."""
    out = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        if any(ch in item for ch in "\r\n\t\x00"):
            raise MailSettingsError(f"{name} 中的 {item!r} 含有换行或控制字符")
        m = re.fullmatch(r"(?:(?P<display>[^<>\"]*?)\s*<(?P<angle>[^<>]*)>|(?P<bare>[^<>\s]+))", item)
        addr = m and (m.group("angle") if m.group("angle") is not None else m.group("bare"))
        if not addr or not _ADDR_SPEC.fullmatch(addr):
            raise MailSettingsError(f"{name} 中的 {item!r} 不是邮件地址（应为 name@example.cn 或 名字 <name@example.cn>，"
                                    "多个地址用英文逗号分隔）")
        out.append(item)
    return tuple(out)
