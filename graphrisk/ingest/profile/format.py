"""The profile format: a TOML file read into a :class:`Profile`, every key checked.

The keys are described in :mod:`graphrisk.ingest.profiles` and docs/profiles.md.
An unknown key, a column that is not canonical for the kind, or a malformed
value is an InputError naming the key: a profile is never half-read.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ... import schema
from ...errors import InputError
from ...i18n import t
from .apply import Applied, _apply, read_source
from .headers import _key, _norm_header
from .transforms import _FIELD, _FILTERS, SKIP

# the entity kind of a name column -> the entity tables a name there may be linked to or create
ENTITY_KINDS = {
    "person": ("people",), "company": ("companies",), "organisation": ("organisations",),
    "organization": ("organisations",), "public_body": ("public_bodies",), "official": ("officials",),
    "unit": ("units",), "unknown": None,
}

_TOP_KEYS = {"kind", "name", "description", "columns", "formats", "values", "constants", "filter", "skip",
             "skip_if_empty", "entity_kinds", "ids", "split", "replace", "shift", "dayfirst", "currency",
             "distinct", "id_prefix", "decimal", "header_row"}


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


def load(path: str | Path) -> Profile:
    """Read a profile file (TOML); InputError naming the key when it is malformed."""
    p = Path(path)
    if not p.exists():
        raise InputError(t("profiles.err.no_file", path=str(p)))
    return Profile.from_text(p.read_text(encoding="utf-8"), str(p))
