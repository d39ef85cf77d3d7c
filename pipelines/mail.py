"""E-mail: the reports to their readers, failure alerts to the operators (docs/operations.md,
"E-mail: reports and failure alerts").

settings (pipelines.settings.mail_settings, from SSSG_SMTP_* / SSSG_*MAIL_TO) -> message -> send.
The standard library only: email.message.EmailMessage and smtplib, every network call with a
timeout. Text from the data (file names, unit names, error messages) is plain text: in a header it
loses every line break and control character first, so it can never start a header of its own.

    python -m pipelines.mail --test     sends a test message to SSSG_ALERT_MAIL_TO
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import logging
import mimetypes
import re
import smtplib
import socket
import ssl
import sys
from collections.abc import Iterable, Sequence
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.settings import MailSettings, MailSettingsError, mail_settings

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
TIMEOUT_SECONDS = 30.0  # each network call (connect, every SMTP command, the message data)
REPORT_TIMEOUT_SECONDS = 60.0  # a report with its PDF/XLSX/DOCX is a few MB
CITY = "抚顺市"
PROGRAMME = "“双随机、一公开”"
MIME_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
}
FILE_KINDS = {".pdf": "PDF 报告", ".xlsx": "Excel 表格（全部数据表）", ".docx": "Word 通报草稿（可编辑）"}
# What a header may not carry: line breaks of any kind (str.splitlines' set) and other control characters.
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


class MailError(RuntimeError):
    """Sending failed; the message says where to and why (never the password)."""


def header_text(value: object, limit: int = 200) -> str:
    """`value` as one line of plain text for a header: line breaks and control characters become one
    space, so a name holding "\\r\\nBcc: x@y" stays words in the subject and starts no header."""
    text = _HEADER_UNSAFE.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def build_message(settings: MailSettings, to: Sequence[str], subject: str, body: str,
                  attachments: Iterable[tuple[str, bytes]] = ()) -> EmailMessage:
    """A UTF-8 message: Chinese subject (encoded word), plain-text body, files attached under their names."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["Subject"] = header_text(subject)
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=_domain(settings.mail_from))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    msg.set_content(body, charset="utf-8", cte="base64")
    for name, data in attachments:
        maintype, subtype = mime_type(name).split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=header_text(name))
    return msg


def mime_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return MIME_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _domain(address: str) -> str:
    addr = getaddresses([address])[0][1]
    return addr.rpartition("@")[2] or "localhost"


def recipients(to: Sequence[str]) -> list[str]:
    """The bare addresses of `to` (display names dropped) for the SMTP envelope."""
    return [addr for _, addr in getaddresses(list(to)) if addr]


def send(settings: MailSettings, msg: EmailMessage, timeout: float = TIMEOUT_SECONDS) -> list[str]:
    """Deliver `msg` to its To addresses through the configured server; returns the envelope
    recipients. Every network call waits at most `timeout` seconds. Raises MailError."""
    to = recipients(msg.get_all("To", []))
    if not to:
        raise MailError("没有收件人")
    where = f"{settings.host}:{settings.port}（{settings.security}）"
    try:
        context = ssl.create_default_context()
        if settings.security == "ssl":
            server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with server:
            server.ehlo()
            if settings.security == "starttls":
                server.starttls(context=context)  # the TLS socket keeps the timeout
                server.ehlo()
            if settings.user:
                _login(server, settings.user, settings.password or "")
            refused = server.send_message(msg, from_addr=recipients([settings.mail_from])[0], to_addrs=to)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"邮件服务器 {where} 拒绝登录（用户 {settings.user}）：{exc.smtp_code} "
                        f"{_text(exc.smtp_error)}；请检查 SSSG_SMTP_USER / SSSG_SMTP_PASSWORD") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"邮件服务器 {where} 拒收全部收件人：{_refusals(exc.recipients)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        timed_out = isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc)
        kind = f"连接超时（{timeout:g} 秒内没有应答）" if timed_out else type(exc).__name__
        raise MailError(f"无法通过邮件服务器 {where}发送邮件：{kind}: {_text(exc) or '无详细信息'}"
                        "（请检查 SSSG_SMTP_HOST / SSSG_SMTP_PORT / SSSG_SMTP_SECURITY，以及服务器是否可达）") from None
    if refused:
        log.warning("mail: the server refused %s of %s recipients: %s", len(refused), len(to), _refusals(refused))
    accepted = [a for a in to if a not in refused]
    log.info("mail %r sent through %s to %s", msg["Subject"], where, ", ".join(accepted))
    return accepted


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login() sends ASCII only; a user or password with other characters (a Chinese
    password) goes as AUTH PLAIN in UTF-8 (RFC 4616), on the TLS connection."""
    if (user + password).isascii():
        server.login(user, password)
        return
    if "plain" not in server.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN, needed for a non-ASCII user or password")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = server.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return header_text(value, limit=300)


def _refusals(refused: dict) -> str:
    return "；".join(f"{addr}：{code} {_text(reply)}" for addr, (code, reply) in refused.items())


# --- reports ------------------------------------------------------------------------------------------

def report_subject(kind: str, period: str) -> str:
    """`抚顺市“双随机、一公开”监管工作月报（2026年11月）` / `…年度考核报告（2025年度）`."""
    if kind == "monthly":
        year, month = period.split("-")
        return f"{CITY}{PROGRAMME}监管工作月报（{int(year)}年{int(month)}月）"
    return f"{CITY}{PROGRAMME}监管工作年度考核报告（{int(period)}年度）"


def report_files(manifest: dict) -> list[tuple[str, bytes]]:
    """The files of the stored report version `manifest` describes, read from its folder and checked
    against the manifest's SHA-256 (what is attached is what is stored)."""
    folder = Path(manifest["folder"])
    out = []
    for f in manifest["files"]:
        data = (folder / f["name"]).read_bytes()
        if f.get("sha256") and hashlib.sha256(data).hexdigest() != f["sha256"]:
            raise MailError(f"报告文件 {folder / f['name']} 与其清单（manifest.json）的 SHA-256 不符，未发送")
        out.append((f["name"], data))
    return out


def report_body(manifest: dict, settings: MailSettings) -> str:
    b = manifest.get("batch") or {}
    period = manifest.get("period_label") or manifest["period"]
    missing = manifest.get("missing") or []
    files = "\n".join(f"  - {f['name']}（{FILE_KINDS.get(Path(f['name']).suffix.lower(), '附件')}，"
                      f"{_size(f.get('bytes'))}）" for f in manifest["files"])
    lines = [
        "各位领导、同事：",
        "",
        f"附件是{manifest.get('title') or report_subject(manifest['kind'], manifest['period'])}，"
        f"由数据仓库于 {manifest.get('generated_at', '')}（北京时间）自动生成。",
        "",
        f"报告期：{period}",
        f"数据截至：最新导出批次 {b.get('latest_batch_date') or '（无）'}，数据日期 {b.get('as_of_date') or '（无）'}；"
        f"看板数据于 {_beijing(b.get('published_at'))}（北京时间）发布（发布运行 {b.get('publish_run_id') or '（无）'}）",
    ]
    if missing:
        lines += ["", f"以下 {len(missing)} 部分缺少数据，报告中已注明："] + [f"  - {m}" for m in missing]
    else:
        lines += ["缺失数据：无"]
    lines += [
        "",
        "附件：",
        files,
        "",
        f"看板：{settings.dashboard_url}（「考核报告」页可下载本期及以往各期报告，其他页面可查看明细）",
        "",
        "本邮件由系统自动发送，请勿直接回复；对报告内容有疑问请联系联席会议办公室。",
    ]
    return "\n".join(lines) + "\n"


def _beijing(published_at: str | None) -> str:
    """The publish time as the reports and the dashboard write it (Asia/Shanghai)."""
    from serving import formatters
    return formatters.timestamp(published_at) if published_at else "（无）"


def _size(n: int | None) -> str:
    if not n:
        return "大小未知"
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def report_message(manifest: dict, settings: MailSettings) -> EmailMessage:
    return build_message(settings, settings.report_to, report_subject(manifest["kind"], manifest["period"]),
                         report_body(manifest, settings), report_files(manifest))


def send_report(manifest: dict, settings: MailSettings) -> dict:
    """E-mail a stored report to SSSG_REPORT_MAIL_TO; returns what was sent (for the step's metadata)."""
    msg = report_message(manifest, settings)
    accepted = send(settings, msg, timeout=REPORT_TIMEOUT_SECONDS)
    return {"mail_to": ", ".join(accepted), "mail_subject": msg["Subject"], "mail_message_id": msg["Message-ID"],
            "mail_sent_at": dt.datetime.now(TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "mail_attachments": ", ".join(f["name"] for f in manifest["files"])}


# --- python -m pipelines.mail --test ------------------------------------------------------------------

def trial_message(settings: MailSettings) -> EmailMessage:
    now = dt.datetime.now(TZ).strftime("%Y-%m-%d %H:%M:%S")
    body = (f"这是{CITY}{PROGRAMME}数据仓库的测试邮件（{now}，北京时间，主机 {socket.gethostname()}）。\n\n"
            f"收到此邮件，说明邮件设置可用：{settings.describe()}。\n"
            "数据管道运行失败时，告警会发到本地址（SSSG_ALERT_MAIL_TO）；"
            f"月报和年度报告会发给 SSSG_REPORT_MAIL_TO（{len(settings.report_to)} 个地址）。\n\n"
            "说明见 docs/operations.md 的「E-mail: reports and failure alerts」一节。\n")
    return build_message(settings, settings.alert_to, f"{CITY}{PROGRAMME}数据仓库：测试邮件", body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.mail", description="邮件设置：发送测试邮件")
    ap.add_argument("--test", action="store_true", help="send a test message to SSSG_ALERT_MAIL_TO")
    args = ap.parse_args(argv)
    if not args.test:
        ap.print_help()
        return 2
    try:
        settings = mail_settings()
    except MailSettingsError as exc:
        print(f"邮件设置有误：{exc}", file=sys.stderr)
        return 2
    if settings is None:
        print("未配置邮件：SSSG_SMTP_HOST 未设置，报告和告警都不会发送邮件", file=sys.stderr)
        return 2
    print(settings.describe())
    if not settings.alert_to:
        print("SSSG_ALERT_MAIL_TO 为空：没有告警收件人，测试邮件无处可发", file=sys.stderr)
        return 2
    if not settings.report_to:
        print("注意：SSSG_REPORT_MAIL_TO 为空，报告不会发送邮件")
    try:
        accepted = send(settings, trial_message(settings))
    except MailError as exc:
        print(f"发送失败：{exc}", file=sys.stderr)
        return 1
    print(f"测试邮件已发送给 {', '.join(accepted)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
