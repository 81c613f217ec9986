"""Planted patterns and decoys: the records each writes, and the truth entry that names them."""
from __future__ import annotations

import math

import numpy as np

from .params import _FINAL_WEEK, _LAST_WEEK, _NDAYS, CITY_SHORT, DIRECT_AWARD_THRESHOLD, PATTERNS
from .util import _obj
from .vocab import (
    _BIG_GIFT_DESC,
    _BRAND_A,
    _BRAND_B,
    _DESTINATIONS,
    _FORMS,
    _GIFT_DESC,
    _GOV_PURPOSES,
    _LUX_DESTINATIONS,
    _METHODS,
    _OTHER_REGIONS,
    _SECTORS,
    _SRC_BUSINESS,
    _SRC_FAMILY,
    _SRC_SOCIAL,
    K_COM,
    K_OFF,
    K_PER,
    K_UNIT,
)


class Planting:
    """Methods of the sample world (mixed into world.World)."""

    # ---------------------------------------------------------------- planted
    def new_person(self, name=None, idn=True, clean=False, y0=1960, y1=1995) -> int:
        nm = name if name is not None else self.names(1)[0]
        idv = self.id_numbers(1, y0, y1)[0] if idn else ""
        return int(self.people.add(name=[nm], id_number=[idv], note=[""], clean=[clean])[0])

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

    def contract(self, unit, comp, day, amount, method, approver, tag, title=None):
        rng = self.rng
        if title is None:
            sec = self.company_title.get(comp, "办公用品")
            tl = _SECTORS.get(sec, _SECTORS["办公用品"])[1]
            title = tl[rng.integers(0, len(tl))]
        self.rec["contracts"].add(unit=[unit], sup=[comp], date=[int(day)], amount=[int(amount)], currency=["CNY"],
                                  method=[method], approver=[int(approver)], title=[title], tag=[tag])

    def relative(self, o: int, tag: int, kinds=("spouse", "child", "sibling")):
        """An existing relative of a planted official, or a new one (returns person, kind, relation key, new)."""
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

    def anchors(self, pattern: str, n: int, lo: int) -> list[int]:
        """Last-record day of each instance, spread over the period; instance 0 in the last week if required."""
        rng = self.rng
        hi = _LAST_WEEK - 1  # 307: everything else planted stays before the last week
        out = []
        for i in range(n):
            if i == 0 and pattern in _FINAL_WEEK:
                out.append(int(rng.integers(_LAST_WEEK, _NDAYS)))
            else:
                a = lo + (hi - lo) * (i + rng.random()) / n
                out.append(int(min(hi, max(lo, round(a)))))
        return out

    def plant(self):
        rng = self.rng
        self.company_title = {}
        used_companies = {self.hostile_company}
        tag = 0
        thr = DIRECT_AWARD_THRESHOLD
        for pattern, _, expect in PATTERNS:
            offs = self.planted_off[pattern]
            n = len(offs)
            lo = {"gift_before_contract": 95, "sponsored_trip_contract": 125, "split_contracts": 62,
                  "relative_owned_supplier": 30, "two_hop_tie": 5, "decoy_small_declared_gift": 65,
                  "decoy_homonym_spouse": 10, "decoy_government_trips": 300, "decoy_busy_approver": 300}[pattern]
            anchors = self.anchors(pattern, n, lo)
            for i, o in enumerate(offs.tolist()):
                u = int(self.off_unit[o])
                a = anchors[i]
                t = {"pattern": pattern, "official": o, "unit": u, "expect": expect, "keys": [], "tag": tag,
                     "last": a}
                if pattern == "gift_before_contract":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    variant = i % 3
                    giver_k, giver = (K_PER, owner) if variant == 0 else (K_COM, c) if variant == 1 else (K_PER, -1)
                    if variant == 2:
                        giver = self.new_person()
                        self.rel.add(fk=K_PER, fi=giver, tk=K_PER, ti=owner, relation="spouse",
                                     source=_SRC_FAMILY, tag=tag)
                        t["keys"].append((K_PER, giver, "spouse", K_PER, owner))
                    gap = int(rng.integers(10, 91))
                    value = int(rng.integers(100, 1001)) * 100
                    declared = int(rng.random() < 0.2)
                    self.rec["gifts"].add(gk=[giver_k], gi=[giver], rk=[K_OFF], ri=[o], date=[a - gap], value=[value],
                                          currency=["CNY"], description=[_BIG_GIFT_DESC[rng.integers(0, 6)]],
                                          declared=[declared], tag=[tag])
                    amount = int(rng.integers(500, 5001)) * 1000 + int(rng.integers(0, 1000))
                    method = _METHODS[rng.integers(0, 5)]
                    self.contract(u, c, a, amount, method, o, tag)
                    who = ["its owner", "the company itself", "the owner's spouse"][variant]
                    t.update(company=c, desc=(
                        f"{{O}} received {'a declared' if declared else 'an undeclared'} gift worth {value:,} CNY "
                        f"from {who} ({{C}}); {gap} days later {{C}} won a {amount:,} CNY {method} contract from "
                        f"{{U}} approved by {{O}}."))
                elif pattern == "relative_owned_supplier":
                    r, kind, fkey = self.relative(o, tag)
                    t["keys"].append(fkey)
                    c = None
                    if i % 2 == 0:  # relative holds 20-60 %
                        c, owner, keys = self.new_company(u, tag, second=False)
                        # reduce the owner's stake to make room
                        share = int(rng.integers(20, 61))
                        self._set_last_share(owner, c, 100 - share)
                        self.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="shareholder", share=float(share),
                                     start=int(rng.integers(-365 * 6, -60)), source=_SRC_BUSINESS, tag=tag)
                        t["keys"] += keys + [(K_PER, r, "shareholder", K_COM, c)]
                        how = f"holds {share}% of"
                    else:  # relative is legal representative, someone else owns it
                        c, owner, keys = self.new_company(u, tag, second=False)
                        self._drop_last_lr(owner, c)
                        keys = [k for k in keys if k[2] != "legal_representative"]
                        self.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="legal_representative",
                                     start=int(rng.integers(-365 * 6, -60)), source=_SRC_BUSINESS, tag=tag)
                        t["keys"] += keys + [(K_PER, r, "legal_representative", K_COM, c)]
                        how = "is the legal representative of"
                    k = int(rng.integers(1, 4))
                    days = sorted([a] + [max(0, a - int(x)) for x in rng.integers(15, 181, k - 1)])
                    n_o = int(rng.integers(math.ceil(k / 2), k + 1))
                    by_o = set(rng.permutation(k)[:n_o].tolist())
                    if k - 1 not in by_o and n_o < k:
                        by_o = set(range(k - n_o, k))
                    total = 0
                    for j, d in enumerate(days):
                        amount = int(rng.integers(200, 3001)) * 1000
                        total += amount
                        appr = o if j in by_o else self.other_approver(u, o)
                        self.contract(u, c, d, amount, _METHODS[rng.integers(0, 5)], appr, tag)
                    t.update(company=c, relative=r, desc=(
                        f"The {kind} of {{O}} ({{R}}) {how} {{C}}, which won {k} contract(s) worth {total:,} CNY "
                        f"from {{U}}, {len(by_o)} of them approved by {{O}}."))
                elif pattern == "sponsored_trip_contract":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    sk, si = (K_COM, c) if i % 2 == 0 else (K_PER, owner)
                    gap = int(rng.integers(20, 121))
                    dur = int(rng.integers(3, 6))
                    cost = int(rng.integers(200, 801)) * 100
                    start = a - gap
                    spouse = self.relative_of.get((o, "spouse"))
                    p1k, p1 = (K_PER, spouse) if (spouse is not None and rng.random() < 0.5) else (0, -1)
                    dest = _LUX_DESTINATIONS[rng.integers(0, len(_LUX_DESTINATIONS))]
                    self.rec["trips"].add(off=[o], destination=[dest], date=[start], end=[start + dur - 1],
                                          purpose=["考察交流"], sk=[sk], si=[si], cost=[cost], currency=["CNY"],
                                          p1k=[p1k], p1=[p1], tag=[tag])
                    amount = int(rng.integers(500, 5001)) * 1000
                    method = _METHODS[rng.integers(0, 3)]
                    self.contract(u, c, a, amount, method, o, tag)
                    t.update(company=c, desc=(
                        f"{{O}} went on a {dur}-day trip to {dest} costing {cost:,} CNY paid by "
                        f"{'{C}' if sk == K_COM else 'the owner of {C}'}"
                        f"{' with their spouse' if p1 >= 0 else ''}; {gap} days later {{C}} won a {amount:,} CNY "
                        f"contract from {{U}} approved by {{O}}."))
                elif pattern == "split_contracts":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    k = int(rng.integers(3, 6))
                    hi = min(a - 1, _LAST_WEEK - 1)
                    span = np.arange(a - 59, hi + 1)
                    days = sorted(rng.choice(span, k - 1, replace=False).tolist()) + [a]
                    sec = self.company_title[c]
                    base = _SECTORS[sec][1][rng.integers(0, len(_SECTORS[sec][1]))]
                    amounts = []
                    for j, d in enumerate(days):
                        amount = int(thr * rng.uniform(0.85, 0.995))
                        amounts.append(amount)
                        self.contract(u, c, d, amount, "direct", o, tag, title=f"{base}（{'一二三四五'[j]}期）")
                    t.update(company=c, desc=(
                        f"{{O}} approved {k} direct awards from {{U}} to {{C}} within {days[-1] - days[0] + 1} days, "
                        f"each just under the {thr:,} CNY open-tender threshold, {sum(amounts):,} CNY in total."))
                elif pattern == "two_hop_tie":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    r, kind, fkey = self.relative(o, tag)
                    soc = ["associate", "classmate"][i % 2]
                    self.rel.add(fk=K_PER, fi=r, tk=K_PER, ti=owner, relation=soc, source=_SRC_SOCIAL, tag=tag)
                    t["keys"] += [fkey, (K_PER, r, soc, K_PER, owner)]
                    amount = int(rng.integers(300, 3001)) * 1000
                    self.contract(u, c, a, amount, _METHODS[rng.integers(0, 5)], o, tag)
                    t.update(company=c, relative=r, desc=(
                        f"The {kind} of {{O}} ({{R}}) is a{'n' if soc == 'associate' else ''} {soc} of the owner of "
                        f"{{C}}, which won a {amount:,} CNY contract from {{U}} approved by {{O}}."))
                elif pattern == "decoy_small_declared_gift":
                    pool = [x for x in self.pool_by_unit.all(u).tolist() if x not in used_companies]
                    if not pool:
                        c, owner, keys = self.new_company(u, tag)
                        t["keys"] += keys
                        lr = owner
                    else:
                        c = pool[rng.integers(0, len(pool))]
                        lr = int(self.company_lr[c])
                        self.company_title.setdefault(c, str(self.sup_sector[c]) if c < len(self.sup_sector)
                                                      else "办公用品")
                    used_companies.add(c)
                    gap = int(rng.integers(7, 61))
                    value = int(rng.integers(2, 9)) * 100
                    self.rec["gifts"].add(gk=[K_PER], gi=[lr], rk=[K_OFF], ri=[o], date=[a - gap], value=[value],
                                          currency=["CNY"], description=[_GIFT_DESC[rng.integers(0, 8)]],
                                          declared=[1], tag=[tag])
                    amount = int(rng.integers(200, 3001)) * 1000
                    self.contract(u, c, a, amount, "open_tender", o, tag)
                    t.update(company=c, desc=(
                        f"{{O}} received and declared a {value} CNY ceremonial gift from the legal representative "
                        f"of {{C}}, a supplier of {{U}}; {gap} days later {{C}} won a {amount:,} CNY open tender "
                        f"approved by {{O}}."))
                elif pattern == "decoy_government_trips":
                    k = int(rng.integers(8, 16))
                    starts = np.sort(rng.choice(np.arange(0, 300, 4), k, replace=False))
                    colleagues = self.bg_off_by_unit.all(u)
                    for s in starts.tolist():
                        dur = int(rng.integers(1, 5))
                        ps = [-1, -1]
                        if len(colleagues) and rng.random() < 0.6:
                            ps = rng.choice(colleagues, min(2, len(colleagues)), replace=False).tolist()
                            if rng.random() < 0.5:
                                ps[1] = -1
                        self.rec["trips"].add(off=[o], destination=[_DESTINATIONS[rng.integers(0, 15)]], date=[s],
                                              end=[s + dur - 1], purpose=[_GOV_PURPOSES[rng.integers(0, 5)]],
                                              sk=[K_UNIT], si=[u], cost=[int(rng.integers(15, 151)) * 100],
                                              currency=["CNY"], p1k=[K_OFF], p1=[ps[0]], p2k=[K_OFF], p2=[ps[1]],
                                              tag=[tag])
                    t["last"] = int(starts[-1])
                    t.update(desc=f"{{O}} made {k} trips in the period, all paid by their own unit {{U}}.")
                elif pattern == "decoy_homonym_spouse":
                    sp = self.relative_of.get((o, "spouse"))
                    if sp is None:
                        sp = self.new_person(clean=True)
                        self.rel.add(fk=K_PER, fi=sp, tk=K_OFF, ti=o, relation="spouse", source=_SRC_FAMILY, tag=tag)
                        self.relative_of[(o, "spouse")] = sp
                    self._clean_person(sp)
                    name = self._person_name(sp)
                    c, s2, keys = self.new_company(u, tag, owner_name=name, clean_owner=True, second=False)
                    t["keys"] += [(K_PER, sp, "spouse", K_OFF, o)] + keys
                    k = int(rng.integers(1, 4))
                    days = sorted([a] + [max(0, a - int(x)) for x in rng.integers(20, 201, k - 1)])
                    for d in days:
                        self.contract(u, c, d, int(rng.integers(200, 3001)) * 1000,
                                      _METHODS[rng.integers(0, 2)], o, tag)
                    t.update(company=c, spouse=sp, homonym=s2, desc=(
                        f"The spouse of {{O}} shares the name of a different person (other id number) who owns "
                        f"{{C}}, which won {k} contract(s) from {{U}} approved by {{O}}; nothing links the two."))
                elif pattern == "decoy_busy_approver":
                    pool = [x for x in self.pool_by_unit.all(u).tolist() if x not in used_companies]
                    k = int(rng.integers(30, 61))
                    comps = rng.choice(pool, k, replace=len(pool) < k)
                    days = np.sort(rng.integers(0, _LAST_WEEK, k))
                    amts = np.clip(rng.lognormal(np.log(900_000), 0.8, k), 100_000, 8_000_000).astype(np.int64)
                    titles = [_SECTORS[str(self.sup_sector[cc])][1][int(x)]
                              for cc, x in zip(comps.tolist(), rng.integers(0, 4, k).tolist())]
                    self.rec["contracts"].add(unit=u, sup=comps, date=days, amount=amts, currency="CNY",
                                              method="open_tender", approver=o, title=_obj(titles), tag=tag)
                    t["last"] = int(days[-1])
                    t.update(desc=(f"{{O}} approved {k} open-tender contracts from {{U}} to "
                                   f"{len(set(comps.tolist()))} different suppliers."))
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
