"""Reports go out (issue 19 #4): the settings, the message, delivery through a real SMTP server on
127.0.0.1 (aiosmtpd) in plain, STARTTLS and implicit-TLS modes with a login, header injection, a server
that is down or silent, and the monthly and annual report assets e-mailing what they stored."""
from __future__ import annotations

import os
import ssl
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import smtp_sink
from smtp_sink import smtp  # noqa: F401 (the fixture)
from smtp_sink import ALERT_TO, MAIL_ENV, REPORT_TO, configure
from pipelines import mail
from pipelines.settings import MailSettingsError, mail_settings

SECRET = "s3cret-口令"


# --- settings -------------------------------------------------------------------------------------------

def test_without_a_host_mail_is_not_configured(monkeypatch):
    for name in MAIL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSSG_REPORT_MAIL_TO", "a@b.cn")
    assert mail_settings() is None


@pytest.mark.parametrize("security, port", [("starttls", 587), ("ssl", 465), ("none", 25), ("", 587)])
def test_the_port_defaults_to_the_security_mode(monkeypatch, security, port):
    configure(monkeypatch, 1, SSSG_SMTP_SECURITY=security)
    monkeypatch.delenv("SSSG_SMTP_PORT")
    settings = mail_settings()
    assert (settings.port, settings.security) == (port, security or "starttls")
    assert settings.report_to == tuple(REPORT_TO) and settings.alert_to == tuple(ALERT_TO)


@pytest.mark.parametrize("name, value, says", [
    ("SSSG_SMTP_PORT", "abc", "SSSG_SMTP_PORT='abc' 不是端口号"),
    ("SSSG_SMTP_PORT", "70000", "1–65535"),
    ("SSSG_SMTP_SECURITY", "tls", "SSSG_SMTP_SECURITY='tls' 无法识别：应为 starttls、ssl 或 none"),
    ("SSSG_MAIL_FROM", "", "SSSG_MAIL_FROM 应为一个发件地址"),
    ("SSSG_MAIL_FROM", "sssg at scjg", "SSSG_MAIL_FROM 中的 'sssg at scjg' 不是邮件地址"),
    ("SSSG_REPORT_MAIL_TO", "a@b.cn, not-an-address", "SSSG_REPORT_MAIL_TO 中的 'not-an-address' 不是邮件地址"),
    ("SSSG_ALERT_MAIL_TO", "a@b.cn; c@d.cn", "SSSG_ALERT_MAIL_TO 中的 'a@b.cn; c@d.cn' 不是邮件地址"),
    ("SSSG_ALERT_MAIL_TO", "ops@x.cn\r\nBcc: y@z.cn", "含有换行或控制字符"),
    ("SSSG_SMTP_HOST", "smtp.example.cn\r\nX: y", "不是主机名"),
    ("SSSG_SMTP_PASSWORD", "pw", "设置了 SSSG_SMTP_PASSWORD 却没有 SSSG_SMTP_USER"),
    ("SSSG_SMTP_USER", "sssg", "SSSG_SMTP_SECURITY=none 时不能登录"),
    ("SSSG_DASHBOARD_URL", "javascript:alert(1)", "不是 http(s) 网址"),
])
def test_bad_settings_are_refused_naming_the_variable(monkeypatch, name, value, says):
    configure(monkeypatch, 25)
    monkeypatch.setenv(name, value)
    with pytest.raises(MailSettingsError) as err:
        mail_settings()
    assert says in str(err.value)


def test_the_password_is_never_shown(monkeypatch):
    configure(monkeypatch, 587, SSSG_SMTP_SECURITY="starttls", SSSG_SMTP_USER="sssg", SSSG_SMTP_PASSWORD=SECRET)
    settings = mail_settings()
    assert SECRET not in repr(settings) and SECRET not in settings.describe()


# --- messages and delivery ------------------------------------------------------------------------------

def test_header_injection_stays_plain_text(smtp):
    """A unit name carrying a line break and a header ends up as words in the subject: no Bcc header,
    no extra recipient in the envelope."""
    settings = mail_settings()
    name = "新抚区\r\nBcc: attacker@evil.example\nX-Injected: 1"
    msg = mail.build_message(settings, ALERT_TO, f"{name} 未达标", f"单位：{name}\n",
                             [(f"报告\r\nBcc: x@y.cn.pdf", b"%PDF-1.7")])
    mail.send(settings, msg)
    got = smtp.wait_for(1)[0]
    assert got.rcpt_tos == ["ops@scjg.example.cn"]
    assert got.message["Bcc"] is None and got.message["X-Injected"] is None
    assert str(got.message["Subject"]) == "新抚区 Bcc: attacker@evil.example X-Injected: 1 未达标"
    assert b"\r\nBcc:" not in got.raw.split(b"\r\n\r\n", 1)[0]
    assert list(smtp_sink.attachments(got.message)) == ["报告 Bcc: x@y.cn.pdf"]
    body = got.message.get_body().get_content()
    assert "单位：新抚区\r\nBcc: attacker@evil.example\r\nX-Injected: 1" in body  # the body keeps the text as written


def test_the_cli_test_message_reaches_the_alert_list(smtp):
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pipelines.mail", "--test"], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=60)
    assert out.returncode == 0, out.stderr
    assert "测试邮件已发送给 ops@scjg.example.cn" in out.stdout
    got = smtp.wait_for(1)[0]
    assert got.rcpt_tos == ALERT_TO and got.mail_from == "sssg@scjg.example.cn"
    assert str(got.message["Subject"]) == "抚顺市“双随机、一公开”数据仓库：测试邮件"
    assert "邮件设置可用" in got.message.get_body().get_content()
    assert time.monotonic() - started < 30


def test_the_cli_says_what_is_missing(monkeypatch):
    for name in MAIL_ENV:
        monkeypatch.delenv(name, raising=False)
    out = subprocess.run([sys.executable, "-m", "pipelines.mail", "--test"], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=60)
    assert out.returncode == 2 and "SSSG_SMTP_HOST 未设置" in out.stderr


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    cert, key = smtp_sink.self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts it like a CA certificate installed system-wide
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return server


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(certificate, monkeypatch, caplog, security):
    # aiosmtpd offers AUTH on implicit TLS only with auth_require_tls off (it knows STARTTLS sessions only)
    kwargs = {"tls_context": certificate, "require_starttls": True, "auth_require_tls": True} \
        if security == "starttls" else {"ssl_context": certificate, "auth_require_tls": False}
    sink, controller = smtp_sink.start(auth=True, **kwargs)
    try:
        configure(monkeypatch, sink.port, SSSG_SMTP_HOST="localhost", SSSG_SMTP_SECURITY=security,
                  SSSG_SMTP_USER="sssg", SSSG_SMTP_PASSWORD=SECRET)
        caplog.set_level("DEBUG")
        settings = mail_settings()
        mail.send(settings, mail.trial_message(settings))
        assert sink.wait_for(1)[0].rcpt_tos == ALERT_TO
        assert sink.logins == [("sssg", SECRET)]
        monkeypatch.setenv("SSSG_SMTP_PASSWORD", "wrong")
        with pytest.raises(mail.MailError, match="拒绝登录（用户 sssg）") as err:
            mail.send(mail_settings(), mail.trial_message(mail_settings()))
        assert "wrong" not in str(err.value)
        assert SECRET not in caplog.text and "wrong" not in caplog.text
    finally:
        controller.stop()


def test_an_untrusted_certificate_is_refused(tmp_path, monkeypatch):
    cert, key = smtp_sink.self_signed(tmp_path)  # not in SSL_CERT_FILE: the client does not trust it
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    sink, controller = smtp_sink.start(tls_context=server, require_starttls=True)
    try:
        configure(monkeypatch, sink.port, SSSG_SMTP_SECURITY="starttls")
        with pytest.raises(mail.MailError, match="SSLCertVerificationError"):
            mail.send(mail_settings(), mail.trial_message(mail_settings()))
        assert sink.messages == []
    finally:
        controller.stop()


def test_a_server_that_is_down_fails_at_once(monkeypatch):
    configure(monkeypatch, smtp_sink.free_port())  # nothing listens there
    started = time.monotonic()
    with pytest.raises(mail.MailError, match=r"无法通过邮件服务器 127\.0\.0\.1:\d+（none）发送邮件：ConnectionRefusedError"):
        mail.send(mail_settings(), mail.trial_message(mail_settings()))
    assert time.monotonic() - started < 5


def test_a_silent_server_times_out(monkeypatch):
    """A server that accepts the connection and never greets: the client gives up after its timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        configure(monkeypatch, listener.getsockname()[1])
        started = time.monotonic()
        with pytest.raises(mail.MailError, match="连接超时（1 秒内没有应答）"):
            mail.send(mail_settings(), mail.trial_message(mail_settings()), timeout=1.0)
        assert 0.9 < time.monotonic() - started < 5


# --- the report assets ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def serving(e2e_run):
    """The serving artefact the end-to-end run published (simulated Fushun 2020-2021), read only."""
    return e2e_run["root"] / "serving" / "warehouse.duckdb"


@pytest.fixture
def report_env(serving, tmp_path, monkeypatch):
    """Reports read the end-to-end run's serving file and are stored under this test's data folder."""
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SSSG_SERVING_PATH", str(serving))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def materialize_report(kind: str, partition: str, instance=None):
    from dagster import DagsterInstance, materialize

    from pipelines.reports.dagster_defs import annual_report, monthly_report
    instance = instance or DagsterInstance.ephemeral()
    started = time.monotonic()
    result = materialize([monthly_report if kind == "monthly" else annual_report], partition_key=partition,
                         instance=instance, raise_on_error=False)
    return result, time.monotonic() - started


def stored(kind: str, period: str, root: Path) -> dict:
    from pipelines.reports import store
    return store.get_report(kind, period, root / "reports")


@pytest.mark.slow
def test_monthly_and_annual_reports_are_emailed_with_their_files(report_env, smtp):
    monthly, t_monthly = materialize_report("monthly", "2021-11-01")
    annual, t_annual = materialize_report("annual", "2021")
    assert monthly.success and annual.success
    got = smtp.wait_for(2)
    assert len(got) == 2
    expected = {
        "monthly": ("抚顺市“双随机、一公开”监管工作月报（2021年11月）", stored("monthly", "2021-11", report_env),
                    {"monthly-2021-11.pdf": "application/pdf",
                     "monthly-2021-11.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        "annual": ("抚顺市“双随机、一公开”监管工作年度考核报告（2021年度）", stored("annual", "2021", report_env),
                   {"annual-2021.pdf": "application/pdf",
                    "annual-2021.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "circular-2021-draft.docx":
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    }
    for received, (kind, (subject, manifest, types)) in zip(got, expected.items()):
        msg = received.message
        assert str(msg["Subject"]) == subject  # decoded from its encoded words
        assert "=?utf-8?" in received.raw.split(b"\r\n\r\n", 1)[0].decode("ascii").lower()  # sent 7-bit safe
        assert received.rcpt_tos == ["director@scjg.example.cn", "office@scjg.example.cn"]
        assert [a.addr_spec for a in msg["To"].addresses] == received.rcpt_tos
        assert msg["To"].addresses[0].display_name == "局长"
        assert msg["From"].addresses[0].addr_spec == "sssg@scjg.example.cn" == received.mail_from
        files = smtp_sink.attachments(msg)
        assert {name: mime for name, (mime, _) in files.items()} == types
        folder = Path(manifest["folder"])
        for name, (_, data) in files.items():
            assert data == (folder / name).read_bytes(), name  # byte for byte the stored version
        body = msg.get_body(preferencelist=("plain",)).get_content()
        batch = manifest["batch"]
        for text in (manifest["period_label"], str(batch["latest_batch_date"]), batch["publish_run_id"],
                     "http://127.0.0.1:8501", *manifest["files"][0]["name"].split()):
            assert text in body, (kind, text)
        assert ("缺失数据：无" in body) == (not manifest.get("missing"))
        for missing in manifest.get("missing", []):
            assert missing in body
    meta = monthly.asset_materializations_for_node("monthly_report")[0].metadata
    assert meta["mail_to"].value == "director@scjg.example.cn, office@scjg.example.cn"
    assert meta["mail_attachments"].value == "monthly-2021-11.pdf, monthly-2021-11.xlsx"
    print(f"\nmonthly report with e-mail {t_monthly:.1f} s, annual {t_annual:.1f} s")


@pytest.mark.slow
def test_without_smtp_the_report_is_stored_and_nothing_is_sent(report_env, smtp, monkeypatch):
    monkeypatch.delenv("SSSG_SMTP_HOST")  # the rest of the settings stay: only the host switches mail on
    result, _ = materialize_report("monthly", "2021-10-01")
    assert result.success
    manifest = stored("monthly", "2021-10", report_env)
    assert [f["name"] for f in manifest["files"]] == ["monthly-2021-10.pdf", "monthly-2021-10.xlsx"]
    meta = result.asset_materializations_for_node("monthly_report")[0].metadata
    assert meta["mail"].value == "未发送：未配置邮件（SSSG_SMTP_HOST 未设置）"
    time.sleep(0.5)
    assert smtp.messages == []


@pytest.mark.slow
def test_smtp_down_fails_the_step_within_seconds_and_keeps_the_files(report_env, monkeypatch):
    from dagster import DagsterInstance

    configure(monkeypatch, smtp_sink.free_port())  # nothing listens there
    instance = DagsterInstance.ephemeral()
    result, elapsed = materialize_report("monthly", "2021-09-01", instance)
    assert not result.success
    assert elapsed < 30  # generating takes a few seconds; the refused connection fails at once (no 60 s wait)
    failure = result.get_step_failure_events()[0]
    assert failure.step_key == "monthly_report"
    description = failure.event_specific_data.user_failure_data.description
    assert "报告已生成并保存，但邮件发送失败" in description
    assert "ConnectionRefusedError" in description and "SSSG_SMTP_PORT" in description
    meta = failure.event_specific_data.user_failure_data.metadata
    assert "邮件发送失败" in meta["mail"].text
    manifest = stored("monthly", "2021-09", report_env)
    assert meta["folder"].text == manifest["folder"]
    assert all(Path(f["path"]).stat().st_size == f["bytes"] for f in manifest["files"])
    generation = stored("monthly", "2021-09", report_env)["generated_at"]
    assert generation  # stored before the mail was tried
    print(f"\nreport with a refused SMTP connection failed after {elapsed:.1f} s")

    # The operators hear of it once the server is back: the failure sensor names the step and the fix.
    from dagster import build_run_status_sensor_context

    from pipelines import run_status
    from pipelines.alerts import run_failure_alert
    history_before = run_status.history(limit=1000)
    sink, controller = smtp_sink.start()
    try:
        monkeypatch.setenv("SSSG_SMTP_PORT", str(sink.port))
        context = build_run_status_sensor_context(sensor_name="run_failure_alert", dagster_instance=instance,
                                                  dagster_run=result.dagster_run,
                                                  dagster_event=result.get_run_failure_event())
        run_failure_alert(context)
        alert = sink.wait_for(1)[0]
    finally:
        controller.stop()
    assert alert.rcpt_tos == ALERT_TO
    assert "「生成并发送月报」失败" in str(alert.message["Subject"])
    body = alert.message.get_body().get_content()
    assert "monthly_report（生成并发送月报）" in body and "邮件发送失败" in body
    assert "docs/operations.md#e-mail-reports-and-failure-alerts" in body
    assert run_status.history(limit=1000) == history_before  # a report run is not a refresh: the run history is the refresh's
