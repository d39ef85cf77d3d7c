"""The contract's types as DuckDB SQL: normalising and checking every cell in one set-based pass.

Each contract type becomes (a) an expression giving the clean, typed value and (b) the checks that
reject a row, each with a message a clerk can act on. Values are folded (full-width to ASCII),
trimmed and whitespace-collapsed before they are parsed.
"""
from __future__ import annotations

from pipelines.contract import FULL_WIDTH, HALF_WIDTH, Column, load_contract
from pipelines.contract.warehouse import LIST_SEPARATOR, REJECT_KINDS

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
DATE_FORMS = "2020-07-03、2020/7/3、2020年7月3日"
_WS = r"[\s\x{3000}\x{00A0}]"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def macros() -> list[str]:
    """Temporary macros the checks use; created once per connection."""
    return [
        f"CREATE OR REPLACE TEMP MACRO sssg_fold(s) AS translate(s, {lit(FULL_WIDTH)}, {lit(HALF_WIDTH)})",
        # text as written, whitespace runs collapsed; NULL when blank
        f"CREATE OR REPLACE TEMP MACRO sssg_text(s) AS nullif(trim(regexp_replace(s, '{_WS}+', ' ', 'g')), '')",
        # matching key: folded, no whitespace, upper case (the contract's label_key)
        f"CREATE OR REPLACE TEMP MACRO sssg_key(s) AS nullif(upper(regexp_replace(sssg_fold(s), '{_WS}+', '', 'g')), '')",
        # 2020-07-03, 2020/7/3, 2020/7/3/, 2020.7.3, 2020年7月3日, 20200703, optionally with a time
        r"""CREATE OR REPLACE TEMP MACRO sssg_date(s) AS (
            WITH p AS (SELECT regexp_extract(sssg_key(s),
                '^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?/?|(\d{2})(\d{2}))(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$',
                ['y', 'm', 'd', 'm8', 'd8']) AS g)
            SELECT try_cast(g.y || '-' || coalesce(nullif(g.m, ''), g.m8) || '-' || coalesce(nullif(g.d, ''), g.d8) AS DATE)
            FROM p)""",
        f"""CREATE OR REPLACE TEMP MACRO sssg_uscc_ok(u) AS
            regexp_full_match(u, '[{USCC_CHARS}]{{18}}')
            AND substr(u, 18, 1) = substr({lit(USCC_CHARS)}, CAST(1 + (31 - list_sum(list_transform(range(17),
                lambda i: (instr({lit(USCC_CHARS)}, substr(u, i + 1, 1)) - 1) * {USCC_WEIGHTS}[i + 1])) % 31) % 31 AS BIGINT), 1)""",
    ]


def _case(expr: str, lookup: dict[str, str], as_sql=lit) -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {as_sql(v)}" for k, v in sorted(lookup.items()))
    return f"CASE {expr} {whens} END"


def _problem(kind: str, condition: str, message_sql: str) -> str:
    return f"CASE WHEN {condition} THEN {{'kind': {lit(REJECT_KINDS[kind])}, 'msg': {message_sql}}} END"


def _shown(cell: str) -> str:
    return f"left({cell}, 60)"


def column_sql(col: Column, cell: str | None) -> tuple[str, list[str]]:
    """(value expression, [problem expressions]) for one contract column read from `cell`."""
    if cell is None:  # optional column absent from this file
        return "NULL", []
    contract = load_contract()
    name = f"「{col.header}」"
    code = f"sssg_key({cell})"
    present = f"sssg_text({cell}) IS NOT NULL"
    problems = []
    if col.required:
        problems.append(_problem("missing_required", f"sssg_text({cell}) IS NULL", lit(f"{name}为必填项，但为空")))

    def bad(kind: str, value: str, expected: str) -> str:
        return _problem(kind, f"{present} AND ({value}) IS NULL",
                        f"{lit(name + '的值「')} || {_shown(cell)} || {lit('」' + expected)}")

    if col.type == "text":
        value = f"sssg_text({cell})"
    elif col.type == "code":
        value = f"CASE WHEN regexp_full_match({code}, {lit(col.pattern or '.+')}) THEN {code} END"
        problems.append(bad("bad_code", value, "格式不符合编码规则"))
    elif col.type == "uscc":
        value = f"CASE WHEN sssg_uscc_ok({code}) THEN {code} END"
        problems.append(bad("bad_uscc", value, "不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）"))
    elif col.type == "date":
        value = f"sssg_date({cell})"
        problems.append(bad("bad_date", value, f"不是可识别的日期（可写作 {DATE_FORMS}）"))
    elif col.type == "int":
        value = f"try_cast(replace({code}, ',', '') AS BIGINT)"
        problems.append(bad("bad_number", value, "不是整数"))
    elif col.type == "decimal":
        value = f"try_cast(replace(replace({code}, ',', ''), '%', '') AS DECIMAL(18,4))"
        problems.append(bad("bad_number", value, "不是数值"))
    elif col.type == "bool":
        value = _case(code, contract.enum_lookup("bool"), lambda label: "TRUE" if label == "是" else "FALSE")
        problems.append(bad("bad_bool", value, "应为「是」或「否」"))
    elif col.type == "enum":
        value = _case(code, contract.enum_lookup(col.enum))
        allowed = "、".join(contract.enums[col.enum])
        problems.append(bad("bad_enum", value, f"不在字典内（可选：{allowed}）"))
    elif col.type == "list":
        items = f"list_filter(string_split_regex(sssg_fold({cell}), '[;,、/]'), lambda e: sssg_key(e) IS NOT NULL)"
        mapped = f"list_transform({items}, lambda e: {_case('sssg_key(e)', contract.enum_lookup(col.enum))})"
        value = (f"CASE WHEN len(list_filter({mapped}, lambda e: e IS NULL)) = 0 "
                 f"THEN array_to_string({mapped}, {lit(LIST_SEPARATOR)}) END")
        allowed = "、".join(contract.enums[col.enum])
        problems.append(bad("bad_enum", value, f"含有不在字典内的值（可选：{allowed}，多个值用顿号或分号分隔）"))
    else:  # the contract loader already refuses unknown types
        raise ValueError(col.type)
    return value, problems
