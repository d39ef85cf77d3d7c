"""The reader of each run, established by the router before any page or query: sign-in through the
city's identity platform (OpenID Connect, Streamlit's st.login), or, with none configured, the
operator at this machine on a loopback address. Everything else (a refusal, the sign-in page, the
no-access page) ends the run before a page draws. The reader's row scope is set for the serving read
layer here (serving.scope.use); the rules are dashboard/roles.py, the checks dashboard/signin.py.
"""
from __future__ import annotations

import socket
from pathlib import Path

import streamlit as st

from dashboard import audit, i18n, roles, signin
from dashboard import components  # markdown_literal; components imports this module too
from dashboard.roles import Reader
from serving import scope as _scope
from serving import units

READER_KEY = "_sssg_reader"
SIGNED_IN_KEY = "_sssg_signed_in"  # the (sub, iat) whose sign-in is already in the audit log
LAST_PAGE_KEY = "_sssg_last_page"
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded", "X-Forwarded-Host")

STRINGS: dict[str, dict[str, str]] = {
    "refused_title": {"zh": "看板未启用", "en": "The dashboard is not serving"},
    "refused_body": {"zh": "看板的访问控制配置有误，为保护数据，暂不提供服务。请管理员按 docs/security.md 修正以下问题：",
                     "en": "The dashboard's access configuration has problems, so it serves nothing until they are "
                           "fixed (docs/security.md):"},
    "proxied_body": {"zh": "本看板未配置统一身份认证，只对本机开放；经代理或其他计算机访问时必须先配置登录（docs/security.md）。",
                     "en": "No identity provider is configured, so this dashboard serves this machine only; "
                           "reached through a proxy or from another computer it needs sign-in (docs/security.md)."},
    "signin_title": {"zh": "请登录", "en": "Please sign in"},
    "signin_body": {"zh": "本看板通过全市统一身份认证平台登录。登录后按您的角色显示相应县区或部门的数据。",
                    "en": "Sign in through the city's unified identity platform. You will see the figures of "
                          "your role's county or department."},
    "signin_button": {"zh": "统一身份认证登录", "en": "Sign in"},
    "signout_button": {"zh": "退出登录", "en": "Sign out"},
    "noaccess_title": {"zh": "暂无访问权限", "en": "No access"},
    "noaccess_body": {"zh": "您好，{user}：您的账号已通过身份认证，但尚未获得本看板的访问权限。"
                            "如需开通，请联系市考核办（请说明您的单位和岗位）。",
                      "en": "Hello {user}: your account is signed in but has no access to this dashboard yet. "
                            "To ask for it, contact the city assessment office with your unit and post."},
    "operator_mode": {"zh": "本机操作员模式：未配置统一身份认证，看板只对本机开放，可查看全部数据。",
                      "en": "Operator mode: no identity provider is configured, so the dashboard serves this "
                            "machine only, with every figure."},
    "signed_in_as": {"zh": "已登录：{name}", "en": "Signed in: {name}"},
    "role_leading_group": {"zh": "领导小组", "en": "Leading group"},
    "role_market_regulation": {"zh": "市场监管局", "en": "Market regulation bureau"},
    "role_assessment_office": {"zh": "考核办", "en": "Assessment office"},
    "role_county": {"zh": "县区", "en": "County"},
    "role_department": {"zh": "部门", "en": "Department"},
    "role_operator": {"zh": "本机操作员", "en": "Operator"},
    "scope_city": {"zh": "全市", "en": "Whole city"},
}
_s = i18n.translator(STRINGS)


def _auth_section() -> dict:
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


@st.cache_resource(show_spinner=False)
def _access_config(path: str, mtime_ns: int) -> roles.AccessConfig:
    del mtime_ns  # part of the key: an edited file is read again
    return roles.load_access_config(Path(path))


def _config() -> roles.AccessConfig:
    path = roles.access_file()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _access_config(str(path), mtime)


def _stop_with(title: str, body: str, problems: list[str] = ()) -> None:
    st.title(title)
    st.warning(body)
    for problem in problems:
        st.markdown(f"- {components.markdown_literal(problem)}")
    st.stop()


def _proxied() -> bool:
    """Whether the request came through a proxy or from another computer (only possible on loopback
    through a local proxy such as the deployment's nginx). AppTest has no request: never."""
    from dashboard import data

    if not data.serving_readers():
        return False
    try:
        headers = st.context.headers
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 (no request context: AppTest)
        return False
    if any(headers.get(name) for name in PROXY_HEADERS):
        return True
    return bool(ip) and not signin.is_loopback(ip)


def _signed_in() -> Reader:
    if not st.user.is_logged_in:
        st.title(_s("signin_title"))
        st.write(_s("signin_body"))
        if st.button(_s("signin_button"), type="primary", icon=":material/login:"):
            st.login()
        st.stop()
    claims = st.user.to_dict()
    found = roles.resolve(claims, _config())
    if isinstance(found, Reader) and not units.scope_known(found.scope):
        found = roles.Denied(found.user, f"unknown {'county' if found.scope.region else 'department'} "
                                         f"{found.scope.region or found.scope.dept}")
    if isinstance(found, roles.Denied):
        if st.session_state.get(SIGNED_IN_KEY) != ("denied", found.user):
            st.session_state[SIGNED_IN_KEY] = ("denied", found.user)
            audit.record(audit.DENIED, None, found.reason, user_id=found.user, user_name=str(claims.get("name") or ""))
        st.title(_s("noaccess_title"))
        st.info(_s("noaccess_body", user=components.markdown_literal(claims.get("name") or found.user)))
        _signout_button(None)
        st.stop()
    # one sign-in (the ID token's issue time), however many tabs and reloads open sessions with it
    sign_in = f"{claims.get('iss') or ''} iat={claims.get('iat') or ''}"
    if st.session_state.get(SIGNED_IN_KEY) != sign_in:
        st.session_state[SIGNED_IN_KEY] = sign_in
        if not audit.has_event(audit.SIGN_IN, found.user, sign_in):
            audit.record(audit.SIGN_IN, found, sign_in)
    return found


def _bind_address() -> str | None:
    """The address the server listens on. Streamlit's AppTest runs pages with no server: nothing
    listens, so it counts as this machine (unless a test sets the option)."""
    from streamlit import config

    from dashboard import data

    if data.serving_readers() or config.is_manually_set("server.address"):
        return st.get_option("server.address")
    return "127.0.0.1"


def establish() -> Reader:
    """The reader of this run, its scope set for every query; or a page saying why not, and stop."""
    _scope.use(_scope.NOTHING)
    auth = _auth_section()
    problems = signin.startup_problems(_bind_address(), auth)
    if problems:
        _stop_with(_s("refused_title"), _s("refused_body"), problems)
    if signin.configured(auth):
        reader = _signed_in()
    else:
        if _proxied():
            _stop_with(_s("refused_title"), _s("proxied_body"))
        reader = roles.local_operator(socket.gethostname())
    _scope.use(reader.scope)
    st.session_state[READER_KEY] = reader
    return reader


def current() -> Reader:
    """The reader the router established for this run. A page run on its own by Streamlit's AppTest
    (no server, no router) reads as the operator at the machine; on a server, never."""
    reader = st.session_state.get(READER_KEY)
    if isinstance(reader, Reader):
        return reader
    from dashboard import data

    if data.serving_readers():
        raise RuntimeError("no reader established for this run (dashboard.auth.establish)")
    return roles.local_operator("apptest")


def page_viewed(reader: Reader, page: str) -> None:
    """Log a page when the reader arrives on it (not on every widget change within it)."""
    if st.session_state.get(LAST_PAGE_KEY) != page:
        st.session_state[LAST_PAGE_KEY] = page
        audit.record(audit.PAGE_VIEW, reader, page)


def role_label(role: str, lang: str | None = None) -> str:
    return _s(f"role_{role}", lang)


def scope_label(reader: Reader, lang: str | None = None) -> str:
    from serving import labels

    lang = lang or i18n.current_language()
    if reader.scope.region:
        return labels.unit_name("region", reader.scope.region, lang)
    if reader.scope.dept:
        return labels.unit_name("department", reader.scope.dept, lang)
    return _s("scope_city", lang)


def _signout_button(reader: Reader | None) -> None:
    if st.button(_s("signout_button"), icon=":material/logout:", key="sssg_sign_out"):
        if reader is not None:
            audit.record(audit.SIGN_OUT, reader)
        st.session_state.pop(SIGNED_IN_KEY, None)
        st.logout()


def sidebar(reader: Reader) -> None:
    """Who is reading, in what role and scope, under the language switch; sign-out."""
    with st.sidebar:
        st.divider()
        if reader.role == roles.LOCAL_OPERATOR:
            st.caption(_s("operator_mode"))
            return
        st.caption(f"{_s('signed_in_as', name=components.markdown_literal(reader.name))}  \n{role_label(reader.role)} · {scope_label(reader)}")
        _signout_button(reader)
