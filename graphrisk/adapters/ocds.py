"""Open Contracting Data Standard (OCDS 1.1) releases or records → canonical contracts.

Input: a file or folder of OCDS data in any of its published shapes: JSON Lines
of releases (or of packages), a release package (``{"releases": [...]}``), a
record package (``{"records": [...]}``, each with ``compiledRelease`` or its
``releases``), or a single release. Mapping: ``graphrisk/adapters/mappings/ocds.toml``.

This is code, not a profile, because a profile reads one row per record and
OCDS nests: a contracting process is spread over several releases (tender,
award, awardUpdate), which are merged into one compiled release per ``ocid``
with :mod:`ocdsmerge` (the Open Contracting Partnership's reference
implementation of the merge rules); each award then has several suppliers,
and the parties' identifiers sit in a separate ``parties`` list.

What it writes:

- ``units.csv``: every buyer with an identifier (``<scheme>-<id>``, e.g.
  ``GB-COH-00975677``, ``GB-SRS-…``); a buyer without one is referred to by name
  (ingest links it to a unit of that name or creates one).
- ``companies.csv``: every supplier with an identifier, the identifier as a
  strong id (``registration_no``); a Companies House number is zero-padded to
  eight characters so that it meets the same company from other registers.
  Suppliers without an identifier are referred to by name; one with neither a
  name nor an identifier (only its party id is published) is kept under its
  party id, named as such.
- ``contracts.csv``: one row per (award, supplier) of every award whose status
  is not ``pending``, ``cancelled`` or ``unsuccessful`` (those are no contract):
  ``contract_id = <award id>/<supplier n>``, value and currency of the award,
  its date (the award date, else the contract's start), the tender's
  procurement method in graphrisk's vocabulary, the tender title.
- ``_summary.json``: releases read, processes, awards, contracts written and
  awards not written with the reason.
"""
from __future__ import annotations

import json
import tomllib
import re
from collections import Counter, defaultdict
from pathlib import Path

from ..errors import InputError
from ..i18n import t
from ..resolve.normalize import normalize_identifier
from .common import MAPPING_DIRS, write_kind

NAME = "ocds"


def _mapping() -> dict:
    for d in MAPPING_DIRS:
        p = d / f"{NAME}.toml"
        if p.exists():
            return tomllib.loads(p.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no mapping '{NAME}.toml'")


def read_releases(src: Path) -> tuple[dict[str, list[dict]], dict[str, dict], Counter]:
    """Releases grouped by ocid, compiled releases given by record packages (ocid -> release), and
    what could not be read (a record whose releases are only linked, by URL)."""
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".jsonl", ".ndjson")) \
        if src.is_dir() else [src]
    if not files:
        raise InputError(f"{src}: no .json or .jsonl files")
    releases: dict[str, list[dict]] = defaultdict(list)
    compiled: dict[str, dict] = {}
    unread: Counter = Counter()

    def take(obj, where: str) -> None:
        if not isinstance(obj, dict):
            raise InputError(f"{where}: not an OCDS release, record or package (a JSON object)")
        if "records" in obj:
            for rec in obj["records"] or []:
                embedded = [r for r in rec.get("releases") or [] if isinstance(r, dict) and "ocid" in r and "url" not in r]
                if rec.get("compiledRelease"):
                    compiled[rec.get("ocid") or rec["compiledRelease"].get("ocid")] = rec["compiledRelease"]
                elif not embedded:
                    unread["record with neither a compiled release nor embedded releases (linked by URL only)"] += 1
                for r in embedded:
                    releases[r["ocid"]].append(r)
        elif "releases" in obj and "ocid" not in obj:
            for r in obj["releases"] or []:
                take(r, where)
        elif "ocid" in obj:
            releases[obj["ocid"]].append(obj)
        else:
            raise InputError(f"{where}: not an OCDS release, record or package (no ocid, releases or records)")

    for f in files:
        text = f.read_text(encoding="utf-8-sig")
        if f.suffix.lower() == ".json":
            try:
                take(json.loads(text), str(f))
            except json.JSONDecodeError as exc:
                raise InputError(f"{f}:{exc.lineno}: not valid JSON: {exc.msg}") from None
            continue
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{f}:{i}: not valid JSON: {exc.msg}") from None
            take(obj, f"{f}:{i}")
    return releases, compiled, unread


def compile_releases(releases: list[dict]) -> dict:
    """One compiled release from a process's releases (OCDS merge rules, via ocdsmerge)."""
    if len(releases) == 1:
        return releases[0]
    import ocdsmerge

    # the merge rules of OCDS 1.1 that matter here, given so that no schema is fetched from the network
    merger = ocdsmerge.Merger(merge_rules={("tag",): "omitWhenMerged", ("id",): "omitWhenMerged",
                                           ("parties", "roles"): "wholeListMerge"})
    dated = [r if r.get("date") else {**r, "date": "0000"} for r in releases]
    return merger.create_compiled_release(dated)


def _identifier(party: dict | None, schemes: dict) -> tuple[str | None, str | None, str | None]:
    """(entity id, registration number, scheme) from a party's identifier; Nones when it has none."""
    ident = (party or {}).get("identifier") or {}
    scheme, num = str(ident.get("scheme") or "").strip(), str(ident.get("id") or "").strip()
    if not scheme or not num:
        return None, None, None
    pad = schemes.get(scheme, {}).get("pad")
    if pad:  # a registry number graphrisk normalises (Companies House): one id however it is written
        num = normalize_identifier(num) or num
        if num.isdigit():
            num = num.zfill(int(pad))
    else:
        num = re.sub(r"\s+", "", num)
    return f"{scheme}-{num}", num, scheme


def convert(src: Path, out_dir: Path) -> list[Path]:
    return convert_with_stats(src, out_dir)[0]


def convert_with_stats(src: Path, out_dir: Path) -> tuple[list[Path], dict]:
    m = _mapping()
    src, out_dir = Path(src), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    methods = {k.lower(): v for k, v in m["methods"].items()}
    skip_status = {s.lower() for s in m["awards"]["not_a_contract"]}
    schemes = m.get("schemes", {})
    releases, compiled, unread = read_releases(src)
    stats: Counter = Counter(releases=sum(len(v) for v in releases.values()))
    units: dict[str, dict] = {}
    companies: dict[str, dict] = {}
    contracts: list[dict] = []
    not_written: Counter = Counter(unread)
    for ocid in sorted(set(releases) | set(compiled)):
        cr = compiled.get(ocid) or compile_releases(releases[ocid])
        stats["processes"] += 1
        parties = {p.get("id"): p for p in cr.get("parties") or [] if isinstance(p, dict)}
        buyer_ref = cr.get("buyer") or {}
        buyer = parties.get(buyer_ref.get("id")) or buyer_ref
        b_id, b_no, _ = _identifier(buyer, schemes)
        b_name = (buyer.get("name") or (buyer.get("identifier") or {}).get("legalName") or "").strip()
        if b_id:
            units.setdefault(b_id, {"unit_id": b_id, "name": b_name or b_id, "region": _region(buyer),
                                    "country": _country(buyer, m)})
        tender = cr.get("tender") or {}
        method_raw = str(tender.get("procurementMethod") or "").strip()
        for award in cr.get("awards") or []:
            stats["awards"] += 1
            status = str(award.get("status") or "").strip().lower()
            if status in skip_status:
                not_written[f"award status {status}"] += 1
                continue
            suppliers = award.get("suppliers") or []
            if not suppliers:
                not_written["award without suppliers"] += 1
                continue
            date = award.get("date") or (award.get("contractPeriod") or {}).get("startDate") or ""
            value = award.get("value") or {}
            amount = value.get("amount")
            for n, sref in enumerate(suppliers, start=1):
                sup = parties.get(sref.get("id")) or sref
                s_id, s_no, scheme = _identifier(sup, schemes)
                s_name = (sup.get("name") or sref.get("name") or (sup.get("identifier") or {}).get("legalName")
                          or "").strip()
                if not s_id and not s_name:  # only the party id is published: the supplier is kept under it
                    pid = str(sref.get("id") or n)
                    s_id = pid if re.match(r"^[A-Z]{2}-[A-Z]{2,}-", pid) else f"{ocid}/{pid}"
                    s_name = m["awards"]["unnamed_supplier"].format(id=s_id)
                if s_id:
                    companies.setdefault(s_id, {"company_id": s_id, "name": s_name or s_id, "registration_no": s_no,
                                                "region": _region(sup), "country": _country(sup, m)})
                aid = str(award.get("id") or f"{ocid}-award")
                contracts.append({
                    "contract_id": f"{aid}/{n}" if aid.startswith(ocid) else f"{ocid}/{aid}/{n}",
                    "unit_id": b_id or "", "unit_name": "" if b_id else b_name,
                    "supplier_id": s_id or "", "supplier_name": "" if s_id else s_name,
                    "date": date, "amount": "" if amount is None else amount,
                    "_source_amount": t("profiles.ocds.no_value") if amount is None else "",
                    "currency": value.get("currency") or "",
                    "method": methods.get(method_raw.lower(), method_raw),
                    "title": award.get("title") or tender.get("title") or cr.get("title") or "",
                    "ocid": ocid, "award_status": status, "procurement_method_details":
                        tender.get("procurementMethodDetails") or "",
                    "buyer_party_id": buyer_ref.get("id") or "", "supplier_party_id": sref.get("id") or "",
                    "supplier_scheme": scheme or "",
                })
                stats["contracts"] += 1
    written = [write_kind(out_dir, "units", list(units.values())),
               write_kind(out_dir, "companies", list(companies.values())),
               write_kind(out_dir, "contracts", contracts,
                          extra=["unit_name", "supplier_name", "_source_amount", "ocid", "award_status", "procurement_method_details",
                                 "buyer_party_id", "supplier_party_id", "supplier_scheme"])]
    summary = {**stats, "units": len(units), "companies": len(companies), "not_written": dict(not_written)}
    (out_dir / "_summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
    return [p for p in written if p], summary


def _region(party: dict) -> str:
    a = party.get("address") or {}
    return str(a.get("region") or a.get("locality") or "").strip()


def _country(party: dict, m: dict) -> str:
    a = party.get("address") or {}
    c = str(a.get("countryName") or a.get("country") or "").strip()
    return m.get("countries", {}).get(c, c)


