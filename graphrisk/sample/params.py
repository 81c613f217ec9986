"""Parameters of the sample world: period, currency, limits, density, noise, and the planted patterns.

A world is one ``Params`` plus a scale and a seed. The quality benchmark builds
worlds on a grid of parameters, so that detection is checked on currencies,
limits, densities and pattern variants other than the default ones. Nothing
here is for the rules to read: a rule that knew the generator's limit would
pass every test and fail on real registers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

PERIOD_START = "2026-01-05"  # Monday of ISO 2026-W02
PERIOD_END = "2026-11-15"  # Sunday of ISO 2026-W46 (the latest complete week as of 2026-11-23)
DIRECT_AWARD_THRESHOLD = 1_000_000  # default limit (CNY), above which open tender is required
MIN_SCALE = 0.05  # smallest city that holds every planted pattern

FILES = ["units", "officials", "people", "companies", "relations", "memberships", "contacts", "gifts", "trips",
         "contracts", "decisions"]

_TABLE_BASE = date(1940, 1, 1)

CITY = "澜州市"
CITY_SHORT = "澜州"

BASE_COUNTS = {"officials": 2000, "companies": 3000, "contacts": 25000, "gifts": 6000, "trips": 4000,
               "contracts": 9000, "decisions": 3000}

# Expected level of a planted official: strong conflict forms red or orange, ties and signals at least
# yellow, decoys green or yellow.
RED_OR_ORANGE, AT_LEAST_YELLOW, NOT_ABOVE_YELLOW = "red_or_orange", "at_least_yellow", "not_above_yellow"


@dataclass(frozen=True)
class Pattern:
    """One planted pattern: how many per scale 1, its variants (cycled over instances), what level each
    variant must reach, its family (how the benchmark groups it), whether its official must be an approver."""

    name: str
    base: int
    expect: str
    variants: tuple[str, ...] = ("default",)
    family: str = "strong"  # strong | tie | signal | foreign_conflict | foreign_signal | decoy
    approver: bool = True
    expect_by_variant: dict = field(default_factory=dict)

    def expect_of(self, variant: str) -> str:
        return self.expect_by_variant.get(variant, self.expect)


PATTERN_SPECS = [
    Pattern("gift_before_contract", 8, RED_OR_ORANGE,
            ("owner", "company", "owner_spouse", "to_spouse", "to_child", "long_before", "after_award")),
    Pattern("relative_owned_supplier", 6, RED_OR_ORANGE, ("shareholder", "legal_representative")),
    Pattern("sponsored_trip_contract", 6, RED_OR_ORANGE, ("company", "owner", "long_before", "after_award")),
    Pattern("split_contracts", 5, RED_OR_ORANGE, ("one_approver", "two_approvers", "two_units")),
    Pattern("gift_before_decision", 5, RED_OR_ORANGE, ("licence", "permit", "subsidy", "approval")),
    Pattern("two_hop_tie", 5, AT_LEAST_YELLOW, ("associate", "classmate"), family="tie"),
    Pattern("private_contact_before_award", 3, RED_OR_ORANGE),
    Pattern("business_on_public_trip", 4, RED_OR_ORANGE, ("contract", "decision"), family="foreign_conflict"),
    Pattern("benefit_before_trip_approval", 4, RED_OR_ORANGE, ("trip_approval", "business_card"),
            family="foreign_conflict"),
    Pattern("gift_during_trip", 4, AT_LEAST_YELLOW, ("owner", "company", "on_trip", "supplier"),
            family="foreign_signal", approver=False,
            expect_by_variant={"on_trip": RED_OR_ORANGE, "supplier": RED_OR_ORANGE}),
    Pattern("travel_anomaly", 3, AT_LEAST_YELLOW, ("long_costly", "relative_on_trip", "outside_plan"),
            family="foreign_signal", approver=False),
    Pattern("unreported_foreign_contact", 3, AT_LEAST_YELLOW, ("person", "company"), family="foreign_signal",
            approver=False),
    Pattern("decoy_small_declared_gift", 10, NOT_ABOVE_YELLOW, family="decoy"),
    Pattern("decoy_government_trips", 5, NOT_ABOVE_YELLOW, family="decoy", approver=False),
    Pattern("decoy_homonym_spouse", 4, NOT_ABOVE_YELLOW, family="decoy"),
    Pattern("decoy_busy_approver", 3, NOT_ABOVE_YELLOW, family="decoy"),
    Pattern("decoy_single_award_below_limit", 4, NOT_ABOVE_YELLOW, family="decoy"),
    Pattern("decoy_trade_delegation", 3, NOT_ABOVE_YELLOW, family="decoy"),
    Pattern("decoy_declared_foreign_gift", 3, NOT_ABOVE_YELLOW, family="decoy", approver=False),
    Pattern("decoy_approved_trip", 3, NOT_ABOVE_YELLOW, family="decoy", approver=False),
    Pattern("decoy_reported_foreign_contact", 3, NOT_ABOVE_YELLOW, family="decoy", approver=False),
]
SPECS = {p.name: p for p in PATTERN_SPECS}
# (name, base count at scale 1, expected level of its default variant): the summary older code reads.
PATTERNS = [(p.name, p.base, p.expect) for p in PATTERN_SPECS]
# Instance 0 of these has its last record in the last ISO week of the period.
_FINAL_WEEK = {"gift_before_contract", "split_contracts", "sponsored_trip_contract",
               "decoy_small_declared_gift", "decoy_homonym_spouse"}

# Amount forms of the common currencies (a sign written before the amount).
CURRENCY_SIGNS = {"CNY": "¥", "GBP": "£", "USD": "$", "EUR": "€", "HKD": "HK$"}


@dataclass(frozen=True)
class Params:
    """What makes one sample world differ from another beyond its size and seed.

    currency          every amount is written in it (and says so in its currency column)
    amount_scale      every amount is multiplied by it (a GBP world: 0.1)
    direct_award_limit  the limit above which open tender is required; None: 1,000,000 × amount_scale
    density           background records per official, relative to the default world
    start, weeks      the period: ``weeks`` whole weeks from ``start`` (a Monday)
    noise             share of values written in a messy but valid form (dates, amounts); a little
                      less of names in traditional characters or with stray spaces
    variants          pattern name → the variants planted (cycled over the pattern's instances);
                      unnamed patterns plant all their variants
    counts            pattern name → count at scale 1 instead of the pattern's base
    home_country      the city's country (ISO 3166 code); foreign counterparts carry another
    id_prefixes       kind (units, officials, people, companies, contacts, gifts, trips, contracts,
                      decisions) → the prefix of its ids instead of the default's (U, O, P, C, K, G, T, HT, D)
    """

    currency: str = "CNY"
    amount_scale: float = 1.0
    direct_award_limit: float | None = None
    density: float = 1.0
    start: str = PERIOD_START
    weeks: int = 45
    noise: float = 0.05
    variants: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    home_country: str = "CN"
    id_prefixes: dict = field(default_factory=dict)

    def __post_init__(self):
        d = date.fromisoformat(self.start)
        if d.weekday() != 0:
            raise ValueError(f"start {self.start} is not a Monday")
        if self.weeks < 26:
            raise ValueError("a sample period needs at least 26 weeks to hold every pattern")
        if not (self.amount_scale > 0 and self.density > 0 and 0 <= self.noise <= 0.5):
            raise ValueError("amount_scale and density must be positive, noise within 0-0.5")
        kinds = {"units", "officials", "people", "companies", "contacts", "gifts", "trips", "contracts", "decisions"}
        if set(self.id_prefixes) - kinds or not all(self.id_prefixes.values()):
            raise ValueError(f"id_prefixes: kinds are {', '.join(sorted(kinds))}, each with a non-empty prefix")
        for name, vs in self.variants.items():
            if name not in SPECS:
                raise ValueError(f"unknown pattern '{name}'")
            bad = set(vs) - set(SPECS[name].variants)
            if bad or not vs:
                raise ValueError(f"pattern '{name}': unknown variants {sorted(bad)} (known: "
                                 f"{', '.join(SPECS[name].variants)})")

    @property
    def limit(self) -> float:
        return float(self.direct_award_limit if self.direct_award_limit is not None
                     else DIRECT_AWARD_THRESHOLD * self.amount_scale)

    @property
    def end(self) -> str:
        return (date.fromisoformat(self.start) + timedelta(days=7 * self.weeks - 1)).isoformat()

    def variants_of(self, name: str) -> tuple[str, ...]:
        return tuple(self.variants.get(name, SPECS[name].variants))

    @classmethod
    def from_dict(cls, d: dict) -> "Params":
        """Parameters from a dict (a TOML or JSON file, or ``to_dict()`` output: derived keys are ignored
        when they agree)."""
        d = dict(d)
        end, limit = d.pop("end", None), d.get("direct_award_limit")
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown sample parameter(s): {', '.join(sorted(unknown))}")
        d["variants"] = {k: tuple(v) for k, v in (d.get("variants") or {}).items()}
        defaults = cls()
        for name, value in d.items():  # each value of the type its default has (a number where one is meant)
            want = type(getattr(defaults, name))
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                d[name] = float(value)
            elif want in (str, int, float, bool) and not isinstance(d[name], want):
                raise ValueError(f"sample parameter {name} must be a {want.__name__}, not {value!r}")
        p = cls(**d)
        if end is not None and end != p.end or limit is not None and float(limit) != p.limit:
            raise ValueError("end / direct_award_limit do not agree with start, weeks and amount_scale")
        return p

    @classmethod
    def load(cls, path) -> "Params":
        """Parameters from a .toml or .json file."""
        import json
        import tomllib
        from pathlib import Path

        path = Path(path)
        text = path.read_text(encoding="utf-8")
        return cls.from_dict(tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text))

    def to_dict(self) -> dict:
        return {"currency": self.currency, "amount_scale": self.amount_scale, "direct_award_limit": self.limit,
                "density": self.density, "start": self.start, "weeks": self.weeks, "end": self.end,
                "noise": self.noise, "home_country": self.home_country,
                "variants": {p.name: list(self.variants_of(p.name)) for p in PATTERN_SPECS},
                "counts": dict(self.counts), "id_prefixes": dict(self.id_prefixes)}
