"""A real SMTP server on 127.0.0.1 for the e-mail tests (aiosmtpd's Controller): it keeps every message
it receives, parsed, with its envelope; optionally STARTTLS, implicit TLS and AUTH with a self-signed
certificate that the client trusts through SSL_CERT_FILE."""
from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

MAIL_ENV = ("SSSG_SMTP_HOST", "SSSG_SMTP_PORT", "SSSG_SMTP_SECURITY", "SSSG_SMTP_USER", "SSSG_SMTP_PASSWORD",
            "SSSG_MAIL_FROM", "SSSG_REPORT_MAIL_TO", "SSSG_ALERT_MAIL_TO", "SSSG_DASHBOARD_URL")
REPORT_TO = ["局长 <director@scjg.example.cn>", "office@scjg.example.cn"]
ALERT_TO = ["ops@scjg.example.cn"]



def configure(mp: pytest.MonkeyPatch, port: int, **extra: str) -> None:
    for name in MAIL_ENV:
        mp.delenv(name, raising=False)
    env = {"SSSG_SMTP_HOST": "127.0.0.1", "SSSG_SMTP_PORT": str(port), "SSSG_SMTP_SECURITY": "none",
           "SSSG_MAIL_FROM": "抚顺市双随机数据仓库 <sssg@scjg.example.cn>",
           "SSSG_REPORT_MAIL_TO": ", ".join(REPORT_TO), "SSSG_ALERT_MAIL_TO": ", ".join(ALERT_TO), **extra}
    for name, value in env.items():
        mp.setenv(name, value)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: email.message.EmailMessage


@dataclass
class Sink:
    port: int
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                                      email.message_from_bytes(raw, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((user, password))
            ok = (user, password) == ("sssg", "s3cret-口令")
            return AuthResult(success=ok, handled=False)  # on failure aiosmtpd answers 535 itself
        return AuthResult(success=False, handled=False)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(**smtp_kwargs) -> tuple[Sink, Controller]:
    sink = Sink(free_port())
    if smtp_kwargs.pop("auth", False):
        smtp_kwargs["authenticator"] = sink.authenticate
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **smtp_kwargs)
    controller.start()
    return sink, controller


@pytest.fixture
def smtp(monkeypatch):
    """A plain SMTP server (as an internal relay on port 25 would be) with the settings pointing at it;
    test modules import this fixture."""
    sink, controller = start()
    configure(monkeypatch, sink.port)
    yield sink
    controller.stop()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost / 127.0.0.1 and its key (openssl, about 0.1 s)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def attachments(message: email.message.EmailMessage) -> dict[str, tuple[str, bytes]]:
    """{file name: (MIME type, bytes)} of a received message's attachments."""
    return {part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()}
