"""The weekly exposure report: planted events of the sample world, quiet weeks, escalation, determinism, escaping."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk import store
from graphrisk.cli import cli
from graphrisk.report import build_report, resolve_period, week_period
from graphrisk.report.build import attention
from graphrisk.report.period import Period, last_complete_week
from graphrisk.report.snapshots import Snapshot

from .browser import browser_page, require_chromium
from .conftest import SMALL_WORLD, write_files

WEEK = "2026-W46"
PATH_PATTERNS = {"gift_before_contract", "sponsored_trip_contract", "relative_owned_supplier", "two_hop_tie"}
HOSTILE = "<img src=x onerror=alert(1)>"


def run(*args) -> "object":
    return CliRunner().invoke(cli, ["report", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """A small sample world (scale 0.3, seed 42) ingested once, with its truth (read by the tests only)."""
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    base = tmp_path_factory.mktemp("report-sample")
    generate(base / "world", scale=0.3, seed=42)
    db_path = base / "store.db"
    ingest_paths(store.connect(db_path), [base / "world"])
    truth = json.loads((base / "world" / "truth.json").read_text(encoding="utf-8"))
    return db_path, truth, base


@pytest.fixture(scope="session")
def w46(sample_store):
    """The W46 report written once through the CLI (the analysis then stored), and written again."""
    db_path, truth, base = sample_store
    out1, out2 = base / "w46-a", base / "w46-b"
    config = base / "report.toml"
    config.write_text("[report]\nmax_maps = 4\n", encoding="utf-8")  # maps take ~1 s each; 4 cover the listed
    r1 = run("--week", WEEK, "--db", db_path, "--out", out1, "--config", config)
    assert r1.exit_code == 0, r1.output
    r2 = run("--week", WEEK, "--db", db_path, "--out", out2, "--quiet", "--config", config)
    assert r2.exit_code == 0, r2.output
    data = json.loads((out1 / "report.json").read_text(encoding="utf-8"))
    return data, out1, out2, truth, (r1, r2)


def planted_in_week(truth, patterns=None):
    start, end = truth["last_week"]["start"], truth["last_week"]["end"]
    assert (start, end) == (week_period(WEEK).since, week_period(WEEK).until)
    return [p for p in truth["patterns"] if start <= p["last_date"] <= end
            and p["expect"] == "red_or_orange" and (patterns is None or p["pattern"] in patterns)]


def listed(data) -> dict[str, str]:
    return {e["official_id"]: s for s in ("new", "escalated", "de_escalated", "new_evidence")
            for e in data["attention"][s]}


# ------------------------------------------------------------------ the sample week with planted events

def test_w46_lists_exactly_the_planted_officials(w46):
    data, _, _, truth, _ = w46
    planted = planted_in_week(truth)
    assert {p["pattern"] for p in planted} >= {"gift_before_contract", "split_contracts", "sponsored_trip_contract"}
    assert set(listed(data)) == {p["official_id"] for p in planted}
    decoys = {p["official_id"] for p in truth["patterns"] if p["expect"] == "not_above_yellow"}
    assert not decoys & set(listed(data))
    for e in (e for s in ("new", "escalated", "new_evidence") for e in data["attention"][s]):
        assert e["level"] in ("red", "orange")
        assert any(r["in_period"] for r in e["reasons"]), e


def test_w46_lists_exactly_the_planted_paths(w46):
    data, _, _, truth, _ = w46
    planted = planted_in_week(truth, PATH_PATTERNS)
    new = data["paths"]["new"]
    assert {p["official_id"] for p in new} == {p["official_id"] for p in planted}
    for t in planted:
        mine = [p for p in new if p["official_id"] == t["official_id"]]
        assert any(p["company_id"] == t["company_id"] for p in mine)
        recs = {e["record_id"] for p in mine for e in p["edges"]}
        assert {r for r in t["records"] if "|" not in r} <= recs  # the planted gift / trip and contract
        assert all(week_period(WEEK).since <= p["latest_date"] <= week_period(WEEK).until for p in mine)
        assert all(p["explanation"] for p in mine)


def test_w46_appendix_cites_source_file_and_row(w46):
    data, out, _, truth, _ = w46
    ids = {r["record_id"] for r in data["records"]}
    for p in data["paths"]["new"]:
        assert {e["record_id"] for e in p["edges"]} <= ids
    for r in data["records"]:
        assert r["file_name"].endswith(".csv") and r["row"] >= 2
    split = planted_in_week(truth, {"split_contracts"})[0]
    assert {r for r in split["records"] if r.startswith("HT")} <= ids
    assert (out / "records.csv").read_text(encoding="utf-8-sig").count("\n") == len(data["records"]) + 1


def test_w46_previous_week_is_replayed_as_of_its_end(w46, sample_store):
    data, *_ = w46
    db_path, truth, _ = sample_store
    from graphrisk.rules.engine import evaluate

    db = store.connect(db_path)
    prev = evaluate(db, as_of="2026-11-08")
    counts = {lvl: sum(1 for f in prev.flags if f.level == lvl) for lvl in ("red", "orange", "yellow")}
    assert {k: data["levels"]["previous"][k] for k in counts} == counts
    assert data["levels"]["previous_as_of"] == "2026-11-08"
    assert len(data["trend"]) == 12 and data["trend"][-1]["as_of"] == "2026-11-15"
    assert data["trend"][-2]["flagged"] == sum(counts.values())


def test_report_json_is_byte_identical(w46):
    data, out1, out2, _, (r1, r2) = w46
    a, b = (out1 / "report.json").read_bytes(), (out2 / "report.json").read_bytes()
    assert a == b
    m1, m2 = (json.loads((o / "meta.json").read_text()) for o in (out1, out2))
    assert not all(s["cached"] for s in m1["snapshots"] if "as_of" in s)  # the first run evaluated
    assert all(s["cached"] for s in m2["snapshots"] if "as_of" in s), m2  # the second reused the stored runs
    assert "generated_at" not in a.decode() and r2.output == ""
    assert list(data) == sorted(data)


def test_files_written(w46):
    data, out, *_ = w46
    for name in ("index.html", "report.json", "report.md", "meta.json", "attention.csv", "paths.csv",
                 "units.csv", "movers.csv", "trend.csv", "records.csv", "received.csv", "levels.csv"):
        assert (out / name).is_file(), name
    reds = {m["official_id"] for m in data["maps"]}
    assert set(listed(data)) <= reds
    for m in data["maps"]:
        assert (out / m["file"]).is_file()
    html = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(?i)https?:", html)
    assert "<script" not in html.lower() and "@media print" in html
    for m in data["maps"][:3]:
        assert f'href="{m["file"]}"' in html
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## " in md and data["paths"]["new"][0]["path_id"] in md


def test_zh_labels_and_formats(sample_store, tmp_path):
    db_path, *_ = sample_store
    r = run("--week", WEEK, "--db", db_path, "--out", tmp_path, "--lang", "zh", "--format", "html,md", "--no-maps")
    assert r.exit_code == 0, r.output
    assert "每周风险暴露报告" in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "重点关注对象" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert not (tmp_path / "report.json").exists() and not (tmp_path / "maps").exists()


# ------------------------------------------------------------------ quiet weeks, periods, failures

def test_quiet_week_says_so(sample_store, tmp_path):
    db_path, *_ = sample_store
    r = run("--week", "2025-W01", "--db", db_path, "--out", tmp_path, "--no-maps")
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["quiet"] is True and data["received"]["total"] == 0 and not data["paths"]["new"]
    assert "quiet week" in r.output
    assert 'id="quiet"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_periods(sample_store):
    db_path, *_ = sample_store
    db = store.connect(db_path)
    assert resolve_period(db, "latest-data", None, None).label == WEEK
    assert resolve_period(db, "2026W7", None, None) == Period("2026-02-09", "2026-02-15", "2026-W07", "week")
    from datetime import date

    assert last_complete_week(date(2026, 11, 23)).label == "2026-W47"  # a Monday
    assert last_complete_week(date(2026, 11, 22)).label == "2026-W46"  # a Sunday: its week is not over
    assert last_complete_week(date(2027, 1, 4)).label == "2026-W53"
    p = resolve_period(db, None, "2026-10-01", "2026-10-31")
    assert p.previous() == Period("2026-08-31", "2026-09-30", "2026-08-31_2026-09-30", "range")


def test_default_week_is_the_latest_complete_week_with_data_and_says_so(sample_store, tmp_path):
    from datetime import date

    db_path, *_ = sample_store
    db = store.connect(db_path)
    latest = max(r["max"] for r in store.date_range(db).values() if r["max"])[:10]
    p = resolve_period(db, None, None, None, today=date(2027, 3, 1))  # long after the data: its last week
    assert p == week_period(WEEK) and p.chosen == "latest_data" and p.latest_record == latest
    # data running into the current week: the last complete ISO week before today
    p = resolve_period(db, None, None, None, today=date(2026, 11, 12))
    assert p.label == "2026-W45" and p.chosen == "latest_data"
    assert resolve_period(db, WEEK, None, None).chosen == ""  # chosen by the user: nothing to say
    r = run("--db", db_path, "--out", tmp_path, "--format", "html,md", "--no-maps", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "latest complete ISO week with data" in r.output
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'id="period-note"' in html and "latest complete ISO week with data" in html
    assert "latest complete ISO week with data" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_w46_lists_everyone_red_or_orange_with_map_and_case_file(w46, sample_store):
    data, out, *_ = w46
    from graphrisk.engine import evaluation

    ev = evaluation(store.connect(sample_store[0]), as_of=week_period(WEEK).until)
    expect = [f.official_id for f in ev.flags if f.level in ("red", "orange")]
    assert expect and [e["official_id"] for e in data["flagged"]] == expect  # strongest first, as the engine
    unchanged = [e for e in data["flagged"] if e["level"] == e["previous_level"]]
    assert unchanged, "the table lists officials whose level did not change, not only the changes"
    html = (out / "index.html").read_text(encoding="utf-8")
    drawn = {m["official_id"] for m in data["maps"]}
    for e in data["flagged"]:
        assert f'data-flagged="{e["official_id"]}"' in html
        if e["official_id"] in drawn:
            assert e["map"] and (out / e["map"]).is_file() and f'href="{e["map"]}"' in html
            if e["case"]:
                assert (out / e["case"]).is_file() and f'href="{e["case"]}"' in html
        else:
            assert e["official_id"] in data["maps_not_drawn"]


@pytest.mark.parametrize("args, message", [
    (["--week", "2026-W60"], "has no ISO week"),
    (["--week", "next week"], "is not an ISO week"),
    (["--since", "2026-10-01"], "go together"),
    (["--since", "2026-10-09", "--until", "2026-10-01"], "is after"),
    (["--since", "someday", "--until", "2026-10-01"], "not a date"),
    (["--format", "pdf"], "unknown format"),
    (["--lang", "fr"], "is not one of"),
])
def test_failures_are_one_line(sample_store, tmp_path, args, message):
    db_path, *_ = sample_store
    r = run(*args, "--db", db_path, "--out", tmp_path / "x")
    assert r.exit_code == 1
    assert message in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_no_store_fails_in_one_line(tmp_path):
    r = run("--db", tmp_path / "none.db", "--out", tmp_path / "x")
    assert r.exit_code == 1 and "no store here" in r.stderr and r.stderr.count("\n") == 1


# ------------------------------------------------------------------ escalation across two weeks

ESCALATION_WORLD = dict(SMALL_WORLD)
ESCALATION_WORLD["contacts.csv"] = SMALL_WORLD["contacts.csv"] + "        K3,O3,P3,2026-05-28,dinner,酒店,\n"


@pytest.fixture
def escalation_db(db, tmp_path):
    from graphrisk.ingest import ingest_paths

    ingest_paths(db, [write_files(tmp_path / "esc", ESCALATION_WORLD)])
    return db


def test_escalation_across_two_weeks(escalation_db):
    cfg = settings_mod.load()
    db = escalation_db
    # 2026-W15: O1's gift (March) is followed by the contract he approved (HT1, 2026-04-10): yellow -> red
    w15 = build_report(db, week_period("2026-W15"), cfg).data
    assert [(e["official_id"], e["previous_level"], e["level"]) for e in w15["attention"]["escalated"]] == \
        [("O1", "yellow", "red")]
    assert not w15["attention"]["new"] and not w15["attention"]["de_escalated"]
    reasons = w15["attention"]["escalated"][0]["reasons"]
    assert any(r["rule"] == "gift_before_contract" and r["in_period"] for r in reasons)
    # 2026-W22: O3 dines with the owner of C2 (K3); no award yet: nothing changes
    w22 = build_report(db, week_period("2026-W22"), cfg).data
    assert not any(w22["attention"][s] for s in ("new", "escalated", "de_escalated", "new_evidence"))
    # 2026-W23: C2 wins HT2 from O3's unit, approved by O3: green -> orange, a new priority-attention official
    w23 = build_report(db, week_period("2026-W23"), cfg).data
    assert [(e["official_id"], e["previous_level"], e["level"]) for e in w23["attention"]["new"]] == \
        [("O3", "green", "orange")]
    assert "O1" not in {e["official_id"] for s in w23["attention"].values() if isinstance(s, list) for e in s}
    assert w23["levels"]["change"]["orange"] == 1
    assert {r["record_id"] for r in w23["records"]} >= {"HT2", "K3"}


def test_previous_levels_never_come_from_the_latest_run(escalation_db):
    """A run stored with everything (O1 red) must not become last week's level."""
    from graphrisk.engine import store_evaluation
    from graphrisk.rules.engine import evaluate

    db = escalation_db
    store_evaluation(db, evaluate(db))
    data = build_report(db, week_period("2026-W15"), settings_mod.load()).data
    assert data["levels"]["previous"]["red"] == 0 and data["levels"]["current"]["red"] == 1


def _snap(as_of, levels):
    return Snapshot(as_of, [{"official_id": o, "name": o, "unit_id": "U", "unit": "u", "score": s, "level": lvl,
                             "reasons": [{"rule": "r", "score": s, "summary": "x", "evidence": [],
                                          "latest_date": "2026-01-01"}]}
                            for o, (lvl, s) in levels.items()], [], None, True)


def test_attention_sections(db):
    before = _snap("2026-11-08", {"A": ("red", 80), "B": ("orange", 50), "C": ("yellow", 30), "E": ("red", 75),
                                  "F": ("orange", 46)})
    after = _snap("2026-11-15", {"A": ("orange", 50), "B": ("red", 90), "C": ("orange", 46), "D": ("red", 71),
                                 "E": ("red", 75), "G": ("yellow", 25)})
    att, _ = attention(after, before, week_period(WEEK), "orange", 3, db, None)
    got = {s: [(e["official_id"], e["previous_level"], e["level"]) for e in att[s]]
           for s in ("new", "escalated", "de_escalated", "new_evidence")}
    assert got == {"new": [("D", "green", "red")], "escalated": [("B", "orange", "red"), ("C", "yellow", "orange")],
                   "de_escalated": [("A", "red", "orange"), ("F", "orange", "green")], "new_evidence": []}


# ------------------------------------------------------------------ escaping

HOSTILE_WORLD = dict(SMALL_WORLD)
HOSTILE_WORLD["people.csv"] = SMALL_WORLD["people.csv"].replace("P1,王强", f"P1,{HOSTILE}")
HOSTILE_WORLD["companies.csv"] = SMALL_WORLD["companies.csv"].replace(
    "C1,华鼎科技有限公司", 'C1,"<script>alert(""x"")</script>华鼎 https://evil.example/x |*_[a](b)"')


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    from graphrisk.ingest import ingest_paths

    base = tmp_path_factory.mktemp("hostile")
    db_path = base / "store.db"
    ingest_paths(store.connect(db_path), [write_files(base / "world", HOSTILE_WORLD)])
    r = run("--week", "2026-W15", "--db", db_path, "--out", base / "out")
    assert r.exit_code == 0, r.output
    return base / "out"


def test_hostile_names_are_text(hostile_report):
    html = (hostile_report / "index.html").read_text(encoding="utf-8")
    assert HOSTILE not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not re.search(r"(?i)https?://", html) and "https[:]//evil.example" in html
    md = (hostile_report / "report.md").read_text(encoding="utf-8")
    assert HOSTILE not in md and "\\<img src=x onerror=alert(1)\\>" in md and "https://" not in md
    data = json.loads((hostile_report / "report.json").read_text(encoding="utf-8"))
    assert any(HOSTILE in json.dumps(p, ensure_ascii=False) for p in data["paths"]["new"])


# ------------------------------------------------------------------ the graph reused for earlier dates

def test_graph_as_of_matches_the_store(sample_store):
    from graphrisk.graph import build_graph
    from graphrisk.report.snapshots import graph_as_of

    db = store.connect(sample_store[0])
    full = build_graph(db, as_of="2026-11-15")
    for d in ("2026-06-30", "2026-11-08"):
        a, b = graph_as_of(full, d), build_graph(db, as_of=d)
        assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
        assert a.number_of_nodes() == b.number_of_nodes()


# ------------------------------------------------------------------ in the browser

@pytest.mark.browser
def test_report_page_in_chromium(w46):
    require_chromium()
    data, out, *_ = w46
    with browser_page() as s:
        s.open(out / "index.html")
        assert s.errors == [] and s.dialogs == []
        assert s.outside_requests() == []
        assert s.page.locator("svg.chart").count() == 3
        rows = s.page.locator("table.officials tr[data-official]").count()
        assert rows == sum(len(data["attention"][k]) for k in ("new", "escalated", "de_escalated", "new_evidence"))
        shot = s.screenshot("report-w46", full_page=True)
        assert shot.stat().st_size > 10_000
        s.page.emulate_media(media="print")
        assert s.page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"


@pytest.mark.browser
def test_report_in_chinese_and_english_in_chromium(sample_store, tmp_path):
    """Chinese pages hold no English words apart from ids and names from the data; every flagged official
    links to a map (and case file) that opens."""
    require_chromium()
    db_path, *_ = sample_store
    config = tmp_path / "report.toml"
    config.write_text("[report]\nmax_maps = 6\n", encoding="utf-8")
    with browser_page() as s:
        for lang in ("zh", "en"):
            out = tmp_path / lang
            r = run("--week", WEEK, "--db", db_path, "--out", out, "--lang", lang, "--config", config, "--quiet")
            assert r.exit_code == 0, r.output
            data = json.loads((out / "report.json").read_text(encoding="utf-8"))
            s.requests.clear()
            s.open(out / "index.html")
            assert s.errors == [] and s.dialogs == [] and s.outside_requests() == []
            rows = s.page.locator("table.flagged tr[data-flagged]").count()
            assert rows == len(data["flagged"]) > 0
            s.screenshot(f"report-{lang}", full_page=True)
            if lang == "zh":
                text = s.page.inner_text("body")
                words = _data_words(data) | {r["method"] for r in store.connect(db_path).query(
                    "select distinct method from contracts where method is not null")}  # values of the data
                for x in sorted(words, key=len, reverse=True):
                    text = text.replace(x, " ")
                text = re.sub(r"[\w.\-]+\.(csv|xlsx|jsonl|json|tsv)\b", " ", text)  # file names from the data
                left = re.findall(r"[A-Za-z]{2,}", text)
                assert left == [], sorted(set(left))
            first = next(e for e in data["flagged"] if e["map"])
            s.requests.clear()
            s.open(out / first["map"])
            s.wait_for("window.graphriskMap && window.graphriskMap.stabilized === true")
            assert s.errors == [] and s.outside_requests() == []
            assert s.page.evaluate("window.graphriskMap.nodes") <= 150
            assert (s.page.evaluate("document.documentElement.lang") == "zh-CN") == (lang == "zh")


def _data_words(data) -> set:
    """Ids, names, file names and other values from the data, which stay as they are in any language."""
    out = {data["period"]["label"], data["period"]["previous"]["label"], data["data_version"]}
    def walk(x, key=None):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, str) and key in ("official_id", "name", "unit_id", "unit", "company_id", "path_id",
                                              "record_id", "file_name", "source_file", "official_name",
                                              "company_name", "unit_name", "node_names", "from", "to", "from_id",
                                              "to_id", "evidence", "nodes", "currency", "map", "case", "week", "kind",
                                              "country", "title", "destination", "description", "giver",
                                              "recipient", "counterpart", "sponsor", "beneficiary", "approver",
                                              "decision_type", "traveller", "participants", "companions"):
            out.add(x)
    walk(data)
    # a finding whose rule gives no Chinese text stays in the rule's language (the rule's catalogue, not the page)
    for e in data["flagged"] + [e for k in ("new", "escalated", "de_escalated", "new_evidence")
                                 for e in data["attention"][k]]:
        out.update(r["summary"] for r in e["reasons"] if not (r.get("summaries") or {}).get("zh"))
    out.update(("graphrisk", "max_maps"))  # the program's name; a setting's name (an identifier)
    return {x for x in out if x}


@pytest.mark.browser
def test_hostile_report_in_chromium(hostile_report):
    require_chromium()
    with browser_page() as s:
        s.open(hostile_report / "index.html")
        assert s.errors == [] and s.dialogs == [] and s.outside_requests() == []
        assert s.page.locator("img").count() == 0
        assert HOSTILE in s.page.inner_text("body")
        s.screenshot("report-hostile", full_page=True)


def test_flagged_table_shows_triage_state(escalation_db, tmp_path):
    triage = pytest.importorskip("graphrisk.triage")
    from graphrisk.engine import evaluation
    from graphrisk.report import write_report

    db, cfg, period = escalation_db, settings_mod.load(), week_period("2026-W15")
    before = build_report(db, period, cfg).data["flagged"]
    assert [e["official_id"] for e in before] == ["O1"] and before[0]["triage"] == {}
    ev = evaluation(db, settings=cfg, as_of=period.until)
    reason = ev.flag("O1").reasons[0]
    triage.set_status(db, "O1", reason.metadata["finding_id"], "watch", note="核实中", evaluation=ev)
    rep = build_report(db, period, cfg)
    assert rep.data["flagged"][0]["triage"] == {"watch": 1}
    write_report(rep, tmp_path, formats=("html",), lang="zh", maps=False)
    assert '<td class="triage">持续关注1项</td>' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_no_maps_means_no_dead_links(sample_store, tmp_path):
    db_path, *_ = sample_store
    r = run("--week", WEEK, "--db", db_path, "--out", tmp_path, "--no-maps", "--format", "html,md,json", "--quiet")
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "maps").exists() and not (tmp_path / "cases").exists()
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["maps"]  # the report's data is the same with or without the files
    for text in ((tmp_path / "index.html").read_text(encoding="utf-8"), (tmp_path / "report.md").read_text("utf-8")):
        assert "maps/" not in text and "cases/" not in text


def test_dates_evaluated_in_parallel_give_the_same_report(sample_store, tmp_path):
    """The report's dates evaluated (and the movers' centrality computed, and the maps drawn) in two forked
    workers, or one after another: the same report and the same files."""
    import sqlite3

    db_path, _, _ = sample_store
    outs = {}
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        with sqlite3.connect(db_path) as src, sqlite3.connect(db) as dst:  # the WAL's content too
            src.backup(dst)
        with store.connect(db) as conn:  # no stored evaluation or centrality: every date is computed afresh
            for table in ("flags", "findings", "paths"):
                conn.execute(f"delete from {table} where run_id in (select id from runs where kind = 'flags')")
            if "centrality" in {r[0] for r in conn.execute("select name from sqlite_master")}:
                conn.execute("delete from centrality")
            conn.execute("delete from runs where kind in ('flags', 'centrality')")
        config = tmp_path / f"w{workers}.toml"
        config.write_text(f"[report]\nmax_maps = 6\nworkers = {workers}\n", encoding="utf-8")
        out = tmp_path / f"out{workers}"
        r = run("--week", WEEK, "--db", db, "--out", out, "--quiet", "--config", config)
        assert r.exit_code == 0, r.output
        outs[workers] = out
    meta = json.loads((outs[2] / "meta.json").read_text(encoding="utf-8"))
    [pre] = [s for s in meta["snapshots"] if "prefetched" in s]
    assert pre["workers"] == 2 and len(pre["prefetched"]) >= 12 and len(pre["centrality"]) == 2
    assert not any("prefetched" in s for s in json.loads((outs[1] / "meta.json").read_text())["snapshots"])
    assert (outs[1] / "report.json").read_bytes() == (outs[2] / "report.json").read_bytes()
    drawn = sorted(p.relative_to(outs[1]) for p in (outs[1] / "maps").rglob("*.html"))
    assert len(drawn) >= 4
    assert sorted(p.relative_to(outs[2]) for p in (outs[2] / "maps").rglob("*.html")) == drawn
    assert all((outs[1] / p).read_bytes() == (outs[2] / p).read_bytes() for p in drawn)
    # each date's evaluation stored once (the prefetched ones as they arrived), with the same flags
    stored = {}
    for workers in (1, 2):
        with store.connect(tmp_path / f"w{workers}.db") as conn:
            runs = conn.execute("select id, as_of from runs where kind = 'flags' and as_of is not null").fetchall()
            assert len(runs) == len({d for _, d in runs}) >= 12
            stored[workers] = {d: conn.execute("select official_id, level, score from flags where run_id = ? "
                                               "order by official_id", [i]).fetchall() for i, d in runs}
    assert stored[1] == stored[2]
