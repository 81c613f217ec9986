"""Entity resolution: normalisation keys, the strong-identifier rule, matching, references, merge/unmerge."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphrisk import store
from graphrisk.resolve import merge as mg
from graphrisk.resolve.match import Record, candidate_pairs, cluster, pair_metrics, score_pair
from graphrisk.resolve.normalize import (
    company_key, normalize_identifier, normalize_name, normalize_names, person_key, romanised_key,
)
from graphrisk.resolve.references import AMBIGUOUS, CREATED, LINKED, new_id, resolve_references

FIXTURES = Path(__file__).parent / "fixtures" / "er"


# ---------------------------------------------------------------- normalisation

@pytest.mark.parametrize("raw, norm", [
    ("ＡＢＣ　公司", "abc 公司"),  # full-width letters and space
    ("張　偉 ", "张伟"),  # traditional, full-width space between Chinese characters
    ("  Merck\u00a0Sharp  ", "merck sharp"),
    ("１２３", "123"),
])
def test_normalize_name(raw, norm):
    assert normalize_name(raw) == norm


NAME_TEXT = st.text(alphabet="張偉國會體發乾著麼裏臺灣華為後面 \u3000\u00a0\n\r\t\x1c\u2028ＡＢｃAbé\u0301\u1100\u1161"
                              "ﬁ①Ⅻ(（）)·-", max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.none() | NAME_TEXT | st.text(max_size=6), max_size=12))
def test_names_normalised_together_are_each_normalised_alone(texts):
    """NFKC and the Chinese conversion run once over the names joined: each comes out as it would alone."""
    assert normalize_names(texts) == [normalize_name(t) for t in texts]


def test_names_normalised_together_convert_phrases_as_alone():
    names = ["乾隆", "乾燥", "著名", "頭髮", "發展", "张 三", "後來", "皇后", "隻", "一隻"] * 3
    assert normalize_names(names) == [normalize_name(n) for n in names]
    assert normalize_names(["頭髮", "發展"]) == ["头发", "发展"]


@pytest.mark.parametrize("raw, key", [
    ("Sir Keir Starmer", "keir starmer"),
    ("Mr Gagan Mohindra", "gagan mohindra"),
    ("The Rt Hon Jane Doe MP", "jane doe"),
    ("County Councillor Bob Smith (Labour)", "bob smith"),
    ("Cllr. Ann Lee", "ann lee"),
    ("Professor Dame Sue Black", "sue black"),
    ("Dr. John Smith OBE", "john smith"),
    ("王强先生", "王强"),
    ("李丽女士", "李丽"),
    ("陈小姐", "陈"),
])
def test_person_key_strips_titles(raw, key):
    assert person_key(raw) == key


@pytest.mark.parametrize("raw, key", [
    ("长春长生生物科技有限责任公司", "长春长生生物科技"),
    ("长春长生生物科技股份有限公司", "长春长生生物科技"),
    ("长春长生生物科技有限贵任公司", "长春长生生物科技"),  # OCR 贵任
    ("上海生物制品研宄所有限责任公司", "上海生物制品研究所"),  # OCR 研宄
    ("博雅生物制药集团股份有限公司", "博雅生物制药"),
    ("重庆智飞生物制品股份有限公司(生产企业：Merck Sharp ＆ Dohme Corp.)", "重庆智飞生物制品"),
    ("科兴（大连）疫苗技术有限公司", "科兴疫苗技术"),
    ("Merck Sharp ＆Dohme Corp.", "merck sharp dohme"),
    ("MerckSharp&DohmeCorp.", "merck sharp dohme"),
    ("Merck.Sharp.Dohme.Corp.", "merck sharp dohme"),
    ("美国默沙东Merck Sharp Dohme", "默沙东 merck sharp dohme"),
    ("J. C. Bamford Excavators Limited", "jc bamford excavators"),
    ("JC Bamford Excavators Ltd", "jc bamford excavators"),
    ("The Football Association Ltd", "football association"),
    ("Global Media & Entertainment Limited", "global media entertainment"),
    ("Global Media and Entertainment", "global media entertainment"),
    ("Lloyds Banking Group plc", "lloyds banking"),
    ("SANOFI PASTEUR S.A.", "sanofi pasteur"),
    ("法国SanofiPasteurS.A.(深圳赛诺菲巴斯德生物制品有限公司分装)", "sanofi pasteur"),
    ("Optimistic Trout Productions C.I.C", "optimistic trout productions"),
    ("Tesco", "tesco"),
])
def test_company_key(raw, key):
    assert company_key(raw) == key


def test_romanised_key_meets_latin_spelling():
    assert romanised_key("王强") == romanised_key("Wang Qiang") == romanised_key("Qiang WANG")
    assert romanised_key("王强") != romanised_key("Wang Gang")


@pytest.mark.parametrize("raw, norm", [
    ("882843", "00882843"), ("00882843", "00882843"), (882843.0, "00882843"),
    ("SC79939", "SC079939"), ("sc 079939", "SC079939"), ("SCO27139", "SC027139"),
    ("registration 882843", "00882843"), ("No. 03444246", "03444246"),
    ("Not-for-profit company, registration 10894509", "10894509"),
    ("03130330 (this is the IHG company number)", "03130330"),
    ("Company Registration No 03395681 Registered Charity No 1068839", "03395681"),
    ("91110000MA00000001", "91110000MA00000001"), ("110101198001010011", "110101198001010011"),
    ("", ""), (None, ""), ("nan", ""),
])
def test_normalize_identifier(raw, norm):
    assert normalize_identifier(raw) == norm


# ---------------------------------------------------------------- strong identifiers

def test_different_strong_ids_never_merged_whatever_the_names():
    a = Record("A", "Acme Ltd", registration_no="01234567")
    b = Record("B", "Acme Ltd", registration_no="07654321")
    d = score_pair(a, b)
    assert d.conflict and d.score == 0.0 and "never merged" in d.reason
    res = cluster([a, b])
    assert res.cluster_of["A"] != res.cluster_of["B"]
    assert candidate_pairs([a, b], min_score=0.0) == []


def test_same_number_with_or_without_leading_zeros_merges_different_spellings():
    a = Record("A", "Silverstone Circuits Limited", registration_no="00882843")
    b = Record("B", "Silverstone", registration_no="882843")
    d = score_pair(a, b)
    assert d.score == 1.0 and "00882843" in d.reason
    assert cluster([a, b]).cluster_of["B"] == "A"


def test_chain_through_a_nameless_middle_never_joins_two_numbers():
    recs = [Record("A", "Sky UK Ltd", registration_no="02906991"),
            Record("B", "Sky UK", registration_no=None),
            Record("C", "Sky UK Limited", registration_no="02247735")]
    res = cluster(recs)
    assert res.cluster_of["A"] != res.cluster_of["C"]
    assert res.refused  # the join that would have linked the two numbers was refused


def test_homonyms_with_different_id_numbers_never_merged():
    a = Record("P2", "刘芳", "people", id_number="110101198505050055")
    b = Record("P3", "劉芳", "people", id_number="110101199006060066")  # traditional spelling, same name
    assert score_pair(a, b).conflict
    c = Record("P9", "刘芳", "people")  # no id: may be either
    res = cluster([a, b, c])
    assert res.cluster_of["P2"] != res.cluster_of["P3"]


def test_every_decision_has_score_and_reason():
    d = score_pair(Record("a", "华鼎科技有限公司"), Record("b", "华鼎科技股份有限公司"))
    assert d.score >= 0.87 and d.reason
    d = score_pair(Record("a", "王强", "people"), Record("b", "Wang Qiang", "people"))
    # a person matched on the name alone is a review candidate, never an automatic link
    assert 0.75 <= d.score < 0.87 and "pinyin" in d.reason and "capped for review" in d.reason


def test_context_region_and_unit():
    base = score_pair(Record("a", "华鼎科技公司"), Record("b", "华鼎科技有限公司")).score
    same = score_pair(Record("a", "华鼎科技公司", region="杭州"), Record("b", "华鼎科技有限公司", region="杭州")).score
    diff = score_pair(Record("a", "华鼎科技公司", region="杭州"), Record("b", "华鼎科技有限公司", region="成都")).score
    assert diff < base <= same
    nb = score_pair(Record("a", "John Smyth", "people", neighbours=frozenset({"C1", "O1"})),
                    Record("b", "John Smith", "people", neighbours=frozenset({"C1", "O1"})))
    plain = score_pair(Record("a", "John Smyth", "people"), Record("b", "John Smith", "people"))
    assert nb.score > plain.score and "shared neighbour" in nb.reason


def test_people_need_exact_names_or_ids():
    # one letter apart: a review candidate at most, never linked automatically
    d = score_pair(Record("a", "John Smith", "people"), Record("b", "Joan Smith", "people"))
    assert d.score < 0.87
    d = score_pair(Record("a", "王小强", "people"), Record("b", "王晓强", "people"))
    assert d.score < 0.75


# ---------------------------------------------------------------- vaccine spellings

def _vaccine_groups(names):
    recs = [Record(n, n) for n in names]
    return cluster(recs).cluster_of


def test_vaccine_variants_resolve_to_one_company_each():
    changsheng = ["长春长生生物科技有限责任公司", "长春长生生物科技股份有限公司", "长春长生生物科技有限公司",
                  " 长春长生生物科技有限责任公司", "长春长生生物科技有限贵任公司"]
    msd = ["Merck Sharp & Dohme Corp.", "Merck.Sharp.Dohme.Corp.", "Merck Sharp ＆Dohme Corp.",
           "Merck\u00a0Sharp\u00a0&\u00a0Dohme\u00a0Corp.,U.S.A.", "美国默沙东Merck Sharp Dohme", "MerckSharp&DohmeCorp.",
           " Merk Sharp & Dohme Corp"]
    sanofi = ["SANOFI PASTEUR S.A.", "SANOFI.PASTEUR.S.A.", "SANOFI PASTEUR S.A.法国赛诺菲巴斯德", "法国赛诺菲巴斯德",
              "赛诺菲巴斯德", "赛诺菲巴斯德SANOFI PASTEUR S.A", "赛诺菲巴斯德股份公司", "赛诺菲巴斯德（SANOFI PASTEURS.A.）",
              "法国SanofiPasteurS.A.(深圳赛诺菲巴斯德生物制品有限公司分装)"]
    others = ["长春生物制品研究所有限责任公司", "长春百克生物科技股份公司", "深圳赛诺菲巴斯德生物制品有限公司",
              "重庆智飞生物制品股份有限公司(生产企业：Merck Sharp ＆ Dohme Corp.)", "上海生物制品研究所有限责任公司",
              "兰州生物制品研究所有限责任公司", "华兰生物工程股份有限公司", "华兰生物工程重庆有限公司", "华兰生物疫苗有限公司",
              "GlaxoSmithKline Biologicals S.A."]
    c = _vaccine_groups(changsheng + msd + sanofi + others)
    for group in (changsheng, msd, sanofi):
        assert len({c[n] for n in group}) == 1, group
    tops = {c[changsheng[0]], c[msd[0]], c[sanofi[0]]}
    assert len(tops) == 3
    assert len({c[n] for n in others} | tops) == len(others) + 3  # every other manufacturer apart


def test_precision_recall_on_labelled_vaccine_pairs():
    rows = list(csv.DictReader(open(FIXTURES / "cn_vaccine_pairs.csv", encoding="utf-8")))
    names = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    c = _vaccine_groups(names)
    m = pair_metrics(lambda a, b: c[a] == c[b], [(r["a"], r["b"], r["same"] == "1") for r in rows])
    print("vaccine labelled pairs:", m)
    assert m["tp"] + m["fn"] >= 400 and m["fp"] + m["tn"] >= 200
    assert m["precision"] >= 0.99
    assert m["recall"] >= 0.95


# ---------------------------------------------------------------- references at ingest

def _put(db, kind, rows):
    from graphrisk import schema
    k = schema.KINDS[kind]
    for r in rows:
        r = dict(r)
        r[k.name_column + "_norm"] = normalize_name(r[k.name_column])
        db[kind].insert(r)


@pytest.fixture
def ref_db(tmp_path):
    db = store.connect(tmp_path / "ref.db")
    _put(db, "people", [
        {"person_id": "P2", "name": "刘芳", "id_number": "110101198505050055"},
        {"person_id": "P3", "name": "刘芳", "id_number": "110101199006060066"},
        {"person_id": "P1", "name": "王强", "id_number": "110101198001010011"},
    ])
    _put(db, "companies", [
        {"company_id": "C1", "name": "华鼎科技有限公司", "registration_no": "91110000MA00000001"},
        {"company_id": "GB-COH-00882843", "name": "Silverstone Circuits Ltd", "registration_no": "00882843"},
        {"company_id": "C7", "name": "Sky UK Ltd", "registration_no": "02906991"},
        {"company_id": "C8", "name": "Sky UK Limited", "registration_no": "02247735"},
    ])
    return db


def test_resolve_references_link_create_ambiguous(ref_db):
    names = ["華鼎科技股份有限公司", "Silverstone Circuits Limited", "刘芳", "Sky UK", "王强先生", "Wang Qiang",
             "Brand New Ltd", "Brand New Limited", "张三"]
    res = resolve_references(ref_db, names, ("people", "companies"), None)
    assert res["華鼎科技股份有限公司"].action == LINKED and res["華鼎科技股份有限公司"].entity_id == "C1"
    assert res["Silverstone Circuits Limited"].entity_id == "GB-COH-00882843"
    assert res["刘芳"].action == AMBIGUOUS and "P2" in res["刘芳"].reason and "P3" in res["刘芳"].reason
    assert res["Sky UK"].action == AMBIGUOUS  # two companies with different numbers
    assert res["王强先生"].action == LINKED and res["王强先生"].entity_id == "P1"
    assert res["Wang Qiang"].entity_id == "P1"  # pinyin, cross script
    # variants inside the batch create one entity
    a, b = res["Brand New Ltd"], res["Brand New Limited"]
    assert {a.action, b.action} == {CREATED, LINKED} and a.entity_id == b.entity_id
    created = a if a.action == CREATED else b
    assert created.kind == "companies" and created.new_row["company_id"] == created.entity_id
    assert res["张三"].action == CREATED and res["张三"].kind == "people"
    assert res["张三"].entity_id == new_id("people", "张三")
    for r in res.values():
        assert r.reason


def test_resolve_references_follows_merges(ref_db):
    _put(ref_db, "companies", [{"company_id": "C9", "name": "Acme Widgets Ltd"},
                               {"company_id": "C10", "name": "ACME Widgets (UK) Ltd"}])
    res = resolve_references(ref_db, ["Acme Widgets Limited"], ("companies",), None)
    assert res["Acme Widgets Limited"].action == AMBIGUOUS  # two entities, equally good
    mg.merge(ref_db, "C10", "C9", "same firm")
    res = resolve_references(ref_db, ["Acme Widgets Limited"], ("companies",), None)
    assert res["Acme Widgets Limited"].entity_id == "C10"


def test_parallel_search_gives_the_same_answers(ref_db):
    names = ["華鼎科技股份有限公司", "Silverstone Circuits Limited", "Sky UK", "Wang Qiang", "Brand New Ltd",
             "Brand New Limited", "张三", "Silverstone Circuit"]
    serial = resolve_references(ref_db, names, ("people", "companies"), {"workers": 1})
    par = resolve_references(ref_db, names, ("people", "companies"), {"workers": 2, "parallel_min_names": 2})
    assert {n: (r.action, r.entity_id, r.reason) for n, r in serial.items()} == \
        {n: (r.action, r.entity_id, r.reason) for n, r in par.items()}


def test_officials_never_created_from_names(ref_db):
    res = resolve_references(ref_db, ["某某某"], ("officials",), None)
    r = res["某某某"]
    # never created, never NULL: an unresolved node the record points to
    assert r.action == AMBIGUOUS and r.kind == "unresolved" and r.entity_id.startswith("UNR-")
    assert r.new_row["unresolved_id"] == r.entity_id and r.new_row["name"] == "某某某"


# ---------------------------------------------------------------- merge / unmerge / duplicates

def test_merge_unmerge_round_trip(ref_db):
    _put(ref_db, "companies", [{"company_id": "C2", "name": "华鼎科技股份有限公司"}])
    pairs = mg.duplicates(ref_db, kind="company")
    assert any({p["a_id"], p["b_id"]} == {"C1", "C2"} for p in pairs)
    assert all(not ({p["a_id"], p["b_id"]} == {"C7", "C8"}) for p in pairs)  # different numbers never listed
    p = next(p for p in pairs if {p["a_id"], p["b_id"]} == {"C1", "C2"})
    assert p["score"] >= 0.87 and p["reason"] and p["evidence"]["names"]

    mid = mg.merge(ref_db, "C1", "C2", "same firm, checked the licence")
    assert mg.canonical_map(ref_db) == {"C2": "C1"}
    log = mg.merge_log(ref_db)
    assert log[0]["id"] == mid and log[0]["reason"] == "same firm, checked the licence" and log[0]["undone_at"] is None
    assert json.loads(log[0]["evidence"])["names"] == ["华鼎科技有限公司", "华鼎科技股份有限公司"]
    assert ref_db["companies"].count == 5  # nothing deleted
    assert not any({p["a_id"], p["b_id"]} == {"C1", "C2"} for p in mg.duplicates(ref_db, kind="companies"))
    with pytest.raises(mg.MergeError):
        mg.merge(ref_db, "C1", "C2")  # already merged

    assert mg.unmerge(ref_db, "C2", "wrong") == mid
    assert mg.canonical_map(ref_db) == {}
    log = mg.merge_log(ref_db)
    assert log[0]["undone_at"] and log[0]["undo_reason"] == "wrong"
    with pytest.raises(mg.MergeError):
        mg.unmerge(ref_db, "C2")


def test_merge_refuses_different_identifiers_and_kinds(ref_db):
    with pytest.raises(mg.MergeError, match="never merged"):
        mg.merge(ref_db, "C7", "C8")
    with pytest.raises(mg.MergeError):
        mg.merge(ref_db, "P2", "P3")  # homonyms, different id numbers
    with pytest.raises(mg.MergeError):
        mg.merge(ref_db, "C1", "P1")
    mid = mg.merge(ref_db, "C7", "C8", "investigator override", force=True)
    assert "FORCED" in mg.merge_log(ref_db)[0]["reason"] and mid


def test_canonical_map_follows_chains(ref_db):
    _put(ref_db, "companies", [{"company_id": "X1", "name": "X"}, {"company_id": "X2", "name": "X2"},
                               {"company_id": "X3", "name": "X3"}])
    mg.merge(ref_db, "X2", "X3")
    mg.merge(ref_db, "X1", "X2")
    assert mg.canonical_map(ref_db) == {"X3": "X1", "X2": "X1"}


def test_sample_world_homonym_decoys_never_merged(tmp_path):
    from graphrisk import sample

    sample.generate(tmp_path / "s", scale=0.1, seed=7)
    truth = json.loads((tmp_path / "s" / "truth.json").read_text(encoding="utf-8"))
    people = list(csv.DictReader(open(tmp_path / "s" / "people.csv", encoding="utf-8-sig")))
    recs = [Record(r["person_id"], r["name"], "people", id_number=r.get("id_number") or None) for r in people]
    c = cluster(recs).cluster_of
    pairs = []
    for entry in _walk(truth):
        if isinstance(entry, dict) and entry.get("homonym_id"):
            for k in ("spouse_id", "person_id", "relative_id"):
                if entry.get(k):
                    pairs.append((entry[k], entry["homonym_id"]))
    assert pairs, "the sample world plants homonym decoys"
    for a, b in pairs:
        if a in c and b in c:
            assert c[a] != c[b]


def _walk(x):
    yield x
    if isinstance(x, dict):
        for v in x.values():
            yield from _walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from _walk(v)


def test_same_name_people_without_context_are_only_review_candidates():
    d = score_pair(Record("P1", "李伟", "people"), Record("P2", "李伟", "people"))
    assert d.score < 0.87 and "capped for review" in d.reason
    res = cluster([Record("P1", "李伟", "people"), Record("P2", "李伟", "people")])
    assert res.cluster_of["P1"] != res.cluster_of["P2"]


# ---------------------------------------------------------------- UK registers: organisations across registers

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
ORG_KINDS = ("companies", "organisations", "public_bodies")


def _uk_pairs():
    rows = list(csv.DictReader(open(FIXTURES / "uk_org_pairs.csv", encoding="utf-8")))
    return rows, {(r["a"], r["b"]): r["same"] for r in rows}


def _uk_builder():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_uk_org_pairs", FIXTURES / "build_uk_org_pairs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_uk_organisation_pairs_precision_recall():
    """Pairwise link decisions on the hand-labelled candidate pairs (MPs' donors x ministers' counterparties)."""
    from graphrisk.resolve.kinds import guess_kind
    from graphrisk.resolve.records import resolve_settings

    s = resolve_settings(None)
    rows, _ = _uk_pairs()
    labelled = [r for r in rows if r["source"] == "candidates" and r["same"] in ("0", "1")]

    def linked(a, b):
        d = score_pair(Record("b", b, guess_kind(b, ORG_KINDS)), Record("a", a, guess_kind(a, ORG_KINDS)), s,
                       reference=True)
        return d.score >= s["link_score"]

    m = pair_metrics(linked, [(r["a"], r["b"], r["same"] == "1") for r in labelled])
    print("UK organisation pairs:", m)
    assert m["tp"] + m["fn"] >= 100 and m["fp"] + m["tn"] >= 300
    assert m["precision"] >= 0.95
    assert m["recall"] >= 0.8


@pytest.mark.skipif(not (REAL / "uk-ministers-gifts-hospitality").exists(), reason="real registers not present")
def test_uk_cross_register_automatic_links(tmp_path):
    """Resolve every ministers' counterparty against the MPs' register donors as ingest would; judge a
    sample of 100 automatic links by the labels: at most 2 wrong, none unlabelled."""
    import hashlib
    from collections import defaultdict

    from graphrisk import schema
    from graphrisk.resolve.aliases import ALIASES, ensure_tables
    from graphrisk.resolve.kinds import guess_kind

    b = _uk_builder()
    mp, ministers = b.mp_names(REAL), b.minister_names(REAL)
    assert len(mp) > 500 and len(ministers) > 500
    # the MPs' register as a store: one row per spelling, spellings of one organisation merged
    # (same Companies House number or matched names), as an adapter and `entities merge` leave it
    names = sorted(mp)
    recs = [Record(str(i), n, guess_kind(n, ORG_KINDS), registration_no=mp[n] or None) for i, n in enumerate(names)]
    res = cluster(recs)
    groups = defaultdict(list)
    for r in recs:
        groups[res.cluster_of[r.id]].append(r)
    db = store.connect(tmp_path / "uk.db")
    ensure_tables(db)
    entity_of, names_of = {}, defaultdict(list)
    for cid, members in groups.items():
        for m in members:
            k = schema.KINDS[m.kind]
            row = {k.id_column: f"E{m.id}", k.name_column: m.name, k.name_column + "_norm": normalize_name(m.name)}
            if m.registration_no:
                row["registration_no"] = m.registration_no
            db[m.kind].insert(row)
            if m.id != cid:
                db[ALIASES].insert({"alias_id": f"E{m.id}", "canonical_id": f"E{cid}", "kind": m.kind, "merge_id": 0})
            entity_of[m.name] = f"E{cid}"
            names_of[f"E{cid}"].append(m.name)
    out = resolve_references(db, ministers, ("people",) + ORG_KINDS, None)
    _, labels = _uk_pairs()
    links = []
    for name, r in out.items():
        if r.action != LINKED:
            continue
        if r.entity_id in names_of:  # linked to an MPs' register entity
            targets = names_of[r.entity_id]
        else:  # a spelling folded into another ministers' name created in this batch
            rep = next(n for n, o in out.items() if o.entity_id == r.entity_id and o.action == CREATED)
            targets = [rep]
        links.append((name, targets))
    assert len(links) >= 100, len(links)
    sample = sorted(links, key=lambda t: hashlib.sha1(t[0].encode("utf-8")).hexdigest())[:100]
    wrong, undecided, unlabelled = [], [], []
    for name, targets in sample:
        verdicts = {labels[(a, name)] for a in targets if (a, name) in labels}
        if "1" in verdicts:
            continue
        if "x" in verdicts:
            undecided.append(name)
        elif "0" in verdicts:
            wrong.append((name, targets[:3]))
        else:
            unlabelled.append((name, targets[:3]))
    print(f"automatic links: {len(links)}; sample of 100: {len(wrong)} wrong, {len(undecided)} undecided "
          f"(parent/subsidiary, several parties)")
    assert not unlabelled, f"label these links in build_uk_org_pairs.py (LINKS): {unlabelled}"
    assert len(wrong) <= 2, wrong
