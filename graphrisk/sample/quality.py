"""Detection quality of flags against a sample world's truth file: per pattern and variant, per family,
precision of the red/orange list and the level distribution.

The truth is read only here (by the benchmark and the tests), never by the rules.

Families and their targets (issue 13 and 16):

- ``strong``: conflict patterns (a benefit or family stake tied to the official's own award or
  decision) red or orange in at least 95 % of cases;
- ``tie``: two-hop ties at least yellow in 90 %;
- ``foreign_conflict``: foreign-affairs conflict forms (company people on a public trip before an award,
  a gift before a trip or business-card approval, a gift during a trip from a linked giver) red or
  orange in 95 %;
- ``foreign_signal``: gifts during trips, travel anomalies, unreported foreign contacts at least yellow
  in 90 %;
- ``decoy``: red or orange in at most 2 %;
- precision of red/orange (every official of the world counted) at least 0.8.
"""
from __future__ import annotations

from collections import Counter

LEVELS = ("red", "orange", "yellow", "green")
RED_ORANGE = {"red", "orange"}
AT_LEAST_YELLOW = {"red", "orange", "yellow"}

# family -> (which levels count as a hit, comparison, target)
TARGETS = {
    "strong": (RED_ORANGE, ">=", 0.95),
    "tie": (AT_LEAST_YELLOW, ">=", 0.90),
    "foreign_conflict": (RED_ORANGE, ">=", 0.95),
    "foreign_signal": (AT_LEAST_YELLOW, ">=", 0.90),
    "decoy": (RED_ORANGE, "<=", 0.02),
}
PRECISION_TARGET = 0.8
_EXPECT = {"red_or_orange": RED_ORANGE, "at_least_yellow": AT_LEAST_YELLOW,
           "not_above_yellow": {"green", "yellow"}}


def family_of(entry: dict) -> str:
    """The benchmark family of a truth entry: a foreign-affairs signal whose variant is expected red or
    orange (a linked giver) is a foreign-affairs conflict form."""
    fam = entry.get("family") or ("decoy" if entry["pattern"].startswith("decoy_") else "strong")
    if fam == "foreign_signal" and entry["expect"] == "red_or_orange":
        return "foreign_conflict"
    return fam


def score(truth: dict, levels: dict[str, str], n_officials: int | None = None) -> dict:
    """Compare officials' levels ({official_id: level}, unlisted = green) with the truth file.

    Returns {"patterns": {(pattern, variant): {...}}, "families": {family: {...}}, "precision": ...,
    "recall": ..., "flagged": n, "levels": {level: n}}.
    """
    rows: dict[tuple, dict] = {}
    fams: dict[str, dict] = {}
    for e in truth["patterns"]:
        lvl = levels.get(e["official_id"], "green")
        key = (e["pattern"], e.get("variant", "default"))
        r = rows.setdefault(key, {"n": 0, "ok": 0, "levels": Counter(), "family": family_of(e),
                                  "expect": e["expect"], "missed": []})
        r["n"] += 1
        r["levels"][lvl] += 1
        if lvl in _EXPECT[e["expect"]]:
            r["ok"] += 1
        else:
            r["missed"].append(e["official_id"])
        fam = family_of(e)
        hit_levels = TARGETS[fam][0]
        f = fams.setdefault(fam, {"n": 0, "hits": 0})
        f["n"] += 1
        f["hits"] += lvl in hit_levels
    for fam, f in fams.items():
        _, op, target = TARGETS[fam]
        f["share"] = f["hits"] / f["n"] if f["n"] else 0.0
        f["target"], f["op"] = target, op
        f["met"] = f["share"] >= target if op == ">=" else f["share"] <= target
    positives = {e["official_id"] for e in truth["patterns"] if e["expect"] == "red_or_orange"}
    acceptable = {e["official_id"] for e in truth["patterns"] if family_of(e) != "decoy"}
    acceptable |= {o for e in truth["patterns"] for o in e.get("co_officials", ())}
    flagged = {o for o, lvl in levels.items() if lvl in RED_ORANGE}
    tp = len(flagged & acceptable)
    dist = Counter(levels.values())
    if n_officials is not None:
        dist["green"] = n_officials - sum(n for lvl, n in dist.items() if lvl != "green")
    return {"patterns": rows, "families": fams,
            "precision": tp / len(flagged) if flagged else 1.0,
            "recall": len(flagged & positives) / len(positives) if positives else 1.0,
            "flagged": len(flagged), "false_positives": sorted(flagged - acceptable),
            "levels": {lvl: dist.get(lvl, 0) for lvl in LEVELS}}
