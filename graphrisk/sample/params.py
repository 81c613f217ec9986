"""Parameters of the sample world: period, limits, planted patterns and their expected levels."""
from __future__ import annotations

from datetime import date

PERIOD_START = "2026-01-05"  # Monday of ISO 2026-W02
PERIOD_END = "2026-11-15"  # Sunday of ISO 2026-W46 (the latest complete week as of 2026-11-23)
DIRECT_AWARD_THRESHOLD = 1_000_000  # CNY, above which open tender is required
MIN_SCALE = 0.05  # smallest city that holds every planted pattern

FILES = ["units", "officials", "people", "companies", "relations", "contacts", "gifts", "trips", "contracts"]

_START = date.fromisoformat(PERIOD_START)
_NDAYS = (date.fromisoformat(PERIOD_END) - _START).days + 1  # 315
_LAST_WEEK = _NDAYS - 7  # offset of 2026-11-09
_TABLE_BASE = date(1940, 1, 1)
_TABLE_END = date(2027, 12, 31)
_S0 = (_START - _TABLE_BASE).days

CITY = "澜州市"
CITY_SHORT = "澜州"
MESSY_RATE = 0.05
TRAD_RATE = 0.03
SPACE_RATE = 0.01

BASE_COUNTS = {"officials": 2000, "companies": 3000, "contacts": 25000, "gifts": 6000, "trips": 4000,
               "contracts": 9000}
PATTERNS = [  # (name, base count at scale 1, expect)
    ("gift_before_contract", 8, "red_or_orange"),
    ("relative_owned_supplier", 6, "red_or_orange"),
    ("sponsored_trip_contract", 6, "red_or_orange"),
    ("split_contracts", 5, "red_or_orange"),
    ("two_hop_tie", 5, "at_least_yellow"),
    ("decoy_small_declared_gift", 10, "not_above_yellow"),
    ("decoy_government_trips", 5, "not_above_yellow"),
    ("decoy_homonym_spouse", 4, "not_above_yellow"),
    ("decoy_busy_approver", 3, "not_above_yellow"),
]
# Instance 0 of these has its last record in the last ISO week of the period.
_FINAL_WEEK = {"gift_before_contract", "split_contracts", "sponsored_trip_contract",
               "decoy_small_declared_gift", "decoy_homonym_spouse"}
