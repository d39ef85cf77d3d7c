"""A real OpenID Connect provider on localhost for the sign-in tests: panva/oidc-provider (OpenID
certified, from npm; tests/oidc/provider.mjs), with the accounts and the dashboard's client the test
gives, and the dashboard started through its launcher (sssg-dashboard) with a secrets file pointing at
it. Nothing here imitates a token: Streamlit's st.login (Authlib) talks to the provider as it would to
the city's identity platform."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.procs import stop_group

REPO_ROOT = Path(__file__).resolve().parents[1]
OIDC_DIR = REPO_ROOT / "tests" / "oidc"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_modules() -> Path:
    """tests/oidc/node_modules, installed from the lock file when missing or older (make test does this
    first; a test run on its own does it here)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail("Node.js and npm are needed for the sign-in tests (a real OpenID Connect provider): "
                    "apt-get install nodejs npm")
    stamp = OIDC_DIR / "node_modules" / ".installed"
    lock = OIDC_DIR / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True, timeout=600)
        stamp.touch()
    return OIDC_DIR / "node_modules"


def _wait_until(url: str, proc: subprocess.Popen, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            output = proc.stdout.read().decode(errors="replace")[-3000:] if proc.stdout else "(see the log)"
            raise RuntimeError(f"{what} exited with {proc.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not answer {url} within {timeout:.0f} s") from None
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    stop_group(proc)


@contextlib.contextmanager
def provider(folder: Path, accounts: dict[str, dict], client: dict):
    """The provider on a free port; yields its issuer URL (http://localhost:<port>)."""
    node_modules()
    port = free_port()
    (folder / "accounts.json").write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    (folder / "client.json").write_text(json.dumps(client), encoding="utf-8")
    proc = subprocess.Popen(["node", str(OIDC_DIR / "provider.mjs")], cwd=OIDC_DIR,
                            env={**os.environ, "OIDC_PORT": str(port), "OIDC_ACCOUNTS": str(folder / "accounts.json"),
                                 "OIDC_CLIENT": str(folder / "client.json")},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    issuer = f"http://localhost:{port}"
    try:
        _wait_until(f"{issuer}/.well-known/openid-configuration", proc, "oidc-provider")
        yield issuer
    finally:
        _stop(proc)


def secrets_file(folder: Path, issuer: str, port: int, client: dict) -> Path:
    """The dashboard's .streamlit/secrets.toml for this provider, as docs/security.md describes it."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(48)}"\n'
        f'client_id = "{client["client_id"]}"\n'
        f'client_secret = "{client["client_secret"]}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        # the platform's login page every time (this provider does not offer select_account), and the
        # scope that carries the role claims
        'client_kwargs = { prompt = "login", scope = "openid email profile sssg" }\n',
        encoding="utf-8")
    return path


@contextlib.contextmanager
def dashboard(port: int, secrets: Path, env: dict[str, str], log: Path, address: str = "127.0.0.1"):
    """The dashboard through its launcher (sssg-dashboard), its output in `log`; yields
    http://localhost:<port>."""
    launcher = Path(sys.executable).with_name("sssg-dashboard")
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(launcher), "--address", address, "--port", str(port), "--secrets", str(secrets)],
                                cwd=REPO_ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    url = f"http://localhost:{port}"
    try:
        _wait_until(f"http://127.0.0.1:{port}/_stcore/health", proc, f"the dashboard (log: {log})", timeout=90)
        yield url
    finally:
        _stop(proc)
