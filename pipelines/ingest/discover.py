"""Finding export batches and files in the landing folder, safely and in a stable order."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.contract import load_contract


@dataclass(frozen=True)
class LandingFile:
    path: Path
    batch_id: str  # the batch folder's name ('' for a file outside any batch folder)
    batch_date: date | None  # export date from the folder name; None if the name has none
    problem: str | None = None  # why the file cannot be loaded before even opening it

    @property
    def file_name(self) -> str:
        return self.path.name


def batch_date_of(folder_name: str) -> date | None:
    match = re.match(load_contract().batch_folder_pattern, folder_name)
    if not match:
        return None
    digits = match.group(1)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def discover(landing: Path) -> list[LandingFile]:
    """Every candidate file under the landing folder, oldest batch first.

    Hidden entries (starting with '.' or '_') are ignored: they hold tool state, not exports.
    Symlinks and anything resolving outside the landing folder are reported, never followed.
    """
    landing = landing.resolve()
    extensions = {f".{ext}" for ext in load_contract().file_extensions}
    found: list[LandingFile] = []
    if not landing.is_dir():
        return found
    for entry in sorted(landing.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() or entry.is_symlink() and not entry.is_dir():
            found.append(LandingFile(entry, "", None, "文件不在批次文件夹内：请放入以导出日期命名的文件夹（如 20200731_月度导出）"))
            continue
        if entry.is_symlink() or not entry.is_dir():
            continue
        batch_date = batch_date_of(entry.name)
        for path in sorted(entry.iterdir()):
            if path.name.startswith((".", "_", "~$")):
                continue
            problem = None
            if path.is_symlink() or not path.resolve().is_relative_to(landing):
                problem = "文件是链接或指向落地文件夹之外，出于安全原因不予读取"
            elif path.is_dir():
                continue
            elif batch_date is None:
                problem = f"批次文件夹名「{entry.name}」不以导出日期（YYYYMMDD）开头，无法确定数据先后顺序"
            elif path.suffix.lower() not in extensions:
                problem = f"不支持的文件类型「{path.suffix}」：平台导出应为 CSV 或 XLSX"
            found.append(LandingFile(path, entry.name, batch_date, problem))
    found.sort(key=lambda f: (f.batch_date or date.min, f.batch_id, f.file_name))
    return found
