"""Maps as an investigator sees them: opened from file:// in headless Chromium (Debian's, never downloaded).

Fail when CI=true and the browser is missing; skip elsewhere (tests/browser.py).
"""
from __future__ import annotations

import json
import re

import pytest

from graphrisk import store
from graphrisk.graph import build_graph
from graphrisk.render import maps

from .browser import SCREENSHOT_DIR, browser_page, require_chromium
from .test_maps import G, HOSTILE_COMPANY, HOSTILE_PERSON, english, hand_path, map_db, page_data  # noqa: F401

pytestmark = pytest.mark.browser

READY = "window.graphriskMap && window.graphriskMap.stabilized === true"
DRAWN = """() => {
  const net = window.graphriskNetwork, d = window.graphriskData;
  return {nodes: net.body.nodeIndices.length, edges: net.body.edgeIndices.length,
          dataNodes: d.nodes.length, dataEdges: d.edges.length, viewEdges: d.edgesView.length,
          summary: window.graphriskMap, scripts: document.scripts.length,
          imgs: document.querySelectorAll('img, iframe, object, embed').length,
          bodyStabilized: document.body.dataset.stabilized};
}"""


def open_map(s, path, timeout_ms: int = 60_000) -> dict:
    s.open(path)
    s.wait_for(READY, timeout_ms=timeout_ms)
    return s.page.evaluate(DRAWN)


def assert_clean(s) -> None:
    assert s.errors == [], s.errors
    assert s.dialogs == [], s.dialogs
    assert s.outside_requests() == [], s.outside_requests()
    assert s.requests == [s.url]


def assert_counts(drawn: dict, summary: dict) -> None:
    assert drawn["nodes"] == drawn["dataNodes"] == drawn["summary"]["nodes"] == summary["nodes"]
    assert drawn["edges"] == drawn["dataEdges"] == drawn["viewEdges"] == drawn["summary"]["edges"] == summary["edges"]
    assert drawn["summary"]["omitted"] == summary["omitted"]
    assert drawn["bodyStabilized"] == "true"


def search(s, text: str) -> str | None:
    s.page.fill("#gr-search", text)
    s.page.click("#gr-search-go")
    return s.page.evaluate("window.graphriskMap.selected")


def hover(s, node_id: str) -> str:
    """Move the mouse onto a node and return the tooltip's text."""
    pos = s.page.evaluate("""(id) => {
        const net = window.graphriskNetwork; const p = net.getPositions([id])[id];
        const d = net.canvasToDOM(p); const r = document.getElementById('mynetwork').getBoundingClientRect();
        return {x: r.left + d.x, y: r.top + d.y}; }""", node_id)
    s.page.mouse.move(pos["x"], pos["y"])
    s.page.wait_for_selector("#gr-tip:not([hidden])", timeout=5000)
    return s.page.text_content("#gr-tip")


# ------------------------------------------------------------------ the fixture world with hostile names

def test_official_map_in_the_browser(G, tmp_path):  # noqa: F811
    require_chromium()
    r = maps.official_map(G, "O1", hops=2, paths=[hand_path(G)], levels={"O1": "red", "O2": "yellow"})
    path = r.write(tmp_path / "o1.html")
    with browser_page() as s:
        drawn = open_map(s, path)
        assert_counts(drawn, r.summary)
        assert drawn["scripts"] == 3 and drawn["imgs"] == 0
        # search by name and by id focuses the node
        assert search(s, "王强") == "P1"
        assert s.page.evaluate("window.graphriskNetwork.getSelectedNodes()") == ["P1"]
        assert "王强" in s.page.text_content("#gr-details")
        # the hostile names are text: found by id, shown literally, nothing runs
        assert search(s, "P9") == "P9"
        assert HOSTILE_PERSON in s.page.text_content("#gr-details")
        assert HOSTILE_PERSON in hover(s, "P9")
        assert s.page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert s.page.evaluate("document.scripts.length") == 3
        # the path panel explains, and clicking selects the path
        assert "received" in s.page.text_content("#gr-paths")
        s.page.click(f"li[data-path-id='{hand_path(G).path_id}']")
        assert set(s.page.evaluate("window.graphriskNetwork.getSelectedNodes()")) == {"O1", "P1", "C1"}
        shot = s.screenshot("map-official-O1")
        assert_clean(s)
    assert shot.stat().st_size > 10_000


def test_escaping_holds_without_the_content_security_policy(G, tmp_path):  # noqa: F811
    """The CSP is a second wall; escaping alone must keep the hostile names inert."""
    require_chromium()
    r = maps.official_map(G, "O1", hops=2)
    html = r.html
    start = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:start] + html[html.index(">", start) + 1:]
    path = tmp_path / "no-csp.html"
    path.write_text(html, encoding="utf-8")
    with browser_page() as s:
        drawn = open_map(s, path)
        assert_counts(drawn, r.summary)
        assert search(s, "P9") == "P9" and HOSTILE_PERSON in hover(s, "P9")
        assert search(s, "C9") == "C9" and HOSTILE_COMPANY in s.page.text_content("#gr-details")
        assert search(s, "P7") == "P7"  # a URL in the data is shown as text, nothing is fetched
        assert "see http://example.org/x?a=1 and <a href=//evil.example>me</a>" in s.page.text_content("#gr-details")
        s.page.evaluate("window.graphriskNetwork.fit()")
        assert s.page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert s.page.evaluate("document.scripts.length") == 3
        assert_clean(s)


def test_hostile_company_map_runs_nothing(G, tmp_path):  # noqa: F811
    require_chromium()
    r = maps.company_map(G, "C9", hops=2)
    path = r.write(tmp_path / "c9.html")
    with browser_page() as s:
        drawn = open_map(s, path)
        assert_counts(drawn, r.summary)
        assert s.page.title() == f"Ties of {HOSTILE_COMPANY} (C9)"
        assert s.page.text_content("#gr-title") == f"Ties of {HOSTILE_COMPANY} (C9)"
        assert search(s, "贸易有限公司") == "C9"
        details = s.page.text_content("#gr-details")
        assert HOSTILE_COMPANY in details
        assert s.page.evaluate("document.scripts.length") == 3
        # the contract titled with markup shows as text in the edge tooltip of HT3
        s.page.evaluate("""() => {const e = window.graphriskData.edges.get({filter: x => x.kind === 'contract'
            && x.to === 'C9'})[0]; window.graphriskNetwork.selectEdges([e.id]);}""")
        s.screenshot("map-company-hostile")
        assert_clean(s)


def test_edge_toggles_and_date_filter(G, tmp_path):  # noqa: F811
    require_chromium()
    r = maps.official_map(G, "O1", hops=2)
    data = page_data(r.html)
    gifts = sum(1 for e in data["edges"] if e["kind"] == "gift")
    path = r.write(tmp_path / "o1.html")
    with browser_page() as s:
        open_map(s, path)
        total = s.page.evaluate("window.graphriskMap.visibleEdges")
        s.page.uncheck("input[data-kind='gift']")
        assert s.page.evaluate("window.graphriskMap.visibleEdges") == total - gifts
        assert s.page.evaluate("window.graphriskNetwork.body.edgeIndices.length") == total - gifts
        s.page.check("input[data-kind='gift']")
        assert s.page.evaluate("window.graphriskMap.visibleEdges") == total
        s.page.fill("#gr-date-from", "2026-03-01")
        s.page.fill("#gr-date-to", "2026-03-31")
        s.page.dispatch_event("#gr-date-to", "change")
        expected = sum(1 for e in data["edges"] if e["undated"] or any(
            "2026-03-01" <= (rec["date"] or "")[:10] <= "2026-03-31" for rec in e["records"]))
        assert s.page.evaluate("window.graphriskMap.visibleEdges") == expected < total
        assert "shown with the filters" in s.page.text_content("#gr-counts")
        s.page.click("#gr-date-reset")
        assert s.page.evaluate("window.graphriskMap.visibleEdges") == total
        assert_clean(s)


def test_cap_note_shows_on_the_page(G, tmp_path):  # noqa: F811
    require_chromium()
    r = maps.official_map(G, "O1", hops=3, max_nodes=5)
    path = r.write(tmp_path / "capped.html")
    with browser_page() as s:
        drawn = open_map(s, path)
        assert_counts(drawn, r.summary)
        assert drawn["summary"]["omitted"] > 0
        assert s.page.is_visible("#gr-note")
        assert s.page.text_content("#gr-note").startswith("Showing 5 of ")
        assert_clean(s)


# ------------------------------------------------------------------ the sample world

@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    sample = pytest.importorskip("graphrisk.sample")
    from graphrisk.ingest import ingest_paths

    root = tmp_path_factory.mktemp("sample-maps")
    sample.generate(root / "world", scale=0.1, seed=42)
    db = store.connect(root / "store.db")
    ingest_paths(db, [root / "world"])
    truth = json.loads((root / "world" / "truth.json").read_text(encoding="utf-8"))
    return db, truth


def test_sample_world_maps_in_the_browser(sample_store, tmp_path):
    require_chromium()
    db, truth = sample_store
    hostile = truth["hostile_names"]
    notes: list[str] = []
    made = {
        "sample-hostile-company": maps.map_from_store(db, company=hostile["company_id"], notes=notes),
        "sample-hostile-person": maps.map_from_store(db, company=hostile["person_id"], hops=1, notes=notes),
        "sample-overview": maps.map_from_store(db, overview=True, min_level="red", notes=notes),
    }
    G = build_graph(db)
    from graphrisk.engine import evaluation

    red = sorted(f.official_id for f in evaluation(db).flags if f.level == "red")
    if red:
        made["sample-red-official-paths"] = maps.map_from_store(db, official=red[0], only_paths=True)
        made["sample-red-official"] = maps.map_from_store(db, official=red[0])
    with browser_page() as s:
        for name, r in made.items():
            path = r.write(tmp_path / f"{name}.html")
            s.requests.clear()
            drawn = open_map(s, path)
            assert_counts(drawn, r.summary)
            assert drawn["scripts"] == 3 and drawn["imgs"] == 0
            s.screenshot(name)
            assert_clean(s)
        # the hostile person renders as text in the search result
        s.open(tmp_path / "sample-hostile-person.html")
        s.wait_for(READY)
        assert search(s, hostile["person_id"]) == hostile["person_id"]
        assert HOSTILE_PERSON in s.page.text_content("#gr-details")
        assert G.nodes[hostile["person_id"]]["name"] == HOSTILE_PERSON
        assert s.dialogs == [] and s.errors == []
    assert (SCREENSHOT_DIR / "sample-overview.png").exists()


# ------------------------------------------------------------------ readable maps of the sample world, zh and en

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def english_left(text: str, data: dict) -> list[str]:
    """English words in a page's visible text once the ids, names, record ids, record values and file names
    from the data (which stay as they are) are taken out."""
    names = set()
    for n in data["nodes"] + [m for x in data["expand"].values() for m in x["nodes"]]:
        names.update((n["name"], n["id"]))
    for e in data["edges"] + [f for x in data["expand"].values() for f in x["edges"]]:
        for r in e["records"]:  # the record's id and the values of its fields (a channel, a title) are data
            names.add(r["id"])
            names.update(part.split(": ", 1)[-1] for part in (r["extra"] or "").split("; "))
    names.update(p["id"] for p in data["paths"])
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"[\w.\-]+\.(csv|xlsx|jsonl|json|tsv)(:\d+)?", " ", text)
    return ENGLISH_WORD.findall(text)


@pytest.fixture(scope="module")
def readable(sample_store, tmp_path_factory):
    """The demo's maps of the sample world: a red official with a conflict path (their name written in
    traditional characters, as a register from Taiwan or Hong Kong would), in Chinese and English, and the
    overview."""
    import opencc

    from graphrisk.engine import evaluation
    from graphrisk.i18n import set_lang

    db, _ = sample_store
    ev = evaluation(db)
    G = build_graph(db)
    with_paths = [f for f in ev.flags if f.level == "red" and any(p.official_id == f.official_id for p in ev.paths)]
    assert with_paths, "the sample world plants red officials with conflict paths"
    oid = with_paths[0].official_id
    simplified = "陈伟东"
    G.nodes[oid]["name"] = opencc.OpenCC("s2t").convert(simplified)
    assert G.nodes[oid]["name"] == "陳偉東"
    levels = {f.official_id: f.level for f in ev.flags}
    scores = {f.official_id: f.score for f in ev.flags}
    out = tmp_path_factory.mktemp("readable")
    made = {}
    for lang in ("zh", "en"):
        set_lang(lang)
        r = maps.official_map(G, oid, paths=ev.paths, levels=levels, scores=scores, lang=lang)
        made[f"official-{lang}"] = (r, r.write(out / f"official-{lang}.html"))
        o = maps.overview_map(G, levels, min_level="orange", paths=ev.paths, scores=scores, lang=lang)
        made[f"overview-{lang}"] = (o, o.write(out / f"overview-{lang}.html"))
    set_lang(None)
    return {"oid": oid, "name": G.nodes[oid]["name"], "simplified": simplified, "G": G, "made": made, "ev": ev}


def test_demo_official_map_is_readable_in_both_languages(readable):
    require_chromium()
    from pypinyin import lazy_pinyin

    oid = readable["oid"]
    with browser_page() as s:
        for lang in ("zh", "en"):
            r, path = readable["made"][f"official-{lang}"]
            data = page_data(r.html)
            s.requests.clear()
            drawn = open_map(s, path)
            assert_counts(drawn, r.summary)
            assert 0 < drawn["nodes"] <= 150 and r.summary["cap"] == 150
            assert s.page.is_visible("#gr-timeline") and s.page.locator("#gr-timeline circle.on-path").count() >= 2
            body = s.page.inner_text("body")
            if lang == "zh":
                assert english_left(body, data) == [], english_left(body, data)
                assert "利益冲突路径" in body and "时间轴" in body
            else:
                assert "Conflict paths" in body and "Timeline" in body
            s.screenshot(f"readable-official-{lang}")
            # pinyin, simplified characters and the id all find the traditional-character name
            for query in ("".join(lazy_pinyin(readable["simplified"])), readable["simplified"], oid.lower()):
                assert s.page.evaluate("(q) => window.graphriskSearch(q)", query)[0] == oid, query
            assert readable["name"] in s.page.text_content("#gr-results")
            assert_clean(s)


def test_search_lists_every_match(readable):
    require_chromium()
    r, path = readable["made"]["official-zh"]
    data = page_data(r.html)
    from collections import Counter

    from graphrisk.render.search_keys import fold

    everyone = {n["id"]: fold(n["name"]) for n in data["nodes"] + [m for x in data["expand"].values()
                                                                   for m in x["nodes"]]}
    surname = Counter(name[0] for name in everyone.values() if name).most_common(1)[0][0]  # a common surname
    expected = {i for i, name in everyone.items() if surname in name}
    with browser_page() as s:
        open_map(s, path)
        found = s.page.evaluate("(q) => window.graphriskSearch(q)", surname)
        assert set(found) >= expected and len(found) == len(set(found)) >= 2
        assert s.page.locator("#gr-results li").count() == len(found)
        s.screenshot("readable-search-results")
        assert_clean(s)


def test_path_click_dims_the_rest_and_a_hub_expands(readable):
    require_chromium()
    r, path = readable["made"]["official-en"]
    data = page_data(r.html)
    pd = data["paths"][0]
    with browser_page() as s:
        open_map(s, path)
        s.page.click(f"li[data-path-id='{pd['id']}']")
        state = s.page.evaluate("window.graphriskMap")
        on = set(pd["nodes"])
        assert state["activePath"] == pd["id"] and state["dimmed"] == r.summary["nodes"] - len(on & {
            n["id"] for n in data["nodes"]})
        colours = s.page.evaluate("""() => window.graphriskData.nodes.get().map(n => [n.id, n.color.background])""")
        assert all((c == "#eceff2") == (i not in on) for i, c in colours)
        assert s.page.is_visible("#gr-dimbar")
        faded = s.page.locator("#gr-timeline circle.faded").count()
        assert faded == s.page.locator("#gr-timeline circle.ev").count() - s.page.locator(
            f"#gr-timeline circle[data-paths~='{pd['id']}']").count()
        s.screenshot("readable-path-dimmed")
        s.page.click("#gr-undim")
        assert s.page.evaluate("window.graphriskMap.dimmed") == 0
        # a collapsed hub: clicking it adds its hidden neighbours from the file
        hub = next(h for h, x in sorted(data["expand"].items()) if x["nodes"])
        pos = s.page.evaluate("""(id) => { const net = window.graphriskNetwork; net.focus(id, {scale: 1.5});
            const d = net.canvasToDOM(net.getPositions([id])[id]);
            const r = document.getElementById('mynetwork').getBoundingClientRect();
            return {x: r.left + d.x, y: r.top + d.y}; }""", hub)
        before = s.page.evaluate("window.graphriskData.nodes.length")
        s.page.mouse.click(pos["x"], pos["y"])
        s.wait_for(f"window.graphriskMap.expanded.indexOf({json.dumps(hub)}) >= 0", timeout_ms=5000)
        after = s.page.evaluate("window.graphriskData.nodes.length")
        new = {n["id"] for n in data["expand"][hub]["nodes"]} - {n["id"] for n in data["nodes"]}
        assert after == before + len(new) > before
        s.page.evaluate("window.graphriskNetwork.fit()")
        s.screenshot("readable-hub-expanded")
        assert_clean(s)


def test_overview_holds_the_flagged_and_their_companies(readable):
    require_chromium()
    ev = readable["ev"]
    for lang in ("zh", "en"):
        r, path = readable["made"][f"overview-{lang}"]
        data = page_data(r.html)
        kinds = {n["kind"] for n in data["nodes"]}
        on_paths = {n for p in data["paths"] for n in p["nodes"]}
        flagged = {f.official_id for f in ev.flags if f.level in ("red", "orange")}
        assert {n["id"] for n in data["nodes"]} <= flagged | on_paths and kinds <= {"official", "company", "person",
                                                                                  "unit", "organisation"}
        assert r.summary["nodes"] <= 150
    with browser_page() as s:
        for lang in ("zh", "en"):
            r, path = readable["made"][f"overview-{lang}"]
            s.requests.clear()
            open_map(s, path)
            if lang == "zh":
                left = english_left(s.page.inner_text("body"), page_data(r.html))
                assert left == [], left
            s.screenshot(f"readable-overview-{lang}")
            assert_clean(s)
