"""The dashboard server: by default it listens on localhost only, with XSRF and CORS protection on and
no usage statistics sent. Streamlit reads .streamlit/config.toml from the folder it starts in, and
`make serve` starts it from the repository root, so the effective configuration is read there, by
Streamlit itself, in a fresh process (no other config in its way: HOME points at an empty folder)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

EXPECTED = {"server.address": "127.0.0.1", "server.enableXsrfProtection": True, "server.enableCORS": True,
            "browser.gatherUsageStats": False}


def effective_options(cwd: Path, home: Path) -> dict:
    code = ("import json; from streamlit import config; config.get_config_options(force_reparse=True); "
            f"print(json.dumps({{k: config.get_option(k) for k in {list(EXPECTED)!r}}}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(home)
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_streamlit_started_from_the_repository_root_binds_localhost_with_xsrf_protection(tmp_path):
    assert effective_options(REPO_ROOT, tmp_path) == EXPECTED


def test_the_config_file_states_the_protection_explicitly():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_make_serve_binds_localhost_unless_told_otherwise():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^HOST \?= 127\.0\.0\.1$", makefile, re.MULTILINE)
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "/sssg-dashboard --address $(HOST)" in recipe
    assert "enableXsrfProtection false" not in recipe and "enableCORS false" not in recipe
