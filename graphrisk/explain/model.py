"""The case file as data: :class:`CaseRecord` (one stored record with its provenance) and :class:`CaseFile`
(one official's whole case), with ``to_dict()`` giving the JSON shape of ``graphrisk explain --format json``
(add keys, never rename)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FORMAT_VERSION = 1


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

