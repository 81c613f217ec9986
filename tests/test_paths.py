from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk.analysis.paths import find_paths, load_paths, store_paths
from graphrisk.cli import cli
from graphrisk.graph import build_graph


def world() -> nx.MultiDiGraph:
    """Unit U1 awards contract T1 (2.4M) to C1 on 2026-04-10, approved by O1; O2 is a colleague."""
    G = nx.MultiDiGraph()
    G.add_node("U1", kind="unit", name="Finance Bureau")
    G.add_node("U2", kind="unit", name="Transport Bureau")
    for o, u, name in (("O1", "U1", "Li Ming"), ("O2", "U1", "Zhou Hua"), ("O3", "U2", "Zhao Jun")):
        G.add_node(o, kind="official", name=name, unit_id=u)
        G.add_edge(o, u, key=f"member_of:{o}", kind="member_of", record_id=o)
    G.add_node("C1", kind="company", name="Huading Technology")
    G.add_node("P1", kind="person", name="Wang Qiang")
    G.add_edge("P1", "C1", key="legal_representative:r1", kind="legal_representative", record_id="r1",
               relation="legal_representative")
    contract(G, "T1", "U1", "C1", "2026-04-10", 2_400_000, approver="O1")
    return G


def contract(G, cid, unit, supplier, date, amount, approver=None, method="single_source"):
    attrs = dict(record_id=cid, date=date, amount=float(amount), currency="CNY", method=method, unit_id=unit,
                 approver_id=approver)
    G.add_edge(unit, supplier, key=f"contract:{cid}", kind="contract", **attrs)
    if approver:
        G.add_edge(approver, supplier, key=f"approved:{cid}", kind="approved", **attrs)


def add(G, kind, u, v, rid, **attrs):
    G.add_edge(u, v, key=f"{kind}:{rid}", kind=kind, record_id=rid, **attrs)


def only(paths, official=None):
    paths = [p for p in paths if official is None or p.official_id == official]
    assert len(paths) == 1, [p.explanation for p in paths]
    return paths[0]


def test_gift_before_contract_explained():
    G = world()
    add(G, "gift", "P1", "O1", "G1", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    p = only(find_paths(G, official="O1"))
    assert p.nodes == ["O1", "P1", "C1"] and p.company_id == "C1" and p.gap_days == 39
    assert [e.kind for e in p.edges] == ["gift", "legal_representative", "approved"]
    assert p.approved_personally
    assert p.explanation == (
        "Li Ming (Finance Bureau) received a gift of 20,000 CNY from Wang Qiang on 2026-03-02 "
        "(gift G1, undeclared); Wang Qiang is legal representative of Huading Technology; "
        "Huading Technology won contract T1 (2,400,000 CNY) from Finance Bureau approved by Li Ming "
        "on 2026-04-10, 39 days later")


def test_colleague_without_approval_scores_lower():
    G = world()
    add(G, "gift", "P1", "O1", "G1", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    add(G, "gift", "P1", "O2", "G2", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    paths = find_paths(G)
    p1, p2 = only(paths, "O1"), only(paths, "O2")
    assert not p2.approved_personally and p2.score < p1.score
    assert "awarded by Zhou Hua's unit" in p2.explanation


@pytest.mark.parametrize("kind,attrs,word", [
    ("gift", dict(date="2026-03-01", amount=30000.0, currency="CNY"), "received a gift"),
    ("trip_sponsor", dict(date="2026-03-01", amount=30000.0, currency="CNY", destination="Sanya",
                          government=False), "paid for the trip"),
    ("contact", dict(date="2026-03-01", channel="dinner", private=True), "had a dinner"),
])
def test_each_benefit_kind_from_the_company(kind, attrs, word):
    G = world()
    add(G, kind, "C1", "O1", "X1", **attrs) if kind != "contact" else add(G, kind, "O1", "C1", "X1", **attrs)
    p = only(find_paths(G, official="O1"))
    assert p.nodes == ["O1", "C1"] and p.edges[0].kind == kind and word in p.explanation
    assert p.gap_days == 40


@pytest.mark.parametrize("role", ["shareholder", "legal_representative", "director", "manager", "employee"])
def test_relative_with_a_role_in_the_supplier(role):
    G = world()
    G.add_node("P9", kind="person", name="Liu Fang")
    add(G, "family", "P9", "O1", "f1", relation="spouse")
    add(G, role, "P9", "C1", "b1", relation=role, share_pct=40.0 if role == "shareholder" else None)
    p = [p for p in find_paths(G, official="O1") if "P9" in p.nodes]
    assert len(p) == 1 and p[0].nodes == ["O1", "P9", "C1"] and p[0].gap_days is None
    assert "Liu Fang is the spouse of Li Ming" in p[0].explanation


def test_two_hop_associate_and_hop_decay():
    G = world()
    G.add_node("P9", kind="person", name="Liu Fang")
    add(G, "family", "P9", "O1", "f1", relation="sibling")
    add(G, "associate", "P9", "P1", "a1", relation="classmate")
    p = only(find_paths(G, official="O1"))
    assert p.nodes == ["O1", "P9", "P1", "C1"] and p.hops == 3
    G2 = world()
    G2.add_node("P9", kind="person", name="Liu Fang")
    add(G2, "family", "P9", "O1", "f1", relation="sibling")
    add(G2, "legal_representative", "P9", "C1", "b1", relation="legal_representative")
    assert only(find_paths(G2, official="O1")).score > p.score


def test_max_hops_limits_the_chain():
    G = world()
    G.add_node("P9", kind="person", name="Liu Fang")
    add(G, "family", "P9", "O1", "f1", relation="sibling")
    add(G, "associate", "P9", "P1", "a1", relation="associate")
    assert find_paths(G, official="O1", max_hops=2) == []
    assert len(find_paths(G, official="O1", max_hops=3)) == 1


def test_time_order_benefit_before_award_counts_most():
    cfg = settings_mod.load()
    scores = {}
    for label, d in (("before", "2026-03-02"), ("long_before", "2024-01-01"), ("after", "2026-05-20")):
        G = world()
        add(G, "gift", "P1", "O1", "G1", date=d, amount=20000.0, currency="CNY", declared=0)
        p = only(find_paths(G, official="O1", settings=cfg))
        scores[label] = (p.score, p.gap_days)
    assert scores["before"][1] == 39 and scores["after"][1] == -40
    assert scores["before"][0] > scores["after"][0] > scores["long_before"][0]
    G = world()
    add(G, "gift", "P1", "O1", "G1", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    narrow = only(find_paths(G, official="O1", window_days=30))
    assert narrow.score < scores["before"][0]


def test_declared_small_gift_is_below_the_floor():
    G = world()
    add(G, "gift", "P1", "O1", "G1", date="2026-03-02", amount=300.0, currency="CNY", declared=1)
    assert find_paths(G, official="O1") == []


def test_office_meetings_count_only_when_repeated():
    G = world()
    for i in range(4):
        add(G, "contact", "O1", "P1", f"K{i}", date=f"2026-03-0{i + 1}", channel="meeting", private=False)
    assert find_paths(G, official="O1") == []
    add(G, "contact", "O1", "P1", "K9", date="2026-03-09", channel="meeting", private=False)
    p = only(find_paths(G, official="O1"))
    assert p.edges[0].kind == "contact" and len(p.edges[0].detail["also"]) == 4


def test_government_paid_trip_is_not_a_benefit():
    G = world()
    add(G, "trip_sponsor", "U1", "O1", "T9", date="2026-03-01", amount=5000.0, government=True, destination="x")
    assert find_paths(G, official="O1") == []


def test_paths_never_pass_through_other_officials_or_units():
    G = world()
    add(G, "associate", "O3", "O1", "a1", relation="former_colleague")
    add(G, "gift", "P1", "O3", "G1", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    assert find_paths(G, official="O1") == []


def test_homonyms_do_not_connect():
    """Two people named Liu Fang: the spouse of O1 and the owner of C1. Paths go through ids only."""
    G = world()
    G.add_node("P8", kind="person", name="Liu Fang", name_norm="liu fang")
    G.add_node("P9", kind="person", name="Liu Fang", name_norm="liu fang")
    add(G, "family", "P8", "O1", "f1", relation="spouse")
    add(G, "shareholder", "P9", "C1", "s1", relation="shareholder", share_pct=100.0)
    assert find_paths(G, official="O1") == []


def test_company_mode_finds_every_official_with_power():
    G = world()
    add(G, "gift", "P1", "O1", "G1", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    add(G, "gift", "P1", "O2", "G2", date="2026-03-02", amount=20000.0, currency="CNY", declared=0)
    assert sorted(p.official_id for p in find_paths(G, company="C1")) == ["O1", "O2"]


def test_json_shape_and_store_round_trip(loaded_db):
    G = build_graph(loaded_db)
    paths = find_paths(G)
    assert paths, "the small world has a gift and a company-paid trip before HT1"
    d = paths[0].to_dict()
    for key in ("official_id", "company_id", "score", "nodes", "edges", "gap_days", "explanation"):
        assert key in d
    for e in d["edges"]:
        assert {"kind", "record_id", "date", "amount"} <= set(e)
    assert d["edges"][-1]["record_id"] == "HT1"
    run = store_paths(loaded_db, paths, {"official": None}, settings_mod.load())
    assert load_paths(loaded_db, run) == [json.loads(json.dumps(p.to_dict())) for p in paths]
    params = json.loads(loaded_db["runs"].get(run)["params"])
    assert params == {"official": None}


def test_small_world_paths(loaded_db):
    """O1: gift G1 (via legal rep P1) and trip T1 paid by C1, both before HT1; O3's homonym case has none."""
    paths = find_paths(build_graph(loaded_db))
    by = {(p.official_id, tuple(e.record_id for e in p.edges[:-1])) for p in paths}
    assert ("O1", ("T1",)) in by
    assert any(o == "O1" and r[0] == "G1" for o, r in by)
    assert not any(p.official_id == "O3" for p in paths), "刘芳 P3 owns C2 but is not 李明's spouse P2"
    # the window cuts records after its end: before the gift, only the trip is in view
    early = find_paths(build_graph(loaded_db, until="2026-02-28"))
    assert early == []  # the award itself (2026-04-10) is outside the window


def test_cli_paths_json(tmp_path, small_world):
    db = str(tmp_path / "s.db")
    CliRunner().invoke(cli, ["ingest", str(small_world), "--db", db])
    res = CliRunner().invoke(cli, ["paths", "--official", "O1", "--format", "json", "--db", db])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data and all(p["official_id"] == "O1" for p in data)
    res = CliRunner().invoke(cli, ["paths", "--official", "NOPE", "--db", db])
    assert res.exit_code != 0 and "no official with id 'NOPE'" in res.output


def test_an_approvers_targets_put_their_own_decisions_first_and_list_each_record_once():
    """PathIndex.targets: the unit's awards to a supplier, with the official's own approvals of it first and
    each record once; a supplier only the official decided on; the units' dicts are shared, not copied."""
    from graphrisk.analysis.path_index import PathIndex, Targets

    G = world()  # U1 awards T1 to C1, approved by O1
    G.add_node("C2", kind="company", name="Ruifeng Trading")
    G.add_node("C3", kind="company", name="Jinhai Logistics")
    contract(G, "T2", "U1", "C1", "2026-05-01", 300_000, approver="O2")
    contract(G, "T3", "U1", "C2", "2026-05-02", 400_000)
    contract(G, "T4", "U2", "C3", "2026-05-03", 500_000, approver="O1")  # another unit's award O1 approved
    index = PathIndex(G, settings_mod.defaults())
    mine, colleague, other = index.targets("O1"), index.targets("O2"), index.targets("O3")

    def records(t, c):
        return [(e[3]["kind"], e[3]["record_id"]) for e in t[c]]

    assert isinstance(mine, Targets) and list(mine) == ["C1", "C2", "C3"] and len(mine) == 3
    assert records(mine, "C1") == [("approved", "T1"), ("contract", "T2")]
    assert records(mine, "C2") == [("contract", "T3")] and records(mine, "C3") == [("approved", "T4")]
    assert records(colleague, "C1") == [("approved", "T2"), ("contract", "T1")]
    assert "C3" in mine and "C3" not in colleague and "C9" not in mine and mine.get("C9") is None
    assert mine.key_parts()[0] is colleague.key_parts()[0]  # U1's dict, shared by its officials
    assert not isinstance(other, Targets) and list(other) == ["C3"]  # O3 approved nothing: U2's own dict


def _reference_index(G, targets, limit):
    """What the index holds, the plain way: each private tie in a dict of neighbours (both ways; kind by kind
    in the order the kinds first occur, edge order within a kind) and a breadth-first search one node at a
    time through people and companies."""
    from collections import deque

    adj: dict = {}
    by_kind: dict = {}
    for e in G.edges(keys=True, data=True):
        by_kind.setdefault(e[3]["kind"], []).append(e)
    for u, v, k, d in (e for edges in by_kind.values() for e in edges):
        if u != v:
            adj.setdefault(u, {}).setdefault(v, []).append(k)
            adj.setdefault(v, {}).setdefault(u, []).append(k)
    dist, queue = {t: 0 for t in targets}, deque(targets)
    while queue:
        n = queue.popleft()
        if dist[n] < limit:
            for m in adj.get(n, ()):
                if m not in dist and G.nodes[m]["kind"] in ("person", "company"):
                    dist[m] = dist[n] + 1
                    queue.append(m)
    return adj, dist


@pytest.mark.parametrize("seed", range(6))
def test_the_path_index_holds_each_tie_both_ways_and_measures_hops_as_a_plain_search(seed):
    """PathIndex's arrays against a dict of neighbours and a node-by-node search on random graphs: the same
    neighbours in sorted order, the same records between each pair in the same order, the same hops to the
    targets (officials and units are never walked through), self-ties left out."""
    import random

    from graphrisk.analysis.path_index import PathIndex

    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    kinds = ["person"] * 30 + ["company"] * 15 + ["official"] * 5 + ["unit"] * 2
    for i, kind in enumerate(kinds):
        G.add_node(f"N{i:02d}", kind=kind, name=f"N{i}")
    names = sorted(G)
    for j in range(rng.randint(0, 160)):
        u, v = rng.choice(names), rng.choice(names)
        add(G, rng.choice(["family", "associate", "shareholder", "gift"]), u, v, f"r{j}")
    index = PathIndex(G, settings_mod.defaults())
    targets = sorted(rng.sample([n for n in names if G.nodes[n]["kind"] == "company"], 3))
    adj, dist = _reference_index(G, targets, 3)
    assert {index.names[i]: d for i, d in index.distances(targets, 3).items()} == dist
    for i, n in enumerate(index.names):
        pairs = range(index.rows[i], index.rows[i + 1])
        assert [index.names[index.neighbours_of[p]] for p in pairs] == sorted(adj.get(n, {}))
        assert [[e[2] for e in index.pair_edges(p)] for p in pairs] == [adj[n][m] for m in sorted(adj.get(n, {}))]


@hyp_settings(max_examples=200, deadline=None)
@given(ends=st.lists(st.tuples(st.sampled_from(["P1", "P2", "C1", -1, -2, 7]),
                               st.sampled_from(["P1", "C1", "C2", -1, -2])), max_size=40),
       times=st.integers(0, 4))
def test_repeated_office_contacts_as_a_dict_of_lists_gives_them(ends, times):
    """The repeated pairs found through their hashes are those a dict of lists over every pair gives, in the same
    order, even where unequal ends hash alike (in Python, hash(-1) == hash(-2))."""
    from collections import defaultdict

    from graphrisk.analysis.path_index import _repeated

    edges = [(u, v, f"contact:{i}", {}) for i, (u, v) in enumerate(ends)]
    by: dict = defaultdict(list)
    for e in edges:
        by[(e[0], e[1])].append(e)
    assert _repeated(edges, times) == [e for es in by.values() if len(es) >= times for e in es]
