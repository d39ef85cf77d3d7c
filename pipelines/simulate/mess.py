"""The real-world mess: how each export file varies, and the few genuinely invalid rows.

Every variation here is one the ingestion must accept (the contract defines them): file format and
encoding, header synonyms, enumeration variants, date formats, full-width characters, stray spaces,
line breaks inside labels, department names written in full, short, or with stray spaces.

On top of that a small share of rows is made invalid, each in exactly one way that the contract
lets the ingestion detect: a USCC with a wrong check digit, an empty required field, a label not in
the dictionary, or a date that cannot be read. These rows are recorded (the ground truth). Rows that
other records depend on (registers, plans, tasks, draws, results) are only made invalid when an earlier
batch already delivered a valid version of the same record, so rejecting them loses nothing that
the rest of the data needs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from pipelines.contract import Column, Entity, label_key
from pipelines.contract.warehouse import LIST_SEPARATOR, REJECT_KINDS

from . import uscc as usccmod
from .vocab import CONTRACT, V

PARENTS = {"jurisdiction", "department", "item", "inspector", "plan", "task", "task_department", "draw", "result"}
DATE_STYLES = 4  # 2020年7月3日, 2020/7/3, 2020/7/3/, 2020-07-03 (+ Excel date cells in XLSX)
_FULL = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_FULL[0x20] = "\u3000"
BOGUS_LABELS = ("待定", "未知", "不详", "另行确定", "暂缺", "其它情形")
BAD_DATES = ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (13, 15), (0, 10))


def full_width(s: str) -> str:
    return s.translate(_FULL)


def date_text(y: int, m: int, d: int, style: int) -> str:
    if style == 0:
        return f"{y}年{m}月{d}日"
    if style == 1:
        return f"{y}/{m}/{d}"
    if style == 2:
        return f"{y}/{m}/{d}/"
    return f"{y}-{m:02d}-{d:02d}"


class _DateCache:
    def __init__(self):
        self.cache: dict[tuple[int, int], str] = {}

    def text(self, day: int, style: int) -> str:
        key = (day, style)
        s = self.cache.get(key)
        if s is None:
            d = dt.date.fromordinal(day)
            s = self.cache[key] = date_text(d.year, d.month, d.day, style)
        return s


DATES = _DateCache()


@dataclass
class FileStyle:
    fmt: str  # csv | xlsx
    encoding: str  # utf-8 | utf-8-sig | gb18030 (csv only)
    headers: list[str]
    date_style: int
    excel_dates: bool
    quote_all: bool
    newline: str
    dept_style: str  # full | short | mixed
    list_sep: str
    enum_forms: dict[str, object] = field(default_factory=dict)

    @property
    def format_label(self) -> str:
        return "xlsx" if self.fmt == "xlsx" else f"csv-{self.encoding}"


def _enum_form(rng, forms: dict[str, tuple[str, ...]]):
    """A per-file way of writing one enumeration: canonical, one variant per label, or mixed."""
    u = rng.random()
    if u < 0.6:
        return {k: k for k in forms}
    if u < 0.9:
        return {k: (v[int(rng.integers(len(v)))] if v and rng.random() < 0.8 else k) for k, v in forms.items()}
    return {k: ("mixed", (k, *v)) for k, v in forms.items()}


def choose_style(rng, entity: Entity, n_rows: int, cfg) -> FileStyle:
    # Offices export small lists from Excel; big extracts mostly come as CSV.
    xlsx_p = 0.0 if n_rows > cfg.xlsx_max_rows else cfg.xlsx_share * min(1.0, cfg.xlsx_full_share_rows / max(n_rows, 1))
    u = rng.random()
    if u < xlsx_p:
        fmt, enc = "xlsx", ""
    else:
        fmt = "csv"
        enc = str(rng.choice(["utf-8", "utf-8-sig", "gb18030"], p=[0.4, 0.25, 0.35]))
    headers = []
    for col in entity.columns:
        if col.synonyms and rng.random() < 0.3:
            headers.append(col.synonyms[int(rng.integers(len(col.synonyms)))])
        else:
            headers.append(col.header)
    forms: dict[str, object] = {}
    for col in entity.columns:
        if col.type in ("enum", "list"):
            forms[col.name] = _enum_form(rng, CONTRACT.enums[col.enum])
        elif col.type == "bool":
            yes, no = V.bool.yes, V.bool.no
            yv, nv = CONTRACT.enums["bool"][yes], CONTRACT.enums["bool"][no]
            pairs = [(yes, no)] * 6 + list(zip(yv, nv))
            forms[col.name] = pairs[int(rng.integers(len(pairs)))]
    return FileStyle(
        fmt=fmt, encoding=enc, headers=headers,
        date_style=int(rng.integers(DATE_STYLES)),
        excel_dates=fmt == "xlsx" and rng.random() < 0.6,
        quote_all=rng.random() < 0.15,
        newline="\r\n" if enc == "gb18030" or rng.random() < 0.3 else "\n",
        dept_style=str(rng.choice(["full", "short", "mixed"], p=[0.5, 0.2, 0.3])),
        list_sep=LIST_SEPARATOR if rng.random() < 0.8 else full_width(LIST_SEPARATOR),
        enum_forms=forms,
    )


def _spaced(rng, name: str) -> str:
    """A department name with a stray space inside or around it."""
    space = " " if rng.random() < 0.6 else "\u3000"
    where = int(rng.integers(0, 3))
    if where == 0:
        return space + name
    if where == 1:
        return name + space
    cut = int(rng.integers(1, len(name)))
    return name[:cut] + space + name[cut:]


class Renderer:
    """Turns canonical column values into the cells of one file, in its style."""

    def __init__(self, short_names: dict[str, str]):
        self.short_names = short_names

    def column(self, rng, entity: Entity, col: Column, values: list, style: FileStyle) -> list:
        t = col.type
        if t == "date":
            if style.excel_dates:
                return [dt.date.fromordinal(v) if v else "" for v in values]
            s = style.date_style
            cells = [DATES.text(v, s) if v else "" for v in values]
            n = len(cells)
            k = int(rng.binomial(n, 0.03)) if n else 0
            for j in rng.choice(n, size=k, replace=False) if k else ():
                if values[j]:
                    cells[j] = DATES.text(values[j], int(rng.integers(DATE_STYLES)))
            return cells
        if t == "bool":
            yes, no = style.enum_forms[col.name]
            return [("" if v is None else (yes if v else no)) for v in values]
        if t == "int":
            if style.fmt == "xlsx":
                return [("" if v is None else int(v)) for v in values]
            return [("" if v is None else str(v)) for v in values]
        if t == "enum":
            form = style.enum_forms[col.name]
            if not any(isinstance(f, tuple) for f in form.values()):  # one spelling per label
                get = {**form, None: ""}.__getitem__
                return [get(v) for v in values]
            return [self._label(rng, form, v) for v in values]
        if t == "list":
            form = style.enum_forms[col.name]
            sep = style.list_sep
            return [sep.join(self._label(rng, form, x) for x in v) if v else "" for v in values]
        if col.name.endswith("dept_name") and entity.name != "department":
            return self._dept_names(rng, values, style)
        sep = style.list_sep
        return [("" if v is None else (sep.join(v) if isinstance(v, (list, tuple)) else v)) for v in values]

    @staticmethod
    def _label(rng, form: dict, v):
        if v is None:
            return ""
        f = form[v]
        if isinstance(f, tuple):
            options = f[1]
            return options[int(rng.integers(len(options)))]
        return f

    def _dept_names(self, rng, values: list, style: FileStyle) -> list:
        if style.dept_style == "full":
            return [v or "" for v in values]
        if style.dept_style == "short":
            return [self.short_names.get(v, v) if v else "" for v in values]
        u = rng.random(len(values))
        out = []
        for v, x in zip(values, u.tolist()):
            if not v:
                out.append("")
            elif x < 0.6:
                out.append(v)
            elif x < 0.85:
                out.append(self.short_names.get(v, v))
            else:
                out.append(_spaced(rng, v))
        return out


def cell_mess(rng, entity: Entity, cells: dict[str, list], style: FileStyle, n: int) -> None:
    """Full-width characters, stray spaces and line breaks inside labels, on a few cells."""
    if not n:
        return
    for col in entity.columns:
        values = cells[col.name]
        for kind, p in (("full", 0.004), ("space", 0.004), ("break", 0.003 if col.type == "enum" else 0.0)):
            k = int(rng.binomial(n, p)) if p else 0
            if not k:
                continue
            for j in rng.choice(n, size=k, replace=False).tolist():
                v = values[j]
                if not isinstance(v, str) or not v:
                    continue
                if kind == "full":
                    values[j] = full_width(v)
                elif kind == "space":
                    sp = (" ", "\u3000", "  ")[int(rng.integers(3))]
                    values[j] = (sp + v) if rng.random() < 0.5 else (v + sp)
                elif len(v) >= 4:
                    cut = len(v) // 2
                    values[j] = v[:cut] + "\n" + v[cut:]


@dataclass
class Truth:
    batch_id: str
    file_name: str
    row_number: int
    entity: str
    reason_kind: str


class Invalidator:
    """Makes a small share of rows invalid, each in exactly one detectable way, and records it."""

    def __init__(self, share: float):
        self.share = share
        self.delivered: dict[str, set] = {name: set() for name in PARENTS}
        self.truth: list[Truth] = []

    def apply(self, rng, entity: Entity, frame: dict[str, list], cells: dict[str, list], style: FileStyle,
              batch_id: str, file_name: str, year: int) -> None:
        n = len(next(iter(frame.values()))) if frame else 0
        keys = list(zip(*(frame[k] for k in entity.natural_key))) if entity.name in PARENTS else None
        if keys is not None:
            seen = self.delivered[entity.name]
            eligible = np.array([j for j, k in enumerate(keys) if k in seen], dtype=np.int64)
        else:
            eligible = np.arange(n)
        k = int(rng.binomial(len(eligible), self.share)) if len(eligible) else 0
        bad = set(rng.choice(eligible, size=k, replace=False).tolist()) if k else set()
        kinds = self._kinds(entity)
        for j in sorted(bad):
            kind, col = kinds[int(rng.integers(len(kinds)))]
            if col is None:  # pick the column for this row
                options = self._columns(entity, kind)
                col = options[int(rng.integers(len(options)))]
            cells[col.name][j] = self._bad_value(rng, kind, col, frame[col.name][j], style, year)
            self.truth.append(Truth(batch_id, file_name, j + 2, entity.name, REJECT_KINDS[kind]))
        if keys is not None:
            seen.update(key for j, key in enumerate(keys) if j not in bad)

    @staticmethod
    def _columns(entity: Entity, kind: str) -> list[Column]:
        if kind == "missing_required":
            return [c for c in entity.required if c.name not in entity.natural_key]
        if kind == "bad_enum":
            return [c for c in entity.columns if c.type == "enum"]
        if kind == "bad_date":
            return [c for c in entity.columns if c.type == "date"]
        return [c for c in entity.columns if c.type == "uscc"]

    def _kinds(self, entity: Entity) -> list[tuple[str, Column | None]]:
        kinds = []
        for kind in ("bad_uscc", "missing_required", "bad_enum", "bad_date"):
            if self._columns(entity, kind):
                kinds.append((kind, None))
        return kinds

    @staticmethod
    def _bad_value(rng, kind: str, col: Column, value, style: FileStyle, year: int) -> str:
        if kind == "missing_required":
            return ""
        if kind == "bad_uscc":
            return usccmod.corrupt(value, rng)
        if kind == "bad_enum":
            lookup = CONTRACT.enum_lookup(col.enum)
            options = [b for b in BOGUS_LABELS if label_key(b) not in lookup]
            return options[int(rng.integers(len(options)))]
        y = dt.date.fromordinal(value).year if value else year
        m, d = BAD_DATES[int(rng.integers(len(BAD_DATES)))]
        return date_text(y, m, d, style.date_style)
