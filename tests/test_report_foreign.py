"""The report's section on trips and foreign-affairs activity, on a small hand-made world: a unit and a
foreign-affairs office, a trip abroad approved by the office with a gift from a company owner during it, a
trip outside the annual plan, a business-card approval and an unreported foreign contact, each listed with
its provenance in English and Chinese, and records that must not be listed beside them."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk import store
from graphrisk.cli import cli
from graphrisk.report import week_period
from graphrisk.report.foreign import foreign_affairs

from .conftest import write_files

WEEK = "2026-W46"  # 2026-11-09 .. 2026-11-15

WORLD = {
    "units.csv": """\
        unit_id,name,parent_id,region,country
        XU1,市商务局,,市本级,CN
        XU2,市外事办公室,,市本级,中国
        """,
    "officials.csv": """\
        official_id,name,unit_id,position,rank
        XO1,周海,XU1,副局长,副处级
        XO2,吴峰,XU2,副主任,副处级
        XO3,郑丽,XU1,科长,正科级
        """,
    "people.csv": """\
        person_id,name,id_number,note,country
        XP1,孙立,,,
        XP2,Hans Weber,,,DE
        """,
    "companies.csv": """\
        company_id,name,registration_no,region,sector,country
        XC1,瑞丰贸易有限公司,91330000MA00000009,市本级,贸易,
        """,
    "relations.csv": """\
        from_id,to_id,relation,share_pct,start_date,end_date,source
        XP1,XC1,shareholder,80,,,工商登记
        """,
    # XT1: abroad, approved by the office in the week, the owner of XC1 along; XT2: abroad, outside the plan,
    # paid by XC1, no approval; XT3: a trip of August (not in the week)
    "trips.csv": """\
        trip_id,official_id,destination,start_date,end_date,purpose,sponsor_id,cost,currency,participants,country,approver_unit_id,approver_id,approval_date,in_plan
        XT1,XO1,法兰克福,2026-11-10,2026-11-13,经贸洽谈,XU1,"42,000",CNY,XP1,DE,XU2,XO2,2026-11-09,是
        XT2,XO3,东京,2026-11-11,2026-11-12,考察,XC1,18000,CNY,,JP,,,,否
        XT3,XO3,杭州,2026-08-01,2026-08-02,会议,XU1,2000,CNY,,CN,,,,是
        """,
    # XG1: the day after XT1 ended (within the margin); XG2: to an official with no trip; XG3: two days after
    "gifts.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency,description,declared,country,trip_id
        XG1,XP1,XO1,2026-11-14,3000,EUR,=手表,否,DE,
        XG2,XP1,XO2,2026-11-12,800,CNY,酒,否,,
        XG3,XP1,XO1,2026-11-15,900,CNY,茶叶,否,,
        """,
    # XK1: a foreign counterpart, not reported; XK2: a domestic contact
    "contacts.csv": """\
        contact_id,official_id,counterpart_id,date,channel,location,note,country,reported
        XK1,XO1,XP2,2026-11-12,meeting,法兰克福,,DE,否
        XK2,XO3,XP1,2026-11-12,dinner,酒店,,,
        """,
    # XD1: a business-card approval in the week; XD2: a subsidy; XD3: a trip approval of October
    "decisions.csv": """\
        decision_id,unit_id,official_id,beneficiary_id,date,decision_type,title,amount,currency,role
        XD1,XU2,XO2,XC1,2026-11-12,APEC商务旅行卡申办审批,申办商务旅行卡,,,approver
        XD2,XU1,XO1,XC1,2026-11-13,subsidy,外贸补贴,50000,CNY,approver
        XD3,XU2,XO2,XP1,2026-10-01,trip_approval,出访,,,approver
        """,
}


def run(*args):
    return CliRunner().invoke(cli, ["report", *map(str, args)], catch_exceptions=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The world ingested, and the W46 report written twice in English and once in Chinese."""
    from graphrisk.ingest import ingest_paths

    base = tmp_path_factory.mktemp("foreign")
    db_path = base / "store.db"
    ingest_paths(store.connect(db_path), [write_files(base / "world", WORLD)])
    for out, lang in (("en", "en"), ("en2", "en"), ("zh", "zh")):
        r = run("--week", WEEK, "--db", db_path, "--out", base / out, "--lang", lang, "--no-maps", "--quiet")
        assert r.exit_code == 0, r.output
    data = json.loads((base / "en" / "report.json").read_text(encoding="utf-8"))
    return db_path, base, data["foreign_affairs"]


def ids(part: dict) -> list[str]:
    return [x["record_id"] for x in part["items"]]


def section(html: str) -> str:
    m = re.search(r'<section id="foreign-affairs">.*?</section>', html, re.S)
    assert m, "no foreign-affairs section"
    return m.group(0)


def test_trips_in_the_week(world):
    fa = world[2]
    trips = fa["trips"]
    assert fa["home_country"] == "CN" and fa["empty"] is False
    assert ids(trips) == ["XT1", "XT2"]
    assert {k: trips[k] for k in ("count", "abroad", "government_paid", "sponsored", "payer_not_recorded",
                                  "outside_plan", "abroad_without_approval")} == {
        "count": 2, "abroad": 2, "government_paid": 1, "sponsored": 1, "payer_not_recorded": 0, "outside_plan": 1,
        "abroad_without_approval": 1}
    assert [(e["country"], e["trips"], e["abroad"]) for e in trips["by_country"]] == [("DE", 1, 1), ("JP", 1, 1)]
    t1, t2 = trips["items"]
    assert (t1["official"], t1["unit"], t1["approver_unit"], t1["approver"], t1["approval_date"]) == (
        "周海", "市商务局", "市外事办公室", "吴峰", "2026-11-09")
    assert t1["participants"] == [{"id": "XP1", "name": "孙立"}] and t1["paid_by"] == "government"
    assert (t1["cost"], t1["currency"], t1["in_plan"], t1["approved"]) == (42000.0, "CNY", True, True)
    assert (t2["sponsor_id"], t2["sponsor"], t2["paid_by"], t2["in_plan"], t2["approved"]) == (
        "XC1", "瑞丰贸易有限公司", "sponsor", False, False)
    assert [(x["file_name"], x["row"]) for x in trips["items"]] == [("trips.csv", 2), ("trips.csv", 3)]
    assert trips["items"][0]["source_file"].endswith("trips.csv")


def test_gift_during_a_trip(world):
    g = world[2]["gifts_during_trips"]
    assert ids(g) == ["XG1"] and (g["undeclared"], g["declared"], g["margin_days"]) == (1, 0, 1)
    x = g["items"][0]
    assert (x["giver_id"], x["giver"], x["recipient_id"], x["recipient"]) == ("XP1", "孙立", "XO1", "周海")
    assert (x["amount"], x["currency"], x["declared"], x["trip_id"], x["matched_by"]) == (3000.0, "EUR", False,
                                                                                        "XT1", "dates")
    assert (x["file_name"], x["row"], x["trip_file_name"], x["trip_row"]) == ("gifts.csv", 2, "trips.csv", 2)
    assert g["amount"] == {"EUR": 3000.0}


def test_the_margin_comes_from_the_rule_settings(world):
    db = store.connect(world[0])
    wide = settings_mod.load(overrides={"rules": {"gift_during_trip": {"margin_days": 2}}})
    assert ids(foreign_affairs(db, week_period(WEEK), wide)["gifts_during_trips"]) == ["XG1", "XG3"]
    none = settings_mod.load(overrides={"rules": {"gift_during_trip": {"margin_days": 0}}})
    assert ids(foreign_affairs(db, week_period(WEEK), none)["gifts_during_trips"]) == []


def test_approvals_given_by_the_office(world):
    a = world[2]["approvals"]
    assert ids(a) == ["XT1", "XD1"] and (a["trip"], a["business_card"]) == (1, 1)
    t1, d1 = a["items"]
    assert (t1["kind"], t1["approval"], t1["beneficiary_id"], t1["beneficiary"], t1["row"]) == (
        "trips", "trip", "XO1", "周海", 2)
    assert (d1["kind"], d1["approval"], d1["decision_type"], d1["beneficiary"], d1["file_name"], d1["row"]) == (
        "decisions", "business_card", "APEC商务旅行卡申办审批", "瑞丰贸易有限公司", "decisions.csv", 2)
    assert a["by_approver"] == [{"unit_id": "XU2", "unit": "市外事办公室", "official_id": "XO2", "official": "吴峰",
                                 "trip": 1, "business_card": 1, "total": 2, "records": ["XT1", "XD1"]}]


def test_foreign_contact_not_reported(world):
    k = world[2]["foreign_contacts"]
    assert ids(k) == ["XK1"] and (k["unreported"], k["reported"], k["reporting_unknown"]) == (1, 0, 0)
    x = k["items"][0]
    assert (x["official"], x["counterpart_id"], x["counterpart"], x["country"], x["reported"]) == (
        "周海", "XP2", "Hans Weber", "DE", False)
    assert (x["file_name"], x["row"]) == ("contacts.csv", 2)


def test_report_json_is_byte_identical(world):
    _, base, _ = world
    assert (base / "en" / "report.json").read_bytes() == (base / "en2" / "report.json").read_bytes()


LISTED = ["XT1", "XT2", "XG1", "XD1", "XK1"]
NOT_LISTED = ["XT3", "XG2", "XG3", "XK2", "XD2", "XD3"]


def test_english_page_markdown_and_csv(world):
    _, base, _ = world
    html = section((base / "en" / "index.html").read_text(encoding="utf-8"))
    for rid in LISTED:
        assert f'data-record="{rid}"' in html
    for rid in NOT_LISTED:
        assert rid not in html
    assert "3,000 EUR" in html and "42,000 CNY" in html and "2026-11-09" in html
    assert "trips.csv, row 2" in html and "gifts.csv, row 2" in html and "contacts.csv, row 2" in html
    assert "not reported" in html and "sponsored by 瑞丰贸易有限公司" in html and "no approval recorded" in html
    assert 'href="#foreign-affairs"' in (base / "en" / "index.html").read_text(encoding="utf-8")
    md = (base / "en" / "report.md").read_text(encoding="utf-8")
    part = md[md.index("## Trips and foreign-affairs activity"):md.index("## Exposure by unit")]
    for rid in LISTED:
        assert rid in part
    assert not any(rid in part for rid in NOT_LISTED)
    gifts = list(csv.reader(io.StringIO((base / "en" / "foreign_gifts.csv").read_text(encoding="utf-8-sig"))))
    assert gifts[0][0] == "record_id" and [r[0] for r in gifts[1:]] == ["XG1"]
    assert gifts[1][gifts[0].index("description")] == "'=手表"  # formula-safe
    for name, rows in (("foreign_trips.csv", ["XT1", "XT2"]), ("foreign_approvals.csv", ["XT1", "XD1"]),
                       ("foreign_contacts.csv", ["XK1"])):
        table = list(csv.DictReader(io.StringIO((base / "en" / name).read_text(encoding="utf-8-sig"))))
        assert [r["record_id"] for r in table] == rows and all(r["row"] for r in table)


def _data_words(fa: dict) -> set[str]:
    """Ids, names, places, file names and other values of the data, which stay as they are in any language."""
    out = set()
    codes = {"paid_by", "matched_by", "kind", "approval", "country_from", "giver_kind"}  # shown in words

    def walk(x, key=None):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, str) and key not in codes:
            out.add(x)
    walk(fa)
    return out


def test_chinese_section(world):
    _, base, fa = world
    html = section((base / "zh" / "index.html").read_text(encoding="utf-8"))
    for words in ("出行与外事活动", "出国（境）", "未报备", "商务旅行卡审批", "出访审批", "未登记上交",
                  "2026年11月14日", "3000欧元", "4.2万元", "trips.csv 第2行", "随行：孙立", "瑞丰贸易有限公司资助",
                  "法兰克福 · 德国 · 出国（境）", "东京 · 日本 · 出国（境）"):
        assert words in html, words
    for rid in LISTED:
        assert f'data-record="{rid}"' in html
    text = re.sub(r"<[^>]+>", " ", html)
    for w in sorted(_data_words(fa), key=len, reverse=True):
        text = text.replace(w, " ")
    assert re.findall(r"[A-Za-z]{2,}", text) == []
    md = (base / "zh" / "report.md").read_text(encoding="utf-8")
    assert "## 出行与外事活动" in md and "未报备" in md and "2026年11月12日" in md


def test_a_week_without_any_says_so_in_one_line(world, tmp_path):
    db_path = world[0]
    r = run("--week", "2026-W30", "--db", db_path, "--out", tmp_path, "--no-maps", "--quiet")
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["foreign_affairs"]["empty"] is True
    html = section((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert re.findall(r"<p[^>]*>(.*?)</p>", html) == [
        "No trips, gifts during trips, approvals of trips or business travel cards, or foreign contacts in this "
        "period."]
    assert "<table" not in html
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    part = md[md.index("## Trips and foreign-affairs activity"):md.index("## Exposure by unit")]
    assert [line for line in part.splitlines()[1:] if line.strip()] == [
        "No trips, gifts during trips, approvals of trips or business travel cards, or foreign contacts in this "
        "period."]
