"""Interactive HTML maps: the generated file, without a browser (see test_maps_browser.py for the page)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk import store
from graphrisk.cli import cli
from graphrisk.findings import ConflictPath, PathEdge
from graphrisk.graph import build_graph
from graphrisk.render import html as h
from graphrisk.render import maps

from .conftest import SMALL_WORLD, write_files

HOSTILE_PERSON = "<img src=x onerror=alert(1)>"
HOSTILE_COMPANY = '<script>alert("x")</script>贸易有限公司'

# The small world plus hostile names, parallel gifts (to collapse) and a name with a line separator.
MAP_WORLD = dict(SMALL_WORLD)
MAP_WORLD["people.csv"] = SMALL_WORLD["people.csv"] + """\
        P9,<img src=x onerror=alert(1)>,,
        P8,"Ann\u2028&amp; Bob </script>",,
        P7,周到,,see http://example.org/x?a=1 and <a href=//evil.example>me</a> src=//x
        """
MAP_WORLD["companies.csv"] = SMALL_WORLD["companies.csv"] + """\
        C9,"<script>alert(""x"")</script>贸易有限公司",,市本级,贸易
        """
MAP_WORLD["gifts.csv"] = SMALL_WORLD["gifts.csv"] + """\
        G3,P1,O1,2026-03-20,5000,CNY,茶叶,否
        G4,P1,O1,2026-04-01,3000,CNY,酒,否
        G5,P9,O1,2026-02-02,800,CNY,<b>bold</b>,否
        G6,P8,O1,2026-02-03,100,CNY,书,是
        """
MAP_WORLD["contracts.csv"] = SMALL_WORLD["contracts.csv"] + """\
        HT3,U1,C9,2026-05-10,150000,CNY,direct,O1,<img src=y onerror=alert(2)>
        """
MAP_WORLD["relations.csv"] = SMALL_WORLD["relations.csv"] + """\
        P9,C9,shareholder,50,,,工商登记
        P7,O1,associate,,,,https://registry.example/record/1
        """


@pytest.fixture(autouse=True)
def english():
    """Texts asserted below are the English ones; test_maps_browser checks the Chinese pages."""
    from graphrisk.i18n import set_lang

    set_lang("en")
    yield
    set_lang(None)


@pytest.fixture
def map_db(db, tmp_path):
    from graphrisk.ingest import ingest_paths

    ingest_paths(db, [write_files(tmp_path / "mapworld", MAP_WORLD)])
    return db


@pytest.fixture
def G(map_db):
    return build_graph(map_db)


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="graphrisk-data">(.*?)</script>', html, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


def hand_path(G) -> ConflictPath:
    """O1's path through P1 (gift) who is legal representative of C1, which won HT1."""
    def pe(kind, rid, s, t, key):
        d = G.edges[s, t, key]
        return PathEdge(kind=kind, record_id=rid, source=s, target=t, date=d.get("date"), amount=d.get("amount"),
                        currency=d.get("currency"), source_file=d.get("source"), row=d.get("row"))
    edges = [pe("gift", "G1", "P1", "O1", "gift:G1"),
             pe("legal_representative", "P1|legal_representative|C1", "P1", "C1",
                "legal_representative:P1|legal_representative|C1"),
             pe("approved", "HT1", "O1", "C1", "approved:HT1")]
    return ConflictPath(official_id="O1", company_id="C1", unit_id="U1", score=82.0, nodes=["O1", "P1", "C1"],
                        edges=edges, gap_days=39, explanation="李明 <b>received</b> a gift from 王强 & approved HT1",
                        hops=2, approved_personally=True, latest_date="2026-04-10")


# ------------------------------------------------------------------ offline, escaped, complete

def test_map_is_self_contained_and_offline(G, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path))
    r = maps.official_map(G, "O1", levels={"O1": "red"})
    out = r.write(tmp_path / "out" / "o1.html")
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"(?i)https?:(//|\\/\\/)", html)
    assert h.find_remote_references(html) == []
    assert "sourceMappingURL" not in html
    assert not re.search(r"(?i)<(link|iframe|img|object|embed)\b", html)
    assert not re.search(r"(?i)<script[^>]*\bsrc\s*=", html)
    assert "@import" not in html and "fonts.googleapis" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "vis-network" in html and "new vis.Network" in html  # vis-network itself is inlined
    assert set(os.listdir(tmp_path)) == before | {"out"} and os.listdir(tmp_path / "out") == ["o1.html"]
    assert not (tmp_path / "lib").exists() and not Path("lib").exists()


def test_hostile_names_are_escaped(G):
    r = maps.official_map(G, "O1", hops=2)
    html = r.html
    for raw in (HOSTILE_PERSON, HOSTILE_COMPANY, "<script>alert", "<img src=y", "<b>bold</b>", "</script>贸易"):
        assert raw not in html
    # exactly our three script elements, no element made from data
    assert len(re.findall(r"(?i)<script\b", html)) == 3
    assert len(re.findall(r"(?i)</script", html)) == 3
    assert "\u2028" not in html and "\u2029" not in html
    data = page_data(html)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert names["P9"] == HOSTILE_PERSON and names["C9"] == HOSTILE_COMPANY  # intact as data
    assert names["P8"].startswith("Ann\u2028&amp; Bob")
    outside = re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S)
    outside = re.sub(r'<section id="gr-timeline".*?</section>', "", outside, flags=re.S)  # escaped text there
    assert not any(x in outside for x in ("onerror=alert", "alert(1)", "alert(2)", "<b>bold"))  # data stays in JSON
    assert "JSON.parse(document.getElementById(\"graphrisk-data\").textContent)" in html
    assert ".innerHTML" not in h.asset_text("map.js")


def test_urls_in_data_stay_text_and_the_file_still_has_no_url(G):
    r = maps.official_map(G, "O1", hops=1)
    assert not re.search(r"(?i)https?://", r.html) and h.find_remote_references(r.html) == []
    data = page_data(r.html)
    p7 = {n["id"]: n for n in data["nodes"]}["P7"]
    assert ["Note", "see http://example.org/x?a=1 and <a href=//evil.example>me</a> src=//x"] in p7["info"]
    # and a title that holds a URL
    G.nodes["C9"]["name"] = "http://evil.example/x"
    html = maps.company_map(G, "C9", hops=1).html
    assert not re.search(r"(?i)https?://", html) and "http:&#47;&#47;evil.example&#47;x (C9)</title>" in html


def test_title_with_hostile_name_is_escaped(G):
    html = maps.company_map(G, "C9", hops=1).html
    assert "<title>Ties of &lt;script&gt;alert(&#34;x&#34;)&lt;&#47;script&gt;贸易有限公司 (C9)</title>" in html
    assert HOSTILE_COMPANY not in html


def test_counts_match_the_page_data(G):
    r = maps.official_map(G, "O1", hops=2)
    data = page_data(r.html)
    s = r.summary
    assert s["nodes"] == len(data["nodes"]) == data["meta"]["nodes"]
    assert s["edges"] == len(data["edges"]) == data["meta"]["edges"]
    assert s["records"] == sum(e["count"] for e in data["edges"])
    assert f'data-nodes="{s["nodes"]}"' in r.html and f'data-edges="{s["edges"]}"' in r.html
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])
    # everything within 2 hops of O1 is there: every record among these nodes is drawn
    sub = G.subgraph(ids)
    assert s["records"] == sub.number_of_edges()
    assert s["omitted"] == 0 and "gr-note" in r.html and data["meta"]["note"] is None


def test_parallel_records_collapse_into_one_edge_with_count_and_sum(G):
    data = page_data(maps.official_map(G, "O1").html)
    gifts = [e for e in data["edges"] if e["kind"] == "gift" and e["from"] == "P1" and e["to"] == "O1"]
    assert len(gifts) == 1
    e = gifts[0]
    assert e["count"] == 3 and e["total"] == 28000 and e["label"] == "×3"
    assert [r["id"] for r in e["records"]] == ["G1", "G3", "G4"]  # by date
    assert ["Total", "28,000 CNY"] in e["info"] and ["Dates", "2026-03-02 to 2026-04-01"] in e["info"]
    assert all(r["source"].startswith("gifts.csv:") for r in e["records"])
    single = [x for x in data["edges"] if x["kind"] == "gift" and x["from"] == "P9"][0]
    assert single["count"] == 1 and "label" not in single
    assert e["width"] > single["width"]  # width grows with the amount
    # a second kind between the same two nodes is curved so both stay visible
    contact = [x for x in data["edges"] if x["kind"] == "contact" and {x["from"], x["to"]} == {"O1", "P1"}][0]
    assert "smooth" in contact or "smooth" in e


def test_styles_come_from_the_schema(G):
    from graphrisk import schema
    from graphrisk.render.map_data import label_width

    data = page_data(maps.official_map(G, "O1", levels={"O1": "red", "O2": "yellow"}).html)
    nodes = {n["id"]: n for n in data["nodes"]}
    for n in nodes.values():
        assert n["shape"] == schema.NODE_KINDS[n["kind"]]["shape"]
        assert n["color"]["background"] == schema.NODE_KINDS[n["kind"]]["color"]
        # at most LABEL_MAX Chinese characters wide (twice as many Latin ones); "(+N)": a collapsed hub
        assert label_width(re.sub(r" \(\+\d+\)$", "", n["label"])) <= 2 * maps.LABEL_MAX
    assert nodes["O1"]["color"]["border"] == maps.LEVEL_COLORS["red"] and nodes["O1"]["borderWidth"] == 5
    assert nodes["O2"]["color"]["border"] == maps.LEVEL_COLORS["yellow"]
    assert nodes["O1"]["size"] >= nodes["P4"]["size"] if "P4" in nodes else True
    for e in data["edges"]:
        ek = schema.EDGE_KINDS[e["kind"]]
        assert e["color"]["color"] == ek.color and e["dashes"] == ek.dashes
    info = dict(nodes["O1"]["info"])
    assert info["Unit"] == "市财政局 (U1)" and info["Position"] == "局长" and info["Risk level"] == "red"
    assert info["Source"].startswith("officials.csv:")
    legend_kinds = [k["kind"] for k in data["legend"]["edges"]]
    assert legend_kinds == [k for k in schema.EDGE_KINDS if k in legend_kinds]
    assert [lv["level"] for lv in data["legend"]["levels"]] == ["red", "yellow"]
    assert "Noto Sans CJK SC" in data["options"]["nodes"]["font"]["face"]
    assert data["options"]["physics"]["solver"] == "forceAtlas2Based"
    assert data["options"]["physics"]["stabilization"]["enabled"] is True


# ------------------------------------------------------------------ cap

def test_node_cap_keeps_focus_and_paths_and_says_what_it_left_out(G):
    p = hand_path(G)
    r = maps.official_map(G, "O1", hops=3, paths=[p], max_nodes=4)
    data = page_data(r.html)
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == 4 and ids[:3] == ["O1", "P1", "C1"]  # focus, then the path
    assert r.summary["omitted"] == r.summary["candidates"] - 4 > 0
    assert r.summary["omitted_records"] > 0
    note = data["meta"]["note"]
    assert note.startswith("Showing 4 of ") and "max_nodes = 4" in note and "left out" in note
    assert data["paths"][0]["shown"] is True


def test_node_cap_from_settings(G, tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[map]\nmax_nodes = 3\n", encoding="utf-8")
    s = settings_mod.load(cfg)
    r = maps.official_map(G, "O1", settings=s)
    assert r.summary["nodes"] == 3 and r.summary["cap"] == 3
    # the nearest, then the most connected, first
    data = page_data(r.html)
    hops = [n["hop"] for n in data["nodes"]]
    assert hops == sorted(hops)


def test_size_by_a_chosen_centrality(G):
    pytest.importorskip("graphrisk.analysis.centrality")
    s = settings_mod.load(overrides={"map": {"centrality": "pagerank"}})
    data = page_data(maps.official_map(G, "O1", settings=s).html)
    assert data["meta"]["centrality"] == "pagerank"
    assert any(row[0] == "Centrality (PageRank)" for row in data["nodes"][0]["info"])
    s = settings_mod.load(overrides={"map": {"centrality": "no-such-measure"}})
    assert page_data(maps.official_map(G, "O1", settings=s).html)["meta"]["centrality"] == "degree"


def test_unknown_map_setting_is_rejected(tmp_path):
    from graphrisk.errors import SettingsError

    cfg = tmp_path / "s.toml"
    cfg.write_text("[map]\nmax_nodez = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="map.max_nodez"):
        settings_mod.load(cfg)


# ------------------------------------------------------------------ paths, overview, window

def test_paths_drawn_on_top_with_their_explanation(G):
    p = hand_path(G)
    data = page_data(maps.official_map(G, "O1", paths=[p], only_paths=True).html)
    assert data["meta"]["mode"] == "official-paths"
    [pd] = data["paths"]
    assert pd["id"] == p.path_id and pd["explanation"] == p.explanation and pd["shown"]
    assert len(pd["edges"]) == 3
    on_path = [e for e in data["edges"] if e["paths"]]
    assert {e["id"] for e in on_path} == set(pd["edges"])
    assert all("shadow" in e for e in on_path)
    assert data["edges"][-len(on_path):] == on_path  # drawn last: on top
    assert all(n["onPath"] for n in data["nodes"] if n["id"] in ("O1", "P1", "C1"))
    assert any("G1" in rec and "gifts.csv:" in rec for rec in pd["records"])


def test_real_paths_on_the_fixture_world(G):
    paths_mod = pytest.importorskip("graphrisk.analysis.paths")
    found = paths_mod.find_paths(G, official="O1")
    assert found, "the fixture world has O1's planted path"
    r = maps.official_map(G, "O1", paths=found)
    data = page_data(r.html)
    assert r.summary["paths"] == len(found)
    assert all(p["shown"] and p["edges"] for p in data["paths"])
    pm = maps.path_map(G, found[0])
    assert page_data(pm.html)["paths"][0]["id"] == found[0].path_id


def test_overview_shows_only_flagged_officials_and_their_paths(G):
    levels = {"O1": "red", "O3": "orange", "O2": "green"}
    r = maps.overview_map(G, levels, min_level="orange", paths=[hand_path(G)])
    data = page_data(r.html)
    ids = {n["id"] for n in data["nodes"]}
    # the flagged, and the path O1 → P1 → C1 (O1 approved HT1 himself: no unit on it): nothing else
    assert ids == {"O1", "O3", "P1", "C1"}
    assert data["meta"]["focus"] == ["O1", "O3"]
    assert data["paths"][0]["shown"] is True
    with pytest.raises(Exception):
        maps.overview_map(G, levels, min_level="purple")


def test_window_limits_records(map_db):
    full = maps.official_map(build_graph(map_db), "O1").summary
    spring = maps.official_map(build_graph(map_db, since="2026-03-01", until="2026-03-31"), "O1")
    assert spring.summary["records"] < full["records"]
    assert spring.summary["window"] == {"since": "2026-03-01", "until": "2026-03-31"}
    assert "records dated 2026-03-01 to 2026-03-31" in spring.html


def test_same_inputs_give_the_same_bytes(map_db, tmp_path, monkeypatch):
    a = maps.official_map(build_graph(map_db), "O1", paths=[], levels={"O1": "red"}).html
    monkeypatch.chdir(tmp_path)
    b = maps.official_map(build_graph(map_db), "O1", paths=[], levels={"O1": "red"}).html
    assert a == b


def test_not_found(G):
    from graphrisk.errors import NotFound

    with pytest.raises(NotFound):
        maps.official_map(G, "NOPE")
    with pytest.raises(NotFound):
        maps.company_map(G, "O1")


# ------------------------------------------------------------------ helpers

def test_json_for_script_escapes_what_could_end_the_script():
    s = str(h.json_for_script({"a": "</script><!-- & \u2028\u2029 >"}))
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s and "\u2029" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_vendor_script_is_neutralised():
    js = str(h.vis_network_js())
    assert not re.search(r"(?i)https?:(//|\\/\\/)", js)
    assert "sourceMappingURL" not in js and "</script" not in js.lower()
    assert "createElementNS" in js  # the library itself is intact
    with pytest.raises(ValueError):
        h.inline_css("body { background: url(https://example.org/x.png) }")


# ------------------------------------------------------------------ CLI

@pytest.fixture
def db_path(map_db, tmp_path):
    return str(tmp_path / "store.db")


def test_cli_map_official(db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "maps" / "o1.html"
    res = CliRunner().invoke(cli, ["map", "--official", "O1", "--hops", "1", "--out", str(out), "--db", db_path])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output and "nodes" in res.output
    html = out.read_text(encoding="utf-8")
    assert page_data(html)["meta"]["mode"] == "official"
    assert not (tmp_path / "lib").exists()


@pytest.mark.parametrize("args", [
    ["--company", "C9"], ["--company", "C1", "--since", "2026-01-01", "--until", "2026-12-31"],
    ["--official", "O1", "--paths"], ["--overview", "--min-level", "green"]])
def test_cli_map_modes(db_path, tmp_path, args):
    out = tmp_path / "m.html"
    res = CliRunner().invoke(cli, ["map", *args, "--out", str(out), "--db", db_path])
    assert res.exit_code == 0, res.output
    assert out.exists() and h.find_remote_references(out.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("args, message", [
    ([], "choose exactly one"), (["--official", "O1", "--company", "C1"], "choose exactly one"),
    (["--company", "C1", "--paths"], "--paths goes with --official"),
    (["--official", "O1", "--since", "2026-13-45"], "not a calendar date"),
    (["--official", "NOPE"], "no official with id 'NOPE'"),
    (["--path", "P-000000000000"], "no conflict path")])
def test_cli_map_errors(db_path, tmp_path, args, message):
    res = CliRunner().invoke(cli, ["map", *args, "--out", str(tmp_path / "m.html"), "--db", db_path])
    assert res.exit_code != 0
    assert message in res.output
    assert not (tmp_path / "m.html").exists()


def test_cli_map_help_has_an_example():
    res = CliRunner().invoke(cli, ["map", "--help"])
    assert res.exit_code == 0 and "Example:" in res.output and "graphrisk map --official" in res.output


# ------------------------------------------------------------------ readable by default: ties, hubs, search, timeline

def test_official_map_shows_paths_and_direct_private_ties_only(G):
    p = hand_path(G)
    r = maps.official_map(G, "O1", paths=[p])
    ids = {n["id"] for n in page_data(r.html)["nodes"]}
    # gifts (P1, P9, P8), the spouse (P2), the associate (P7), the trip sponsor (C1), the participant (O2),
    # the unit (U1); not P4 (an associate of P1: two hops) nor C2 or O3 (not tied to O1)
    assert {"O1", "P1", "P2", "P7", "P8", "P9", "C1", "O2", "U1"} <= ids
    assert not ids & {"P4", "C2", "O3", "P3"}
    assert r.summary["mode"] == "official" and r.summary["cap"] == 150
    # --hops keeps the old neighbourhood
    assert "P4" in {n["id"] for n in page_data(maps.official_map(G, "O1", hops=2).html)["nodes"]}


def test_hubs_collapse_with_a_count_and_expand_from_the_file(G):
    s = settings_mod.load(overrides={"map": {"hub_neighbours": 2, "hub_expand": 1}})
    data = page_data(maps.official_map(G, "O1", settings=s).html)
    nodes = {n["id"]: n for n in data["nodes"]}
    u1 = nodes["U1"]  # a unit is always a hub
    hidden = {m for m in set(G.succ["U1"]) | set(G.pred["U1"]) if m not in nodes}
    assert hidden and u1["collapsed"] == len(hidden) and u1["label"].endswith(f"(+{len(hidden)})")
    x = data["expand"]["U1"]
    assert x["total"] == len(hidden) and len(x["nodes"]) == 1 and x["more"] == len(hidden) - 1
    assert {n["id"] for n in x["nodes"]} <= hidden
    assert all("U1" in (e["from"], e["to"]) for e in x["edges"]) and x["edges"]
    assert not nodes["O1"]["collapsed"]  # the focus is never collapsed
    assert data["meta"]["hubs"] == sum(1 for n in nodes.values() if n["collapsed"])


def test_labels_are_cut_by_width_not_characters():
    from graphrisk.render.map_data import _short

    assert _short("华鼎科技有限公司") == "华鼎科技有限公司"
    assert _short("云南区嘉丰管理咨询股份有限公司") == "云南区嘉丰管理咨询…"
    assert _short("Leslie Hughes") == "Leslie Hughes" and _short("National Farmers' Union of England") == \
        "National Farmers'…"


def test_search_keys_fold_scripts_and_pinyin():
    from graphrisk.render.search_keys import char_folds, fold, name_keys, search_index

    assert name_keys("張　偉 ") == ("张伟", "zhangwei", "zw")
    assert fold("Ｏ１") == "o1" and fold("張偉") == "张伟"
    assert char_folds(["張偉", "李明"]) == {"張": "张", "偉": "伟"}
    idx = search_index([{"id": "O2", "name": "張偉"}], [{"from": "O1", "to": "O2", "records": [{"id": "T1"}]}])
    assert ["zhangwei", "O2", "pinyin", ""] in idx and ["t1", "O2", "record", "T1"] in idx


def test_search_index_and_folds_are_in_the_page(G):
    data = page_data(maps.official_map(G, "O1").html)
    keys = {(k, n) for k, n, *_ in data["search"]}
    assert ("zhangwei", "O2") in keys and ("张伟", "O2") in keys and ("g1", "O1") in keys and ("g1", "P1") in keys
    assert data["folds"].get("張") == "张"


def test_timeline_puts_benefit_before_award(G):
    from graphrisk.render.timeline import timeline_events, timeline_svg

    p = hand_path(G)
    events, undated = timeline_events(G, "O1", [p], "en")
    by = {e["record_id"]: e for e in events}
    assert by["G1"]["lane"] == "gift" and by["HT1"]["lane"] == "award" and by["K1"]["lane"] == "contact"
    assert by["T1"]["lane"] == "trip" and by["G1"]["paths"] == by["HT1"]["paths"] == [p.path_id]
    assert by["G1"]["date"] < by["HT1"]["date"]
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    svg = str(timeline_svg(events, "zh"))
    assert 'data-record="G1"' in svg and 'class="path-link"' in svg and "礼品" in svg and "合同授予" in svg
    assert "<img" not in svg and "http" not in svg
    html = maps.official_map(G, "O1", paths=[p]).html
    assert 'id="gr-timeline"' in html and 'data-record="HT1"' in html


def test_chinese_map_labels_have_no_english(G):
    data = page_data(maps.official_map(G, "O1", paths=[hand_path(G)], lang="zh",
                                       levels={"O1": "red"}).html)
    texts = list(data["ui"].values()) + [data["meta"]["title"], data["meta"]["subtitle"]]
    texts += [x["label"] for k in ("nodes", "edges", "levels") for x in data["legend"][k]]
    texts += [row[0] for n in data["nodes"] for row in n["info"]] + [row[0] for e in data["edges"] for row in e["info"]]
    names = {n["name"] for n in data["nodes"]} | {n["id"] for n in data["nodes"]}
    for text in texts:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, "")
        assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", text)), text
    assert data["meta"]["title"] == "李明（O1）：利益冲突路径与私人关系"


def test_maps_from_the_compact_graph_are_those_from_networkx(sample_db_path):
    """The maps read the engine's compact graph (no networkx copy of every record); its ``succ``/``pred``
    views give what networkx gives, so every kind of map is the same bytes either way."""
    from graphrisk import store as store_mod
    from graphrisk.engine import evaluation
    from graphrisk.graph import load
    from graphrisk.render.map_views import company_map, official_map, overview_map, path_map

    db = store_mod.connect(sample_db_path, create=False)
    ev = evaluation(db, store=False)
    lite = load(db)
    nxg = lite.to_networkx()
    kw = dict(levels={f.official_id: f.level for f in ev.flags}, scores={f.official_id: f.score for f in ev.flags})
    assert ev.paths, "the sample world has conflict paths"
    for o in [f.official_id for f in ev.flags][:6]:
        assert official_map(lite, o, paths=ev.paths, **kw).html == official_map(nxg, o, paths=ev.paths, **kw).html
    for p in ev.paths[:3]:
        assert company_map(lite, p.company_id, paths=ev.paths, **kw).html == \
            company_map(nxg, p.company_id, paths=ev.paths, **kw).html
        assert path_map(lite, p, **kw).html == path_map(nxg, p, **kw).html
    assert overview_map(lite, **kw).html == overview_map(nxg, **kw).html
