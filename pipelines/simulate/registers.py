"""Reference registers: jurisdictions, departments, inspection items and inspectors.

Built once for the whole period (they are small); every record change becomes a version in the
ledger (a register row appears in the batch of the month it came into being, and again when it
changes).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import refdata
from .clock import ordinal
from .config import SimConfig, stream
from .ledger import Ledger
from .vocab import V

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 1..99 (第十四条, 第一百一十条 is not needed)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class Item:
    code: str
    dept: int
    name: str
    legal_basis: str
    types: str  # object-type role letters
    methods: tuple[str, ...]  # inspection_method roles
    key: bool
    full: bool
    published: int
    valid_from: int
    valid_to: int = 0

    def in_force(self, day: int) -> bool:
        return self.valid_from <= day and (self.valid_to == 0 or day < self.valid_to)


@dataclass
class Dept:
    idx: int
    code: str
    name: str
    short: str
    doc_prefix: str  # 抚市监 / 新宾市监
    spec: refdata.DeptSpec
    region: str
    county: refdata.County | None
    late_factor: float = 1.0
    items: list[Item] = field(default_factory=list)
    insp_ids: list[str] = field(default_factory=list)
    insp_from: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    insp_to: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    insp_names: list[str] = field(default_factory=list)
    insp_certs: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        return "city" if self.county is None else "county"

    @property
    def member(self) -> bool:
        return self.spec.member

    def items_in_force(self, day: int) -> list[Item]:
        return [it for it in self.items if it.in_force(day)]

    def inspectors_active(self, day: int) -> np.ndarray:
        """Positions of the inspectors active on a day."""
        ok = (self.insp_from <= day) & ((self.insp_to == 0) | (day < self.insp_to))
        return np.flatnonzero(ok)


class Registers:
    """Departments (with their items and inspectors) and the jurisdictions they belong to."""

    def __init__(self, cfg: SimConfig):
        self.cfg = cfg
        rng = stream(cfg.seed, "departments")
        members = [s.key for s in refdata.DEPARTMENTS if s.member and s.key != "SCJG"]
        chronic = set(rng.choice(members, size=cfg.chronic_late_depts, replace=False).tolist())
        counties = [c.code for c in refdata.COUNTIES]
        self.chronic_counties = set(rng.choice(counties, size=cfg.chronic_late_counties, replace=False).tolist())
        self.chronic_depts: set[str] = set()
        self.depts: list[Dept] = []
        for spec in refdata.DEPARTMENTS:
            d = Dept(len(self.depts), f"{refdata.CITY_CODE}-{spec.key}", spec.name, spec.short,
                     refdata.CITY_ABBR + spec.abbr, spec, refdata.CITY_CODE, None)
            if spec.key in chronic:
                d.late_factor = cfg.chronic_factor
                self.chronic_depts.add(d.code)
            self.depts.append(d)
        for county in refdata.COUNTIES:
            for spec in refdata.DEPARTMENTS:
                if spec.county_name is None:
                    continue
                template = spec.county_name[0 if county.kind == "district" else 1]
                fmt = {"full": county.full, "short": county.short, "abbr": county.abbr}
                d = Dept(len(self.depts), f"{county.code}-{spec.key}", template.format(**fmt),
                         spec.county_short.format(**fmt), county.abbr + spec.abbr, spec, county.code, county)
                if county.code in self.chronic_counties:
                    d.late_factor = cfg.chronic_factor * 0.8
                self.depts.append(d)
        owner: dict[str, str] = {}
        for d in self.depts:  # a name (full or short) must identify one department
            for name in (d.name, d.short):
                if owner.setdefault(name, d.code) != d.code:
                    raise ValueError(f"department name {name} names both {owner[name]} and {d.code}")
        self.by_code = {d.code: d for d in self.depts}
        self.short_of = {d.name: d.short for d in self.depts}
        self._build_items()
        self._build_inspectors()

    # ------------------------------------------------------------------ departments that act
    def active_members(self, year: int) -> list[Dept]:
        """Member departments with an item list: the ones that plan and inspect."""
        return [d for d in self.depts if d.member and d.spec.items]

    def peers(self, dept: Dept) -> list[Dept]:
        """Member departments at the same level and place (partners for a joint task)."""
        return [d for d in self.depts if d is not dept and d.member and d.spec.items and d.region == dept.region]

    def scjg(self, region: str) -> Dept:
        return self.by_code[f"{region}-SCJG"]

    # ------------------------------------------------------------------ items
    def _build_items(self) -> None:
        cfg = self.cfg
        rng = stream(cfg.seed, "items")
        method_roles = list(vars(V.inspection_method))
        method_p = np.array([0.6, 0.2, 0.05, 0.07, 0.05, 0.03])
        early = {"SCJG", "SW", "WJW"}
        for d in self.depts:
            spec = d.spec
            if not spec.items:
                continue
            if d.county is None:
                pool = list(spec.items)
            else:  # a county counterpart runs a subset of the city list
                keep = max(4, int(round(len(spec.items) * rng.uniform(0.6, 0.85))))
                pool = [spec.items[i] for i in sorted(rng.choice(len(spec.items), keep, replace=False))]
            n_initial = max(4, int(round(len(pool) * 0.75)))
            order = list(rng.permutation(len(pool)))
            if spec.key in early:
                start = ordinal(2019, 1, 1), ordinal(2019, 12, 31)
            elif d.late_factor > 1:
                start = ordinal(2020, 5, 1), ordinal(2020, 11, 30)
            else:
                start = ordinal(2020, 4, 15), ordinal(2020, 7, 31)
            seq = 0

            def add(name: str, valid_from: int) -> Item:
                nonlocal seq
                seq += 1
                law = spec.laws[int(rng.integers(len(spec.laws)))]
                types = "".join(t for t in spec.types if rng.random() < 0.7) or spec.types[0]
                k = int(rng.choice([1, 1, 2, 2, 3]))
                methods = tuple(sorted(set(rng.choice(method_roles, size=k, p=method_p).tolist()),
                                       key=method_roles.index))
                is_disclosure = "公示信息" in name
                item = Item(
                    code=f"{d.code}-{seq:03d}", dept=d.idx, name=name,
                    legal_basis=f"《{law}》第{cn_number(int(rng.integers(5, 80)))}条",
                    types=types, methods=methods,
                    key=bool(rng.random() < 0.2),
                    full=bool(rng.random() < 0.08) and not is_disclosure,
                    published=valid_from + int(rng.integers(-5, 11)),
                    valid_from=valid_from,
                )
                d.items.append(item)
                return item

            first = int(rng.integers(start[0], start[1] + 1))
            for i in order[:n_initial]:
                add(pool[i], first + int(rng.integers(0, 3)))
            reserve = [pool[i] for i in order[n_initial:]]
            for year in range(2021, cfg.last_year + 1):
                if reserve and rng.random() < 0.35:
                    for _ in range(int(rng.integers(1, 3))):
                        if reserve:
                            add(reserve.pop(0), ordinal(year, 1, 1) + int(rng.integers(0, 120)))
                live = [it for it in d.items if it.valid_to == 0 and it.valid_from < ordinal(year, 1, 1)]
                if len(live) > 4 and rng.random() < 0.2:
                    gone = live[int(rng.integers(len(live)))]
                    gone.valid_to = ordinal(year, 1, 1) + int(rng.integers(0, 180))

    # ------------------------------------------------------------------ inspectors
    def _build_inspectors(self) -> None:
        cfg = self.cfg
        rng = stream(cfg.seed, "inspectors")
        serial = 0
        for d in self.depts:
            if not (d.member and d.spec.items):
                continue
            if d.county is None:
                n0 = max(2, int(round(cfg.inspectors_city * cfg.scale)))
            else:
                n0 = max(2, int(round(rng.integers(cfg.inspectors_county[0], cfg.inspectors_county[1] + 1) * cfg.scale)))
            if d.spec.key in ("SCJG", "SW", "WJW"):
                lo, hi = ordinal(2016, 1, 1), ordinal(2019, 12, 31)
            elif d.late_factor > 1:
                lo, hi = ordinal(2020, 4, 1), ordinal(2020, 10, 31)
            else:
                lo, hi = ordinal(2020, 3, 1), ordinal(2020, 7, 31)
            starts = list(rng.integers(lo, hi + 1, n0))
            ends = [0] * n0
            for year in range(2020, cfg.last_year + 1):
                y0, y1 = ordinal(year, 1, 1), ordinal(year, 12, 31)
                active = [i for i in range(len(starts)) if starts[i] < y0 and ends[i] == 0]
                for i in active:
                    if rng.random() < cfg.inspector_leave_rate:
                        ends[i] = int(rng.integers(y0, y1 + 1))
                if year > 2020 or d.spec.key in ("SCJG", "SW", "WJW"):
                    joiners = int(rng.poisson(max(len(active), 1) * cfg.inspector_join_rate))
                    starts.extend(rng.integers(y0, y1 + 1, joiners).tolist())
                    ends.extend([0] * joiners)
            order = np.argsort(np.array(starts), kind="stable")
            d.insp_from = np.array(starts, dtype=np.int64)[order]
            d.insp_to = np.array(ends, dtype=np.int64)[order]
            d.insp_ids = [f"{d.code}-{k + 1:04d}" for k in range(len(order))]
            names = []
            for _ in order:
                serial += 1
                given = "".join(rng.choice(refdata.GIVEN_CHARS, size=int(rng.choice([1, 2, 2]))))
                names.append(refdata.SURNAMES[int(rng.integers(len(refdata.SURNAMES)))] + given)
            d.insp_names = names
            d.insp_certs = [f"辽{d.region}{int(rng.integers(10**6, 10**7))}" for _ in order]

    # ------------------------------------------------------------------ ledger output
    def emit(self, ledger: Ledger) -> None:
        long_ago = ordinal(2019, 1, 1)
        ledger.emit("jurisdiction", long_ago, {
            "region_code": refdata.CITY_CODE, "region_name": refdata.CITY_NAME, "region_kind": V.region_kind.city})
        for c in refdata.COUNTIES:
            ledger.emit("jurisdiction", long_ago, {
                "region_code": c.code, "region_name": c.name, "region_kind": getattr(V.region_kind, c.kind),
                "parent_code": refdata.CITY_CODE})
        for d in self.depts:
            rec = {"dept_code": d.code, "dept_name": d.name, "dept_short_name": d.short,
                   "dept_level": getattr(V.dept_level, d.level), "region_code": d.region, "is_member": d.member}
            changes = []
            if d.spec.member_from:  # joins the joint mechanism later: the register row is restated
                rec["is_member"] = False
                changes.append((ordinal(d.spec.member_from, 3, 1), {"is_member": True}))
            ledger.emit("department", long_ago, rec, changes)
        types = vars(V.object_type)
        for d in self.depts:
            for it in d.items:
                rec = {
                    "item_code": it.code, "dept_name": d.name, "item_name": it.name, "legal_basis": it.legal_basis,
                    "object_type": "、".join(types[t] for t in it.types),
                    "methods": tuple(getattr(V.inspection_method, m) for m in it.methods),
                    "item_category": V.item_category.key if it.key else V.item_category.general,
                    "is_full_coverage": it.full, "valid_from": it.valid_from,
                }
                # An item announced before it takes effect is exported from then on, its publication
                # date only from the day it is published: an export holds no date it has not reached.
                changes = [(it.published, {"published_date": it.published})]
                if it.valid_to:
                    changes.append((it.valid_to, {"valid_to": it.valid_to}))
                ledger.emit("item", min(it.published, it.valid_from), rec, changes)
            for k, insp in enumerate(d.insp_ids):
                start, end = int(d.insp_from[k]), int(d.insp_to[k])
                rec = {"inspector_id": insp, "inspector_name": d.insp_names[k], "dept_name": d.name,
                       "cert_no": d.insp_certs[k], "active_from": start}
                ledger.emit("inspector", start, rec, [(end, {"active_to": end})] if end else [])
