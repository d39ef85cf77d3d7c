"""UI strings: Chinese by default, English on request, never a crash on a missing key."""
from __future__ import annotations

from dashboard import i18n
from dashboard.i18n import t


def test_chinese_is_the_default_and_english_is_available():
    assert t("no_data") == "所选范围内没有数据"  # outside a Streamlit run: Chinese
    assert t("no_data", "en") == "No data for the selected range"
    assert t("no_data", "EN-us") == "No data for the selected range"


def test_missing_key_or_translation_falls_back_without_crashing():
    strings = {"only_zh": {"zh": "仅中文"}}
    assert i18n.lookup("only_zh", "en", strings) == "仅中文"
    assert t("no_such_key", "en") == "no_such_key"
    assert t("no_data", "fr") == "所选范围内没有数据"
    assert t("no_data", None) == "所选范围内没有数据"
    assert t("quarter_n", "zh", wrong=1) == "第{n}季度"  # bad placeholder: unformatted, no error
    assert t("quarter_n", "en", n=3) == "Q3"


def test_every_string_has_chinese_and_language_values_normalise():
    assert all(entry.get("zh") for entry in i18n.STRINGS.values())
    assert [i18n.normalise_language(v) for v in ("en", ["zh", "en"], "xx", None, 3, "zh_CN")] == \
        ["en", "en", "zh", "zh", "zh", "zh"]
    assert i18n.period_label("month", 7, "zh") == "7月" and i18n.period_label("month", 7, "en") == "Jul"


def test_translator_prefers_page_strings_then_shared_ones_and_never_raises():
    from dashboard.i18n import translator

    s = translator({"title": {"zh": "标题 {n}", "en": "Title {n}"}})
    assert s("title", "en", n=3) == "Title 3"
    assert s("title", "zh", n=3) == "标题 3"
    assert s("col_start", "en") == "Start"  # from the shared STRINGS
    assert s("title", "en") == "Title {n}"  # a missing value leaves the placeholder, no error
    assert s("no_such_key", "zh") == "no_such_key"
