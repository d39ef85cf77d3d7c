"""The 考核报告 page on a tmp data dir: stored reports (written through pipelines.reports.store.save, so the
layout is the real one) are listed newest period first with a download per file and their earlier
versions; without reports the page says how they are made."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.reports import store

REPO_ROOT = Path(__file__).resolve().parents[1]
PAGE = str(REPO_ROOT / "dashboard" / "views" / "reports.py")


def manifest(label: str, generated_at: str, batch_date: str, missing: list[str] | None = None) -> dict:
    return {
        "title": f"{label}“双随机、一公开”监管工作报告", "period_label": label, "generated_at": generated_at,
        "timezone": "Asia/Shanghai", "missing": missing or [],
        "batch": {"publish_run_id": "run-1", "published_at": f"{batch_date} 09:00:00",
                  "latest_batch_date": batch_date, "as_of_date": batch_date},
    }


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SSSG_DATA_DIR", str(tmp_path))
    for name in ("SSSG_LANDING_DIR", "SSSG_WAREHOUSE_PATH", "SSSG_SERVING_PATH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_lists_stored_reports_newest_first_with_downloads(data_dir):
    assert store.reports_root() == data_dir / "reports"
    store.save("monthly", "2025-11", {"monthly-2025-11.pdf": b"%PDF-nov", "monthly-2025-11.xlsx": b"xlsx-nov"},
               manifest("2025年11月", "2025-12-01 08:00:05", "2025-11-30"))
    store.save("monthly", "2025-12", {"monthly-2025-12.pdf": b"%PDF-old", "monthly-2025-12.xlsx": b"xlsx-old"},
               manifest("2025年12月", "2026-01-05 08:00:05", "2026-01-04"))
    store.save("monthly", "2025-12", {"monthly-2025-12.pdf": b"%PDF-new", "monthly-2025-12.xlsx": b"xlsx-new"},
               manifest("2025年12月", "2026-01-06 10:00:00", "2026-01-05",
                        missing=["预警：预警数据缺失（mart_early_warning__obligations 无记录）。"]))
    store.save("annual", "2025", {"annual-2025.pdf": b"%PDF-y", "annual-2025.xlsx": b"xlsx-y",
                                  "circular-2025-draft.docx": b"docx-y"},
               manifest("2025年度", "2026-01-05 08:00:09", "2026-01-04"))

    at = run()
    assert at.title[0].value == "考核报告"
    assert [s.value for s in at.subheader] == ["月度报告", "年度考核报告"]
    text = markdown(at)
    # newest period first, monthly before annual
    assert text.index("#### 2025年12月") < text.index("#### 2025年11月") < text.index("#### 2025年度")
    # the current version's generation time and batch, not the earlier version's
    assert "2026-01-06 10:00:00" in text and "最新导出批次 2026-01-05" in text
    assert "2025-12-01 08:00:05" in text and "2026-01-05 08:00:09" in text
    assert any("数据缺失" in w.value and "预警数据缺失" in w.value for w in at.warning)

    buttons = at.get("download_button")
    labels = [b.label for b in buttons]
    for name in ("monthly-2025-12.pdf", "monthly-2025-12.xlsx", "monthly-2025-11.pdf", "monthly-2025-11.xlsx",
                 "annual-2025.pdf", "annual-2025.xlsx", "circular-2025-draft.docx"):
        assert name in labels
    # the earlier 2025-12 version has its own downloads (in the expander), so its files appear twice
    assert labels.count("monthly-2025-12.pdf") == 2 and labels.count("monthly-2025-11.pdf") == 1
    assert len(at.expander) == 1 and "（1）" in at.expander[0].label
    assert any("2025年12月" in m.value or "版本" in m.value for m in at.expander[0].markdown)
    assert not at.info


def test_no_reports_says_how_they_are_made(data_dir):
    at = run()
    assert at.title[0].value == "考核报告"
    assert not at.get("download_button")
    (info,) = at.info
    assert "make reports" in info.value and "Dagster" in info.value and "第一个法定工作日" in info.value
    assert str(data_dir / "reports") in info.value


def test_the_publish_time_is_shown_in_beijing_time_like_the_generation_time(data_dir, monkeypatch):
    """meta.publish_log stamps the publishing machine's local time (here UTC); the page shows it in
    Asia/Shanghai, the zone it names beside the generation time (as the report and its e-mail do)."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        man = manifest("2025年12月", "2026-01-05 09:30:00", "2026-01-04")
        man["batch"]["published_at"] = "2026-01-05 01:00:00"
        store.save("monthly", "2025-12", {"monthly-2025-12.pdf": b"%PDF"}, man)
        text = markdown(run())
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "发布于 2026-01-05 09:00:00" in text and "01:00:00" not in text
    assert "2026-01-05 09:30:00（Asia/Shanghai）" in text
