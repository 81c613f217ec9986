"""Planting: helpers that add one planted entity or record, and the loop that plants every pattern.

Each pattern is one function in ``patterns`` (conflicts, ties, decoys) or ``foreign`` (foreign-affairs
work); it writes its records tagged with the instance's number, so the truth file can name them.
"""
from __future__ import annotations

import numpy as np

from .params import _FINAL_WEEK, CITY_SHORT, PATTERN_SPECS
from .vocab import (
    _BRAND_A,
    _BRAND_B,
    _DECISION_TITLES,
    _FORMS,
    _NONCOMP,
    _OTHER_REGIONS,
    _SECTORS,
    _SRC_BUSINESS,
    _SRC_FAMILY,
    K_COM,
    K_OFF,
    K_PER,
)

# Earliest last-record day of an instance (room for the records before it), by pattern and by variant.
_LO = {"gift_before_contract": 95, "sponsored_trip_contract": 125, "split_contracts": 62,
       "relative_owned_supplier": 30, "two_hop_tie": 5, "gift_before_decision": 95,
       "business_on_public_trip": 160, "benefit_before_trip_approval": 95, "gift_during_trip": 20,
       "travel_anomaly": 30, "unreported_foreign_contact": 10, "decoy_small_declared_gift": 65,
       "decoy_homonym_spouse": 10, "decoy_single_award_below_limit": 10, "decoy_trade_delegation": 60,
       "decoy_declared_foreign_gift": 20, "decoy_approved_trip": 60, "decoy_reported_foreign_contact": 10}
_LO_VARIANT = {"long_before": 260, "after_award": 65, "supplier": 130}


class Planting:
    """Methods of the sample world (mixed into world.World)."""

    # ---------------------------------------------------------------- amounts
    def money(self, x) -> int:
        """An amount of the default world (CNY) in this world's currency and scale."""
        return max(1, int(round(float(x) * self.p.amount_scale)))

    # ---------------------------------------------------------------- entities
    def new_person(self, name=None, idn=True, clean=False, y0=1960, y1=1995, country="") -> int:
        nm = name if name is not None else self.names(1)[0]
        idv = self.id_numbers(1, y0, y1)[0] if idn else ""
        return int(self.people.add(name=[nm], id_number=[idv], note=[""], clean=[clean], country=[country])[0])

    def new_company(self, unit: int, tag: int, owner_name=None, clean_owner=False, second=True):
        """A supplier of one unit with an owner (legal representative and majority shareholder)."""
        rng = self.rng
        dom = self.unit_domain[unit]
        sec = dom[rng.integers(0, len(dom))]
        regions = [""] * 6 + [CITY_SHORT] + self.district_names[:8] + _OTHER_REGIONS
        words = _SECTORS[sec][0]
        while True:
            nm = (regions[rng.integers(0, len(regions))] + _BRAND_A[rng.integers(0, len(_BRAND_A))]
                  + _BRAND_B[rng.integers(0, len(_BRAND_B))] + words[rng.integers(0, len(words))]
                  + _FORMS[rng.choice(3, p=[0.6, 0.3, 0.1])])
            if nm not in self.taken_names:
                self.taken_names.add(nm)
                break
        region = next((r if r.endswith("区") else r + "市" for r in regions if r and nm.startswith(r)),
                      self.unit_region[unit])
        c = int(self.companies.add(name=[nm], regno=self.uscc(1), region=[region], sector=[sec])[0])
        owner = self.new_person(owner_name, clean=clean_owner)
        share = float(rng.integers(51, 101)) if second else 100.0
        keys = []
        st = int(rng.integers(-365 * 12, -60))
        self.rel.add(fk=K_PER, fi=owner, tk=K_COM, ti=c, relation="legal_representative", start=st,
                     source=_SRC_BUSINESS, tag=tag)
        self.rel.add(fk=K_PER, fi=owner, tk=K_COM, ti=c, relation="shareholder", share=share, start=st,
                     source=_SRC_BUSINESS, tag=tag)
        keys += [(K_PER, owner, "legal_representative", K_COM, c), (K_PER, owner, "shareholder", K_COM, c)]
        if second and share < 100 and rng.random() < 0.5:
            q = self.new_person()
            self.rel.add(fk=K_PER, fi=q, tk=K_COM, ti=c, relation="shareholder",
                         share=float(100 - share), start=st, source=_SRC_BUSINESS, tag=tag)
            keys.append((K_PER, q, "shareholder", K_COM, c))
        self.company_title[c] = sec
        return c, owner, keys

    def relative(self, o: int, tag: int, kinds=("spouse", "child", "sibling")):
        """An existing relative of a planted official, or a new one (returns person, kind, relation key)."""
        rng = self.rng
        kinds = list(kinds)
        rng.shuffle(kinds)
        for k in kinds:
            p = self.relative_of.get((o, k))
            if p is not None:
                return p, k, (K_PER, p, k, K_OFF, o)
        k = kinds[0]
        sur = None if k == "spouse" else [self.off_sur[o]]
        p = self.new_person(self.names(1, sur)[0] if sur else None, y0=1965 if k != "child" else 1990,
                            y1=1995 if k != "child" else 2004)
        self.rel.add(fk=K_PER, fi=p, tk=K_OFF, ti=o, relation=k, source=_SRC_FAMILY, tag=tag)
        self.relative_of[(o, k)] = p
        return p, k, (K_PER, p, k, K_OFF, o)

    def other_approver(self, unit: int, o: int) -> int:
        cands = self.bg_app_by_unit.all(unit)
        if len(cands) == 0:
            return o
        return int(cands[self.rng.integers(0, len(cands))])

    def second_unit(self, o: int, tag: int, role: str = "兼任") -> int:
        """A second post of a planted official in another unit (not the foreign-affairs office)."""
        u = int(self.off_unit[o])
        cands = [x for x in range(self.n_units) if x not in (u, self.fao)]
        u2 = int(cands[self.rng.integers(0, len(cands))])
        self.members.append((o, u2, role, int(self.rng.integers(-900, -30)), tag))
        return u2

    # ---------------------------------------------------------------- records
    def contract(self, unit, comp, day, amount, method, approver, tag, title=None):
        rng = self.rng
        if title is None:
            sec = self.company_title.get(comp, "办公用品")
            tl = _SECTORS.get(sec, _SECTORS["办公用品"])[1]
            title = tl[rng.integers(0, len(tl))]
        if method in _NONCOMP and amount >= self.limit:  # above the limit an award is tendered
            method = "open_tender"
        self.rec["contracts"].add(unit=[unit], sup=[comp], date=[int(day)], amount=[int(amount)],
                                  currency=[self.cur], method=[method], approver=[int(approver)], title=[title],
                                  tag=[tag])

    def decision(self, unit, off, bk, bi, day, dtype, tag, amount=-1, role="approver"):
        titles = _DECISION_TITLES[dtype]
        self.rec["decisions"].add(unit=[unit], off=[off], bk=[bk], bi=[bi], date=[int(day)], type=[dtype],
                                  title=[titles[self.rng.integers(0, len(titles))]], amount=[int(amount)],
                                  currency=[self.cur if amount >= 0 else ""], role=[role if off >= 0 else ""],
                                  tag=[tag])

    def gift(self, gk, gi, rk, ri, day, value, desc, declared, tag, country="", trip=-1):
        self.rec["gifts"].add(gk=[gk], gi=[gi], rk=[rk], ri=[ri], date=[int(day)], value=[int(value)],
                              currency=[self.cur], description=[desc], declared=[int(declared)],
                              country=[country], trip=[trip], tag=[tag])

    def trip(self, off, dest, start, dur, purpose, sk, si, cost, tag, parts=(), country="", apu=-1, apo=-1,
             apd=-99999, in_plan=-1) -> int:
        """One trip record; ``parts`` are (kind, index) of up to three participants. Returns its row."""
        ps = list(parts) + [(0, -1)] * (3 - len(parts))
        return int(self.rec["trips"].add(
            off=[off], destination=[dest], date=[int(start)], end=[int(start + dur - 1)], purpose=[purpose],
            sk=[sk], si=[si], cost=[int(cost)], currency=[self.cur], p1k=[ps[0][0]], p1=[ps[0][1]],
            p2k=[ps[1][0]], p2=[ps[1][1]], p3k=[ps[2][0]], p3=[ps[2][1]], country=[country], apu=[apu],
            apo=[apo], apd=[int(apd)], in_plan=[in_plan], tag=[tag])[0])

    def contact(self, off, ck, ci, day, channel, location, note, tag, country="", reported=-1):
        self.rec["contacts"].add(off=[off], ck=[ck], ci=[ci], date=[int(day)], channel=[channel],
                                 location=[location], note=[note], country=[country], reported=[reported],
                                 tag=[tag])

    # ---------------------------------------------------------------- planting
    def anchors(self, pattern: str, los: list[int]) -> list[int]:
        """Last-record day of each instance, spread over the period; instance 0 in the last week if required."""
        rng = self.rng
        n = len(los)
        hi = self.last_week - 1  # everything else planted stays before the last week
        out = []
        for i, lo in enumerate(los):
            lo = min(lo, hi - 10)
            if i == 0 and pattern in _FINAL_WEEK and lo <= self.last_week:
                out.append(int(rng.integers(self.last_week, self.ndays)))
            else:
                a = lo + (hi - lo) * (i + rng.random()) / n
                out.append(int(min(hi, max(lo, round(a)))))
        return out

    def plant(self):
        from .foreign import FOREIGN_PATTERNS
        from .patterns import PATTERN_FUNCS

        funcs = {**PATTERN_FUNCS, **FOREIGN_PATTERNS}
        self.company_title = {}
        self.used_companies = {self.hostile_company}
        tag = 0
        for spec in PATTERN_SPECS:
            offs = self.planted_off[spec.name]
            variants = self.p.variants_of(spec.name)
            vs = [variants[i % len(variants)] for i in range(len(offs))]
            los = [max(_LO.get(spec.name, 30), _LO_VARIANT.get(v, 0)) for v in vs]
            anchors = self.anchors(spec.name, los)
            for i, o in enumerate(offs.tolist()):
                u = int(self.off_unit[o])
                t = {"pattern": spec.name, "variant": vs[i], "family": spec.family, "official": o, "unit": u,
                     "expect": spec.expect_of(vs[i]), "keys": [], "tag": tag, "last": anchors[i]}
                funcs[spec.name](self, t, i, o, u, anchors[i], vs[i])
                self.truth.append(t)
                tag += 1

    # small mutators on the planted company rows just added
    def _set_last_share(self, owner, c, share):
        ch = self.rel.chunks
        for chunk in reversed(ch):
            if (chunk["fi"][0] == owner and chunk["ti"][0] == c and chunk["relation"][0] == "shareholder"):
                chunk["share"] = np.array([float(share)])
                return

    def _drop_last_lr(self, owner, c):
        for j in range(len(self.rel.chunks) - 1, -1, -1):
            chunk = self.rel.chunks[j]
            if (chunk["fi"][0] == owner and chunk["ti"][0] == c and chunk["relation"][0] == "legal_representative"):
                del self.rel.chunks[j]
                self.rel.n -= 1
                return

    def _person_chunk(self, p):
        start = 0
        for chunk in self.people.chunks:
            n = len(chunk["name"])
            if start <= p < start + n:
                return chunk, p - start
            start += n
        raise KeyError(p)

    def _clean_person(self, p):
        chunk, i = self._person_chunk(p)
        chunk["clean"] = chunk["clean"].astype(bool).copy()
        chunk["clean"][i] = True
        if chunk["id_number"][i] == "":
            chunk["id_number"] = chunk["id_number"].copy()
            chunk["id_number"][i] = self.id_numbers(1, 1965, 1995)[0]

    def _person_name(self, p):
        chunk, i = self._person_chunk(p)
        return chunk["name"][i]
