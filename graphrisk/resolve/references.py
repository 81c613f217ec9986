"""Resolve ``*_name`` references at ingest: link a name to an existing entity, or create one.

Ingest calls :func:`resolve_references` once per name column of a batch with
the distinct names. Each name gets a :class:`Resolution` that says what was
done and why:

- ``linked``: one entity matches (same normalised name, or the matcher in
  :mod:`graphrisk.resolve.match` scores it at or above ``link_score`` and
  no other candidate comes within ``ambiguity_margin``). Merged entities are
  followed to their canonical id.
- ``ambiguous``: two or more plausible entities (a homonym; two companies
  one typo apart), or an official's name that matches none; never guessed:
  the reference points to an unresolved node (``entity_id`` = ``UNR-...``,
  ``kind`` = ``unresolved``, ``new_row`` its row with the candidates and their
  scores, see :mod:`graphrisk.resolve.unresolved`).
- a name linked by hand (``graphrisk entities link``) resolves to its entity
  while the link is in force.
- ``created``: nothing matches; ``new_row`` is the entity row ingest inserts
  in the same batch. Variants of one name inside the batch (长春长生生物科技
  有限责任公司 / 股份有限公司) create one entity: the others are ``linked``
  to it with the reason saying so.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
from dataclasses import dataclass

import sqlite_utils

from .. import schema
from . import kinds as _kinds
from . import unresolved as _unresolved
from .identifiers import embedded, strip_embedded
from .aliases import canonical_map
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

@dataclass
class Resolution:
    name: str  # the text as given
    entity_id: str | None
    kind: str | None  # table of the entity (people, companies, ...)
    action: str  # linked | created | ambiguous
    score: float
    reason: str
    new_row: dict | None = None  # created: the entity row; ambiguous: the unresolved row (same batch)
    candidates: list[dict] | None = None  # ambiguous: [{id, kind, name, score, reason}], best first


def guess_kind(name: str, kinds: tuple[str, ...]) -> str:
    """Which kind a new entity named ``name`` should be, among ``kinds`` (see :mod:`.kinds`)."""
    return _kinds.guess_kind(name, kinds)


_PREFIX = {"people": "PN", "companies": "CN", "officials": "ON", "units": "UN", "organisations": "GN",
           "public_bodies": "BN"}


def new_id(kind: str, norm: str) -> str:
    """A stable id for an entity created from a name: same name, same id, in every store."""
    return f"{_PREFIX[kind]}-{hashlib.sha1(norm.encode('utf-8')).hexdigest()[:10]}"


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
        # every spelling counts: a merged-away entity's name is matched too, as its canonical entity
        canon = canonical_map(db)
        recs = records_from_store(db, kinds, canonical_only=False)
        for r in recs:
            r.id = canon.get(r.id, r.id)
        hit = _INDEX_CACHE[key] = (Index(recs, s), recs)
    return hit[0]


def _describe(cands) -> str:
    return "; ".join(f"{r.id} '{r.name}' ({d.score:.2f}: {d.reason})" for r, d in cands[:5])


def _search(idx: Index, name: str, kinds: tuple[str, ...], fams: tuple[str, ...]) -> list[tuple[int, float, str]]:
    """Scored candidates of one name: (record index, score, reason), one per entity.

    A name whose kind is clear is compared with entities of that kind's family (a person with
    people and officials; a company, organisation or public body with all three); a name of
    unknown kind with every allowed kind alike.
    """
    qk = _kinds.query_kinds(name, kinds)
    cls, _ = _kinds.classify(name)
    guess = guess_kind(name, kinds)
    ids = embedded(name)
    probe = Record("?", name, guess, registration_no=ids[0][1] if ids else None)
    norm = normalize_name(name)
    q_fams = tuple(dict.fromkeys(family(k) for k in qk))
    out, seen = [], set()
    for i, d in idx.query(probe, q_fams, qk, reference=True):
        r = idx.records[i]
        if r.id in seen:
            continue
        seen.add(r.id)
        score, reason = d.score, d.reason
        if cls is not None and family(r.kind) != family(guess) and normalize_name(r.name) != norm:
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


def _candidates(cands) -> list[dict]:
    return [{"id": r.id, "kind": r.kind, "name": r.name, "score": round(d.score, 4), "reason": d.reason}
            for r, d in cands[:10]]


def _ambiguous(name: str, kinds, score: float, reason: str, cands) -> Resolution:
    """An unresolved node for ``name``: never NULL, never a guess."""
    lst = _candidates(cands)
    row = _unresolved.new_row(name, kinds, lst, reason)
    return Resolution(name, row["unresolved_id"], _unresolved.TABLE, AMBIGUOUS, score, reason, row, lst)


def _resolve(db: sqlite_utils.Database, names: list[str], kinds: tuple[str, ...],
             settings: dict | None) -> dict[str, Resolution]:
    s = resolve_settings(settings)
    kinds = tuple(kinds)
    idx = _store_index(db, kinds, s)
    fams = tuple(dict.fromkeys(family(k) for k in kinds))
    links = _unresolved.active_links(db)
    out: dict[str, Resolution] = {}
    pending: list[str] = []
    todo: list[str] = []
    for name in dict.fromkeys(names):
        if name is None or not str(name).strip():
            continue
        norm = normalize_name(name)
        hand = links.get(norm)
        if hand and hand[1] in kinds:
            out[name] = Resolution(name, hand[0], hand[1], LINKED, 1.0, f"linked by hand (link {hand[2]})")
            continue
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
            cands = [(r, Decision("?", r.id, 1.0, "same normalised name")) for r in list(exact.values())]
            out[name] = _ambiguous(name, kinds, 1.0, f"{len(exact)} entities share this name: "
                                   + ", ".join(f"{r.id} '{r.name}' ({r.kind})" for r in list(exact.values())[:5]),
                                   cands)
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
                out[name] = _ambiguous(name, kinds, top[1].score, f"{1 + len(rivals)} entities match equally well: "
                                       + _describe([top] + rivals), cands)
            else:
                why = top[1].reason
                if len(strong) > 1:
                    why += f" (next best {strong[1][0].id} at {strong[1][1].score:.2f})"
                out[name] = Resolution(name, top[0].id, top[0].kind, LINKED, top[1].score, why)
            continue
        plausible = [c for c in cands if c[1].score >= s["review_score"]]
        if len(plausible) >= 2:
            out[name] = _ambiguous(name, kinds, plausible[0][1].score,
                                   f"{len(plausible)} plausible entities, none certain: " + _describe(plausible), cands)
            continue
        if guess == "officials" or ("officials" in kinds and len(kinds) == 1):
            out[name] = _ambiguous(name, kinds, plausible[0][1].score if plausible else 0.0,
                                   "no official with this name (an official is never created from a name)"
                                   + (f"; closest: {_describe(plausible)}" if plausible else ""), cands)
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
            kind = _group_kind([by_id[m] for m in members], rep, kinds)
            k = schema.KINDS[kind]
            clean = strip_embedded(rep).strip()
            eid = new_id(kind, normalize_name(clean if clean != rep.strip() else rep))
            note = out.get(rep).reason if rep in out else ""
            row = {k.id_column: eid, k.name_column: clean}
            number = next((num for n in names_in for _, num in embedded(n)), None)
            if number and "registration_no" in k.column_names:
                row["registration_no"] = number
            out[rep] = Resolution(rep, eid, kind, CREATED, 0.0,
                                  "no entity with this name" + (f"; {note}" if note else "")
                                  + (f"; {len(members) - 1} variant(s) in this batch folded in"
                                     if len(members) > 1 else ""), row)
            for m in members:
                n = by_id[m].name
                if n == rep:
                    continue
                sc, why = why_of.get(m, (s["link_score"], "variant"))
                out[n] = Resolution(n, eid, kind, LINKED, sc,
                                    f"variant of '{rep}', created in this batch ({why})")
    return out


def _group_kind(members: list[Record], rep: str, kinds: tuple[str, ...]) -> str:
    """The kind of an entity created from a group of spellings: the clearest evidence among them."""
    clear = [_kinds.classify(r.name)[0] for r in members]
    for k in (_kinds.COMPANIES, _kinds.PUBLIC_BODIES, _kinds.ORGANISATIONS, _kinds.PEOPLE):
        if k in clear and k in kinds:
            return k
    return guess_kind(rep, kinds)
