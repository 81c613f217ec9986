"""Mapping profiles: a declarative TOML file that turns one source file into one canonical kind.

A register received as it is published (a ministry's spreadsheet, a monthly
CSV, a scraped JSON) rarely has graphrisk's column names, date order or
currency. A profile says, as data, how to read it, so that nobody writes
pandas for it::

    kind = "gifts"
    [columns]                 # canonical column = source column (a list: the first non-empty)
    recipient_name = "minister"
    giver_name = "donor_recipient"
    date = "date"
    value = "value"
    description = "gift"
    [formats]                 # date formats per column (strptime), or "day-first" / "month-first"
    date = ["%Y-%m-%d", "%d/%m/%Y"]
    [values]                  # value maps; "" = empty (an amount: unknown, the text kept in value_text)
    value = { "Above limit" = "", "Value Unknown" = "" }
    [constants]               # currency here is the file's currency where an amount has no sign
    currency = "GBP"
    [filter]                  # keep only rows whose source column holds one of these
    given_or_received = ["Received"]
    [entity_kinds]            # person, company, organisation, public_body, official, unit, unknown
    giver_name = "unknown"

Further tables: ``[ids]`` id templates from several columns
(``official_id = "GB-{council}:{name:slug}"``, ``{_row}`` is the file row),
``[split]`` a multi-valued cell into several records, ``[skip]`` values that
mean a row holds no record (``Nil Return``: counted, not stored),
``skip_if_empty`` columns whose emptiness means the same, ``[replace]``
substrings, ``[[shift]]`` rows whose cells are shifted, ``dayfirst``,
``currency``, ``distinct`` (an entity file made from a record file: one
row per id, the first spelling kept). Every name in the file is matched
case-insensitively after trimming; a column the profile names that the file
lacks is an error, never silently empty. docs/profiles.md documents each key.

:func:`load` reads a profile (unknown keys are errors), :meth:`Profile.apply`
turns a file into the canonical table ingest reads (with the problems found
and the rows skipped, each counted by reason), :func:`draft` writes a
commented profile by reading a file, :func:`check` shows the first rows as
they would load and every problem.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InputError
from ..i18n import t
from . import readers, values

# the entity kind of a name column -> the entity tables a name there may be linked to or create
ENTITY_KINDS = {
    "person": ("people",), "company": ("companies",), "organisation": ("organisations",),
    "organization": ("organisations",), "public_body": ("public_bodies",), "official": ("officials",),
    "unit": ("units",), "unknown": None,
}
SKIP = object()  # a value map target: the row holds no record

_TOP_KEYS = {"kind", "name", "description", "columns", "formats", "values", "constants", "filter", "skip",
             "skip_if_empty", "entity_kinds", "ids", "split", "replace", "shift", "dayfirst", "currency",
             "distinct", "id_prefix", "decimal", "header_row"}

# Built-in header synonyms: canonical column -> headers (compared after _norm_header). A role such
# as "@date" stands for the kind's own date / amount column (contracts.date, gifts.value, ...).
SYNONYMS: dict[str, list[str]] = {
    "@date": ["fecha", "fecha de recepción", "date de réception", "datum", "data", "data ricevimento", "fecha adjudicación", "date d'attribution", "zuschlagsdatum", "date", "日期", "时间", "发生日期", "日期时间", "date received", "received date", "date of gift",
              "award date", "decision date", "meeting date", "登记日期", "签订日期", "合同日期", "中标日期",
              "决定日期", "接触日期", "收受日期", "送礼日期"],
    "@amount": ["importe", "importe total", "valor", "valor estimado", "monto", "montant", "valeur", "valeur estimée", "betrag", "wert", "importo", "valore", "bedrag", "waarde", "amount", "value", "金额", "价值", "价值(元)", "金额(元)", "合同金额", "中标金额", "估值",
                "estimated value", "value (£)", "value(£)", "value £", "cost", "费用", "total", "sum"],
    "currency": ["moneda", "divisa", "devise", "monnaie", "währung", "valuta", "moeda", "currency", "币种", "货币", "currency code"],
    "description": ["descripción", "concepto", "regalo", "obsequio", "cadeau", "geschenk", "beschreibung", "descrizione", "omaggio", "descrição", "presente", "description", "gift", "gift description", "hospitality type", "type of hospitality", "benefit", "礼品", "礼品名称", "物品", "说明", "描述", "details"],
    "giver_name": ["donante", "obsequiante", "donateur", "offert par", "schenker", "spender", "zuwendungsgeber", "donatore", "doador", "schenker", "giver", "donor", "donor name", "provider", "送礼人", "赠送人", "送礼单位", "赠送方", "donor_recipient"],
    "recipient_name": ["beneficiario", "receptor", "destinataire", "bénéficiaire", "empfänger", "destinatario", "ricevente", "ontvanger", "recipient", "收礼人", "受礼人", "收受人", "minister", "official", "member", "councillor",
                       "mp", "mep", "干部", "官员", "干部姓名", "公职人员"],
    "official_name": ["cargo público", "alto cargo", "élu", "mandataire", "abgeordneter", "parlamentario", "eurodiputado", "député", "official", "minister", "member", "councillor", "mp", "mep", "干部", "官员", "姓名",
                      "干部姓名", "人员姓名", "公职人员", "当事人"],
    "counterpart_name": ["organisations", "organizations", "organisation name", "attendees", "meeting with",
                         "interest representatives", "lobbyists", "stakeholders", "companies", "entities", "organización", "entidad", "organisation rencontrée", "interlocuteur", "gesprächspartner", "organizzazione", "counterpart", "organisation", "organization", "company", "lobbyist", "对方",
                         "接触对象", "对象", "来访人", "来访单位", "meeting with", "attendee", "interest representative"],
    "unit_name": ["órgano de contratación", "organismo", "comprador", "acheteur", "pouvoir adjudicateur", "auftraggeber", "behörde", "ente", "stazione appaltante", "órgão", "unit", "department", "buyer", "council", "body", "单位", "部门", "采购单位", "采购人",
                  "所在单位", "工作单位", "委托单位", "决定机关"],
    "supplier_name": ["adjudicatario", "proveedor", "contratista", "fournisseur", "titulaire", "attributaire", "lieferant", "auftragnehmer", "fornitore", "aggiudicatario", "fornecedor", "leverancier", "supplier", "contractor", "供应商", "中标人", "中标单位", "成交供应商", "承包商", "vendor"],
    "beneficiary_name": ["beneficiary", "受益人", "申请人", "申请单位", "licensee", "recipient organisation"],
    "sponsor_name": ["sponsor", "资助方", "出资方", "邀请方", "paid by", "funded by"],
    "destination": ["destination", "目的地", "地点", "出访地", "出行地点"],
    "start_date": ["start date", "start", "开始日期", "出发日期", "起始日期", "from"],
    "end_date": ["end date", "end", "结束日期", "返回日期", "截止日期", "to"],
    "purpose": ["purpose", "事由", "目的", "出行事由"],
    "title": ["título", "objeto", "objeto del contrato", "objet", "objet du marché", "titel", "gegenstand", "oggetto", "objecto", "title", "名称", "项目名称", "合同名称", "标题", "subject"],
    "method": ["method", "procurement method", "采购方式", "招标方式", "procedure"],
    "channel": ["channel", "方式", "接触方式", "type of meeting"],
    "location": ["location", "地点", "place", "venue"],
    "note": ["note", "notes", "备注", "remarks", "comment", "subject", "topic", "事由", "内容"],
    "declared": ["declared", "是否申报", "是否登记", "已申报", "申报"],
    "decision_type": ["decision type", "type of decision", "决定类型", "事项类型", "审批事项"],
    "role": ["role", "职务角色", "角色", "capacity"],
    "name": ["nombre", "nom", "nome", "naam", "name", "名称", "姓名", "full name"],
    "position": ["cargo", "puesto", "fonction", "funktion", "amt", "carica", "função", "position", "job title", "职务", "岗位"],
    "rank": ["rank", "职级", "级别"],
    "registration_no": ["registration no", "registration number", "company number", "统一社会信用代码",
                        "注册号", "信用代码", "companies house number"],
    "region": ["region", "地区", "区域", "所在地"],
    "country": ["country", "国家", "国别"],
    "relation": ["relation", "relationship", "关系", "关系类型"],
    "share_pct": ["share", "share pct", "shareholding", "持股比例", "股比"],
}

_SLUG = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def _norm_header(text: str) -> str:
    s = values.nfkc(str(text)).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s_]+", " ", s).strip()


def _key(v) -> str:
    """How cells are compared with the profile's values: NFKC, spaces collapsed, case folded."""
    return " ".join(values.nfkc(str(v)).split()).casefold()


def slug(text: str) -> str:
    return _SLUG.sub("-", values.nfkc(str(text)).lower()).strip("-")


_FILTERS = {"slug": slug, "lower": lambda s: s.lower(), "upper": lambda s: s.upper(), "strip": str.strip,
            "digits": lambda s: re.sub(r"\D", "", s), "trim": lambda s: " ".join(s.split())}
_FIELD = re.compile(r"\{([^{}:]+)(?::([a-z]+))?\}")


# ------------------------------------------------------------------ the profile


@dataclass
class Shift:
    """Rows whose cells moved ``by`` places to the right along ``columns`` (a lost separator)."""
    columns: list[str]
    when_date: str  # the row is shifted when this column holds a date ...
    unless_date: str  # ... and this one (where the date belongs) does not
    by: int = 1
    also_when: dict[str, set[str]] = field(default_factory=dict)  # or this column holds one of these values


@dataclass
class Profile:
    kind: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    formats: dict[str, list[str]] = field(default_factory=dict)
    dayfirst: bool | None = None
    value_maps: dict[str, dict[str, object]] = field(default_factory=dict)
    replace: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    filters: dict[str, dict] = field(default_factory=dict)
    skip: dict[str, set[str]] = field(default_factory=dict)
    skip_if_empty: list[str] = field(default_factory=list)
    split: dict[str, dict] = field(default_factory=dict)
    entity_kinds: dict[str, str] = field(default_factory=dict)
    shifts: list[Shift] = field(default_factory=list)
    currency: str | None = None
    distinct: bool = False
    id_prefix: str | None = None
    decimal: str = "."  # "," for 1.234,56 (the dot or space groups thousands)
    header_row: int | None = None  # file row of the header when title lines sit above it
    name: str = ""
    path: str = ""
    sha256: str = ""

    # -------------------------------------------------------------- loading

    @classmethod
    def from_text(cls, text: str, path: str = "<profile>") -> "Profile":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(t("profiles.err.toml", path=path, error=str(exc))) from None
        p = cls.from_dict(data, path)
        p.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return p

    @classmethod
    def from_dict(cls, data: dict, path: str = "<profile>") -> "Profile":
        def err(key: str, why: str):
            return InputError(t("profiles.err.key", path=path, name=key, why=why))

        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise err(unknown[0], t("profiles.err.unknown_key", known=", ".join(sorted(_TOP_KEYS))))
        kind = data.get("kind")
        if kind not in schema.KINDS:
            raise err("kind", t("profiles.err.kind", kinds=", ".join(schema.KINDS)))
        k = schema.KINDS[kind]
        canon = set(k.column_names) | {c.name[:-3] + "_name" for c in k.columns if c.refs and c.name.endswith("_id")}
        p = cls(kind=kind, name=str(data.get("name") or Path(path).stem), path=str(path))

        def table(key: str) -> dict:
            v = data.get(key, {})
            if not isinstance(v, dict):
                raise err(key, t("profiles.err.table"))
            return v

        def canonical(key: str, col: str) -> str:
            c = col.strip().lower()
            if c not in canon and not (key in ("constants",) and c.startswith("_")):
                raise err(f"{key}.{col}", t("profiles.err.not_canonical", kind=kind, columns=", ".join(sorted(canon))))
            return c

        for col, src in table("columns").items():
            c = canonical("columns", col)
            srcs = src if isinstance(src, list) else [src]
            if not srcs or not all(isinstance(s, str) and s.strip() for s in srcs):
                raise err(f"columns.{col}", t("profiles.err.source"))
            if len(srcs) == 1 and _FIELD.search(srcs[0]):
                p.templates[c] = srcs[0]
            else:
                p.columns[c] = [_norm_header(s) for s in srcs]
        for col, tpl in table("ids").items():
            if not isinstance(tpl, str) or not _FIELD.search(tpl):
                raise err(f"ids.{col}", t("profiles.err.template"))
            p.templates[canonical("ids", col)] = tpl
        for col, tpl in p.templates.items():
            bad = [f for _, f in _FIELD.findall(tpl) if f and f not in _FILTERS]
            if bad:
                raise err(f"ids.{col}", t("profiles.err.filter_name", name=bad[0], known=", ".join(_FILTERS)))
        for col, fmts in table("formats").items():
            c = canonical("formats", col)
            fl = fmts if isinstance(fmts, list) else [fmts]
            if not fl or not all(isinstance(f, str) for f in fl):
                raise err(f"formats.{col}", t("profiles.err.formats"))
            if c not in k.column_names or k.column(c).type != schema.DATE:
                raise err(f"formats.{col}", t("profiles.err.not_date"))
            p.formats[c] = fl
        if "dayfirst" in data:
            if not isinstance(data["dayfirst"], bool):
                raise err("dayfirst", t("profiles.err.bool"))
            p.dayfirst = data["dayfirst"]
        for col, m in table("values").items():
            if not isinstance(m, dict):
                raise err(f"values.{col}", t("profiles.err.table"))
            vm = {}
            for src_v, target in m.items():
                if isinstance(target, dict) and target.get("skip"):
                    vm[_key(src_v)] = SKIP
                elif isinstance(target, (str, int, float)) and not isinstance(target, bool):
                    vm[_key(src_v)] = str(target)
                else:
                    raise err(f"values.{col}.{src_v}", t("profiles.err.value_target"))
            p.value_maps[_norm_header(col)] = vm
        for col, m in table("replace").items():
            if not isinstance(m, dict) or not all(isinstance(v, str) for v in m.values()):
                raise err(f"replace.{col}", t("profiles.err.table"))
            p.replace[_norm_header(col)] = dict(m)
        for col, v in table("constants").items():
            c = canonical("constants", col)
            if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                raise err(f"constants.{col}", t("profiles.err.constant"))
            if c == "currency":
                p.currency = str(v).strip().upper()
            else:
                p.constants[c] = str(v)
        if data.get("currency") is not None:
            if not isinstance(data["currency"], str) or not re.fullmatch(r"[A-Za-z]{3}", data["currency"].strip()):
                raise err("currency", t("profiles.err.currency"))
            p.currency = data["currency"].strip().upper()
        for col, f in table("filter").items():
            if isinstance(f, list):
                p.filters[_norm_header(col)] = {"in": {_key(x) for x in f}}
            elif isinstance(f, dict) and set(f) <= {"in", "not", "matches"}:
                spec = {}
                if "in" in f:
                    spec["in"] = {_key(x) for x in f["in"]}
                if "not" in f:
                    spec["not"] = {_key(x) for x in f["not"]}
                if "matches" in f:
                    try:
                        spec["matches"] = re.compile(f["matches"], re.IGNORECASE)
                    except re.error as exc:
                        raise err(f"filter.{col}.matches", str(exc)) from None
                p.filters[_norm_header(col)] = spec
            else:
                raise err(f"filter.{col}", t("profiles.err.filter"))
        for col, vals in table("skip").items():
            vl = vals if isinstance(vals, list) else [vals]
            p.skip[_norm_header(col)] = {_key(x) for x in vl}
        sie = data.get("skip_if_empty", [])
        p.skip_if_empty = [_norm_header(c) for c in (sie if isinstance(sie, list) else [sie])]
        for col, spec in table("split").items():
            c = canonical("split", col)
            if isinstance(spec, str):
                spec = {"separator": spec}
            if not isinstance(spec, dict) or not (spec.get("separator") or spec.get("pattern")):
                raise err(f"split.{col}", t("profiles.err.split"))
            pat = spec.get("pattern") or re.escape(spec["separator"])
            p.split[c] = {"pattern": re.compile(pat)}
        for col, ek in table("entity_kinds").items():
            c = canonical("entity_kinds", col)
            if ek not in ENTITY_KINDS:
                raise err(f"entity_kinds.{col}", t("profiles.err.entity_kind", kinds=", ".join(ENTITY_KINDS)))
            p.entity_kinds[c] = ek
        shifts = data.get("shift", [])
        for i, s in enumerate(shifts if isinstance(shifts, list) else [shifts]):
            try:
                p.shifts.append(Shift([_norm_header(c) for c in s["columns"]], _norm_header(s["when_date"]),
                                      _norm_header(s["unless_date"]), int(s.get("by", 1)),
                                      {_norm_header(c): {_key(v) for v in (vs if isinstance(vs, list) else [vs])}
                                       for c, vs in s.get("also_when", {}).items()}))
            except (KeyError, TypeError, ValueError, AttributeError):
                raise err(f"shift[{i}]", t("profiles.err.shift")) from None
        p.distinct = bool(data.get("distinct", False))
        if "header_row" in data:
            if not isinstance(data["header_row"], int) or isinstance(data["header_row"], bool) or data["header_row"] < 1:
                raise err("header_row", t("profiles.err.header_row"))
            p.header_row = data["header_row"]
        if "decimal" in data:
            if data["decimal"] not in (".", ","):
                raise err("decimal", t("profiles.err.decimal"))
            p.decimal = data["decimal"]
        p.id_prefix = data.get("id_prefix")
        return p

    # -------------------------------------------------------------- applying

    def apply(self, path: str | Path, db=None) -> "Applied":
        """Read ``path`` and turn it into the canonical table of :attr:`kind`.

        Raises InputError when the file lacks a column the profile names
        (nothing can be read then). Row problems (a date that fits no
        format) come back in :attr:`Applied.problems` for ingest to report
        with file, row and column.
        """
        path = Path(path)
        src = read_source(path, self.kind, self.header_row)
        return _apply(self, src, db)

    def ref_kinds(self) -> dict[str, tuple[str, ...]]:
        """Name column -> the entity tables it may resolve to, as the profile says."""
        out = {}
        for col, ek in self.entity_kinds.items():
            tables = ENTITY_KINDS[ek]
            if tables:
                out[col] = tables
        return out


def read_source(path: Path, kind: str, header_row: int | None = None) -> readers.Table:
    """The file as text columns; with ``header_row``, the lines above it (a title, a blank line) are not data.

    Read by :func:`graphrisk.ingest.readers.read_table` like any file (one encoding per file, strict
    quoting, field counts, XLSX caps, formulas without values), starting at ``header_row``.
    """
    if header_row and header_row > 1 and readers.SUFFIXES.get(Path(path).suffix.lower()) not in ("csv", "xlsx"):
        raise InputError(t("profiles.err.header_row_format", path=str(path)))
    return readers.read_table(path, kind, header_row=header_row)


def load(path: str | Path) -> Profile:
    """Read a profile file (TOML); InputError naming the key when it is malformed."""
    p = Path(path)
    if not p.exists():
        raise InputError(t("profiles.err.no_file", path=str(p)))
    return Profile.from_text(p.read_text(encoding="utf-8"), str(p))


@dataclass
class Applied:
    table: readers.Table  # canonical text columns, one row per record
    problems: list[tuple[int, str, str]]  # (position in table, column, message)
    skipped: dict[str, int]  # reason -> rows not turned into records
    source_rows: int
    ref_kinds: dict[str, tuple[str, ...]]
    currency: str | None
    mapping: dict[str, str]  # canonical column -> where it comes from (for check and draft)


def _apply(p: Profile, src: readers.Table, db=None) -> Applied:
    file = str(src.path)
    frame = src.frame.copy()
    original = {_norm_header(c): str(c) for c in frame.columns}  # extra columns keep the file's own header
    frame.columns = [_norm_header(c) for c in frame.columns]
    rows = src.rows.to_numpy()
    n0 = len(frame)
    headers = list(frame.columns)
    k = schema.KINDS[p.kind]

    # every source column the profile names must exist
    named: list[tuple[str, str]] = []
    for c, srcs in p.columns.items():
        named += [(f"columns.{c}", s) for s in srcs]
    for sect, d in (("values", p.value_maps), ("replace", p.replace), ("filter", p.filters), ("skip", p.skip)):
        for col in d:
            if col not in headers and col not in p.columns:
                named.append((f"{sect}.{col}", col))
    named += [("skip_if_empty", c) for c in p.skip_if_empty]
    for s in p.shifts:
        named += [("shift", c) for c in s.columns + [s.when_date, s.unless_date] + list(s.also_when)]
    for c, tpl in p.templates.items():
        for fld, _ in _FIELD.findall(tpl):
            fld = _norm_header(fld)
            if not fld.startswith("_") and fld not in headers and fld not in p.columns and fld not in p.constants:
                named.append((f"ids.{c}", fld))
    missing = [(where, col) for where, col in named if col not in headers]
    if missing:
        from .prepare import Problem
        probs = [Problem(file, 1, col, t("profiles.err.missing_column", where=where, col=col,
                                         headers=", ".join(headers)), "missing_column") for where, col in missing]
        raise InputError(t("profiles.err.rejected", path=file, n=len(probs)), probs)

    text = frame.astype(object).where(frame.notna(), "").astype(str)
    # repairs: shifted rows
    for s in p.shifts:
        home_is_date = _date_like(text[s.unless_date])
        is_date = _date_like(text[s.when_date]) & ~home_is_date
        for col, vals in s.also_when.items():  # e.g. a shifted nil return: 'Nil Return' one cell to the right
            is_date |= _keys(text[col]).isin(vals) & ~home_is_date & ~_keys(text[s.unless_date]).isin(vals)
        if is_date.any():
            cols = s.columns
            shifted = text.loc[is_date, cols].to_numpy()
            moved = np.full_like(shifted, "")
            moved[:, :len(cols) - s.by] = shifted[:, s.by:]
            text.loc[is_date, cols] = moved
    for col, reps in p.replace.items():
        if col in text:
            for a, b in reps.items():
                text[col] = text[col].str.replace(a, b, regex=False)

    skipped: Counter = Counter()
    keep = np.ones(len(text), dtype=bool)
    keys = {c: _keys(text[c]) for c in set(p.skip) | set(p.filters) | set(p.value_maps) if c in text}
    for col, vals in p.skip.items():
        hit = keys[col].isin(vals).to_numpy() & keep
        if hit.any():
            skipped[t("profiles.skip.no_record", column=original.get(col, col))] += int(hit.sum())
            keep &= ~hit
    if p.skip_if_empty:
        empty = np.ones(len(text), dtype=bool)
        for col in p.skip_if_empty:
            empty &= (text[col].str.strip() == "").to_numpy()
        hit = empty & keep
        if hit.any():
            skipped[t("profiles.skip.empty", columns=", ".join(original.get(c, c) for c in p.skip_if_empty))] += int(hit.sum())
            keep &= ~hit
    # value maps on source columns (a key naming a canonical column applies after mapping, below)
    unknown_src: dict[str, pd.Series] = {}
    for col, vm in p.value_maps.items():
        if col not in text or (col in p.columns and col not in headers):
            continue
        if any(col in srcs for srcs in p.columns.values()) or col not in p.columns:
            hit_skip = keys[col].map(lambda v: vm.get(v) is SKIP).to_numpy() & keep
            if hit_skip.any():
                skipped[t("profiles.skip.value", column=original.get(col, col))] += int(hit_skip.sum())
                keep &= ~hit_skip
            mapped = keys[col].map(lambda v: vm.get(v))
            repl = mapped.map(lambda v: isinstance(v, str))
            if repl.any():
                unknown_src[col] = _unknown_text(text[col], repl & (mapped == ""))
                text[col] = text[col].where(~repl, mapped)
    for col, spec in p.filters.items():
        kv = keys[col]
        ok = np.ones(len(text), dtype=bool)
        if "in" in spec:
            ok &= kv.isin(spec["in"]).to_numpy()
        if "not" in spec:
            ok &= ~kv.isin(spec["not"]).to_numpy()
        if "matches" in spec:
            ok &= text[col].map(lambda v: bool(spec["matches"].search(v))).to_numpy()
        hit = ~ok & keep
        if hit.any():
            skipped[t("profiles.skip.filtered", column=original.get(col, col))] += int(hit.sum())
            keep &= ~hit
    text = text.loc[keep].reset_index(drop=True)
    rows = rows[keep]
    problems: list[tuple[int, str, str]] = _remap(list(getattr(src, "problems", []) or []), keep)
    unknown_src = {c: s.loc[keep].reset_index(drop=True) for c, s in unknown_src.items()}
    n = len(text)

    # canonical columns
    out = pd.DataFrame(index=range(n))
    mapping: dict[str, str] = {}
    used_src: set[str] = set()
    for c, srcs in p.columns.items():
        col = pd.Series([""] * n, dtype=object)
        for s in srcs:
            col = col.where(col != "", text[s].str.strip())
            used_src.add(s)
        out[c] = col
        mapping[c] = " | ".join(srcs)
    # synonyms for canonical columns the profile leaves out
    for c, h in synonym_mapping(p.kind, headers, taken=set(p.columns) | set(p.templates) | set(p.constants),
                                used=used_src).items():
        out[c] = text[h].str.strip()
        mapping[c] = f"{h} (synonym)"
        used_src.add(h)
    for c, v in p.constants.items():
        out[c] = v
        mapping[c] = f"= {v}"
    # value maps keyed by a canonical column
    for col, vm in p.value_maps.items():
        if col in p.columns and col not in headers and col in out:
            kv = _keys(out[col])
            hit_skip = kv.map(lambda v: vm.get(v) is SKIP).to_numpy()
            if hit_skip.any():  # skipping after mapping: drop those rows too
                skipped[t("profiles.skip.value", column=col)] += int(hit_skip.sum())
                out, text, rows = out.loc[~hit_skip].reset_index(drop=True), text.loc[~hit_skip].reset_index(drop=True), rows[~hit_skip]
                problems = _remap(problems, ~hit_skip)
                unknown_src = {c2: s.loc[~hit_skip].reset_index(drop=True) for c2, s in unknown_src.items()}
                kv = _keys(out[col])
            mapped = kv.map(lambda v: vm.get(v))
            repl = mapped.map(lambda v: isinstance(v, str))
            unknown_src["@" + col] = _unknown_text(out[col], repl & (mapped == ""))
            out[col] = out[col].where(~repl, mapped)
    n = len(out)
    # amounts mapped to unknown: the source text is kept (value_text) and the empty value is allowed
    for c in k.columns:
        if c.type != schema.AMOUNT or c.name not in out:
            continue
        notes = pd.Series([""] * n, dtype=object)
        for s in p.columns.get(c.name, []):
            if s in unknown_src:
                notes = notes.where(notes != "", unknown_src[s])
        if "@" + c.name in unknown_src:
            notes = notes.where(notes != "", unknown_src["@" + c.name])
        if (notes != "").any():
            out["_source_" + c.name] = notes
    if p.decimal == ",":  # 1.234,56 / 1 234,56 → 1234.56; the amount as published kept in <amount>_text
        for c in k.columns:
            if c.type in (schema.AMOUNT, schema.PCT) and c.name in out:
                before = out[c.name]
                out[c.name] = before.map(_decimal_comma)
                if c.type == schema.AMOUNT:
                    src_text = out.get("_source_" + c.name, pd.Series([""] * len(out), dtype=object))
                    out["_source_" + c.name] = src_text.where(src_text != "", before.where(before != out[c.name], ""))
    # id templates
    for c, tpl in p.templates.items():
        out[c] = _render(tpl, text, out, rows, src.path)
        mapping[c] = tpl
    # dates
    for c in k.columns:
        if c.type != schema.DATE or c.name not in out:
            continue
        fmts = p.formats.get(c.name)
        dayfirst = p.dayfirst
        excel = False
        if fmts and len(fmts) == 1 and fmts[0].lower().replace("_", "-") in ("day-first", "dayfirst", "month-first",
                                                                             "monthfirst"):
            dayfirst, fmts = fmts[0].lower().startswith("day"), None
        elif fmts and any(f.lower() in ("excel", "excel-serial") for f in fmts):
            excel = True
            fmts = [f for f in fmts if f.lower() not in ("excel", "excel-serial")] or None
        parsed = {}
        for u in pd.unique(out[c.name].to_numpy()):
            if not u:
                continue
            try:
                if excel and _SERIAL.match(u.strip()):
                    parsed[u] = _excel_date(u)
                    continue
                if fmts:
                    try:
                        parsed[u] = values.parse_date_formats(u, fmts)
                    except ValueError:
                        if _TIMESTAMP_ONLY.match(values.nfkc(u).strip()):  # an ISO timestamp is never ambiguous
                            parsed[u] = values.parse_date(u)
                        else:
                            raise
                else:
                    parsed[u] = values.parse_date(u, dayfirst=dayfirst)
            except ValueError as exc:
                parsed[u] = exc
        col_out = []
        for pos, v in enumerate(out[c.name].to_numpy()):
            r = parsed.get(v, v)
            if isinstance(r, ValueError):
                problems.append((pos, c.name, str(r)))
                col_out.append(v)
            else:
                col_out.append(r)
        out[c.name] = pd.Series(col_out, dtype=object)
    # unmapped source columns ride along (kept in _extra), under their own name unless it is canonical
    canon = set(k.column_names) | {c.name[:-3] + "_name" for c in k.columns if c.refs and c.name.endswith("_id")}
    for h in headers if not p.distinct else ():  # an entity made from a record file carries no record's cells
        if h in used_src or not h:
            continue
        name = original.get(h, h)
        name = name if name not in canon and name not in out else f"source {name}"
        if name in out:
            continue
        out[name] = text[h]
    # split multi-valued cells
    part_no = np.zeros(n, dtype=int)
    for c, spec in p.split.items():
        if c not in out:
            continue
        pieces = out[c].map(lambda v: [x.strip() for x in spec["pattern"].split(v) if x.strip()] or [""])
        if c in k.column_names and k.column(c).type == schema.LIST:
            out[c] = pieces.map(";".join)
            continue
        counts = pieces.map(len).to_numpy()
        if (counts > 1).any():
            idx = np.repeat(np.arange(len(out)), counts)
            part_no = np.concatenate([np.arange(1, m + 1) for m in counts]) if len(counts) else part_no
            out = out.iloc[idx].reset_index(drop=True)
            out[c] = [x for ps in pieces for x in ps]
            rows = rows[idx]
            problems = [(int(q), col, msg) for pos, col, msg in problems for q in np.flatnonzero(idx == pos)]
            part_no = np.where(np.repeat(counts, counts) > 1, part_no, 0)
    # record ids: from the id column or template; else a stable id from the content
    pk = k.id_column
    if not k.key:
        if pk in out and (part_no > 0).any():
            out[pk] = [f"{v}-{i}" if i and v else v for v, i in zip(out[pk], part_no)]
        elif pk not in out:
            out[pk] = _content_ids(out, [c for c in k.column_names if c in out] +
                                   [c for c in sorted(canon) if c in out and c not in k.column_names],
                                   p.id_prefix if p.id_prefix is not None else f"{p.kind}-")
            mapping[pk] = t("profiles.check.auto_id")
    if p.distinct and pk in out:
        dup = out[pk].duplicated().to_numpy() & (out[pk] != "").to_numpy()
        if db is not None and pk in out:
            pk_col = schema.KINDS[p.kind].id_column
            stored = {r[0] for r in db.conn.execute(f"select [{pk_col}] from [{p.kind}]")} \
                if p.kind in db.table_names() else set()
            known = out[pk].isin(stored).to_numpy() & ~dup
            if known.any():
                skipped[t("profiles.skip.known")] += int(known.sum())
                dup |= known
        if dup.any():
            skipped.setdefault(t("profiles.skip.mention"), 0)
            skipped[t("profiles.skip.mention")] += int((out[pk].duplicated().to_numpy() & (out[pk] != "").to_numpy()).sum())
            problems = _remap(problems, ~dup)
            out = out.loc[~dup].reset_index(drop=True)
            rows = rows[~dup]
    table = readers.Table(path=src.path, kind=p.kind, frame=out.reset_index(drop=True),
                          rows=pd.Series(rows, dtype="int64"), encoding=src.encoding)
    return Applied(table, problems, dict(skipped), n0, p.ref_kinds(), p.currency, mapping)


_SERIAL = re.compile(r"^\d{4,6}(?:\.\d+)?$")


def _excel_date(text: str) -> str:
    """An Excel serial day number (1900 date system, as exported to CSV) → ISO date."""
    from datetime import date, timedelta

    n = float(text)
    if not 1 <= n < 2958466:
        raise ValueError(t("profiles.err.serial", value=text))
    return (date(1899, 12, 30) + timedelta(days=int(n))).isoformat()


def _decimal_comma(v: str) -> str:
    s = str(v)
    if not any(ch.isdigit() for ch in s):
        return s
    for sep in (".", " ", "\u00a0", "\u202f", "'"):
        s = s.replace(sep, "")
    return s.replace(",", ".")


def _unknown_text(col: pd.Series, mask: pd.Series) -> pd.Series:
    """The source text of values mapped to empty (an empty source cell says so), '' elsewhere."""
    empty = t("profiles.value.empty")
    return col.where(mask, "").where(~(mask & (col.str.strip() == "")), empty)


def _remap(problems: list[tuple[int, str, str]], keep: np.ndarray) -> list[tuple[int, str, str]]:
    """Row problems after dropping the rows not kept (positions renumbered)."""
    new = np.cumsum(keep) - 1
    return [(int(new[pos]), col, msg) for pos, col, msg in problems if keep[pos]]


_TIMESTAMP_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_DATEISH = re.compile(r"^\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{8})")


def _date_like(s: pd.Series) -> pd.Series:
    return _by_value(s, lambda v: bool(_DATEISH.match(values.nfkc(v)))).astype(bool)


def _by_value(s: pd.Series, f) -> pd.Series:
    """``s.map(f)`` computed once per distinct value (a register repeats its values)."""
    done = {u: f(u) for u in pd.unique(s.to_numpy(dtype=object))}
    return pd.Series([done[v] for v in s.to_numpy(dtype=object)], index=s.index, dtype=object)


def _keys(s: pd.Series) -> pd.Series:
    return _by_value(s, _key)


def _render(tpl: str, text: pd.DataFrame, out: pd.DataFrame, rows: np.ndarray, path: Path) -> list[str]:
    """Fill ``{column}`` / ``{column:filter}`` / ``{_row}`` / ``{_file}`` per row; '' when a field is empty."""
    n = len(out)
    parts: list[list[str] | str] = []  # literal text and one value list per field, column-wise
    pos = 0
    for m in _FIELD.finditer(tpl):
        parts.append(tpl[pos:m.start()])
        pos = m.end()
        name, flt = _norm_header(m.group(1)), m.group(2)
        if name == "_row":
            vals = [str(int(r)) for r in rows]
        elif name == "_file":
            vals = [path.stem] * n
        elif name in text.columns:
            vals = [str(v).strip() for v in text[name].to_numpy()]
        elif name in out.columns:
            vals = ["" if v is None else str(v).strip() for v in out[name].to_numpy()]
        else:
            vals = [""] * n
        if flt:
            f = _FILTERS[flt]
            done = {u: f(u) for u in set(vals)}
            vals = [done[v] for v in vals]
        parts.append(vals)
    parts.append(tpl[pos:])
    fields = [x for x in parts if isinstance(x, list)]
    result = []
    for i in range(n):
        if any(not f[i] for f in fields):
            result.append("")
            continue
        result.append("".join(x if isinstance(x, str) else x[i] for x in parts))
    return result


def _content_ids(out: pd.DataFrame, cols: list[str], prefix: str) -> list[str]:
    """A stable id per row from its canonical values; identical rows get -2, -3 … (none is dropped)."""
    seen: Counter = Counter()
    ids = []
    cols = [c for c in dict.fromkeys(cols) if not c.startswith("_")]
    as_text = [_by_value(out[c], str).tolist() for c in cols]
    for vals in zip(*as_text):
        h = hashlib.sha1("\x1f".join(vals).encode("utf-8")).hexdigest()[:12]
        seen[h] += 1
        ids.append(f"{prefix}{h}" + (f"-{seen[h]}" if seen[h] > 1 else ""))
    return ids


def synonym_mapping(kind: str, headers: list[str], taken: set[str] = frozenset(), used: set[str] = frozenset()
                    ) -> dict[str, str]:
    """Canonical column -> source header found by name or built-in synonym (columns in ``taken`` left out)."""
    k = schema.KINDS[kind]
    targets: list[str] = []
    for c in k.columns:
        if c.refs and c.name.endswith("_id") and c.name != k.id_column:
            targets += [c.name, c.name[:-3] + "_name"]
        else:
            targets.append(c.name)
    hs = {_norm_header(h): h for h in headers if h not in used}
    out: dict[str, str] = {}
    for c in targets:
        if c in taken or (c.endswith("_name") and c[:-5] + "_id" in taken) or \
                (c.endswith("_id") and c[:-3] + "_name" in taken):
            continue
        cands = [_norm_header(c)]
        if c == k.date_column:
            cands += SYNONYMS["@date"]
        if c == k.amount_column:
            cands += SYNONYMS["@amount"]
        cands += SYNONYMS.get(c, [])
        for cand in cands:
            h = hs.get(_norm_header(cand))
            if h is not None and h not in out.values():
                if c.endswith("_id") and c[:-3] + "_name" in out:
                    break
                out[c] = h
                break
    return out


def merge_problems(prep, applied: Applied, file: str) -> None:
    """Add the profile's row problems to a prepared batch, replacing ingest's own message for that cell."""
    if not applied.problems:
        return
    cells = {(int(prep.rows[pos]), col) for pos, col, _ in applied.problems}
    prep.problems[:] = [q for q in prep.problems if (q.row, q.column) not in cells]
    types = {c.name: c.type for c in schema.KINDS[prep.kind].columns}
    for pos, col, msg in applied.problems:
        prep.add(pos, col, msg, file, code=f"bad_{types[col]}" if col in types and types[col] != schema.STR
                 else "invalid_value")


# ------------------------------------------------------------------ check


@dataclass
class CheckResult:
    kind: str
    source_rows: int
    records: int
    skipped: dict[str, int]
    mapping: dict[str, str]
    preview: list[dict]
    problems: list
    problem_count: int
    unmapped_required: list[str]


def check(profile: Profile, path: str | Path, settings: dict | None = None, rows: int = 5,
          currency: str | None = None) -> CheckResult:
    """Apply ``profile`` to ``path`` without a store: the first rows as they would load and every problem.

    Name references are not resolved here (that needs the store); ids that
    would be looked up are shown as given.
    """
    from .. import settings as settings_mod
    from .prepare import Problem, prepare

    settings = settings or settings_mod.load()
    try:
        applied = profile.apply(path)
    except InputError as exc:
        probs = list(getattr(exc, "problems", []) or []) or [Problem(str(path), None, "", str(exc))]
        return CheckResult(profile.kind, 0, 0, {}, {}, [], probs, len(probs), [])
    prep = prepare(applied.table, settings, currency=currency or applied.currency)
    merge_problems(prep, applied, str(path))
    k = schema.KINDS[profile.kind]
    # a reference given by id must exist in the store: not checked here; a required one must be there
    preview = []
    frame = prep.frame
    show = [c for c in list(k.column_names) + list(prep.name_columns.values()) if c in frame.columns]
    show += [c for c in frame.columns if c.endswith("_text") and c not in show]
    for pos in range(min(rows, len(frame))):
        row = {"_row": int(prep.rows[pos])}
        for c in show:
            v = frame[c].iloc[pos]
            if v is None or (isinstance(v, float) and v != v):
                continue
            row[c] = v.item() if hasattr(v, "item") else v
        preview.append(row)
    prep.problems.sort(key=lambda q: (q.row or 0, q.column))
    unmapped = [c.name for c in k.columns if c.required and c.name not in applied.table.frame.columns
                and not (c.name.endswith("_id") and c.name[:-3] + "_name" in applied.table.frame.columns)]
    return CheckResult(profile.kind, applied.source_rows, len(frame) - len(prep.bad), applied.skipped,
                       applied.mapping, preview, prep.problems, len(prep.problems), unmapped)


# ------------------------------------------------------------------ draft


def guess_kind(headers: list[str]) -> str | None:
    """The record or entity kind whose columns the headers name best (by name or synonym)."""
    best, score = None, 0
    for kind, k in schema.KINDS.items():
        m = synonym_mapping(kind, headers)
        req = [c for c in k.required if c != k.id_column]
        hits = sum(1 for c in req if c in m or (c.endswith("_id") and c[:-3] + "_name" in m))
        s = hits * 10 + len(m) - (len(req) - hits) * 5
        if s > score:
            best, score = kind, s
    return best


_EURO_NUMBER = re.compile(r"(?:^|[^\d.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?:$|[^\d.,])|(?:^|[^\d.,])\d+,\d{1,2}(?:$|[^\d.,])")
_ID_LIKE = re.compile(r"^[A-Za-z]{0,6}[-_:/]?[0-9A-Z][0-9A-Za-z\-_:/.]*$")
_NUM_WITH_SIGN = re.compile(r"[£$€¥￥]|\b(GBP|EUR|USD|CNY|RMB|HKD)\b|元", re.IGNORECASE)
_SIGNS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "CNY", "￥": "CNY", "元": "CNY", "gbp": "GBP", "eur": "EUR",
          "usd": "USD", "cny": "CNY", "rmb": "CNY", "hkd": "HKD"}


def _looks_id_like(vals: list[str]) -> bool:
    vals = [v for v in vals if v]
    if not vals:
        return False
    idish = sum(1 for v in vals if " " not in v and any(ch.isdigit() for ch in v) and _ID_LIKE.match(v))
    return idish >= 0.8 * len(vals)


def _toml_key(s: str) -> str:
    return s if re.fullmatch(r"[A-Za-z0-9_-]+", s) else _toml_str(s)


def _toml_str(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _find_header_row(path: Path, look: int = 30) -> int | None:
    """The first of the file's first lines that is as wide as the table below it (titles sit above)."""
    fmt = readers.SUFFIXES.get(path.suffix.lower())
    try:
        if fmt == "csv":
            import csv
            import io

            text, _ = readers.decode(path, path.read_bytes()[:200_000])
            rows = [r for _, r in zip(range(look), csv.reader(io.StringIO(text.lstrip("\ufeff"))))]
        elif fmt == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            rows = [[readers._cell(v) for v in r] for _, r in zip(range(look), wb.worksheets[0].iter_rows(values_only=True))]
            wb.close()
        else:
            return None
    except Exception:  # the normal reader reports an unreadable file
        return None
    widths = [sum(1 for c in r if str(c).strip()) for r in rows]
    if not widths:
        return None
    full = max(widths)
    for i, w in enumerate(widths):
        if w >= max(2, 0.8 * full):
            return i + 1
    return None


def mojibake_sign(currency: str | None) -> str:
    return {"GBP": "£", "EUR": "€", "USD": "$", "CNY": "¥"}.get(currency or "", "")


def draft(path: str | Path, kind: str | None = None, sample_rows: int = 2000) -> str:
    """A commented profile for ``path``, made by reading its headers and values.

    Headers are matched to canonical columns by name and built-in synonyms;
    a reference column whose values read as names becomes ``*_name``; date
    columns get day-first when a value's first part is above 12 (month-first
    when the second is) and their formats; currency signs in the amounts
    give the currency; frequent non-numeric amounts get a value map to
    unknown; a value that fills most of a row (``Nil Return``) becomes a skip
    rule. Everything found is said in a comment so the user can check it.
    """
    path = Path(path)
    header_row = _find_header_row(path)
    src = read_source(path, kind or next(iter(schema.KINDS)), header_row)
    frame = src.frame.head(sample_rows)
    as_written = {_norm_header(c): str(c).strip() for c in frame.columns}  # the draft names columns as the file does
    frame.columns = [_norm_header(c) for c in frame.columns]
    headers = list(frame.columns)
    kind = kind or guess_kind(headers)
    if kind is None:
        raise InputError(t("profiles.draft.no_kind", path=str(path)))
    k = schema.KINDS[kind]
    m = synonym_mapping(kind, headers)
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    lines = [t("profiles.draft.header", path=path.name, rows=len(src.frame)), f"kind = {_toml_str(kind)}", ""]
    if header_row and header_row > 1:
        lines[-1:-1] = [t("profiles.draft.header_row", row=header_row), f"header_row = {header_row}"]

    # skip: a value that fills several cells of a row (nil returns)
    skip_vals: Counter = Counter()
    for row in text.itertuples(index=False, name=None):
        c = Counter(_key(v) for v in row if v.strip())
        for v, cnt in c.items():
            if cnt >= 3 and not re.fullmatch(r"[\d\W]*", v):
                skip_vals[v] += 1
    skip_col = None
    if skip_vals:
        v0 = skip_vals.most_common(1)[0][0]
        for h in headers:
            if (text[h].map(_key) == v0).any():
                skip_col = h
                break
        variants = sorted({x for h in [skip_col] for x in text[h] if _key(x) == v0})
    # columns: id-like vs name-like references
    lines.append("[columns]")
    lines.append(t("profiles.draft.columns_note"))
    columns: dict[str, str] = {}
    for c, h in m.items():
        target = c
        vals = [v for v in text[h].head(500) if v.strip()]
        if c.endswith("_id") and c != k.id_column and not _looks_id_like(vals):
            target = c[:-3] + "_name"
        elif c.endswith("_name") and _looks_id_like(vals):
            target = c[:-5] + "_id"
        if target in columns:
            continue
        columns[target] = h
    for c, h in columns.items():
        lines.append(f"{c} = {_toml_str(as_written.get(h, h))}")
    required = [c for c in k.required if c != k.id_column or True]
    for c in required:
        if c in columns or (c.endswith("_id") and c[:-3] + "_name" in columns):
            continue
        if c == k.id_column:
            lines.append(t("profiles.draft.auto_id", col=c))
        else:
            lines.append(t("profiles.draft.required_missing", col=c))
    unmapped = [h for h in headers if h not in columns.values()]
    if unmapped:
        lines.append(t("profiles.draft.unmapped", columns=", ".join(as_written.get(h, h) for h in unmapped)))
    lines.append("")

    # dates
    fmt_lines = []
    dayfirst_seen = False
    for c in k.columns:
        if c.type != schema.DATE or c.name not in columns:
            continue
        vals = [values.nfkc(v).strip() for v in text[columns[c.name]] if v.strip()]
        dmy = [re.match(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})", v) for v in vals]
        first_big = sum(1 for x in dmy if x and int(x.group(1)) > 12)
        second_big = sum(1 for x in dmy if x and int(x.group(3)) > 12)
        iso = sum(1 for v in vals if re.match(r"^\d{4}-\d{2}-\d{2}$", v))
        serial = sum(1 for v in vals if re.fullmatch(r"[2-6]\d{4}(?:\.\d+)?", v))
        if vals and serial >= 0.5 * len(vals):
            fmt_lines += [t("profiles.draft.excel", col=c.name, n=serial), f'{c.name} = ["excel", "%Y-%m-%d"]']
            continue
        ts = sum(1 for v in vals if _TIMESTAMP_ONLY.match(v))
        fmts = []
        if iso:
            fmts.append("%Y-%m-%d")
        if ts:
            fmts.append("%Y-%m-%dT%H:%M:%S%z")
        seps = {x.group(2) for x in dmy if x}
        if any(dmy):
            if first_big and not second_big:
                fmts += [f"%d{s}%m{s}%Y" for s in sorted(seps)]
                fmt_lines.append(t("profiles.draft.dayfirst", col=c.name, n=first_big))
                dayfirst_seen = True
            elif second_big and not first_big:
                fmts += [f"%m{s}%d{s}%Y" for s in sorted(seps)]
                fmt_lines.append(t("profiles.draft.monthfirst", col=c.name, n=second_big))
            else:
                fmt_lines.append(t("profiles.draft.ambiguous", col=c.name))
        if fmts and (any(dmy) or ts):
            fmt_lines.append(f"{c.name} = [{', '.join(_toml_str(f) for f in fmts)}]")
    if fmt_lines:
        lines += ["[formats]"] + fmt_lines + [""]

    # amounts: signs, unreadable values
    value_lines, currency, mojibake, decimal_comma = [], None, [], False
    for c in k.columns:
        if c.type != schema.AMOUNT or c.name not in columns:
            continue
        vals = [v for v in text[columns[c.name]] if v.strip()]
        signs = Counter()
        bad = Counter()
        if any("\ufffd" in v for v in vals):  # a currency sign lost to a wrong encoding upstream
            mojibake.append(columns[c.name])
            vals = [v.replace("\ufffd", "") for v in vals]
        euro_style = sum(1 for v in vals if _EURO_NUMBER.search(v))
        comma = euro_style and euro_style >= 0.5 * sum(1 for v in vals if re.search(r"\d[.,]\d", v))
        decimal_comma = decimal_comma or bool(comma)
        for v in vals:
            sm = _NUM_WITH_SIGN.search(v)
            if sm:
                signs[_SIGNS.get(sm.group(0).lower(), _SIGNS.get(sm.group(0)))] += 1
            try:
                values.parse_amount(_decimal_comma(v) if comma else v)
            except ValueError:
                if skip_vals and _key(v) in skip_vals:
                    continue
                bad[v.strip()] += 1
        if signs:
            currency = signs.most_common(1)[0][0]
        if bad:
            value_lines.append(t("profiles.draft.unknown_values", col=c.name))
            entries = ", ".join(f"{_toml_str(v)} = \"\"" for v, _ in bad.most_common(12))
            value_lines.append(f"{_toml_key(as_written.get(columns[c.name], c.name))} = {{ {entries} }}")
    if value_lines:
        lines += ["[values]"] + value_lines + [""]
    has_amount = any(c.type == schema.AMOUNT and c.name in columns for c in k.columns)
    top = []  # keys of the top level go before the first table
    if decimal_comma:
        top += [t("profiles.draft.decimal"), 'decimal = ","']
    if has_amount and "currency" not in columns:
        if currency:
            top += [t("profiles.draft.currency_found", currency=currency), f"currency = {_toml_str(currency)}"]
        else:
            top += [t("profiles.draft.currency_missing"), '# currency = "GBP"']
    if mojibake:
        lines += ["[replace]", t("profiles.draft.mojibake", sign=mojibake_sign(currency))]
        lines += [f'{_toml_key(as_written.get(c, c))} = {{ "\\ufffd" = {_toml_str(mojibake_sign(currency))} }}'
                  for c in mojibake] + [""]
    if top:
        at = lines.index(f"kind = {_toml_str(kind)}") + 1
        lines[at:at] = top
    if skip_vals and skip_col:
        lines += ["[skip]", t("profiles.draft.skip", n=skip_vals.most_common(1)[0][1]),
                  f"{_toml_key(as_written.get(skip_col, skip_col))} = [{', '.join(_toml_str(v) for v in variants)}]", ""]
    ek = [c for c in columns if c.endswith("_name")]
    split_lines = []
    for c in ek:
        vals = [v for v in text[columns[c]] if v.strip()]
        for sep in (";", "|", "/"):
            n = sum(1 for v in vals if sep in v)
            if vals and n >= max(1, 0.02 * len(vals)):
                split_lines += [t("profiles.draft.split", col=c, n=n, sep=sep), f"# {c} = {_toml_str(sep)}"]
                break
    if split_lines:
        lines += ["[split]"] + split_lines + [""]
    # the kind matters only where a name may be of several kinds (a giver: person, company, ...)
    ek = [c for c in ek if c[:-5] + "_id" in k.column_names
          and len([r for r in k.column(c[:-5] + "_id").refs if r != "units"]) > 1]
    if ek:
        lines += ["[entity_kinds]", t("profiles.draft.entity_kinds")]
        lines += [f"{c} = \"unknown\"" for c in ek] + [""]
    if not dayfirst_seen:
        pass
    return "\n".join(lines).rstrip() + "\n"
