"""Planted conflict patterns, ties and decoys: one function per pattern, its variants inside.

Each function gets the world ``w``, the truth entry ``t`` to complete (keys of planted ties, company,
relative, description), the instance number ``i``, the official ``o`` and their unit ``u``, the day of
the instance's last record ``a`` and the variant. Amounts are the default world's (CNY) through
``w.money``; the direct-award limit is ``w.limit``.
"""
from __future__ import annotations

import math

import numpy as np

from .util import _obj
from .vocab import (
    _BIG_GIFT_DESC,
    _DESTINATIONS,
    _GIFT_DESC,
    _GOV_PURPOSES,
    _LUX_DESTINATIONS,
    _METHODS,
    _SECTORS,
    _SRC_BUSINESS,
    _SRC_FAMILY,
    _SRC_SOCIAL,
    K_COM,
    K_OFF,
    K_PER,
    K_UNIT,
)


def _gap(rng, lo: int, hi: int, room: int) -> int:
    """A gap in days drawn from [lo, hi], never more than ``room``."""
    hi = max(1, min(hi, room))
    return int(rng.integers(min(lo, hi), hi + 1))


def gift_before_contract(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    giver_k, giver, rk, rec = K_PER, owner, K_OFF, o
    who, to = "its owner", ""
    if v == "company":
        giver_k, giver, who = K_COM, c, "the company itself"
    elif v == "owner_spouse":
        giver = w.new_person()
        w.rel.add(fk=K_PER, fi=giver, tk=K_PER, ti=owner, relation="spouse", source=_SRC_FAMILY, tag=t["tag"])
        t["keys"].append((K_PER, giver, "spouse", K_PER, owner))
        who = "the owner's spouse"
    elif v in ("to_spouse", "to_child"):
        rec, kind, fkey = w.relative(o, t["tag"], (v[3:],))
        rk = K_PER
        t["keys"].append(fkey)
        t["relative"] = rec
        to = f" through their {kind} ({{R}})"
    gap = _gap(rng, 150, 250, a - 1) if v == "long_before" else _gap(rng, 10, 90, a - 1)
    gift_day, award_day = (a, a - gap) if v == "after_award" else (a - gap, a)
    value = w.money(int(rng.integers(100, 1001)) * 100)
    declared = int(rng.random() < 0.2)
    w.gift(giver_k, giver, rk, rec, gift_day, value, _BIG_GIFT_DESC[rng.integers(0, 6)], declared, t["tag"])
    amount = w.money(int(rng.integers(500, 5001)) * 1000 + int(rng.integers(0, 1000)))
    method = _METHODS[rng.integers(0, 5)]
    w.contract(u, c, award_day, amount, method, o, t["tag"])
    when = f"{gap} days later" if v != "after_award" else f"{gap} days after"
    first = (f"{{O}}{to} received {'a declared' if declared else 'an undeclared'} gift worth {value:,} {w.cur} "
             f"from {who} ({{C}})")
    award = f"{{C}} won a {amount:,} {w.cur} {method} contract from {{U}} approved by {{O}}"
    t.update(company=c, desc=(f"{first}; {when} {award}." if v != "after_award"
                              else f"{award}; {when} {first[0].lower() + first[1:]}."))


def relative_owned_supplier(w, t, i, o, u, a, v):
    rng = w.rng
    tag = t["tag"]
    r, kind, fkey = w.relative(o, tag)
    t["keys"].append(fkey)
    c, owner, keys = w.new_company(u, tag, second=False)
    if v == "shareholder":  # the relative holds 20-60 %
        share = int(rng.integers(20, 61))
        w._set_last_share(owner, c, 100 - share)
        w.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="shareholder", share=float(share),
                  start=int(rng.integers(-365 * 6, -60)), source=_SRC_BUSINESS, tag=tag)
        t["keys"] += keys + [(K_PER, r, "shareholder", K_COM, c)]
        how = f"holds {share}% of"
    else:  # the relative is legal representative, someone else owns it
        w._drop_last_lr(owner, c)
        keys = [k for k in keys if k[2] != "legal_representative"]
        w.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="legal_representative",
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
        amount = w.money(int(rng.integers(200, 3001)) * 1000)
        total += amount
        appr = o if j in by_o else w.other_approver(u, o)
        w.contract(u, c, d, amount, _METHODS[rng.integers(0, 5)], appr, tag)
    t.update(company=c, relative=r, desc=(
        f"The {kind} of {{O}} ({{R}}) {how} {{C}}, which won {k} contract(s) worth {total:,} {w.cur} "
        f"from {{U}}, {len(by_o)} of them approved by {{O}}."))


def sponsored_trip_contract(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    sk, si = (K_PER, owner) if v == "owner" else (K_COM, c)
    gap = _gap(rng, 150, 250, a - 6) if v == "long_before" else _gap(rng, 20, 120, a - 6)
    dur = int(rng.integers(3, 6))
    cost = w.money(int(rng.integers(200, 801)) * 100)
    start, award = (a, a - gap) if v == "after_award" else (a - gap, a)
    spouse = w.relative_of.get((o, "spouse"))
    parts = [(K_PER, spouse)] if (spouse is not None and rng.random() < 0.5) else []
    dest = _LUX_DESTINATIONS[rng.integers(0, len(_LUX_DESTINATIONS))]
    w.trip(o, dest, start, dur, "考察交流", sk, si, cost, t["tag"], parts)
    amount = w.money(int(rng.integers(500, 5001)) * 1000)
    w.contract(u, c, award, amount, _METHODS[rng.integers(0, 3)], o, t["tag"])
    trip = (f"{{O}} went on a {dur}-day trip to {dest} costing {cost:,} {w.cur} paid by "
            f"{'the owner of {C}' if sk == K_PER else '{C}'}{' with their spouse' if parts else ''}")
    award_s = f"{{C}} won a {amount:,} {w.cur} contract from {{U}} approved by {{O}}"
    t.update(company=c, desc=(f"{trip}; {gap} days later {award_s}." if v != "after_award"
                              else f"{award_s}; {gap} days later {trip[0].lower() + trip[1:]}."))


def split_contracts(w, t, i, o, u, a, v):
    rng = w.rng
    tag = t["tag"]
    c, owner, keys = w.new_company(u, tag)
    t["keys"] += keys
    k = int(rng.integers(3, 6)) if v != "two_units" else int(rng.integers(3, 5))
    hi = min(a - 1, w.last_week - 1)
    span = np.arange(max(0, a - 59), hi + 1)
    days = sorted(rng.choice(span, k - 1, replace=False).tolist()) + [a]
    sec = w.company_title[c]
    base = _SECTORS[sec][1][rng.integers(0, len(_SECTORS[sec][1]))]
    units, approvers = [u] * k, [o] * k
    if v == "two_units":
        u2 = w.second_unit(o, tag)
        units = [u if j % 2 == 0 else u2 for j in range(k)]
        t["keys"].append(("membership", o, u2))
        t["second_unit"] = u2
    elif v == "two_approvers":
        other = w.other_approver(u, o)
        mine = set(rng.permutation(k)[:int(math.ceil(k / 2))].tolist()) | {k - 1}
        approvers = [o if j in mine else other for j in range(k)]
        if other != o:
            t["co_officials"] = [other]
    amounts = []
    for j, d in enumerate(days):
        amount = int(w.limit * rng.uniform(0.85, 0.995))
        amounts.append(amount)
        w.contract(units[j], c, d, amount, "direct", approvers[j], tag, title=f"{base}（{'一二三四五'[j]}期）")
    how = {"one_approver": "approved", "two_approvers": f"approved {approvers.count(o)} of",
           "two_units": "approved, split between their two units,"}[v]
    t.update(company=c, desc=(
        f"{{O}} {how} {k} direct awards to {{C}} within {days[-1] - days[0] + 1} days, each just under the "
        f"{w.limit:,.0f} {w.cur} open-tender limit, {sum(amounts):,} {w.cur} in total."))


def private_contact_before_award(w, t, i, o, u, a, v):
    """A private dinner (no gift) with a supplier's owner in the weeks before an award the official approved."""
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    gap = _gap(rng, 7, 80, a - 1)
    channel = ("宴请", "dinner", "私下会面")[int(rng.integers(0, 3))]
    w.contact(o, K_PER, owner, a - gap, channel, "", "", t["tag"])
    amount = w.money(int(rng.integers(500, 5001)) * 1000 + int(rng.integers(0, 1000)))
    method = _METHODS[rng.integers(0, 5)]
    w.contract(u, c, a, amount, method, o, t["tag"])
    t.update(company=c, desc=(f"{{O}} had a private {channel} with the owner of {{C}}; {gap} days later {{C}} won a "
                              f"{amount:,} {w.cur} {method} contract from {{U}} approved by {{O}}."))


def gift_before_decision(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    gap = _gap(rng, 10, 90, a - 1)
    value = w.money(int(rng.integers(100, 801)) * 100)
    w.gift(K_PER, owner, K_OFF, o, a - gap, value, _BIG_GIFT_DESC[rng.integers(0, 6)], 0, t["tag"])
    amount = w.money(int(rng.integers(200, 3001)) * 1000) if v == "subsidy" else -1
    w.decision(u, o, K_COM, c, a, v, t["tag"], amount=amount)
    t.update(company=c, desc=(
        f"{{O}} received an undeclared gift worth {value:,} {w.cur} from the owner of {{C}}; {gap} days later "
        f"{{U}} granted {{C}} a {v}{f' of {amount:,} {w.cur}' if amount >= 0 else ''} approved by {{O}}."))


def two_hop_tie(w, t, i, o, u, a, v):
    rng = w.rng
    c, owner, keys = w.new_company(u, t["tag"])
    t["keys"] += keys
    r, kind, fkey = w.relative(o, t["tag"])
    w.rel.add(fk=K_PER, fi=r, tk=K_PER, ti=owner, relation=v, source=_SRC_SOCIAL, tag=t["tag"])
    t["keys"] += [fkey, (K_PER, r, v, K_PER, owner)]
    amount = w.money(int(rng.integers(300, 3001)) * 1000)
    w.contract(u, c, a, amount, _METHODS[rng.integers(0, 5)], o, t["tag"])
    t.update(company=c, relative=r, desc=(
        f"The {kind} of {{O}} ({{R}}) is a{'n' if v == 'associate' else ''} {v} of the owner of "
        f"{{C}}, which won a {amount:,} {w.cur} contract from {{U}} approved by {{O}}."))


def _pool_company(w, u, t):
    """A supplier from the unit's own pool not used by another planted instance (or a new one)."""
    pool = [x for x in w.pool_by_unit.all(u).tolist() if x not in w.used_companies]
    if not pool:
        c, owner, keys = w.new_company(u, t["tag"])
        t["keys"] += keys
    else:
        c = pool[w.rng.integers(0, len(pool))]
        owner = int(w.company_lr[c])
        w.company_title.setdefault(c, str(w.sup_sector[c]) if c < len(w.sup_sector) else "办公用品")
    w.used_companies.add(c)
    return c, owner


def decoy_small_declared_gift(w, t, i, o, u, a, v):
    rng = w.rng
    c, lr = _pool_company(w, u, t)
    gap = int(rng.integers(7, 61))
    value = w.money(int(rng.integers(2, 9)) * 100)
    w.gift(K_PER, lr, K_OFF, o, a - gap, value, _GIFT_DESC[rng.integers(0, 8)], 1, t["tag"])
    amount = w.money(int(rng.integers(200, 3001)) * 1000)
    w.contract(u, c, a, amount, "open_tender", o, t["tag"])
    t.update(company=c, desc=(
        f"{{O}} received and declared a {value} {w.cur} ceremonial gift from the legal representative "
        f"of {{C}}, a supplier of {{U}}; {gap} days later {{C}} won a {amount:,} {w.cur} open tender "
        f"approved by {{O}}."))


def decoy_government_trips(w, t, i, o, u, a, v):
    rng = w.rng
    k = int(rng.integers(8, 16))
    starts = np.sort(rng.choice(np.arange(0, w.last_week - 15, 4), k, replace=False))
    colleagues = w.bg_off_by_unit.all(u)
    for s in starts.tolist():
        dur = int(rng.integers(1, 5))
        ps = []
        if len(colleagues) and rng.random() < 0.6:
            ps = [(K_OFF, int(x)) for x in rng.choice(colleagues, min(2, len(colleagues)), replace=False)]
            if rng.random() < 0.5:
                ps = ps[:1]
        w.trip(o, _DESTINATIONS[rng.integers(0, 15)], s, dur, _GOV_PURPOSES[rng.integers(0, 5)], K_UNIT, u,
               w.money(int(rng.integers(15, 151)) * 100), t["tag"], ps)
    t["last"] = int(starts[-1])
    t.update(desc=f"{{O}} made {k} trips in the period, all paid by their own unit {{U}}.")


def decoy_homonym_spouse(w, t, i, o, u, a, v):
    rng = w.rng
    sp = w.relative_of.get((o, "spouse"))
    if sp is None:
        sp = w.new_person(clean=True)
        w.rel.add(fk=K_PER, fi=sp, tk=K_OFF, ti=o, relation="spouse", source=_SRC_FAMILY, tag=t["tag"])
        w.relative_of[(o, "spouse")] = sp
    w._clean_person(sp)
    c, s2, keys = w.new_company(u, t["tag"], owner_name=w._person_name(sp), clean_owner=True, second=False)
    t["keys"] += [(K_PER, sp, "spouse", K_OFF, o)] + keys
    k = int(rng.integers(1, 4))
    days = sorted([a] + [max(0, a - int(x)) for x in rng.integers(20, 201, k - 1)])
    for d in days:
        w.contract(u, c, d, w.money(int(rng.integers(200, 3001)) * 1000), _METHODS[rng.integers(0, 2)], o,
                   t["tag"])
    t.update(company=c, spouse=sp, homonym=s2, desc=(
        f"The spouse of {{O}} shares the name of a different person (other id number) who owns "
        f"{{C}}, which won {k} contract(s) from {{U}} approved by {{O}}; nothing links the two."))


def decoy_busy_approver(w, t, i, o, u, a, v):
    rng = w.rng
    pool = [x for x in w.pool_by_unit.all(u).tolist() if x not in w.used_companies]
    k = int(rng.integers(30, 61))
    comps = rng.choice(pool, k, replace=len(pool) < k)
    days = np.sort(rng.integers(0, w.last_week, k))
    amts = np.clip(rng.lognormal(np.log(900_000), 0.8, k), 100_000, 8_000_000) * w.p.amount_scale
    titles = [_SECTORS[str(w.sup_sector[cc])][1][int(x)] for cc, x in zip(comps.tolist(), rng.integers(0, 4, k))]
    w.rec["contracts"].add(unit=u, sup=comps, date=days, amount=amts.astype(np.int64), currency=w.cur,
                           method="open_tender", approver=o, title=_obj(titles), tag=t["tag"])
    t["last"] = int(days[-1])
    t.update(desc=f"{{O}} approved {k} open-tender contracts from {{U}} to {len(set(comps.tolist()))} different "
                  f"suppliers.")


def decoy_single_award_below_limit(w, t, i, o, u, a, v):
    """One direct award just under the limit, to a supplier with no other award from the official."""
    rng = w.rng
    c, _ = _pool_company(w, u, t)
    amount = int(w.limit * rng.uniform(0.85, 0.99))
    w.contract(u, c, a, amount, "direct", o, t["tag"])
    t.update(company=c, desc=(f"{{O}} approved one direct award of {amount:,} {w.cur} from {{U}} to {{C}}, "
                              f"under the {w.limit:,.0f} {w.cur} limit, and no other award to it."))


PATTERN_FUNCS = {f.__name__: f for f in (
    gift_before_contract, relative_owned_supplier, sponsored_trip_contract, split_contracts, gift_before_decision,
    private_contact_before_award,
    two_hop_tie, decoy_small_declared_gift, decoy_government_trips, decoy_homonym_spouse, decoy_busy_approver,
    decoy_single_award_below_limit)}
