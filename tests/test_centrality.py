"""Centrality measures on hand-checkable graphs, sampling with its error statement, stored runs, CLI shape."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk.analysis import centrality as cmod
from graphrisk.cli import cli
from graphrisk import store
from graphrisk.engine.arrays import load_arrays
from graphrisk.graph import build_graph


def _graph(nodes: dict, edges: list) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(data_version="test")
    for n, kind in nodes.items():
        G.add_node(n, kind=kind, name=f"name-{n}")
    for i, (u, v, kind, *rest) in enumerate(edges):
        G.add_edge(u, v, key=f"{kind}:{i}", kind=kind, record_id=rest[1] if len(rest) > 1 else f"R{i}",
                   amount=rest[0] if rest else None)
    return G


@pytest.fixture
def star():
    """Official O tied to four companies by gifts and approvals, nothing else."""
    return _graph({"O": "official", "C1": "company", "C2": "company", "C3": "company", "C4": "company"},
                  [("C1", "O", "gift", 100.0), ("C2", "O", "gift", 50.0), ("O", "C3", "approved", 1000.0),
                   ("O", "C4", "contact")])


@pytest.fixture
def bridge():
    """Two company cliques A and B; official O is tied to A1 and B1 only: the sole bridge."""
    nodes = {"O": "official", **{f"A{i}": "company" for i in (1, 2, 3)}, **{f"B{i}": "company" for i in (1, 2, 3)}}
    edges = [(a, b, "associate") for a, b in [("A1", "A2"), ("A1", "A3"), ("A2", "A3"),
                                              ("B1", "B2"), ("B1", "B3"), ("B2", "B3")]]
    edges += [("A1", "O", "gift", 10.0), ("O", "B1", "approved", 99.0)]
    return _graph(nodes, edges)


def test_star_measures(star):
    res = cmod.compute(star)
    assert res["degree"] == {"O": 4, "C1": 1, "C2": 1, "C3": 1, "C4": 1}
    assert res["betweenness"]["O"] == pytest.approx(1.0)  # all 6 leaf pairs go through O; normalised by 6
    assert all(res["betweenness"][c] == 0 for c in ("C1", "C2", "C3", "C4"))
    assert res["closeness"]["O"] == pytest.approx(1.0)
    assert res["closeness"]["C1"] == pytest.approx(4 / 7)  # 4 reachable, distances 1+2+2+2
    assert res["eigenvector"]["O"] == pytest.approx(1.0)
    assert res["eigenvector"]["C1"] == pytest.approx(0.5)  # eigenvalue 2
    assert sum(res["pagerank"].values()) == pytest.approx(1.0)
    assert max(res["pagerank"], key=res["pagerank"].get) == "O"
    assert res["brokerage"] == {"O": 4.0}  # no two companies are otherwise connected
    assert res.details["brokerage"]["O"]["pairs"] == 6
    assert res.info["betweenness"]["method"] == "exact" and "betweenness" not in res.notes


def test_star_ties_ranked_by_id(star):
    r = cmod.compute(star, ["degree"]).ranked("degree")
    assert r == [("O", 4, 1), ("C1", 1, 2), ("C2", 1, 3), ("C3", 1, 4), ("C4", 1, 5)]


def test_bridge_betweenness_and_brokerage(bridge):
    res = cmod.compute(bridge, ["betweenness", "brokerage"])
    # n = 7: normalisation (6*5)/2 = 15; O is on all 3*3 A-B shortest paths
    assert res["betweenness"]["O"] == pytest.approx(9 / 15)
    assert res["betweenness"]["A1"] == pytest.approx(8 / 15)  # A2, A3 to O, B1, B2, B3
    assert res["betweenness"]["A2"] == 0
    assert res["brokerage"]["O"] == 2
    d = res.details["brokerage"]["O"]
    assert d == {"companies": 2, "pairs": 1, "adjacent_companies": 2, "brokered": ["A1", "B1"]}


def test_brokerage_zero_when_otherwise_connected(bridge):
    G = bridge.copy()
    G.add_node("U", kind="unit")
    G.add_edge("U", "A1", kind="contract", amount=5.0)
    G.add_edge("U", "B1", kind="contract", amount=5.0)  # A1 - U - B1: a path of length 2 without O
    assert cmod.brokerage(G) == {"O": 0}
    G2 = bridge.copy()
    G2.add_edge("A1", "O", kind="contact")
    G2.add_edge("O", "A2", kind="contact")  # A2 is tied to A1 directly: only pairs with B1 are brokered
    d = cmod.brokerage_detail(G2)["O"]
    assert (d["companies"], d["pairs"]) == (3, 2)


_KINDS = ("official", "company", "person", "unit")


@hyp_settings(max_examples=200, deadline=None)
@given(kinds=st.lists(st.sampled_from(_KINDS), min_size=2, max_size=14),
       reach=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=30),
       pairs=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=12),
       chunk=st.sampled_from([1, 3, 1_000_000]))
def test_brokerage_arrays_equal_the_loop(kinds, reach, pairs, chunk, monkeypatch_module):
    """The array passes (igraph backend) give what the per-official loop (networkx backend) gives, pair counts
    and brokered lists, on any graph of officials, companies and others, whatever the chunking: officials
    reach companies (``reach``), and a few other ties, self-loops included, connect some of them otherwise."""
    from graphrisk.engine.lite import LiteGraph
    import importlib

    officials = [i for i, k in enumerate(kinds) if k == "official"]
    companies = [i for i, k in enumerate(kinds) if k == "company"]
    nodes = {f"N{i}": k for i, k in enumerate(kinds)}
    edges = [(f"N{officials[a % len(officials)]}", f"N{companies[b % len(companies)]}", "gift")
             for a, b in reach if officials and companies]
    edges += [(f"N{a}", f"N{b}", "contact") for a, b in pairs if a < len(kinds) and b < len(kinds)]
    G = _graph(nodes, edges)
    lite = LiteGraph(list(G.nodes(data=True)), list(G.edges(keys=True, data=True)), data_version="test")
    mod = importlib.import_module("graphrisk.analysis.centrality.brokerage")
    monkeypatch_module.setattr(mod, "MAX_PAIRS", chunk)
    assert cmod.brokerage_detail(lite) == cmod.brokerage_detail(G, backend="networkx")


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_weighted_degree_and_counts_by_kind():
    G = _graph({"O": "official", "C1": "company", "C2": "company", "U": "unit"},
               [("C1", "O", "gift", 100.0, "G1"), ("U", "C2", "contract", 2000.0, "HT1"),
                ("O", "C2", "approved", 2000.0, "HT1"), ("O", "U", "member_of"), ("C1", "O", "contact")])
    w = cmod.weighted_degree(G)
    assert w == {"O": 2100.0, "C1": 100.0, "C2": 2000.0, "U": 2000.0}  # the contract counts once for C2
    assert cmod.weighted_degree(G, kinds=["gift"])["O"] == 100.0
    by = cmod.degree_by_kind(G)
    assert by["O"]["gift"] == {"count": 1, "amount": 100.0}
    assert by["O"]["contact"]["count"] == 1 and by["O"]["member_of"]["count"] == 1
    assert by["C2"]["contract"]["amount"] == 2000.0


def test_igraph_and_networkx_agree(bridge):
    ig_res = cmod.compute(bridge)
    nx_res = cmod.compute(bridge, backend="networkx")
    for m in cmod.MEASURES:
        for n, v in ig_res[m].items():
            assert nx_res[m][n] == pytest.approx(v, abs=1e-6), (m, n)


def test_input_not_mutated_and_deterministic(bridge):
    before = bridge.copy()
    a = cmod.compute(bridge)
    b = cmod.compute(bridge)
    assert nx.utils.graphs_equal(bridge, before)
    for m in cmod.MEASURES:
        assert a.ranked(m) == b.ranked(m)


def _sampling_settings(**over):
    return settings_mod.load(overrides={"centrality": {"exact_betweenness_max_nodes": 10, "betweenness_samples": 8,
                                                       "error_check_nodes": 40, "betweenness_method": "pivots",
                                                       **over}})


def test_kadabra_betweenness_is_within_its_stated_error_of_exact():
    G = _big()
    exact = cmod.betweenness(G)
    cfg = _sampling_settings(betweenness_method="kadabra", betweenness_epsilon=0.01, betweenness_delta=0.05)
    res = cmod.compute(G, ["betweenness"], settings=cfg)
    info = res.info["betweenness"]
    assert info["method"] == "kadabra" and info["epsilon"] == 0.01 and info["samples"] > 0
    # normalised over unordered pairs of the other nodes; the guarantee is on the share of pairs (n-2)/n of it
    assert max(abs(res["betweenness"][n] - exact[n]) for n in G) <= 0.01 * 60 / 58 * 1.5
    top_exact = sorted(G, key=lambda n: -exact[n])[:5]
    top_est = sorted(G, key=lambda n: -res["betweenness"][n])[:10]
    assert set(top_exact) <= set(top_est)
    note = res.notes["betweenness"]
    assert "95% confidence" in note and "within 0.01" in note and "checked against exact values" in note
    again = cmod.compute(G, ["betweenness"], settings=cfg)
    assert again.ranked("betweenness") == res.ranked("betweenness")


def _big():
    H = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=3)
    G = nx.MultiDiGraph()
    for n in H:
        G.add_node(f"N{n:03d}", kind="official" if n % 5 == 0 else "company")
    for u, v in H.edges():
        G.add_edge(f"N{u:03d}", f"N{v:03d}", kind="associate")
    return G


def test_sampled_betweenness_states_its_error():
    G = _big()
    res = cmod.compute(G, ["betweenness"], settings=_sampling_settings())
    info = res.info["betweenness"]
    assert info["method"] == "sampled" and info["pivots"] == 8 and info["nodes"] == 60
    err = info["error"]
    assert set(err) >= {"spearman_top", "overlap_top", "max_abs_error", "median_rel_error_top", "check_nodes"}
    assert err["check_nodes"] == 40
    note = res.notes["betweenness"]
    assert "sampled from 8 pivots" in note and "rank correlation" in note and "max absolute error" in note
    again = cmod.compute(G, ["betweenness"], settings=_sampling_settings())
    assert again.ranked("betweenness") == res.ranked("betweenness") and again.notes == res.notes


def test_sampling_with_every_node_as_pivot_is_exact():
    G = _big()
    exact = cmod.betweenness(G)
    full = cmod.betweenness(G, settings=_sampling_settings(betweenness_samples=60))
    assert all(full[n] == pytest.approx(exact[n]) for n in G)


def test_parallel_sampling_matches_serial(monkeypatch):
    G = _big()
    serial = cmod.betweenness(G, settings=_sampling_settings(workers=1))
    monkeypatch.setattr(cmod, "PARALLEL_MIN_NODES", 0)
    par = cmod.betweenness(G, settings=_sampling_settings(workers=2))
    assert all(par[n] == pytest.approx(serial[n]) for n in G)


def test_sampled_closeness_close_to_exact():
    G = _big()
    exact = cmod.closeness(G)
    cfg = settings_mod.load(overrides={"centrality": {"exact_closeness_max_nodes": 10, "closeness_samples": 30}})
    res = cmod.compute(G, ["closeness"], settings=cfg)
    assert res.info["closeness"]["method"] == "sampled" and "pivots" in res.notes["closeness"]
    assert all(res["closeness"][n] == pytest.approx(exact[n], rel=0.2) for n in G)


def test_kind_filter_and_unknown_names(bridge):
    res = cmod.compute(bridge, ["degree", "pagerank"], kind="company")
    assert set(res["degree"]) == {"A1", "A2", "A3", "B1", "B2", "B3"}
    assert [r for _, _, r in res.ranked("pagerank")] == list(range(1, 7))
    from graphrisk.errors import GraphRiskError
    with pytest.raises(GraphRiskError):
        cmod.compute(bridge, ["nonsense"])
    with pytest.raises(GraphRiskError):
        cmod.compute(bridge, kind="alien")


def test_store_run_latest_compare(loaded_db):
    G = build_graph(loaded_db)
    cfg = settings_mod.load()
    res = cmod.compute(G, "all", kind="official", settings=cfg)
    run1 = cmod.store_run(loaded_db, res, params={"note": "first"}, settings=cfg)
    run = next(loaded_db.query("select * from runs where id = ?", [run1]))
    assert run["kind"] == "centrality"
    params = json.loads(run["params"])
    assert params["measures"] == list(cmod.MEASURES) and params["kind"] == "official" and params["note"] == "first"
    assert params["info"]["betweenness"]["method"] == "exact"
    assert json.loads(run["settings"])["centrality"]["seed"] == cfg["centrality"]["seed"]
    rows = list(loaded_db.query("select * from centrality where run_id = ? and measure = 'pagerank' order by rank",
                                [run1]))
    assert [r["node_id"] for r in rows] == [n for n, _, _ in res.ranked("pagerank")]
    assert {r["node_id"] for r in rows} == {"O1", "O2", "O3"}
    assert cmod.latest(loaded_db, "pagerank") == pytest.approx(res["pagerank"])
    wd = {r["node_id"]: r["value"] for r in loaded_db.query(
        "select * from centrality where run_id = ? and measure = 'weighted_degree.gift'", [run1])}
    assert wd["O1"] == 20000.0

    G2 = build_graph(loaded_db, until="2026-03-31")  # before the contracts: less around O1
    res2 = cmod.compute(G2, "all", kind="official", settings=cfg)
    run2 = cmod.store_run(loaded_db, res2, settings=cfg)
    assert cmod.latest(loaded_db, "weighted_degree", as_of="2026-04-30") == pytest.approx(res2["weighted_degree"])
    assert cmod.latest(loaded_db, "weighted_degree", as_of="2020-01-01") == {}
    movers = cmod.compare(loaded_db, run2, run1, "weighted_degree")
    assert movers[0]["node_id"] == "O1" and movers[0]["change"] == pytest.approx(2_400_000.0)
    assert set(movers[0]) == {"node_id", "before", "after", "change", "rank_before", "rank_after"}
    assert [m["change"] for m in movers] == sorted((m["change"] for m in movers), reverse=True)


def _db_path(loaded_db) -> str:
    return next(loaded_db.query("pragma database_list"))["file"]


def test_cli_json_shape(loaded_db):
    out = CliRunner().invoke(cli, ["centrality", "--db", _db_path(loaded_db), "--measure", "pagerank",
                                   "--kind", "official", "--top", "2", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert len(data) == 2
    for row in data:
        assert list(row) == ["measure", "rank", "node_id", "name", "kind", "unit_id", "unit", "value"]
        assert row["measure"] == "pagerank" and row["kind"] == "official" and row["unit"]
    assert [r["rank"] for r in data] == [1, 2]
    assert next(loaded_db.query("select count(*) n from runs where kind = 'centrality'"))["n"] == 1


def test_cli_table_csv_and_sampling_note(loaded_db, tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[centrality]\nexact_betweenness_max_nodes = 5\nbetweenness_samples = 4\n"
                   "error_check_nodes = 12\nbetweenness_method = \"pivots\"\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["centrality", "--db", _db_path(loaded_db), "--measure", "betweenness",
                                 "--config", str(cfg), "--no-store"])
    assert r.exit_code == 0, r.output
    assert "estimated from 4 randomly chosen starting nodes" in r.output  # the sampling note, in plain words
    assert "checked against exact values" in r.output
    r = CliRunner().invoke(cli, ["centrality", "--db", _db_path(loaded_db), "--measure", "brokerage",
                                 "--format", "csv", "--no-store"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "measure,rank,node_id,name,kind,unit_id,unit,value"
    assert lines[1].startswith("brokerage,1,O1,")
    r = CliRunner().invoke(cli, ["centrality", "--db", _db_path(loaded_db), "--since", "not-a-date"])
    assert r.exit_code != 0 and "not a date" in r.output


def test_cli_help_ends_with_example():
    for cmd in ("centrality", "communities"):
        r = CliRunner().invoke(cli, [cmd, "--help"])
        assert r.exit_code == 0 and "Example:" in r.output and "graphrisk " + cmd in r.output


def test_cli_run_stored_while_sampled_betweenness_runs_equals_a_serial_run(sample_db_path, tmp_path):
    """`centrality --measure all` stores each measure as it is done while KADABRA runs in a forked process;
    the stored run equals a serial computation's (one process, stored at the end)."""
    import sqlite3

    db_path = tmp_path / "c.db"
    with sqlite3.connect(sample_db_path) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    config = tmp_path / "small.toml"  # a 0.2 world has ~3,000 nodes: sample above 1,000 so KADABRA runs
    config.write_text("[centrality]\nexact_betweenness_max_nodes = 1000\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["centrality", "--db", str(db_path), "--measure", "all", "--format", "json",
                                   "--config", str(config)])
    assert out.exit_code == 0, out.output
    db = store.connect(db_path)
    [run] = list(db.query("select * from runs where kind = 'centrality'"))
    assert run["seconds"] is not None and json.loads(run["params"])["info"]["betweenness"]["method"] == "kadabra"
    stored = {(r["measure"], r["node_id"]): (r["value"], r["rank"])
              for r in db.query("select * from centrality where run_id = ?", [run["id"]])}

    cfg = settings_mod.load(config)
    cfg["centrality"]["workers"] = 1
    serial = cmod.compute(load_arrays(db), "all", settings=cfg)
    ref = cmod.store_run(db, serial, settings=cfg)
    expected = {(r["measure"], r["node_id"]): (r["value"], r["rank"])
                for r in db.query("select * from centrality where run_id = ?", [ref])}
    assert stored == expected and len(stored) > 10_000
    # the background writers took turns, never interleaved: each measure's rows lie together, in rank order
    rows = db.execute("select measure, rank from centrality where run_id = ? order by rowid", [run["id"]]).fetchall()
    blocks = [m for i, (m, _) in enumerate(rows) if i == 0 or rows[i - 1][0] != m]
    assert len(blocks) == len(set(blocks)) == len({m for m, _ in rows})
    assert all(rows[i][1] == rows[i - 1][1] + 1 for i in range(1, len(rows)) if rows[i][0] == rows[i - 1][0])


def _three_measures(sample_db_path, tmp_path):
    """A copy of the sample store, the default settings and three measures computed on it (not stored); skips
    where no fork is possible (asked after PageRank: an OpenMP team another test left behind forbids forks)."""
    import sqlite3

    from graphrisk.forking import can_fork

    db_path = tmp_path / "c.db"
    with sqlite3.connect(sample_db_path) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    db = store.connect(db_path)
    cfg = settings_mod.load()
    res = cmod.compute(load_arrays(db), ["degree", "pagerank", "eigenvector"], settings=cfg)
    if not can_fork():
        pytest.skip("no fork here")
    return db, cfg, res


def test_a_background_writers_error_reaches_the_caller_and_the_run_stays_unfinished(sample_db_path, tmp_path,
                                                                                     monkeypatch):
    import sqlite3

    from graphrisk.analysis.centrality.storage import RunWriter

    db, cfg, res = _three_measures(sample_db_path, tmp_path)
    insert = RunWriter._insert

    def failing(self, conn_db, measure):
        if measure == "pagerank":
            raise sqlite3.OperationalError("database or disk is full")
        return insert(self, conn_db, measure)

    monkeypatch.setattr(RunWriter, "_insert", failing)
    writer = RunWriter(db, res, settings=cfg, background=True)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        writer.finish()
    run = db.execute("select seconds from runs where id = ?", [writer.run_id]).fetchone()
    assert run[0] is None  # not counted as stored
    written = {m for (m,) in db.execute("select distinct measure from centrality where run_id = ?", [writer.run_id])}
    assert written == {"degree", "eigenvector"}  # the failed turn did not hold up the next one


def test_background_writers_work_one_at_a_time(sample_db_path, tmp_path, monkeypatch):
    """A writer holds its measure's rows and the pages it copies: the next one is forked only once it is done
    (three alive at once took the scale-10 command's processes past 1 GB). Every measure is stored."""
    import time

    from graphrisk.analysis.centrality import storage

    db, cfg, res = _three_measures(sample_db_path, tmp_path)
    insert = storage.RunWriter._insert

    def slow(self, conn_db, measure):
        time.sleep(0.3)  # the next measure is asked for while this one is written
        insert(self, conn_db, measure)

    started, alive_then = [], []

    class Counted(storage.Background):
        def __init__(self, *args):
            alive_then.append(sum(p.is_alive() for p in started))
            super().__init__(*args)
            started.append(self._proc)

    monkeypatch.setattr(storage.RunWriter, "_insert", slow)
    monkeypatch.setattr(storage, "Background", Counted)
    writer = storage.RunWriter(db, res, settings=cfg, background=True)
    for m in ("degree", "pagerank", "eigenvector"):
        writer.write(m)
    writer.finish()
    assert alive_then == [0, 0, 0]
    stored = {m for (m,) in db.execute("select distinct measure from centrality where run_id = ?", [writer.run_id])}
    assert stored == {"degree", "pagerank", "eigenvector"}


def _arrays(nodes: list[str], edges: list[tuple]):
    """Edge arrays by hand: (u, v, kind, amount or None, record id or None)."""
    import numpy as np
    from graphrisk.engine.arrays import EdgeArrays

    ids = sorted(nodes)
    index = {n: i for i, n in enumerate(ids)}
    kinds = list(dict.fromkeys(e[2] for e in edges))
    return EdgeArrays(ids, {n: {"kind": "company", "name": n, "_i": index[n]} for n in ids},
                      np.array([index[e[0]] for e in edges], dtype=np.int64),
                      np.array([index[e[1]] for e in edges], dtype=np.int64),
                      np.array([kinds.index(e[2]) for e in edges], dtype=np.int16), kinds,
                      np.array([np.nan if e[3] is None else e[3] for e in edges]), [None] * len(edges),
                      [e[4] for e in edges])


def test_weighted_degree_on_arrays_equals_the_edge_loop_to_the_last_bit(sample_db_path):
    """The numpy pass over edge arrays gives the loop's sums (same order of additions), counts and key order:
    on a sample store, and on edges made to catch the corner cases (a self-loop, a contract's two edges,
    a record id shared by two kinds, an amount of 0 and none, sums that depend on their order)."""
    from graphrisk.analysis.centrality import simple

    money = simple._money_kinds(settings_mod.defaults(), None)
    hand = _arrays(["A", "B", "C", "D"], [
        ("A", "B", "gift", 0.1, "G1"), ("B", "A", "gift", 0.2, "G2"), ("A", "B", "gift", 0.3, "G3"),
        ("A", "A", "gift", 1e16, "G4"), ("A", "C", "gift", 1.0, "G5"), ("A", "C", "gift", -1e16, "G6"),
        ("D", "C", "contract", 500.0, "HT1"), ("A", "C", "approved", 500.0, "HT1"),
        ("A", "D", "approved", 7.0, "HT1"), ("C", "D", "contract", 0.0, "HT2"), ("C", "D", "contract", None, "HT3"),
        ("B", "C", "contact", None, None), ("B", "D", "contract", 9.0, None), ("B", "D", "contract", 9.0, None)])
    for G in (load_arrays(store.connect(sample_db_path, create=False)), hand):
        for m in (money, None, {"gift"}):
            fast, loop = simple._kind_pass_arrays(G, m, True), simple._kind_pass_edges(G, m, True)
            assert list(fast[0].items()) == list(loop[0].items())
            assert list(fast[1]) == list(loop[1])
            assert all(list(fast[1][n].items()) == list(loop[1][n].items()) for n in loop[1])
    w = simple._kind_pass_arrays(hand, money, False)[0]
    assert w["C"] == 500.0 + 1.0 - 1e16  # the contract's two edges count once for C
    assert w["B"] == 0.1 + 0.2 + 0.3 + 9.0 + 9.0  # a contract with no record id: each edge counts


def test_ranks_from_numpy_equal_a_sort_by_value_then_id():
    import random

    from graphrisk.analysis.centrality.result import ranked, top_n

    rng = random.Random(4)
    for values in (
            {f"N{rng.randrange(10 ** 6)}{rng.choice(['', 'é', '中', '𝔘', ' x'])}": rng.choice([0, 0.0, -0.0, 1, 2.5, 1e-12])
             for _ in range(5000)},
            {f"C{i}": rng.random() * 1e6 for i in range(3000)},
            {f"a\x00{i % 7}" if i % 2 else f"a{i}": float(i % 3) for i in range(2000)}):
        # the name order is kept between calls: the same nodes again, a subset, other values, then a new list
        subset = {n: v for i, (n, v) in enumerate(values.items()) if i % 3 == 0}
        other = {n: -v if isinstance(v, float) else v for n, v in reversed(values.items())}
        for case in (values, values, subset, other, {**subset, "Z-new": 1.0}, values):
            expected = [(n, v, i + 1) for i, (n, v) in enumerate(sorted(case.items(), key=lambda kv: (-kv[1], kv[0])))]
            got = ranked(case)
            assert got == expected and [type(v) for _, v, _ in got] == [type(v) for _, v, _ in expected]
            for n in (1, 20, 100, 999):  # the first n alone, found without sorting every node
                assert top_n(case, n) == expected[:n]


def test_edge_arrays_hold_the_engine_graphs_edges(sample_db_path, tmp_path):
    """Centrality's edge arrays and the engine's graph read the same edges from the store: every record with
    its kind, endpoints (merged ids folded, a trip's participants one edge each), amount and record id,
    in and out of a window."""
    import math
    import shutil
    from collections import Counter

    from graphrisk.graph import load
    from graphrisk.resolve.merge import merge

    path = tmp_path / "s.db"
    shutil.copy(sample_db_path, path)
    db = store.connect(path, create=False)
    a, b = [r[0] for r in db.execute("select company_id from companies order by company_id limit 2")]
    merge(db, a, b, reason="test", force=True)
    assert db.execute("select count(*) from trips where participants like '%;%'").fetchone()[0] > 0

    def amount(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    for window in ({}, {"since": "2024-01-01", "until": "2024-12-31"}):
        E = load_arrays(db, **window)
        G = load(db, **window)
        got = Counter((u, v, d["kind"], amount(d["amount"]), d["currency"], d["record_id"])
                      for u, v, d in E.edges(data=True))
        want = Counter((u, v, d["kind"], None if d["kind"] == "trip_participant" else amount(d.get("amount")),
                        d.get("currency"), d.get("record_id")) for u, v, d in G.edges(data=True))
        assert got == want and sum(got.values()) > 1000
        assert b not in {u for u, *_ in got} | {v for _, v, *_ in got}


def test_kadabra_note_says_when_the_top_ranks_are_finer_than_its_error_bound():
    """On a large sparse graph every value is small: the note says the top 100 may differ from exact."""
    import random

    import igraph as ig

    random.seed(2)
    g = ig.Graph.Erdos_Renyi(n=3000, m=9000)
    G = nx.MultiDiGraph()
    G.add_nodes_from((f"N{v:04d}", {"kind": "company"}) for v in range(g.vcount()))
    G.add_edges_from((f"N{u:04d}", f"N{v:04d}", {"kind": "associate"}) for u, v in g.get_edgelist())
    coarse = cmod.compute(G, ["betweenness"], settings=_sampling_settings(
        betweenness_method="kadabra", betweenness_epsilon=0.005, error_check_nodes=0))
    info = coarse.info["betweenness"]
    assert info["top"] == 100 and 0 < info["top_value"] < 0.01
    assert "the 100th highest value" in coarse.notes["betweenness"] and "below twice the error bound (0.01)" \
        in coarse.notes["betweenness"]
    fine = cmod.compute(G, ["betweenness"], settings=_sampling_settings(
        betweenness_method="kadabra", betweenness_epsilon=0.0005, error_check_nodes=0))
    assert fine.info["betweenness"]["top_value"] >= 0.001 and "100th" not in fine.notes["betweenness"]


def test_a_writer_that_cannot_fork_any_more_waits_for_those_at_work(sample_db_path, tmp_path, monkeypatch):
    """When forking stops being possible mid-run (an OpenMP team appeared), later measures are written in this
    process, after the background writers: rows still lie in the order the measures came."""
    from graphrisk.analysis.centrality import storage

    db, cfg, res = _three_measures(sample_db_path, tmp_path)
    answers = iter([True, True])  # the first two measures forked, then no more
    monkeypatch.setattr(storage, "can_fork", lambda: next(answers, False))
    writer = storage.RunWriter(db, res, settings=cfg, background=True)
    for m in ("degree", "pagerank", "eigenvector"):
        writer.write(m)
    writer.finish()
    rows = db.execute("select measure from centrality where run_id = ? order by rowid", [writer.run_id]).fetchall()
    assert [m for i, (m,) in enumerate(rows) if i == 0 or rows[i - 1][0] != m] == ["degree", "pagerank", "eigenvector"]


def test_a_store_made_before_migration_006_gets_one_run_measure_node_index_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    db = store.connect(path)
    with db.conn:  # the store as migration 005 left it, with a run stored
        db.conn.execute("drop index idx_centrality_run_id_measure_node_id")
        db["centrality"].create_index(["run_id", "measure"])
        db["centrality"].create_index(["node_id"])
        db.conn.executemany("insert into centrality values (?, ?, ?, ?, ?)",
                            [(1, f"N{i}", m, float(i), i) for m in ("degree", "pagerank") for i in range(50)])
        db.conn.execute("delete from _migrations where name = '006_centrality_index'")
    before = db.conn.execute("select rowid, * from centrality order by rowid").fetchall()
    db.conn.close()

    db = store.connect(path)
    assert {i.name: i.columns for i in db["centrality"].indexes} == {
        "idx_centrality_run_id_measure_node_id": ["run_id", "measure", "node_id"]}
    assert db.conn.execute("select rowid, * from centrality order by rowid").fetchall() == before
    plan = " ".join(r[-1] for r in db.conn.execute(
        "explain query plan select node_id, value, rank from centrality where run_id = 1 and measure = 'pagerank'"))
    assert "idx_centrality_run_id_measure_node_id" in plan
    assert cmod.load_run(db, 1, "pagerank") == {f"N{i}": float(i) for i in range(50)}


def test_rows_beside_weighted_degree_from_the_kind_arrays_equal_those_ranked_from_the_dicts(sample_db_path):
    """The per-kind rows a run stores beside weighted degree (degree.<kind>, weighted_degree.<kind>) are ranked
    from the edge arrays' per-kind counts: the same names, nodes, values and ranks, in the same order, as
    ranking the per-kind dicts; with and without a kind filter, on a sample store and on hand-made edges whose
    ties in value are broken by id (ids that sort differently as numbers)."""
    from graphrisk.analysis.centrality import simple
    from graphrisk.analysis.centrality.storage import RunWriter

    cfg = settings_mod.load()
    hand = _arrays(["B10", "B9", "O2", "O10", "O9", "Z1"], [
        ("Z1", "O10", "gift", 0.0, "G6"), ("B10", "O2", "gift", 5.0, "G1"), ("B9", "O2", "gift", 5.0, "G2"), ("B10", "O10", "gift", 5.0, "G3"),
        ("B9", "O9", "gift", 0.0, "G4"), ("O10", "B9", "approved", 5.0, "A1"), ("O9", "B10", "contact", None, "K1"),
        ("O9", "O9", "gift", 2.0, "G5")])
    db = store.connect(sample_db_path, create=False)
    for G in (load_arrays(db), hand):
        for kind in (None, "official", "company"):
            res = cmod.compute(G, ["weighted_degree"], kind=kind, settings=cfg)
            assert isinstance(res.details["weighted_degree"], simple.KindCounts)
            writer = RunWriter.__new__(RunWriter)
            writer.result = res
            fast = writer._extra_ranked("weighted_degree")
            res.details["weighted_degree"] = dict(res.details["weighted_degree"].items())  # the dict path
            slow = writer._extra_ranked("weighted_degree")
            assert fast == slow
            assert all(type(v) is float for _, rows in fast for _, v, _ in rows)
            if kind is None or G is not hand:
                assert any(m.startswith("weighted_degree.") for m, _ in fast)


def test_compiled_pivot_distances_equal_igraphs_on_random_graphs():
    """The closeness estimate's breadth-first sums equal those of igraph's distance lists (the code before it):
    disconnected graphs, isolated nodes, pivots reaching few nodes, repeated edges, more than 64 pivots (the
    searches run 64 at a time)."""
    import igraph as ig
    import numpy as np
    from hypothesis import given, settings as hsettings, strategies as st

    from graphrisk.analysis.centrality.bfs import pivot_distance_sums

    @hsettings(max_examples=60, deadline=None)
    @given(st.integers(1, 150).flatmap(lambda n: st.tuples(
        st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n),
        st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))))
    def check(case):
        n, edges, pivots = case
        g = ig.Graph(n=n, edges=edges)
        D = np.asarray(g.distances(source=pivots, mode="all"), dtype=float)
        ok = np.isfinite(D) & (D > 0)
        a = np.array([e[0] for e in edges], dtype=np.int64)
        b = np.array([e[1] for e in edges], dtype=np.int64)
        tot, cnt = pivot_distance_sums(n, a, b, pivots)
        assert np.array_equal(tot, np.where(ok, D, 0.0).sum(axis=0)) and np.array_equal(cnt, ok.sum(axis=0))

    check()


def test_sampled_closeness_on_the_sample_store_equals_igraphs_distance_lists(sample_db_path):
    import numpy as np

    from graphrisk.analysis._igraph import to_igraph
    from graphrisk.analysis.centrality import simple

    G = load_arrays(store.connect(sample_db_path, create=False), attrs=False)
    cfg = {**settings_mod.defaults()["centrality"], "exact_closeness_max_nodes": 50, "closeness_samples": 70}
    vals, info = simple._closeness(G, cfg, "igraph")
    assert info["method"] == "sampled" and info["pivots"] == 70
    g = to_igraph(G).graph
    n = g.vcount()
    comps = g.connected_components()
    memb, sizes = np.asarray(comps.membership), np.asarray(comps.sizes())
    big_vs = np.flatnonzero(sizes[memb] > 50)
    pivots = np.sort(np.random.default_rng(cfg["seed"]).choice(big_vs, size=70, replace=False)).tolist()
    D = np.asarray(g.distances(source=pivots, mode="all"), dtype=float)
    ok = np.isfinite(D) & (D > 0)
    tot, cnt = np.where(ok, D, 0.0).sum(axis=0), ok.sum(axis=0)
    est = np.divide(cnt, tot, out=np.zeros(n), where=tot > 0)
    scale = (sizes[memb].astype(float) - 1) / max(n - 1, 1)
    ids = to_igraph(G).nodes
    assert all(vals[ids[i]] == est[i] * scale[i] for i in big_vs.tolist())


def test_counts_by_kind_on_edge_arrays_read_as_the_loops_dict(sample_db_path):
    from graphrisk.analysis.centrality import simple

    G = load_arrays(store.connect(sample_db_path, create=False))
    lazy, loop = simple._kind_pass_arrays(G, None, True)[1], simple._kind_pass_edges(G, None, True)[1]
    assert isinstance(lazy, simple.KindCounts) and lazy == loop and len(lazy) == len(loop)
    some = next(n for n in loop if len(loop[n]) > 1)
    assert some in lazy and lazy[some] == loop[some] and list(lazy[some]) == list(loop[some])
    assert {} in lazy.values() and "no such node" not in lazy
    with pytest.raises(KeyError):
        lazy["no such node"]


def test_degree_by_kind_gives_a_plain_dict_on_edge_arrays_too(sample_db_path):
    G = load_arrays(store.connect(sample_db_path, create=False))
    by = cmod.degree_by_kind(G)
    assert type(by) is dict and by == cmod.degree_by_kind(build_graph(store.connect(sample_db_path, create=False)))
    json.dumps(by)


def test_the_name_order_sorted_ahead_is_the_one_ranked_uses():
    from graphrisk.analysis.centrality import result

    values = {f"N{(i * 7919) % 5003}": float(i % 11) for i in range(5003)}
    result.name_order(values)
    primed = result._names["order"]
    assert result._by_name(list(values)) is primed  # reused, not sorted again
    expected = [(n, v, i + 1) for i, (n, v) in enumerate(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))]
    assert result.ranked(values) == expected
    assert result.ranked(dict(reversed(values.items()))) == expected  # the same nodes in another order
