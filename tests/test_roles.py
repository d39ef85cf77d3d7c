"""The role rules and the access file (dashboard/roles.py), and the start-up checks (dashboard/signin.py):
pure, no server."""
from __future__ import annotations

import pytest

from dashboard import roles, signin
from serving.scope import CITY, OPERATOR, Scope

CONFIG = roles.AccessConfig(users={"email:dept@fushun.test": ("department", Scope(dept="210411-GAJ")),
                                   "sub:abc": ("leading_group", CITY)})


def test_a_role_claim_wins_and_names_its_scope():
    reader = roles.resolve({"sub": "abc", "email": "x@y", "sssg_role": "县区", "sssg_county": "210402"}, CONFIG)
    assert reader == roles.Reader("x@y", "x@y", "county", Scope(region="210402"))
    office = roles.resolve({"sub": "o", "name": "王", "sssg_role": "考核办"}, CONFIG)
    assert office.scope == OPERATOR and office.may(roles.DRAFTS) and office.may(roles.AUDIT_LOG)
    leader = roles.resolve({"sub": "l", "sssg_role": "leading_group"}, CONFIG)
    assert leader.scope == CITY and not leader.may(roles.DRAFTS) and not leader.may(roles.STATUS_DETAILS)


def test_without_a_claim_the_access_file_decides_by_subject_then_verified_email():
    assert roles.resolve({"sub": "abc"}, CONFIG).role == "leading_group"
    found = roles.resolve({"sub": "zzz", "email": "Dept@Fushun.TEST"}, CONFIG)
    assert found.role == "department" and found.scope == Scope(dept="210411-GAJ")
    unverified = roles.resolve({"sub": "zzz", "email": "dept@fushun.test", "email_verified": False}, CONFIG)
    assert isinstance(unverified, roles.Denied)


@pytest.mark.parametrize("claims", [
    {"sub": "s"},  # nobody listed
    {"sub": "s", "sssg_role": "admin"},  # no such role
    {"sub": "s", "sssg_role": "county"},  # a county role without its county
    {"sub": "s", "sssg_role": "county", "sssg_county": "210402' OR 1=1"},  # not a county code
    {"sub": "s", "sssg_role": "leading_group", "sssg_county": "210402"},  # a city role with a county
    {"email": "dept@fushun.test"},  # no subject
])
def test_anything_else_is_denied_with_a_reason(claims):
    found = roles.resolve(claims, CONFIG)
    assert isinstance(found, roles.Denied) and found.reason


def test_the_access_file_is_checked_whole(tmp_path):
    path = tmp_path / "access.toml"
    path.write_text('[claims]\nrole = "groups"\n'
                    '[[users]]\nemail = "a@b"\nrole = "county"\n'  # no county
                    '[[users]]\nemail = "a@b"\nsub = "x"\nrole = "部门"\ndepartment = "210400-SCJG"\n'  # both ids
                    '[[users]]\nemail = "c@d"\nrole = "boss"\n'  # unknown role
                    '[[users]]\nemail = "E@F"\nrole = "考核办"\n'
                    '[[users]]\nemail = "e@f"\nrole = "leading_group"\n',  # listed twice
                    encoding="utf-8")
    with pytest.raises(roles.AccessConfigError) as error:
        roles.load_access_config(path)
    problems = error.value.problems
    assert [p.split(":")[0] for p in problems] == [f"[[users]] entry {n}" for n in (1, 2, 3, 5)]
    assert "needs a county code" in problems[0] and "exactly one of sub or email" in problems[1]
    assert "unknown role 'boss'" in problems[2] and "listed twice" in problems[3]
    path.write_text("[claims\n", encoding="utf-8")
    with pytest.raises(roles.AccessConfigError, match="cannot be read as TOML"):
        roles.load_access_config(path)


def test_the_template_is_valid():
    config = roles.load_access_config(roles.REPO_ROOT / ".streamlit" / "access.example.toml")
    assert config.role_claim == "sssg_role" and len(config.users) == 3


@pytest.mark.parametrize("address, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                               ("127.0.0.2", True), ("0.0.0.0", False), ("", False),
                                               ("10.1.2.3", False), ("dashboard.example", False), ("::", False)])
def test_loopback_addresses(address, loopback):
    assert signin.is_loopback(address) is loopback


def test_start_up_refuses_what_would_expose_the_data(tmp_path):
    missing = tmp_path / "none.toml"
    assert signin.startup_problems("127.0.0.1", {}, missing) == []
    assert "without an identity provider" in signin.startup_problems("0.0.0.0", {}, missing)[0]
    half = {"client_id": "x", "cookie_secret": "short", "redirect_uri": "https://d.example/callback"}
    problems = " | ".join(signin.startup_problems("0.0.0.0", half, missing))
    for expected in ("client_secret is missing", "server_metadata_url is missing", "shorter than 32",
                     "must end with /oauth2callback"):
        assert expected in problems
    full = {"client_id": "x", "client_secret": "y", "cookie_secret": "z" * 40,
            "redirect_uri": "https://d.example/oauth2callback",
            "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    assert signin.startup_problems("0.0.0.0", full, missing) == []


def test_the_app_itself_refuses_a_non_loopback_bind_without_an_identity_provider(monkeypatch, tmp_path):
    """A server started without the launcher (plain `streamlit run` on 0.0.0.0) serves only the refusal."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SSSG_ACCESS_FILE", str(tmp_path / "none.toml"))
    monkeypatch.setenv("SSSG_SERVING_PATH", str(tmp_path / "none.duckdb"))
    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(roles.REPO_ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    finally:
        config.set_option("server.address", previous)
    text = " ".join(m.value for m in at.markdown) + " ".join(w.value for w in at.warning)
    assert "看板未启用" in " ".join(t.value for t in at.title)
    assert "without an identity provider" in text
    assert not at.exception
