"""The contract's types as DuckDB SQL: normalising and checking every cell in one set-based pass.

Each contract type becomes (a) an expression giving the clean, typed value and (b) the checks that
reject a row, each with a message a clerk can act on. Values are folded (full-width to ASCII),
trimmed and whitespace-collapsed before they are parsed.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.contract import FULL_WIDTH, HALF_WIDTH, Column, label_key, load_contract
from pipelines.contract.warehouse import LIST_SEPARATOR

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
DATE_FORMS = "2020-07-03、2020/7/3、2020年7月3日"
# Types whose checked value is already its own matching key (sssg_key would return it unchanged).
SELF_KEYED_TYPES = ("code", "uscc", "date", "int", "decimal", "bool", "enum")
_WS = r"[\s\x{3000}\x{00A0}]"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def macros() -> list[str]:
    """Temporary macros the checks use; created once per connection."""
    return [
        # translate() with these long strings is slow per row: only call it when there is something to fold
        f"""CREATE OR REPLACE TEMP MACRO sssg_fold(s) AS CASE WHEN regexp_matches(s, '[\\x{{FF01}}-\\x{{FF5E}}\\x{{3000}}]')
            THEN translate(s, {lit(FULL_WIDTH)}, {lit(HALF_WIDTH)}) ELSE s END""",
        # text as written, whitespace runs collapsed; NULL when blank
        f"CREATE OR REPLACE TEMP MACRO sssg_text(s) AS nullif(trim(regexp_replace(s, '{_WS}+', ' ', 'g')), '')",
        # matching key: folded, no whitespace, upper case (the contract's label_key)
        f"CREATE OR REPLACE TEMP MACRO sssg_key(s) AS nullif(upper(regexp_replace(sssg_fold(s), '{_WS}+', '', 'g')), '')",
        # 2020-07-03, 2020/7/3, 2020/7/3/, 2020.7.3, 2020年7月3日, 20200703, optionally with a time.
        # Plain string functions, no subquery: this runs on every date cell of every file.
        r"""CREATE OR REPLACE TEMP MACRO sssg_date_text(k) AS regexp_replace(regexp_replace(regexp_replace(
            regexp_replace(k, '^(\d{4})(\d{2})(\d{2})', '\1-\2-\3'),
            'T?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$', ''), '[年月/.]', '-', 'g'), '[日-]+$', '')""",
        r"""CREATE OR REPLACE TEMP MACRO sssg_date_general(k) AS CASE
            WHEN regexp_full_match(sssg_date_text(k), '\d{4}-\d{1,2}-\d{1,2}')
            THEN try_cast(sssg_date_text(k) AS DATE) END""",
        # The two forms exports mostly use, without the general form's nine regular expressions;
        # the same result (tests/test_ingest_fast_paths.py compares them on arbitrary strings).
        r"""CREATE OR REPLACE TEMP MACRO sssg_date_key(k) AS CASE
            WHEN length(k) = 10 AND substr(k, 5, 1) = '-' AND substr(k, 8, 1) = '-' THEN try_cast(k AS DATE)
            WHEN regexp_full_match(k, '\d{4}年\d{1,2}月\d{1,2}日')
            THEN try_cast(replace(replace(replace(k, '年', '-'), '月', '-'), '日', '') AS DATE)
            ELSE sssg_date_general(k) END""",
        "CREATE OR REPLACE TEMP MACRO sssg_date(s) AS sssg_date_key(sssg_key(s))",
        # GB 32100-2015 check digit, unrolled (a lambda over a list literal is ~20x slower per row)
        f"""CREATE OR REPLACE TEMP MACRO sssg_uscc_ok(u) AS
            regexp_full_match(u, '[{USCC_CHARS}]{{18}}')
            AND substr(u, 18, 1) = substr({lit(USCC_CHARS)}, CAST(1 + (31 - ({_uscc_weighted_sum()}) % 31) % 31 AS BIGINT), 1)""",
    ]


def _uscc_weighted_sum() -> str:
    return " + ".join(f"(instr({lit(USCC_CHARS)}, substr(u, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(USCC_WEIGHTS))


def _case(expr: str, lookup: dict[str, str], as_sql=lit) -> str:
    whens = " ".join(f"WHEN {lit(k)} THEN {as_sql(v)}" for k, v in sorted(lookup.items()))
    return f"CASE {expr} {whens} END"


@dataclass(frozen=True)
class Check:
    """One way a row can fail. `flag` is cheap SQL over the typed columns (evaluated on every row);
    `message` reads the stage cells and is built only for the rows that fail."""

    kind: str
    flag: str
    message: str


def present(col: Column) -> str:
    """Name of the helper column saying the cell was not blank."""
    return f"_has_{col.name}"


# A cell made only of these characters is already clean: its text and its key are the cell itself.
# That is most cells of an export (codes, dates, Chinese names), which then skip the regular
# expressions below: printable ASCII except the lower-case letters and the space, CJK punctuation
# except the ideographic space, and CJK ideographs. Anything else takes the full normalisation.
PLAIN_CELL = r"[!-\x{60}{-~\x{3001}-\x{303F}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]*"


def plain_sql(cell: str) -> str:
    """True when `cell` needs no normalisation (see PLAIN_CELL)."""
    return f"regexp_full_match({cell}, {lit(PLAIN_CELL)})"


def cleaned_sql(cell: str, plain: str | None = None) -> tuple[str, str]:
    """The two cleaned forms of a stage cell that every type starts from: (text, key).

    `plain` names a column holding plain_sql(cell), computed in an earlier layer so the test runs
    once per cell. The forms are computed once per cell in a layer of their own: nesting the macros
    inside every type expression makes DuckDB's plan grow so large that binding alone costs tens
    of ms per file.
    """
    if plain is None:
        return f"sssg_text({cell})", f"sssg_key({cell})"
    return (f"CASE WHEN {plain} THEN nullif({cell}, '') ELSE sssg_text({cell}) END",
            f"CASE WHEN {plain} THEN nullif({cell}, '') ELSE sssg_key({cell}) END")


def synonym_note(col: Column, file_header: str | None) -> str:
    """What messages add when the file names the column by a synonym, so the clerk finds it."""
    if file_header and label_key(file_header) != label_key(col.header):
        return f"（文件中的列名为「{file_header}」）"
    return ""


def column_sql(col: Column, cell: str, text: str, code: str,
               note_sql: str | None = None) -> tuple[str, list[Check]]:
    """(typed value expression, checks) for one contract column.

    `text` and `code` name the cleaned forms of the column's stage cell (see cleaned_sql); `cell`
    is the verbatim stage cell, used only in messages. The checks refer to the typed value by the
    column's name and to present(col). `note_sql`, when given, is SQL giving the file's
    synonym_note for the column (per file: one check runs over many files), appended to messages.
    """
    contract = load_contract()
    name = f"「{col.header}」"
    where = f" || {note_sql}" if note_sql else ""
    checks = []
    if col.required:
        checks.append(Check("missing_required", f"NOT {present(col)}", lit(f"{name}为必填项，但为空") + where))

    def bad(kind: str, expected: str) -> Check:
        return Check(kind, f"{present(col)} AND {col.name} IS NULL",
                     f"{lit(name + '的值「')} || left({cell}, 60) || {lit('」' + expected)}{where}")

    if col.type == "text":
        value = text
    elif col.type == "code":
        value = f"CASE WHEN regexp_full_match({code}, {lit(col.pattern or '.+')}) THEN {code} END"
        checks.append(bad("bad_code", "格式不符合编码规则"))
    elif col.type == "uscc":
        value = f"CASE WHEN sssg_uscc_ok({code}) THEN {code} END"
        checks.append(bad("bad_uscc", "不是有效的统一社会信用代码（18 位，校验位按 GB 32100-2015）"))
    elif col.type == "date":
        value = f"sssg_date_key({code})"
        checks.append(bad("bad_date", f"不是可识别的日期（可写作 {DATE_FORMS}）"))
    elif col.type == "int":
        value = f"try_cast(replace({code}, ',', '') AS BIGINT)"
        checks.append(bad("bad_number", "不是整数"))
    elif col.type == "decimal":
        value = f"try_cast(replace(replace({code}, ',', ''), '%', '') AS DECIMAL(18,4))"
        checks.append(bad("bad_number", "不是数值"))
    elif col.type == "bool":
        value = _case(code, contract.enum_lookup("bool"), lambda label: "TRUE" if label == "是" else "FALSE")
        checks.append(bad("bad_bool", "应为「是」或「否」"))
    elif col.type == "enum":
        value = _case(code, contract.enum_lookup(col.enum))
        allowed = "、".join(contract.enums[col.enum])
        checks.append(bad("bad_enum", f"不在字典内（可选：{allowed}）"))
    elif col.type == "list":
        items = f"list_filter(string_split_regex(sssg_fold({text}), '[;,、/]'), lambda e: sssg_key(e) IS NOT NULL)"
        mapped = f"list_transform({items}, lambda e: {_case('sssg_key(e)', contract.enum_lookup(col.enum))})"
        value = (f"CASE WHEN len(list_filter({mapped}, lambda e: e IS NULL)) = 0 "
                 f"THEN array_to_string({mapped}, {lit(LIST_SEPARATOR)}) END")
        allowed = "、".join(contract.enums[col.enum])
        checks.append(bad("bad_enum", f"含有不在字典内的值（可选：{allowed}，多个值用顿号或分号分隔）"))
    else:  # the contract loader already refuses unknown types
        raise ValueError(col.type)
    return value, checks


# Dates inside one row that cannot be in this order, whatever the platform or the department did:
# (entity, earlier column, later column, why). Checked only when both cells hold a valid date.
# Deliberately NOT here: publication before the event it publishes (a task published before it
# starts, a result published before it was formed, a draw list published before the draw). The
# platform really holds such rows (back-dated entries; the simulator models them) and dbt reports
# them as publication anomalies, so they must reach the warehouse. Orders that need another
# entity's rows (a result inspected before its task's draw) belong to dbt, not to the ingest.
DATE_ORDERS: tuple[tuple[str, str, str, str], ...] = (
    ("item", "valid_from", "valid_to", "事项不能在生效之前就失效"),
    ("inspector", "active_from", "active_to", "人员不能在入库之前就出库"),
    ("task", "start_date", "end_date", "任务不能在开始之前就结束"),
    ("result", "inspection_date", "formed_date", "检查结果不能在检查之前形成"),
    ("result", "inspection_date", "notice_date", "告知书不能在检查之前送达"),
    ("result", "formed_date", "follow_up_closed_date", "后续处置不能在结果形成之前办结"),
    ("blacklist", "listed_date", "removed_date", "不能在列入之前就移出名单"),
)


def range_checks(entity, header_sql: dict[str, str], earliest) -> list[Check]:
    """Checks that a date (or a plan year) lies where the contract's `range` says it can
    (contract/platform_export.yaml): not after the batch's export date (what has not happened yet
    cannot be in an export) and not before the policy's window (no working-day calendar there, so no
    deadline could be counted). The row's batch export date is the typed table's `_batch_date`."""
    checks = []
    first = lit(earliest.isoformat())
    for col in entity.columns:
        header = header_sql[col.name]
        if col.type == "date" and col.range != "any":
            shown = f"strftime(c.{col.name}, '%Y-%m-%d')"
            if col.range in ("event", "past"):
                checks.append(Check(
                    "date_after_export", f"coalesce({col.name} > _batch_date, false)",
                    f"'「' || {header} || '」的值（' || {shown} || '）晚于本批次的导出日期（' || "
                    f"strftime(c._batch_date, '%Y-%m-%d') || {lit('）：导出时还没有到来的日期不可能是真实记录，请核对')}"))
            if col.range in ("event", "planned"):
                checks.append(Check(
                    "date_before_window", f"coalesce({col.name} < DATE {first}, false)",
                    f"'「' || {header} || '」的值（' || {shown} || {lit(f'）早于 {earliest}：双随机、一公开监管数据和工作日历都从这一天开始，无法计算时限，请核对')}"))
        elif col.type == "int" and col.range == "year":
            checks.append(Check(
                "date_after_export", f"coalesce({col.name} > year(_batch_date) + 1, false)",
                f"'「' || {header} || '」的值（' || c.{col.name} || '）晚于本批次导出年份的下一年（' || "
                f"(year(c._batch_date) + 1) || {lit('）：请核对')}"))
            checks.append(Check(
                "date_before_window", f"coalesce({col.name} < {earliest.year}, false)",
                f"'「' || {header} || '」的值（' || c.{col.name} || {lit(f'）早于 {earliest.year} 年：双随机、一公开监管数据从这一年开始，请核对')}"))
    return checks


def date_order_checks(entity_name: str, header_sql: dict[str, str]) -> list[Check]:
    """Checks for DATE_ORDERS of one entity; `header_sql` maps each column to SQL giving the header
    text the file uses for it (the words the clerk sees)."""
    checks = []
    for ent, earlier, later, why in DATE_ORDERS:
        if ent != entity_name or earlier not in header_sql or later not in header_sql:
            continue
        checks.append(Check(
            "bad_date_order", f"coalesce({later} < {earlier}, false)",
            f"'「' || {header_sql[later]} || '」（' || strftime(c.{later}, '%Y-%m-%d') || '）早于「' || "
            f"{header_sql[earlier]} || '」（' || strftime(c.{earlier}, '%Y-%m-%d') || {lit('）：' + why + '，请核对这两个日期')}"))
    return checks
