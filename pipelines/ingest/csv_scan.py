"""The structure of a CSV file, checked line by line before DuckDB reads it; the authority on how
many records the file holds.

DuckDB's lenient reader (strict_mode=false, needed for ragged rows) silently alters or swallows
rows when quoting or line ends are ambiguous: an unclosed quote swallows every later row into one
cell, a bare CR eats the next row's first character, `"ab"cd` becomes `abc`, cells beyond the
declared columns vanish. So a file is accepted only when every record is unambiguous (RFC 4180:
a quote opens a cell at its start and closes it before a delimiter or line end; lines end in LF or
CRLF), and afterwards the stage table must hold exactly the records counted here.

Cheap: the file is read in lines (long lines in pieces); a line without a quote, outside a quoted
cell, only has its commas counted; a line whose quoted cells all open and close on it is matched
whole by one regular expression. Only the rest (a quoted cell across lines, a stray quote, a
long line) is walked token by token, which also words the refusal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from pipelines.contract import Limits

from .errors import FileProblem

CHUNK_BYTES = 1 << 20  # read at a time; also the most of one long line Python holds
PROBE_RECORDS = 20  # the header is among the first records (title lines may stand above it)
BOM = b"\xef\xbb\xbf"
RESAVE = "请用 Excel 打开核对该行，另存为 CSV 后再放入，或重新从平台导出"
_TOKENS = re.compile(rb'[",]')
_QUOTED_CELL = rb'"(?:[^"]|"")*"'
_QUOTED_CELLS = re.compile(_QUOTED_CELL)
# a whole line of cells, each quoted from its start to its end (doubled quotes inside) or free of
# quotes: matched in C, the usual quoted line needs no walk token by token
_WELL_FORMED_LINE = re.compile(rb'(?:' + _QUOTED_CELL + rb'|[^",]*)(?:,(?:' + _QUOTED_CELL + rb'|[^",]*))*')
# A run of whole lines each of which the line above matches, with no quoted cell spanning lines and
# no CR but before LF: checked for a whole run at a time (block), where a file quotes every cell.
# Possessive quantifiers: a well-formed line has one parse, and a line that is not stops the run in
# linear time (no backtracking on a crafted line) and is walked as before.
_RUN_QUOTED_CELL = rb'"(?:[^"\r\n]++|"")*+"'
_RUN_CELL = rb'(?:' + _RUN_QUOTED_CELL + rb'|[^",\r\n]*+)'
_WELL_FORMED_RUN = re.compile(rb'(?:' + _RUN_CELL + rb'(?:,' + _RUN_CELL + rb')*+\r?\n)++')
_RUN_QUOTED_CELLS = re.compile(_RUN_QUOTED_CELL)
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 continuation bytes: not characters of their own

START, UNQUOTED, QUOTED, CLOSED = range(4)  # where the scanner is within a cell


@dataclass(frozen=True)
class CsvShape:
    records: int  # non-empty records: what DuckDB reads (it skips empty lines)
    blank_lines: int  # empty lines outside quoted cells (not rows)
    header_width: int  # cells of the widest of the first PROBE_RECORDS records
    width: int  # cells of the widest record in the file
    last_fields: int  # cells of the last record
    ends_with_line_break: bool
    longest_record_bytes: int
    # per blank line, the records before it: a spreadsheet shows blank lines as rows, so a record's
    # row number counts the blank lines above it (empty in the usual file)
    blank_after: tuple[int, ...] = ()


def _chars(data: bytes) -> int:
    """Characters in a run of UTF-8 bytes."""
    return len(data.translate(None, _CONTINUATION))


class _Scanner:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.records = self.blank_lines = self.header_width = self.width = self.last_fields = 0
        self.state, self.field, self.record_bytes, self.cell_chars = START, 1, 0, 0
        self.quote_line = self.quote_field = 0  # where the open quoted cell began
        self.longest = 0
        self.blank_after: list[int] = []

    # -- outcomes --------------------------------------------------------------------------------
    def _too_wide(self, line: int) -> FileProblem:
        # no count: the walk stops at the first cell past the limit, where the fast paths know the whole line
        return FileProblem(f"CSV 文件第 {line} 行超过 {self.limits.max_columns} 列（Excel 的列数上限）："
                           f"可能是分隔符或引号有误。{RESAVE}")

    def _end_record(self) -> None:
        if self.record_bytes == 0:
            self.blank_lines += 1  # DuckDB skips an empty line; it is not a row
            self.blank_after.append(self.records)
        else:
            self.records += 1
            if self.records > self.limits.max_rows:
                raise FileProblem(f"文件超过 {self.limits.max_rows} 行（每个文件的行数上限）：请按月份拆分导出")
            if self.records <= PROBE_RECORDS:
                self.header_width = max(self.header_width, self.field)
            self.width = max(self.width, self.field)
            self.last_fields = self.field
            self.longest = max(self.longest, self.record_bytes)
        self.state, self.field, self.record_bytes, self.cell_chars = START, 1, 0, 0

    def _refuse(self, line: int, what: str, body: bytes = b"", at: int = 0) -> FileProblem:
        shown = ""
        if body:
            before = body[max(0, at - 80):at].decode("utf-8", "replace")[-20:].lstrip("\ufffd")
            after = body[at:at + 80].decode("utf-8", "replace")[:20].rstrip("\ufffd")
            excerpt = (before + after).replace("\r", "␍")  # a CR shown, not obeyed
            shown = f"（「{excerpt}」）" if excerpt else ""
        return FileProblem(f"CSV 文件第 {line} 行{what}{shown}：{RESAVE}")

    def _grow_cell(self, chars: int, line: int) -> None:
        self.cell_chars += chars
        if self.cell_chars > self.limits.max_cell_chars:
            raise self._refuse(line, f"第 {self.field} 列超过 {self.limits.max_cell_chars} 个字符（单元格长度上限），"
                                     "可能是引号没有成对或文件已损坏")

    # -- one line ----------------------------------------------------------------------------------
    def line(self, piece: bytes, line: int, continues_line: bool) -> None:
        ends = piece.endswith(b"\n")
        body = piece[:-2] if piece.endswith(b"\r\n") else piece[:-1] if ends else piece
        if b"\r" in body:  # a CR not followed by LF: a line end for some readers, text for others
            raise self._refuse(line, "有单独的回车符（CR）：行的边界不明确", body, body.index(b"\r"))
        fresh = self.state == START and self.record_bytes == 0
        if fresh and ends and len(body) <= self.limits.max_cell_chars and (
                b'"' not in body or _WELL_FORMED_LINE.fullmatch(body)):
            # the usual line, every cell short: no quote, or only quoted cells closed on this line
            self.field += (_QUOTED_CELLS.sub(b"", body) if b'"' in body else body).count(b",")
            if self.field > self.limits.max_columns:
                raise self._too_wide(line)
            self.record_bytes += len(body)
            self._end_record()
            return
        if self.state == QUOTED and not continues_line:
            self._check_continuation(body, line)
        self._walk(body, line)
        if ends:
            if self.state == QUOTED:  # a line break inside a quoted cell is part of the cell
                self._grow_cell(len(piece) - len(body), line)
                self.record_bytes += len(piece) - len(body)
            else:
                self._end_record()

    def at_record_start(self) -> bool:
        return self.state == START and self.record_bytes == 0

    def block(self, data: bytes, line: int) -> None:
        """Whole lines at a record start, each one record (or blank): without a quote, or a run of
        _WELL_FORMED_RUN whose quoted cells open and close on their line. Counted with a few C-level
        passes (commas once the quoted cells are cut out); a block with anything unusual goes line by line."""
        lines = data.split(b"\n")[:-1]
        if (self.records < PROBE_RECORDS or data.count(b"\r") != data.count(b"\r\n")
                or max(map(len, lines)) > self.limits.max_cell_chars):
            for i, text in enumerate(lines):
                self.line(text + b"\n", line + i, continues_line=False)
            return
        # the separators only: what a quoted cell holds is text (its commas too)
        cut = _RUN_QUOTED_CELLS.sub(b"", data).split(b"\n")[:-1] if b'"' in data else lines
        all_lines, all_cut = lines, cut
        blank = lines.count(b"") + lines.count(b"\r")
        if blank:
            keep = [text not in (b"", b"\r") for text in lines]
            lines = [text for text, k in zip(lines, keep) if k]
            cut = [text for text, k in zip(cut, keep) if k]
            before = self.records
            for text in all_lines:  # where each blank line lies (rare: only then this loop)
                if text in (b"", b"\r"):
                    self.blank_after.append(before)
                else:
                    before += 1
        if not lines:
            self.blank_lines += blank
            return
        commas = list(map(bytes.count, cut, repeat(b",")))
        self.records += len(lines)
        self.blank_lines += blank
        if self.records > self.limits.max_rows:
            raise FileProblem(f"文件超过 {self.limits.max_rows} 行（每个文件的行数上限）：请按月份拆分导出")
        if max(commas) >= self.limits.max_columns:  # found again among all lines, for its number
            first = next(i for i, text in enumerate(all_cut) if text.count(b",") >= self.limits.max_columns)
            raise self._too_wide(line + first)
        self.width = max(self.width, max(commas) + 1)
        self.last_fields = commas[-1] + 1
        # a record's bytes without its line end, as line() counts them (a CR here is always before LF)
        crs = data.count(b"\r")
        longest = (max(map(len, lines)) - (crs > 0) if crs in (0, len(all_lines))
                   else max(len(text) - text.endswith(b"\r") for text in lines))
        self.longest = max(self.longest, longest)

    def _check_continuation(self, body: bytes, line: int) -> None:
        """A quoted cell continues on this line. Legitimate for an address with a line break; but
        a line holding as many commas as a whole record is most likely a record swallowed by a
        quote that was never closed (and that a later quote happened to close)."""
        quote = body.find(b'"')
        commas = body.count(b",", 0, quote if quote >= 0 else len(body))  # the commas still inside the cell
        if self.header_width >= 2 and commas >= self.header_width - 1:
            raise FileProblem(
                f"CSV 文件第 {self.quote_line} 行第 {self.quote_field} 列的引号跨行没有闭合，而第 {line} 行看起来是完整的一行"
                f"（{commas + 1} 列）：引号可能没有成对，其后的行会被并进一个单元格。{RESAVE}")

    def _walk(self, body: bytes, line: int) -> None:
        """Tokens (quotes and commas) of a line or piece, and the text between them."""
        pos = 0
        for m in _TOKENS.finditer(body):
            self._text(body, pos, m.start(), line)
            self._token(body, m.start(), line)
            pos = m.end()
        self._text(body, pos, len(body), line)

    def _text(self, body: bytes, start: int, end: int, line: int) -> None:
        if start == end:
            return
        if self.state == CLOSED:
            raise self._refuse(line, f"第 {self.field} 列的引号闭合后还有其他字符：单元格的内容不明确", body, start)
        if self.state == START:
            self.state = UNQUOTED
        self.record_bytes += end - start
        self._grow_cell(_chars(body[start:end]), line)

    def _token(self, body: bytes, at: int, line: int) -> None:
        self.record_bytes += 1
        if body[at] == ord(","):
            if self.state == QUOTED:
                self._grow_cell(1, line)
            else:
                self.state, self.field, self.cell_chars = START, self.field + 1, 0
                if self.field > self.limits.max_columns:
                    raise self._too_wide(line)
            return
        if self.state == START:
            self.state, self.quote_line, self.quote_field = QUOTED, line, self.field
        elif self.state == QUOTED:
            self.state = CLOSED
        elif self.state == CLOSED:  # "" inside a quoted cell: one quote character
            self.state = QUOTED
            self._grow_cell(1, line)
        else:
            raise self._refuse(line, f"第 {self.field} 列的引号不在单元格开头：单元格的边界不明确", body, at)

    def finish(self, ended_with_break: bool) -> CsvShape:
        if self.state == QUOTED:
            raise FileProblem(f"CSV 文件第 {self.quote_line} 行第 {self.quote_field} 列开始的引号直到文件末尾都没有闭合："
                              f"其后的行都会被并进这一个单元格。{RESAVE}")
        if self.state != START or self.record_bytes:
            self._end_record()  # the last record, without a line break
        return CsvShape(self.records, self.blank_lines, self.header_width, self.width, self.last_fields,
                        ended_with_break, self.longest, tuple(self.blank_after))


def scan_csv(path: Path, limits: Limits) -> CsvShape:
    """The shape of a UTF-8 CSV file; FileProblem (with the line number) when it is ambiguous."""
    scanner = _Scanner(limits)
    line, continues, rest, last = 1, False, b"", b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            data = rest + chunk
            if line == 1 and not continues and data.startswith(BOM):
                data = data[len(BOM):]
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # a line longer than a chunk: scanned in pieces (a CR LF pair kept together)
                keep = 1 if data.endswith(b"\r") else 0
                scanner.line(data[:len(data) - keep], line, continues)
                continues, rest = True, data[len(data) - keep:]
                continue
            line = _scan_lines(scanner, data, cut, line, continues)
            continues, rest, last = False, data[cut:], data[:cut]
    if rest:
        scanner.line(rest, line, continues)
    return scanner.finish(not rest and last.endswith(b"\n"))


def _scan_lines(scanner: _Scanner, data: bytes, cut: int, line: int, continues: bool) -> int:
    """Scan the complete lines data[:cut]: runs of lines without a quote in blocks, the others one
    by one. Returns the number of the next line."""
    pos = 0
    while pos < cut:
        if scanner.at_record_start() and not continues:
            quote = data.find(b'"', pos, cut)
            stop = cut if quote < 0 else data.rfind(b"\n", pos, quote) + 1 or pos
            if stop == pos and scanner.records >= PROBE_RECORDS:  # a line with a quote: a run of whole ones?
                run = _WELL_FORMED_RUN.match(data, pos, cut)
                stop = run.end() if run else pos
            if stop > pos:
                scanner.block(data[pos:stop], line)
                line += data.count(b"\n", pos, stop)
                pos = stop
                continue
        end = data.index(b"\n", pos) + 1
        scanner.line(data[pos:end], line, continues)
        line, pos, continues = line + 1, end, False
    return line
