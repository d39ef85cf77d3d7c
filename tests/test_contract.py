"""The contract is self-consistent and every generated copy of it is current."""
from pipelines.contract import label_key, load_contract
from pipelines.contract.docs import DOC_PATH, rendered_document


def test_every_entity_of_the_domain_brief_is_in_the_contract():
    names = {e.name for e in load_contract().entities}
    assert names == {"jurisdiction", "department", "item", "object", "inspector", "plan", "task",
                     "task_department", "draw", "assignment", "result", "decision", "referral", "blacklist"}


def test_file_names_map_to_one_entity_each():
    contract = load_contract()
    for ent in contract.entities:
        assert contract.entity_for_file(f"{ent.file_label}_202007.csv") is ent
    assert contract.entity_for_file("月报_202007.csv") is None


def test_enum_variants_fold_bracket_width_and_spaces():
    lookup = load_contract().enum_lookup("result_category")
    assert lookup[label_key("通过登记的住所(经营场所)无法联系")] == "通过登记的住所（经营场所）无法联系"
    assert lookup[label_key(" 正常 ")] == "未发现问题"
    assert lookup[label_key("不予配合")] == "不配合检查情节严重"


def test_data_contract_document_is_rendered_from_the_contract():
    assert DOC_PATH.read_text(encoding="utf-8") == rendered_document(), "run `make docs`"
