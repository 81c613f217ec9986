"""Why is this official flagged? One official's case file, as data.

:func:`explain` gathers, for one official, from the stored evaluation and the store itself:

- who they are (name, units over time, position, rank);
- their level and score, and what each point comes from: every reason's own score and what it adds
  under :func:`graphrisk.rules.engine.combine` (diminishing returns), the level cut-offs, and the cap
  a rule's ``max_level`` puts on the level;
- every reason with the records behind it (date, amount, counterpart, source file and row);
- a timeline of the official's records (contacts, gifts, trips, contracts and decisions, their
  unit's awards to the companies on their paths) with, for each decision, the benefits that came
  before it and how many days before;
- their conflict paths.

The result is a :class:`CaseFile`; ``to_dict()`` is the JSON shape of ``graphrisk explain --format
json`` (add keys, never rename). :func:`case_text` renders the plain-text form and
``graphrisk.explain_html`` the printable HTML case file. Every word comes from the catalogue
(``messages/explain.toml``), so each form exists in Chinese and English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import schema, store
from . import settings as settings_mod
from .errors import NotFound
from .findings import LEVEL_RANK, ConflictPath, OfficialFlag
from .i18n import catalogue, current_lang, fmt_date, fmt_money, t

__all__ = ["CaseFile", "CaseRecord", "Names", "case_file_name", "case_text", "explain", "reasons_text",
           "points", "record_kind_label", "rule_title", "score_breakdown"]

FORMAT_VERSION = 1
# Columns shown as a record's "what" (data values, in this order), when present.
_DETAIL_COLUMNS = ("title", "description", "purpose", "destination", "decision_type", "role", "method",
                   "channel", "location", "relation", "share_pct", "declared", "reported", "in_plan", "note")


# ------------------------------------------------------------------ names

class Names:
    """Names and kinds of entity ids, read from the store's entity tables (any kind in the model)."""

    def __init__(self, db):
        self.db = db
        self._info: dict[str, tuple[str, str]] = {}

    def load(self, ids) -> None:
        want = sorted({str(i) for i in ids if i} - set(self._info))
        for table in schema.ENTITY_TABLES:
            if not want:
                break
            k = schema.KINDS[table]
            if table not in self.db.table_names():
                continue
            node = k.node or table
            for i in range(0, len(want), 500):
                chunk = want[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for r in self.db.query(f"select [{k.id_column}] as id, [{k.name_column}] as name from [{table}] "
                                       f"where [{k.id_column}] in ({marks})", chunk):
                    self._info[str(r["id"])] = (node, str(r["name"] or r["id"]))
            want = [w for w in want if w not in self._info]

    def name(self, n) -> str:
        if not n:
            return ""
        if str(n) not in self._info:
            self.load([n])
        return self._info.get(str(n), ("", str(n)))[1]

    def kind(self, n) -> str | None:
        if not n:
            return None
        if str(n) not in self._info:
            self.load([n])
        info = self._info.get(str(n))
        return info[0] if info else None

    def entity(self, n) -> dict:
        return {"id": n, "name": self.name(n), "kind": self.kind(n)}


# ------------------------------------------------------------------ records

@dataclass
class CaseRecord:
    """One stored record (a gift, contract, tie, ...) with its provenance and the parties it links."""

    record_id: str
    kind: str  # the store table: gifts, contracts, relations, ...
    role: str  # benefit | decision | tie | membership | other (from the model's edge roles)
    edge_kinds: list[str]
    date: str | None
    end_date: str | None
    amount: float | None
    currency: str | None
    parties: list[dict]  # [{id, name, kind, column}]
    detail: dict
    source_file: str | None
    file_name: str | None
    row: int | None
    batch: int | None

    def counterparts(self, official_id: str) -> list[dict]:
        """The parties other than the official (for a unit's award: the beneficiary)."""
        return [p for p in self.parties if p["id"] != official_id and p["kind"] != "unit"] or \
            [p for p in self.parties if p["id"] != official_id]

    def to_dict(self, official_id: str | None = None) -> dict:
        d = {"record_id": self.record_id, "kind": self.kind, "role": self.role, "edge_kinds": list(self.edge_kinds),
             "date": self.date, "end_date": self.end_date, "amount": self.amount, "currency": self.currency,
             "parties": [dict(p) for p in self.parties], "detail": dict(self.detail),
             "source_file": self.source_file, "file_name": self.file_name, "row": self.row, "batch": self.batch}
        if official_id is not None:
            d["counterparts"] = [p["id"] for p in self.counterparts(official_id)]
        return d


def _role_of(kind: str, row: dict) -> tuple[str, list[str]]:
    k = schema.KINDS[kind]
    kinds = []
    for spec in k.edges:
        if row.get(spec.source) and row.get(spec.target):
            kinds.append(schema.edge_kind_of(spec, row))
    if not kinds:
        kinds = [schema.edge_kind_of(s, row) for s in k.edges]
    roles = [schema.EDGE_KINDS[e].role for e in kinds if e in schema.EDGE_KINDS]
    for want, role in (("decision_unit", "decision"), ("decision_official", "decision"), ("benefit", "benefit"),
                       ("tie", "tie"), ("membership", "membership")):
        if want in roles:
            return role, kinds
    return "other", kinds


class Records:
    """Reads records of any kind in the model from the store, with provenance and party names."""

    def __init__(self, db, names: Names):
        self.db = db
        self.names = names
        self.tables = set(db.table_names())
        self.files = {r["id"]: (store.display_path(db, r["path"]), r["file_name"])  # no absolute paths in outputs
                      for r in db.query("select id, path, file_name from batches")}
        self.kinds = [k for k in (*schema.RECORD_KINDS, *schema.TIE_KINDS) if k in self.tables]

    def _make(self, kind: str, r: dict) -> CaseRecord:
        k = schema.KINDS[kind]
        parties, seen = [], set()
        for spec in k.edges:
            for col in (spec.source, spec.target):
                col_type = k.column(col).type if col in k.column_names else schema.STR
                values = (r.get(col) or "").split(";") if col_type == schema.LIST else [r.get(col)]
                for v in values:
                    v = (v or "").strip() if isinstance(v, str) else v
                    if v and (col, v) not in seen:
                        seen.add((col, v))
                        parties.append({**self.names.entity(v), "column": col})
        role, edge_kinds = _role_of(kind, r)
        detail = {c: r[c] for c in _DETAIL_COLUMNS if c in r and r[c] not in (None, "")}
        path, fname = self.files.get(r.get("_batch"), (None, None))
        amount_col = k.amount_column
        return CaseRecord(
            record_id=str(r[k.id_column]), kind=kind, role=role, edge_kinds=edge_kinds,
            date=r.get(k.date_column) if k.date_column else None,
            end_date=r.get(k.end_column) if k.end_column else None,
            amount=r.get(amount_col) if amount_col else None,
            currency=r.get("currency") if amount_col else None, parties=parties, detail=detail,
            source_file=path, file_name=fname, row=r.get("_row"), batch=r.get("_batch"))

    def by_ids(self, ids) -> dict[str, CaseRecord]:
        """Record id -> record, looking in every record and tie kind (ids are unique per kind)."""
        want = sorted({str(i) for i in ids if i})
        out: dict[str, CaseRecord] = {}
        for kind in self.kinds:
            left = [i for i in want if i not in out]
            if not left:
                break
            idc = schema.KINDS[kind].id_column
            for i in range(0, len(left), 500):
                chunk = left[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for r in self.db.query(f"select * from [{kind}] where [{idc}] in ({marks})", chunk):
                    out.setdefault(str(r[idc]), self._make(kind, r))
        return out

    def where(self, kind: str, clause: str, params: list) -> list[CaseRecord]:
        if kind not in self.tables:
            return []
        return [self._make(kind, r) for r in self.db.query(f"select * from [{kind}] where {clause}", params)]


# ------------------------------------------------------------------ the case file

@dataclass
class CaseFile:
    official: dict  # {id, name, position, rank, units: [{unit_id, name, role, start_date, end_date}]}
    level: str
    score: float
    scoring: dict  # {cutoffs, combined, uncapped_level, cap, capped_by, contributions}
    reasons: list[dict]
    paths: list[dict]
    timeline: list[CaseRecord]
    links: list[dict]  # {benefit, decision, days}: a benefit dated before a decision it may have bought
    window: dict
    run_id: int | None = None
    records: dict[str, CaseRecord] = field(default_factory=dict)  # every record cited or on the timeline

    @property
    def official_id(self) -> str:
        return self.official["id"]

    def to_dict(self) -> dict:
        oid = self.official_id
        return {"format_version": FORMAT_VERSION, "official": self.official, "level": self.level,
                "score": self.score, "scoring": self.scoring, "reasons": self.reasons, "paths": self.paths,
                "timeline": [r.to_dict(oid) for r in self.timeline], "links": self.links,
                "records": {k: v.to_dict(oid) for k, v in sorted(self.records.items())},
                "window": self.window, "run_id": self.run_id}


def case_file_name(official_id: str) -> str:
    """A safe file name for an official's case file, whatever the id (``case-<id>.html``)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(official_id)).strip(".") or "official"
    if safe != str(official_id):
        import hashlib

        safe += "-" + hashlib.sha1(str(official_id).encode("utf-8")).hexdigest()[:8]
    return f"case-{safe}.html"


def rule_title(rule_id: str, lang: str | None = None) -> str:
    """A rule's name from the catalogue (the rules' domain file) when it has one, else its registered title."""
    lang = lang or current_lang()
    cat = catalogue()
    for key in (f"rules.{rule_id}.name", f"rules.{rule_id}.title", f"rule.{rule_id}.name", f"rules.names.{rule_id}"):
        if key in cat:
            return t(key, lang)
    try:
        from .rules import load_builtin

        rule = load_builtin().get(rule_id)
    except Exception:  # a rule registry that fails to load must not hide the case file
        rule = None
    return rule.title if rule is not None and lang == "en" else rule_id


def record_kind_label(kind: str, lang: str | None = None) -> str:
    """A record kind's label (``gifts`` -> ``Gift`` / ``礼品``) from the model."""
    lang = lang or current_lang()
    k = schema.KINDS.get(kind)
    if k is None:
        return kind
    key = f"explain.kind.{kind}"
    if key in catalogue():
        return t(key, lang)
    label = k.label.get(lang) or k.label.get("en") or kind
    return label[:1].upper() + label[1:]


def score_breakdown(scores: list[float]) -> list[dict]:
    """What each score adds under ``combine``: sorted high to low, weight 0.5**i of what remains."""
    remaining, total, out = 1.0, 0.0, []
    for i, s in enumerate(sorted(scores, reverse=True)):
        share = min(max(s, 0), 100) / 100 * (0.5 ** i)
        added = 100 * remaining * share
        remaining *= 1 - share
        total = 100 * (1 - remaining)
        out.append({"score": s, "weight": 0.5 ** i, "adds": round(added, 4), "total": round(total, 2)})
    return out


def _official(db, official_id: str, names: Names) -> dict:
    k = schema.KINDS["officials"]
    row = next(db.query(f"select * from officials where [{k.id_column}] = ?", [official_id]), None)
    if row is None:
        raise NotFound(t("explain.error.unknown_official", official_id=official_id))
    units = []
    if row.get("unit_id"):
        units.append({"unit_id": row["unit_id"], "name": names.name(row["unit_id"]), "role": row.get("position"),
                      "start_date": None, "end_date": None, "source": "officials"})
    if "memberships" in db.table_names():
        for m in db.query("select * from memberships where official_id = ? order by coalesce(start_date, ''), unit_id",
                          [official_id]):
            if m["unit_id"] == row.get("unit_id") and not (m.get("start_date") or m.get("end_date") or m.get("role")):
                continue
            units.append({"unit_id": m["unit_id"], "name": names.name(m["unit_id"]), "role": m.get("role"),
                          "start_date": m.get("start_date"), "end_date": m.get("end_date"), "source": "memberships"})
    return {"id": official_id, "name": row.get("name") or official_id, "position": row.get("position"),
            "rank": row.get("rank"), "units": units}


def _canonical(db) -> dict[str, str]:
    """Merged id -> the id it was merged into (entity resolution); {} for a store without merges."""
    try:
        from .engine.build import canonical
    except ImportError:
        return {}
    return canonical(db)


def _path_dict(p: ConflictPath, names: Names) -> dict:
    d = p.to_dict()
    d["node_info"] = [names.entity(n) for n in p.nodes]
    d["unit"] = names.entity(p.unit_id) if p.unit_id else None
    return d


def _in_window(rec: CaseRecord, since: str | None, until: str | None) -> bool:
    d = (rec.date or "")[:10]
    if not d:
        return rec.role in ("tie", "membership")
    return (not since or d >= since) and (not until or d <= until)


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def explain(db, official_id: str, *, settings: dict | None = None, as_of: str | None = None,
            since: str | None = None, evaluation=None) -> CaseFile:
    """The case file of one official. ``evaluation``: reuse one already made (a report writing many)."""
    from .engine import evaluation as evaluate_once

    settings = settings or settings_mod.load()
    names = Names(db)
    _official(db, official_id, names)  # an unknown id is an error before anything is computed
    canon = _canonical(db)
    asked = official_id
    official_id = canon.get(official_id, official_id)  # merged by entity resolution: the one it became
    aliases = sorted({official_id} | {k for k, v in canon.items() if v == official_id})
    official = _official(db, official_id, names)
    if asked != official_id:
        official["merged_from"] = asked
    official["aliases"] = [a for a in aliases if a != official_id]
    ev = evaluation if evaluation is not None else evaluate_once(db, settings=settings, as_of=as_of, since=since)
    flag: OfficialFlag | None = next((f for f in ev.flags if f.official_id == official_id), None)
    paths = [p for p in ev.paths if p.official_id == official_id]
    path_by_id = {p.path_id: p for p in paths}
    reasons = list(flag.reasons) if flag else []
    records = Records(db, names)

    cited = {e for r in reasons for e in r.evidence} | {e.record_id for p in paths for e in p.edges}
    by_id = records.by_ids(cited)

    # --- score
    cfg = settings["scoring"]
    breakdown = score_breakdown([r.score for r in reasons])
    from .rules.engine import level_of

    score = flag.score if flag else 0.0
    uncapped = level_of(score, cfg)
    level = flag.level if flag else "green"
    capped_by = None
    if LEVEL_RANK[level] < LEVEL_RANK[uncapped] and reasons:
        capped_by = reasons[0].rule
    reason_dicts = []
    for r, b in zip(reasons, breakdown):
        d = r.to_dict()
        d["adds"], d["total_after"], d["weight"] = b["adds"], b["total"], b["weight"]
        # in time order (undated ties last), so a benefit reads before the award it preceded
        d["records"] = sorted((e for e in r.evidence if e in by_id),
                              key=lambda e: (by_id[e].date is None, (by_id[e].date or "")[:10], e))
        # evidence naming an entity (a company a rule counts) rather than a record
        d["entities"] = [names.entity(e) for e in r.evidence if e not in by_id and names.kind(e)]
        d["missing_records"] = [e for e in r.evidence if e not in by_id and not names.kind(e)]
        d["path_known"] = bool(r.path_id and r.path_id in path_by_id)
        if r.path and not d["path_known"]:
            d["path_nodes"] = [names.entity(n) for n in r.path]
        reason_dicts.append(d)
    scoring = {"cutoffs": {k: cfg[k] for k in ("red", "orange", "yellow")}, "combined": score,
               "uncapped_level": uncapped, "capped_by": capped_by, "contributions": breakdown}

    # --- timeline: the official's own records, their units' awards to the companies on their paths, cited records
    unit_ids = sorted({u["unit_id"] for u in official["units"] if u["unit_id"]})
    targets = {p.company_id for p in paths} | {r.company_id for r in reasons if r.company_id} | \
        {n for p in paths for n in p.nodes} | {n for r in reasons for n in (r.path or [])}
    targets.discard(official_id)
    timeline: dict[str, CaseRecord] = {}
    for kind in records.kinds:
        if kind in schema.TIE_KINDS:
            continue
        k = schema.KINDS[kind]
        for spec in k.edges:
            for col in (spec.source, spec.target):
                c = k.column(col) if col in k.column_names else None
                if c is None or "officials" not in c.refs:
                    continue
                for alias in aliases:
                    if c.type == schema.LIST:
                        clause, params = f"(';' || coalesce([{col}], '') || ';') like ?", [f"%;{alias};%"]
                    else:
                        clause, params = f"[{col}] = ?", [alias]
                    for rec in records.where(kind, clause, params):
                        timeline.setdefault(rec.record_id, rec)
            role = schema.EDGE_KINDS.get(spec.kind or "", None)
            if role is not None and role.role == "decision_unit" and unit_ids and targets:
                tl = sorted(targets)
                for i in range(0, len(tl), 400):
                    chunk = tl[i:i + 400]
                    clause = (f"[{spec.source}] in ({','.join('?' * len(unit_ids))}) and "
                              f"[{spec.target}] in ({','.join('?' * len(chunk))})")
                    for rec in records.where(kind, clause, [*unit_ids, *chunk]):
                        timeline.setdefault(rec.record_id, rec)
    until = as_of
    for rid, rec in by_id.items():
        if rec.kind not in schema.TIE_KINDS:
            timeline.setdefault(rid, rec)
    entries = sorted((r for r in timeline.values() if _in_window(r, since, until)),
                     key=lambda r: ((r.date or "")[:10], r.kind, r.record_id))

    # --- benefit before decision: a benefit from anyone on a path to the decision's beneficiary
    window_days = int(settings.get("paths", {}).get("window_days", 365))
    reach: dict[str, set[str]] = {}
    for p in paths:
        reach.setdefault(p.company_id, set()).update(p.nodes)
    for r in reasons:
        if r.company_id and r.path:
            reach.setdefault(r.company_id, set()).update(r.path)
    links = []
    benefits = [e for e in entries if e.role == "benefit" and e.date]
    for dec in entries:
        if dec.role != "decision" or not dec.date:
            continue
        for ben_id in [p["id"] for p in dec.parties if p["kind"] != "unit" and p["id"] != official_id]:
            near = reach.get(ben_id, set()) | {ben_id}
            near.discard(official_id)
            for b in benefits:
                if not any(p["id"] in near for p in b.parties):
                    continue
                days = _days(b.date, dec.date)
                if 0 <= days <= window_days:
                    links.append({"benefit": b.record_id, "decision": dec.record_id, "days": days,
                                  "beneficiary": ben_id})
    links.sort(key=lambda x: (x["decision"], x["days"], x["benefit"]))

    all_records = dict(by_id)
    all_records.update({r.record_id: r for r in entries})
    return CaseFile(official=official, level=level, score=score, scoring=scoring, reasons=reason_dicts,
                    paths=[_path_dict(p, names) for p in sorted(paths, key=lambda p: (-p.score, p.path_id))],
                    timeline=entries, links=links,
                    window={"since": since, "as_of": as_of, "window_days": window_days},
                    run_id=getattr(ev, "run_id", None), records=all_records)


# ------------------------------------------------------------------ text

def node_label(kind: str | None, lang: str | None = None) -> str:
    """A node kind's name from the model (``company`` -> 企业 / Company)."""
    n = schema.NODES.get(kind or "")
    if n is None:
        return kind or ""
    return n.label.get(lang or current_lang()) or n.label["en"]


def points(x: float) -> str:
    """Points to two decimals (``2.2``, ``90``); a share too small to show says so (``<0.01``)."""
    if 0 < x < 0.005:
        return "<0.01"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def level_label(level: str, lang: str | None = None) -> str:
    return t(f"common.levels.{level}", lang or current_lang())


def describe_record(rec: CaseRecord, official_id: str, lang: str | None = None) -> str:
    """One line: date, kind, amount, counterpart(s), what, and where it is recorded (file, row)."""
    lang = lang or current_lang()
    parts = [fmt_date(rec.date, lang) or t("explain.no_date", lang), record_kind_label(rec.kind, lang),
             rec.record_id]
    if rec.amount is not None:
        parts.append(fmt_money(rec.amount, rec.currency, lang))
    cps = rec.counterparts(official_id)
    if cps:
        sep = "、" if lang == "zh" else ", "
        parts.append(t("explain.counterpart", lang, names=sep.join(f"{p['name']} ({p['id']})" for p in cps)))
    what = detail_text(rec, lang)
    if what:
        parts.append(what)
    parts.append(source_text(rec, lang))
    return t("explain.sep", lang).join(p for p in parts if p)


def detail_text(rec: CaseRecord, lang: str | None = None) -> str:
    lang = lang or current_lang()
    out = []
    for col, v in rec.detail.items():
        if col in ("declared", "reported", "in_plan"):
            out.append(t(f"explain.flag.{col}.{'yes' if v in (1, True, '1') else 'no'}", lang))
        elif col == "method" and f"explain.method.{v}" in catalogue():
            out.append(t(f"explain.method.{v}", lang))
        elif col == "channel" and f"explain.channel.{str(v).lower()}" in catalogue():
            out.append(t(f"explain.channel.{str(v).lower()}", lang))
        elif col == "relation" and f"explain.relation.{v}" in catalogue():
            out.append(t(f"explain.relation.{v}", lang))
        elif col == "share_pct":
            out.append(t("explain.share", lang, pct=f"{v:g}" if isinstance(v, (int, float)) else v))
        else:
            out.append(str(v))
    return t("explain.sep", lang).join(out)


def source_text(rec: CaseRecord, lang: str | None = None) -> str:
    lang = lang or current_lang()
    if rec.file_name or rec.source_file:
        return t("explain.source", lang, file=rec.file_name or rec.source_file, row=rec.row if rec.row else "?")
    return t("explain.source_unknown", lang)


def reasons_text(case: CaseFile, lang: str | None = None) -> list[str]:
    """The reasons section: each reason, its score and what it adds, and its records, one per line."""
    lang = lang or current_lang()
    lines = []
    if not case.reasons:
        return [t("explain.no_findings", lang)]
    for i, r in enumerate(case.reasons, 1):
        lines.append(t("explain.reason_head", lang, n=i, rule=rule_title(r["rule"], lang), score=points(r["score"]),
                       adds=points(r["adds"])))
        lines.append("    " + (r.get("summaries", {}).get(lang) or r["summary"]))
        for rid in r["records"]:
            lines.append("    - " + describe_record(case.records[rid], case.official_id, lang))
        for ent in r.get("entities", []):
            lines.append("    - " + t("explain.entity_cited", lang, name=ent["name"], id=ent["id"],
                                        kind=node_label(ent["kind"], lang)))
        for rid in r["missing_records"]:
            lines.append("    - " + t("explain.record_not_found", lang, record_id=rid))
    return lines


def _units_text(case: CaseFile, lang: str) -> str:
    out = []
    for u in case.official["units"]:
        s = f"{u['name']} ({u['unit_id']})"
        if u.get("role") and u["source"] == "memberships":
            s += f" {u['role']}"
        if u.get("start_date") or u.get("end_date"):
            s += " " + t("explain.period", lang, start=fmt_date(u.get("start_date"), lang) or "…",
                         end=fmt_date(u.get("end_date"), lang) or "…")
        out.append(s)
    return ("、" if lang == "zh" else "; ").join(out)


def summary_lines(case: CaseFile, lang: str | None = None) -> list[str]:
    """Who, level and score, and how the score is made."""
    lang = lang or current_lang()
    o = case.official
    lines = [t("explain.title", lang, name=o["name"], official_id=o["id"])]
    if o.get("merged_from"):
        lines.append(t("explain.merged", lang, asked=o["merged_from"], official_id=o["id"]))
    if o.get("aliases"):
        lines.append(t("explain.aliases", lang, ids=", ".join(o["aliases"])))
    lines.append(t("explain.units", lang, units=_units_text(case, lang) or "—"))
    if o.get("position") or o.get("rank"):
        lines.append(t("explain.position", lang, position=" ".join(x for x in (o.get("position"), o.get("rank")) if x)))
    lines.append(t("explain.level_score", lang, level=level_label(case.level, lang), score=f"{case.score:g}"))
    c = case.scoring["cutoffs"]
    lines.append(t("explain.cutoffs", lang, red=f"{c['red']:g}", orange=f"{c['orange']:g}", yellow=f"{c['yellow']:g}"))
    if case.reasons:
        lines.append(t("explain.combine", lang))
    if case.scoring.get("capped_by"):
        lines.append(t("explain.capped", lang, level=level_label(case.level, lang),
                       uncapped=level_label(case.scoring["uncapped_level"], lang),
                       rule=rule_title(case.scoring["capped_by"], lang)))
    return lines


def case_text(case: CaseFile, lang: str | None = None) -> str:
    """The whole case file as plain text (what ``graphrisk explain`` prints)."""
    lang = lang or current_lang()
    lines = summary_lines(case, lang)
    lines += ["", t("explain.h.reasons", lang)]
    lines += reasons_text(case, lang)
    lines += ["", t("explain.h.paths", lang)]
    if not case.paths:
        lines.append(t("explain.no_paths", lang))
    for p in case.paths:
        lines.append(t("explain.path_head", lang, path_id=p["path_id"], score=f"{p['score']:g}"))
        lines.append("    " + (p.get("explanations", {}).get(lang) or p["explanation"]))
    lines += ["", t("explain.h.timeline", lang)]
    if not case.timeline:
        lines.append(t("explain.no_timeline", lang))
    before = {}
    for link in case.links:
        before.setdefault(link["decision"], []).append(link)
    for rec in case.timeline:
        mark = "◆" if rec.role == "decision" else "•"
        lines.append(f"  {mark} " + describe_record(rec, case.official_id, lang))
        for link in before.get(rec.record_id, []):
            lines.append("      ↳ " + t("explain.benefit_before", lang, record_id=link["benefit"], days=link["days"]))
    return "\n".join(lines) + "\n"
