"""Communities: deterministic partitions, numbering, storage, mixed clusters, CLI shape."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk.analysis import communities as cm
from graphrisk.cli import cli
from graphrisk.errors import GraphRiskError, NotFound
from graphrisk.graph import build_graph


def _world() -> nx.MultiDiGraph:
    """Two groups held together by private ties, joined by one contact.

    Group 1: official O1 (unit U1), person P1, companies C1, C2; C1 won a
    contract from U1 (O1's own unit): a mixed cluster. Group 2: official O2
    (unit U2), person P2, company C3 and C4; C3 won a contract from U1, not
    from U2: no mixed pair there.
    """
    G = nx.MultiDiGraph(data_version="test")
    for n, k in [("U1", "unit"), ("U2", "unit"), ("O1", "official"), ("O2", "official"), ("P1", "person"),
                 ("P2", "person"), ("C1", "company"), ("C2", "company"), ("C3", "company"), ("C4", "company")]:
        G.add_node(n, kind=k, name=f"name-{n}")
    G.nodes["O1"]["unit_id"] = "U1"
    G.nodes["O2"]["unit_id"] = "U2"
    G.add_edge("O1", "U1", kind="member_of")
    G.add_edge("O2", "U2", kind="member_of")
    G.add_edge("U1", "C1", kind="contract", amount=1000.0, record_id="HT1")
    G.add_edge("U1", "C1", kind="contract", amount=500.0, record_id="HT2")
    G.add_edge("O1", "C1", kind="approved", amount=1000.0, record_id="HT1")
    G.add_edge("U1", "C3", kind="contract", amount=700.0, record_id="HT3")
    for a, b, k in [("P1", "O1", "gift"), ("P1", "C1", "legal_representative"), ("C2", "O1", "gift"),
                    ("P1", "C2", "shareholder"), ("C1", "C2", "associate"), ("O1", "P1", "contact"),
                    ("P2", "O2", "gift"), ("P2", "C3", "director"), ("C3", "O2", "gift"), ("C4", "O2", "gift"),
                    ("P2", "C4", "shareholder"), ("C3", "C4", "associate"),
                    ("C2", "C4", "contact")]:
        G.add_edge(a, b, kind=k)
    return G


def test_detect_deterministic_and_numbered():
    G = _world()
    a = cm.detect(G)
    b = cm.detect(G)
    assert a.membership == b.membership and a.modularity == b.modularity
    m = a.membership
    assert m["O1"] == m["P1"] == m["C1"] == m["C2"]
    assert m["O2"] == m["P2"] == m["C3"] == m["C4"]
    assert m["O1"] != m["O2"]
    # units have no private tie: singletons, numbered after the two groups of 4
    assert m["U1"] not in (m["O1"], m["O2"]) and m["U1"] != m["U2"]
    assert a.sizes == [4, 4, 1, 1]
    assert m["C1"] == 0  # equal sizes: the cluster with the smallest member id first
    assert a.modularity > 0.3
    louvain = cm.detect(G, method="louvain")
    assert louvain.membership == cm.detect(G, method="louvain").membership
    with pytest.raises(GraphRiskError):
        cm.detect(G, method="nope")


def test_mixed_clusters_found():
    G = _world()
    res = cm.detect(G)
    mixed = cm.mixed_clusters(G, res)
    assert len(mixed) == 1
    c = mixed[0]
    assert c["community"] == res.membership["O1"]
    assert c["officials"] == ["O1"] and c["suppliers"] == ["C1"]
    assert c["pairs"] == [{"official_id": "O1", "supplier_id": "C1", "unit_id": "U1", "contracts": 2,
                           "amount": 1500.0}]
    assert (c["size"], c["n_officials"], c["n_companies"], c["n_people"], c["n_pairs"]) == (4, 1, 2, 1, 1)
    assert c["members"] == ["C1", "C2", "O1", "P1"]
    # the same on a plain {node: community} mapping
    assert cm.mixed_clusters(G, dict(res.membership)) == mixed


def test_every_tie_setting_groups_by_unit():
    G = _world()
    cfg = settings_mod.load(overrides={"communities": {"exclude_kinds": []}})
    res = cm.detect(G, cfg)
    assert res.params["exclude_kinds"] == []
    assert res.membership["U1"] == res.membership["O1"]


def test_store_and_load(loaded_db):
    G = build_graph(loaded_db)
    cfg = settings_mod.load()
    res = cm.detect(G, cfg)
    run_id = cm.store_run(loaded_db, res, params={"min_size": 2}, settings=cfg)
    run = next(loaded_db.query("select * from runs where id = ?", [run_id]))
    assert run["kind"] == "communities"
    params = json.loads(run["params"])
    assert params["method"] == "leiden" and params["seed"] == 42 and params["min_size"] == 2
    assert cm.load(loaded_db) == {str(k): v for k, v in res.membership.items()}
    assert cm.load(loaded_db, run_id) == cm.load(loaded_db)
    with pytest.raises(NotFound):
        cm.load(loaded_db, run_id + 99)


def test_cli_json(loaded_db):
    path = next(loaded_db.query("pragma database_list"))["file"]
    r = CliRunner().invoke(cli, ["communities", "--db", path, "--format", "json", "--min-size", "2"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"run_id", "method", "params", "modularity", "n_communities", "n_listed", "min_size",
                         "sizes", "mixed_clusters"}
    assert data["min_size"] == 2 and all(s >= 2 for s in data["sizes"])
    for c in data["mixed_clusters"]:
        assert {"community", "size", "officials", "suppliers", "pairs", "members", "n_pairs"} <= set(c)
    # O1 (U1) and its supplier C1 are tied privately (gift from C1's legal representative, sponsored trip)
    assert any(p["official_id"] == "O1" and p["supplier_id"] == "C1"
               for c in data["mixed_clusters"] for p in c["pairs"])
    r = CliRunner().invoke(cli, ["communities", "--db", path, "--no-store"])
    assert r.exit_code == 0 and "mix officials" in r.output


def test_mixed_clusters_on_edge_arrays_equal_networkx_and_the_definition(sample_db_path):
    """The command reads edge arrays (contract and membership edges picked by kind, officials grouped by unit
    and community); a networkx graph of the same store gives the same clusters, and so does the definition
    read literally: every official, every unit they belong to, every supplier of it in their community."""
    from graphrisk import store
    from graphrisk.engine.arrays import load_arrays

    db = store.connect(sample_db_path, create=False)
    arrays, G = load_arrays(db), build_graph(db)
    res = cm.detect(arrays)
    got = cm.mixed_clusters(arrays, res)
    assert got and got == cm.mixed_clusters(G, res)
    m = res.membership
    suppliers = cm.unit_suppliers(G)
    literal = sorted((o, s, u, st["contracts"], st["amount"])
                     for o, d in G.nodes(data=True) if d.get("kind") == "official" and o in m
                     for u in cm.units_of(G, o) for s, st in suppliers.get(u, {}).items()
                     if s != o and m.get(s) == m[o])
    assert sorted((p["official_id"], p["supplier_id"], p["unit_id"], p["contracts"], p["amount"])
                  for c in got for p in c["pairs"]) == literal
    assert cm.unit_suppliers(arrays) == suppliers


def test_a_pairs_limit_keeps_each_clusters_first_pairs_and_counts_them_all(sample_db_path):
    from graphrisk import store
    from graphrisk.engine.arrays import load_arrays

    arrays = load_arrays(store.connect(sample_db_path, create=False))
    res = cm.detect(arrays)
    full = cm.mixed_clusters(arrays, res)
    assert any(c["n_pairs"] > 2 for c in full)
    for limit in (0, 2):
        cut = cm.mixed_clusters(arrays, res, pairs_limit=limit)
        assert cut == [{**c, "pairs": c["pairs"][:limit]} for c in full]
    for c in full:  # sorted by official, supplier, unit, as str
        keys = [(str(p["official_id"]), str(p["supplier_id"]), str(p["unit_id"])) for p in c["pairs"]]
        assert keys == sorted(keys) and c["n_pairs"] == len(c["pairs"])


def test_mixed_clusters_of_a_graph_with_integer_ids_sort_pairs_as_text():
    G = nx.MultiDiGraph()
    G.add_node(10, kind="unit")
    for o in (2, 11):
        G.add_node(o, kind="official")
        G.add_edge(o, 10, kind="member_of")
    for s in (3, 20):
        G.add_node(s, kind="company")
        G.add_edge(10, s, kind="contract", amount=5.0)
    c = cm.mixed_clusters(G, {n: 0 for n in G})[0]
    assert [(p["official_id"], p["supplier_id"]) for p in c["pairs"]] == [(11, 20), (11, 3), (2, 20), (2, 3)]
    assert c["officials"] == [11, 2] and c["n_pairs"] == 4
    G.add_edge(10, 11, kind="contract", amount=1.0)  # an official of the unit is also its supplier
    G.add_node(30, kind="unit")
    G.add_edge(2, 30, kind="member_of")
    G.add_edge(30, 2, kind="contract", amount=2.0)  # ... and the only supplier of their other unit
    full = cm.mixed_clusters(G, {n: 0 for n in G})
    pairs = [(p["official_id"], p["supplier_id"], p["unit_id"]) for p in full[0]["pairs"]]
    assert pairs == [(11, 20, 10), (11, 3, 10), (2, 11, 10), (2, 20, 10), (2, 3, 10)]
    assert full[0]["suppliers"] == [11, 20, 3] and full[0]["n_pairs"] == 5
    for limit in (1, 3, 9):
        assert cm.mixed_clusters(G, {n: 0 for n in G}, pairs_limit=limit) == [
            {**full[0], "pairs": full[0]["pairs"][:limit]}]


def test_json_written_piece_by_piece_is_the_bytes_of_one_dumps(capsys):
    import datetime

    from graphrisk.cli.base import echo_json

    data = {"名称": "市人民政府", "when": datetime.date(2026, 1, 5), "nan": float("nan"), "n": [1, 2.5, None, True],
            "rows": [{"id": f"O{i:06d}", "v": i / 7, "tags": ["a", "é"]} for i in range(30_000)]}
    echo_json(data, default=str)
    got = capsys.readouterr().out
    assert len(got) > 2 << 20  # written in several pieces
    assert got == json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def test_arrays_with_amounts_only_give_the_same_clusters(sample_db_path):
    """The command reads amounts but no currencies or record ids (``attrs="amounts"``): the same endpoints,
    kinds and amounts, so the same partition and mixed clusters."""
    import numpy as np

    from graphrisk import store
    from graphrisk.engine.arrays import load_arrays

    db = store.connect(sample_db_path, create=False)
    full, light = load_arrays(db), load_arrays(db, attrs="amounts")
    assert full.ids == light.ids and full.kinds == light.kinds
    for a in ("src", "dst", "kind"):
        assert np.array_equal(getattr(full, a), getattr(light, a))
    assert np.array_equal(full.amount, light.amount, equal_nan=True) and not np.isnan(light.amount).all()
    assert set(light.record) == {None} and set(light.currency) == {None}
    res = cm.detect(full)
    assert cm.detect(light).membership == res.membership
    assert cm.mixed_clusters(light, res) == cm.mixed_clusters(full, res)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.one_of(st.text(alphabet="OP0123456789", min_size=1, max_size=4), st.integers(0, 99)),
                       st.integers(0, 5), max_size=40))
def test_rows_are_stored_by_community_then_node_text(membership):
    expected = [(str(n), c) for n, c in sorted(membership.items(), key=lambda kv: (kv[1], str(kv[0])))]
    assert list(cm._by_community(membership)) == expected


def test_a_store_made_before_migration_007_gets_run_node_index_and_keeps_its_rows(tmp_path):
    from graphrisk import store

    path = tmp_path / "old.db"
    db = store.connect(path)
    with db.conn:  # the store as migration 006 left it, with a run stored
        db.conn.execute("drop index idx_communities_run_id_node_id")
        db["communities"].create_index(["node_id"])
        db.conn.executemany("insert into communities values (?, ?, ?)", [(1, f"N{i}", i % 3) for i in range(30)])
        db.conn.execute("delete from _migrations where name = '007_communities_index'")
    before = db.conn.execute("select rowid, * from communities order by rowid").fetchall()
    db.conn.close()

    db = store.connect(path)
    assert {i.name: i.columns for i in db["communities"].indexes} == {
        "idx_communities_run_id_community": ["run_id", "community"],
        "idx_communities_run_id_node_id": ["run_id", "node_id"]}
    assert db.conn.execute("select rowid, * from communities order by rowid").fetchall() == before
    plan = " ".join(r[-1] for r in db.conn.execute(
        "explain query plan select community from communities where run_id = 1 and node_id = 'N7'"))
    assert "idx_communities_run_id_node_id" in plan
    assert cm.load(db, 1) == {f"N{i}": i % 3 for i in range(30)}
