"""Trips and foreign-affairs activity in the report's period (``report.json`` → ``foreign_affairs``).

- **Trips** under way in the period. Abroad: the trip's country differs from the country of the official's
  unit, else from the home country (``[rules.travel_anomalies] home_country``, else the officials' units'
  most common country); any named country when neither is known. Paid by government: sponsor a unit or
  public body; sponsored: a company, organisation or person; else the payer is not recorded.
- **Gifts during trips**: gifts to an official dated in the period, within one of their trips (traveller or
  participant) ± ``[rules.gift_during_trip] margin_days``, or naming the trip.
- **Approvals given**: decisions dated in the period whose ``decision_type`` names a trip or business-card
  approval (``[rules.approval_power] decision_types``, the words below), and trips approved in the period.
- **Foreign contacts**: contacts dated in the period whose country (the contact's, else the counterpart's)
  is abroad as above; reported, not reported or not recorded.

Every item cites its record id, names, source file and row; lists are sorted (same store, same dict).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from .. import schema, store
from ..i18n import fmt_date, fmt_money, t
from ..rules.builtin._common import matches_vocabulary
from ..rules.builtin._trips import _COUNTRY_ALIASES, country_code
from .period import Period
from .records import Names

CARD_WORDS = ("business card", "travel card", "apec", "商务旅行卡")
TRIP_WORDS = ("trip approval", "travel approval", "exit approval", "出国", "出境", "出访", "赴港澳")
GOVERNMENT = ("units", "public_bodies")
PRIVATE = ("companies", "people", "organisations")
_PREFIX = "report_foreign."


def _bool(v) -> bool | None:  # a stored yes/no (1/0), or None when the register does not say
    return None if v is None else bool(v)


def _shift(iso: str, n: int) -> str:
    return (date.fromisoformat(iso[:10]) + timedelta(days=n)).isoformat()


def _sums(items: list[dict], key: str = "amount") -> dict:
    out: dict[str, float] = defaultdict(float)
    for x in items:
        if x.get(key) is not None:
            out[x.get("currency") or "?"] += x[key]
    return {k: round(v, 2) for k, v in sorted(out.items())}


class _Ctx:
    """Names, provenance and countries, read once per report."""

    def __init__(self, db, settings: dict, names: Names | None):
        self.db, self.G = db, names or Names(db)
        self.files = {r["id"]: (store.display_path(db, r["path"]), r["file_name"])
                      for r in db.query("select id, path, file_name from batches")}
        rules = settings.get("rules") or {}
        self.margin = int((rules.get("gift_during_trip") or {}).get("margin_days", 0) or 0)
        self.words = tuple((rules.get("approval_power") or {}).get("decision_types") or ()) + CARD_WORDS + TRIP_WORDS
        self.unit_country = {r["unit_id"]: country_code(r["country"])
                             for r in db.query("select unit_id, country from units where country is not null")}
        setting = next((str(s) for s in ((rules.get(k) or {}).get("home_country")
                                         for k in ("travel_anomalies", "unreported_foreign_contacts")) if s), "")
        c = Counter(self.unit_country.get(r["unit_id"]) for r in db.query("select unit_id from officials"))
        c.pop(None, None)
        self.home = country_code(setting) if setting else min(c, key=lambda k: (-c[k], k)) if c else None

    def rows(self, sql: str, params: list) -> list:
        rows = list(self.db.query(sql, params))
        self.G.load({r[k] for r in rows for k in r if k.endswith("_id") and isinstance(r[k], str)})
        return rows

    def name(self, i, stored=None) -> str | None:
        return (self.G.name(i) if i else None) or stored or i

    def ref(self, key: str, r: dict, col: str | None = None) -> dict:
        """``{key_id: id, key: its name}`` from the row's ``col`` (a name the register gave when unlinked)."""
        col = col or key + "_id"
        return {f"{key}_id": r[col], key: self.name(r[col], r.get(col[:-3] + "_name"))}

    def kind(self, i) -> str | None:
        return (self.G.get(i) or (None,))[0] if i else None

    def source(self, r: dict, prefix: str = "") -> dict:
        path, fname = self.files.get(r["_batch"], (None, None))
        return {f"{prefix}source_file": path, f"{prefix}file_name": fname, f"{prefix}row": r["_row"],
                f"{prefix}batch": r["_batch"]}

    def abroad(self, country, official) -> bool:
        code, home = country_code(country), self.unit_country.get(self.G.unit_of(official)) or self.home
        return bool(code) and (home is None or code != home)

    def official(self, r: dict) -> dict:
        unit = self.G.unit_of(r["official_id"]) if r["official_id"] else None
        return {**self.ref("official", r), "unit_id": unit, "unit": self.name(unit)}


def _trip(c: _Ctx, r: dict) -> dict:
    kind = c.kind(r["sponsor_id"])
    paid = ("government" if kind in GOVERNMENT else "sponsor" if kind in PRIVATE or r.get("sponsor_name")
            else "not_recorded")
    approved = any(r.get(k) for k in ("approver_unit_id", "approver_unit_name", "approver_id", "approver_name",
                                      "approval_date"))
    return {"record_id": r["trip_id"], **c.official(r), "destination": r["destination"], "country": r["country"],
            "country_code": country_code(r["country"]), "abroad": c.abroad(r["country"], r["official_id"]),
            "start_date": r["start_date"], "end_date": r["end_date"], "purpose": r["purpose"], "paid_by": paid,
            **c.ref("sponsor", r), "cost": r["cost"], "currency": r["currency"],
            "participants": [{"id": p, "name": c.name(p)} for p in (r["participants"] or "").split(";") if p],
            "in_plan": _bool(r["in_plan"]), "approved": approved, **c.ref("approver_unit", r),
            **c.ref("approver", r), "approval_date": r["approval_date"], **c.source(r)}


def trips(c: _Ctx, period: Period) -> dict:
    items = sorted((_trip(c, r) for r in c.rows("select * from trips where start_date <= ? and coalesce(end_date, "
                                                "start_date) >= ?", [period.until, period.since])),
                   key=lambda x: (not x["abroad"], x["start_date"], x["record_id"]))  # trips abroad first
    countries: dict[str, dict] = {}
    for x in items:
        if x["country_code"]:
            e = countries.setdefault(x["country_code"], {"country": x["country_code"], "as_written": set(),
                                                         "trips": 0, "abroad": 0})
            e["as_written"].add(str(x["country"]).strip())
            e["trips"], e["abroad"] = e["trips"] + 1, e["abroad"] + x["abroad"]
    by_country = sorted(({**e, "as_written": sorted(e["as_written"])} for e in countries.values()),
                        key=lambda e: (-e["trips"], e["country"]))
    paid = Counter(x["paid_by"] for x in items)
    return {"count": len(items), "abroad": sum(x["abroad"] for x in items), "by_country": by_country,
            "no_country": sum(1 for x in items if not x["country_code"]), "government_paid": paid["government"],
            "sponsored": paid["sponsor"], "payer_not_recorded": paid["not_recorded"],
            "outside_plan": sum(1 for x in items if x["in_plan"] is False),
            "abroad_without_approval": sum(1 for x in items if x["abroad"] and not x["approved"]),
            "cost": _sums(items, "cost"), "items": items}


def gifts_during_trips(c: _Ctx, period: Period) -> dict:
    gifts = [g for g in c.rows("select * from gifts where date >= ? and date <= ? order by date, gift_id",
                               [period.since, period.until]) if c.G.is_official(g["recipient_id"])]
    m = c.margin
    found = {r["trip_id"]: r for r in c.rows("select * from trips where start_date <= ? and "
                                             "coalesce(end_date, start_date) >= ?",
                                             [_shift(period.until, m), _shift(period.since, -m)])}
    for chunk in store.chunks(sorted({g["trip_id"] for g in gifts if g["trip_id"]} - set(found)), 500):
        found.update((r["trip_id"], r) for r in c.rows(
            f"select * from trips where trip_id in ({','.join('?' * len(chunk))})", chunk))
    on: dict[str, list] = defaultdict(list)
    for r in sorted(found.values(), key=lambda r: (r["start_date"], r["trip_id"])):
        for p in {r["official_id"], *(r["participants"] or "").split(";")} - {None, ""}:
            on[p].append(r)
    items = []
    for g in gifts:
        d, how, trip = g["date"][:10], "trip_id", found.get(g["trip_id"]) if g["trip_id"] else None
        if trip is None:
            how = "dates"
            trip = next((r for r in on.get(g["recipient_id"], []) if _shift(r["start_date"], -m) <= d
                         <= _shift(r["end_date"] or r["start_date"], m)), None)
        if trip is not None:
            items.append({"record_id": g["gift_id"], "date": g["date"], **c.ref("giver", g),
                          "giver_kind": c.kind(g["giver_id"]), **c.ref("recipient", g), "amount": g["value"],
                          "currency": g["currency"], "description": g["description"], "declared": _bool(g["declared"]),
                          "country": g["country"], "trip_id": trip["trip_id"], "matched_by": how,
                          "trip_destination": trip["destination"], "trip_country": trip["country"],
                          "trip_start": trip["start_date"], "trip_end": trip["end_date"],
                          "trip_official_id": trip["official_id"], **c.source(g), **c.source(trip, "trip_")})
    states = Counter(x["declared"] for x in items)
    return {"count": len(items), "declared": states[True], "undeclared": states[False],
            "declaration_unknown": states[None], "margin_days": m, "amount": _sums(items), "items": items}


def approvals(c: _Ctx, period: Period) -> dict:
    items = []
    for r in c.rows("select * from decisions where date >= ? and date <= ? order by date, decision_id",
                    [period.since, period.until]):
        if matches_vocabulary(r["decision_type"], c.words):
            card = matches_vocabulary(r["decision_type"], CARD_WORDS)
            items.append({"record_id": r["decision_id"], "kind": "decisions",
                          "approval": "business_card" if card else "trip", "decision_type": r["decision_type"],
                          "title": r["title"], "date": r["date"], **c.ref("unit", r), **c.ref("official", r),
                          **c.ref("beneficiary", r), **c.source(r)})
    for r in c.rows("select * from trips where approval_date >= ? and approval_date <= ? "
                    "order by approval_date, trip_id", [period.since, period.until]):
        items.append({"record_id": r["trip_id"], "kind": "trips", "approval": "trip", "decision_type": None,
                      "title": r["destination"], "date": r["approval_date"], **c.ref("unit", r, "approver_unit_id"),
                      **c.ref("official", r, "approver_id"), **c.ref("beneficiary", r, "official_id"), **c.source(r)})
    items.sort(key=lambda x: (x["date"], x["kind"], x["record_id"]))
    groups: dict[tuple, dict] = {}
    for x in items:
        key = (str(x["unit_id"] or x["unit"] or ""), str(x["official_id"] or x["official"] or ""))
        e = groups.setdefault(key, {"unit_id": x["unit_id"], "unit": x["unit"], "official_id": x["official_id"],
                                    "official": x["official"], "trip": 0, "business_card": 0, "total": 0,
                                    "records": [], "_key": key})
        e[x["approval"]], e["total"] = e[x["approval"]] + 1, e["total"] + 1
        e["records"].append(x["record_id"])
    by = [{k: v for k, v in e.items() if k != "_key"}
          for e in sorted(groups.values(), key=lambda e: (-e["total"], e["_key"]))]
    return {"count": len(items), "trip": sum(x["approval"] == "trip" for x in items),
            "business_card": sum(x["approval"] == "business_card" for x in items), "by_approver": by, "items": items}


def _entity_countries(c: _Ctx, ids) -> dict:
    out: dict = {}
    for table in schema.ENTITY_TABLES:
        k, left = schema.KINDS[table], sorted({i for i in ids if i} - set(out))
        if "country" in k.column_names and left:
            for chunk in store.chunks(left, 500):
                out.update((r["id"], r["country"]) for r in c.db.query(
                    f"select [{k.id_column}] as id, country from [{table}] where [{k.id_column}] in "
                    f"({','.join('?' * len(chunk))}) and country is not null", chunk))
    return out


def foreign_contacts(c: _Ctx, period: Period) -> dict:
    rows = c.rows("select * from contacts where date >= ? and date <= ? order by date, contact_id",
                  [period.since, period.until])
    theirs = _entity_countries(c, [r["counterpart_id"] for r in rows if not r["country"]])
    items = []
    for r in rows:
        country = r["country"] or theirs.get(r["counterpart_id"])
        if c.abroad(country, r["official_id"]):
            items.append({"record_id": r["contact_id"], "date": r["date"], **c.official(r),
                          **c.ref("counterpart", r), "country": country,
                          "country_from": "contact" if r["country"] else "counterpart", "channel": r["channel"],
                          "location": r["location"], "reported": _bool(r["reported"]), **c.source(r)})
    items.sort(key=lambda x: ({False: 0, None: 1, True: 2}[x["reported"]], x["date"], x["record_id"]))
    states = Counter(x["reported"] for x in items)
    return {"count": len(items), "unreported": states[False], "reported": states[True],
            "reporting_unknown": states[None], "items": items}


def foreign_affairs(db, period: Period, settings: dict, names: Names | None = None) -> dict:
    """The section's data; see the module docstring."""
    c = _Ctx(db, settings, names)
    out = {"home_country": c.home, "trips": trips(c, period), "gifts_during_trips": gifts_during_trips(c, period),
           "approvals": approvals(c, period), "foreign_contacts": foreign_contacts(c, period)}
    out["empty"] = not any(out[k]["count"] for k in ("trips", "gifts_during_trips", "approvals", "foreign_contacts"))
    return out


# ------------------------------------------------------------------ presentation (HTML, Markdown, CSV)

_ZH_COUNTRY = {code: next((n for n in names if re.search("[\u4e00-\u9fff]", n)), code)
               for code, names in _COUNTRY_ALIASES.items()}


class _View:
    """The section's parts as text in one language (messages ``report_foreign.*`` of the catalogue)."""

    def __init__(self, lang: str):
        self.lang, self.date = lang, (lambda iso: fmt_date(iso, lang))

    def __call__(self, key: str, **kw) -> str:
        return t(_PREFIX + key, self.lang, **kw)

    def country(self, written) -> str:
        """A country as written, in Chinese by its Chinese name when it has a known one (DE → 德国)."""
        return _ZH_COUNTRY.get(country_code(written), written) if self.lang == "zh" and written else written or ""

    def table(self, caption: str, cols: str, rows: list, ids: bool = True) -> dict:
        return {"caption": self(caption) if caption else "", "head": [self("col_" + c) for c in cols.split()],
                "rows": rows, "ids": ids}

    def who(self, name, unit) -> str:
        return self("who", name=name, unit=unit) if unit else (name or "")

    def src(self, x) -> str:
        return self("source", file=x["file_name"] or "?", row=x["row"] if x["row"] is not None else "?")

    def dates(self, a, b) -> str:
        return self.date(a) if not b or b == a else self("dates", start=self.date(a), end=self.date(b))

    def flag(self, value, yes: str = "yes", no: str = "no") -> str:
        return self({True: yes, False: no, None: "not_recorded"}[value])

    def trips(self, s: dict) -> tuple[str, list]:
        rows, sep = [], ", " if self.lang == "en" else "、"
        for x in s["items"]:
            official = self.who(x["official"], x["unit"]) + ("" if not x["participants"] else " · " + self(
                "with_participants", names=sep.join(f"{p['name']} {p['id']}" for p in x["participants"])))
            where = " · ".join(v for v in (x["destination"], self.country(x["country"]),
                                           x["abroad"] and self("abroad_tag")) if v)
            approval = (self("approval_by", who=" · ".join(v for v in (x["approver_unit"], x["approver"]) if v) or "?",
                             date=self.date(x["approval_date"]) or self("not_recorded"))
                        if x["approved"] else self("no_approval"))
            cost = fmt_money(x["cost"], x["currency"], self.lang) if x["cost"] is not None else ""
            paid = self("paid_" + x["paid_by"], name=x["sponsor"] or "")
            when = self.dates(x["start_date"], x["end_date"])
            rows.append([x["record_id"], (official, x["official_id"]), where, when, paid, cost, self.flag(x["in_plan"]),
                         approval, self.src(x)])
        countries = [[" / ".join(sorted({self.country(w) for w in e["as_written"]})), str(e["trips"]), str(e["abroad"])]
                     for e in s["by_country"]]
        summary = self("trips_summary", n=s["count"], abroad=s["abroad"], gov=s["government_paid"],
                       sponsored=s["sponsored"], unknown=s["payer_not_recorded"], outside=s["outside_plan"],
                       unapproved=s["abroad_without_approval"])
        return summary, [self.table("by_country", "country trips abroad", countries, False),
                         self.table("", "record official destination dates paid cost plan approval source", rows)]

    def gifts(self, s: dict) -> tuple[str, list]:
        rows = []
        for x in s["items"]:
            trip = self("trip_cell", trip=x["trip_id"], destination=x["trip_destination"] or "",
                        dates=self.dates(x["trip_start"], x["trip_end"]))
            trip += " · " + self("named_trip") if x["matched_by"] == "trip_id" else ""
            rows.append([x["record_id"], self.date(x["date"]), (x["giver"], x["giver_id"]),
                         (x["recipient"], x["recipient_id"]), fmt_money(x["amount"], x["currency"], self.lang),
                         x["description"] or "", self.flag(x["declared"], "declared", "undeclared"), trip, self.src(x)])
        summary = self("gifts_summary", n=s["count"], declared=s["declared"], undeclared=s["undeclared"],
                       unknown=s["declaration_unknown"], margin=s["margin_days"])
        return summary, [self.table("", "gift date giver recipient value description declared trip source", rows)]

    def approvals(self, s: dict) -> tuple[str, list]:
        by = [[(e["unit"] or "", e["unit_id"] or ""), (e["official"] or "", e["official_id"] or ""), str(e["trip"]),
               str(e["business_card"]), str(e["total"])] for e in s["by_approver"]]
        rows = []
        for x in s["items"]:
            what = x["decision_type"] if x["kind"] == "decisions" else self("on_trip_record")  # a code: in words
            what = "" if re.fullmatch(r"[a-z_]+", what or "") else " · " + what
            rows.append([x["record_id"], self("approval_" + x["approval"]) + what, self.date(x["date"]),
                         " · ".join(v for v in (x["unit"], x["official"]) if v) or self("not_recorded"),
                         (x["beneficiary"] or "", x["beneficiary_id"] or ""), self.src(x)])
        summary = self("approvals_summary", n=s["count"], trips=s["trip"], cards=s["business_card"])
        return summary, [self.table("by_approver", "approver_unit approver trip_approvals card_approvals total", by,
                                    False),
                         self.table("", "record type date approved_by beneficiary source", rows)]

    def contacts(self, s: dict) -> tuple[str, list]:
        rows = []
        for x in s["items"]:
            country = self.country(x["country"])
            country = country if x["country_from"] == "contact" else self("their_country", country=country)
            rows.append([x["record_id"], self.date(x["date"]), (self.who(x["official"], x["unit"]), x["official_id"]),
                         (x["counterpart"] or "", x["counterpart_id"] or ""), country,
                         self.flag(x["reported"], "reported", "unreported"), self.src(x)])
        summary = self("contacts_summary", n=s["count"], unreported=s["unreported"], reported=s["reported"],
                       unknown=s["reporting_unknown"])
        return summary, [self.table("", "contact date official counterpart country reported source", rows)]


_PARTS = (("trips", "trips", "trips_heading"), ("gifts", "gifts_during_trips", "gifts_heading"),
          ("approvals", "approvals", "approvals_heading"), ("contacts", "foreign_contacts", "contacts_heading"))


def view(fa: dict | None, lang: str) -> dict | None:
    """The section as text in ``lang``: blocks of a summary line and tables whose cells are text or
    (text, id) pairs; the HTML template and the Markdown writer print it as it is."""
    if fa is None:
        return None
    v = _View(lang)
    blocks = []
    for part, key, heading in ([] if fa["empty"] else _PARTS):
        summary, tables = getattr(v, part)(fa[key])
        blocks.append({"id": part, "heading": v(heading), "n": fa[key]["count"], "summary": [summary],
                       "tables": tables if fa[key]["count"] else []})
    return {"title": v("title"), "note": v("note", margin=fa["gifts_during_trips"]["margin_days"]),
            "empty": v("empty") if fa["empty"] else None, "none": v("none"), "blocks": blocks}


def markdown(fa: dict | None, lang: str, esc, table) -> list[str]:
    """The section's Markdown lines (``esc`` and ``table`` are the Markdown writer's)."""
    v = view(fa, lang)
    if v is None:
        return []
    if v["empty"]:
        return [f"## {v['title']}", "", v["empty"], ""]
    lines = [f"## {v['title']}", "", v["note"], ""]
    def cell(c):
        return esc(c) if isinstance(c, str) else f"{esc(c[0])} ({esc(c[1])})" if c[1] else esc(c[0])

    for b in v["blocks"]:
        lines += [f"### {b['heading']} ({b['n']})", "", *b["summary"], ""] + ([] if b["tables"] else [v["none"], ""])
        for tb in b["tables"]:
            lines += ([f"**{tb['caption']}**", ""] if tb["caption"] else []) + table(
                tb["head"], [[cell(c) for c in r] for r in tb["rows"]])
    return lines


_SRC = "source_file row batch"
_CSV = {"foreign_trips.csv": ("trips", "record_id official_id official unit_id unit destination country abroad "
                              "start_date end_date purpose paid_by sponsor_id sponsor cost currency participants "
                              "in_plan approver_unit_id approver_unit approver_id approver approval_date " + _SRC),
        "foreign_gifts.csv": ("gifts_during_trips", "record_id date giver_id giver recipient_id recipient amount "
                              "currency description declared trip_id matched_by trip_destination trip_country "
                              "trip_start trip_end " + _SRC + " trip_source_file trip_row"),
        "foreign_approvals.csv": ("approvals", "record_id kind approval decision_type title date unit_id unit "
                                  "official_id official beneficiary_id beneficiary " + _SRC),
        "foreign_contacts.csv": ("foreign_contacts", "record_id date official_id official unit_id unit counterpart_id "
                                 "counterpart country country_from reported " + _SRC)}


def csv_tables(fa: dict | None, write_csv) -> dict[str, str]:
    """One CSV per part (``write_csv(head, rows)`` is the report's formula-safe writer)."""
    if fa is None:
        return {}
    out = {}
    for name, (part, cols) in _CSV.items():
        cols = cols.split()
        out[name] = write_csv(cols, [[[p["id"] for p in x[c]] if c == "participants" else x[c] for c in cols]
                                     for x in fa[part]["items"]])
    return out
