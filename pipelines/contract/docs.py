"""Render the entity tables of docs/data-contract.md from the contract (`make docs`).

The prose of the document is hand-written; everything between the GENERATED markers comes from
platform_export.yaml, and a test fails when the committed document is out of date.
"""
from __future__ import annotations

import sys

from pipelines.contract import load_contract
from pipelines.contract.warehouse import REJECT_KINDS, SQL_TYPES
from pipelines.settings import REPO_ROOT

DOC_PATH = REPO_ROOT / "docs" / "data-contract.md"
BEGIN, END = "<!-- BEGIN GENERATED: do not edit by hand, run `make docs` -->", "<!-- END GENERATED -->"

TYPE_WORDS = {
    "text": "文本", "code": "编码", "uscc": "统一社会信用代码", "date": "日期", "int": "整数",
    "decimal": "数值", "bool": "是/否", "enum": "字典值", "list": "字典值（可多个）",
}


LIMIT_WORDS = {
    "max_rows": "records of a CSV file, rows of an XLSX sheet",
    "max_columns": "cells in one CSV row (Excel's column limit)",
    "max_cell_chars": "characters in one CSV cell (Excel's own cell limit)",
    "max_xlsx_unpacked_bytes": "bytes of an XLSX once unpacked, all parts together (counted while decompressing)",
    "max_xlsx_shared_strings_bytes": "bytes of an XLSX's shared-strings part once unpacked (the reader holds it whole)",
    "max_xlsx_cells": "cells of an XLSX sheet's grid, last row x last column (the reader allocates the whole grid)",
    "duplicate_rows_shown": "row numbers a duplicate-key message lists before 等 (the count is always given)",
}


# What the readers refuse besides the limits (pipelines/ingest/csv_scan.py, xlsx_scan.py, readers.py).
STRUCTURE_REASONS = (
    "CSV whose quoting or line ends are ambiguous (RFC 4180 is the rule): a bare CR; a quote inside an unquoted "
    "cell; text after a closing quote (`\"ab\"cd`); a quote still open at the end of the file; a quoted cell "
    "running over a line that looks like a whole record (an unclosed quote). The message names the line.",
    "CSV whose rows, as read, do not number exactly the records counted line by line (never only the parser's count).",
    "XLSX whose data is on several sheets (row numbers must identify a row), or whose sheets all lack the "
    "entity's header (every sheet looked at is named). Other non-empty sheets are listed as ignored in the load log.",
    "XLSX whose chosen sheet has formula cells without a computed value (the first cell is named).",
    "A file whose loading failed unexpectedly (e.g. DuckDB out of memory under `SSSG_INGEST_MEMORY_LIMIT`): "
    "the reason names the error; the run goes on with the other files.",
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_generated() -> str:
    contract = load_contract()
    out = [BEGIN, ""]
    for ent in contract.entities:
        keys = "、".join(ent.column(k).header for k in ent.natural_key)
        out += [f"### {ent.title} (`{ent.name}`)", "",
                f"File name starts with **{ent.file_label}**; raw table `raw.{ent.table}`; natural key: {keys}.", "",
                "| 列名 header | also accepted | column | type | required | rule |",
                "|---|---|---|---|---|---|"]
        for col in ent.columns:
            rule = ""
            if col.pattern:
                rule = f"pattern `{_cell(col.pattern)}`"
            elif col.enum:
                rule = f"enum `{col.enum}`"
            if col.range:
                rule = f"range `{col.range}`"
            out.append(f"| {col.header} | {_cell('、'.join(col.synonyms))} | `{col.name}` | "
                       f"{TYPE_WORDS[col.type]} ({SQL_TYPES[col.type]}) | {'yes' if col.required else ''} | {rule} |")
        out.append("")
    out += ["### Enumerations", "", "Canonical label (the stable key stored in the warehouse) and the variants accepted for it.", "",
            "| enum | canonical label | variants accepted |", "|---|---|---|"]
    for name, labels in contract.enums.items():
        for label, variants in labels.items():
            out.append(f"| `{name}` | {label} | {_cell('、'.join(variants))} |")
    out += ["", "### Limits of one file", "",
            "A file over a limit is refused whole with the limit named, logged in `raw.load_log` and not retried "
            "(the same content is skipped as unchanged). Checked while the file is streamed, before it is held.", "",
            "| limit | value | what it bounds |", "|---|---|---|"]
    out += [f"| `{name}` | {value:,} | {LIMIT_WORDS[name]} |" for name, value in vars(contract.limits).items()]
    out += ["", "Also refused whole, each with the line, cell or sheet to look at:", ""] + [f"- {r}" for r in STRUCTURE_REASONS]
    out += ["", "### Reasons a row is rejected", "", "| kind | label |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in REJECT_KINDS.items()]
    out += ["", END]
    return "\n".join(out)


def rendered_document() -> str:
    text = DOC_PATH.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + render_generated() + tail


def main() -> int:
    DOC_PATH.write_text(rendered_document(), encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
