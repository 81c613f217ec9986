"""Adapters for the real registers in ../shared/realdata: canonical files, kinds, counts, resolution quality."""
from __future__ import annotations

import csv
import itertools
from collections import Counter
from pathlib import Path

import pytest

from graphrisk import schema
from graphrisk.adapters import ADAPTERS, cn_vaccine, get, known_formats, uk_commons
from graphrisk.resolve.match import Record, candidate_pairs, clean_name, cluster, pair_metrics
from graphrisk.resolve.normalize import normalize_identifier

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdata"
UK = REAL / "uk-commons-register-of-interests"
CN = REAL / "cn-vaccine-procurement"

needs_uk = pytest.mark.skipif(not UK.exists(), reason="real UK register not present")
needs_cn = pytest.mark.skipif(not CN.exists(), reason="real vaccine data not present")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_registry():
    assert set(ADAPTERS) == {"uk-commons-register", "cn-vaccine-procurement", "ocds"}
    assert set(known_formats()) >= {"uk-commons-register", "cn-vaccine-procurement", "ocds", "uk-ministers-gifts"}
    assert get("uk-commons-register") is uk_commons.convert
    with pytest.raises(KeyError, match="known"):
        get("nope")


# ---------------------------------------------------------------- UK register

@pytest.fixture(scope="module")
def uk_out(tmp_path_factory):
    if not UK.exists():
        pytest.skip("real UK register not present")
    out = tmp_path_factory.mktemp("uk")
    paths, stats = uk_commons.convert_with_stats(UK, out)
    return out, paths, stats


@needs_uk
def test_uk_files_kinds_and_counts(uk_out):
    out, paths, stats = uk_out
    assert sorted(p.name for p in paths) == sorted(
        ["units.csv", "officials.csv", "companies.csv", "people.csv", "relations.csv", "gifts.csv", "trips.csv"])
    for p in paths:  # every file carries its kind's required columns
        cols = _rows(p)[0].keys()
        kind = schema.KINDS[p.stem]
        for c in kind.required:
            assert c in cols or c[:-3] + "_name" in cols, (p.name, c)
    gifts = _rows(out / "gifts.csv")
    # cat 3 (665 rows) + cat 5 (20) + cat 2 donations (680) → gifts
    assert len(gifts) == 665 + 20 + 680
    assert sum(g["gift_id"].startswith("GB-RMFI-") for g in gifts) == len(gifts)
    assert len({g["gift_id"] for g in gifts}) == len(gifts)
    assert sum("(category 2)" in g["description"] for g in gifts) == 680
    assert all(g["recipient_id"].startswith("GB-MNIS-") for g in gifts)
    assert all(g["giver_id"] or g["giver_name"] for g in gifts)
    # the 705 cat 2/3/5 rows with a Companies House number reference GB-COH-<8> ids
    coh = [g for g in gifts if g["giver_id"].startswith("GB-COH-")]
    assert len(coh) >= 705
    # cat 4: 403 visits with 403 + 35 + 10 + 4 + 2 sponsors → 454 trip rows (wide → long)
    trips = _rows(out / "trips.csv")
    assert len(trips) == 454 and len({t["trip_id"] for t in trips}) == 454
    assert all(t["sponsor_id"] or t["sponsor_name"] for t in trips)
    assert sum(t["trip_id"].endswith("-5") for t in trips) == 2
    officials = _rows(out / "officials.csv")
    assert len(officials) == stats["officials"] == 492
    assert all(o["unit_id"] == "GB-HOC" and o["official_id"].startswith("GB-MNIS-") for o in officials)
    assert _rows(out / "units.csv")[0]["name"] == "House of Commons"


@needs_uk
def test_uk_companies_and_relations(uk_out):
    out, _, _ = uk_out
    companies = _rows(out / "companies.csv")
    ids = [c["company_id"] for c in companies]
    assert len(ids) == len(set(ids))
    coh = [c for c in companies if c["company_id"].startswith("GB-COH-")]
    for c in coh:
        assert c["company_id"] == "GB-COH-" + c["registration_no"]
        assert normalize_identifier(c["registration_no"]) == c["registration_no"]
    # '882843' and '00882843' are one company; junk around numbers is removed
    silverstone = [c for c in coh if c["registration_no"] == "00882843"]
    assert len(silverstone) == 1
    assert not any("REGISTRATION" in c["company_id"] or "NOT" in c["company_id"] for c in coh)
    rels = _rows(out / "relations.csv")
    kinds = Counter(r["relation"] for r in rels)
    assert kinds["shareholder"] >= 150  # cat 7: 196 rows, one tie per (MP, organisation)
    assert kinds["employee"] >= 200  # cat 1 payers + cat 10 employers
    fam = [r for r in rels if r["relation"] in ("spouse", "child", "parent", "sibling", "relative")]
    assert len(fam) == 22  # cat 10: one family tie per row
    assert Counter(r["relation"] for r in fam)["spouse"] >= 14  # Spouse and Partner
    people = {p["person_id"] for p in _rows(out / "people.csv")}
    assert all(r["from_id"] in people for r in fam)
    company_ids = set(ids)
    assert all(r["to_id"] in company_ids for r in rels if r["relation"] == "shareholder")


def _uk_mentions():
    ment = set()
    for c in (2, 3, 5):
        with open(UK / f"PublishedInterest-Category_{c}.csv", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                num = normalize_identifier(r["DonorCompanyIdentifier"])
                if num:
                    for n in (r["DonorName"], r["DonorCompanyName"]):
                        if clean_name(n):
                            ment.add((clean_name(n), num))
    return sorted(ment)


@needs_uk
def test_uk_donors_sharing_a_number_merge_and_different_numbers_never():
    ment = _uk_mentions()
    by_num: dict[str, set] = {}
    for n, num in ment:
        by_num.setdefault(num, set()).add(n)
    pos = [(a, b) for v in by_num.values() if len(v) > 1 for a, b in itertools.combinations(sorted(v), 2)]
    assert len([v for v in by_num.values() if len(v) > 1]) >= 60  # the README's 63 numbers with 2+ spellings
    nums_of: dict[str, set] = {}
    for n, num in ment:
        nums_of.setdefault(n, set()).add(num)
    names = sorted(nums_of)
    # hard negatives: alike names (score >= 0.6) carrying different numbers
    neg = [(d.a, d.b) for d in candidate_pairs([Record(n, n) for n in names], min_score=0.6)
           if not nums_of[d.a] & nums_of[d.b]]
    assert len(neg) >= 100
    labelled = [(a, b, True) for a, b in pos] + [(a, b, False) for a, b in neg]

    recs = [Record(f"{n}|{num}", n, "companies", registration_no=num) for n, num in ment]
    c = cluster(recs).cluster_of
    clusters: dict[str, set] = {}
    for n, num in ment:
        clusters.setdefault(n, set()).add(c[f"{n}|{num}"])
    m = pair_metrics(lambda a, b: bool(clusters[a] & clusters[b]), labelled)
    print("UK with numbers:", m)
    assert m["precision"] == 1.0 and m["recall"] == 1.0
    # no cluster ever holds two numbers
    per_cluster: dict[str, set] = {}
    for n, num in ment:
        per_cluster.setdefault(c[f"{n}|{num}"], set()).add(num)
    assert all(len(v) == 1 for v in per_cluster.values())

    # the same pairs by name alone (what resolution can do for a donor typed without its number)
    c2 = cluster([Record(n, n) for n in names]).cluster_of
    m2 = pair_metrics(lambda a, b: c2[a] == c2[b], labelled)
    print("UK names only:", m2)
    assert m2["recall"] >= 0.55 and m2["precision"] >= 0.8


# ---------------------------------------------------------------- vaccine procurement

@pytest.fixture(scope="module")
def cn_out(tmp_path_factory):
    if not CN.exists():
        pytest.skip("real vaccine data not present")
    out = tmp_path_factory.mktemp("cn")
    paths, stats = cn_vaccine.convert_with_stats(CN, out)
    return out, paths, stats


@needs_cn
def test_cn_files_kinds_and_counts(cn_out):
    out, paths, stats = cn_out
    assert sorted(p.name for p in paths) == ["companies.csv", "contracts.csv", "units.csv"]
    contracts = _rows(out / "contracts.csv")
    # 3,197 award rows: 3 typed-in header/note rows skipped; + 100 CCGP notices
    assert stats["award_rows"] == 3197 and stats["award_skipped"] == 3
    assert len(contracts) == 3194 + 100
    # the notices file repeats 20 notices verbatim: they share an id (ingest stores them once)
    assert len({c["contract_id"] for c in contracts}) == 3194 + 80
    awards = [c for c in contracts if c["contract_id"].startswith("CNVAC-")]
    assert all(c["date"][4:] == "-01-01" and "only the year" in c["title"] for c in awards)
    assert all(float(c["amount"]) >= 0 for c in contracts)
    zero = [c for c in awards if float(c["amount"]) == 0]
    assert len(zero) == stats["award_price_unpublished"] and len(zero) > 200  # kept, amount 0
    assert all("price not published" in c["title"] for c in zero)
    notices = [c for c in contracts if c["contract_id"].startswith("CCGP-")]
    assert len(notices) == 100
    assert all(c["supplier_name"] == "长春长生生物科技有限责任公司" and c["amount"] == "0" for c in notices)
    units = _rows(out / "units.csv")
    provinces = [u for u in units if u["unit_id"].startswith("CN-PROV-")]
    assert len(provinces) == 31
    buyers = [u for u in units if u["unit_id"].startswith("CN-UNIT-")]
    assert buyers and all(u["parent_id"].startswith("CN-PROV-") for u in buyers if u["parent_id"])


@needs_cn
def test_cn_companies_one_per_firm(cn_out):
    out, _, stats = cn_out
    companies = _rows(out / "companies.csv")
    names = [c["name"] for c in companies]
    # 228 distinct maker strings in the README; the adapter keeps one row per firm
    assert 70 <= len(companies) <= 95
    assert sum("长春长生生物科技" in n for n in names) == 1
    # 'MSD Ireland;Merck Sharp & Dohme Corp.' names two makers in one cell and stays apart
    assert sum(("Merck" in n or "默沙东" in n) and ";" not in n for n in names) == 1
    assert sum(n.lower().startswith("sanofi") or n.startswith(("赛诺菲", "法国赛诺菲")) for n in names) == 1
    assert sum("深圳赛诺菲巴斯德" in n for n in names) == 1  # the Shenzhen JV is a different firm
    assert not any(n in ("支", "瓶", "生产企业") for n in names)


@needs_cn
def test_cn_supplier_names_resolve_at_ingest(cn_out, tmp_path):
    """Every supplier_name the adapter writes links (by the ingest resolver) to one written company."""
    from graphrisk import store
    from graphrisk.resolve.normalize import normalize_name
    from graphrisk.resolve.references import LINKED, resolve_references

    out, _, _ = cn_out
    db = store.connect(tmp_path / "cn.db")
    for r in _rows(out / "companies.csv"):
        db["companies"].insert({"company_id": r["company_id"], "name": r["name"],
                                "name_norm": normalize_name(r["name"]), "sector": r.get("sector")})
    contracts = _rows(out / "contracts.csv")
    names = sorted({c["supplier_name"] for c in contracts if c["supplier_name"] and not c["supplier_id"]})
    res = resolve_references(db, names, ("people", "companies"), None)
    assert all(r.action == LINKED for r in res.values()), [r for r in res.values() if r.action != LINKED]
    ids = {res[n].entity_id for n in names if "长春长生生物科技" in n}
    assert len(ids) == 1
