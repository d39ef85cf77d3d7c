"""Annual plans and tasks (with their participating departments).

2020 is the roll-out year (the Fushun plan was issued on 2020-06-29, with lists, registers and
mechanisms due by the end of July and full coverage by the end of September): plans are filed in the
second half of the year, a few never. From 2021 plans are due before 1 March.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import refdata
from .clock import NO_DATE, Clock, ordinal
from .config import SimConfig, stream
from .ledger import Ledger
from .registers import Dept, Item, Registers
from .vocab import V


@dataclass
class Plan:
    plan_id: str
    dept: Dept
    filed: int


@dataclass
class Task:
    task_id: str
    year: int
    lead: Dept
    source: str  # task_source role
    plan: Plan | None
    partners: list[Dept] = field(default_factory=list)
    items: dict[int, list[Item]] = field(default_factory=dict)  # dept idx -> its items in the task
    directed: bool = False
    surprise: bool = False
    mode: str = "random"  # draw_mode role
    credit_linked: bool = False
    n_draw: int = 0
    approved: int = 0
    start: int = 0
    end: int = 0
    end_final: int = 0
    draw_date: int = 0
    list_published: int = NO_DATE
    live: list[Item] = field(default_factory=list)  # the lead's items in force at approval

    @property
    def joint(self) -> bool:
        return bool(self.partners)

    @property
    def temporary(self) -> bool:
        return self.source != "plan"

    @property
    def depts(self) -> list[Dept]:
        return [self.lead, *self.partners]


def _topic(item_name: str) -> str:
    for tail in ("情况的检查", "的检查", "检查"):
        if item_name.endswith(tail):
            return item_name[: -len(tail)]
    return item_name


def _place(dept: Dept) -> str:
    return refdata.CITY_NAME if dept.county is None else dept.county.name


# ---------------------------------------------------------------------------------------- plans
def make_plans(cfg: SimConfig, regs: Registers, clock: Clock, ledger: Ledger, year: int) -> dict[int, Plan]:
    rng = stream(cfg.seed, "plans", year)
    plans: dict[int, Plan] = {}
    on_time = {2021: 0.82, 2022: 0.88, 2023: 0.93, 2024: 0.95}.get(year, 0.96)
    never_approved = {2020: 0.12, 2021: 0.07, 2022: 0.05}.get(year, 0.03)
    for d in regs.active_members(year):
        chronic = d.late_factor > 1
        if year == 2020:
            if rng.random() < (0.2 if chronic else 0.07):
                continue
            late = rng.random() < (0.6 if chronic else 0.12)
            filed = ordinal(2020, 7, 1) + int(rng.integers(0, 92)) if not late else \
                ordinal(2020, 10, 1) + int(rng.integers(0, 76))
        else:
            if rng.random() < (0.03 if year == 2021 else 0.008) * (2 if chronic else 1):
                continue
            p = on_time ** (2.0 if chronic else 1.0)
            filed = ordinal(year, 1, 4) + int(rng.integers(0, 55)) if rng.random() < p else \
                ordinal(year, 3, 1) + int(rng.integers(0, 90))
        enterprise = d.spec.key == "SCJG" or rng.random() < 0.85
        plan_id = f"{d.doc_prefix}抽查〔{year}〕{int(rng.integers(1, 12))}号"
        name = f"{d.name}{year}年度双随机抽查工作计划"
        approved = NO_DATE
        if enterprise and rng.random() >= never_approved * (2 if chronic else 1):
            approved = filed + int(rng.integers(3, 26)) + (int(rng.integers(10, 60)) if rng.random() < 0.08 else 0)
        clock_start = approved if approved else filed
        if enterprise and not approved and rng.random() < 0.5:
            published = NO_DATE
        else:
            published = int(_publish(cfg, clock, rng, np.array([clock_start]), "plan", year, d)[0])
        rec = {"plan_id": plan_id, "plan_name": name, "dept_name": d.name, "plan_year": year, "filed_date": filed,
               "is_enterprise_related": enterprise}
        changes = []
        if approved:
            changes.append((approved, {"approved_date": approved}))
        if published:
            changes.append((max(published, filed), {"published_date": published}))
        if rng.random() < 0.05:  # revised plan re-filed under the same number
            changes.append((filed + int(rng.integers(60, 200)), {"plan_name": name + "（修订版）"}))
        ledger.emit("plan", filed, rec, changes)
        plans[d.idx] = Plan(plan_id, d, filed)
    return plans


def _publish(cfg: SimConfig, clock: Clock, rng, events: np.ndarray, kind: str, year: int, dept: Dept):
    f = dept.late_factor
    return clock.publish(
        rng, events, cfg.deadlines[kind],
        p_late=cfg.at(cfg.late_share, year) * f,
        p_never=cfg.at(cfg.never_published_share, year) * (2 if f > 1 else 1),
        p_early=cfg.published_before_event_share,
        holiday_factor=cfg.holiday_factor,
        late_scale=1.6 if f > 1 else 1.0,
    )


# ---------------------------------------------------------------------------------------- tasks
def _exact(rng, n: int, share: float, candidates: np.ndarray | None = None) -> np.ndarray:
    """A boolean mask with round(share * n) True values (among candidates when given)."""
    pool = np.arange(n) if candidates is None else candidates
    k = min(len(pool), int(round(share * n)))
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[rng.choice(pool, size=k, replace=False)] = True
    return mask


def make_tasks(cfg: SimConfig, regs: Registers, clock: Clock, ledger: Ledger, year: int,
               plans: dict[int, Plan]) -> list[Task]:
    rng = stream(cfg.seed, "tasks", year)
    year_factor = 0.6 if year == 2020 else 1.0 + 0.04 * (year - 2021)
    n = max(4, int(round(cfg.tasks_per_year * cfg.scale * year_factor)))
    members = regs.active_members(year)
    weights = np.array([d.spec.weight * (1.0 if d.county is None else 0.45) for d in members])
    leads = [members[i] for i in rng.choice(len(members), size=n, p=weights / weights.sum())]

    forced = np.array([i for i, d in enumerate(leads) if d.idx not in plans], dtype=np.int64)
    share = cfg.at(cfg.temporary_share, year)
    temporary = np.zeros(n, dtype=bool)
    temporary[forced] = True
    extra = int(round(share * n)) - len(forced)
    if extra > 0:
        rest = np.flatnonzero(~temporary)
        temporary[rng.choice(rest, size=min(extra, len(rest)), replace=False)] = True
    joint = _exact(rng, n, cfg.joint_share)
    directed = _exact(rng, n, cfg.directed_share)

    window0 = ordinal(2020, 7, 10) if year == 2020 else ordinal(year, 1, 10)
    tasks: list[Task] = []
    seq: dict[int, int] = {}
    for i, lead in enumerate(leads):
        seq[lead.idx] = seq.get(lead.idx, 0) + 1
        if temporary[i]:
            source = "higher" if rng.random() < (0.55 if lead.county is None else 0.65) else "emergency"
        else:
            source = "plan"
        plan = plans.get(lead.idx) if source == "plan" else None
        t = Task(f"{lead.code}-RW{year}{seq[lead.idx]:04d}", year, lead, source, plan)
        t.directed = bool(directed[i])
        # dates: approval inside the year, after the plan and after the item list exists
        first_item = min((it.valid_from for it in lead.items), default=window0)
        lo = max(window0, first_item + 5, (plan.filed + 5) if plan else 0)
        hi = max(lo + 10, ordinal(year, 10, 31) if plan else ordinal(year, 11, 30))
        t.approved = int(rng.integers(lo, hi + 1))
        t.start = t.approved + int(rng.integers(3, 21))
        t.draw_date = t.approved + int(rng.integers(1, t.start - t.approved + 1))
        t.end = t.start + int(rng.integers(30, 121) if plan else rng.integers(15, 61))
        t.end_final = t.end
        live = lead.items_in_force(t.approved) or lead.items[:1]
        if joint[i]:
            peers = [p for p in regs.peers(lead) if p.items_in_force(t.approved)]
            k = min(len(peers), int(rng.choice([1, 1, 1, 2, 2, 2, 3, 3, 4])))
            if k:
                w = np.array([p.spec.weight for p in peers])
                t.partners = [peers[j] for j in rng.choice(len(peers), size=k, replace=False, p=w / w.sum())]
        tasks.append(t)
        t.live = live

    # draw modes: 100%-ratio items are drawn in full; a few emergency tasks assign objects directly
    can_full = np.array([i for i, t in enumerate(tasks) if any(it.full for it in t.live)], dtype=np.int64)
    full = _exact(rng, n, cfg.full_coverage_task_share, can_full)
    emergency = np.array([i for i, t in enumerate(tasks) if t.source == "emergency" and not full[i]], dtype=np.int64)
    assigned = np.zeros(n, dtype=bool)
    if len(emergency):
        assigned[emergency[rng.random(len(emergency)) < 0.3]] = True
    surprise_p = np.array([4.0 if t.source == "emergency" else 1.0 for t in tasks])  # emergencies: often unannounced
    k_surprise = int(round(cfg.surprise_share * n))
    surprise = np.zeros(n, dtype=bool)
    surprise[rng.choice(n, size=min(k_surprise, n), replace=False, p=surprise_p / surprise_p.sum())] = True
    random_idx = np.flatnonzero(~full & ~assigned)
    credit = np.zeros(n, dtype=bool)
    k_credit = int(round(cfg.at(cfg.credit_linked_share, year) * len(random_idx)))
    if k_credit:
        credit[rng.choice(random_idx, size=k_credit, replace=False)] = True

    # draw sizes: fixed small scopes for full coverage and direct assignment, the rest share the volume
    target = cfg.draws_per_year * cfg.scale * year_factor
    for i, t in enumerate(tasks):
        t.surprise = bool(surprise[i])
        t.credit_linked = bool(credit[i])
        if full[i]:
            t.mode, t.n_draw = "full", int(rng.integers(5, 41))
        elif assigned[i]:
            t.mode, t.n_draw = "assigned", int(rng.integers(1, 6))
        fulls = [it for it in t.live if it.full]
        plain = [it for it in t.live if not it.full] or t.live
        if t.mode == "full":
            chosen = [fulls[int(rng.integers(len(fulls)))]]
            chosen += [it for it in plain if it not in chosen and rng.random() < 0.2][:1]
        else:
            k = min(len(plain), int(rng.choice([1, 1, 1, 2, 2, 3])))
            chosen = [plain[j] for j in sorted(rng.choice(len(plain), size=k, replace=False))]
        t.items = {t.lead.idx: chosen}
        for p in t.partners:
            opts = [it for it in p.items_in_force(t.approved) if not it.full] or p.items_in_force(t.approved)
            t.items[p.idx] = [opts[int(rng.integers(len(opts)))]]
    fixed = sum(t.n_draw for t in tasks)
    rnd = [t for t in tasks if t.mode == "random"]
    if rnd:
        w = rng.lognormal(0.0, 0.8, len(rnd))
        sizes = np.maximum(1, np.round(w / w.sum() * max(target - fixed, len(rnd)))).astype(int)
        for t, s in zip(rnd, sizes):
            t.n_draw = int(s)

    # task extensions (end date restated later)
    for t in tasks:
        if rng.random() < 0.04:
            t.end_final = t.end + int(rng.integers(15, 61))
    return tasks


def ratio_text(rng, t: Task) -> str:
    """The sampling ratio as offices write it."""
    if t.mode == "full":
        return "100%"
    if t.mode == "assigned" or t.n_draw == 1:
        return f"{t.n_draw}户"
    r = int(rng.choice([1, 2, 3, 5, 10, 20]))
    form = int(rng.choice(6, p=[0.45, 0.12, 0.12, 0.10, 0.11, 0.10]))
    if form == 1:
        return f"{max(1, r // 2)}%-{r}%"
    if form == 2:
        return f"不低于{r}%"
    if form == 3:
        return f"≥{r}%"
    if form == 4:
        return f"{r}%（{t.n_draw}户）"
    if form == 5:
        return f"{r}%;{int(rng.choice([1, 2]))}次/年"
    return f"{r}%"


def emit_tasks(cfg: SimConfig, clock: Clock, ledger: Ledger, tasks: list[Task], year: int) -> None:
    """Task and participating-department rows (after the draws, which fix the list publication)."""
    rng = stream(cfg.seed, "task-rows", year)
    types = vars(V.object_type)
    for t in tasks:
        lead = t.lead
        topic = _topic(t.items[lead.idx][0].name)
        place = _place(lead)
        if t.source == "higher":
            higher = refdata.HIGHER_LEVEL[lead.level]
            name = f"落实{higher}{year}年{topic}专项抽查任务"
        elif t.source == "emergency":
            name = f"{year}年{place}{topic}专项检查"
        elif t.joint:
            name = f"{year}年{place}{topic}等事项部门联合双随机抽查"
        else:
            name = f"{year}年{place}{topic}双随机抽查"
        if t.directed and lead.spec.scopes:
            scope = place + lead.spec.scopes[int(rng.integers(len(lead.spec.scopes)))]
        else:
            scope = place + "、".join(types[x] for x in lead.spec.types[:2])
        if t.surprise:
            published = NO_DATE
        elif t.temporary:  # published together with its drawn list
            published = t.list_published
        else:
            published = int(_publish(cfg, clock, rng, np.array([t.approved]), "task", year, lead)[0])
        codes = [it.code for d in t.depts for it in t.items[d.idx]]
        rec = {
            "task_id": t.task_id, "task_name": name, "plan_id": t.plan.plan_id if t.plan else None,
            "lead_dept_name": lead.name, "task_source": getattr(V.task_source, t.source),
            "task_scope": V.task_scope.joint if t.joint else V.task_scope.single,
            "directed": V.directed.directed if t.directed else V.directed.undirected,
            "is_surprise": t.surprise, "item_codes": codes, "object_scope": scope,
            "sampling_ratio_text": ratio_text(rng, t), "is_credit_linked": t.credit_linked,
            "start_date": t.start, "end_date": t.end, "approved_date": t.approved,
        }
        changes = []
        if published:
            if rng.random() < 0.01:  # a mistyped date, corrected in a later batch
                changes.append((max(published, t.approved), {"published_date": published - 365}))
                changes.append((max(published, t.approved) + int(rng.integers(20, 90)), {"published_date": published}))
            else:
                changes.append((max(published, t.approved), {"published_date": published}))
        if t.end_final != t.end:
            changes.append((t.end - int(rng.integers(1, 10)), {"end_date": t.end_final}))
        if rng.random() < cfg.restate_share:
            changes.append((t.approved + int(rng.integers(20, 200)), {}))
        ledger.emit("task", t.approved, rec, changes)
        if t.joint:
            ledger.emit("task_department", t.approved,
                        {"task_id": t.task_id, "dept_name": lead.name, "dept_role": V.dept_role.lead})
            for p in t.partners:
                ledger.emit("task_department", t.approved,
                            {"task_id": t.task_id, "dept_name": p.name, "dept_role": V.dept_role.partner})
