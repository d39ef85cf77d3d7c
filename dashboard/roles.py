"""Who may read what: the five roles, the operator-maintained access file, and how a signed-in user's
ID-token claims become a `Reader` (a role and the row scope of serving.scope). Pure: no Streamlit here,
so the rules are tested directly (tests/test_roles.py); docs/security.md describes them.

The access file (TOML, SSSG_ACCESS_FILE, default .streamlit/access.toml; template
.streamlit/access.example.toml) names the ID-token claims that carry the role and the county or
department, and, for identity platforms that carry no such claims, lists users by subject or e-mail.
A claim wins over the list: the identity platform is the authority where it says something.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from serving.scope import CITY, OPERATOR, Scope

REPO_ROOT = Path(__file__).resolve().parents[1]

LEADING_GROUP, MARKET_REGULATION, ASSESSMENT_OFFICE = "leading_group", "market_regulation", "assessment_office"
COUNTY, DEPARTMENT = "county", "department"
ROLES = (LEADING_GROUP, MARKET_REGULATION, ASSESSMENT_OFFICE, COUNTY, DEPARTMENT)
LOCAL_OPERATOR = "operator"  # the person at the machine, when the dashboard is served on loopback only
# what an identity platform or the file may write instead of the code
ROLE_NAMES_ZH = {"领导小组": LEADING_GROUP, "市场监管局": MARKET_REGULATION, "考核办": ASSESSMENT_OFFICE,
                 "县区": COUNTY, "部门": DEPARTMENT}

# What each role may do beyond reading the pages of its scope.
DRAFTS, REGENERATE, STATUS_DETAILS, AUDIT_LOG = "drafts", "regenerate", "status_details", "audit_log"
CAPABILITIES = {
    LEADING_GROUP: frozenset(),
    MARKET_REGULATION: frozenset(),
    ASSESSMENT_OFFICE: frozenset({DRAFTS, REGENERATE, STATUS_DETAILS, AUDIT_LOG}),
    COUNTY: frozenset(),
    DEPARTMENT: frozenset(),
    LOCAL_OPERATOR: frozenset({DRAFTS, REGENERATE, STATUS_DETAILS, AUDIT_LOG}),
}


class AccessConfigError(ValueError):
    """The access file is unreadable or wrong; `problems` lists every mistake found."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems = path, problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Reader:
    user: str  # as the audit log writes it: the e-mail, else the subject
    name: str
    role: str
    scope: Scope

    def may(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def citywide(self) -> bool:
        return self.scope.citywide


@dataclass(frozen=True)
class Denied:
    user: str
    reason: str  # for the audit log and the no-access page: plain words, no secrets


@dataclass(frozen=True)
class AccessConfig:
    role_claim: str = "sssg_role"
    county_claim: str = "sssg_county"
    department_claim: str = "sssg_department"
    users: Mapping[str, tuple[str, Scope]] = field(default_factory=dict)  # "sub:x" / "email:x" -> role, scope


def scope_of(role: str, county: object = None, department: object = None) -> Scope:
    """The row scope of a role; ValueError (plain words) when the county or department is missing or
    given where the role has none."""
    role = ROLE_NAMES_ZH.get(str(role).strip(), str(role).strip())
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)} (or 领导小组, 市场监管局, 考核办, 县区, 部门)")
    county = str(county).strip() if county not in (None, "") else None
    department = str(department).strip() if department not in (None, "") else None
    if role == COUNTY:
        if county is None or department is not None:
            raise ValueError("role county needs a county code (and no department)")
        return Scope(region=county)
    if role == DEPARTMENT:
        if department is None or county is not None:
            raise ValueError("role department needs a department code (and no county)")
        return Scope(dept=department)
    if county is not None or department is not None:
        raise ValueError(f"role {role} reads the whole city: give it no county or department")
    return OPERATOR if role == ASSESSMENT_OFFICE else CITY


def canonical_role(role: str) -> str:
    role = str(role).strip()
    return ROLE_NAMES_ZH.get(role, role)


def access_file() -> Path:
    value = os.environ.get("SSSG_ACCESS_FILE", "").strip()
    return Path(value) if value else REPO_ROOT / ".streamlit" / "access.toml"


def _identity_key(entry: Mapping) -> str:
    sub, email = entry.get("sub"), entry.get("email")
    if bool(sub) == bool(email):
        raise ValueError("give exactly one of sub or email")
    if not isinstance(sub or email, str):
        raise ValueError("sub and email are text")
    return f"sub:{sub.strip()}" if sub else f"email:{email.strip().lower()}"


def load_access_config(path: Path | None = None) -> AccessConfig:
    """The access file, checked whole: every mistake is reported at once. A missing file is an empty
    configuration (roles from the default claims only)."""
    path = path or access_file()
    if not path.exists():
        return AccessConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AccessConfigError(path, [f"cannot be read as TOML: {exc}"]) from None
    problems: list[str] = []
    unknown = set(data) - {"claims", "users"}
    if unknown:
        problems.append(f"unknown sections {sorted(unknown)} (expected [claims] and [[users]])")
    claims = data.get("claims", {})
    if not isinstance(claims, dict) or set(claims) - {"role", "county", "department"}:
        problems.append("[claims] takes only role, county and department (claim names)")
        claims = {}
    for name, value in claims.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"[claims] {name} must name a claim")
    users: dict[str, tuple[str, Scope]] = {}
    entries = data.get("users", [])
    if not isinstance(entries, list):
        problems.append("users must be a list of [[users]] tables")
        entries = []
    for number, entry in enumerate(entries, start=1):
        where = f"[[users]] entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a table")
            continue
        extra = set(entry) - {"sub", "email", "name", "role", "county", "department"}
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        try:
            key = _identity_key(entry)
            if key in users:
                raise ValueError(f"{key.split(':', 1)[1]!r} is listed twice")
            users[key] = (canonical_role(entry.get("role", "")), scope_of(entry.get("role", ""), entry.get("county"),
                                                                           entry.get("department")))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise AccessConfigError(path, problems)
    return AccessConfig(role_claim=claims.get("role", "sssg_role"), county_claim=claims.get("county", "sssg_county"),
                        department_claim=claims.get("department", "sssg_department"), users=users)


def resolve(claims: Mapping, config: AccessConfig) -> Reader | Denied:
    """The reader a signed-in user's claims make: the role claim if the token has one, else the access
    file's entry for the subject, then for the e-mail; else Denied."""
    sub = str(claims.get("sub") or "").strip()
    email = str(claims.get("email") or "").strip()
    user = email or sub or "?"
    name = str(claims.get("name") or claims.get("preferred_username") or user)
    if not sub:
        return Denied(user, "the identity platform sent no subject (sub)")
    if claims.get(config.role_claim) not in (None, ""):
        try:
            role = canonical_role(str(claims[config.role_claim]))
            scope = scope_of(role, claims.get(config.county_claim), claims.get(config.department_claim))
        except ValueError as exc:
            return Denied(user, f"claim {config.role_claim}: {exc}")
        return Reader(user, name, role, scope)
    found = config.users.get(f"sub:{sub}")
    # an e-mail identifies a person only when the platform vouches for it
    if found is None and email and claims.get("email_verified") is not False:
        found = config.users.get(f"email:{email.lower()}")
    if found is None:
        return Denied(user, "no role: neither a role claim nor an entry in the access file")
    return Reader(user, name, *found)


def local_operator(host: str) -> Reader:
    return Reader(f"operator@{host}", "operator", LOCAL_OPERATOR, OPERATOR)
