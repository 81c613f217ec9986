"""The background city: units, officials, relatives, companies and their people, other people."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from ..errors import GraphRiskError
from .background import Background
from .foreign import Foreign
from .names import Names
from .params import _TABLE_BASE, BASE_COUNTS, CITY, CITY_SHORT, PATTERN_SPECS, Params
from .planting import Planting
from .util import _date_tables, _Groups, _Table
from .vocab import (
    _DEFAULT_DOMAIN,
    _DISTRICT_A,
    _DISTRICT_B,
    _DISTRICT_UNITS,
    _DOMAINS,
    _GIVEN,
    _MUNICIPAL,
    _NON_SECTORS,
    _OTHER_REGIONS,
    _SECTORS,
    _SRC_BUSINESS,
    _SRC_FAMILY,
    _SRC_SOCIAL,
    _SURNAMES,
    K_COM,
    K_OFF,
    K_PER,
)
from .writing import Writing


class World(Names, Planting, Foreign, Background, Writing):
    """The world being built: entity and record tables (by integer index), planted truth, parameters."""

    def __init__(self, scale: float, seed: int, params: Params | None = None):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.p = params or Params()
        self.scale = float(scale)
        self.seed = int(seed)
        self.rng = np.random.default_rng(seed)
        self.start = date.fromisoformat(self.p.start)
        self.ndays = 7 * self.p.weeks
        self.last_week = self.ndays - 7  # offset of the last week's Monday
        self.s0 = (self.start - _TABLE_BASE).days
        self.dates = _date_tables(self.start + timedelta(days=self.ndays + 400))
        self.cur = self.p.currency
        self.limit = self.p.limit
        # rates of messy dates and amounts, names in traditional characters, names with stray spaces
        self.messy_rate, self.trad_rate, self.space_rate = self.p.noise, 0.6 * self.p.noise, 0.2 * self.p.noise
        sw = np.array([w for _, w in _SURNAMES])
        self.sur = np.array([s for s, _ in _SURNAMES], dtype=object)
        self.sur_p = sw / sw.sum()
        gw = 1.0 / (np.arange(len(_GIVEN)) + 3.0) ** 0.9
        self.given = np.array(_GIVEN, dtype=object)
        self.given_p = gw / gw.sum()
        self.people = _Table({"name": "", "id_number": "", "note": "", "clean": False, "country": ""})
        self.companies = _Table({"name": "", "regno": "", "region": "", "sector": "", "clean": False,
                                 "country": ""})
        self.rel = _Table({"fk": 0, "fi": 0, "tk": 0, "ti": 0, "relation": "", "share": -1.0, "start": -99999,
                           "end": -99999, "source": "", "tag": -1})
        self.rec = {
            "contacts": _Table({"off": 0, "ck": 0, "ci": 0, "date": 0, "channel": "", "location": "", "note": "",
                                "country": "", "reported": -1, "tag": -1}),
            "gifts": _Table({"gk": 0, "gi": 0, "rk": 0, "ri": 0, "date": 0, "value": 0, "currency": "",
                             "description": "", "declared": 1, "country": "", "trip": -1, "tag": -1}),
            "trips": _Table({"off": 0, "destination": "", "date": 0, "end": 0, "purpose": "", "sk": 0, "si": 0,
                             "cost": 0, "currency": "", "p1k": 0, "p1": -1, "p2k": 0, "p2": -1, "p3k": 0, "p3": -1,
                             "country": "", "apu": -1, "apo": -1, "apd": -99999, "in_plan": -1, "tag": -1}),
            "contracts": _Table({"unit": 0, "sup": 0, "date": 0, "amount": 0, "currency": "", "method": "",
                                 "approver": -1, "title": "", "tag": -1}),
            "decisions": _Table({"unit": -1, "off": -1, "bk": 0, "bi": 0, "date": 0, "type": "", "title": "",
                                 "amount": -1, "currency": "", "role": "", "tag": -1}),
        }
        # second memberships: (official, unit, role, start day, tag)
        self.members: list[tuple] = []
        self.truth: list[dict] = []

    # ---------------------------------------------------------------- entities
    def build_units(self):
        n_units = max(15, int(round(60 * self.scale ** 0.8)))
        pairs = [a + b for a in _DISTRICT_A for b in _DISTRICT_B]
        order = self.rng.permutation(len(pairs))
        self.district_names = [pairs[i] + "区" for i in order]
        towns_pool = [pairs[i] for i in order[::-1]]
        names, parents, regions = ["市人民政府", "市人民政府外事办公室"], [-1, 0], [CITY, CITY]
        self.fao = 1  # the foreign-affairs office: approves trips abroad and business-travel cards
        n_muni = min(len(_MUNICIPAL), max(8, int(round(n_units * 0.5))))
        for nm in _MUNICIPAL[:n_muni]:
            names.append(nm)
            parents.append(0)
            regions.append(CITY)
        govs = []
        d = 0
        while len(names) < n_units and d < 8:
            dn = self.district_names[d]
            govs.append(len(names))
            names.append(dn + "人民政府")
            parents.append(0)
            regions.append(dn)
            for nm in _DISTRICT_UNITS:
                if len(names) >= n_units:
                    break
                names.append(dn + nm)
                parents.append(govs[-1])
                regions.append(dn)
            d += 1
        t = 0
        while len(names) < n_units:
            g = govs[t % len(govs)]
            base = towns_pool[t % len(towns_pool)] + ("" if t < len(towns_pool) else str(t // len(towns_pool)))
            names.append(regions[g] + base + ("镇人民政府" if t % 3 else "街道办事处"))
            parents.append(g)
            regions.append(regions[g])
            t += 1
        self.unit_name = np.array(names, dtype=object)
        self.unit_parent = np.array(parents)
        self.unit_region = np.array(regions, dtype=object)
        self.n_units = len(names)
        doms = []
        for nm in names:
            dom = _DEFAULT_DOMAIN
            for key, secs in _DOMAINS:
                if key in nm:
                    dom = secs
                    break
            doms.append(dom)
        self.unit_domain = doms

    def build_officials(self):
        rng = self.rng
        n = max(int(round(BASE_COUNTS["officials"] * self.scale)), 6 * self.n_units)
        nu = self.n_units
        w = np.ones(nu)
        w[0] = w[self.fao] = 2.0
        # the foreign-affairs office must hold the officials planted in it (its pattern grows with the scale
        # while the office, one unit among many, would not): weight it up when needed, which only happens
        # at large scales, so smaller worlds stay as they were
        need = 1.5 * (self._planted_count("benefit_before_trip_approval") + 1) - 6  # beyond a unit's first 6
        extra = n - 6 * nu
        if 0 < need < extra:
            w[self.fao] = max(2.0, need * (w.sum() - w[self.fao]) / (extra - need))
        sizes = 6 + rng.multinomial(n - 6 * nu, w / w.sum())
        unit = np.repeat(np.arange(nu), sizes)
        offs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        r = np.arange(n) - offs[unit]
        n_dep = 2 + rng.integers(0, 3, nu) + sizes // 60
        pos = np.array(["处长", "副处长", "科长", "副科长", "科员"], dtype=object)[
            rng.choice(5, n, p=[0.08, 0.10, 0.20, 0.15, 0.47])]
        pos = np.where(r == 0, "局长", np.where(r <= n_dep[unit], "副局长", pos))
        rank_of = {"局长": "正处级", "副局长": "副处级", "处长": "正科级", "副处长": "副科级", "科长": "正科级",
                   "副科长": "副科级", "科员": "科员"}
        rank = pd.Series(pos).map(rank_of).to_numpy(dtype=object)
        self.off_sur = self.sur[rng.choice(len(self.sur), n, p=self.sur_p)]
        self.off_name = self.names(n, self.off_sur)
        self.off_unit = unit
        self.off_pos = pos
        self.off_rank = rank
        self.off_idn = self.id_numbers(n, 1966, 1998)
        self.n_off = n
        self.approver = np.isin(pos, ["局长", "副局长"])

    def _planted_count(self, name: str) -> int:
        spec = next((s for s in PATTERN_SPECS if s.name == name), None)
        if spec is None:
            return 0
        base = self.p.counts.get(spec.name, spec.base)
        return max(2, len(self.p.variants_of(spec.name)), int(round(base * self.scale))) if base > 0 else 0

    def choose_planted(self):
        """Pick the officials of planted patterns and decoys (distinct, one pattern each), and the officials
        who hold a second post in another unit (kept, like planted ones, free of background private ties)."""
        rng = self.rng
        self.counts = {}
        for spec in PATTERN_SPECS:
            self.counts[spec.name] = self._planted_count(spec.name)
        fao = self.off_unit == self.fao
        approvers = list(rng.permutation(np.flatnonzero(self.approver & ~fao)))
        others = list(rng.permutation(np.flatnonzero(~self.approver & ~fao)))
        fao_staff = list(rng.permutation(np.flatnonzero(fao & ~self.approver)))
        fao_staff += list(rng.permutation(np.flatnonzero(fao & self.approver)))[1:]  # the director stays out
        self.planted_off = {}
        for spec in PATTERN_SPECS:
            c = self.counts[spec.name]
            pool = fao_staff if spec.name == "benefit_before_trip_approval" else approvers if spec.approver \
                else others
            if c > len(pool):
                raise GraphRiskError(f"scale {self.scale:g} is too small for {c} instances of {spec.name}")
            self.planted_off[spec.name] = np.array(pool[:c], dtype=np.int64)
            del pool[:c]
        self.is_planted = np.zeros(self.n_off, bool)
        for v in self.planted_off.values():
            self.is_planted[v] = True
        # a second post (兼任) in another unit for some officials
        n_dual = min(len(others), max(2, int(round(0.01 * self.n_off))))
        dual = np.array(others[:n_dual], dtype=np.int64)
        self.is_planted[dual] = True
        for o in dual.tolist():
            u2 = int(rng.integers(0, self.n_units - 1))
            u2 = u2 + 1 if u2 >= self.off_unit[o] else u2
            self.members.append((o, u2, "兼任", int(rng.integers(-900, -30)), -1))
        bg = np.flatnonzero(~self.is_planted)
        self.bg_off_by_unit = _Groups(self.off_unit[bg], bg, self.n_units)
        bga = np.flatnonzero(~self.is_planted & self.approver)
        self.bg_app_by_unit = _Groups(self.off_unit[bga], bga, self.n_units)
        alla = np.flatnonzero(self.approver)
        self.app_by_unit = _Groups(self.off_unit[alla], alla, self.n_units)

    def build_relatives(self):
        rng = self.rng
        n = self.n_off
        kinds = []
        for rel, p in (("spouse", 0.70), ("child", 0.40), ("sibling", 0.25)):
            o = np.flatnonzero(rng.random(n) < p)
            kinds.append((rel, o))
        offs = np.concatenate([o for _, o in kinds])
        rels = np.concatenate([np.full(len(o), r, dtype=object) for r, o in kinds])
        m = len(offs)
        same_sur = rels != "spouse"
        sur = np.where(same_sur, self.off_sur[offs], self.sur[rng.choice(len(self.sur), m, p=self.sur_p)])
        names = self.names(m, sur)
        idn = self.id_numbers(m, 1950, 2008)
        idn = np.where(rng.random(m) < 0.9, idn, "")
        pidx = self.people.add(name=names, id_number=idn, note="")
        self.rel.add(fk=K_PER, fi=pidx, tk=K_OFF, ti=offs, relation=rels, source=_SRC_FAMILY)
        self.rel_person = pidx
        self.rel_off = offs
        self.rel_kind = rels
        bgm = ~self.is_planted[offs]
        self.bg_rel_by_unit = _Groups(self.off_unit[offs[bgm]], pidx[bgm], self.n_units)
        # spouse etc. of each official (first of each kind) for planted patterns
        self.relative_of = {}
        pm = self.is_planted[offs]
        for p, o, r in zip(pidx[pm].tolist(), offs[pm].tolist(), rels[pm].tolist()):
            self.relative_of.setdefault((o, r), p)

    def build_companies(self):
        rng = self.rng
        nu = self.n_units
        n = int(round(BASE_COUNTS["companies"] * self.scale))
        n_sup = int(round(n * 0.85))
        n_non = n - n_sup
        # supplier pools: each supplier serves 1-2 units
        u1 = rng.integers(0, nu, n_sup)
        two = rng.random(n_sup) < 0.3
        u2 = np.where(two, (u1 + 1 + rng.integers(0, nu - 1, n_sup)) % nu, -1)
        sec = np.empty(n_sup, dtype=object)
        for u in range(nu):
            m = u1 == u
            dom = self.unit_domain[u]
            sec[m] = np.array(dom, dtype=object)[rng.integers(0, len(dom), int(m.sum()))]
        non_sec = np.array(list(_NON_SECTORS), dtype=object)[rng.integers(0, len(_NON_SECTORS), n_non)]
        sectors = np.concatenate([sec, non_sec])
        words = {k: v[0] for k, v in _SECTORS.items()}
        words.update(_NON_SECTORS)
        names = self.company_names(sectors, words)
        self.taken_names = set(names.tolist())
        region_pool = np.array([CITY] + self.district_names[:8] + [r + "市" for r in _OTHER_REGIONS[:2]],
                               dtype=object)
        regions = region_pool[rng.integers(0, len(region_pool), n)]
        # a company named after a place is registered there
        sname = pd.Series(names)
        for place in self.district_names[:8]:
            regions[sname.str.startswith(place).to_numpy()] = place
        for place in _OTHER_REGIONS:
            regions[sname.str.startswith(place).to_numpy()] = place + "市"
        regions[sname.str.startswith(CITY_SHORT).to_numpy()] = CITY
        cidx = self.companies.add(name=names, regno=self.uscc(n), region=regions, sector=sectors)
        self.sup = cidx[:n_sup]
        self.non = cidx[n_sup:]
        self.sup_u1, self.sup_u2 = u1, u2
        self.sup_sector = sec
        # target unit of each company's private dealings: never a unit it supplies
        t = rng.integers(0, nu, n_sup)
        for _ in range(100):
            bad = (t == u1) | (t == u2)
            if not bad.any():
                break
            t[bad] = rng.integers(0, nu, int(bad.sum()))
        self.sup_target = t
        self.non_target = rng.integers(0, nu, n_non)
        # pool table (unit, company) for background contracts
        pu = np.concatenate([u1, u2[two]])
        pc = np.concatenate([self.sup, self.sup[two]])
        o = np.lexsort((pc, pu))
        self.pool_unit, self.pool_comp = pu[o], pc[o]
        self.pool_by_unit = _Groups(self.pool_unit, self.pool_comp, nu)
        self.company_target = np.concatenate([t, self.non_target])
        self.company_is_sup = np.concatenate([np.ones(n_sup, bool), np.zeros(n_non, bool)])
        # hostile company name (a background supplier)
        self.hostile_company = int(self.sup[rng.integers(0, n_sup)])
        self.build_company_people()

    def build_company_people(self):
        """Legal representative and 1-3 shareholders for each company; relatives only in non-suppliers."""
        rng = self.rng
        ncomp = self.companies.n
        comps = np.arange(ncomp)
        n_sh = rng.choice([1, 2, 3], ncomp, p=[0.45, 0.35, 0.20])
        slot_c = np.repeat(comps, n_sh)
        offs = np.concatenate([[0], np.cumsum(n_sh)[:-1]])
        slot_k = np.arange(len(slot_c)) - offs[slot_c]
        total = np.where(n_sh == 1, rng.integers(51, 101, ncomp), rng.integers(60, 101, ncomp)).astype(float)
        wts = 1.0 + rng.exponential(1.0, len(slot_c))
        wsum = np.bincount(slot_c, weights=wts, minlength=ncomp)
        pct = np.floor(wts / wsum[slot_c] * total[slot_c] * 10) / 10
        # relatives fill some later slots of non-suppliers (relatives of officials of the company's target unit)
        is_non = ~self.company_is_sup[slot_c]
        fill = is_non & (slot_k >= 1) & (rng.random(len(slot_c)) < 0.45)
        person = np.full(len(slot_c), -1, np.int64)
        cand = self.bg_rel_by_unit.pick(rng, self.company_target[slot_c[fill]])
        person[np.flatnonzero(fill)] = cand
        new = person < 0
        n_new = int(new.sum())
        names = self.names(n_new)
        idn = np.where(rng.random(n_new) < 0.85, self.id_numbers(n_new, 1955, 1998), "")
        person[new] = self.people.add(name=names, id_number=idn, note="")
        # legal representative: the first shareholder (85%) or a separate person
        sep = rng.random(ncomp) < 0.15
        lr = person[offs].copy()
        n_sep = int(sep.sum())
        if n_sep:
            lr[sep] = self.people.add(name=self.names(n_sep),
                                      id_number=self.id_numbers(n_sep, 1960, 1998), note="")
        mgr_c = np.flatnonzero(rng.random(ncomp) < 0.10)
        mgr = self.people.add(name=self.names(len(mgr_c)), id_number=self.id_numbers(len(mgr_c), 1965, 2000),
                              note="") if len(mgr_c) else np.array([], np.int64)
        start = rng.integers(-365 * 16, -30, len(slot_c))
        self.rel.add(fk=K_PER, fi=person, tk=K_COM, ti=slot_c, relation="shareholder", share=pct, start=start,
                     source=_SRC_BUSINESS)
        self.rel.add(fk=K_PER, fi=lr, tk=K_COM, ti=comps, relation="legal_representative",
                     start=rng.integers(-365 * 16, -30, ncomp), source=_SRC_BUSINESS)
        if len(mgr_c):
            self.rel.add(fk=K_PER, fi=mgr, tk=K_COM, ti=mgr_c, relation="manager", source=_SRC_BUSINESS)
        # relatives employed by non-suppliers of their own target island
        non_by_t = _Groups(self.non_target, self.non, self.n_units)
        bgm = ~self.is_planted[self.rel_off]
        emp = np.flatnonzero(bgm & (self.rel_kind != "child") & (rng.random(len(self.rel_off)) < 0.05)
                             | bgm & (self.rel_kind == "child") & (rng.random(len(self.rel_off)) < 0.10))
        ec = non_by_t.pick(rng, self.off_unit[self.rel_off[emp]])
        ok = ec >= 0
        if ok.any():
            ended = rng.random(int(ok.sum())) < 0.1
            self.rel.add(fk=K_PER, fi=self.rel_person[emp[ok]], tk=K_COM, ti=ec[ok], relation="employee",
                         start=rng.integers(-365 * 8, -200, int(ok.sum())),
                         end=np.where(ended, rng.integers(-190, -5, int(ok.sum())), -99999), source=_SRC_BUSINESS)
        # business people (not relatives) and their target unit
        biz = np.unique(np.concatenate([person[new], lr[sep], mgr]))
        comp_of = np.full(self.people.n, -1, np.int64)
        comp_of[person[new]] = slot_c[new]
        comp_of[lr[sep]] = comps[sep]
        comp_of[mgr] = mgr_c
        self.biz_people = biz
        self.biz_target = self.company_target[comp_of[biz]]
        self.biz_is_sup = self.company_is_sup[comp_of[biz]]
        self.company_lr = lr

    def build_others(self):
        rng = self.rng
        n = max(10, int(round(0.35 * self.n_off)))
        names = self.names(n)
        idn = np.where(rng.random(n) < 0.6, self.id_numbers(n, 1955, 2000), "")
        note = np.array(["", "", "", "个体工商户", "退休人员", "自由职业"], dtype=object)[rng.integers(0, 6, n)]
        pidx = self.people.add(name=names, id_number=idn, note=note)
        self.hostile_person = int(pidx[0])
        self.oth = pidx[1:]
        self.oth_target = rng.integers(0, self.n_units, len(self.oth))
        # friends of officials (each friend has exactly one official friend) and of relatives
        k1 = int(round(0.12 * self.n_off))
        k2 = int(round(0.08 * self.n_off))
        order = rng.permutation(len(self.oth))
        fo = order[:min(k1, len(order))]
        fr = order[len(fo):len(fo) + k2]
        social = np.array(["associate", "classmate", "former_colleague"], dtype=object)
        o = self.bg_off_by_unit.pick(rng, self.oth_target[fo])
        ok = o >= 0
        self.rel.add(fk=K_PER, fi=self.oth[fo[ok]], tk=K_OFF, ti=o[ok],
                     relation=social[rng.integers(0, 3, int(ok.sum()))], source=_SRC_SOCIAL)
        r = self.bg_rel_by_unit.pick(rng, self.oth_target[fr])
        ok = r >= 0
        self.rel.add(fk=K_PER, fi=self.oth[fr[ok]], tk=K_PER, ti=r[ok],
                     relation=social[rng.integers(0, 2, int(ok.sum()))], source=_SRC_SOCIAL)
