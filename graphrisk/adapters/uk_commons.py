"""UK House of Commons Register of Members' Financial Interests → canonical CSV files.

Input: the folder of ``PublishedInterest-Category_*.csv`` files (UTF-8 with BOM).
Mapping: ``graphrisk/adapters/mappings/uk-commons-register.toml``.

What it writes:

- ``units.csv``: the House of Commons; ``officials.csv``: every MP, id
  ``GB-MNIS-<MNIS ID>`` (the Parliament member id), name as published.
- ``companies.csv``: organisations. One with a Companies House number gets
  ``company_id = GB-COH-<8 digits>`` and ``registration_no``; spellings of it
  without the number that the matcher links go to the same id. An
  organisation without a number is written once per cluster of spellings
  (``CN-…`` id, as ingest would give it); ``sector`` carries DonorStatus.
- ``gifts.csv``: categories 3 and 5 (gifts) and 2 (donations, description
  says so). ``giver_id`` where the donor has a Companies House number, else
  ``giver_name`` for ingest's resolver (individuals become people there).
- ``trips.csv``: category 4, one row per (visit, sponsor): up to five
  sponsors in wide columns reshaped to long; ``trip_id = GB-RMFI-<ID>-<n>``.
- ``people.csv`` + ``relations.csv``: category 10 relatives (relative → MP,
  relative employee of the employer), category 7 shareholdings (MP
  shareholder of the organisation), category 1 employment (MP employee of
  the payer).
"""
from __future__ import annotations

import glob
import json
from collections import Counter
from pathlib import Path

from ..resolve.match import clean_name
from ..resolve.normalize import normalize_name
from ..resolve.references import new_id
from .common import EntitySpace, cell, is_true, load_mapping, read_csv_rows, write_kind

NAME = "uk-commons-register"


def _read(src: Path, file: str, enc: str) -> list[dict]:
    p = Path(src) / file
    if not p.exists():
        hits = glob.glob(str(Path(src) / "**" / file), recursive=True)
        if not hits:
            return []
        p = Path(hits[0])
    return read_csv_rows(p, enc)


def convert(src: Path, out_dir: Path) -> list[Path]:
    return convert_with_stats(src, out_dir)[0]


def convert_with_stats(src: Path, out_dir: Path) -> tuple[list[Path], dict]:
    m = load_mapping(NAME)
    src, out_dir = Path(src), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    enc, cur, rid = m["encoding"], m["currency"], m["record_id_prefix"]
    mem, unit, don = m["member"], m["unit"], m["donor"]
    person_statuses = {s.lower() for s in don["person_statuses"]}
    stats: dict = {}

    officials: dict[str, dict] = {}

    def official(row: dict) -> str | None:
        mnis = cell(row, mem["id_column"])
        if not mnis:
            return None
        oid = mem["id_prefix"] + mnis
        officials.setdefault(oid, {"official_id": oid, "name": cell(row, mem["name_column"]),
                                   "unit_id": unit["unit_id"], "position": mem["position"]})
        return oid

    space = EntitySpace(m["company_number_prefix"])

    # ---- pass 1: read everything, register organisation names
    gift_src = []
    for g in m["gifts"]:
        rows = _read(src, g["file"], enc)
        stats[g["file"]] = len(rows)
        for r in rows:
            status = cell(r, don["status"])
            number = cell(r, don["number"])
            is_person = status.lower() in person_statuses and not number
            name = cell(r, [don["company_name"], don["name"]]) if number else cell(r, don["name"])
            if not is_person:
                space.add(name, number, "companies", sector=status)
                if number and cell(r, don["name"]) and cell(r, don["name"]) != name:
                    space.add(cell(r, don["name"]), number, "companies", sector=status)
            gift_src.append((g, r, name, number, is_person))

    t = m["trips"]
    trip_rows = _read(src, t["file"], enc)
    stats[t["file"]] = len(trip_rows)
    for r in trip_rows:
        for n in range(1, t["max_sponsors"] + 1):
            name = cell(r, t["sponsor_name"].format(n=n))
            if name and not is_true(cell(r, t["sponsor_is_person"].format(n=n))):
                space.add(name, "", "companies", sector="Trip sponsor")

    sh = m["shareholdings"]
    share_rows = _read(src, sh["file"], enc)
    stats[sh["file"]] = len(share_rows)
    for r in share_rows:
        space.add(cell(r, sh["organisation"]), "", "companies")

    emp = m["employment"]
    emp_rows = _read(src, emp["file"], enc)
    stats[emp["file"]] = len(emp_rows)
    for r in emp_rows:
        payer = cell(r, emp["payer"])
        if payer and not is_true(cell(r, emp["payer_is_person"])):
            space.add(payer, "", "companies")

    fam = m["family_lobbying"]
    fam_rows = _read(src, fam["file"], enc)
    stats[fam["file"]] = len(fam_rows)
    not_employer = {normalize_name(x) for x in fam["not_an_employer"]}
    for r in fam_rows:
        e = cell(r, fam["employer"])
        if e and normalize_name(e) not in not_employer:
            space.add(e, "", "companies")

    space.resolve()

    # ---- pass 2: records
    gifts = []
    dropped: Counter = Counter()  # source rows not converted, by reason (printed by ingest, kept in _summary.json)
    for g, r, name, number, is_person in gift_src:
        oid = official(r)
        if not oid or not name:
            dropped[f"{g['file']}: no member id or no donor"] += 1
            continue
        desc = cell(r, g["columns"]["description"])
        ptype = cell(r, g["columns"].get("payment_type"))
        row = {
            "gift_id": rid + cell(r, "ID"), "recipient_id": oid,
            "date": cell(r, g["columns"]["date"]), "value": cell(r, g["columns"]["value"]),
            "currency": cur, "declared": "yes",
            "description": f"{g['label']}{' – ' + ptype if ptype else ''}: {desc}" if desc else g["label"],
        }
        if number:
            row["giver_id"] = space.id(name, number)
        elif is_person:
            row["giver_name"] = clean_name(name)
        else:
            row["giver_id"], row["giver_name"] = space.reference(name)
        gifts.append(row)

    trips = []
    for r in trip_rows:
        oid = official(r)
        if not oid:
            dropped[f"{t['file']}: no member id"] += 1
            continue
        places = []
        for n in range(1, t["max_locations"] + 1):
            c, d = cell(r, t["country"].format(n=n)), cell(r, t["destination"].format(n=n))
            if c or d:
                places.append(", ".join(x for x in (d, c) if x))
        sponsors = [n for n in range(1, t["max_sponsors"] + 1) if cell(r, t["sponsor_name"].format(n=n))]
        for n in sponsors or [None]:
            row = {
                "trip_id": f"{rid}{cell(r, 'ID')}" + (f"-{n}" if n else ""), "official_id": oid,
                "destination": "; ".join(places) or "unknown",
                "start_date": cell(r, t["start_date"]), "end_date": cell(r, t["end_date"]),
                "purpose": cell(r, t["purpose"]), "currency": cur,
            }
            if n:
                sp = cell(r, t["sponsor_name"].format(n=n))
                if is_true(cell(r, t["sponsor_is_person"].format(n=n))):
                    row["sponsor_name"] = clean_name(sp)
                else:
                    row["sponsor_id"], row["sponsor_name"] = space.reference(sp)
                row["cost"] = cell(r, t["sponsor_value"].format(n=n))
                if len(sponsors) > 1:
                    row["purpose"] = f"{row['purpose']} [sponsor {n} of {len(sponsors)}]".strip()
            trips.append(row)

    relations, people = [], {}
    for r in share_rows:
        oid, org = official(r), cell(r, sh["organisation"])
        cid = space.id(org)
        if not (oid and org):
            dropped[f"{sh['file']}: no member id or no organisation"] += 1
            continue
        # a name the matcher found ambiguous goes by name: ingest records it unresolved, never drops it
        if oid:
            relations.append({"from_id": oid, "to_id": cid or "", "to_name": "" if cid else clean_name(org),
                              "relation": sh["relation"],
                              "start_date": cell(r, sh["start_date"]), "end_date": cell(r, sh["end_date"]),
                              "source": f"{NAME} cat 7 {rid}{cell(r, 'ID')}: {cell(r, sh['threshold'])}"})
    for r in emp_rows:
        oid, payer = official(r), cell(r, emp["payer"])
        if not oid or not payer:
            dropped[f"{emp['file']}: no member id or no payer"] += 1
            continue
        if is_true(cell(r, emp["payer_is_person"])):
            pid = new_id("people", normalize_name(payer))
            people.setdefault(pid, {"person_id": pid, "name": clean_name(payer), "note": "employer (UK register cat 1)"})
            to = pid
        else:
            to = space.id(payer)
        if oid:
            relations.append({"from_id": oid, "to_id": to or "", "to_name": "" if to else clean_name(payer),
                              "relation": emp["relation"],
                              "start_date": cell(r, emp["start_date"]), "end_date": cell(r, emp["end_date"]),
                              "source": f"{NAME} cat 1 {rid}{cell(r, 'ID')}: {cell(r, emp['job'])}"})
    rmap = {k.lower(): v for k, v in fam["relation_map"].items()}
    for r in fam_rows:
        oid, person = official(r), clean_name(cell(r, fam["person"]))
        if not oid or not person:
            dropped[f"{fam['file']}: no member id or no relative's name"] += 1
            continue
        # a relative is identified by name *and* the MP: two MPs' relatives may share a name
        pid = new_id("people", normalize_name(person) + "|" + oid)
        people.setdefault(pid, {"person_id": pid, "name": person,
                                "note": f"relative of {officials[oid]['name']} (UK register cat 10)"})
        rel = rmap.get(cell(r, fam["relation_type"]).lower(), "relative")
        if cell(r, fam["level"]) == fam["indirect_level"]:
            rel = fam["indirect_relation"]
        relations.append({"from_id": pid, "to_id": oid, "relation": rel, "end_date": cell(r, fam["end_date"]),
                          "source": f"{NAME} cat 10 {rid}{cell(r, 'ID')}: {cell(r, fam['relation_type'])}, "
                                    f"{cell(r, fam['level'])}"})
        e = cell(r, fam["employer"])
        cid = space.id(e) if e and normalize_name(e) not in not_employer else None
        if cid:
            relations.append({"from_id": pid, "to_id": cid, "relation": fam["employer_relation"],
                              "end_date": cell(r, fam["end_date"]),
                              "source": f"{NAME} cat 10 {rid}{cell(r, 'ID')}: {cell(r, fam['job'])}"})
    # one tie per (from, relation, to): keep the first
    seen, uniq = set(), []
    for rel in relations:
        k = (rel["from_id"], rel["relation"], rel["to_id"] or rel.get("to_name"))
        if k not in seen:
            seen.add(k)
            uniq.append(rel)

    units = [{"unit_id": unit["unit_id"], "name": unit["name"], "region": unit["region"]}]
    paths = [
        write_kind(out_dir, "units", units),
        write_kind(out_dir, "officials", sorted(officials.values(), key=lambda r: r["official_id"])),
        write_kind(out_dir, "companies", space.rows("companies")),
        write_kind(out_dir, "people", sorted(people.values(), key=lambda r: r["person_id"])),
        write_kind(out_dir, "relations", uniq, extra=["to_name"]),
        write_kind(out_dir, "gifts", gifts, extra=["giver_name"]),
        write_kind(out_dir, "trips", trips, extra=["sponsor_name"]),
    ]
    stats.update({"officials": len(officials), "companies": len(space.rows("companies")),
                  "people": len(people), "relations": len(uniq), "gifts": len(gifts), "trips": len(trips),
                  "gifts_by_id": sum(1 for g in gifts if g.get("giver_id")),
                  "gifts_by_name": sum(1 for g in gifts if g.get("giver_name")),
                  "trips_by_id": sum(1 for g in trips if g.get("sponsor_id")),
                  "trips_by_name": sum(1 for g in trips if g.get("sponsor_name")),
                  "ambiguous_mentions": len(space.ambiguous), "not_written": dict(dropped)})
    (out_dir / "_summary.json").write_text(json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False),
                                           encoding="utf-8")
    return [p for p in paths if p], stats
