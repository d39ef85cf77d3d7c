"""deploy/ as a server would take it (docs/deployment.md).

- The systemd units pass `systemd-analyze verify` and `systemd-analyze security --offline` (under a
  threshold), and hold what the deployment promises (user, checkout, environment file, restart and
  stop behaviour, hardening, writable paths that cover the data folder).
  Substituted: in a temporary copy of the units, the checkout path /opt/sssg becomes this checkout,
  so that verify finds the real executables of this checkout's .venv (verify checks that every
  Exec*= command exists; WorkingDirectory=, EnvironmentFile= and User= are not checked by it).
  Nothing else of the units is changed.
- The nginx site passes `nginx -t` inside a minimal nginx.conf (temporary pid, log and temp paths)
  with a self-signed certificate made here by the openssl CLI. Substituted: the certificate and key
  paths. Then the same site really serves: nginx runs on free loopback ports (the listen ports and the
  two upstream addresses substituted; the IPv6 listens dropped) in front of stand-in backends, a real
  Streamlit started with the dashboard unit's own command, and a real Dagster webserver started with
  the webserver unit's own command.
- The environment example names every SSSG_* variable the code reads (and DAGSTER_HOME), so a new
  variable cannot go undocumented; deploy/sssg-exec reads it as systemd does.
- The units' commands agree with the ones `make run` / `make serve` start (Makefile, Procfile and
  deploy/supervisord.conf, each compared when the repository has it).

A Debian tool that is missing is installed through apt (as `make test` does from
tests/debian-packages.txt); a test skips, saying why, only when that is not possible.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SYSTEMD = DEPLOY / "systemd"
SITE = DEPLOY / "nginx" / "sssg.conf"
ENV_EXAMPLE = DEPLOY / "sssg.env.example"
CHECKOUT = "/opt/sssg"
SERVICES = ["sssg-dagster-daemon.service", "sssg-dagster-webserver.service", "sssg-dashboard.service"]
UNITS = [*SERVICES, "sssg.target"]
SERVER_NAME = "sssg.example.gov.cn"
# The address nginx proxies to, per unit, and what make run / make serve use by default.
DEFAULTS = {"HOST": "127.0.0.1", "PORT": "8501", "DAGSTER_PORT": "3000",
            "SSSG_HOST": "127.0.0.1", "SSSG_PORT": "8501", "SSSG_DAGSTER_PORT": "3000",
            "BIN": ".venv/bin", "SSSG_BIN": ".venv/bin"}


# ---------------------------------------------------------------- helpers

_install_attempts: dict[str, str] = {}


def debian_tool(command: str, package: str) -> str:
    """The path of a Debian tool; installed with apt when missing (once per session); else skip."""
    found = shutil.which(command) or (shutil.which(command, path="/usr/sbin:/sbin") if command == "nginx" else None)
    if found:
        return found
    if package not in _install_attempts:
        if not shutil.which("apt-get"):
            _install_attempts[package] = "no apt-get on this system"
        elif os.geteuid() != 0:
            _install_attempts[package] = "not root, so apt-get cannot install it here"
        else:
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            try:
                done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
                                      capture_output=True, text=True, env=env, timeout=600)
                if done.returncode != 0:
                    subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env, timeout=600)
                    done = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
                                          capture_output=True, text=True, env=env, timeout=600)
                _install_attempts[package] = (done.stderr.strip().splitlines() or ["apt-get failed"])[-1]
            except subprocess.TimeoutExpired:
                _install_attempts[package] = "apt-get timed out"
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")
    if found:
        return found
    pytest.skip(f"{command} is not installed and could not be installed ({_install_attempts[package]}): "
                f"apt-get install {package} (tests/debian-packages.txt) to run this check")


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as {section: [(key, value), ...]} (repeated keys kept in order)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        assert not line.endswith("\\"), f"{path.name}: continuation lines are not used in these units: {raw}"
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def values(unit, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def value(unit, section: str, key: str) -> str | None:
    found = values(unit, section, key)
    return found[-1] if found else None


def seconds(text: str) -> float:
    """A systemd time span (`180s`, `10min`, `1h`, `90`) in seconds."""
    total, units = 0.0, {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "ms": 0.001}
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text):
        total += float(number) * units[unit]
    return total


def env_example() -> dict[str, str]:
    """The variables the example sets (lines NAME=value; values unquoted as systemd reads them)."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith(("#", ";")):
            name, sep, rest = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), f"not NAME=value: {line!r}"
            found[name] = shlex.split(rest)[0] if rest.strip() else ""
    return found


def env_example_mentions() -> set[str]:
    """Every variable the example sets or shows commented out (#NAME=default)."""
    return set(re.findall(r"^[#;]?\s*([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))


def writable_paths(unit) -> list[str]:
    """Where the service may write under ProtectSystem=strict (plus PrivateTmp's /tmp)."""
    paths = [p.lstrip("-") for v in values(unit, "Service", "ReadWritePaths") for p in v.split()]
    for key, root in (("StateDirectory", "/var/lib"), ("CacheDirectory", "/var/cache"),
                      ("LogsDirectory", "/var/log"), ("RuntimeDirectory", "/run")):
        paths += [f"{root}/{d.split(':')[0]}" for v in values(unit, "Service", key) for d in v.split()]
    return paths


def under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def exec_start(unit) -> list[str]:
    return shlex.split(value(unit, "Service", "ExecStart"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- (a) systemd units

def test_units_pass_systemd_analyze_verify(tmp_path):
    tool = debian_tool("systemd-analyze", "systemd")
    for name in UNITS:
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        # the only substitution: the checkout path, so verify finds this checkout's executables
        (tmp_path / name).write_text(text.replace(CHECKOUT + "/", f"{REPO}/"), encoding="utf-8")
    for name in SERVICES:
        for command in values(parse_unit(tmp_path / name), "Service", "ExecStart"):
            assert Path(shlex.split(command)[0]).exists(), f"{name}: {command} (run make setup first)"
    done = subprocess.run([tool, "verify", "--man=no", *[str(tmp_path / n) for n in UNITS]],
                          capture_output=True, text=True, timeout=120)
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, output
    # verify reports unknown keys, bad values and missing units as warnings with exit status 0
    ours = [line for line in output.splitlines() if "sssg" in line]
    assert not ours, "\n".join(ours)


def test_units_pass_systemd_analyze_security(tmp_path):
    """The offline exposure score of each service stays low (below 2.5 of 10; 1.8-1.9 when written)."""
    tool = debian_tool("systemd-analyze", "systemd")
    for name in SERVICES:
        (tmp_path / name).write_text((SYSTEMD / name).read_text(encoding="utf-8"), encoding="utf-8")
        done = subprocess.run([tool, "security", "--offline=yes", "--threshold=25", "--no-pager",
                               str(tmp_path / name)], capture_output=True, text=True, timeout=120)
        overall = [line for line in done.stdout.splitlines() if "Overall exposure" in line]
        assert done.returncode == 0, f"{name}: {overall or done.stdout[-2000:] + done.stderr}"


def test_units_hold_the_deployment():
    units = {name: parse_unit(SYSTEMD / name) for name in UNITS}
    target = units["sssg.target"]
    assert set(" ".join(values(target, "Unit", "Wants")).split()) == set(SERVICES)
    assert value(target, "Install", "WantedBy") == "multi-user.target"
    env = env_example()
    for name in SERVICES:
        unit = units[name]
        service = dict(unit["Service"])
        assert value(unit, "Unit", "PartOf") == "sssg.target", name
        assert (service["User"], service["Group"]) == ("sssg", "sssg"), name
        assert service["WorkingDirectory"] == CHECKOUT, name
        assert service["EnvironmentFile"] == "/etc/sssg/sssg.env", name
        assert exec_start(unit)[0].startswith(f"{CHECKOUT}/.venv/bin/"), name
        environment = dict(v.split("=", 1) for v in values(unit, "Service", "Environment"))
        assert environment["PATH"].split(":")[0] == f"{CHECKOUT}/.venv/bin", f"{name}: dagster runs dbt from PATH"
        # restarts, but not for ever
        assert service["Restart"] == "on-failure", name
        assert 1 <= seconds(service["RestartSec"]) <= 60, name
        assert seconds(value(unit, "Unit", "StartLimitIntervalSec")) >= 60, name
        assert 3 <= int(value(unit, "Unit", "StartLimitBurst")) <= 10, name
        assert service["KillSignal"] == "SIGTERM" and seconds(service["TimeoutStopSec"]) >= 10, name
        assert service.get("StandardOutput", "journal") == "journal", name
        # hardening
        for key, expected in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                              "ProtectHome": "yes"}.items():
            assert service.get(key) == expected, f"{name}: {key}"
        # a writable HOME (Chromium, fontconfig, Streamlit caches) that is not the checkout
        writable = writable_paths(unit)
        assert under(environment["HOME"], writable), f"{name}: HOME {environment['HOME']} is not writable"
        assert not under(environment["HOME"], [CHECKOUT]), name
        assert not under(CHECKOUT, writable), f"{name}: the checkout must stay read-only"
    daemon = units["sssg-dagster-daemon.service"]
    # the daemon's runs write the warehouse, the serving file, the reports, Dagster's storage, the
    # backups and dbt's run folders
    for variable in ("SSSG_DATA_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH", "DAGSTER_HOME", "SSSG_BACKUP_DIR"):
        assert under(env[variable], writable_paths(daemon)), f"daemon cannot write {variable}={env[variable]}"
    assert under(f"{CHECKOUT}/dbt_project/target/x", writable_paths(daemon))
    assert under(env["DAGSTER_HOME"], writable_paths(units["sssg-dagster-webserver.service"]))
    # the dashboard only reads the data folder
    assert not under(env["SSSG_DATA_DIR"], writable_paths(units["sssg-dashboard.service"]))
    # stopping the daemon interrupts its runs with SIGTERM (Dagster rolls them back and marks them),
    # with time to do so before SIGKILL
    assert value(daemon, "Service", "KillMode") == "control-group"
    assert seconds(value(daemon, "Service", "TimeoutStopSec")) >= 120
    # the Dagster instance (run queue) is the committed template, installed before either process starts
    for name in ("sssg-dagster-daemon.service", "sssg-dagster-webserver.service"):
        pre = values(units[name], "Service", "ExecStartPre")
        assert "/usr/bin/cp deploy/dagster.yaml ${DAGSTER_HOME}/dagster.yaml" in pre, name
    assert "sssg-dagster-daemon.service" in value(units["sssg-dagster-webserver.service"], "Unit", "After")
    # each process on loopback, on the port nginx proxies to
    site = SITE.read_text(encoding="utf-8")
    for name, port in (("sssg-dagster-webserver.service", "3000"), ("sssg-dashboard.service", "8501")):
        assert f"server 127.0.0.1:{port};" in site
        argv = exec_start(units[name])
        assert "127.0.0.1" in argv and port in argv, name
    assert exec_start(units["sssg-dagster-webserver.service"])[-2:] == ["--path-prefix", "/dagster"]


# ---------------------------------------------------------------- (b) nginx site

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = debian_tool("openssl", "openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={SERVER_NAME}",
                    "-addext", f"subjectAltName=DNS:{SERVER_NAME}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


def nginx_conf(folder: Path, site_text: str) -> Path:
    """A minimal nginx.conf around the site, with every path nginx writes inside `folder`."""
    (folder / "sssg.conf").write_text(site_text, encoding="utf-8")
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind}_temp;"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # the workers read the files of this 0700 folder
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    access_log {folder}/access.log;
{temp}
    include {folder}/sssg.conf;
}}
""", encoding="utf-8")
    return conf


def site_with(cert: Path, key: Path, **replacements: str) -> str:
    text = SITE.read_text(encoding="utf-8")
    text = text.replace("/etc/ssl/sssg/fullchain.pem", str(cert)).replace("/etc/ssl/sssg/privkey.pem", str(key))
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_nginx_site_passes_nginx_t(tmp_path, certificate):
    nginx = debian_tool("nginx", "nginx")
    conf = nginx_conf(tmp_path, site_with(*certificate))
    done = subprocess.run([nginx, "-t", "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "syntax is ok" in output and "test is successful" in output, output
    assert "[warn]" not in output and "[emerg]" not in output, output


def test_nginx_site_settings():
    """What the site promises, read from the file (the live test below shows it in action)."""
    site = SITE.read_text(encoding="utf-8")
    assert re.search(r"ssl_protocols\s+TLSv1\.2 TLSv1\.3;", site)
    assert "return 301 https://$host$request_uri;" in site
    assert re.search(r'add_header Strict-Transport-Security "max-age=(\d+)" always;', site)
    assert int(re.search(r"max-age=(\d+)", site).group(1)) >= 31536000
    # the dashboard's websocket, the Dagster UI's prefix and restriction
    assert "location = /_stcore/stream" in site and "location /dagster/" in site
    dagster = site[site.index("location /dagster/"):]
    assert "satisfy all;" in dagster and "deny all;" in dagster and "auth_basic_user_file" in dagster
    # every add_header and proxy_set_header at server level: one inside a location would silently drop
    # all the others there (a websocket location that set only Upgrade lost Host, and Streamlit refused it)
    code = re.sub(r"#[^\n]*", "", site)
    for block in re.findall(r"\blocation [^{]*\{[^}]*\}", code):
        assert "add_header" not in block and "proxy_set_header" not in block, block


class Backend(threading.Thread):
    """A stand-in for Streamlit or Dagster: answers every request with a JSON echo of what it got
    (websocket handshakes with 101, then the echo as the first bytes through the tunnel)."""

    def __init__(self, name: str):
        super().__init__(daemon=True)
        self.name_ = name
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]

    def run(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
            length = int(headers.get("content-length", 0))
            while len(body) < length:
                body += conn.recv(65536)
            echo = json.dumps({"backend": self.name_, "request": request_line, "headers": headers}).encode()
            if headers.get("upgrade", "").lower() == "websocket":
                accept = base64.b64encode(hashlib.sha1(headers["sec-websocket-key"].encode()
                                                       + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()).decode()
                conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode() + echo)
                time.sleep(0.5)
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         + f"Content-Length: {len(echo)}\r\nConnection: close\r\n\r\n".encode() + echo)

    def close(self):
        self.server.close()


class Nginx:
    """nginx in the foreground on two free loopback ports with the site (listen and upstream substituted)."""

    def __init__(self, folder: Path, certificate, dashboard_port: int, dagster_port: int, htpasswd: Path):
        self.http, self.https = free_port(), free_port()
        text = site_with(*certificate, **{
            "    listen 80;\n": f"    listen 127.0.0.1:{self.http};\n",
            "    listen [::]:80;\n": "",
            "    listen 443 ssl;\n": f"    listen 127.0.0.1:{self.https} ssl;\n",
            "    listen [::]:443 ssl;\n": "",
            "server 127.0.0.1:8501;": f"server 127.0.0.1:{dashboard_port};",
            "server 127.0.0.1:3000;": f"server 127.0.0.1:{dagster_port};",
            "/etc/nginx/sssg-dagster.htpasswd": str(htpasswd),
        })
        self.folder = folder
        conf = nginx_conf(folder, text)
        self.process = subprocess.Popen([debian_tool("nginx", "nginx"), "-p", f"{folder}/", "-e",
                                         str(folder / "error.log"), "-c", str(conf), "-g", "daemon off;"],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.https), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start: {self.process.stdout.read().decode()}"
                                         f"{(folder / 'error.log').read_text() if (folder / 'error.log').exists() else ''}")
                time.sleep(0.1)
        self.context = ssl.create_default_context(cafile=str(certificate[0]))
        self.context.check_hostname = False  # connecting to 127.0.0.1; the name is sent as SNI and Host

    def request(self, method: str, path: str, headers=None, body=None, source="127.0.0.1", tls=True,
                timeout=30):
        cls = http.client.HTTPSConnection if tls else http.client.HTTPConnection
        kwargs = {"context": self.context} if tls else {}
        conn = cls("127.0.0.1", self.https if tls else self.http, timeout=timeout,
                   source_address=(source, 0), **kwargs)
        try:
            conn.request(method, path, body=body, headers={"Host": SERVER_NAME, **(headers or {})})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def websocket(self, path: str, headers=None, timeout=30) -> tuple[str, bytes]:
        """A websocket handshake through nginx: the status line and the bytes read after the head."""
        raw = socket.create_connection(("127.0.0.1", self.https), timeout=timeout)
        with self.context.wrap_socket(raw, server_hostname=SERVER_NAME) as tls:
            key = base64.b64encode(os.urandom(16)).decode()
            extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
            tls.sendall((f"GET {path} HTTP/1.1\r\nHost: {SERVER_NAME}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                         f"Origin: https://{SERVER_NAME}\r\n{extra}\r\n").encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.1 101"):
                tls.settimeout(2)
                try:
                    while len(rest) < 64 * 1024:
                        chunk = tls.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                except (TimeoutError, socket.timeout, ssl.SSLError):
                    pass
            return head.decode("latin-1").split("\r\n")[0], rest

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def htpasswd(tmp_path):
    """An operator's account made as docs/deployment.md says (openssl passwd -6)."""
    openssl = debian_tool("openssl", "openssl")
    hashed = subprocess.run([openssl, "passwd", "-6", "-stdin"], input="s3cret-operator\n", capture_output=True,
                            text=True, check=True).stdout.strip()
    path = tmp_path / "sssg-dagster.htpasswd"
    path.write_text(f"operator:{hashed}\n", encoding="utf-8")
    return path


OPERATOR = {"Authorization": "Basic " + base64.b64encode(b"operator:s3cret-operator").decode()}


def forwarded(echo: dict):
    """The backend learns the original request: the name the browser used, https, the client."""
    headers = echo["headers"]
    assert headers["host"] == SERVER_NAME and headers["x-forwarded-host"] == SERVER_NAME, headers
    assert headers["x-forwarded-proto"] == "https" and headers["x-real-ip"] == "127.0.0.1", headers
    assert headers["x-forwarded-for"] == "127.0.0.1", headers


def test_nginx_site_serves_as_documented(tmp_path, certificate, htpasswd):
    dashboard, dagster = Backend("dashboard"), Backend("dagster")
    dashboard.start(), dagster.start()
    server = Nginx(tmp_path, certificate, dashboard.port, dagster.port, htpasswd)
    try:
        # HTTP -> HTTPS, path and query kept; ACME challenges answered over HTTP
        status, headers, _ = server.request("GET", "/views/ranking?lang=en", tls=False)
        assert status == 301 and headers["location"] == f"https://{SERVER_NAME}/views/ranking?lang=en"
        status, _, _ = server.request("GET", "/.well-known/acme-challenge/x", tls=False)
        assert status == 404  # served from the webroot (empty here), not redirected

        # the dashboard at /, with what it needs to know about the request, and the security headers
        status, headers, body = server.request("GET", "/?year=2024")
        echo = json.loads(body)
        assert status == 200 and echo["backend"] == "dashboard" and echo["request"] == "GET /?year=2024 HTTP/1.1"
        forwarded(echo)
        assert headers["strict-transport-security"] == "max-age=63072000"
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
        assert "server" not in headers or "nginx/" not in headers["server"]  # no version

        # the dashboard's websocket is upgraded and tunnelled
        status_line, after = server.websocket("/_stcore/stream")
        assert status_line.startswith("HTTP/1.1 101"), status_line
        echo = json.loads(after)
        assert echo["backend"] == "dashboard" and echo["request"].startswith("GET /_stcore/stream ")
        assert echo["headers"]["upgrade"] == "websocket" and echo["headers"]["connection"].lower() == "upgrade"
        forwarded(echo)
        # a plain request is not sent as an upgrade
        _, _, body = server.request("GET", "/_stcore/health")
        assert "upgrade" not in json.loads(body)["headers"]

        # the Dagster UI: account and network required; the /dagster prefix kept for --path-prefix
        status, headers, _ = server.request("GET", "/dagster/runs")
        assert status == 401 and "www-authenticate" in headers
        status, _, _ = server.request("GET", "/dagster/runs", headers={
            "Authorization": "Basic " + base64.b64encode(b"operator:wrong").decode()})
        assert status == 401
        status, _, body = server.request("GET", "/dagster/runs?x=1", headers=OPERATOR)
        echo = json.loads(body)
        assert status == 200 and echo["backend"] == "dagster" and echo["request"] == "GET /dagster/runs?x=1 HTTP/1.1"
        forwarded(echo)
        status_line, after = server.websocket("/dagster/graphql", headers=OPERATOR)
        assert status_line.startswith("HTTP/1.1 101") and json.loads(after)["backend"] == "dagster"
        forwarded(json.loads(after))
        status, headers, _ = server.request("GET", "/dagster")
        assert status == 301 and headers["location"].endswith("/dagster/")
        # from outside the allowed networks (127.0.0.2 is not in the list), even with the account
        status, _, _ = server.request("GET", "/dagster/runs", headers=OPERATOR, source="127.0.0.2")
        assert status == 403
        # ... while the dashboard answers everyone
        status, _, _ = server.request("GET", "/", source="127.0.0.2")
        assert status == 200

        # request bodies are capped
        status, _, _ = server.request("POST", "/", body=b"x" * (11 * 1024 * 1024),
                                      headers={"Content-Type": "application/octet-stream"})
        assert status == 413
    finally:
        server.stop()
        dashboard.close(), dagster.close()


def unit_command(name: str, port: int) -> list[str]:
    """A unit's ExecStart, as it runs from this checkout, on another port."""
    argv = exec_start(parse_unit(SYSTEMD / name))
    argv[0] = argv[0].replace(CHECKOUT + "/", f"{REPO}/")
    default = {"sssg-dashboard.service": "8501", "sssg-dagster-webserver.service": "3000"}[name]
    return [str(port) if a == default else a for a in argv]


def wait_for(server: Nginx, path: str, headers=None, timeout=90, process=None) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        status, response_headers, body = server.request("GET", path, headers=headers)
        if status == 200:
            return status, response_headers, body
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            output = process.stdout.read().decode(errors="replace")[-3000:] if process and process.poll() is not None else ""
            raise AssertionError(f"{path}: {status} {body[:300]!r} {output}")
        time.sleep(0.5)


def start(argv: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen):
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def service_env(tmp_path: Path) -> dict:
    data = tmp_path / "data"
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("SSSG_", "DAGSTER_"))},
            "SSSG_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster_home"), "HOME": str(tmp_path / "home"),
            "PATH": f"{REPO}/.venv/bin:{os.environ.get('PATH', '')}", "PYTHONUNBUFFERED": "1"}


def test_real_dashboard_behind_nginx(tmp_path, certificate, htpasswd):
    """Streamlit, started with the dashboard unit's command, answers through the site: the page, its
    health check and its websocket (Streamlit checks the websocket's Origin against the Host)."""
    port = free_port()
    env = service_env(tmp_path)
    (tmp_path / "home").mkdir()
    dashboard = start(unit_command("sssg-dashboard.service", port), env)
    (tmp_path / "nginx").mkdir()
    server = Nginx(tmp_path / "nginx", certificate, port, free_port(), htpasswd)
    try:
        _, _, body = wait_for(server, "/_stcore/health", process=dashboard)
        assert body == b"ok"
        status, headers, body = server.request("GET", "/")
        assert status == 200 and b"<noscript>" in body and "strict-transport-security" in headers
        status_line, _ = server.websocket("/_stcore/stream")
        assert status_line.startswith("HTTP/1.1 101"), status_line
    finally:
        server.stop()
        stop(dashboard)


def test_real_dagster_ui_behind_nginx(tmp_path, certificate, htpasswd):
    """The Dagster webserver, started with its unit's command, serves its UI under /dagster/ through
    the site, to an operator only."""
    port = free_port()
    env = service_env(tmp_path)
    (tmp_path / "home").mkdir()
    Path(env["DAGSTER_HOME"]).mkdir(parents=True)
    webserver = start(unit_command("sssg-dagster-webserver.service", port), env)
    (tmp_path / "nginx").mkdir()
    server = Nginx(tmp_path / "nginx", certificate, free_port(), port, htpasswd)
    try:
        _, _, body = wait_for(server, "/dagster/server_info", headers=OPERATOR, process=webserver)
        assert "dagster_webserver_version" in json.loads(body)
        status, _, body = server.request("GET", "/dagster/", headers=OPERATOR)
        assert status == 200 and b'/dagster/' in body  # its pages and assets are addressed under the prefix
        status, _, _ = server.request("GET", "/dagster/server_info")
        assert status == 401
    finally:
        server.stop()
        stop(webserver)


# ---------------------------------------------------------------- (c) the environment example

CODE_FOLDERS = ("pipelines", "serving", "dashboard")
VARIABLE = re.compile(r"(?:SSSG_[A-Z0-9_]*[A-Z0-9]|DAGSTER_HOME)")  # a whole name, not a prefix such as "SSSG_SMTP_"


def variables_the_code_reads() -> dict[str, set[str]]:
    """SSSG_* names (and DAGSTER_HOME) in the code: every string constant that is exactly such a name
    in the Python packages (os.environ.get("X"), os.getenv("X"), NAME_ENV = "X", ...) and every
    env_var('X') of the dbt project."""
    found: dict[str, set[str]] = {}
    for folder in CODE_FOLDERS:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and VARIABLE.fullmatch(node.value):
                    found.setdefault(node.value, set()).add(str(path.relative_to(REPO)))
    for path in (REPO / "dbt_project").rglob("*"):
        if path.suffix in (".yml", ".yaml", ".sql") and not {"target", "logs", "dbt_packages"} & set(path.parts):
            for name in re.findall(r"env_var\(\s*['\"]([A-Z0-9_]+)['\"]", path.read_text(encoding="utf-8")):
                if VARIABLE.fullmatch(name):
                    found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


def test_env_example_documents_every_variable_the_code_reads():
    read = variables_the_code_reads()
    # the scan itself works: it finds the variables known to be read in each place
    assert {"SSSG_DATA_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_INGEST_MEMORY_LIMIT", "SSSG_DBT_MEMORY_LIMIT"} <= set(read)
    missing = {name: sorted(where) for name, where in read.items() if name not in env_example_mentions()}
    assert not missing, f"add these to deploy/sssg.env.example (with a comment): {missing}"


def test_env_example_sets_what_the_services_need():
    env = env_example()
    wanted = ["SSSG_DATA_DIR", "SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH", "DAGSTER_HOME",
              "SSSG_SMTP_HOST", "SSSG_SMTP_PORT", "SSSG_SMTP_SECURITY", "SSSG_SMTP_USER", "SSSG_SMTP_PASSWORD",
              "SSSG_MAIL_FROM", "SSSG_REPORT_MAIL_TO", "SSSG_ALERT_MAIL_TO", "SSSG_DASHBOARD_URL", "SSSG_BACKUP_DIR",
              "SSSG_BACKUP_KEEP"]
    assert not [n for n in wanted if n not in env], [n for n in wanted if n not in env]
    data = env["SSSG_DATA_DIR"]
    assert env["SSSG_LANDING_DIR"] == f"{data}/landing"
    assert env["SSSG_WAREHOUSE_PATH"] == f"{data}/warehouse.duckdb"
    assert env["SSSG_SERVING_PATH"] == f"{data}/serving/warehouse.duckdb"
    assert env["DAGSTER_HOME"] == f"{data}/dagster_home"
    assert env["SSSG_SMTP_SECURITY"] in ("starttls", "ssl", "none")
    assert env["SSSG_SMTP_PASSWORD"] == "", "no secret in the example"
    assert env["SSSG_DASHBOARD_URL"] == f"https://{SERVER_NAME}/", "the links in the e-mails: the nginx site's name"
    for name, text in env.items():
        assert "$" not in text, f"{name}: systemd does not expand variables in an EnvironmentFile"
        if name.endswith("_MAIL_TO"):
            assert " " not in text and all("@" in a for a in text.split(",")), name


def test_sssg_exec_reads_the_env_file_as_systemd_does(tmp_path):
    env_file = tmp_path / "sssg.env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8")
                        + "SSSG_SMTP_PASSWORD='pa ss$word#1;x'\n", encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SSSG_", "DAGSTER_"))}
    done = subprocess.run([str(DEPLOY / "sssg-exec"), sys.executable, "-c",
                           "import json, os; print(json.dumps([os.getcwd(), dict(os.environ)]))"],
                          env={**clean, "SSSG_ENV_FILE": str(env_file)}, capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    cwd, seen = json.loads(done.stdout)
    assert Path(cwd) == REPO
    assert seen["PATH"].split(":")[0] == f"{REPO}/.venv/bin"
    expected = {**env_example(), "SSSG_SMTP_PASSWORD": "pa ss$word#1;x"}
    assert {k: seen.get(k) for k in expected} == expected
    # without a readable file it says so
    done = subprocess.run([str(DEPLOY / "sssg-exec"), "true"], env={**clean, "SSSG_ENV_FILE": str(tmp_path / "no")},
                          capture_output=True, text=True)
    assert done.returncode == 1 and "cannot read" in done.stderr


# ---------------------------------------------------------------- (d) the same commands as make run

def normalise(command: str) -> list[str]:
    """A command of the Makefile, Procfile or supervisord.conf with its variables at make run's defaults."""
    command = re.sub(r"%\(ENV_(\w+)\)s|\$\{(\w+)\}|\$\((\w+)\)|\$(\w+)",
                     lambda m: DEFAULTS.get(next(g for g in m.groups() if g), m.group(0)), command)
    return shlex.split(command)


def same_command(unit_name: str, reference: list[str], where: str, only_prefixes: tuple[str, ...] = ()):
    argv = exec_start(parse_unit(SYSTEMD / unit_name))
    if unit_name == "sssg-dagster-webserver.service":
        argv = argv[:-2]  # --path-prefix /dagster: behind nginx only
    assert Path(argv[0]).name == Path(reference[0]).name, f"{unit_name} vs {where}: {argv[0]} / {reference[0]}"
    assert argv[0] == f"{CHECKOUT}/.venv/bin/{Path(reference[0]).name}"
    ours, theirs = argv[1:], reference[1:]
    if only_prefixes:
        def pick(args):
            picked = []
            for i, a in enumerate(args):
                if a.startswith(only_prefixes):
                    picked += [a, args[i + 1]] if "=" not in a and i + 1 < len(args) else [a]
            return picked
        ours, theirs = pick(ours), pick(theirs)
    assert ours == theirs, f"{unit_name} and {where} differ:\n  unit: {shlex.join(ours)}\n  {where}: {shlex.join(theirs)}"


EXECUTABLES = {"dagster-daemon": "sssg-dagster-daemon.service", "dagster-webserver": "sssg-dagster-webserver.service",
               "sssg-dashboard": "sssg-dashboard.service"}


def test_units_run_what_make_serve_runs():
    """The Makefile's `serve` (the dashboard alone): the same launcher (sssg-dashboard, which checks the
    access configuration, then runs Streamlit) and the same --address and --port. Display and server
    settings belong in .streamlit/config.toml, which both read from the checkout."""
    make = shutil.which("make")
    if not make:
        pytest.skip("make is not installed: apt-get install make")
    done = subprocess.run([make, "-n", "--no-print-directory", "serve"], cwd=REPO, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k not in ("HOST", "PORT")}, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.replace("\\\n", " ").splitlines() if "/sssg-dashboard " in line]
    assert len(lines) == 1, done.stdout
    same_command("sssg-dashboard.service", normalise(lines[0]), "make serve",
                 only_prefixes=("--address", "--port"))


def test_units_run_what_make_run_runs():
    """`make run`'s process definitions (Procfile and/or deploy/supervisord.conf, where the repository
    has them): the same three executables with the same flags."""
    references: list[tuple[str, str]] = []
    procfile = REPO / "Procfile"
    if procfile.exists():
        for line in procfile.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                references.append((line.split(":", 1)[1].strip(), "Procfile"))
    supervisord = DEPLOY / "supervisord.conf"
    if supervisord.exists():
        import configparser
        parser = configparser.RawConfigParser(inline_comment_prefixes=(";",))
        parser.read(supervisord, encoding="utf-8")
        references += [(parser[s]["command"], f"supervisord.conf [{s}]")
                       for s in parser.sections() if s.startswith("program:")]
    if not references:
        pytest.skip("neither Procfile nor deploy/supervisord.conf in this checkout: nothing to compare yet")
    covered = set()
    for command, where in references:
        argv = normalise(command)
        unit = EXECUTABLES.get(Path(argv[0]).name)
        assert unit, f"{where} runs {argv[0]}, which no unit in deploy/systemd runs"
        same_command(unit, argv, where)
        covered.add(unit)
    assert covered == set(SERVICES), f"make run does not run {set(SERVICES) - covered}"


# ---------------------------------------------------------------- the documentation

def test_deployment_doc_covers_the_files():
    doc = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in [*UNITS, "deploy/nginx/sssg.conf", "deploy/sssg.env.example", "deploy/sssg-exec",
                 "journalctl", "make check", "127.0.0.1:8501", "127.0.0.1:3000", "/dagster/", "--full-refresh",
                 "operations.md#backups-and-restore"]:
        assert name in doc, name
