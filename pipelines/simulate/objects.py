"""The register of inspection objects (market entities) as compact numpy state.

Objects are born, reclassified by credit risk and leave (cancelled, revoked, moved out) over the
years. At most one reclassification and one exit per object per year keeps "state on a given day"
cheap: the year-start state plus the dated change of the year. Names are stored as small codes and
rendered only when a batch is written.
"""
from __future__ import annotations

import numpy as np

from . import refdata, uscc
from .clock import month_bounds, month_key, ordinal
from .config import SimConfig, stream
from .vocab import V

TYPES = "EICFN"
ACTIVE, REVOKED, CANCELLED, MOVED = 0, 1, 2, 3  # positions in the object_status roles
N_COUNTIES = len(refdata.COUNTIES)


class ObjectRegister:
    def __init__(self, cfg: SimConfig):
        self.cfg = cfg
        n_years = len(cfg.years)
        self.n0 = max(200, int(round(cfg.objects * cfg.scale)))
        cap = int(self.n0 * (1 + (cfg.registrations_per_year * 1.3) * n_years)) + 1000
        self.cap = cap
        self.n = 0
        self.code = np.zeros(cap, dtype="S18")
        self.otype = np.zeros(cap, dtype=np.uint8)
        self.region = np.zeros(cap, dtype=np.uint8)
        self.industry = np.zeros(cap, dtype=np.uint8)
        self.w1 = np.zeros(cap, dtype=np.uint16)
        self.w2 = np.zeros(cap, dtype=np.uint16)
        self.form = np.zeros(cap, dtype=np.uint8)
        self.reg = np.zeros(cap, dtype=np.int64)
        self.status = np.zeros(cap, dtype=np.uint8)
        self.cls = np.zeros(cap, dtype=np.uint8)  # 0 unclassified, 1..4 = A..D
        self.cls_date = np.zeros(cap, dtype=np.int64)
        # this year's dated changes and the state before them
        self.status0 = np.zeros(cap, dtype=np.uint8)
        self.cls0 = np.zeros(cap, dtype=np.uint8)
        self.cls_date0 = np.zeros(cap, dtype=np.int64)
        self.exit_date = np.zeros(cap, dtype=np.int64)
        self.reclass_date = np.zeros(cap, dtype=np.int64)
        self.offset = int(stream(cfg.seed, "uscc-offset").integers(0, 31**8))
        self.months: dict[int, np.ndarray] = {}
        self._type_p = np.array(cfg.object_type_mix) / sum(cfg.object_type_mix)
        self._region_p = np.array([c.weight for c in refdata.COUNTIES])
        self._region_p /= self._region_p.sum()
        self._cls_p = np.array(cfg.credit_mix) / sum(cfg.credit_mix)

    # ------------------------------------------------------------------ births
    def _add(self, rng: np.random.Generator, k: int, reg_dates: np.ndarray) -> np.ndarray:
        if self.n + k > self.cap:
            raise RuntimeError("object register capacity exceeded")
        idx = np.arange(self.n, self.n + k)
        self.n += k
        otype = rng.choice(len(TYPES), size=k, p=self._type_p).astype(np.uint8)
        region = rng.choice(N_COUNTIES, size=k, p=self._region_p).astype(np.uint8)
        industry = np.zeros(k, dtype=np.uint8)
        for t, letter in enumerate(TYPES):
            sel = np.flatnonzero(otype == t)
            w = np.array(refdata.INDUSTRY_WEIGHTS[letter], dtype=float)
            industry[sel] = rng.choice(len(w), size=len(sel), p=w / w.sum())
        self.otype[idx], self.region[idx], self.industry[idx] = otype, region, industry
        self.w1[idx] = rng.integers(0, len(refdata.BRAND_WORDS), k)
        self.w2[idx] = rng.integers(0, 4096, k)
        self.form[idx] = rng.integers(0, 256, k)
        self.reg[idx] = reg_dates
        # Registration authority: the city bureau registers a share of the enterprises.
        counties = np.array([c.code for c in refdata.COUNTIES])[region]
        city_reg = (otype == 0) & (rng.random(k) < 0.3)
        regions = np.where(city_reg, refdata.CITY_CODE, counties)
        prefix = np.array(["91", "92", "93", "91", "52"])[otype]
        np_other = rng.random(k)
        prefix = np.where((otype == 4) & (np_other < 0.3), "51", prefix)
        prefix = np.where((otype == 4) & (np_other > 0.9), "12", prefix)
        self.code[idx] = uscc.make(idx + 1, prefix, regions, self.offset)
        self.status[idx] = ACTIVE
        self.status0[idx] = ACTIVE
        self.cls[idx] = 0
        self.cls0[idx] = 0
        self.cls_date[idx] = 0
        self.cls_date0[idx] = 0
        self.exit_date[idx] = 0
        self.reclass_date[idx] = 0
        return idx

    def start(self, year: int) -> None:
        """The register as it stands on 1 January of the first simulated year."""
        rng = stream(self.cfg.seed, "objects-initial", year)
        y0 = ordinal(year, 1, 1)
        age = np.minimum(rng.exponential(6.0, self.n0), 28.0)
        reg = (y0 - 1 - (age * 365.25)).astype(np.int64)
        idx = self._add(rng, self.n0, reg)
        revoked = rng.random(self.n0) < 0.015
        self.status[idx[revoked]] = REVOKED
        classified = rng.random(self.n0) >= self.cfg.unclassified_share
        sel = idx[classified]
        self.cls[sel] = 1 + rng.choice(4, size=len(sel), p=self._cls_p)
        self.cls_date[sel] = y0 - rng.integers(10, 200, len(sel))

    # ------------------------------------------------------------------ one year of changes
    def simulate_year(self, year: int) -> None:
        cfg = self.cfg
        rng = stream(cfg.seed, "objects", year)
        y0, y1 = ordinal(year, 1, 1), ordinal(year, 12, 31)
        n_start = self.n
        self.status0[:n_start] = self.status[:n_start]
        self.cls0[:n_start] = self.cls[:n_start]
        self.cls_date0[:n_start] = self.cls_date[:n_start]
        self.exit_date[:n_start] = 0
        self.reclass_date[:n_start] = 0
        alive = np.flatnonzero(self.status[:n_start] == ACTIVE)
        self.alive_at_start = alive

        # exits: weaker credit classes leave more often
        w = np.array([1.2, 0.8, 1.0, 1.5, 2.2])[self.cls[alive]]
        k_exit = int(rng.binomial(len(alive), cfg.exits_per_year))
        leaving = rng.choice(alive, size=k_exit, replace=False, p=w / w.sum()) if k_exit else alive[:0]
        self.exit_date[leaving] = rng.integers(y0, y1 + 1, k_exit)
        self.status[leaving] = rng.choice([CANCELLED, REVOKED, MOVED], size=k_exit, p=[0.65, 0.2, 0.15])

        # reclassification of those who stay (the unclassified first)
        staying = np.setdiff1d(alive, leaving, assume_unique=True)
        p = np.where(self.cls[staying] == 0, 0.8, cfg.reclassified_per_year)
        rec = staying[rng.random(len(staying)) < p]
        self.reclass_date[rec] = rng.integers(y0 + 20, y1 + 1, len(rec))
        self.cls[rec] = 1 + rng.choice(4, size=len(rec), p=self._cls_p)
        self.cls_date[rec] = self.reclass_date[rec]

        # newly registered objects, classified some months after registration
        k_new = int(rng.poisson(len(alive) * cfg.registrations_per_year))
        reg = np.sort(rng.integers(y0, y1 + 1, k_new))
        new = self._add(rng, k_new, reg)
        first_class = reg + rng.integers(30, 240, k_new)
        ok = (first_class <= y1) & (rng.random(k_new) < 0.75)
        sel = new[ok]
        new_p = np.array([0.3, 0.55, 0.12, 0.03])
        self.reclass_date[sel] = first_class[ok]
        self.cls[sel] = 1 + rng.choice(4, size=len(sel), p=new_p)
        self.cls_date[sel] = first_class[ok]

        # which objects appear in which month's export
        touched_day = np.concatenate([self.exit_date[leaving], self.reclass_date[rec], reg, self.reclass_date[sel]])
        touched_idx = np.concatenate([leaving, rec, new, sel])
        restate_k = int(rng.binomial(n_start, 0.01))
        touched_day = np.concatenate([touched_day, rng.integers(y0, y1 + 1, restate_k)])
        touched_idx = np.concatenate([touched_idx, rng.integers(0, n_start, restate_k)])
        months = np.array([month_key(year, m) for m in range(1, 13)])
        bounds = np.array([month_bounds(m)[1] for m in months])
        which = np.searchsorted(bounds, touched_day)
        self.months = {int(months[m]): np.unique(touched_idx[which == m]) for m in range(12)}

    def month_rows(self, month: int, first: bool) -> np.ndarray:
        """Objects to export for a month (all of them in the first batch)."""
        if first:
            last = month_bounds(month)[1]
            return np.flatnonzero(self.reg[: self.n] <= last)
        return self.months.get(month, np.zeros(0, dtype=np.int64))

    # ------------------------------------------------------------------ state on a day
    def state_at(self, idx: np.ndarray, day: int):
        """(status, class, class date) of objects at the end of `day` (within the simulated year)."""
        exited = (self.exit_date[idx] > 0) & (self.exit_date[idx] <= day)
        status = np.where(exited, self.status[idx], self.status0[idx])
        moved = (self.reclass_date[idx] > 0) & (self.reclass_date[idx] <= day)
        cls = np.where(moved, self.cls[idx], self.cls0[idx])
        cls_date = np.where(moved, self.cls_date[idx], self.cls_date0[idx])
        return status, cls, cls_date

    def class_at(self, idx: np.ndarray, day: int) -> np.ndarray:
        return self.state_at(idx, day)[1]

    def gone_by(self, idx: np.ndarray, day: int) -> np.ndarray:
        return (self.exit_date[idx] > 0) & (self.exit_date[idx] <= day)

    # ------------------------------------------------------------------ draw pools
    def pools(self):
        """Objects active at the year start, grouped by (county, type, class at year start)."""
        alive = self.alive_at_start
        key = (self.region[alive].astype(np.int64) * 5 + self.otype[alive]) * 5 + self.cls0[alive]
        order = np.argsort(key, kind="stable")
        counts = np.bincount(key, minlength=N_COUNTIES * 25)
        ends = np.cumsum(counts)
        groups = np.split(alive[order], ends[:-1])
        return {(r, t, c): groups[(r * 5 + t) * 5 + c] for r in range(N_COUNTIES) for t in range(5) for c in range(5)}

    # ------------------------------------------------------------------ rendering
    def names(self, idx: np.ndarray) -> list[str]:
        words = refdata.BRAND_WORDS
        nw = len(words)
        out = []
        for t, r, ind, w1, w2, form in zip(self.otype[idx].tolist(), self.region[idx].tolist(),
                                          self.industry[idx].tolist(), self.w1[idx].tolist(),
                                          self.w2[idx].tolist(), self.form[idx].tolist()):
            county = refdata.COUNTIES[r]
            ent_words, shop_words = refdata.INDUSTRY_WORDS[ind]
            brand = words[w1] + (words[w2 % nw] if w2 & 1 else "")
            if t == 0:
                pref = ("抚顺", "抚顺市", "辽宁", county.full)[form & 3]
                suffix = ("有限公司",) * 6 + ("有限责任公司", "股份有限公司")
                tail = suffix[(form >> 2) & 7]
                if (form >> 5) == 7:
                    tail = f"有限公司{county.abbr}分公司"
                out.append(f"{pref}{brand}{ent_words[w2 % len(ent_words)]}{tail}")
            elif t == 1:
                shop = shop_words[w2 % len(shop_words)] if shop_words else ("经营部", "商店")[form & 1]
                who = brand if form & 4 else refdata.SURNAMES[w2 % len(refdata.SURNAMES)] + "记"
                out.append(f"{county.short}{who}{shop}")
            elif t == 2:
                town = county.towns[form % len(county.towns)]
                out.append(f"{county.full}{town}{words[w1]}{refdata.COOP_WORDS[w2 % len(refdata.COOP_WORDS)]}专业合作社")
            elif t == 3:
                out.append(f"{refdata.FOREIGN_FIRMS[w2 % len(refdata.FOREIGN_FIRMS)]}抚顺代表处")
            else:
                place = "抚顺市" if form & 1 else county.full
                out.append(f"{place}{words[w1]}{refdata.NONPROFIT_WORDS[w2 % len(refdata.NONPROFIT_WORDS)]}")
        return out

    def frame(self, idx: np.ndarray, day: int) -> dict[str, list]:
        """Contract columns for objects as they stand at the end of `day`."""
        status, cls, cls_date = self.state_at(idx, day)
        type_labels = np.array([getattr(V.object_type, t) for t in TYPES], dtype=object)
        status_labels = np.array(list(vars(V.object_status).values()), dtype=object)
        class_labels = np.array([None, *vars(V.credit_class).values()], dtype=object)
        region_codes = np.array([c.code for c in refdata.COUNTIES], dtype=object)
        industries = np.array(refdata.INDUSTRIES, dtype=object)
        otype = self.otype[idx]
        return {
            "uscc": np.char.decode(self.code[idx], "ascii").tolist(),
            "object_name": self.names(idx),
            "object_type": type_labels[otype].tolist(),
            "is_for_profit": (otype < 3).tolist(),
            "region_code": region_codes[self.region[idx]].tolist(),
            "industry": industries[self.industry[idx]].tolist(),
            "registered_date": self.reg[idx].tolist(),
            "status": status_labels[status].tolist(),
            "credit_class": class_labels[cls].tolist(),
            "credit_class_date": [d or None for d in cls_date.tolist()],
        }

    def uscc_of(self, i: int) -> str:
        return self.code[i].decode("ascii")
