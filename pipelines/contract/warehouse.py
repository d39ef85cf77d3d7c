"""How the contract lands in the warehouse: raw table columns, lineage, and the load bookkeeping.

Raw tables (schema `raw`) hold every accepted row of every export file, append-only, with the
contract's typed, normalised values plus lineage. dbt staging derives the current version.
"""
from __future__ import annotations

from . import Entity, label_key, load_contract

RAW_SCHEMA = "raw"

# Contract type -> warehouse type. Enum and list values are canonical Chinese labels
# (a list is its labels joined by ';').
SQL_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "uscc": "VARCHAR",
    "enum": "VARCHAR",
    "list": "VARCHAR",
    "date": "DATE",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "bool": "BOOLEAN",
}

LINEAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("_batch_id", "VARCHAR", "export batch: the landing sub-folder the file came in"),
    ("_batch_date", "DATE", "export date of the batch (from the folder name); orders versions"),
    ("_file_name", "VARCHAR", "file name inside the batch"),
    ("_row_number", "BIGINT", "row number as a spreadsheet shows it (header is row 1)"),
    ("_loaded_at", "TIMESTAMP", "when the file was loaded"),
)

LIST_SEPARATOR = ";"


def raw_columns(entity: Entity) -> list[tuple[str, str]]:
    """(column, SQL type) of the raw table for an entity, contract columns then lineage."""
    cols = [(c.name, SQL_TYPES[c.type]) for c in entity.columns]
    return cols + [(name, typ) for name, typ, _ in LINEAGE_COLUMNS]


REJECTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("entity", "VARCHAR"),
    ("_batch_id", "VARCHAR"),
    ("_batch_date", "DATE"),
    ("_file_name", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("row_json", "VARCHAR"),  # the row verbatim: original header -> original cell text; NULL when withheld
    ("reasons", "VARCHAR"),  # every problem found, in Chinese, joined by '；'; WITHHELD_REASONS when withheld
    ("reason_kinds", "VARCHAR"),  # the REJECT_KINDS labels of those problems, joined by '；'
    ("_loaded_at", "TIMESTAMP"),
    # 不予公示: the row carries a non-disclosure reason or names a result that does (decided once, at
    # ingest, on the mapped column); stored masked. Added after the table's first release: see
    # _evolve_rejects for warehouses created before it.
    ("is_withheld", "BOOLEAN"),
)
# What a withheld reject's reasons read (a reason can quote the record key or a cell); its reason
# kinds are kept, so counts by kind stay right. The dbt mart mart_data_status__rejects uses the same text.
WITHHELD_REASONS = "该行涉及依法不予公示的检查结果，原始内容和原因明细不予展示（见原因类别）"

LOAD_LOG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("batch_id", "VARCHAR"),
    ("batch_date", "DATE"),
    ("file_name", "VARCHAR"),
    ("entity", "VARCHAR"),  # NULL when the file could not be matched to an entity
    ("file_sha256", "VARCHAR"),
    ("file_bytes", "BIGINT"),
    ("file_format", "VARCHAR"),  # csv-utf-8 | csv-gb18030 | xlsx
    ("status", "VARCHAR"),  # loaded | rejected
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_rejected", "BIGINT"),
    ("message", "VARCHAR"),  # for a rejected file: why, in words a clerk can act on
    ("loaded_at", "TIMESTAMP"),
)


# Why a row is rejected: short Chinese labels, stable keys for grouping (dashboard, tests, simulator).
REJECT_KINDS = {
    "missing_required": "必填项为空",
    "bad_date": "日期无法识别",
    "bad_uscc": "统一社会信用代码无效",
    "bad_enum": "取值不在字典内",
    "bad_code": "编码格式错误",
    "bad_number": "数值无法识别",
    "bad_bool": "是否值无法识别",
    "duplicate_key": "同一文件内记录重复",
    "cell_without_header": "单元格不在任何表头下",
    "bad_date_order": "日期先后矛盾",
    "date_after_export": "日期晚于导出日期",
    "date_before_window": "日期早于监管起始日",
    "conflicting_correction": "同一批次内记录冲突",
}
REASON_SEPARATOR = "；"


def all_raw_tables() -> list[str]:
    return [e.table for e in load_contract().entities]


def create_raw_schema(con) -> None:
    """Create schema raw with every entity table, rejects and load_log (idempotent).

    `con` is a DuckDB connection. Used by the ingestion and by test fixtures alike.
    """
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    for entity in load_contract().entities:
        cols = ", ".join(f"{name} {typ}" for name, typ in raw_columns(entity))
        con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{entity.table} ({cols})")
    for table, columns in (("rejects", REJECTS_COLUMNS), ("load_log", LOAD_LOG_COLUMNS)):
        cols = ", ".join(f"{name} {typ}" for name, typ in columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table} ({cols})")
    _evolve_rejects(con)


def _evolve_rejects(con) -> None:
    """Bring a raw.rejects created before is_withheld up to date (once; idempotent).

    The column is added (ALTER TABLE appends it, so it stays last, as in REJECTS_COLUMNS) and the
    rows stored before it are decided on what they kept, erring on withholding: a non-blank cell
    under a header that is 不予公示原因 or a synonym once whitespace is removed, any of the reasons'
    words (秘密, 隐私) anywhere in the row, or a 结果编号 cell naming a result stored with a reason.
    Those rows are masked like the ingest masks them now (row_json NULL, reasons WITHHELD_REASONS,
    reason kinds kept); the others get FALSE.
    """
    present = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = 'rejects' "
        "AND column_name = 'is_withheld'", [RAW_SCHEMA]).fetchone()[0]
    if present:
        return
    result = load_contract().entity("result")
    reason_headers = [label_key(h) for h in result.column("nondisclosure_reason").headers]
    id_headers = [label_key(h) for h in result.column("result_id").headers]
    key = "upper(regexp_replace(e.key, '[\\s\u3000]+', '', 'g'))"
    blank = "coalesce(trim(regexp_replace(e.value, '[\\s\u3000]+', '', 'g')), '') = ''"
    cells = (f"SELECT r.rowid AS rid, unnest(map_entries(TRY_CAST(json(r.row_json) AS MAP(VARCHAR, VARCHAR)))) AS e "
             f"FROM {RAW_SCHEMA}.rejects AS r WHERE r.row_json IS NOT NULL")
    # one transaction: a warehouse never has the column without its rows decided and masked
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"ALTER TABLE {RAW_SCHEMA}.rejects ADD COLUMN is_withheld BOOLEAN")
        con.execute(
            f"""UPDATE {RAW_SCHEMA}.rejects SET is_withheld = coalesce(
                contains(row_json, '秘密') OR contains(row_json, '隐私')
                OR rowid IN (
                    SELECT rid FROM ({cells})
                    WHERE ({key} IN {_sql_list(reason_headers)} AND NOT {blank})
                       OR ({key} IN {_sql_list(id_headers)} AND upper(trim(e.value)) IN (
                           SELECT result_id FROM {RAW_SCHEMA}.result WHERE nondisclosure_reason IS NOT NULL))),
                false)""")
        con.execute(f"UPDATE {RAW_SCHEMA}.rejects SET row_json = NULL, reasons = ? WHERE is_withheld",
                    [WITHHELD_REASONS])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _sql_list(values: list[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"
