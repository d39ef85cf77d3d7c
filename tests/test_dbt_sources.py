"""The dbt files generated from the export contract stay in sync with it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipelines.contract import load_contract
from pipelines.contract import dbt_sources
from pipelines.contract.warehouse import LINEAGE_COLUMNS, REJECT_KINDS, raw_columns

PROJECT = dbt_sources.DBT_PROJECT_DIR


@pytest.mark.parametrize("relative_path", sorted(dbt_sources.RENDERERS, key=str), ids=str)
def test_committed_generated_file_matches_the_contract(relative_path: Path) -> None:
    committed = (PROJECT / relative_path).read_text(encoding="utf-8")
    assert committed == dbt_sources.RENDERERS[relative_path](), (
        f"{relative_path} is out of date: run `python -m pipelines.contract.dbt_sources`"
    )


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    assert dbt_sources.main(["--project-dir", str(tmp_path)]) == 0
    assert dbt_sources.main(["--project-dir", str(tmp_path), "--check"]) == 0
    (tmp_path / dbt_sources.ENTITIES_SEED_PATH).write_text("entity\n", encoding="utf-8")
    assert dbt_sources.main(["--project-dir", str(tmp_path), "--check"]) == 1


def test_sources_list_every_raw_table_with_every_column() -> None:
    doc = yaml.safe_load(dbt_sources.render_sources_yml())
    (source,) = doc["sources"]
    assert (source["name"], source["schema"]) == ("raw", "raw")
    tables = {t["name"]: t for t in source["tables"]}
    contract = load_contract()
    assert set(tables) == {e.table for e in contract.entities} | {"rejects", "load_log"}
    for entity in contract.entities:
        columns = tables[entity.table]["columns"]
        assert [c["name"] for c in columns] == [name for name, _ in raw_columns(entity)]
        assert [c["data_type"] for c in columns] == [typ for _, typ in raw_columns(entity)]
        for col, described in zip(entity.columns, columns):
            assert described["description"].startswith(col.header)
    assert [c["name"] for c in tables["task"]["columns"]][-len(LINEAGE_COLUMNS):] == [
        name for name, _, _ in LINEAGE_COLUMNS
    ]


def test_seeds_carry_titles_and_reject_kind_labels() -> None:
    entities = dbt_sources.render_entities_seed().splitlines()
    assert entities[0] == "entity,table_name,title,file_label,sort_order"
    assert "task,task,抽查任务,抽查任务,7" in entities
    assert len(entities) == 1 + len(load_contract().entities)
    kinds = dbt_sources.render_reject_kinds_seed().splitlines()
    assert kinds[1:] == [f"{k},{label},{i}" for i, (k, label) in enumerate(REJECT_KINDS.items(), 1)]


def test_fold_macro_maps_the_same_characters_as_the_contract() -> None:
    from pipelines.contract import fold

    text = dbt_sources.render_fold_macro()
    source, target = re.search(r"translate\(\{\{ expr \}\}, '([^']*)', '([^']*)'\)", text).groups()
    assert len(source) == len(target)
    assert fold(source) == target
    assert "\\" not in target and "'" not in target


def test_every_stg_model_matches_an_entity() -> None:
    models = {p.stem for p in (PROJECT / "models/staging/platform").glob("stg_platform__*.sql")}
    expected = {f"stg_platform__{e.name}" for e in load_contract().entities}
    assert expected <= models
    assert models - expected == {"stg_platform__load_log", "stg_platform__rejects"}


def test_labels_compared_in_staging_sql_are_canonical_enum_labels() -> None:
    """`task_source <> '计划'` and the like must name a label the ingestion actually writes."""
    canonical = {label for labels in load_contract().enums.values() for label in labels}
    compared = set()
    for path in (PROJECT / "models/staging/platform").glob("*.sql"):
        compared |= set(re.findall(r"(?:=|<>)\s*'([^']*[\u4e00-\u9fff][^']*)'", path.read_text("utf-8")))
    assert compared, "expected staging models to derive flags from enum labels"
    assert compared <= canonical, compared - canonical
