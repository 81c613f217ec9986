"""Chinese provincial vaccine procurement awards (2016-2018) and CCGP notices → canonical CSV files.

Input: the folder with ``province_vaccine_awards.csv`` and
``ccgp_changsheng_award_notices.json``. Mapping:
``graphrisk/adapters/mappings/cn-vaccine-procurement.toml``.

What it writes:

- ``units.csv``: each buying province (``CN-PROV-<name>``) and each buying
  entity of a CCGP notice (``CN-UNIT-…``, parent = its province).
- ``companies.csv``: manufacturers and declaring companies, one row per
  cluster of spellings (长春长生生物科技有限责任公司 / 股份有限公司 / 有限贵任公司
  are one), id as ingest would give the preferred spelling.
- ``contracts.csv``: one per award row: ``supplier_name`` = the declaring
  company as written (ingest's resolver links it), date = 1 January of the
  year (the title says only the year is known), amount = the unit price
  (0 = not published; the row is kept), the maker in the title. One per CCGP
  notice: supplier 长春长生生物科技有限责任公司, amount unknown (notices carry none; the words kept in amount_text),
  the notice title.

Skipped: table header and note rows typed into the data (counted in stats).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..resolve.match import clean_name
from ..resolve.normalize import normalize_name
from .common import EntitySpace, cell, first_number, load_mapping, read_csv_rows, write_kind

NAME = "cn-vaccine-procurement"


def convert(src: Path, out_dir: Path) -> list[Path]:
    return convert_with_stats(src, out_dir)[0]


def _find(src: Path, file: str) -> Path | None:
    p = Path(src)
    if p.is_file():
        return p if p.name == file else None
    q = p / file
    if q.exists():
        return q
    hits = sorted(p.rglob(file))
    return hits[0] if hits else None


def convert_with_stats(src: Path, out_dir: Path) -> tuple[list[Path], dict]:
    m = load_mapping(NAME)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    aw, nt, un = m["awards"], m["notices"], m["units"]
    cols, vals = aw["columns"], aw["values"]
    junk = {normalize_name(x) for x in vals["not_a_company"]}
    headers = set(vals["header_words"])
    cur = m["currency"]
    stats = {"award_rows": 0, "award_skipped": 0, "award_price_unpublished": 0, "notices": 0}

    units: dict[str, dict] = {}

    def province_unit(name: str) -> str:
        uid = un["province_id_prefix"] + name
        units.setdefault(uid, {"unit_id": uid, "name": name, "region": name})
        return uid

    def buyer_unit(name: str, province: str) -> str:
        h = hashlib.sha1(normalize_name(name).encode("utf-8")).hexdigest()[:10]
        uid = un["buyer_id_prefix"] + h
        parent = province_unit(province) if province else None
        units.setdefault(uid, {"unit_id": uid, "name": name, "parent_id": parent, "region": province or None})
        return uid

    def company(text: str) -> str:
        s = clean_name(text)
        return "" if not s or normalize_name(s) in junk else s

    space = EntitySpace()
    awards = []
    p = _find(src, aw["file"])
    if p:
        rows = read_csv_rows(p, aw.get("encoding", "utf-8-sig"))
        for n, r in enumerate(rows, start=2):
            stats["award_rows"] += 1
            maker, supplier = company(cell(r, cols["manufacturer"])), company(cell(r, cols["supplier"]))
            vaccine, province, year = cell(r, cols["vaccine"]), cell(r, cols["province"]), cell(r, cols["year"])
            supplier = supplier or maker
            if not supplier or vaccine in headers or not re.fullmatch(r"\d{4}", year) or not province:
                stats["award_skipped"] += 1
                continue
            price_text = cell(r, cols["price"])
            price = first_number(price_text)
            if price is None:
                if price_text and not re.search(r"[\u4e00-\u9fff]", price_text):
                    stats["award_skipped"] += 1
                    continue
                price = 0.0
            if price == 0:
                stats["award_price_unpublished"] += 1
            for name in (maker, supplier):
                if name:
                    space.add(name, "", "companies", sector="vaccines")
            origin = cell(r, cols["origin"])
            title = f"{vaccine}" + (f"（{origin}）" if origin else "")
            if maker and maker != supplier:
                title += f"; manufacturer: {maker}"
            title += f"; unit price; only the year ({year}) is known"
            if price == 0:
                title += "; price not published" + (f" ({price_text})" if price_text else "")
            elif price_text and not re.fullmatch(r"[\d.,]+", price_text):
                title += f"; price as written: {price_text}"
            awards.append({
                "contract_id": f"{aw['contract_id_prefix']}{n}", "unit_id": province_unit(province),
                "supplier_name": supplier, "date": f"{year}-01-01", "amount": "" if price == 0 else f"{price:g}",
                # an unpublished price is unknown, not 0: the words as written stay in amount_text
                "_source_amount": (price_text or "价格未公布 (price not published)") if price == 0 else "",
                "currency": cur, "title": title,
            })

    notices = []
    q = _find(src, nt["file"])
    if q:
        data = json.loads(q.read_text(encoding="utf-8"))
        nc = nt["columns"]
        space.add(nt["supplier"], "", "companies", sector="vaccines")
        for i, r in enumerate(data, start=1):
            stats["notices"] += 1
            r = {k: ("" if v is None else str(v)) for k, v in r.items()}
            province = cell(r, nc["province"])
            buyer = clean_name(cell(r, nc["buyer"])) or province
            doc = re.search(r"docId=(\d+)", cell(r, nc["link"]))
            notices.append({
                # the notice's docId; else a hash of its content (the file repeats some notices verbatim)
                "contract_id": nt["contract_id_prefix"] + (doc.group(1) if doc else hashlib.sha1(
                    json.dumps(r, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]),
                "unit_id": buyer_unit(buyer, province) if buyer != province else province_unit(province),
                "supplier_name": nt["supplier"], "date": cell(r, nc["date"]), "amount": "",
                "_source_amount": "公告未载明金额 (no amount in the notice)", "currency": cur,
                "title": f"{cell(r, nc['title'])} (CCGP award notice; no amount published; {cell(r, nc['link'])})",
            })

    space.resolve()
    contracts = awards + notices
    for c in contracts:
        c["supplier_id"], c["supplier_name"] = space.reference(c["supplier_name"])
    paths = [
        write_kind(out_dir, "units", sorted(units.values(), key=lambda r: r["unit_id"])),
        write_kind(out_dir, "companies", space.rows("companies")),
        write_kind(out_dir, "contracts", contracts, extra=["supplier_name", "_source_amount"]),
    ]
    stats.update({"units": len(units), "companies": len(space.rows("companies")),
                  "contracts": len(contracts),
                  "contracts_by_id": sum(1 for c in contracts if c.get("supplier_id")), "award_contracts": len(awards), "notice_contracts": len(notices)})
    if stats.get("award_skipped"):  # printed by ingest, kept in _summary.json
        stats["not_written"] = {f"{aw['file']}: a typed-up table header or a row without an award": stats["award_skipped"]}
    (out_dir / "_summary.json").write_text(json.dumps(dict(stats), indent=2, sort_keys=True, ensure_ascii=False),
                                           encoding="utf-8")
    return [x for x in paths if x], stats

