"""Resolve ``*_name`` references at ingest: link a name to an existing entity, or create one.

Ingest calls :func:`resolve_references` once per batch with the distinct
names of a column. Each name gets a :class:`Resolution` that says what was
done and why; ambiguous names are left unlinked for review, never guessed.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import sqlite_utils

from .. import schema
from .normalize import normalize_name

LINKED, CREATED, AMBIGUOUS = "linked", "created", "ambiguous"

_COMPANY_HINT = re.compile(
    r"(公司|集团|有限|企业|厂|研究所|中心|事务所|\b(ltd|limited|plc|inc|llc|llp|corp|co|gmbh|group|company)\b\.?)",
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
    if "companies" in kinds and _COMPANY_HINT.search(name):
        return "companies"
    for k in ("people", "companies", "officials", "units"):
        if k in kinds:
            return k
    return kinds[0]


def new_id(kind: str, norm: str) -> str:
    """A stable id for an entity created from a name: same name, same id, in every store."""
    prefix = {"people": "PN", "companies": "CN", "officials": "ON", "units": "UN"}[kind]
    return f"{prefix}-{hashlib.sha1(norm.encode('utf-8')).hexdigest()[:10]}"


def resolve_references(db: sqlite_utils.Database, names: list[str], kinds: tuple[str, ...],
                       settings: dict | None = None) -> dict[str, Resolution]:
    """Resolve each distinct name to an entity of one of ``kinds``; return {name: Resolution}."""
    out: dict[str, Resolution] = {}
    for name in names:
        norm = normalize_name(name)
        hits = []
        for kind in kinds:
            k = schema.KINDS[kind]
            for row in db.query(
                    f"select [{k.id_column}] id from [{kind}] where [{k.name_column}_norm] = ?", [norm]):
                hits.append((kind, row["id"]))
        if len(hits) == 1:
            out[name] = Resolution(name, hits[0][1], hits[0][0], LINKED, 1.0, "exact normalised name")
        elif len(hits) > 1:
            out[name] = Resolution(name, None, None, AMBIGUOUS, 1.0,
                                   f"{len(hits)} entities share this name: "
                                   + ", ".join(i for _, i in hits[:5]))
        else:
            kind = guess_kind(name, kinds)
            eid = new_id(kind, norm)
            k = schema.KINDS[kind]
            row = {k.id_column: eid, k.name_column: name}
            if kind == "officials":
                row = None  # an official needs a unit: never created from a bare name
                out[name] = Resolution(name, None, None, AMBIGUOUS, 0.0, "no official with this name")
                continue
            out[name] = Resolution(name, eid, kind, CREATED, 0.0, "no entity with this name", row)
    return out
