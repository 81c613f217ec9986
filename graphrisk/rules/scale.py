"""One scale for paths, findings and levels, and thresholds that come from the data (or settings).

The scale
---------
Every number graphrisk grades with is 0-100 with the same bands (``[scoring]``):
red ≥ 70, orange ≥ 45, yellow ≥ 20, below that green (see docs/scoring.md).
:func:`path_strength` puts a conflict path on that scale from its records
(relative amounts, time order, how direct the tie is, whose decision); a
path-based finding scores ``min(the rule's ceiling, strength)``, so a path
cited for red is itself at least 70.

Thresholds
----------
:class:`AmountScales` holds each record kind's amounts per currency (log
scale: median, MAD, quantiles). :func:`threshold` resolves a rule's
threshold: an explicit setting (base currency, converted with
graphrisk.money), else the register's own distribution (a quantile or a
robust z-score of the same kind and currency), else a stated fallback; each
comes back as a :class:`Fence` that says where it came from, for the finding's
metadata and summary.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date

from .. import money, schema
from .amounts import _amounts, graph_amounts
from ..i18n import LANGS, both, catalogue, fmt_money, t

# ------------------------------------------------------------------ amount distributions


@dataclass
class Dist:
    """Amounts of one record kind in one currency, on a log scale."""

    values: list[float]  # sorted, positive
    currency: str
    pooled: bool = False  # converted to the base currency from several currencies

    def __post_init__(self):
        logs = [math.log(v) for v in self.values]
        self.median_log = statistics.median(logs)
        mad = statistics.median(abs(x - self.median_log) for x in logs)
        spread = 1.4826 * mad
        if spread <= 1e-9:  # many equal values: use the interdecile range, else a small floor
            lo, hi = self.quantile_log(0.1, logs), self.quantile_log(0.9, logs)
            spread = (hi - lo) / 2.563
        self.spread = max(spread, 0.05)

    @property
    def n(self) -> int:
        return len(self.values)

    @staticmethod
    def quantile_log(q: float, logs: list[float]) -> float:
        s = sorted(logs)
        pos = q * (len(s) - 1)
        i = int(pos)
        return s[i] if i + 1 >= len(s) else s[i] + (s[i + 1] - s[i]) * (pos - i)

    def quantile(self, q: float) -> float:
        pos = q * (self.n - 1)
        i = int(pos)
        v = self.values
        return v[i] if i + 1 >= self.n else v[i] + (v[i + 1] - v[i]) * (pos - i)

    def z(self, amount: float) -> float:
        """Robust z-score of ``amount``: (ln amount - median) / (1.4826 MAD), on the log scale."""
        return (math.log(amount) - self.median_log) / self.spread

    def at_z(self, z: float) -> float:
        return math.exp(self.median_log + z * self.spread)

    def rank(self, amount: float) -> float:
        """Share of the register's amounts at or below ``amount`` (0-1)."""
        import bisect

        return bisect.bisect_right(self.values, amount) / self.n


class AmountScales:
    """The register's own amounts per record kind and currency, built once per graph."""

    def __init__(self, settings: dict, min_sample: int | None = None):
        self.settings = settings
        self.min_sample = min_sample or settings["scoring"]["min_sample"]
        self._raw: dict[tuple[str, str], list[float]] = {}
        self._cache: dict = {}

    @classmethod
    def from_edges(cls, edges, settings: dict) -> AmountScales:
        """From ``(u, v, key, data)`` edges; each record counts once per kind (not per participant)."""
        return cls.from_amounts(_amounts(edges), settings)

    @classmethod
    def from_amounts(cls, amounts: dict, settings: dict, kinds=None) -> AmountScales:
        """From ``{(kind, currency as written): [amounts]}`` (see :func:`graph_amounts`), of ``kinds`` or all."""
        sc = cls(settings)
        for (kind, currency), values in amounts.items():
            if kinds is None or kind in kinds:
                sc._raw.setdefault((kind, money.currency_of(currency, settings)), []).extend(values)
        return sc

    def add(self, kind: str, amount: float, currency: str | None) -> None:
        self._raw.setdefault((kind, money.currency_of(currency, self.settings)), []).append(float(amount))
        self._cache.clear()

    def dist(self, kind: str, currency: str | None) -> Dist | None:
        """The distribution an amount of ``kind`` in ``currency`` is judged against, or None (too few).

        Its own currency when it has ``min_sample`` records; else every comparable currency
        converted to the base; else None.
        """
        cur = money.currency_of(currency, self.settings)
        key = (kind, cur)
        if key in self._cache:
            return self._cache[key]
        own = self._raw.get(key, [])
        out = None
        if len(own) >= self.min_sample:
            out = Dist(sorted(own), cur)
        elif money.comparable(cur, self.settings):
            pooled = [money.to_base(v, c, self.settings) for (k, c), vs in self._raw.items() if k == kind
                      and money.comparable(c, self.settings) for v in vs]
            if len(pooled) >= self.min_sample:
                out = Dist(sorted(pooled), money.base_currency(self.settings), pooled=True)
        self._cache[key] = out
        return out

    def in_dist_units(self, d: Dist, amount: float, currency: str | None) -> float | None:
        if not d.pooled:
            return amount
        return money.to_base_or_none(amount, currency, self.settings)

    def z(self, kind: str, amount: float | None, currency: str | None) -> float | None:
        d = self.dist(kind, currency)
        if d is None or amount is None or amount <= 0:
            return None
        a = self.in_dist_units(d, amount, currency)
        return None if a is None else d.z(a)

    def rank(self, kind: str, amount: float | None, currency: str | None) -> float | None:
        d = self.dist(kind, currency)
        if d is None or amount is None or amount <= 0:
            return None
        a = self.in_dist_units(d, amount, currency)
        return None if a is None else d.rank(a)


def amount_factor(scales: AmountScales, kind: str, amount: float | None, currency: str | None,
                  floor: float, high_z: float = 1.5) -> float:
    """Relative replacement of paths.Scorer's ``_amount_factor``: ``floor`` at or below the register's
    median for that kind and currency, 1.0 at ``high_z`` robust z-scores above it, log-linear between.

    With too few records to judge (or an amount that cannot be compared) the amount neither weakens
    nor strengthens the path (1.0): whether it counts at all is the rule's fence, which says so.
    """
    if amount is None or amount <= 0:
        return floor
    z = scales.z(kind, amount, currency)
    if z is None:
        return 1.0
    if z <= 0:
        return floor
    return min(1.0, floor + (1 - floor) * z / high_z)


def scorer_amount_factor(scales: AmountScales | None, kind: str, amount: float | None, currency: str | None,
                         low: float, high: float, floor: float) -> float:
    """Drop-in for ``paths.Scorer``'s ``_amount_factor(amount, low, high, floor)``: the amount against the
    register's own amounts of ``kind`` (contract, gift, trip_sponsor, decision; an ``approved`` or
    ``decided`` edge counts as its contract or decision) in its currency; a register too small to
    judge keeps the fixed log scale from ``low`` to ``high`` (base currency), the amount converted
    through the rate table when it can be.
    """
    import math

    kind = {"approved": "contract", "decided": "decision"}.get(kind, kind)
    if scales is not None and scales.dist(kind, currency) is not None:
        return amount_factor(scales, kind, amount, currency, floor)
    if amount is not None and scales is not None:
        amount = money.to_base_or_none(amount, currency, scales.settings) or amount
    if amount is None or amount <= low:
        return floor
    if amount >= high:
        return 1.0
    return floor + (1 - floor) * (math.log(amount) - math.log(low)) / (math.log(high) - math.log(low))


SCALED_KINDS = ("gift", "trip_sponsor", "contract", "decision", "contact")


def scales_of(ctx) -> AmountScales:
    """The amount scales of a rule context's graph (built once, shared by every rule)."""
    if "amount_scales" not in ctx.extra:
        ctx.extra["amount_scales"] = AmountScales.from_amounts(graph_amounts(ctx.G), ctx.settings,
                                                               kinds=SCALED_KINDS)
    return ctx.extra["amount_scales"]


# ------------------------------------------------------------------ thresholds


@dataclass
class Fence:
    """A threshold and where it came from (``settings``, ``data``, ``fallback`` or ``none``)."""

    value: float | None
    currency: str | None
    source: str
    bases: dict = field(default_factory=dict)  # {"en": "robust z 2 over 1,234 gift amounts in CNY", "zh": ...}

    @property
    def basis(self) -> str:
        return self.bases.get("en", "")

    def meta(self) -> dict:
        return {"value": None if self.value is None else round(self.value, 2), "currency": self.currency,
                "source": self.source, "basis": self.basis, "bases": dict(self.bases)}

    def words(self) -> dict:
        """The threshold in words, English and Chinese (for a finding's summary)."""
        if self.value is None:
            return {lang: t("scale.fence.none", lang, basis=self.bases.get(lang, "")) for lang in LANGS}
        key = {"settings": "scale.fence.settings", "data": "scale.fence.data"}.get(self.source,
                                                                                 "scale.fence.fallback")
        return {lang: t(key, lang, amount=fmt_money(self.value, self.currency, lang), basis=self.bases.get(lang, ""))
                for lang in LANGS}


def threshold(ctx, kind: str, currency: str | None, *, setting: float = 0.0, z: float | None = None,
              quantile: float | None = None, fallback: float = 0.0) -> Fence:
    """A rule's amount threshold for records of ``kind`` in ``currency``.

    ``setting`` (base currency, > 0) wins; else the register's own distribution at robust ``z``
    (or ``quantile``); else ``fallback`` (base currency, > 0: a stated preset used only when the
    register is too small to judge). Amounts in a currency with no rate never meet a base-currency
    setting: the fence is ``none`` with the reason.
    """
    s = ctx.settings
    cur = money.currency_of(currency, s)
    base = money.base_currency(s)
    what = {lang: t(f"scale.kind.{kind}", lang) if f"scale.kind.{kind}" in catalogue() else kind
            for lang in LANGS}
    if setting and setting > 0:
        v = money.from_base(setting, cur, s)
        if v is None:
            return Fence(None, cur, "none", both("scale.basis.no_rate", currency=cur, base=base))
        return Fence(v, cur, "settings", {lang: fmt_money(setting, base, lang) for lang in LANGS})
    sc = scales_of(ctx)
    d = sc.dist(kind, cur)
    if d is not None:
        if z is not None:
            v = d.at_z(z)
            bases = {lang: t("scale.basis.z", lang, z=f"{z:g}", n=f"{d.n:,}", what=what[lang], currency=d.currency)
                     for lang in LANGS}
        else:
            q = quantile if quantile is not None else 0.5
            v = d.quantile(q)
            bases = {lang: t("scale.basis.quantile", lang, pct=f"{q * 100:g}", n=f"{d.n:,}", what=what[lang],
                             currency=d.currency) for lang in LANGS}
        if d.pooled:
            v = money.from_base(v, cur, s)
        return Fence(v, cur, "data", bases)
    if fallback and fallback > 0:
        v = money.from_base(fallback, cur, s)
        if v is not None:
            return Fence(v, cur, "fallback", {lang: t("scale.basis.fallback", lang, n=sc.min_sample, what=what[lang],
                                                      preset=fmt_money(fallback, base, lang)) for lang in LANGS})
    return Fence(None, cur, "none", {lang: t("scale.basis.too_few", lang, n=sc.min_sample, what=what[lang],
                                             currency=cur) for lang in LANGS})


# ------------------------------------------------------------------ the scale

def band(settings: dict, level: str, strength: float = 1.0) -> float:
    """A score inside a level's band: its floor at strength 0, just under the next band at 1."""
    cfg = settings["scoring"]
    floors = {"red": cfg["red"], "orange": cfg["orange"], "yellow": cfg["yellow"], "green": 0.0}
    tops = {"red": cfg["red"] + (100 - cfg["red"]) * 2 / 3, "orange": cfg["red"] - 1, "yellow": cfg["orange"] - 1,
            "green": cfg["yellow"] - 1}
    s = min(max(strength, 0.0), 1.0)
    return round(floors[level] + (tops[level] - floors[level]) * s, 2)


def level_ceiling(settings: dict, level: str) -> float:
    """The highest score a finding of a class capped at ``level`` may have."""
    return band(settings, level, 1.0)


TIE_FACTORS = {"family": 1.0, "legal_representative": 1.0, "director": 0.95, "shareholder": 1.0,
               "manager": 0.8, "employee": 0.4, "associate": 0.7}
# Dated private records, judged against the decision's date. Travelling together on a trip (company
# people on a delegation) weighs like a sponsored trip, a little less: nobody paid for the official.
BENEFIT_FACTORS = {"gift": 1.0, "trip_sponsor": 1.0, "contact": 0.7, "trip_participant": 0.9}


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def edge_strength(settings: dict, scales: AmountScales, e, decision_date: str | None) -> float:
    """Strength (0-1) of one private record of a path against the decision (see docs/scoring.md)."""
    cfg = settings["scoring"]
    kind = e.kind
    detail = e.detail
    if kind in BENEFIT_FACTORS:
        f = BENEFIT_FACTORS[kind]
        if kind == "contact" and not detail.get("private", schema.is_private_channel(detail.get("channel"))):
            f = 0.45  # repeated office contact: a tie, not a benefit
        if kind in ("gift", "trip_sponsor"):
            f *= amount_factor(scales, kind, e.amount, e.currency, cfg["small_amount_factor"])
        if kind == "gift" and detail.get("declared") == 1:
            f *= cfg["declared_factor"]
        gap = _days(e.date, decision_date)
        window = settings["paths"]["window_days"]
        if gap is None:
            f *= 0.6
        elif 0 <= gap <= window:
            f *= 1.0 - 0.25 * gap / max(window, 1)
        elif gap < 0 and -gap <= window:
            f *= cfg["after_decision_factor"]
        else:
            f *= cfg["outside_window_factor"]
        return f
    f = TIE_FACTORS.get(kind, 0.6)
    if kind == "shareholder" and detail.get("share_pct") is not None:
        f *= 0.75 + 0.25 * min(detail["share_pct"], 50) / 50
    end = detail.get("end_date")
    if end and decision_date and end < decision_date:
        f *= 0.4  # the tie had ended before the decision
    return f


def path_strength(settings: dict, scales: AmountScales, p) -> float:
    """A conflict path on the one 0-100 scale: how strong, direct and time-ordered the chain is.

    The product of each private record's strength, times 1.0 for the official's own decision
    (``unit_decision_factor`` for a decision of their unit only), times ``extra_hop_factor`` per
    hop beyond the first. A material undeclared gift from the supplier's owner shortly before an
    award the official approved is about 90; a declared courtesy gift about 25.
    """
    cfg = settings["scoring"]
    f = 1.0
    for e in p.private_edges:
        f *= edge_strength(settings, scales, e, p.decision.date)
    f *= 1.0 if p.approved_personally else cfg["unit_decision_factor"]
    f *= cfg["extra_hop_factor"] ** max(p.hops - 1, 0)
    return round(100 * f, 2)


def strengths(ctx) -> dict[str, float]:
    """Strength of every path of the context on the one scale, by path id (computed once)."""
    if "path_strength" not in ctx.extra:
        sc = scales_of(ctx)
        ctx.extra["path_strength"] = {p.path_id: path_strength(ctx.settings, sc, p) for p in ctx.paths}
    return ctx.extra["path_strength"]


__all__ = ["AmountScales", "Dist", "Fence", "amount_factor", "band", "edge_strength", "level_ceiling",
           "path_strength", "scales_of", "scorer_amount_factor", "strengths", "threshold"]
