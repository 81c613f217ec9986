"""Review and merge duplicate entities. A merge never deletes anything and can be undone.

Tables (created on first use, ``if_not_exists``):

- ``entity_merges``: the log. One row per merge: kind, keep_id, merged_id,
  score, reason, evidence (JSON), created_at, and undone_at / undo_reason
  once undone. Rows are never deleted.
- ``entity_aliases``: the current state, ``alias_id → canonical_id`` (with the
  merge id that made it). Unmerging removes the alias row; the log keeps it.

The entity rows themselves are untouched. :func:`canonical_map` gives the
graph builder ``{alias_id: canonical_id}`` (chains followed) so merged
entities fold into one node.
"""
from __future__ import annotations

import json

import sqlite_utils

from .. import schema
from ..errors import GraphRiskError, NotFound
from .aliases import ALIASES, MERGES, canonical_id, canonical_map, ensure_tables, now
from .index import _Clusters, candidate_pairs
from .identifiers import record_ids
from .records import Record, resolve_settings
from .scoring import score_pair, strong_id_check
from .stored import records_from_store

ENTITY_TABLES = ("officials", "people", "companies", "organisations", "public_bodies", "units")
KIND_WORDS = {
    "company": "companies", "companies": "companies", "person": "people", "people": "people",
    "official": "officials", "officials": "officials", "unit": "units", "units": "units",
    "organisation": "organisations", "organisations": "organisations", "organization": "organisations",
    "organizations": "organisations", "public_body": "public_bodies", "public_bodies": "public_bodies",
    "public-body": "public_bodies",
}


class MergeError(GraphRiskError):
    """Raised when a merge or unmerge is not allowed (different kinds, conflicting identifiers, ...)."""


def _entity(db, entity_id: str) -> tuple[str, dict]:
    for kind in ENTITY_TABLES:
        if kind not in db.table_names():
            continue
        pk = schema.KINDS[kind].id_column
        row = next(db.query(f"select * from [{kind}] where [{pk}] = ?", [entity_id]), None)
        if row is not None:
            return kind, row
    raise NotFound(f"no entity with id '{entity_id}' in the store")


def _record(kind: str, row: dict) -> Record:
    k = schema.KINDS[kind]
    return Record(row[k.id_column], row.get(k.name_column) or "", kind, id_number=row.get("id_number"),
                  registration_no=row.get("registration_no"), region=row.get("region"),
                  unit=row.get("unit_id"))


def _members(db, canonical: str, canon: dict[str, str]) -> list[str]:
    return [canonical] + [a for a, c in canon.items() if c == canonical]


def merge(db: sqlite_utils.Database, keep_id: str, merged_id: str, reason: str = "", *,
          score: float | None = None, evidence: dict | None = None, force: bool = False,
          settings: dict | None = None) -> int:
    """Fold ``merged_id`` into ``keep_id``; return the merge id. Nothing is deleted.

    Refused (MergeError) when the two are different kinds, already one entity,
    or when their clusters hold different strong identifiers (citizen id,
    registry number) — unless ``force``, which is then written in the log.
    """
    ensure_tables(db)
    canon = canonical_map(db)
    if merged_id in canon:
        raise MergeError(f"'{merged_id}' is already merged into '{canon[merged_id]}' (unmerge it first)")
    keep = canon.get(keep_id, keep_id)
    if keep == merged_id:
        raise MergeError(f"'{keep_id}' and '{merged_id}' are already one entity")
    kind_k, row_k = _entity(db, keep)
    kind_m, row_m = _entity(db, merged_id)
    if kind_k != kind_m:
        raise MergeError(f"cannot merge a {kind_m} entity ('{merged_id}') into a {kind_k} entity ('{keep}')")
    # identifiers across both clusters
    rows = {}
    for eid in _members(db, keep, canon) + _members(db, merged_id, canon):
        rows[eid] = _record(*_entity(db, eid))
    uf = _Clusters(list(rows.values()))
    ids = list(rows)
    ok = True
    for i in range(1, len(ids)):
        ok = uf.union(0, i) and ok
    conflict = None
    if not ok:
        by_scheme: dict[str, set[str]] = {}
        for r in rows.values():
            for sch, v in record_ids(r).items():
                by_scheme.setdefault(sch, set()).add(v)
        for sch, vals in sorted(by_scheme.items()):
            if len(vals) > 1:
                conflict = f"different {sch.replace('_', ' ')}s: {', '.join(sorted(vals))}"
                break
        if not force:
            raise MergeError(f"refused: '{keep}' and '{merged_id}' carry {conflict or 'different identifiers'}; "
                             "records with different identifiers are never merged (force to override)")
    d = score_pair(_record(kind_k, row_k), _record(kind_m, row_m), settings)
    ev = dict(evidence or {})
    ev.setdefault("names", [row_k.get(schema.KINDS[kind_k].name_column),
                            row_m.get(schema.KINDS[kind_m].name_column)])
    ev.setdefault("match", d.as_dict())
    if conflict:
        ev["forced_over"] = conflict
    why = reason or d.reason
    if conflict:
        why = f"{why} [FORCED over {conflict}]"
    with db.conn:
        mid = db[MERGES].insert({
            "kind": kind_k, "keep_id": keep, "merged_id": merged_id,
            "score": float(d.score if score is None else score), "reason": why,
            "evidence": json.dumps(ev, ensure_ascii=False, default=str), "created_at": now(),
            "undone_at": None, "undo_reason": None,
        }).last_pk
        db[ALIASES].insert({"alias_id": merged_id, "canonical_id": keep, "kind": kind_k, "merge_id": mid})
    return mid


def unmerge(db: sqlite_utils.Database, merged_id: str, reason: str = "") -> int:
    """Undo the merge that folded ``merged_id`` away; return that merge's id (its log row is kept)."""
    ensure_tables(db)
    row = next(db.query(f"select * from [{ALIASES}] where alias_id = ?", [merged_id]), None)
    if row is None:
        raise MergeError(f"'{merged_id}' is not merged into anything")
    with db.conn:
        db[MERGES].update(row["merge_id"], {"undone_at": now(), "undo_reason": reason or None})
        db.execute(f"delete from [{ALIASES}] where alias_id = ?", [merged_id])
    return row["merge_id"]


def merge_log(db: sqlite_utils.Database, include_undone: bool = True) -> list[dict]:
    """Every merge, newest first."""
    ensure_tables(db)
    where = "" if include_undone else "where undone_at is null"
    return list(db.query(f"select * from [{MERGES}] {where} order by id desc"))


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return ENTITY_TABLES
    k = KIND_WORDS.get(kind.lower())
    if k is None:
        raise MergeError(f"unknown entity kind '{kind}' (company, organisation, public_body, person, official, unit)")
    return (k,)


def duplicates(db: sqlite_utils.Database, kind: str | None = None, min_score: float | None = None,
               settings: dict | None = None, limit: int | None = None) -> list[dict]:
    """Candidate duplicate pairs among canonical entities, best first, each with its evidence.

    Pairs carrying different identifiers are never listed. ``kind`` is
    company / person / official / unit (singular or plural).
    """
    s = resolve_settings(settings)
    floor = s["review_score"] if min_score is None else min_score
    out: list[dict] = []
    for k in _kinds(kind):
        recs = records_from_store(db, (k,), with_neighbours=True)
        by_id = {r.id: r for r in recs}
        for d in candidate_pairs(recs, s, min_score=floor):
            a, b = by_id[d.a], by_id[d.b]
            out.append({
                "kind": k, "a_id": a.id, "a_name": a.name, "b_id": b.id, "b_name": b.name,
                "score": round(d.score, 4), "reason": d.reason,
                "auto": d.score >= s["link_score"], "evidence": d.evidence,
            })
    out.sort(key=lambda r: (-r["score"], r["kind"], r["a_id"], r["b_id"]))
    return out[:limit] if limit else out


def auto_merge(db: sqlite_utils.Database, kind: str | None = None, min_score: float | None = None,
               settings: dict | None = None) -> list[int]:
    """Merge every candidate pair at or above ``min_score`` (default link_score); return the merge ids.

    The record listed first (the lower id) is kept; pairs whose identifiers
    conflict at the time of merging are skipped.
    """
    s = resolve_settings(settings)
    floor = s["link_score"] if min_score is None else min_score
    ids = []
    for pair in duplicates(db, kind, floor, s):
        canon = canonical_map(db)
        a, b = canon.get(pair["a_id"], pair["a_id"]), canon.get(pair["b_id"], pair["b_id"])
        if a == b:
            continue
        keep, gone = sorted((a, b))
        try:
            ids.append(merge(db, keep, gone, f"automatic: {pair['reason']}", score=pair["score"],
                             evidence=pair["evidence"], settings=s))
        except MergeError:
            continue
    return ids


__all__ = ["ensure_tables", "canonical_map", "canonical_id", "merge", "unmerge", "merge_log", "duplicates",
           "auto_merge", "MergeError", "strong_id_check"]
