"""Draws, inspector assignments, results, enforcement decisions, referrals and the blacklist.

For each task in draw-date order: draw objects from the register (random, weighted by credit class
for credit-linked tasks; in full for 100%-ratio items; directly assigned in a few emergencies),
match two inspectors per object (team leader from the initiating department; in a joint task the
second from a participating department), then every participating department records its own
result for each object visited (one visit per object: 进一次门，查多项事).
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from . import refdata
from .clock import NO_DATE, Clock
from .config import SimConfig, stream
from .ledger import Ledger
from .objects import ObjectRegister
from .plans import Task, _publish
from .registers import Dept, Registers
from .vocab import V

CATS = ("ok", "unpublished", "false_info", "unreachable", "other", "corrected", "no_activity", "closed",
        "uncooperative", "gone")
PROBLEM = {1, 2, 3, 4, 8}
# (decision type role, probability) per result category index
DECISIONS = {
    1: (("order", 0.25),),
    2: (("penalty", 0.45), ("order", 0.25)),
    3: (("order", 0.05),),
    4: (("penalty", 0.35), ("order", 0.30), ("coercion", 0.05)),
    5: (("order", 0.40),),
    8: (("penalty", 0.60),),
}
REFERRAL_P = {4: 0.35, 2: 0.10}
BLACKLIST_P = {2: ("false_info", 0.5), 8: ("uncooperative", 0.6), 4: ("other", 0.1)}


class Inspections:
    """Keeps the numbering counters and the blacklist keys across years."""

    def __init__(self, cfg: SimConfig, regs: Registers, objs: ObjectRegister, clock: Clock, ledger: Ledger):
        self.cfg, self.regs, self.objs, self.clock, self.ledger = cfg, regs, objs, clock, ledger
        self.result_seq: dict[tuple[int, int], int] = {}
        self.decision_seq: dict[tuple[str, int], int] = {}
        self.referral_seq: dict[tuple[int, int], int] = {}
        self.blacklisted: set[tuple[str, int, int]] = set()
        self.county_pos = {c.code: i for i, c in enumerate(refdata.COUNTIES)}
        self.counts = {"draws": 0}

    # ------------------------------------------------------------------ draws
    def draw_all(self, tasks: list[Task], year: int) -> dict[str, np.ndarray]:
        rng = stream(self.cfg.seed, "draws", year)
        pools = self.objs.pools()
        drawn = np.zeros(self.objs.n, dtype=bool)
        cache: dict[tuple, list[np.ndarray]] = {}
        weights = np.array([1.0, *self.cfg.class_weights])  # unclassified, A, B, C, D
        chosen: dict[str, np.ndarray] = {}
        for t in sorted(tasks, key=lambda t: (t.draw_date, t.task_id)):
            regions = tuple(range(len(refdata.COUNTIES))) if t.lead.county is None else (self.county_pos[t.lead.region],)
            letters = sorted(set("".join(it.types for it in t.items[t.lead.idx])) & set(t.lead.spec.types)) \
                or sorted(t.lead.spec.types)
            key = (regions, tuple(letters))
            per_class = cache.get(key)
            if per_class is None:
                tix = ["EICFN".index(x) for x in letters]
                per_class = [np.concatenate([pools[(r, ti, c)] for r in regions for ti in tix]) for c in range(5)]
                cache[key] = per_class
            sizes = np.array([len(p) for p in per_class], dtype=float)
            if sizes.sum() == 0:
                chosen[t.task_id] = np.zeros(0, dtype=np.int64)
                continue
            w = sizes * weights if t.credit_linked else sizes
            alloc = np.minimum(rng.multinomial(t.n_draw, w / w.sum()), sizes.astype(int))
            picks = []
            for c in range(5):
                if alloc[c]:
                    picks.append(self._sample(rng, per_class[c], int(alloc[c]), drawn, t.draw_date))
            idx = np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)
            drawn[idx] = True
            chosen[t.task_id] = idx
        return chosen

    def _sample(self, rng, pool: np.ndarray, k: int, drawn: np.ndarray, day: int) -> np.ndarray:
        """k distinct objects still in business on the draw day, preferring those not drawn this year."""
        exit_date = self.objs.exit_date
        cand = pool[rng.integers(0, len(pool), size=min(len(pool), 4 * k + 16))] if k < len(pool) // 2 \
            else rng.permutation(pool)
        _, first = np.unique(cand, return_index=True)
        cand = cand[np.sort(first)]
        cand = cand[(exit_date[cand] == 0) | (exit_date[cand] > day)]
        fresh = cand[~drawn[cand]]
        if len(fresh) >= k:
            return fresh[:k]
        rest = np.setdiff1d(pool, fresh)
        rest = rest[(exit_date[rest] == 0) | (exit_date[rest] > day)]
        rest_fresh = rest[~drawn[rest]]
        extra = rest_fresh if len(rest_fresh) else rest
        need = min(k - len(fresh), len(extra))
        return np.concatenate([fresh, rng.choice(extra, size=need, replace=False)]) if need else fresh

    # ------------------------------------------------------------------ everything after the draw
    def run(self, tasks: list[Task], year: int) -> None:
        chosen = self.draw_all(tasks, year)
        rng = stream(self.cfg.seed, "inspections", year)
        for t in tasks:
            idx = chosen.get(t.task_id, np.zeros(0, dtype=np.int64))
            self._draw_rows(rng, t, idx, year)
            self._assignments(rng, t, idx)
            self._results(rng, t, idx, year)

    def _draw_rows(self, rng, t: Task, idx: np.ndarray, year: int) -> None:
        cfg = self.cfg
        if t.surprise:
            t.list_published = NO_DATE
        else:
            t.list_published = int(_publish(cfg, self.clock, rng, np.array([t.draw_date]), "draw", year, t.lead)[0])
        if not len(idx):
            return
        cls = self.objs.class_at(idx, t.draw_date)
        labels = [None, *vars(V.credit_class).values()]
        mode = getattr(V.draw_mode, t.mode)
        names = self.objs.names(idx)
        restate = rng.random(len(idx)) < cfg.restate_share
        later = rng.integers(20, 200, len(idx))
        for j, i in enumerate(idx.tolist()):
            rec = {"task_id": t.task_id, "uscc": self.objs.uscc_of(i), "object_name": names[j],
                   "draw_date": t.draw_date, "draw_mode": mode, "credit_class_at_draw": labels[cls[j]]}
            changes = []
            if t.list_published:
                changes.append((max(t.list_published, t.draw_date), {"list_published_date": t.list_published}))
            if restate[j]:
                changes.append((t.draw_date + int(later[j]), {}))
            self.ledger.emit("draw", t.draw_date, rec, changes)
        self.counts["draws"] += len(idx)

    def _assignments(self, rng, t: Task, idx: np.ndarray) -> None:
        lead_active = t.lead.inspectors_active(t.draw_date)
        if not len(idx) or not len(lead_active):
            return
        partners = [(p, p.inspectors_active(t.draw_date)) for p in t.partners]
        partners = [(p, a) for p, a in partners if len(a)]
        p_assigned = 0.5 if t.mode == "assigned" else 0.03
        for i in idx.tolist():
            code = self.objs.uscc_of(i)
            mode = V.match_mode.assigned if rng.random() < p_assigned else V.match_mode.random
            asof = t.draw_date + int(rng.integers(0, 4))
            leader = int(lead_active[int(rng.integers(len(lead_active)))])
            pair = [(t.lead, leader, True)]
            if partners:
                p, active = partners[int(rng.integers(len(partners)))]
                pair.append((p, int(active[int(rng.integers(len(active)))]), False))
            elif len(lead_active) > 1:
                other = leader
                while other == leader:
                    other = int(lead_active[int(rng.integers(len(lead_active)))])
                pair.append((t.lead, other, False))
            for dept, pos, is_leader in pair:
                self.ledger.emit("assignment", asof, {
                    "task_id": t.task_id, "uscc": code, "inspector_id": dept.insp_ids[pos],
                    "is_team_leader": is_leader, "match_mode": mode})

    def _results(self, rng, t: Task, idx: np.ndarray, year: int) -> None:
        cfg, objs = self.cfg, self.objs
        k = len(idx)
        if not k:
            return
        f = t.lead.late_factor
        has = rng.random(k) >= cfg.at(cfg.missing_result_share, year) * f
        late = rng.random(k) < cfg.at(cfg.late_result_share, year) * f
        span = max(1, t.end_final - t.start + 1)
        visit = np.where(late, t.end_final + rng.integers(5, 61, k), t.start + rng.integers(0, span, k))
        gone = (objs.exit_date[idx] > 0) & (objs.exit_date[idx] <= visit)
        names = None
        mix = np.array(cfg.result_mix) / sum(cfg.result_mix)
        for d in t.depts:
            rec_mask = has & ((d is t.lead) | (rng.random(k) < 0.92))
            formed = visit + rng.integers(0, 9, k)
            cat = np.where(gone, 9, rng.choice(len(mix), size=k, p=mix))
            exempt = rng.random(k) < cfg.exempt_share
            reason = rng.choice(3, size=k, p=[0.1, 0.5, 0.4])
            pub = _publish(cfg, self.clock, rng, formed, "result", year, d)
            notice = np.where(rng.random(k) < 0.92, formed + rng.integers(1, 13, k), NO_DATE)
            closes = rng.random(k) < 0.85
            closed_on = formed + rng.integers(10, 151, k)
            u = rng.random((5, k))
            item_codes = [it.code for it in t.items[d.idx]]
            for j in np.flatnonzero(rec_mask).tolist():
                i = int(idx[j])
                c = int(cat[j])
                key = (d.idx, year)
                self.result_seq[key] = self.result_seq.get(key, 0) + 1
                result_id = f"{d.code}-JG{year}{self.result_seq[key]:06d}"
                fo = int(formed[j])
                rec = {
                    "result_id": result_id, "task_id": t.task_id, "uscc": objs.uscc_of(i), "dept_name": d.name,
                    "item_codes": item_codes, "inspection_date": int(visit[j]),
                    "result_category": getattr(V.result_category, CATS[c]), "formed_date": fo,
                }
                changes = []
                if exempt[j]:
                    rec["nondisclosure_reason"] = list(vars(V.nondisclosure).values())[int(reason[j])]
                elif pub[j]:
                    p = int(pub[j])
                    if u[0, j] < 0.01:  # a mistyped date (a month early) first, corrected in a later batch
                        changes.append((max(p, fo), {"published_date": p - 31}))
                        changes.append((max(p, fo) + int(rng.integers(20, 80)), {"published_date": p}))
                    else:
                        changes.append((max(p, fo), {"published_date": p}))
                if notice[j]:
                    changes.append((int(notice[j]), {"notice_date": int(notice[j])}))
                if c in PROBLEM:
                    rec["follow_up_status"] = V.follow_up.ongoing
                    if closes[j]:
                        changes.append((int(closed_on[j]), {"follow_up_status": V.follow_up.closed,
                                                            "follow_up_closed_date": int(closed_on[j])}))
                elif c == 5:
                    rec["follow_up_status"] = V.follow_up.closed
                    rec["follow_up_closed_date"] = fo
                elif u[1, j] < 0.7:
                    rec["follow_up_status"] = V.follow_up.none
                if u[2, j] < cfg.restate_share:
                    changes.append((fo + int(rng.integers(30, 240)), {}))
                self.ledger.emit("result", fo, rec, changes)
                if c in DECISIONS or c in REFERRAL_P:
                    if names is None:
                        names = objs.names(idx)
                    self._after(rng, d, t, result_id, c, fo, i, names[j], u[3, j], u[4, j], year)

    def _after(self, rng, d: Dept, t: Task, result_id: str, c: int, formed: int, obj: int, obj_name: str,
               u_dec: float, u_ref: float, year: int) -> None:
        cfg = self.cfg
        acc = 0.0
        kind = None
        for role, p in DECISIONS.get(c, ()):
            acc += p
            if u_dec < acc:
                kind = role
                break
        decision_date = formed + int(rng.integers(3, 46))
        if kind:
            dyear = dt.date.fromordinal(decision_date).year
            word = refdata.DECISION_WORDS[kind]
            key = (d.doc_prefix + word, dyear)
            self.decision_seq[key] = self.decision_seq.get(key, 0) + 1
            decision_id = f"{d.doc_prefix}{word}〔{dyear}〕{self.decision_seq[key]}号"
            pub = int(_publish(cfg, self.clock, rng, np.array([decision_date]), "decision", year, d)[0])
            changes = [(max(pub, decision_date), {"published_date": pub})] if pub else []
            self.ledger.emit("decision", decision_date, {
                "decision_id": decision_id, "result_id": result_id,
                "decision_type": getattr(V.decision_type, kind), "decision_date": decision_date}, changes)
        if u_ref < REFERRAL_P.get(c, 0.0):
            if d.spec.key == "SCJG":
                peers = [p for p in self.regs.peers(d) if p.spec.key != "SCJG"]
                to = peers[int(rng.integers(len(peers)))]
            else:
                to = self.regs.scjg(d.region)
            key = (d.idx, year)
            self.referral_seq[key] = self.referral_seq.get(key, 0) + 1
            when = formed + int(rng.integers(1, 21))
            self.ledger.emit("referral", when, {
                "referral_id": f"YS-{d.code}-{year}{self.referral_seq[key]:05d}", "result_id": result_id,
                "receiving_dept_name": to.name, "referral_date": when})
        listing = BLACKLIST_P.get(c)
        if kind == "penalty" and listing and rng.random() < listing[1]:
            listed = decision_date + int(rng.integers(10, 61))
            code = self.objs.uscc_of(obj)
            if (code, d.idx, listed) in self.blacklisted:
                return
            self.blacklisted.add((code, d.idx, listed))
            reasons = refdata.BLACKLIST_REASONS[listing[0]]
            changes = []
            if rng.random() < 0.35:
                removed = listed + int(rng.integers(365, 1101))
                changes.append((removed, {"removed_date": removed}))
            self.ledger.emit("blacklist", listed, {
                "uscc": code, "object_name": obj_name, "dept_name": d.name, "listed_date": listed,
                "reason": reasons[int(rng.integers(len(reasons)))]}, changes)
