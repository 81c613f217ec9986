"""Resolve ``*_name`` references at ingest: link a name to an existing entity, or create one.

Ingest calls :func:`resolve_references` once per name column of a batch with
the distinct names. Each name gets a :class:`Resolution` that says what was
done and why:

- ``linked``: one entity matches (same normalised name, or the matcher in
  :mod:`graphrisk.resolve.match` scores it at or above ``link_score`` and
  no other candidate comes within ``ambiguity_margin``). Merged entities are
  followed to their canonical id.
- ``ambiguous``: two or more plausible entities (a homonym; two companies
  one typo apart); left unlinked for review, never guessed.
- ``created``: nothing matches; ``new_row`` is the entity row ingest inserts
  in the same batch. Variants of one name inside the batch (长春长生生物科技
  有限责任公司 / 股份有限公司) create one entity: the others are ``linked``
  to it with the reason saying so.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import re
from dataclasses import dataclass

import sqlite_utils

from .. import schema
from .index import Index, cluster
from .normalize import normalize_name
from .records import (
    Decision,
    Record,
    family,
    gc_paused,
    preferred_name,
    resolve_settings,
)
from .stored import records_from_store

LINKED, CREATED, AMBIGUOUS = "linked", "created", "ambiguous"

_COMPANY_HINT = re.compile(
    r"(公司|集团|有限|企业|厂|研究所|研究院|中心|事务所|协会|学会|基金会|银行|医院|大学|学院|学校|委员会|"
    r"政府|大使馆|领事馆|工会|商会|俱乐部|"
    r"\b(ltd|limited|plc|inc|llc|llp|lp|corp|corporation|co|gmbh|group|company|cic|trust|foundation|"
    r"association|society|union|club|council|institute|institution|university|college|school|"
    r"embassy|government|ministry|department|agency|authority|party|partnership|federation|"
    r"chamber|bank|fund|forum|network|centre|center|festival|league|board|academy|charity|"
    r"committee|commission|alliance|coalition|initiative|project|media|holdings|partners|"
    r"s\.?a|ag|nv|bv|pty|pvt)\b\.?)",
    re.IGNORECASE)


@dataclass
class Resolution:
    name: str  # the text as given
    entity_id: str | None
    kind: str | None  # table of the entity (people, companies, ...)
    action: str  # linked | created | ambiguous
    score: float
    reason: str
    new_row: dict | None = None  # for created: the entity row ingest inserts in the same batch


def guess_kind(name: str, kinds: tuple[str, ...]) -> str:
    """Which kind a new entity named ``name`` should be, among ``kinds``."""
    if "companies" in kinds and _COMPANY_HINT.search(name or ""):
        return "companies"
    if "companies" in kinds and re.search(r"\d", name or "") and "people" in kinds:
        return "companies"  # people's names carry no digits: '89up', 'Channel 4'
    for k in ("people", "companies", "officials", "units"):
        if k in kinds:
            return k
    return kinds[0]


def new_id(kind: str, norm: str) -> str:
    """A stable id for an entity created from a name: same name, same id, in every store."""
    prefix = {"people": "PN", "companies": "CN", "officials": "ON", "units": "UN"}[kind]
    return f"{prefix}-{hashlib.sha1(norm.encode('utf-8')).hexdigest()[:10]}"


# one index per (connection, data version, merges, kinds): a batch with several name columns builds it once
_INDEX_CACHE: dict[tuple, tuple[Index, list[Record]]] = {}


def _store_index(db: sqlite_utils.Database, kinds: tuple[str, ...], s: dict) -> Index:
    from ..store import data_version
    from .merge import ALIASES

    nmerges = db[ALIASES].count if ALIASES in db.table_names() else 0
    counts = tuple(db[k].count if k in db.table_names() else 0 for k in kinds)
    key = (id(db.conn), data_version(db), nmerges, kinds, counts, tuple(sorted(s.items())))
    hit = _INDEX_CACHE.get(key)
    if hit is None:
        _INDEX_CACHE.clear()
        recs = records_from_store(db, kinds)
        hit = _INDEX_CACHE[key] = (Index(recs, s), recs)
    return hit[0]


def _describe(cands) -> str:
    return "; ".join(f"{r.id} '{r.name}' ({d.score:.2f}: {d.reason})" for r, d in cands[:5])


def _search(idx: Index, name: str, kinds: tuple[str, ...], fams: tuple[str, ...]) -> list[tuple[int, float, str]]:
    """Scored candidates of one name: (record index, score, reason), one per entity."""
    guess = guess_kind(name, kinds)
    probe = Record("?", name, guess)
    norm = normalize_name(name)
    # a name that reads as a company is not compared with people's names
    q_fams = ("company",) if guess in ("companies", "units") and "company" in fams else fams
    out, seen = [], set()
    for i, d in idx.query(probe, q_fams, kinds, reference=True):
        r = idx.records[i]
        if r.id in seen:
            continue
        seen.add(r.id)
        score, reason = d.score, d.reason
        if family(r.kind) != family(guess) and normalize_name(r.name) != norm:
            # 'John Smith' (a person) against 'John Smith Ltd' (a company): review, not link
            score *= 0.9
            reason += f"; recorded as {r.kind}, the name reads as {guess}"
        out.append((i, score, reason))
    return out


_POOL_STATE: dict = {}


def _search_chunk(names: list[str]) -> list[list[tuple[int, float, str]]]:
    st = _POOL_STATE
    return [_search(st["idx"], n, st["kinds"], st["fams"]) for n in names]


def _search_all(idx: Index, names: list[str], kinds, fams, s: dict) -> dict[str, list]:
    """Candidates of every name; large batches are split over ``workers`` forked processes."""
    workers = int(s.get("workers", 1))
    if workers > 1 and len(names) >= s.get("parallel_min_names", 20_000) and "fork" in mp.get_all_start_methods():
        _POOL_STATE.update(idx=idx, kinds=kinds, fams=fams)
        try:
            size = max(1000, len(names) // (workers * 8))
            chunks = [names[i:i + size] for i in range(0, len(names), size)]
            with mp.get_context("fork").Pool(workers) as pool:
                results = pool.map(_search_chunk, chunks)
            return {n: r for chunk, res in zip(chunks, results) for n, r in zip(chunk, res)}
        finally:
            _POOL_STATE.clear()
    return {n: _search(idx, n, kinds, fams) for n in names}


def resolve_references(db: sqlite_utils.Database, names: list[str], kinds: tuple[str, ...],
                       settings: dict | None = None) -> dict[str, Resolution]:
    """Resolve each distinct name to an entity of one of ``kinds``; return {name: Resolution}."""
    with gc_paused():
        return _resolve(db, names, kinds, settings)


def _resolve(db: sqlite_utils.Database, names: list[str], kinds: tuple[str, ...],
             settings: dict | None) -> dict[str, Resolution]:
    s = resolve_settings(settings)
    kinds = tuple(kinds)
    idx = _store_index(db, kinds, s)
    fams = tuple(dict.fromkeys(family(k) for k in kinds))
    out: dict[str, Resolution] = {}
    pending: list[str] = []
    todo: list[str] = []
    for name in dict.fromkeys(names):
        if name is None or not str(name).strip():
            continue
        norm = normalize_name(name)
        # fast path: the same normalised name as stored entities (ingest's name_norm)
        exact = {}
        for i in idx.by_norm.get(norm, ()):
            r = idx.records[i]
            if r.kind in kinds:
                exact.setdefault(r.id, r)
        if len(exact) == 1:
            r = next(iter(exact.values()))
            out[name] = Resolution(name, r.id, r.kind, LINKED, 1.0, "exact normalised name")
        elif len(exact) > 1:
            out[name] = Resolution(name, None, None, AMBIGUOUS, 1.0,
                                   f"{len(exact)} entities share this name: "
                                   + ", ".join(f"{r.id} '{r.name}' ({r.kind})" for r in list(exact.values())[:5]))
        else:
            todo.append(name)
    found = _search_all(idx, todo, kinds, fams, s)
    for name in todo:
        guess = guess_kind(name, kinds)
        cands = []
        for i, score, reason in found[name]:
            r = idx.records[i]
            cands.append((r, Decision("?", r.id, score, reason)))
        cands.sort(key=lambda t: (-t[1].score, t[0].id))
        strong = [c for c in cands if c[1].score >= s["link_score"]]
        if strong:
            top = strong[0]
            rivals = [c for c in strong[1:] if top[1].score - c[1].score < s["ambiguity_margin"]]
            if rivals:
                out[name] = Resolution(name, None, None, AMBIGUOUS, top[1].score,
                                       f"{1 + len(rivals)} entities match equally well: "
                                       + _describe([top] + rivals))
            else:
                why = top[1].reason
                if len(strong) > 1:
                    why += f" (next best {strong[1][0].id} at {strong[1][1].score:.2f})"
                out[name] = Resolution(name, top[0].id, top[0].kind, LINKED, top[1].score, why)
            continue
        plausible = [c for c in cands if c[1].score >= s["review_score"]]
        if len(plausible) >= 2:
            out[name] = Resolution(name, None, None, AMBIGUOUS, plausible[0][1].score,
                                   f"{len(plausible)} plausible entities, none certain: " + _describe(plausible))
            continue
        if guess == "officials" or ("officials" in kinds and len(kinds) == 1):
            out[name] = Resolution(name, None, None, AMBIGUOUS, plausible[0][1].score if plausible else 0.0,
                                   "no official with this name (an official is never created from a name)"
                                   + (f"; closest: {_describe(plausible)}" if plausible else ""))
            continue
        pending.append(name)
        if plausible:
            out[name] = Resolution(name, None, None, CREATED, plausible[0][1].score,
                                   f"possible duplicate of {_describe(plausible)}: below link score")
    # names to create: variants inside the batch make one entity
    if pending:
        recs = [Record(f"q{i}", n, guess_kind(n, kinds)) for i, n in enumerate(pending)]
        res = cluster(recs, s)
        by_id = {r.id: r for r in recs}
        why_of = {}
        for d in res.decisions:
            why_of.setdefault(d.b, (d.score, d.reason))
            why_of.setdefault(d.a, (d.score, d.reason))
        for members in res.groups().values():
            names_in = [by_id[m].name for m in members]
            rep = preferred_name(names_in)
            kinds_in = [by_id[m].kind for m in members]
            kind = "companies" if "companies" in kinds_in else kinds_in[0]
            k = schema.KINDS[kind]
            eid = new_id(kind, normalize_name(rep))
            note = out.get(rep).reason if rep in out else ""
            out[rep] = Resolution(rep, eid, kind, CREATED, 0.0,
                                  "no entity with this name" + (f"; {note}" if note else "")
                                  + (f"; {len(members) - 1} variant(s) in this batch folded in"
                                     if len(members) > 1 else ""),
                                  {k.id_column: eid, k.name_column: rep.strip()})
            for m in members:
                n = by_id[m].name
                if n == rep:
                    continue
                sc, why = why_of.get(m, (s["link_score"], "variant"))
                out[n] = Resolution(n, eid, kind, LINKED, sc,
                                    f"variant of '{rep}', created in this batch ({why})")
    return out
