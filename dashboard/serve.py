"""Start the dashboard server, or refuse to with the reasons (exit status 2): the way `make serve`,
`make run` (deploy/supervisord.conf) and the systemd unit start it.

    python -m dashboard.serve --address 127.0.0.1 --port 8501 [--secrets FILE] [-- streamlit flags]

It checks what dashboard/signin.py checks (an identity provider configured, or a loopback address; the
access file) before Streamlit starts, so a misconfigured server never listens; then it becomes
`streamlit run dashboard/app.py` with the same address, port and secrets file. The app checks again on
every run, for a server started some other way.
"""
from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

from dashboard import roles, signin

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SECRETS = REPO_ROOT / ".streamlit" / "secrets.toml"


def read_auth(secrets: Path) -> dict:
    """The [auth] section of a secrets file; {} when the file or the section is absent."""
    if not secrets.exists():
        return {}
    try:
        return dict(tomllib.loads(secrets.read_text(encoding="utf-8")).get("auth") or {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"dashboard: {secrets} cannot be read as TOML: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--secrets", type=Path, default=Path(os.environ.get("SSSG_SECRETS_FILE") or DEFAULT_SECRETS),
                        help="Streamlit secrets file with the [auth] section (default .streamlit/secrets.toml)")
    parser.add_argument("--check", action="store_true", help="check the configuration and exit")
    parser.add_argument("streamlit_args", nargs="*", help="further `streamlit run` flags, after --")
    args = parser.parse_args(argv)

    auth = read_auth(args.secrets)
    problems = signin.startup_problems(args.address, auth, roles.access_file())
    if problems:
        print("dashboard: not starting:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    mode = (f"sign-in through {auth.get('server_metadata_url')}" if signin.configured(auth)
            else "operator mode (no identity provider: this machine only)")
    print(f"dashboard: http://{args.address}:{args.port}  {mode}", flush=True)
    if args.check:
        return 0
    streamlit = Path(sys.executable).with_name("streamlit")
    command = [str(streamlit), "run", str(REPO_ROOT / "dashboard" / "app.py"),
               "--server.address", args.address, "--server.port", str(args.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--secrets.files", str(args.secrets.resolve()), *args.streamlit_args]
    os.chdir(REPO_ROOT)  # Streamlit reads .streamlit/config.toml from the folder it starts in
    os.execv(command[0], command)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
