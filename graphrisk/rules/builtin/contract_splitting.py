"""Contract splitting: several non-competitive awards (a method containing one of ``methods``) to one supplier within D days, each just under a
limit above which an open tender is required, together over it.

The limit comes from settings (``limits``, base currency, e.g. a jurisdiction's central and
provincial limits) or from the data: a round amount (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
power of ten, or any amount of two significant digits just above an award) under which the register's non-competitive awards bunch (at least
``bunching_min_awards`` more within ``margin_pct`` under it, and ``bunching_ratio`` times as many as in
the bins of the same width just over it and further under it), per currency. A run may span
units (a split across two units) and approvers (each approver is told their share). Every finding
names the limit, where it came from and the bunching behind it.

Splitting evades control without itself documenting a benefit: orange at most on its own.
"""
from __future__ import annotations

import bisect
import math
from collections import defaultdict
from datetime import date

from ... import money
from ...findings import Reason
from ...i18n import LANGS, fmt_money, t
from ...narrate import field_value
from .. import Finding, rule
from ..scale import band
from ._common import matches_vocabulary, ranges

MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def _d(s: str) -> date:
    return date.fromisoformat(s[:10])


def _ceil2(a: float) -> float:
    """``a`` rounded up to two significant digits (696,000 -> 700,000; 135,400 -> 140,000)."""
    k = math.floor(math.log10(a)) - 1
    return math.ceil(a / 10 ** k - 1e-9) * 10 ** k


def _digits(L: float) -> int:
    """Significant digits of an amount (1,000,000 -> 1; 990,000 -> 2; 139,688 -> 6)."""
    return len(f"{L:.6e}".split("e")[0].replace(".", "").rstrip("0")) or 1


def _ceil_sig(a: float, digits: int) -> float:
    """The smallest amount of ``digits`` significant digits strictly above ``a``."""
    k = math.floor(math.log10(a)) - digits + 1
    return (math.floor(a / 10 ** k + 1e-9) + 1) * 10 ** k


def _refine(L: float, pos: list[float], m: float) -> float:
    """The roundest amount just above the largest award under ``L`` (within m/6 of it): the limit the
    awards respect, 1,000,000 rather than 996,000, 143,000 rather than 150,000."""
    i = bisect.bisect_left(pos, L) - 1
    if i < 0 or pos[i] < L * (1 - m):
        return L
    top = pos[i]
    for digits in (1, 2, 3):
        c = _ceil_sig(top, digits)
        if c <= top * (1 + m / 6):
            return round(c, 6)
    return L


def bunching_limits(amounts: list[float], cfg: dict) -> list[dict]:
    """Limits the register's non-competitive awards respect, strongest first, non-overlapping.

    A candidate L (a round amount, or an amount of two significant digits above an award) is a limit
    when the awards just under it (within ``margin_pct``) show either a **spike** (at least
    ``bunching_min_awards`` more, and ``bunching_ratio`` times as many, as the same-width bins just
    over it and further under it: awards split to fit under L) or a **cliff** (at least twice
    ``bunching_min_awards``, nearly as dense as further under, and twice ``bunching_ratio`` times the
    two bins over it: awards stop at L, as they do under a limit, whereas a register's natural tail
    thins out gradually). Only a limit with awards on it can make a finding: a run of awards to one
    supplier, each just under it, together over it. Each limit is then
    moved to the roundest amount just above the largest award under it.
    """
    pos = sorted(a for a in amounts if a and a > 0)
    if len(pos) < cfg["bunching_min_awards"]:
        return []
    m = cfg["margin_pct"] / 100
    r = cfg["bunching_ratio"]
    lo, hi = math.floor(math.log10(pos[0])), math.ceil(math.log10(pos[-1] * (1 + m))) + 1

    def count(a: float, b: float) -> int:
        return bisect.bisect_left(pos, b) - bisect.bisect_left(pos, a)

    candidates = {mant * 10 ** k for k in range(lo, hi + 1) for mant in MANTISSAS}
    candidates |= {_ceil2(a) for a in pos}  # a limit need not be one of the round amounts above
    found: dict[float, dict] = {}
    n = cfg["bunching_min_awards"]

    def shape(L: float) -> dict | None:
        below, over, under = count(L * (1 - m), L), count(L, L * (1 + m)), count(L * (1 - 2 * m), L * (1 - m))
        after = count(L * (1 + m), L * (1 + 2 * m))
        spike = below - max(over, under) >= n and below >= r * max(over, under, 1) and over <= below / (2 * r)
        cliff = below >= 2 * n and below >= 0.8 * under and below >= 2 * r * max(over + after, 1)
        if not (spike or cliff):
            return None
        return {"limit": L, "just_under": below, "just_over": over, "further_under": under,
                "shape": "spike" if spike else "cliff"}

    found: dict[float, dict] = {}
    for L0 in sorted(round(c, 6) for c in candidates):
        for L in {L0, _refine(L0, pos, m)}:  # and the roundest amount just above the awards under it
            f = shape(L)
            if f is not None:
                found[L] = f
    # strongest first: most awards under it net of those leaking over it; then the roundest
    ranked = sorted(found.values(), key=lambda f: (-(f["just_under"] - 2 * r * f["just_over"]), _digits(f["limit"]),
                                                   f["limit"]))
    chosen: list[dict] = []
    for f in ranked:  # the strongest first; a candidate overlapping a chosen one is the same limit
        if all(abs(f["limit"] - c["limit"]) >= m * max(f["limit"], c["limit"]) for c in chosen):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f["limit"])


@rule("contract_splitting", "Contract splitting under a limit", max_level="orange", order=10, validate=ranges(margin_pct=(0.1, 50), bunching_min_awards=(1, None), bunching_ratio=(1, None), window_days=(0, None), min_awards=(2, None)), paths=False)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("contract_splitting")
    s = ctx.settings
    by_currency: dict[str, list[tuple]] = defaultdict(list)
    for u, v, k, d in ctx.edges("contract"):
        method = d.get("method")
        if not d.get("date") or not d.get("amount") or d["amount"] <= 0:
            continue
        if method in (None, ""):
            if not cfg["include_unknown_method"]:
                continue
        elif not matches_vocabulary(method, cfg["methods"]):
            continue
        by_currency[money.currency_of(d.get("currency"), s)].append((u, v, d))
    m = cfg["margin_pct"] / 100
    out = []
    for cur, awards in sorted(by_currency.items()):
        if cfg["limits"]:
            limits = []
            for base_limit in cfg["limits"]:
                L = money.from_base(base_limit, cur, s)
                if L is not None:
                    limits.append({"limit": L, "source": "settings",
                                   "setting": f"{base_limit:,.0f} {money.base_currency(s)}"})
        else:
            limits = [{**f, "source": "data"} for f in bunching_limits([d["amount"] for _, _, d in awards], cfg)]
        for lim in limits:
            out.extend(_runs(ctx, cfg, cur, lim, [a for a in awards if lim["limit"] * (1 - m) <= a[2]["amount"]
                                                  < lim["limit"]]))
    return out


def _runs(ctx, cfg: dict, cur: str, lim: dict, near: list[tuple]) -> list[Finding]:
    L = lim["limit"]
    groups: dict[str, list[tuple]] = defaultdict(list)
    for u, v, d in near:
        groups[v].append((u, v, d))
    out = []
    for supplier, awards in sorted(groups.items()):
        awards.sort(key=lambda a: (a[2]["date"], a[2]["record_id"]))
        i = 0
        while i < len(awards):  # maximal runs within window_days of the run's first award
            j = i
            while j + 1 < len(awards) and (_d(awards[j + 1][2]["date"]) - _d(awards[i][2]["date"])).days \
                    <= cfg["window_days"]:
                j += 1
            run = awards[i:j + 1]
            if len(run) >= cfg["min_awards"] and sum(a[2]["amount"] for a in run) > L:
                out.extend(_findings(ctx, cfg, cur, lim, supplier, run))
                i = j + 1
            else:
                i += 1
    return out


def _findings(ctx, cfg, cur, lim, supplier, run) -> list[Finding]:
    L = lim["limit"]
    total = sum(a[2]["amount"] for a in run)
    ids = [a[2]["record_id"] for a in run]
    units = sorted({a[0] for a in run})
    approvers = sorted({a[2].get("approver_id") for a in run if a[2].get("approver_id")})
    span = (_d(run[-1][2]["date"]) - _d(run[0][2]["date"])).days
    out = []
    for oid in approvers:
        if ctx.kind(oid) != "official":
            continue
        mine = [a for a in run if a[2].get("approver_id") == oid]
        if len(units) > 1 and not set(units) <= set(ctx.units_of(oid)):
            continue  # a run across units counts for an official who belongs to every one of them
        more = min(1.0, (len(run) - cfg["min_awards"] + 1) / 3)
        strength = (0.5 + 0.5 * more) * len(mine) / len(run)
        amounts = ", ".join(f"{a[2]['record_id']} {a[2]['amount']:,.0f}" for a in run)
        if lim["source"] == "settings":
            src = {lang: t("rules.contract_splitting.limit_settings", lang, setting=lim["setting"]) for lang in LANGS}
        else:
            src = {lang: t("rules.contract_splitting.limit_data", lang, under=lim["just_under"], over=lim["just_over"],
                           further=lim["further_under"], margin=f"{cfg['margin_pct']:g}") for lang in LANGS}
        summaries = {lang: t("rules.contract_splitting.summary", lang, n=len(run),
                             methods="/".join(sorted({field_value("method", a[2].get("method") or "?", lang)
                                                      for a in run})),
                             units="、".join(ctx.name(u) for u in units) if lang == "zh"
                             else ", ".join(ctx.name(u) for u in units),
                             supplier=ctx.name(supplier), span=span, limit=fmt_money(L, cur, lang),
                             source=src[lang], total=fmt_money(total, cur, lang), official=ctx.name(oid),
                             mine=len(mine), amounts=amounts) for lang in LANGS}
        meta = {"threshold": {"value": round(L, 2), "currency": cur, "source": lim["source"],
                              "basis": src["en"], "bases": src},
                "bunching": {k: lim[k] for k in ("just_under", "just_over", "further_under") if k in lim},
                "units": units, "approved_share": round(len(mine) / len(run), 3)}
        out.append(Finding(oid, Reason(
            rule="contract_splitting", score=band(ctx.settings, "orange", strength), summary=summaries["en"],
            summaries=summaries, evidence=ids, path=[oid, supplier], company_id=supplier,
            latest_date=run[-1][2]["date"], metadata=meta)))
    return out
