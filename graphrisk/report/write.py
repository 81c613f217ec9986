"""Write a built report: index.html, report.json, report.md, CSV tables, maps beside it, meta.json."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

from .. import safeio
from . import foreign
from .build import Report

FORMATS = ("html", "json", "md", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_json(data: dict) -> str:
    """The stable serialisation: sorted keys, two-space indent, UTF-8 text, one trailing newline."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _cell(v):
    if isinstance(v, (list, tuple)):
        v = ";".join(str(x) for x in v)
    elif isinstance(v, dict):
        v = "; ".join(f"{k} {val}" for k, val in sorted(v.items()))
    return safeio.csv_cell(v)  # a spreadsheet must not run a name as a formula


def _csv(head: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        w.writerow([_cell(v) for v in r])
    return buf.getvalue()


def csv_tables(data: dict) -> dict[str, str]:
    """File name -> CSV text for each table of the report."""
    out = {}
    rec = data["received"]
    out["received.csv"] = _csv(["basis", "kind", "records", "amount", "batches", "rows", "inserted", "updated",
                                "dated_before_period"],
                               [["record_date", k, e["records"], e.get("amount") or "", "", "", "", "", ""]
                                for k, e in rec["by_record_date"].items()]
                               + [["batch_loaded", k, "", "", e["batches"], e["rows"], e["inserted"], e["updated"],
                                   e["dated_before_period"]] for k, e in rec["by_batch"]["by_kind"].items()])
    lv = data["levels"]
    out["levels.csv"] = _csv(["level", "previous", "current", "change"],
                             [[x, lv["previous"][x], lv["current"][x], lv["change"][x]]
                              for x in ("red", "orange", "yellow", "green")])
    rows = []
    for section in ("new", "escalated", "de_escalated", "new_evidence"):
        for e in data["attention"][section]:
            for i, r in enumerate(e["reasons"] or [None]):
                rows.append([section, e["official_id"], e["name"], e["unit_id"], e["unit"], e["previous_level"],
                             e["level"], e["previous_score"], e["score"], e["map"] or "",
                             r["rule"] if r else "", r["score"] if r else "", r["summary"] if r else "",
                             ";".join(r["evidence"]) if r else "", (r["in_period"] if r else "")])
    out["attention.csv"] = _csv(["section", "official_id", "name", "unit_id", "unit", "previous_level", "level",
                                 "previous_score", "score", "map", "rule", "reason_score", "summary", "evidence",
                                 "reason_in_period"], rows)
    out["paths.csv"] = _csv(["path_id", "official_id", "official", "company_id", "company", "unit_id", "score",
                             "gap_days", "hops", "approved_personally", "latest_date", "records", "explanation"],
                            [[p["path_id"], p["official_id"], p["official_name"], p["company_id"], p["company_name"],
                              p["unit_id"], p["score"], p["gap_days"], p["hops"], p["approved_personally"],
                              p["latest_date"], [e["record_id"] for e in p["edges"]], p["explanation"]]
                             for p in data["paths"]["new"]])
    out["units.csv"] = _csv(["unit_id", "unit", "red", "orange", "yellow", "flagged", "previous_flagged", "contracts",
                             "contract_amount"],
                            [[u["unit_id"], u["unit"], u["red"], u["orange"], u["yellow"], u["flagged"],
                              u["previous_flagged"], u["contracts"], u["contract_amount"]] for u in data["units"]])
    out["movers.csv"] = _csv(["measure", "official_id", "name", "unit_id", "unit", "previous", "value", "change",
                              "previous_rank", "rank"],
                             [[m, x["official_id"], x["name"], x["unit_id"], x["unit"], x["previous"], x["value"],
                               x["change"], x["previous_rank"], x["rank"]]
                              for m, xs in sorted(data["movers"].items()) for x in xs])
    out["trend.csv"] = _csv(["week", "as_of", "red", "orange", "yellow", "flagged"],
                            [[t["week"], t["as_of"], t["red"], t["orange"], t["yellow"], t["flagged"]]
                             for t in data["trend"]])
    out["records.csv"] = _csv(["record_id", "kind", "date", "amount", "currency", "from_id", "from", "to_id", "to",
                               "source_file", "row", "batch"],
                              [[x["record_id"], x["kind"], x["date"], x["amount"], x["currency"], x["from_id"],
                                x["from"], x["to_id"], x["to"], x["source_file"], x["row"], x["batch"]]
                               for x in data["records"]])
    out.update(foreign.csv_tables(data.get("foreign_affairs"), _csv))  # foreign_trips.csv, ...
    return out


def _paths_of(report: Report) -> dict[str, list]:
    from .paths_io import path_from_dict

    by: dict[str, list] = {}
    wanted = {m["official_id"] for m in report.maps}
    for p in report.current.paths:
        if p["official_id"] in wanted:
            by.setdefault(p["official_id"], []).append(path_from_dict(p))
    return by


def _write_maps(report: Report, out: Path, lang: str) -> tuple[list[Path], int]:
    """Write the maps (and case files, when graphrisk.explain is installed); a file already in the folder
    made from the same data, settings, date and language is kept. ``maps/manifest.json`` records, per
    file, the key it was made from."""
    import hashlib

    from .. import settings as settings_mod
    from ..forking import Forked, can_fork

    manifest_path = out / "maps" / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    base = "|".join([report.data["data_version"], report.current.as_of, lang, MAP_VERSION,
                     hashlib.sha1(settings_mod.fingerprint(report.settings).encode("utf-8")).hexdigest()])
    levels = report.current.levels()
    scores = {f["official_id"]: float(f["score"]) for f in report.current.flags}
    by = _paths_of(report)
    cases = {e["official_id"]: e.get("case") for e in report.data.get("flagged", [])}
    for s in ("new", "escalated", "de_escalated", "new_evidence"):
        cases.update({e["official_id"]: e.get("case") for e in report.data["attention"][s]})
    files, reused = [], 0  # (path, what, official, key) in the report's order
    for m in report.maps:
        todo = [(m["file"], "map")]
        if cases.get(m["official_id"]):
            todo.append((cases[m["official_id"]], "case"))
        for rel, what in todo:
            key = f"{base}|{what}|{m['official_id']}"
            kept = manifest.get(rel) == key and (out / rel).is_file()
            reused += kept
            files.append((rel, None if kept else what, m["official_id"], key))
    drawn = [(rel, oid) for rel, what, oid, _ in files if what == "map"]
    done, forked = {}, None
    if drawn:
        G = report.current.graph()
        if hasattr(G, "index"):  # its adjacency, built here once rather than in each worker
            G.index()
        args = (G, out, by, levels, scores, report.settings, lang)
        workers = min(int((report.settings.get("report") or {}).get("workers", 2)), len(drawn))
        if workers >= 2 and len(drawn) >= 4 and can_fork(workers):  # maps are drawn from the graph in memory alone
            forked = Forked(_draw_map, *args, items=drawn, workers=workers)
        else:
            done = {item: _draw_map(item, *args) for item in drawn}
    try:
        cased = {rel: _write_case(report, oid, out / rel, lang)  # they read the store: here, while maps are drawn
                 for rel, what, oid, _ in files if what == "case"}
    except BaseException:
        if forked is not None:
            forked.close()
        raise
    if forked is not None:
        done = dict(zip(drawn, forked.get()))
        for path in done.values():  # written by the workers: noted here for the audit log
            safeio.record(path)
    written = []
    for rel, what, oid, key in files:
        written.append(done[(rel, oid)] if what == "map" else cased[rel] if what == "case" else out / rel)
        manifest[rel] = key
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    return written, reused


MAP_VERSION = "2"  # bump when the maps' drawing changes, so kept files are redrawn


def _draw_map(item: tuple[str, str], G, out: Path, by: dict, levels: dict, scores: dict, settings: dict,
              lang: str) -> Path:
    """Draw and write one official's map (in a forked worker when there are several)."""
    from ..render.maps import official_map

    rel, official = item
    rendered = official_map(G, official, paths=by.get(official, []), levels=levels, scores=scores,
                            settings=settings, lang=lang)
    return rendered.write(out / rel)


def _write_case(report: Report, official_id: str, p: Path, lang: str) -> Path:
    """The official's case file (graphrisk.explain), from the same evaluation as the report."""
    from ..explain import explain
    from ..explain_html import render_html as case_html

    case = explain(report.current.db, official_id, settings=report.settings, as_of=report.current.as_of,
                   evaluation=report.current.ev)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(case_html(case, lang), encoding="utf-8", newline="\n")
    return p


def period_note(report: Report, lang: str) -> str | None:
    """The sentence saying how the period was chosen, when the user did not choose it."""
    if getattr(report.period, "chosen", "") != "latest_data":
        return None
    from ..i18n import fmt_date
    from .render_html import layout_text

    return layout_text("period_default", lang, date=fmt_date(report.period.latest_record, lang) or "?")


def write_report(report: Report, out_dir, formats=FORMATS, lang: str = "en", maps: bool = True) -> list[Path]:
    """Write the files asked for into ``out_dir``; return their paths (maps included)."""
    from .render_html import render_html
    from .render_md import render_md

    out = safeio.make_dirs(out_dir)
    top_units = int(report.settings.get("report", {}).get("top_units", 15))
    written: list[Path] = []

    def put(name: str, text: str, encoding: str = "utf-8") -> None:
        p = out / name
        safeio.write_text(p, text, encoding=encoding, newline="\n")
        written.append(p)

    data = report.data
    note = period_note(report, lang)
    if "json" in formats:
        put("report.json", report_json(data))
    if "html" in formats:
        put("index.html", render_html(data, lang, top_units, period_note=note, links=maps))
    if "md" in formats:
        put("report.md", render_md(data, lang, top_units, period_note=note, links=maps))
    if "csv" in formats:
        for name, text in csv_tables(data).items():
            put(name, text, encoding="utf-8-sig")  # the BOM lets spreadsheet programs read Chinese right
    map_seconds, maps_reused = 0.0, 0
    if maps and report.maps and ("html" in formats or "md" in formats):
        import time

        t0 = time.perf_counter()
        written_maps, maps_reused = _write_maps(report, out, lang)
        written += written_maps
        map_seconds = round(time.perf_counter() - t0, 3)
    meta = {**report.meta, "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lang": lang, "formats": [f for f in FORMATS if f in formats], "maps_seconds": map_seconds,
            "maps_reused": maps_reused,
            "note": "run details; report.json holds the report itself and does not change between runs"}
    put("meta.json", json.dumps(meta, sort_keys=True, ensure_ascii=False, indent=2, default=str) + "\n")
    return written
