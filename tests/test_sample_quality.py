"""Detection quality on a small grid of sample worlds, measured against their truth files (which the
code never reads).

Three tiny worlds that differ in currency, amount scale, direct-award limit, density, period, noise and
pattern variants, so nothing can be tuned to one sample's constants or ids. The targets are the
benchmark's (bench/bench_quality.py, graphrisk.sample.quality), loosened only as far as a world this
small needs: with one instance per variant, one miss among 20 strong cases is 0.95.

Where detection does not yet reach a target (a rule still to come), the case is marked xfail with
strict=True and the reason: it fails the day the target is met, so the mark is removed then.
"""
from __future__ import annotations

import json

import pytest

from graphrisk import store
from graphrisk.ingest import ingest_paths
from graphrisk.rules.engine import evaluate
from graphrisk.sample import Params, generate
from graphrisk.sample.quality import PRECISION_TARGET, RED_ORANGE, score

SCALE = 0.1
_HARD = {"gift_before_contract": ("to_spouse", "to_child", "long_before", "after_award", "owner_spouse"),
         "split_contracts": ("two_approvers", "two_units")}
WORLDS = {
    "cny": (5101, Params()),
    "gbp-tenth": (5102, Params(currency="GBP", amount_scale=0.1, direct_award_limit=124_000, density=0.7,
                               start="2025-03-03", weeks=34, noise=0.12)),
    "usd-hard": (5103, Params(currency="USD", amount_scale=0.15, direct_award_limit=210_000, density=1.3,
                              start="2025-01-06", weeks=56, variants=_HARD,
                              id_prefixes={"officials": "EMP-", "people": "IND-", "companies": "ORG-",
                                           "contracts": "PRC-", "decisions": "DEC-"})),
}
# family -> (levels that count, least share; for decoys the most share red/orange)
LOOSE = {"strong": 0.9, "tie": 0.9, "foreign_conflict": 0.9, "foreign_signal": 0.85}
PENDING = {  # (world or "*", family): why the target is not met yet
}


def _case(world, family):
    reason = PENDING.get((world, family)) or PENDING.get(("*", family))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(world, family, marks=marks, id=f"{world}-{family}")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            seed, params = WORLDS[name]
            folder = tmp_path_factory.mktemp(name)
            generate(folder / "files", scale=SCALE, seed=seed, params=params)
            db = store.connect(folder / "store.db")
            ingest_paths(db, [folder / "files"])
            truth = json.loads((folder / "files" / "truth.json").read_text(encoding="utf-8"))
            ev = evaluate(db)
            cache[name] = {"truth": truth, "ev": ev,
                           "score": score(truth, {f.official_id: f.level for f in ev.flags},
                                          db["officials"].count)}
        return cache[name]

    return get


@pytest.mark.parametrize("world, family", [_case(w, f) for w in WORLDS for f in LOOSE])
def test_planted_patterns_reach_their_level(results, world, family):
    s = results(world)["score"]
    fam = s["families"][family]
    missed = {k: r["missed"] for k, r in s["patterns"].items() if r["family"] == family and r["missed"]}
    assert fam["share"] >= LOOSE[family], (fam, missed)


@pytest.mark.parametrize("world", list(WORLDS))
def test_decoys_never_red_or_orange_and_the_list_is_precise(results, world):
    s = results(world)["score"]
    decoys = s["families"]["decoy"]
    assert decoys["n"] >= 18 and decoys["hits"] == 0, decoys
    assert s["precision"] >= PRECISION_TARGET, s["false_positives"]


@pytest.mark.parametrize("world", list(WORLDS))
def test_no_level_is_empty_and_most_officials_are_green(results, world):
    lv = results(world)["score"]["levels"]
    assert all(lv[x] > 0 for x in ("red", "orange", "yellow")), lv
    assert lv["green"] > 0.5 * sum(lv.values()), lv


def test_every_reason_cites_records_that_exist(results):
    ev = results("cny")["ev"]
    record_ids = {d["record_id"] for _, _, d in ev.G.edges(data=True)}
    for f in ev.flags:
        for r in f.reasons:
            if r.rule == "brokerage_outlier":
                continue  # a measure over the graph, not a record
            assert r.evidence and set(r.evidence) <= record_ids, (f.official_id, r.rule, r.evidence)


def test_a_planted_official_red_or_orange_is_backed_by_its_planted_records(results):
    """A strong pattern's official is flagged for the planted records, not for something else."""
    res = results("cny")
    flags = {f.official_id: f for f in res["ev"].flags}
    for p in res["truth"]["patterns"]:
        f = flags.get(p["official_id"])
        if p["family"] != "strong" or f is None or f.level not in RED_ORANGE:
            continue
        cited = {e for r in f.reasons for e in r.evidence}
        assert cited & set(p["records"]), (p["pattern"], p["variant"], p["official_id"])


_PATH_PENDING = ("issue 13 item 1: a gift after the award, in amounts of another currency, falls under the path "
                 "strength floor")


@pytest.mark.parametrize("world", [w if w == "cny" else pytest.param(
    w, marks=pytest.mark.xfail(strict=True, reason=_PATH_PENDING)) for w in WORLDS])
def test_planted_patterns_appear_among_their_officials_paths(results, world):
    from graphrisk.analysis.paths import find_paths

    res = results(world)
    by_official: dict[str, set] = {}
    for p in find_paths(res["ev"].G):
        by_official.setdefault(p.official_id, set()).add(p.company_id)
    missing = [(p["pattern"], p["variant"]) for p in res["truth"]["patterns"]
               if p["pattern"] in ("gift_before_contract", "relative_owned_supplier", "sponsored_trip_contract")
               and p["company_id"] not in by_official.get(p["official_id"], set())]
    assert not missing
    for p in res["truth"]["patterns"]:
        if p.get("no_path"):
            assert p["company_id"] not in by_official.get(p["official_id"], set()), p
