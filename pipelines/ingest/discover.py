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
import os
from datetime import date, datetime, timedelta, timezone
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


BEIJING = timezone(timedelta(hours=8))  # China keeps one zone and no summer time
SUBFOLDER_FILES_COUNTED = 1000  # a sub-folder's files are counted for the message, up to this many


def today_in_beijing() -> date:
    """The platform's today: a batch exported after it cannot exist."""
    return datetime.now(BEIJING).date()


def _files_under(folder: Path) -> int:
    """Files anywhere below `folder` (links not followed), counted up to SUBFOLDER_FILES_COUNTED."""
    n = 0
    for _, _, files in os.walk(folder):
        n += len(files)
        if n >= SUBFOLDER_FILES_COUNTED:
            break
    return min(n, SUBFOLDER_FILES_COUNTED)


def _subfolder_problem(path: Path, batch_shown: str) -> str:
    n = _files_under(path)
    inside = f"内含 {n}{'+' if n >= SUBFOLDER_FILES_COUNTED else ''} 个文件" if n else "没有文件"
    return (f"是子文件夹（{inside}）：只载入直接放在批次文件夹中的文件，子文件夹中的文件不会被载入；"
            f"请把其中的导出文件移到「{batch_shown}」中")


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
        today = today_in_beijing()
        for path in sorted(entry.iterdir()):
            if path.name.startswith((".", "_", "~$")):
                continue
            problem = None
            if path.is_dir() and not path.is_symlink():
                problem = f"「{display_name(path.name)}」{_subfolder_problem(path, shown)}"
            elif unsafe := unsafe_reason(path, landing):
                problem = f"文件{unsafe}"
            elif folder_problem:
                problem = f"批次文件夹{folder_problem}，不予读取：请改用只含汉字、字母、数字的文件夹名"
            elif bad := name_problem(path.name):
                problem = f"文件{bad}，不予读取：请改用只含汉字、字母、数字的文件名"
            elif batch_date is None:
                problem = f"批次文件夹名「{shown}」不以导出日期（YYYYMMDD）开头，无法确定数据先后顺序"
            elif batch_date > today:
                # It would supersede every later genuine correction and move the as-of date. Refused
                # until the date is reached (the message changes then, so the file is looked at again).
                problem = (f"批次文件夹的导出日期 {batch_date} 晚于今天（{today}，北京时间）：导出日期不可能在未来，"
                           "请核对文件夹名中的日期")
            elif path.suffix.lower() not in extensions:
                problem = f"不支持的文件类型「{display_name(path.suffix)}」：平台导出应为 CSV 或 XLSX"
            found.append(LandingFile(path, shown, batch_date, problem, landing))
    found.sort(key=lambda f: (f.batch_date or date.min, f.batch_id, f.file_name))
    return found
