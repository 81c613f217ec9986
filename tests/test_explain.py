"""graphrisk explain: the case file of one official, in text, JSON, HTML (and PDF when WeasyPrint is there)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk.cli import cli
from graphrisk.explain import case_text, explain, score_breakdown
from graphrisk.explain_html import render_html
from graphrisk.rules.engine import combine

from .conftest import SMALL_WORLD, write_files

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def case(loaded_db):
    return explain(loaded_db, "O1", settings=settings_mod.load())


@pytest.fixture
def store_path(loaded_db):
    return loaded_db.conn.execute("pragma database_list").fetchone()[2]


def test_score_breakdown_adds_up_to_combine():
    scores = [35.0, 90.0, 10.0, 60.0]
    parts = score_breakdown(scores)
    assert [p["score"] for p in parts] == [90.0, 60.0, 35.0, 10.0]
    assert parts[0]["adds"] == 90.0
    assert parts[-1]["total"] == pytest.approx(combine(scores), abs=0.01)
    assert sum(p["adds"] for p in parts) == pytest.approx(combine(scores), abs=0.05)


def test_case_file_of_a_flagged_official(case):
    d = case.to_dict()
    assert d["official"]["name"] == "李明"
    assert [u["unit_id"] for u in d["official"]["units"]] == ["U1"]
    assert d["level"] in ("red", "orange") and d["score"] > 0
    # each reason says what it adds; the adds make the score
    assert sum(r["adds"] for r in d["reasons"]) == pytest.approx(d["score"], abs=0.05)
    gift_reason = next(r for r in d["reasons"] if "G1" in r["evidence"])
    assert "HT1" in gift_reason["records"]
    g1 = d["records"]["G1"]
    assert g1["date"] == "2026-03-02" and g1["amount"] == 20000 and g1["currency"] == "CNY"
    assert g1["file_name"] == "gifts.csv" and g1["row"] == 2  # header is row 1
    assert g1["counterparts"] == ["P1"]
    assert d["records"]["HT1"]["row"] == 2 and d["records"]["HT1"]["role"] == "decision"
    # the path through the gift giver to the supplier
    assert any(p["company_id"] == "C1" and "P1" in p["nodes"] for p in d["paths"])


def test_timeline_shows_benefits_before_the_award(case):
    ids = [r.record_id for r in case.timeline]
    assert {"T1", "K1", "G1", "HT1"} <= set(ids)
    assert ids.index("G1") < ids.index("HT1")
    # dates in order
    dates = [r.date for r in case.timeline]
    assert dates == sorted(dates)
    links = {(x["benefit"], x["decision"]): x["days"] for x in case.links}
    assert links[("G1", "HT1")] == 39  # 2026-03-02 -> 2026-04-10
    assert links[("K1", "HT1")] == 49
    assert links[("T1", "HT1")] == 90  # trip sponsored by the supplier itself
    # another official's records are not on this timeline
    assert "G2" not in ids and "HT2" not in ids


def test_text_in_chinese_and_english(case):
    zh = case_text(case, "zh")
    en = case_text(case, "en")
    assert "2026年3月2日" in zh and "2万元" in zh and "240万元" in zh and "gifts.csv第2行" in zh
    assert "李明" in zh and "风险等级" in zh
    assert "2026-03-02" in en and "20,000 CNY" in en and "gifts.csv, row 2" in en
    assert "2026年" not in en


def test_window_as_of_drops_later_records(loaded_db):
    c = explain(loaded_db, "O1", settings=settings_mod.load(), as_of="2026-03-31")
    ids = {r.record_id for r in c.timeline}
    assert "G1" in ids and "HT1" not in ids


def test_unflagged_official_has_a_case_file_with_no_findings(tmp_path):
    from graphrisk import store
    from graphrisk.ingest import ingest_paths

    files = {k: v for k, v in SMALL_WORLD.items() if k not in ("gifts.csv", "contacts.csv", "trips.csv",
                                                              "contracts.csv")}
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [write_files(tmp_path / "w", files)])
    c = explain(db, "O3", settings=settings_mod.load())
    assert c.level == "green" and c.score == 0 and c.reasons == [] and c.timeline == []
    assert "未发现该干部触发任何规则" in case_text(c, "zh")


def test_html_is_escaped_offline_and_printable(tmp_path):
    from graphrisk import store
    from graphrisk.ingest import ingest_paths
    from graphrisk.render.html import find_remote_references

    files = dict(SMALL_WORLD)
    files["people.csv"] = SMALL_WORLD["people.csv"].replace("王强", EVIL).replace(
        "李明之妻", "see https://example.org/x")
    files["gifts.csv"] = SMALL_WORLD["gifts.csv"].replace("购物卡", "</table><script>alert(2)</script>")
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [write_files(tmp_path / "w", files)])
    c = explain(db, "O1", settings=settings_mod.load())
    for lang in ("zh", "en"):
        html = render_html(c, lang)
        assert EVIL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<script" not in html.lower()
        assert find_remote_references(html) == []
        assert "@media print" in html and "<svg" in html
        assert html.count("<html") == 1
    zh = render_html(c, "zh")
    assert "2026年3月2日" in zh and "240万元" in zh
    # no English words of ours in the Chinese page: strip tags and data, see what is left
    text = re.sub(r"<style>.*?</style>", " ", zh, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"P-[0-9a-f]{12}", " ", text)  # path ids
    for r in c.reasons:  # rule ids stand in for rule names the catalogue does not (yet) have in Chinese
        text = text.replace(r["rule"], " ")
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    data_words = {"img", "src", "onerror", "alert", "script", "table", "gifts", "csv", "contracts", "relations",
                  "trips", "contacts", "CNY", "dinner", "meeting", "spouse",
                  "graphrisk"}
    summaries = " ".join((r.get("summary") or "") for r in c.reasons) + " " + \
        " ".join(p["explanation"] for p in c.paths)
    leftover = {w for w in words - data_words if w not in summaries and not w.startswith(("amp", "lt", "gt"))}
    assert leftover <= {"legal_representative", "shareholder"}, leftover


def test_cli_explain_formats(store_path, tmp_path):
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"official", "level", "score", "scoring", "reasons", "paths", "timeline", "links", "records",
            "window"} <= set(d)
    out = tmp_path / "case-O1.html"
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--lang", "zh", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--lang", "en"])
    assert r.exit_code == 0 and "Case file: 李明 (O1)" in r.output


def test_cli_unknown_official_is_a_clear_error(store_path):
    r = CliRunner().invoke(cli, ["explain", "O999", "--db", store_path, "--lang", "en"])
    assert r.exit_code == 1
    assert "no official with id 'O999'" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["explain", "U1", "--db", store_path, "--lang", "en"])  # a unit, not an official
    assert r.exit_code == 1 and "no official with id 'U1'" in r.output


def test_flags_official_prints_the_same_reasons(store_path, case):
    r = CliRunner().invoke(cli, ["flags", "--official", "O1", "--db", store_path, "--no-store"],
                           env={"GRAPHRISK_LANG": "en"})
    assert r.exit_code == 0, r.output
    for line in case_text(case, "en").split("\n\n", 1)[0].splitlines()[:4]:
        assert line in r.output
    for reason in case.reasons:
        assert reason["summary"] in r.output
        for rid in reason["records"]:
            assert f"; {rid}; " in r.output
    r = CliRunner().invoke(cli, ["flags", "--official", "O999", "--db", store_path, "--no-store"])
    assert r.exit_code == 1


def test_pdf_when_weasyprint_is_installed(store_path, tmp_path):
    pytest.importorskip("weasyprint")
    out = tmp_path / "case.pdf"
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--lang", "zh", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size > 5000


def test_write_case_files_for_a_report(loaded_db, tmp_path):
    from graphrisk.engine import evaluation
    from graphrisk.explain_html import write_case_files

    cfg = settings_mod.load()
    ev = evaluation(loaded_db, settings=cfg)
    flagged = [f.official_id for f in ev.flags]
    assert flagged
    written = write_case_files(loaded_db, flagged, tmp_path / "cases", lang="zh", settings=cfg, evaluation=ev)
    assert sorted(written) == sorted(flagged)
    for oid, path in written.items():
        assert path.name == f"case-{oid}.html"
        html = path.read_text(encoding="utf-8")
        assert f"（{oid}）" in html and "风险研判材料" in html


def test_a_merged_official_id_explains_the_official_it_became(loaded_db):
    from graphrisk.resolve.merge import merge

    # O2 (張偉) merged into O1 (李明), whatever the merit: the case file of either id is O1's, and O2's
    # records join O1's timeline
    merge(loaded_db, "O1", "O2", reason="test: same person per personnel file", force=True)
    c = explain(loaded_db, "O2", settings=settings_mod.load())
    assert c.official_id == "O1" and c.official["merged_from"] == "O2" and c.official["aliases"] == ["O2"]
    assert c.score > 0
    assert "Id O2 was merged into O1" in case_text(c, "en")
    assert "编号O2已归并至O1" in render_html(c, "zh")


def test_chinese_text_has_no_english_words_of_ours(store_path, small_world, tmp_path):
    """Besides ids, file names and data, every word of `explain --lang zh` and `export --lang zh` is Chinese."""
    import csv

    allowed = {"CNY", "csv", "db", "gexf", "neo4j", "ftm", "graphml", "i2", "FollowTheMoney", "Person", "Company",
               "PublicBody", "Payment", "Event", "Contract", "ContractAward", "Family", "Associate", "Ownership",
               "Directorship", "Membership", "UnknownLink", "Employment", "Organization", "LegalEntity",
               "admin", "database", "import", "full", "nodes", "relationships"}  # FtM schema names, neo4j's command
    for f in small_world.iterdir():
        allowed.add(f.stem)
        with f.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col, value in row.items():
                    if value and (col.endswith("_id") or col in ("name", "title", "description", "channel")):
                        allowed.update(re.findall(r"[A-Za-z][A-Za-z0-9_]*", value))
    allowed.update(re.findall(r"[A-Za-z][A-Za-z0-9_]*", str(tmp_path) + " " + store_path))
    allowed.update(("O999", "e", "json", "neo"))  # what the user typed
    runs = [["explain", "O1"], ["explain", "O999"], ["flags", "--official", "O1", "--no-store"],
            ["export", "--to", "ftm", "--out", str(tmp_path / "e.json")],
            ["export", "--to", "neo4j", "--out", str(tmp_path / "neo")]]
    for args in runs:
        r = CliRunner().invoke(cli, [*args, "--db", store_path, "--lang", "zh"] if args[0] != "flags" else
                               [*args, "--db", store_path], env={"GRAPHRISK_LANG": "zh"})
        text = re.sub(r"P-[0-9a-f]{12}", " ", r.output)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text))
        rule_ids = {w for w in words if "_" in w}  # rule ids where the catalogue has no Chinese name yet
        assert words - allowed - rule_ids == set(), (args, words - allowed - rule_ids, r.output[-1500:])


def test_pdf_without_weasyprint_is_a_clear_error(store_path, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    out = tmp_path / "case.pdf"
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--lang", "en", "--out", str(out)])
    assert r.exit_code == 1 and "PDF needs WeasyPrint" in r.output and not out.exists()
    r = CliRunner().invoke(cli, ["explain", "O1", "--db", store_path, "--lang", "en", "--format", "pdf"])
    assert r.exit_code == 2 and "--format pdf needs --out FILE" in r.output


def test_evidence_naming_an_entity_or_nothing_is_shown_as_such(case):
    from graphrisk.explain import case_text

    case.reasons[0]["entities"] = [{"id": "C1", "name": "华鼎科技有限公司", "kind": "company"}]
    case.reasons[0]["missing_records"] = ["HT404"]
    en, zh = case_text(case, "en"), case_text(case, "zh")
    assert "Company 华鼎科技有限公司 (C1)" in en and "企业：华鼎科技有限公司（C1）" in zh
    assert "record HT404 is not in the store" in en
    html = render_html(case, "en")
    assert "Company 华鼎科技有限公司 (C1)" in html and "record HT404 is not in the store" in html
