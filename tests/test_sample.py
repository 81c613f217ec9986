"""The sample world: deterministic, valid input, and the planted truth holds in the files themselves."""
from __future__ import annotations

import filecmp
import json
from collections import defaultdict
from datetime import date

import networkx as nx
import pandas as pd
import pytest

from graphrisk.ingest.values import parse_amount, parse_bool, parse_date, parse_pct
from graphrisk.sample import (DIRECT_AWARD_THRESHOLD, FILES, PATTERNS, PERIOD_END, PERIOD_START, generate)
from graphrisk.schema import (BUSINESS_RELATIONS, FAMILY_RELATIONS, KINDS, PRIVATE_CHANNELS, SOCIAL_RELATIONS,
                              relation_key)

SCALE = 0.2
LAST_WEEK_START = "2026-11-09"


def _load(d):
    frames = {k: pd.read_csv(d / f"{k}.csv", dtype=str, keep_default_na=False) for k in FILES}
    truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
    return frames, truth


class World:
    """The files read back, values parsed with graphrisk's own parsers, plus derived indexes."""

    def __init__(self, d):
        self.dir = d
        self.f, self.truth = _load(d)
        f = self.f
        self.unit_of = dict(zip(f["officials"].official_id, f["officials"].unit_id))
        self.pname = dict(zip(f["people"].person_id, f["people"].name))
        self.pidn = dict(zip(f["people"].person_id, f["people"].id_number))
        for kind, cols in (("contacts", ["date"]), ("gifts", ["date"]), ("trips", ["start_date", "end_date"]),
                           ("contracts", ["date"])):
            for c in cols:
                f[kind]["_" + c] = f[kind][c].map(lambda v: parse_date(v) if v else "")
        f["gifts"]["_value"] = f["gifts"].value.map(lambda v: parse_amount(v)[0])
        f["gifts"]["_declared"] = f["gifts"].declared.map(parse_bool)
        f["contracts"]["_amount"] = f["contracts"].amount.map(lambda v: parse_amount(v)[0])
        f["trips"]["_cost"] = f["trips"].cost.map(lambda v: parse_amount(v)[0] if v else 0.0)
        r = f["relations"]
        r["_key"] = [relation_key(a, b, c) for a, b, c in zip(r.from_id, r.relation, r.to_id)]
        self.planted = {x for p in self.truth["patterns"] for x in p["records"]}
        # pools: suppliers that got a contract from a unit
        self.pool = defaultdict(set)
        for u, c in zip(f["contracts"].unit_id, f["contracts"].supplier_id):
            self.pool[u].add(c)
        self.people_of = defaultdict(set)  # company -> people with a business role
        self.family_of = defaultdict(set)  # official -> relatives
        for a, b, rel in zip(r.from_id, r.to_id, r.relation):
            if rel in BUSINESS_RELATIONS:
                self.people_of[b].add(a)
            if rel in FAMILY_RELATIONS and b.startswith("O"):
                self.family_of[b].add(a)
        self.official_of_relative = defaultdict(set)
        for o, rs in self.family_of.items():
            for p in rs:
                self.official_of_relative[p].add(o)

    def forbidden(self, unit):
        """A unit's supplier pool and the people of those suppliers."""
        out = set(self.pool[unit])
        for c in self.pool[unit]:
            out |= self.people_of[c]
        return out

    def rows(self, kind, ids):
        df = self.f[kind]
        col = KINDS[kind].id_column
        return df[df[col].isin(ids)]

    def private_graph(self):
        f = self.f
        g = nx.Graph()
        for a, b in zip(f["relations"].from_id, f["relations"].to_id):
            g.add_edge(a, b)
        for a, b in zip(f["gifts"].giver_id, f["gifts"].recipient_id):
            g.add_edge(a, b)
        c = f["contacts"]
        c = c[c.channel.isin(PRIVATE_CHANNELS)]
        for a, b in zip(c.official_id, c.counterpart_id):
            g.add_edge(a, b)
        for o, s, parts in zip(f["trips"].official_id, f["trips"].sponsor_id, f["trips"].participants):
            if s and not s.startswith("U"):
                g.add_edge(o, s)
            for p in filter(None, parts.split(";")):
                g.add_edge(o, p)
        return g


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    summary = generate(d, scale=SCALE, seed=7)
    w = World(d)
    w.summary = summary
    return w


def test_deterministic_and_seed_sensitive(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, scale=0.1, seed=3)
    generate(b, scale=0.1, seed=3)
    generate(c, scale=0.1, seed=4)
    names = [f"{k}.csv" for k in FILES] + ["truth.json"]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert match == names and not mismatch and not errors
    _, mismatch, _ = filecmp.cmpfiles(a, c, names, shallow=False)
    assert len(mismatch) >= 8


def test_summary_and_counts(world):
    s = world.summary
    assert s["total_rows"] == sum(s["rows"].values())
    for k in FILES:
        assert s["rows"][k] == len(world.f[k])
    t = world.truth
    assert t["generator"] == "graphrisk.sample" and t["seed"] == 7 and t["scale"] == SCALE
    assert t["period"] == {"start": PERIOD_START, "end": PERIOD_END}
    assert t["direct_award_threshold"] == DIRECT_AWARD_THRESHOLD
    raw = (world.dir / "truth.json").read_text(encoding="utf-8")
    assert raw.strip() == json.dumps(t, sort_keys=True, indent=2, ensure_ascii=False)
    for name, base, expect in PATTERNS:
        got = [p for p in t["patterns"] if p["pattern"] == name]
        assert len(got) == max(2, round(base * SCALE)), name
        assert all(p["expect"] == expect for p in got)
    officials = [p["official_id"] for p in t["patterns"]]
    assert len(officials) == len(set(officials)), "one pattern per official"


def test_scale_tenth_plants_every_pattern_twice(tmp_path):
    generate(tmp_path, scale=0.1, seed=42)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    for name, _, _ in PATTERNS:
        assert sum(p["pattern"] == name for p in truth["patterns"]) >= 2


def test_columns_are_the_models_in_its_order(world):
    for k in FILES:
        cols = [c for c in world.f[k].columns if not c.startswith("_")]
        assert cols == [c for c in KINDS[k].column_names if c in cols], k
        assert set(KINDS[k].required) <= set(cols), k
        for c in KINDS[k].required:
            assert (world.f[k][c].str.strip() != "").all(), (k, c)


def test_ids_unique_and_references_exist(world):
    f = world.f
    ids = {}
    for k in ("units", "officials", "people", "companies"):
        col = KINDS[k].id_column
        assert f[k][col].is_unique, k
        ids[k] = set(f[k][col])
    for k in ("contacts", "gifts", "trips", "contracts"):
        assert f[k][KINDS[k].id_column].is_unique, k
    assert f["relations"]["_key"].is_unique
    everything = set().union(*ids.values())
    assert set(f["units"].parent_id) - {""} <= ids["units"]
    assert set(f["officials"].unit_id) <= ids["units"]
    assert set(f["relations"].from_id) <= everything and set(f["relations"].to_id) <= everything
    assert set(f["contacts"].official_id) <= ids["officials"]
    assert set(f["contacts"].counterpart_id) <= ids["officials"] | ids["people"] | ids["companies"]
    assert set(f["gifts"].giver_id) <= ids["people"] | ids["companies"] | ids["officials"]
    assert set(f["gifts"].recipient_id) <= ids["officials"] | ids["people"]
    assert set(f["trips"].official_id) <= ids["officials"]
    assert set(f["trips"].sponsor_id) - {""} <= ids["people"] | ids["companies"] | ids["units"]
    parts = {p for s in f["trips"].participants for p in s.split(";") if p}
    assert parts <= ids["officials"] | ids["people"]
    assert set(f["contracts"].unit_id) <= ids["units"]
    assert set(f["contracts"].supplier_id) <= ids["companies"] | ids["people"]
    assert set(f["contracts"].approver_id) - {""} <= ids["officials"]
    # approvers are heads or deputies of the awarding unit
    pos = dict(zip(f["officials"].official_id, f["officials"].position))
    c = f["contracts"]
    assert all(pos[a] in ("局长", "副局长") for a in c.approver_id)
    assert all(world.unit_of[a] == u for a, u in zip(c.approver_id, c.unit_id))


def test_values_parse_and_are_sane(world):
    f = world.f
    lo, hi = PERIOD_START, PERIOD_END
    for k, c in (("contacts", "_date"), ("gifts", "_date"), ("trips", "_start_date"), ("contracts", "_date")):
        assert f[k][c].between(lo, hi).all(), k
    assert (f["trips"]["_end_date"] >= f["trips"]["_start_date"]).all()
    assert (f["gifts"]["_value"] > 0).all() and (f["contracts"]["_amount"] > 0).all()
    r = f["relations"]
    for col in ("start_date", "end_date"):
        r[r[col] != ""][col].map(parse_date)
    sh = r[r.relation == "shareholder"]
    pct = sh.share_pct.map(parse_pct)
    assert (pct > 0).all()
    assert (pct.groupby(sh.to_id).sum() <= 100.0 + 1e-6).all()
    counts = sh.groupby("to_id").size()
    comps = set(f["companies"].company_id)
    assert set(counts.index) == comps and counts.between(1, 4).all()
    assert set(r[r.relation == "legal_representative"].to_id) == comps
    vocab = set(FAMILY_RELATIONS) | set(BUSINESS_RELATIONS) | set(SOCIAL_RELATIONS)
    assert set(r.relation) <= vocab
    assert set(f["contracts"].method) <= {"open_tender", "invited_tender", "competitive_negotiation",
                                           "single_source", "direct"}
    # id numbers: 18 chars, unique among officials and people
    idn = pd.concat([f["officials"].id_number, f["people"].id_number])
    idn = idn[idn != ""]
    assert idn.str.len().eq(18).all() and idn.is_unique
    assert (f["officials"].id_number != "").all()
    assert f["companies"].registration_no.str.len().eq(18).all()


def test_messy_values_present(world):
    f = world.f
    d = pd.concat([f["contacts"].date, f["gifts"].date, f["contracts"].date])
    iso = d.str.match(r"^\d{4}-\d{2}-\d{2}$")
    assert 0.02 < 1 - iso.mean() < 0.10
    amounts = pd.concat([f["gifts"].value, f["contracts"].amount])
    assert amounts.str.contains("万").any() and amounts.str.contains("[¥￥,]").any()
    assert f["gifts"].declared.nunique() > 4
    names = pd.concat([f["people"].name, f["companies"].name])
    assert names.str.contains("\u3000").any() or (names != names.str.strip()).any()
    assert (names.str.len() > 0).all()


def test_hostile_names(world):
    h = world.truth["hostile_names"]
    assert world.pname[h["person_id"]] == "<img src=x onerror=alert(1)>"
    cname = dict(zip(world.f["companies"].company_id, world.f["companies"].name))
    assert cname[h["company_id"]] == '<script>alert("x")</script>贸易有限公司'
    c = world.f["contacts"]
    assert (c.counterpart_id == h["person_id"]).sum() >= 2
    assert (c.counterpart_id == h["company_id"]).sum() >= 2


def test_record_ids_sorted_by_date(world):
    for k, col in (("contacts", "_date"), ("gifts", "_date"), ("trips", "_start_date"), ("contracts", "_date")):
        df = world.f[k].sort_values(KINDS[k].id_column)
        assert df[col].is_monotonic_increasing, k


def test_planted_records_exist_and_have_their_shape(world):
    f = world.f
    rel_keys = set(f["relations"]["_key"])
    thr = DIRECT_AWARD_THRESHOLD

    def days(a, b):
        return (date.fromisoformat(b) - date.fromisoformat(a)).days

    for p in world.truth["patterns"]:
        o, u, recs = p["official_id"], p["unit_id"], p["records"]
        assert world.unit_of[o] == u
        keys = [r for r in recs if "|" in r]
        assert set(keys) <= rel_keys, p
        gifts = world.rows("gifts", recs)
        trips = world.rows("trips", recs)
        con = world.rows("contracts", recs)
        n_found = len(keys) + len(gifts) + len(trips) + len(con)
        assert n_found == len(recs), p
        dates = list(gifts._date) + list(trips._start_date) + list(con._date)
        assert p["last_date"] == max(dates)
        c = p.get("company_id")
        if len(con) and p["pattern"] != "decoy_busy_approver":
            assert (con.supplier_id == c).all() and (con.unit_id == u).all()
        name = p["pattern"]
        people_c = world.people_of.get(c, set())
        if name == "gift_before_contract":
            assert len(gifts) == 1 and len(con) == 1
            g, k = gifts.iloc[0], con.iloc[0]
            giver = g.giver_id
            spouses = {a for a, b, r in zip(f["relations"].from_id, f["relations"].to_id, f["relations"].relation)
                       if r == "spouse" and b in people_c}
            assert giver == c or giver in people_c or giver in spouses
            assert g.recipient_id == o and 10_000 <= g._value <= 100_000
            assert 10 <= days(g._date, k._date) <= 90
            assert k.approver_id == o and 500_000 <= k._amount <= 5_000_000
        elif name == "relative_owned_supplier":
            r = p["relative_id"]
            assert r in world.family_of[o]
            rr = f["relations"][(f["relations"].from_id == r) & (f["relations"].to_id == c)]
            ok = [(rel == "legal_representative") or (rel == "shareholder" and 20 <= parse_pct(s) <= 60)
                  for rel, s in zip(rr.relation, rr.share_pct)]
            assert any(ok)
            assert 1 <= len(con) <= 3 and 2 * (con.approver_id == o).sum() >= len(con)
        elif name == "sponsored_trip_contract":
            assert len(trips) == 1 and len(con) == 1
            t, k = trips.iloc[0], con.iloc[0]
            assert t.official_id == o and (t.sponsor_id == c or t.sponsor_id in people_c)
            assert 20_000 <= t._cost <= 80_000
            assert 20 <= days(t._start_date, k._date) <= 120 and k.approver_id == o
        elif name == "split_contracts":
            assert 3 <= len(con) <= 5 and (con.method == "direct").all() and (con.approver_id == o).all()
            assert con._amount.between(0.85 * thr, 0.995 * thr).all() and con._amount.sum() > thr
            assert days(con._date.min(), con._date.max()) <= 60
        elif name == "two_hop_tie":
            r = p["relative_id"]
            assert r in world.family_of[o]
            soc = [k for k in keys if k.startswith(r + "|") and k.split("|")[1] in ("associate", "classmate")]
            assert soc and soc[0].split("|")[2] in people_c
            assert len(con) == 1 and con.iloc[0].approver_id == o
        elif name == "decoy_small_declared_gift":
            assert len(gifts) == 1 and len(con) == 1
            g, k = gifts.iloc[0], con.iloc[0]
            lr = set(f["relations"][(f["relations"].to_id == c)
                                    & (f["relations"].relation == "legal_representative")].from_id)
            assert g.giver_id in lr and g.recipient_id == o
            assert 200 <= g._value <= 800 and g._declared == 1
            assert g._date < k._date and k.approver_id == o
        elif name == "decoy_government_trips":
            assert 8 <= len(trips) <= 15 and (trips.sponsor_id == u).all() and (trips.official_id == o).all()
        elif name == "decoy_homonym_spouse":
            s, s2 = p["spouse_id"], p["homonym_id"]
            assert p["no_path"] is True and s != s2
            assert world.pname[s] == world.pname[s2] and world.pname[s].strip() == world.pname[s]
            assert world.pidn[s] and world.pidn[s2] and world.pidn[s] != world.pidn[s2]
            assert relation_key(s, "spouse", o) in rel_keys
            assert relation_key(s2, "legal_representative", c) in rel_keys
            assert relation_key(s2, "shareholder", c) in rel_keys
            assert len(con) >= 1 and (con.approver_id == o).all()
        elif name == "decoy_busy_approver":
            assert 30 <= len(con) <= 60 and (con.approver_id == o).all() and (con.unit_id == u).all()
            assert (con.method == "open_tender").all() and con.supplier_id.nunique() >= 10


def test_last_week(world):
    """Gift, split and trip patterns end in the last ISO week; nothing else planted falls in it but a decoy award."""
    f = world.f
    dated = {}
    for k, col in (("gifts", "_date"), ("trips", "_start_date"), ("contracts", "_date")):
        dated.update(zip(f[k][KINDS[k].id_column], f[k][col]))
    in_week = {}
    for p in world.truth["patterns"]:
        ds = sorted(dated[r] for r in p["records"] if r in dated)
        in_week.setdefault(p["pattern"], []).append(ds[-1] >= LAST_WEEK_START)
        assert all(d < LAST_WEEK_START for d in ds[:-1]), p  # only the final record may be in the week
        if p["pattern"] == "decoy_government_trips":
            ends = f["trips"][f["trips"].trip_id.isin(p["records"])]._end_date
            assert (ends < LAST_WEEK_START).all()
    for name in ("gift_before_contract", "split_contracts", "sponsored_trip_contract"):
        assert any(in_week[name]), name
    assert any(any(v) for k, v in in_week.items() if k.startswith("decoy_"))
    assert not any(in_week["relative_owned_supplier"]) and not any(in_week["two_hop_tie"])
    for k, v in in_week.items():
        assert sum(v) <= 1, k


def test_background_has_no_conflict_ties(world):
    """No unplanted gift, private contact, sponsored trip, family, business or social tie between an official
    (or a relative) and a supplier of the official's unit or that supplier's people."""
    f = world.f
    planted = world.planted
    bad = []
    g = f["gifts"][~f["gifts"].gift_id.isin(planted)]
    for giver, rec, gid in zip(g.giver_id, g.recipient_id, g.gift_id):
        for o in ([rec] if rec.startswith("O") else world.official_of_relative.get(rec, ())):
            if giver in world.forbidden(world.unit_of[o]):
                bad.append(gid)
    c = f["contacts"][f["contacts"].channel.isin(PRIVATE_CHANNELS) & ~f["contacts"].contact_id.isin(planted)]
    for o, cp, cid in zip(c.official_id, c.counterpart_id, c.contact_id):
        if cp in world.forbidden(world.unit_of[o]):
            bad.append(cid)
    t = f["trips"][~f["trips"].trip_id.isin(planted)]
    for o, s, tid in zip(t.official_id, t.sponsor_id, t.trip_id):
        if s.startswith("U"):
            if s != world.unit_of[o]:
                bad.append(tid)
        elif s in world.forbidden(world.unit_of[o]):
            bad.append(tid)
    r = f["relations"][~f["relations"]["_key"].isin(planted)]
    for a, b, key in zip(r.from_id, r.to_id, r["_key"]):
        for x, y in ((a, b), (b, a)):
            owners = [x] if x.startswith("O") else list(world.official_of_relative.get(x, ()))
            for o in owners:
                if y in world.forbidden(world.unit_of[o]):
                    bad.append(key)
    assert not bad, bad[:10]


def test_background_private_graph_never_reaches_own_pool(world):
    """Stronger: within 4 hops of private ties, no unplanted official reaches a supplier of their own unit."""
    g = world.private_graph()
    planted_officials = {p["official_id"] for p in world.truth["patterns"]}
    bad = []
    for o in world.f["officials"].official_id:
        if o in planted_officials or o not in g:
            continue
        near = nx.single_source_shortest_path_length(g, o, cutoff=4)
        hit = world.pool[world.unit_of[o]] & near.keys()
        if hit:
            bad.append((o, sorted(hit)))
    assert not bad, bad[:5]


def test_planted_paths(world):
    """Positive patterns have a private path official -> company; the homonym decoy has none at all."""
    g = world.private_graph()
    for p in world.truth["patterns"]:
        o, c = p["official_id"], p.get("company_id")
        if p["pattern"] in ("gift_before_contract", "sponsored_trip_contract", "relative_owned_supplier",
                            "two_hop_tie", "decoy_small_declared_gift"):
            assert nx.has_path(g, o, c) and nx.shortest_path_length(g, o, c) <= 3, p
        if p["pattern"] == "decoy_homonym_spouse":
            assert not (o in g and c in g and nx.has_path(g, o, c)), p
            assert not nx.has_path(g, p["spouse_id"], p["homonym_id"]), p
        if p["pattern"] == "split_contracts":
            assert not (o in g and c in g and nx.has_path(g, o, c)), p
