"""The published label dimensions of a hand-made serving artefact, read from the real seeds (never a
copy of their content): dim_code_label (seed code_labels) and dim_metric_group (seed metric_groups)."""
from __future__ import annotations

from pathlib import Path

LABEL_SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "labels"


def create_label_dims(con) -> None:
    """Create marts.dim_code_label and marts.dim_metric_group in `con` (schema marts must exist)."""
    con.execute(f"""CREATE TABLE marts.dim_code_label AS
        SELECT domain, code, CAST(sort_order AS INTEGER) AS sort_order, label_zh, label_en
        FROM read_csv('{LABEL_SEEDS / "code_labels.csv"}', header = true, all_varchar = true)""")
    con.execute(f"""CREATE TABLE marts.dim_metric_group AS
        SELECT group_code, metric_code, CAST(position AS INTEGER) AS position, member_code
        FROM read_csv('{LABEL_SEEDS / "metric_groups.csv"}', header = true, all_varchar = true)""")
