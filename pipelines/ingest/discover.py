"""Finding export batches and files in the landing folder, safely and in a stable order.

Safety: the landing folder is the only place read. Nothing reached through a symbolic link is read
(a link is reported, never followed), nor anything that is not a regular file (a FIFO would block),
nor a file whose name carries control characters, bidirectional overrides, '..' or bytes that are
not UTF-8: such names are reported with a reason, shown with the odd characters escaped.
"""
from __future__ import annotations

import re
import stat
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.contract import load_contract

LINK_PROBLEM = "是符号链接（快捷方式）或指向落地文件夹之外，出于安全原因不予读取：请放入文件本身"
# Unicode categories that have no business in a file name: controls (incl. tab / line breaks),
# format characters (zero-width, right-to-left overrides), private use, unpaired surrogates
# (bytes that are not UTF-8), line / paragraph separators.
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def display_name(name: str) -> str:
    """The name with every character a clerk could not see or type escaped (\\u202e, \\xff)."""
    out = []
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in _BAD_CATEGORIES:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def name_problem(name: str) -> str | None:
    """Why a file or folder name is refused, or None."""
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in name):
        return "名称含有无法识别的字节（不是 UTF-8 编码的文件名）"
    odd = sorted({f"U+{ord(ch):04X}" for ch in name if unicodedata.category(ch) in _BAD_CATEGORIES})
    if odd:
        return f"名称含有不可见的控制字符或方向控制符（{'、'.join(odd)}）"
    if ".." in name:
        return "名称含有「..」"
    if "\\" in name:
        return "名称含有路径分隔符「\\」"
    return None


def unsafe_reason(path: Path, landing: Path | None = None) -> str | None:
    """Why `path` (built from the resolved landing folder and plain entry names) must not be read.

    A path that resolves to anything but itself goes through a link somewhere; checked in discover
    and again right before the file is opened (the folder may change in between).
    """
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "已不存在或无法访问"
    if stat.S_ISLNK(mode) or not path.is_absolute() or path.resolve() != path:
        return LINK_PROBLEM
    if landing is not None and not path.is_relative_to(landing):
        return "不在落地文件夹内，出于安全原因不予读取"
    if not stat.S_ISREG(mode):
        return "不是普通文件（可能是设备、管道等特殊文件），不予读取"
    return None


@dataclass(frozen=True)
class LandingFile:
    path: Path
    batch_id: str  # the batch folder's name ('' for a file outside any batch folder)
    batch_date: date | None  # export date from the folder name; None if the name has none
    problem: str | None = None  # why the file cannot be loaded before even opening it
    landing: Path | None = None  # the (resolved) landing folder it was found in; nothing outside is read

    @property
    def file_name(self) -> str:
        return display_name(self.path.name)


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
        shown = display_name(entry.name)
        if entry.is_symlink():
            found.append(LandingFile(entry, "", None, f"「{shown}」{LINK_PROBLEM}", landing))
            continue
        if not entry.is_dir():
            problem = "文件不在批次文件夹内：请放入以导出日期命名的文件夹（如 20200731_月度导出）"
            if bad := name_problem(entry.name):
                problem = f"文件{bad}，不予读取；{problem}"
            found.append(LandingFile(entry, "", None, problem, landing))
            continue
        folder_problem = name_problem(entry.name)
        batch_date = batch_date_of(entry.name)
        for path in sorted(entry.iterdir()):
            if path.name.startswith((".", "_", "~$")):
                continue
            problem = None
            if path.is_dir() and not path.is_symlink():
                continue
            if unsafe := unsafe_reason(path, landing):
                problem = f"文件{unsafe}"
            elif folder_problem:
                problem = f"批次文件夹{folder_problem}，不予读取：请改用只含汉字、字母、数字的文件夹名"
            elif bad := name_problem(path.name):
                problem = f"文件{bad}，不予读取：请改用只含汉字、字母、数字的文件名"
            elif batch_date is None:
                problem = f"批次文件夹名「{shown}」不以导出日期（YYYYMMDD）开头，无法确定数据先后顺序"
            elif path.suffix.lower() not in extensions:
                problem = f"不支持的文件类型「{display_name(path.suffix)}」：平台导出应为 CSV 或 XLSX"
            found.append(LandingFile(path, shown, batch_date, problem, landing))
    found.sort(key=lambda f: (f.batch_date or date.min, f.batch_id, f.file_name))
    return found
