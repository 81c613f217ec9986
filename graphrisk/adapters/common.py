"""Shared helpers of the adapters: mappings, cell values, canonical CSV writing, one entity space."""
from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

from .. import schema
from ..resolve.match import Index, Record, clean_name, cluster, preferred_name, resolve_settings
from ..resolve.normalize import normalize_identifier, normalize_name
from ..resolve.references import new_id

MAPPING_DIRS = [
    Path(__file__).resolve().parent / "mappings",  # package data: found by an installed wheel too
]
PROFILE_DIR = Path(__file__).resolve().parent / "profiles"  # the profiles profile-made adapters use


def load_mapping(name: str) -> dict:
    """The adapter mapping ``<name>.toml`` from graphrisk/adapters/mappings."""
    for d in MAPPING_DIRS:
        p = d / f"{name}.toml"
        if p.exists():
            return tomllib.loads(p.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no mapping '{name}.toml' in {', '.join(str(d) for d in MAPPING_DIRS)}")


def cell(row: dict, spec) -> str:
    """The value named by ``spec``: a column, or a list of columns (first non-empty). '' when empty."""
    if spec is None:
        return ""
    if isinstance(spec, list):
        for c in spec:
            v = cell(row, c)
            if v:
                return v
        return ""
    v = row.get(spec)
    if v is None:
        return ""
    v = str(v).strip()
    return "" if v.lower() in ("nan", "none", "null") else v


def is_true(text: str) -> bool:
    return str(text).strip().lower() in ("true", "yes", "y", "1", "是")


def read_csv_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def write_kind(out_dir: Path, kind: str, rows: list[dict], extra: list[str] = (), stem: str | None = None
               ) -> Path | None:
    """Write ``rows`` as ``<kind>.csv`` with the kind's spec columns (plus ``extra``); None if no rows."""
    if not rows:
        return None
    k = schema.KINDS[kind]
    cols = list(k.column_names) + [c for c in extra if c not in k.column_names]
    used = [c for c in cols if any(r.get(c) not in (None, "") for r in rows) or c in k.required]
    path = Path(out_dir) / f"{stem or kind}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=used, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in used})
    return path


class EntitySpace:
    """Names of one source, clustered once so every mention of one organisation gets one id.

    Add every organisation name (with its registry number where the source
    gives one); :meth:`resolve` clusters them with the matcher (numbers
    first; different numbers never together) and decides the id of each
    cluster: ``<number_prefix><number>`` when it holds a number, else the id
    :func:`graphrisk.resolve.references.new_id` would give its preferred
    spelling, so a name reference resolved at ingest meets the same id.
    """

    def __init__(self, number_prefix: str = "", settings: dict | None = None):
        self.number_prefix = number_prefix
        self.settings = settings
        self.mentions: Counter = Counter()  # (name, number, kind) -> count
        self.meta: dict[tuple, dict] = {}
        self.id_of: dict[tuple[str, str], str] = {}  # (name, number) -> entity id
        self.entities: dict[str, dict] = {}  # id -> entity row
        self.kind_of: dict[str, str] = {}

    def add(self, name: str, number: str = "", kind: str = "companies", **meta) -> None:
        name = clean_name(name)
        if not name:
            return
        key = (name, normalize_identifier(number), kind)
        self.mentions[key] += 1
        if meta:
            self.meta.setdefault(key, {}).update({k: v for k, v in meta.items() if v})

    def resolve(self) -> None:
        keys = list(self.mentions)
        recs = [Record(str(i), n, k, registration_no=num or None) for i, (n, num, k) in enumerate(keys)]
        res = cluster(recs, self.settings)
        # a mention without a number that matches clusters of two different numbers is ambiguous
        s = resolve_settings(self.settings)
        self.ambiguous: set[tuple[str, str]] = set()
        for d in res.refused:
            for x, y in ((d.a, d.b), (d.b, d.a)):
                n, num, _ = keys[int(x)]
                if not num and res.cluster_of[x] != res.cluster_of[y] and d.score >= s["link_score"]:
                    self.ambiguous.add((n, num))
        groups = defaultdict(list)
        for i, key in enumerate(keys):
            groups[res.cluster_of[str(i)]].append(key)
        for members in groups.values():
            numbers = sorted({num for _, num, _ in members if num})
            kinds = {k for _, _, k in members}
            kind = "companies" if "companies" in kinds else sorted(kinds)[0]
            names = [n for n, _, _ in members]
            counts = Counter()
            for m in members:
                counts[m[0]] += self.mentions[m]
            # the spelling used most, ties broken by the preferred-name rule
            top = max(counts.values())
            pref = preferred_name([n for n in names if counts[n] == top])
            if numbers:
                eid = self.number_prefix + numbers[0]
            else:
                eid = new_id(kind, normalize_name(pref))
            k = schema.KINDS[kind]
            row = {k.id_column: eid, k.name_column: pref}
            if kind == "companies" and numbers:
                row["registration_no"] = numbers[0]
            for m in members:
                for f, v in self.meta.get(m, {}).items():
                    row.setdefault(f, v)
            self.entities[eid] = row
            self.kind_of[eid] = kind
            for n, num, _ in members:
                if (n, num) in self.ambiguous:
                    continue
                self.id_of[(n, num)] = eid
                if (n, "") not in self.ambiguous:
                    self.id_of.setdefault((n, ""), eid)
        recs = [Record(eid, row[schema.KINDS[self.kind_of[eid]].name_column], self.kind_of[eid],
                       registration_no=row.get("registration_no")) for eid, row in self.entities.items()]
        self._index = Index(recs, self.settings)
        self._s = s

    def name_reaches(self, name: str) -> str | None:
        """The entity a name reference would be linked to at ingest against these rows (None: not linked)."""
        idx, s = self._index, self._s
        probe = Record("?", clean_name(name), "companies")
        cands = [(idx.records[i].id, d.score) for i, d in idx.query(probe)]
        strong = [c for c in cands if c[1] >= s["link_score"]]
        if not strong or (len(strong) > 1 and strong[0][1] - strong[1][1] < s["ambiguity_margin"]):
            return None
        return strong[0][0]

    def reference(self, name: str, number: str = "") -> tuple[str | None, str | None]:
        """(id, name) to write for a mention: the name when ingest's resolver reaches the same entity
        by it (or when the mention is ambiguous: ingest then reports it), else the id."""
        eid = self.id(name, number)
        if eid is None or self.name_reaches(name) == eid:
            return None, clean_name(name)
        return eid, None

    def id(self, name: str, number: str = "") -> str | None:
        return self.id_of.get((clean_name(name), normalize_identifier(number)))

    def rows(self, kind: str) -> list[dict]:
        return [r for eid, r in sorted(self.entities.items()) if self.kind_of[eid] == kind]


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def first_number(text: str) -> float | None:
    """The first number in a text: '220元/人份' → 220.0, '1,298.00' → 1298.0; None if there is none."""
    m = _NUMBER.search(str(text or ""))
    if not m:
        return None
    return float(m.group(0).replace(",", ""))
