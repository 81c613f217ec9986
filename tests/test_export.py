"""graphrisk export: every format is read back with its own library and checked against the store."""
from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from graphrisk.cli import cli
from graphrisk.graph import build_graph

from .conftest import SMALL_WORLD, write_files

FORMULA = "=HYPERLINK(\"x\",\"y\")"


@pytest.fixture
def world_db(tmp_path):
    """The small world, with a company whose name looks like a spreadsheet formula."""
    from graphrisk import store
    from graphrisk.ingest import ingest_paths

    files = dict(SMALL_WORLD)
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    files["companies.csv"] = SMALL_WORLD["companies.csv"].replace("远航建设工程有限责任公司", quoted)
    path = tmp_path / "store.db"
    db = store.connect(path)
    ingest_paths(db, [write_files(tmp_path / "world", files)])
    return db, str(path)


def run(args):
    r = CliRunner().invoke(cli, ["export", *args])
    assert r.exit_code == 0, r.output
    return r


def test_graphml_reads_back_with_kinds_dates_amounts(world_db, tmp_path):
    db, path = world_db
    out = tmp_path / "g.graphml"
    run(["--to", "graphml", "--db", path, "--out", str(out)])
    H = nx.read_graphml(out, force_multigraph=True)
    G = build_graph(db)
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["O1"]["kind"] == "official" and H.nodes["O1"]["name"] == "李明"
    assert H.nodes["C2"]["name"] == FORMULA
    gift = next(d for _, _, d in H.edges(data=True) if d.get("record_id") == "G1")
    assert gift["kind"] == "gift" and gift["date"] == "2026-03-02"
    assert gift["amount"] == 20000.0 and gift["currency"] == "CNY"
    assert gift["source_file"].endswith("gifts.csv") and gift["row"] == 2
    assert H.has_edge("P1", "O1") and H.has_edge("U1", "C1")


def test_gexf_reads_back_with_timeline_dates(world_db, tmp_path):
    db, path = world_db
    out = tmp_path / "g.gexf"
    run(["--to", "gexf", "--db", path, "--out", str(out), "--lang", "zh"])
    H = nx.read_gexf(out)
    G = build_graph(db)
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["O1"]["label"] == "李明" and H.nodes["O1"]["kind"] == "official"
    assert H.nodes["O1"]["viz"]["color"]["r"] == 0x1f  # the official colour of the model (#1f4e79)
    contract = next(d for _, _, d in H.edges(data=True) if d.get("record_id") == "HT1" and d["kind"] == "contract")
    assert contract["amount"] == 2400000.0 and contract["start"] == "2026-04-10"
    assert contract["label"] == "授予合同"  # the edge kind in the chosen language


def test_window_and_neighbourhood(world_db, tmp_path):
    db, path = world_db
    out = tmp_path / "w.graphml"
    run(["--to", "graphml", "--db", path, "--out", str(out), "--since", "2026-04-01", "--until", "2026-12-31"])
    H = nx.read_graphml(out, force_multigraph=True)
    ids = {d.get("record_id") for _, _, d in H.edges(data=True)}
    assert {"HT1", "HT2", "G2", "K2"} <= ids and not ({"G1", "K1", "T1", "T2"} & ids)
    out = tmp_path / "o.graphml"
    run(["--to", "graphml", "--db", path, "--out", str(out), "--official", "O1", "--hops", "1"])
    H = nx.read_graphml(out, force_multigraph=True)
    G = build_graph(db)
    assert set(H.nodes) == {"O1"} | set(G.successors("O1")) | set(G.predecessors("O1"))
    assert "O3" not in H and "C2" not in H
    out = tmp_path / "c.graphml"
    run(["--to", "graphml", "--db", path, "--out", str(out), "--company", "C1"])  # default 2 hops
    H = nx.read_graphml(out, force_multigraph=True)
    assert {"C1", "P1", "U1", "O1", "P4"} <= set(H.nodes)


def test_unknown_ids_and_bad_options_are_clear_errors(world_db, tmp_path):
    _, path = world_db
    for args, msg in ((["--official", "O999"], "no official with id 'O999'"),
                      (["--company", "O1"], "no company with id 'O1'")):
        r = CliRunner().invoke(cli, ["export", "--to", "gexf", "--db", path, "--out", str(tmp_path / "x.gexf"),
                                     "--lang", "en", *args])
        assert r.exit_code == 1 and msg in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["export", "--to", "gexf", "--db", path, "--out", str(tmp_path / "x.gexf"),
                                 "--hops", "2", "--lang", "en"])
    assert r.exit_code == 2 and "--hops needs --official or --company" in r.output
    assert not (tmp_path / "x.gexf").exists()


def test_followthemoney_entities_validate_and_link(world_db, tmp_path):
    from followthemoney import model

    _, path = world_db
    out = tmp_path / "e.ftm.json"
    r = run(["--to", "ftm", "--db", path, "--out", str(out), "--lang", "en"])
    assert "FollowTheMoney entities:" in r.output
    entities = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.schema.validate(data) is None, data
        assert proxy.to_dict()["properties"] == data["properties"]  # every value is one FtM reads
        entities[proxy.id] = proxy
    schemata = {p.schema.name for p in entities.values()}
    assert {"Person", "Company", "PublicBody", "Membership", "Family", "Associate", "Ownership", "Directorship",
            "Payment", "Event", "Contract", "ContractAward"} <= schemata
    # every reference points at an entity in the file
    for p in entities.values():
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in entities, (p.id, prop.name, value)
    by = {}
    for p in entities.values():
        by.setdefault(p.schema.name, []).append(p)
    gift = next(p for p in by["Payment"] if p.get("recordId") == ["G1"])
    assert entities[gift.get("payer")[0]].get("name") == ["王强"]
    assert entities[gift.get("beneficiary")[0]].get("name") == ["李明"]
    assert gift.get("amount") == ["20000.0"] and gift.get("date") == ["2026-03-02"]
    spouse = next(p for p in by["Family"] if p.get("relationship") == ["spouse"])
    assert entities[spouse.get("person")[0]].get("name") == ["李明"]
    assert entities[spouse.get("relative")[0]].get("name") == ["刘芳"]
    share = next(p for p in by["Ownership"] if entities[p.get("owner")[0]].get("name") == ["王强"])
    assert share.get("percentage") == ["60.0"] or share.get("percentage") == ["60"]
    award = next(p for p in by["ContractAward"] if p.get("recordId") == ["HT1"])
    contract = entities[award.get("contract")[0]]
    assert contract.get("title") == ["信息系统"] and entities[contract.get("authority")[0]].get("name") == ["市财政局"]
    assert entities[award.get("supplier")[0]].get("name") == ["华鼎科技有限公司"]
    trip = next(p for p in by["Event"] if "海南" in p.get("location"))
    assert entities[trip.get("organizer")[0]].get("name") == ["华鼎科技有限公司"]
    # FtM's name type collapses whitespace (the full-width space in 張　偉)
    names = {n: " ".join(d["name"].split()) for n, d in build_graph(world_db[0]).nodes(data=True)}
    assert {entities[i].get("name")[0] for i in trip.get("involved")} == {names["O1"], names["O2"]}


def test_neo4j_csvs_have_import_headers_and_are_formula_safe(world_db, tmp_path):
    db, path = world_db
    out = tmp_path / "neo"
    r = run(["--to", "neo4j", "--db", path, "--out", str(out)])
    assert "neo4j-admin database import full" in r.output
    with (out / "nodes.csv").open(encoding="utf-8", newline="") as fh:
        nodes = list(csv.reader(fh))
    with (out / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        rels = list(csv.reader(fh))
    nh, rh = nodes[0], rels[0]
    assert nh[:2] == ["id:ID", ":LABEL"] and rh[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "amount:double" in rh and "row:long" in rh and "date" in rh
    assert len(set(nh)) == len(nh) and len(set(rh)) == len(rh)
    G = build_graph(db)
    assert len(nodes) - 1 == G.number_of_nodes() and len(rels) - 1 == G.number_of_edges()
    ids = {row[0] for row in nodes[1:]}
    assert all(row[0] in ids and row[1] in ids for row in rels[1:])
    for row in nodes[1:] + rels[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row), row
    name_col = nh.index("name")
    c2 = next(row for row in nodes[1:] if row[0] == "C2")
    assert c2[name_col] == "'" + FORMULA and c2[1] == "Company"
    amount = rh.index("amount:double")
    g1 = next(row for row in rels[1:] if row[rh.index("record_id")] == "G1")
    assert g1[2] == "GIFT" and float(g1[amount]) == 20000.0


def test_i2_chart_when_anxwritter_is_installed(world_db, tmp_path):
    pytest.importorskip("anxwritter")
    db, path = world_db
    out = tmp_path / "chart.anx"
    run(["--to", "i2", "--db", path, "--out", str(out), "--lang", "zh"])
    root = ET.parse(out).getroot()
    G = build_graph(db)
    items = root.iter("ChartItem")
    ends = links = 0
    labels = set()
    for item in items:
        labels.add(item.get("Label"))
        if item.find("End") is not None:
            ends += 1
        if item.find("Link") is not None:
            links += 1
    assert ends == G.number_of_nodes() and links == G.number_of_edges()
    assert {"李明", "华鼎科技有限公司", FORMULA, "G1", "HT1"} <= labels


def test_xml_exports_are_deterministic_and_survive_control_characters(world_db, tmp_path):
    from graphrisk.export import graphml, gexf

    db, _ = world_db
    G = build_graph(db)
    G.nodes["P1"]["name"] = "王\x01强 <b>&\"'"
    for mod, reader, suffix in ((graphml, lambda p: nx.read_graphml(p, force_multigraph=True), "graphml"),
                                (gexf, nx.read_gexf, "gexf")):
        a, b = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        mod.write(G, a)
        mod.write(G, b)
        assert a.read_bytes() == b.read_bytes()
        H = reader(a)
        assert H.nodes["P1"]["name"] == "王\ufffd强 <b>&\"'"
        assert H.number_of_edges() == G.number_of_edges()


MORE_KINDS = {
    "organisations.csv": """\
        organisation_id,name,registration_no,type,region,country
        G1,市建筑业协会,51110000MJ0000001X,行业协会,市本级,CN
        """,
    "memberships.csv": """\
        official_id,unit_id,role,start_date,end_date,source
        O1,U3,兼任副主任,2026-01-01,2026-12-31,任职文件
        """,
    "decisions.csv": """\
        decision_id,unit_id,official_id,beneficiary_id,date,decision_type,title,amount,currency,role
        D1,U1,O1,C1,2026-05-20,subsidy,技术改造补贴,300000,CNY,approver
        D2,U3,,G1,2026-06-01,licence,资质核准,,,
        """,
}


@pytest.fixture
def more_db(tmp_path):
    """The small world with an organisation, a second membership and decisions (kinds the sample lacks)."""
    from graphrisk import store
    from graphrisk.ingest import ingest_paths

    path = tmp_path / "more.db"
    db = store.connect(path)
    ingest_paths(db, [write_files(tmp_path / "more", {**SMALL_WORLD, **MORE_KINDS})])
    return db, str(path)


def test_decisions_memberships_and_organisations_export(more_db, tmp_path):
    from followthemoney import model

    db, path = more_db
    G = build_graph(db)
    kinds = {d["kind"] for *_, d in G.edges(keys=True, data=True)}
    assert {"decision", "decided", "member_of"} <= kinds
    out = tmp_path / "m.ftm.json"
    run(["--to", "ftm", "--db", path, "--out", str(out)])
    entities = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        p = model.get_proxy(data, cleaned=False)
        assert p.schema.validate(data) is None
        entities[p.id] = p
    org = next(p for p in entities.values() if p.schema.name == "Organization")
    assert org.get("name") == ["市建筑业协会"]
    members = [p for p in entities.values() if p.schema.name == "Membership"
               and entities[p.get("member")[0]].get("name") == ["李明"]]
    assert {entities[m.get("organization")[0]].get("name")[0] for m in members} == {"市财政局", "市交通运输局"}
    links = [p for p in entities.values() if p.schema.name == "UnknownLink" and p.get("role") == ["subsidy"]]
    assert {entities[p.get("subject")[0]].get("name")[0] for p in links} == {"市财政局", "李明"}
    out = tmp_path / "m.graphml"
    run(["--to", "graphml", "--db", path, "--out", str(out)])
    H = nx.read_graphml(out, force_multigraph=True)
    d1 = [d for _, _, d in H.edges(data=True) if d.get("record_id") == "D1"]
    assert {d["kind"] for d in d1} == {"decision", "decided"} and all(d["amount"] == 300000.0 for d in d1)


def test_case_file_with_decisions_and_memberships(more_db):
    from graphrisk import settings as settings_mod
    from graphrisk.explain import case_text, explain

    db, _ = more_db
    c = explain(db, "O1", settings=settings_mod.load())
    assert [u["unit_id"] for u in c.official["units"]] == ["U1", "U3"]
    ids = [r.record_id for r in c.timeline]
    assert "D1" in ids and c.records["D1"].role == "decision"
    assert ids.index("G1") < ids.index("D1")
    links = {(x["benefit"], x["decision"]): x["days"] for x in c.links}
    assert links[("G1", "D1")] == 79  # the subsidy to the same supplier, 79 days after the gift
    zh = case_text(c, "zh")
    assert "兼任副主任" in zh and "2026年1月1日至2026年12月31日" in zh and "30万元" in zh


def test_i2_without_anxwritter_is_a_clear_error(world_db, tmp_path, monkeypatch):
    import sys

    _, path = world_db
    monkeypatch.setitem(sys.modules, "anxwritter", None)
    r = CliRunner().invoke(cli, ["export", "--to", "i2", "--db", path, "--out", str(tmp_path / "c.anx"), "--lang", "en"])
    assert r.exit_code == 1 and "the i2 export needs anxwritter" in r.output and "Traceback" not in r.output
