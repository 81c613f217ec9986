"""Background records (contracts, gifts, contacts, trips) that never form a conflict by chance."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .params import BASE_COUNTS
from .vocab import (
    _CONF_PURPOSES,
    _CONTACT_NOTES,
    _DECISION_TITLES,
    _DESTINATIONS,
    _FAO_DECISIONS,
    _GIFT_DESC,
    _GOV_PURPOSES,
    _METHOD_P,
    _METHODS,
    _NONCOMP,
    _OFFICE_CHANNELS,
    _OFFICE_LOCATIONS,
    _PRIVATE_CHANNELS,
    _PRIVATE_LOCATIONS,
    _PRIVATE_NOTES,
    _SECTORS,
    _UNIT_DECISIONS,
    K_COM,
    K_OFF,
    K_PER,
    K_UNIT,
)


class Background:
    """Methods of the sample world (mixed into world.World)."""

    # ---------------------------------------------------------------- background records
    def costs(self, values):
        return np.maximum(1, np.round(np.asarray(values) * self.p.amount_scale)).astype(np.int64)

    def planted_count(self, kind):
        return self.rec[kind].n

    def background_contracts(self):
        rng = self.rng
        s = self.p.amount_scale
        n = max(0, int(round(BASE_COUNTS["contracts"] * self.scale * self.p.density)) - self.planted_count("contracts"))
        e = rng.integers(0, len(self.pool_unit), n)
        unit, comp = self.pool_unit[e], self.pool_comp[e]
        day = rng.integers(0, self.ndays, n)
        method = np.array(_METHODS, dtype=object)[rng.choice(5, n, p=_METHOD_P)]
        amount = (np.clip(rng.lognormal(np.log(900_000), 0.9, n), 100_000, 8_000_000) * s).astype(np.int64)
        # non-competitive awards spread below the limit, most of them far below it (a lognormal cut at the
        # limit by redrawing, so that no value piles up at the cut)
        small = rng.lognormal(np.log(0.15 * self.limit), 0.8, n)
        out = (small >= 0.995 * self.limit) | (small < 0.005 * self.limit)
        small[out] = self.limit * rng.uniform(0.005, 0.6, int(out.sum()))
        small = small.astype(np.int64)
        noncomp = np.isin(method, list(_NONCOMP))
        # non-competitive awards: at most one per (unit, supplier), well below the threshold
        df = pd.DataFrame({"u": unit, "c": comp, "d": day, "nc": noncomp})
        df = df.sort_values(["d"], kind="stable")
        dup = df[df.nc].duplicated(["u", "c"], keep="first")
        method[dup[dup].index.to_numpy()] = "invited_tender"
        noncomp = np.isin(method, list(_NONCOMP))
        amount = np.where(noncomp, small, amount)
        r = max(1, int(round(1000 * s)))
        amount = np.where(amount >= 1_000_000 * s, (amount // r) * r, amount)
        approver = self.app_by_unit.pick(rng, unit)
        sec = self.sup_sector[comp]
        title = np.empty(n, dtype=object)
        for s, (_, tl) in _SECTORS.items():
            m = sec == s
            title[m] = np.array(tl, dtype=object)[rng.integers(0, len(tl), int(m.sum()))]
        title = np.where(rng.random(n) < 0.3, "2026年度" + title, title)
        self.rec["contracts"].add(unit=unit, sup=comp, date=day, amount=amount, currency=self.cur, method=method,
                                  approver=approver, title=title)

    def background_gifts(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["gifts"] * self.scale * self.p.density)) - self.planted_count("gifts"))
        typ = rng.choice(4, n, p=[0.45, 0.30, 0.15, 0.10])  # other person, business person, supplier, non-supplier
        gk = np.where(typ <= 1, K_PER, K_COM)
        gi = np.empty(n, np.int64)
        tgt = np.empty(n, np.int64)
        m = typ == 0
        j = rng.integers(0, len(self.oth), int(m.sum()))
        gi[m], tgt[m] = self.oth[j], self.oth_target[j]
        m = typ == 1
        j = rng.integers(0, len(self.biz_people), int(m.sum()))
        gi[m], tgt[m] = self.biz_people[j], self.biz_target[j]
        m = typ == 2
        j = rng.integers(0, len(self.sup), int(m.sum()))
        gi[m], tgt[m] = self.sup[j], self.sup_target[j]
        m = typ == 3
        j = rng.integers(0, len(self.non), int(m.sum()))
        gi[m], tgt[m] = self.non[j], self.non_target[j]
        rec = self.bg_off_by_unit.pick(rng, tgt)
        ok = rec >= 0
        n2 = int(ok.sum())
        vals = np.array([100, 200, 200, 300, 300, 500, 500, 500, 600, 800, 1000, 1200, 1500])
        value = np.maximum(1, np.round(vals[rng.integers(0, len(vals), n2)] * self.p.amount_scale)).astype(np.int64)
        self.rec["gifts"].add(gk=gk[ok], gi=gi[ok], rk=K_OFF, ri=rec[ok], date=rng.integers(0, self.ndays, n2),
                              value=value, currency=self.cur,
                              description=np.array(_GIFT_DESC, dtype=object)[rng.integers(0, 8, n2)],
                              declared=(rng.random(n2) < 0.85).astype(int))

    def background_contacts(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["contacts"] * self.scale * self.p.density)) - 6)
        private = rng.random(n) < 0.08
        # office business
        no = int((~private).sum())
        off = rng.integers(0, self.n_off, no)
        typ = rng.choice(4, no, p=[0.35, 0.45, 0.10, 0.10])
        typ = np.where(self.is_planted[off], 0, typ)  # planted officials meet only other officials
        ck = np.where(typ == 0, K_OFF, np.where(typ == 2, K_COM, K_PER))
        ci = np.empty(no, np.int64)
        m = typ == 0
        other = rng.integers(0, self.n_off - 1, int(m.sum()))
        ci[m] = np.where(other >= off[m], other + 1, other)
        m = typ == 1
        ci[m] = self.biz_people[rng.integers(0, len(self.biz_people), int(m.sum()))]
        m = typ == 2
        ci[m] = self.sup[rng.integers(0, len(self.sup), int(m.sum()))]
        m = typ == 3
        ci[m] = self.oth[rng.integers(0, len(self.oth), int(m.sum()))]
        ch = np.array(_OFFICE_CHANNELS, dtype=object)[rng.choice(3, no, p=[0.5, 0.35, 0.15])]
        loc = np.array(_OFFICE_LOCATIONS, dtype=object)[rng.integers(0, 5, no)]
        loc = np.where(ch == "visit", "企业现场", np.where(ch == "call", "", loc))
        note = np.array(_CONTACT_NOTES, dtype=object)[rng.integers(0, len(_CONTACT_NOTES), no)]
        self.rec["contacts"].add(off=off, ck=ck, ci=ci, date=rng.integers(0, self.ndays, no), channel=ch,
                                 location=loc, note=note)
        # private: counterparts of the official's own island only (never tied to the unit's suppliers)
        npv = int(private.sum())
        use_biz = rng.random(npv) < 0.3
        ci = np.empty(npv, np.int64)
        tgt = np.empty(npv, np.int64)
        j = rng.integers(0, len(self.biz_people), int(use_biz.sum()))
        ci[use_biz], tgt[use_biz] = self.biz_people[j], self.biz_target[j]
        j = rng.integers(0, len(self.oth), int((~use_biz).sum()))
        ci[~use_biz], tgt[~use_biz] = self.oth[j], self.oth_target[j]
        off = self.bg_off_by_unit.pick(rng, tgt)
        ok = off >= 0
        k = int(ok.sum())
        self.rec["contacts"].add(off=off[ok], ck=K_PER, ci=ci[ok], date=rng.integers(0, self.ndays, k),
                                 channel=np.array(_PRIVATE_CHANNELS, dtype=object)[rng.integers(0, 2, k)],
                                 location=np.array(_PRIVATE_LOCATIONS, dtype=object)[rng.integers(0, 5, k)],
                                 note=np.array(_PRIVATE_NOTES, dtype=object)[rng.integers(0, 4, k)])
        # hostile-named entities: a few ordinary office contacts each
        bg = np.flatnonzero(~self.is_planted)
        offs = bg[rng.integers(0, len(bg), 6)]
        self.rec["contacts"].add(off=offs, ck=np.array([K_PER] * 3 + [K_COM] * 3),
                                 ci=np.array([self.hostile_person] * 3 + [self.hostile_company] * 3),
                                 date=rng.integers(0, self.ndays, 6), channel="meeting", location="会议室",
                                 note="工作对接")

    def background_trips(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["trips"] * self.scale * self.p.density)) - self.planted_count("trips"))
        sponsored = rng.random(n) < 0.03
        ng = int((~sponsored).sum())
        gov_off = np.flatnonzero(~np.isin(np.arange(self.n_off), self.planted_off["decoy_government_trips"]))
        off = gov_off[rng.integers(0, len(gov_off), ng)]
        unit = self.off_unit[off]
        dur = rng.integers(1, 6, ng)
        start = rng.integers(0, self.ndays - 5, ng)
        npart = rng.choice(4, ng, p=[0.35, 0.35, 0.2, 0.1])
        npart = np.where(self.is_planted[off], 0, npart)
        ps = []
        for k in range(3):
            p = self.bg_off_by_unit.pick(rng, unit)
            bad = (p == off) | (k >= npart) | (p < 0)
            for q in ps:
                bad |= p == q
            ps.append(np.where(bad, -1, p))
        self.rec["trips"].add(off=off, destination=np.array(_DESTINATIONS, dtype=object)[rng.integers(0, 15, ng)],
                              date=start, end=start + dur - 1,
                              purpose=np.array(_GOV_PURPOSES, dtype=object)[rng.integers(0, 5, ng)],
                              sk=K_UNIT, si=unit, cost=self.costs(rng.integers(15, 201, ng) * 100), currency=self.cur,
                              p1k=K_OFF, p1=ps[0], p2k=K_OFF, p2=ps[1], p3k=K_OFF, p3=ps[2])
        # conferences paid by companies outside the official's unit's pool (the company's island)
        ns = int(sponsored.sum())
        comp = np.concatenate([self.sup, self.non])
        tg = self.company_target
        j = rng.integers(0, len(comp), ns)
        off = self.bg_off_by_unit.pick(rng, tg[comp[j]])
        ok = off >= 0
        k = int(ok.sum())
        dur = rng.integers(1, 4, k)
        start = rng.integers(0, self.ndays - 4, k)
        self.rec["trips"].add(off=off[ok], destination=np.array(_DESTINATIONS, dtype=object)[rng.integers(0, 15, k)],
                              date=start, end=start + dur - 1,
                              purpose=np.array(_CONF_PURPOSES, dtype=object)[rng.integers(0, 3, k)],
                              sk=K_COM, si=comp[j][ok], cost=self.costs(rng.integers(30, 151, k) * 100),
                              currency=self.cur)

    def background_decisions(self):
        """Licences, permits, subsidies and approvals of each unit to its own pool of companies (and to people
        with no private tie to the unit); the foreign-affairs office's trip and business-card approvals."""
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["decisions"] * self.scale * self.p.density)) - self.planted_count("decisions"))
        e = rng.integers(0, len(self.pool_unit), n)
        unit, bi = self.pool_unit[e], self.pool_comp[e]
        bk = np.full(n, K_COM)
        # a tenth go to private people (an individual licence) whose private ties are with another unit
        pers = np.flatnonzero(rng.random(n) < 0.1)
        j = rng.integers(0, len(self.oth), len(pers))
        ok = self.oth_target[j] != unit[pers]
        bk[pers[ok]], bi[pers[ok]] = K_PER, self.oth[j[ok]]
        fao = unit == self.fao
        dtype = np.where(fao, np.array(_FAO_DECISIONS, dtype=object)[rng.integers(0, 2, n)],
                         np.array(_UNIT_DECISIONS, dtype=object)[rng.integers(0, 4, n)])
        title = np.array([_DECISION_TITLES[d][x % len(_DECISION_TITLES[d])]
                          for d, x in zip(dtype.tolist(), rng.integers(0, 5, n).tolist())], dtype=object)
        off = np.where(rng.random(n) < 0.8, self.app_by_unit.pick(rng, unit), -1)
        sub = dtype == "subsidy"
        amount = np.where(sub, (np.clip(rng.lognormal(np.log(300_000), 0.8, n), 10_000, 5_000_000)
                                * self.p.amount_scale).astype(np.int64), -1)
        self.rec["decisions"].add(unit=unit, off=off, bk=bk, bi=bi, date=rng.integers(0, self.ndays, n), type=dtype,
                                  title=title, amount=amount, currency=np.where(sub, self.cur, ""),
                                  role=np.where(off >= 0, "approver", ""))
