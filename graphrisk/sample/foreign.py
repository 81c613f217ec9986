"""Foreign-affairs work: the foreign-affairs office, trips abroad and their approval, foreign counterparts,
and the planted patterns of issue 16 (gifts during trips abroad, company people on public trips, approvals
of trips and business-travel cards, travel anomalies, unreported foreign contacts) with their decoys.

Norms the background keeps (so an anomaly stands out against its own unit, not against a constant a
rule could copy): a trip abroad lasts 5-9 days and costs 20,000-60,000 (default world), is approved by
the foreign-affairs office 7-40 days before it starts and is in the annual plan; a domestic trip lasts
1-5 days. Foreign contacts of background officials are reported.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .vocab import (
    _ABROAD,
    _ABROAD_PURPOSES,
    _BIG_GIFT_DESC,
    _DELEGATION_PURPOSES,
    _FOREIGN_FAMILY,
    _FOREIGN_FIRMS,
    _FOREIGN_FORMS,
    _FOREIGN_GIFTS,
    _FOREIGN_GIVEN,
    _METHODS,
    _OFFICE_LOCATIONS,
    _PRIVATE_LOCATIONS,
    K_COM,
    K_OFF,
    K_PER,
    K_UNIT,
)

_COUNTRIES = sorted(_ABROAD)


class Foreign:
    """Methods of the sample world (mixed into world.World)."""

    def build_foreign(self):
        """Foreign counterparts (people and companies with a country), met at work and on trips."""
        rng = self.rng
        n = max(12, int(round(0.03 * self.n_off)))
        ctry = np.array(_COUNTRIES, dtype=object)[rng.integers(0, len(_COUNTRIES), n)]
        names = (np.array(_FOREIGN_GIVEN, dtype=object)[rng.integers(0, len(_FOREIGN_GIVEN), n)] + " "
                 + np.array(_FOREIGN_FAMILY, dtype=object)[rng.integers(0, len(_FOREIGN_FAMILY), n)])
        self.foreign_people = self.people.add(name=names, id_number="", note="", clean=True, country=ctry)
        m = max(6, n // 3)
        cc = np.array(_COUNTRIES, dtype=object)[rng.integers(0, len(_COUNTRIES), m)]
        firms = (np.array(_FOREIGN_FAMILY, dtype=object)[rng.integers(0, len(_FOREIGN_FAMILY), m)] + " "
                 + np.array(_FOREIGN_FIRMS, dtype=object)[rng.integers(0, len(_FOREIGN_FIRMS), m)] + " "
                 + np.array(_FOREIGN_FORMS, dtype=object)[rng.integers(0, len(_FOREIGN_FORMS), m)])
        firms = firms + np.where(pd.Series(firms).duplicated().to_numpy(),
                                 " " + np.arange(m).astype(str).astype(object), "")
        self.foreign_companies = self.companies.add(name=firms, regno="", region="", sector="", clean=True,
                                                    country=cc)
        self.fao_approvers = self.bg_app_by_unit.all(self.fao)

    @staticmethod
    def _country(table, i) -> str:
        start = 0
        for chunk in table.chunks:
            n = len(chunk["name"])
            if start <= i < start + n:
                return str(chunk["country"][i - start])
            start += n
        return ""

    def abroad(self):
        """A foreign destination: (country code, city)."""
        c = _COUNTRIES[self.rng.integers(0, len(_COUNTRIES))]
        return c, _ABROAD[c][self.rng.integers(0, len(_ABROAD[c]))]

    def trip_abroad(self, o, u, start, tag, dur=None, cost=None, parts=(), in_plan=1, purpose=None,
                    approver=None) -> tuple[int, str]:
        """A trip abroad paid by the official's own unit, approved by the foreign-affairs office."""
        rng = self.rng
        country, city = self.abroad()
        dur = int(rng.integers(5, 10)) if dur is None else dur
        cost = self.money(int(rng.integers(200, 601)) * 100) if cost is None else cost
        if approver is None:
            approver = int(self.fao_approvers[rng.integers(0, len(self.fao_approvers))]) \
                if len(self.fao_approvers) else -1
        purpose = purpose or _ABROAD_PURPOSES[rng.integers(0, len(_ABROAD_PURPOSES))]
        row = self.trip(o, city, start, dur, purpose, K_UNIT, u, cost, tag, parts, country=country,
                        apu=self.fao, apo=approver, apd=start - int(rng.integers(7, 41)), in_plan=in_plan)
        return row, country

    def background_abroad(self):
        """Trips abroad of background officials, some of them trade delegations with company people of
        the official's own island (never a supplier of the official's unit), and reported foreign contacts."""
        rng = self.rng
        n = max(4, int(round(0.04 * self.p.density * self.n_off)))
        bg = np.flatnonzero(~self.is_planted)
        offs = bg[rng.integers(0, len(bg), n)]
        comp_by_target = {}
        for c in np.concatenate([self.sup, self.non]).tolist():
            comp_by_target.setdefault(int(self.company_target[c]), []).append(c)
        for o in offs.tolist():
            u = int(self.off_unit[o])
            start = int(rng.integers(45, self.ndays - 10))
            parts = []
            island = comp_by_target.get(u, [])
            if island and rng.random() < 0.4:  # a trade delegation: company people go along
                c = island[rng.integers(0, len(island))]
                parts = [(K_PER, int(self.company_lr[c]))]
                self.trip_abroad(o, u, start, -1, parts=parts, purpose=_DELEGATION_PURPOSES[rng.integers(0, 3)])
            else:
                self.trip_abroad(o, u, start, -1)
        k = max(4, int(round(0.03 * self.p.density * self.n_off)))
        offs = bg[rng.integers(0, len(bg), k)]
        fp = self.foreign_people[rng.integers(0, len(self.foreign_people), k)]
        for o, f in zip(offs.tolist(), fp.tolist()):
            self.contact(o, K_PER, f, int(rng.integers(0, self.ndays)), "meeting",
                         _OFFICE_LOCATIONS[rng.integers(0, 5)], "外事接待", -1, self._country(self.people, f), 1)


def _owner_company(w, t, u):
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    return c, owner


def business_on_public_trip(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner = _owner_company(w, t, u)
    gap = int(rng.integers(30, 151))
    row, country = w.trip_abroad(o, u, a - gap, t["tag"], parts=[(K_PER, owner)],
                                 purpose=_DELEGATION_PURPOSES[rng.integers(0, 3)])
    if v == "contract":
        amount = w.money(int(rng.integers(500, 5001)) * 1000)
        w.contract(u, c, a, amount, _METHODS[rng.integers(0, 5)], o, t["tag"])
        what = f"a {amount:,} {w.cur} contract"
    else:
        dtype = ["licence", "permit", "subsidy"][i % 3]
        amount = w.money(int(rng.integers(200, 2001)) * 1000) if dtype == "subsidy" else -1
        w.decision(u, o, K_COM, c, a, dtype, t["tag"], amount=amount)
        what = f"a {dtype}"
    t.update(company=c, desc=(
        f"{{O}} led a delegation abroad ({country}) paid by {{U}} with the owner of {{C}} on it; {gap} days later "
        f"{{C}} got {what} from {{U}} approved by {{O}}."))


def benefit_before_trip_approval(w, t, i, o, u, a, v):
    """A foreign-affairs officer approves a company's trip or business-travel card after a gift from it."""
    rng = w.rng
    c, owner = _owner_company(w, t, u)
    gap = int(rng.integers(10, 91))
    value = w.money(int(rng.integers(50, 501)) * 100)
    w.gift(K_PER, owner, K_OFF, o, a - gap, value, _BIG_GIFT_DESC[rng.integers(0, 6)], 0, t["tag"])
    bk, bi = (K_COM, c) if (v == "business_card" or i % 2 == 0) else (K_PER, owner)
    w.decision(u, o, bk, bi, a, v, t["tag"])
    what = "an APEC business travel card" if v == "business_card" else "a trip abroad"
    t.update(company=c, desc=(
        f"{{O}} of {{U}} received an undeclared gift worth {value:,} {w.cur} from the owner of {{C}}; "
        f"{gap} days later {{O}} approved {what} for {'{C}' if bk == K_COM else 'the owner of {C}'}."))


def gift_during_trip(w, t, i, o, u, a, v):
    """An undeclared gift from a company or its owner during the official's trip abroad; no contract follows."""
    rng = w.rng
    c, owner = _owner_company(w, t, u)
    dur = int(rng.integers(6, 10))
    start = a - int(rng.integers(1, dur - 1))
    parts = [(K_PER, owner)] if v == "on_trip" else []
    row, country = w.trip_abroad(o, u, start, t["tag"], dur=dur, parts=parts)
    if v == "supplier":
        d = start - int(rng.integers(30, 121))
        w.contract(u, c, d, w.money(int(rng.integers(300, 3001)) * 1000), _METHODS[rng.integers(0, 2)],
                   w.other_approver(u, o), t["tag"])
    gk, gi = (K_COM, c) if v == "company" else (K_PER, owner)
    value = w.money(int(rng.integers(50, 501)) * 100)
    w.gift(gk, gi, K_OFF, o, a, value, _BIG_GIFT_DESC[rng.integers(0, 6)], 0, t["tag"], country=country, trip=row)
    extra = {"owner": "", "company": "", "on_trip": ", who travelled with the delegation",
             "supplier": ", a supplier of {U}"}[v]
    t.update(company=c, desc=(
        f"During an official trip abroad ({country}) {{O}} received an undeclared gift worth {value:,} {w.cur} "
        f"from {'{C}' if gk == K_COM else 'the owner of {C}'}{extra}."))


def travel_anomaly(w, t, i, o, u, a, v):
    rng = w.rng
    if v == "long_costly":
        dur = int(rng.integers(20, 29))
        cost = w.money(int(rng.integers(1800, 3001)) * 100)
        row, country = w.trip_abroad(o, u, a - dur, t["tag"], dur=dur, cost=cost)  # back within the period
        desc = f"{{O}} made a {dur}-day trip abroad ({country}) costing {cost:,} {w.cur}, paid by {{U}}."
    elif v == "relative_on_trip":
        r, kind, fkey = w.relative(o, t["tag"], ("spouse", "child"))
        t["keys"].append(fkey)
        t["relative"] = r
        row, country = w.trip_abroad(o, u, a, t["tag"], parts=[(K_PER, r)])
        desc = f"{{O}} took their {kind} ({{R}}) on an official trip abroad ({country}) paid by {{U}}."
    else:
        row, country = w.trip_abroad(o, u, a, t["tag"], in_plan=0)
        desc = f"{{O}} made an official trip abroad ({country}) outside the annual plan."
    t.update(desc=desc)


def unreported_foreign_contact(w, t, i, o, u, a, v):
    rng = w.rng
    pool = w.foreign_people if v == "person" else w.foreign_companies
    k = int(rng.integers(1, 3))
    days = sorted({a} | {max(0, a - int(x)) for x in rng.integers(5, 60, k - 1)})
    cp = int(pool[rng.integers(0, len(pool))])
    ck = K_PER if v == "person" else K_COM
    country = w._country(w.people if v == "person" else w.companies, cp)
    for d in days:
        w.contact(o, ck, cp, d, ["meeting", "dinner"][int(rng.integers(0, 2))],
                  _PRIVATE_LOCATIONS[rng.integers(0, 5)], "", t["tag"], country, 0)
    t.update(foreign_id=(ck, cp), desc=(f"{{O}} met a foreign counterpart ({country}) {len(days)} time(s) "
                                        f"without reporting it."))


def decoy_trade_delegation(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])  # no award and no decision ever follows
    t["keys"] += keys
    w.trip_abroad(o, u, a, t["tag"], parts=[(K_PER, owner)], purpose=_DELEGATION_PURPOSES[rng.integers(0, 3)])
    t.update(company=c, desc="{O} led an approved trade delegation abroad with the owner of {C}; {C} got "
                             "nothing from {U}.")


def decoy_declared_foreign_gift(w, t, i, o, u, a, v):
    rng = w.rng
    dur = int(rng.integers(5, 10))
    start = a - int(rng.integers(1, dur - 1))
    row, country = w.trip_abroad(o, u, start, t["tag"], dur=dur)
    f = int(w.foreign_people[rng.integers(0, len(w.foreign_people))])
    value = w.money(int(rng.integers(5, 31)) * 100)
    w.gift(K_PER, f, K_OFF, o, a, value, _FOREIGN_GIFTS[rng.integers(0, len(_FOREIGN_GIFTS))], 1, t["tag"],
           country=country, trip=row)
    t.update(desc=f"{{O}} declared and handed in a {value:,} {w.cur} gift from a foreign host during an approved "
                  f"trip abroad ({country}).")


def decoy_approved_trip(w, t, i, o, u, a, v):
    rng = w.rng
    k = int(rng.integers(2, 4))
    days = sorted({a} | {int(x) for x in rng.integers(20, max(21, a - 15), k - 1)})
    for d in days:
        w.trip_abroad(o, u, d, t["tag"], purpose=_ABROAD_PURPOSES[rng.integers(0, 5)])
    t.update(desc=f"{{O}} made {len(days)} trip(s) abroad, each approved in time and in the annual plan.")


def decoy_reported_foreign_contact(w, t, i, o, u, a, v):
    rng = w.rng
    f = int(w.foreign_people[rng.integers(0, len(w.foreign_people))])
    country = w._country(w.people, f)
    for d in sorted({a, max(0, a - int(rng.integers(5, 60)))}):
        w.contact(o, K_PER, f, d, "meeting", _OFFICE_LOCATIONS[rng.integers(0, 5)], "外事接待", t["tag"], country, 1)
    t.update(desc=f"{{O}} met a foreign counterpart ({country}) at work and reported it.")


FOREIGN_PATTERNS = {f.__name__: f for f in (
    business_on_public_trip, benefit_before_trip_approval, gift_during_trip, travel_anomaly,
    unreported_foreign_contact, decoy_trade_delegation, decoy_declared_foreign_gift, decoy_approved_trip,
    decoy_reported_foreign_contact)}
