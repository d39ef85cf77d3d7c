"""Whether the dashboard may serve at all, checked before Streamlit starts (dashboard/serve.py) and again
on every run (dashboard/auth.py, for a server started some other way). Pure: no Streamlit here.

Sign-in is Streamlit's own OpenID Connect (`st.login`, Authlib), configured in the [auth] section of
.streamlit/secrets.toml (template: .streamlit/secrets.example.toml). Without it the dashboard serves
only on a loopback address, to the operator at the machine.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path

from dashboard import roles

REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32


def is_loopback(address: str | None) -> bool:
    """Whether a bind address reaches this machine only: 127.0.0.0/8, ::1 or localhost. An empty
    address or 0.0.0.0 listens on every interface."""
    address = (address or "").strip().strip("[]")
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def configured(auth: Mapping | None) -> bool:
    """Whether an identity provider is configured (the [auth] section is there at all)."""
    return bool(auth)


def auth_problems(auth: Mapping) -> list[str]:
    """What is wrong with a present [auth] section."""
    problems = [f"[auth] {key} is missing" for key in REQUIRED_AUTH_KEYS if not str(auth.get(key) or "").strip()]
    secret = str(auth.get("cookie_secret") or "")
    if secret and len(secret) < MIN_COOKIE_SECRET:
        problems.append(f"[auth] cookie_secret is shorter than {MIN_COOKIE_SECRET} characters "
                        "(make one: python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    redirect = str(auth.get("redirect_uri") or "")
    if redirect and not redirect.rstrip("/").endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must end with /oauth2callback (the dashboard's own address + /oauth2callback)")
    try:
        import authlib  # noqa: F401  (st.login needs it)
    except ImportError:
        problems.append("Authlib is not installed (make setup installs it)")
    return problems


def startup_problems(address: str | None, auth: Mapping | None, access_path: Path | None = None) -> list[str]:
    """Every reason not to serve: an identity provider misconfigured, a non-loopback address without
    one, or an access file with mistakes. Empty when the dashboard may start."""
    problems: list[str] = []
    if configured(auth):
        problems += auth_problems(auth or {})
    elif not is_loopback(address):
        problems.append(
            f"refusing to serve on {address or 'every interface'!s} without an identity provider: anyone who "
            "reaches the port would read every county's and department's records. Configure sign-in in the "
            "[auth] section of .streamlit/secrets.toml (template .streamlit/secrets.example.toml; "
            "docs/security.md), or serve on 127.0.0.1 for the operator at this machine only.")
    try:
        roles.load_access_config(access_path)
    except roles.AccessConfigError as exc:
        problems += [f"access file {exc.path}: {p}" for p in exc.problems]
    return problems
