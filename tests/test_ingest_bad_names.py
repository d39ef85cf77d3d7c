"""Landing-folder names cannot make the ingest read outside the landing folder.

Links (to files or folders, outside or inside), names with '..', control or direction-override
characters, bytes that are not UTF-8, special files, and a file swapped for a link after it was
found: each is refused with a reason, and nothing outside the landing folder is ever opened.
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

import duckdb
import pytest

import pipelines.ingest.load as load_module
from pipelines.ingest.discover import LINK_PROBLEM, LandingFile, discover
from pipelines.ingest.load import ingest_landing, load_file, open_warehouse
from pipelines.ingest.reconcile import reconciliation_problems
from tests.export_files import csv_bytes, write_bytes
from tests.test_ingest import TASK_HEADER, task_row

BATCH = "20200803_月度导出"
GOOD = csv_bytes([TASK_HEADER, task_row("T-0001")])
RENAME = "请改用只含汉字、字母、数字的文件名"


@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def outside(tmp_path):
    """A secret next to the landing folder, and a batch-like folder outside it."""
    secret = write_bytes(tmp_path / "outside" / "抽查任务_secret.csv", GOOD)
    write_bytes(tmp_path / "outside" / "20200805_外部" / "抽查任务_202007.csv", GOOD)
    return secret.parent


@pytest.fixture
def opened(monkeypatch):
    """Every path the loader hashes or reads."""
    seen: list[Path] = []
    real_read, real_sha = load_module.read_into_stage, load_module.sha256_of

    def read(con, path, **kwargs):
        seen.append(Path(path))
        return real_read(con, path, **kwargs)

    def sha(path):
        seen.append(Path(path))
        return real_sha(path)

    monkeypatch.setattr(load_module, "read_into_stage", read)
    monkeypatch.setattr(load_module, "sha256_of", sha)
    return seen


def run(landing: Path, warehouse: Path) -> dict[str, tuple[str, str]]:
    outcomes = ingest_landing(landing, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert reconciliation_problems(con) == []
    return {f"{o.batch_id}/{o.file_name}": (o.status, o.message) for o in outcomes}


def assert_nothing_outside_was_opened(opened: list[Path], landing: Path) -> None:
    landing = landing.resolve()
    for path in opened:
        assert not path.is_symlink() and path.resolve().is_relative_to(landing), path


def test_links_are_refused_and_never_followed(tmp_path, landing, outside, opened):
    write_bytes(landing / BATCH / "抽查任务_202007.csv", GOOD)
    (landing / BATCH / "抽查任务_外部.csv").symlink_to(outside / "抽查任务_secret.csv")
    (landing / BATCH / "抽查任务_内部.csv").symlink_to(landing / BATCH / "抽查任务_202007.csv")
    (landing / BATCH / "抽查任务_相对.csv").symlink_to(Path("..") / ".." / "outside" / "抽查任务_secret.csv")
    (landing / "20200804_链接批次").symlink_to(outside / "20200805_外部", target_is_directory=True)
    (landing / "抽查任务_顶层.csv").symlink_to(outside / "抽查任务_secret.csv")
    (landing / BATCH / "20200806_子文件夹链接").symlink_to(outside, target_is_directory=True)
    out = run(landing, tmp_path / "wh.duckdb")
    link = f"文件{LINK_PROBLEM}"
    assert out == {
        "/20200804_链接批次": ("rejected", f"「20200804_链接批次」{LINK_PROBLEM}"),
        "/抽查任务_顶层.csv": ("rejected", f"「抽查任务_顶层.csv」{LINK_PROBLEM}"),
        f"{BATCH}/20200806_子文件夹链接": ("rejected", link),
        f"{BATCH}/抽查任务_202007.csv": ("loaded", ""),
        f"{BATCH}/抽查任务_内部.csv": ("rejected", link),
        f"{BATCH}/抽查任务_外部.csv": ("rejected", link),
        f"{BATCH}/抽查任务_相对.csv": ("rejected", link),
    }
    assert_nothing_outside_was_opened(opened, landing)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.load_log WHERE status = 'rejected' "
                           "AND (file_sha256 IS NOT NULL OR file_bytes IS NOT NULL)").fetchone() == (0,)


@pytest.mark.parametrize("name, shown, reason", [
    ("抽查任务..csv", "抽查任务..csv", f"文件名称含有「..」，不予读取：{RENAME}"),
    ("..抽查任务.csv", "..抽查任务.csv", None),  # starts with '.': hidden, ignored like tool state
    ("抽查任务..\\..\\etc.csv", "抽查任务..\\..\\etc.csv", f"文件名称含有「..」，不予读取：{RENAME}"),
    ("抽查任务\\etc.csv", "抽查任务\\etc.csv", f"文件名称含有路径分隔符「\\」，不予读取：{RENAME}"),
    ("抽查任务\n2020.csv", "抽查任务\\u000a2020.csv", f"文件名称含有不可见的控制字符或方向控制符（U+000A），不予读取：{RENAME}"),
    ("抽查任务_\u202eslx.csv", "抽查任务_\\u202eslx.csv",
     f"文件名称含有不可见的控制字符或方向控制符（U+202E），不予读取：{RENAME}"),
    ("抽查任务\u200b.csv", "抽查任务\\u200b.csv", f"文件名称含有不可见的控制字符或方向控制符（U+200B），不予读取：{RENAME}"),
    ("抽查任务\x1b[31m.csv", "抽查任务\\u001b[31m.csv",
     f"文件名称含有不可见的控制字符或方向控制符（U+001B），不予读取：{RENAME}"),
    (os.fsdecode(b"\xb3\xe9\xb2\xe9.csv"), "\\xb3\\xe9\\xb2\\xe9.csv",
     f"文件名称含有无法识别的字节（不是 UTF-8 编码的文件名），不予读取：{RENAME}"),
])
def test_odd_file_names_are_refused_and_shown_escaped(tmp_path, landing, opened, name, shown, reason):
    write_bytes(landing / BATCH / "抽查任务_202007.csv", GOOD)
    write_bytes(landing / BATCH / name, GOOD)
    out = run(landing, tmp_path / "wh.duckdb")
    expected = {f"{BATCH}/抽查任务_202007.csv": ("loaded", "")}
    if reason:
        expected[f"{BATCH}/{shown}"] = ("rejected", reason)
    assert out == expected
    assert all(p.name != name for p in opened)  # refused before it is opened
    assert run(landing, tmp_path / "wh.duckdb") == {k: ("unchanged", "") for k in expected}


def test_an_odd_batch_folder_name_refuses_its_files(tmp_path, landing):
    write_bytes(landing / "20200803_月度\u202e导出" / "抽查任务_202007.csv", GOOD)
    out = run(landing, tmp_path / "wh.duckdb")
    assert out == {"20200803_月度\\u202e导出/抽查任务_202007.csv": (
        "rejected", "批次文件夹名称含有不可见的控制字符或方向控制符（U+202E），不予读取：请改用只含汉字、字母、数字的文件夹名")}


def test_special_files_are_not_opened(tmp_path, landing, opened):
    (landing / BATCH).mkdir()
    os.mkfifo(landing / BATCH / "抽查任务_管道.csv")  # opening it would block the run

    def blocked(signum, frame):
        raise AssertionError("the loader opened the FIFO and blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(20)
    try:
        out = run(landing, tmp_path / "wh.duckdb")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert out == {f"{BATCH}/抽查任务_管道.csv": ("rejected", "文件不是普通文件（可能是设备、管道等特殊文件），不予读取")}
    assert opened == []


def test_a_file_swapped_for_a_link_after_discovery_is_not_read(tmp_path, landing, outside, opened):
    path = write_bytes(landing / BATCH / "抽查任务_202007.csv", GOOD)
    [found] = discover(landing)
    assert found.problem is None
    path.unlink()
    path.symlink_to(outside / "抽查任务_secret.csv")
    con = open_warehouse(tmp_path / "wh.duckdb")
    try:
        out = load_file(con, found)
    finally:
        con.close()
    assert (out.status, out.message) == ("rejected", f"文件{LINK_PROBLEM}")
    assert opened == []


def test_a_path_outside_the_landing_folder_is_refused_even_when_handed_in(tmp_path, landing, outside, opened):
    sneaky = LandingFile(outside / "抽查任务_secret.csv", BATCH, None, None, landing.resolve())
    con = open_warehouse(tmp_path / "wh.duckdb")
    try:
        out = load_file(con, sneaky)
    finally:
        con.close()
    assert (out.status, out.message) == ("rejected", "文件不在落地文件夹内，出于安全原因不予读取")
    assert opened == []


def test_a_landing_path_with_dot_dot_or_relative_still_reads_only_inside(tmp_path, landing, monkeypatch, opened):
    write_bytes(landing / BATCH / "抽查任务_202007.csv", GOOD)
    monkeypatch.chdir(tmp_path)
    for given in (Path("landing"), tmp_path / "landing" / ".." / "landing"):
        [found] = discover(given)
        assert found.problem is None and found.path == landing / BATCH / "抽查任务_202007.csv"
    assert run(Path("landing") / ".." / "landing", tmp_path / "wh.duckdb") == {f"{BATCH}/抽查任务_202007.csv": ("loaded", "")}
    assert_nothing_outside_was_opened(opened, landing)


def test_the_landing_sensor_fingerprints_odd_names_without_failing(landing):
    from pipelines.landing_state import landing_fingerprint

    write_bytes(landing / BATCH / os.fsdecode(b"\xff\xfe.csv"), GOOD)
    write_bytes(landing / BATCH / "抽查任务\u202e.csv", GOOD)
    assert len(landing_fingerprint(landing)) == 64
