"""What the analyses hand to the outputs: conflict paths, rule findings, flagged officials.

Plain dataclasses with ``to_dict`` giving the JSON shapes the CLI documents
(scripts rely on these keys: add, never rename).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

LEVELS = ("green", "yellow", "orange", "red")  # in rising order
LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}


@dataclass
class PathEdge:
    """One record on a path: an edge of the graph, named by its kind and record id."""

    kind: str
    record_id: str
    source: str  # node the edge leaves
    target: str  # node the edge enters
    date: str | None = None
    amount: float | None = None
    currency: str | None = None
    source_file: str | None = None
    row: int | None = None
    detail: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict) -> "PathEdge":
        core = {"kind", "record_id", "from", "to", "date", "amount", "currency", "source_file", "row"}
        return cls(kind=d["kind"], record_id=d["record_id"], source=d["from"], target=d["to"], date=d.get("date"),
                   amount=d.get("amount"), currency=d.get("currency"), source_file=d.get("source_file"),
                   row=d.get("row"), detail={k: v for k, v in d.items() if k not in core})

    def to_dict(self) -> dict:
        return {"kind": self.kind, "record_id": self.record_id, "from": self.source, "to": self.target,
                "date": self.date, "amount": self.amount, "currency": self.currency,
                "source_file": self.source_file, "row": self.row, **self.detail}


@dataclass
class ConflictPath:
    """An official's decision power over a supplier, and the private chain that reaches that supplier.

    ``nodes`` run from the official to the company along the private chain;
    ``edges`` are the private edges in that order followed by the decision
    edge (the contract). ``gap_days`` is days from the benefit to the award
    (positive: the benefit came first); None when the chain has no dated benefit.
    """

    official_id: str
    company_id: str
    unit_id: str | None
    score: float
    nodes: list[str]
    edges: list[PathEdge]
    gap_days: int | None
    explanation: str
    hops: int
    approved_personally: bool
    latest_date: str | None
    path_id: str = ""
    explanations: dict = field(default_factory=dict)  # {"en": ..., "zh": ...}; explanation is the English one

    def __post_init__(self):
        if not self.path_id:
            self.path_id = path_id(self.official_id, self.company_id, [e.record_id for e in self.edges])

    @property
    def decision(self) -> PathEdge:
        return self.edges[-1]

    @property
    def private_edges(self) -> list[PathEdge]:
        return self.edges[:-1]

    def record_ids(self) -> list[str]:
        return [e.record_id for e in self.edges]

    def to_dict(self) -> dict:
        return {"path_id": self.path_id, "official_id": self.official_id, "company_id": self.company_id,
                "unit_id": self.unit_id, "score": round(self.score, 2), "nodes": list(self.nodes),
                "edges": [e.to_dict() for e in self.edges], "gap_days": self.gap_days,
                "hops": self.hops, "approved_personally": self.approved_personally,
                "latest_date": self.latest_date, "explanation": self.explanation,
                "explanations": dict(self.explanations) or {"en": self.explanation}}

    def text(self, lang: str = "en") -> str:
        """The explanation in ``lang`` (English when no translation was made)."""
        return self.explanations.get(lang) or self.explanation

    @classmethod
    def from_dict(cls, d: dict) -> "ConflictPath":
        """The path from its JSON shape (:meth:`to_dict`), as stored with a run."""
        edges = [PathEdge.from_dict(e) for e in d["edges"]]
        return cls(official_id=d["official_id"], company_id=d["company_id"], unit_id=d.get("unit_id"),
                   score=d["score"], nodes=list(d["nodes"]), edges=edges, gap_days=d.get("gap_days"),
                   explanation=d.get("explanation") or "", hops=d.get("hops") or len(edges) - 1,
                   approved_personally=bool(d.get("approved_personally")), latest_date=d.get("latest_date"),
                   path_id=d.get("path_id") or "", explanations=dict(d.get("explanations") or {}))


def path_id(official_id: str, company_id: str, record_ids: list[str]) -> str:
    """Stable id of a path: the same records give the same id in every run."""
    key = "|".join([official_id, company_id, *record_ids])
    return "P-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class Reason:
    """One rule finding for one official, with the records behind it."""

    rule: str
    score: float  # 0-100 severity of this finding
    summary: str
    evidence: list[str]  # record ids
    path: list[str] | None = None  # node ids when the finding is a path
    path_id: str | None = None
    company_id: str | None = None
    latest_date: str | None = None
    summaries: dict = field(default_factory=dict)  # {"en": ..., "zh": ...}; summary is the English one
    metadata: dict = field(default_factory=dict)  # thresholds used and where they came from, etc.

    def to_dict(self) -> dict:
        return {"rule": self.rule, "score": round(self.score, 2), "summary": self.summary,
                "evidence": list(self.evidence), "path": list(self.path) if self.path else None,
                "path_id": self.path_id, "company_id": self.company_id, "latest_date": self.latest_date,
                "summaries": dict(self.summaries) or {"en": self.summary}, "metadata": dict(self.metadata)}

    def text(self, lang: str = "en") -> str:
        """The summary in ``lang`` (English when no translation was made)."""
        return self.summaries.get(lang) or self.summary


@dataclass
class OfficialFlag:
    official_id: str
    name: str
    unit_id: str | None
    unit: str | None
    score: float
    level: str
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"official_id": self.official_id, "name": self.name, "unit_id": self.unit_id,
                "unit": self.unit, "score": round(self.score, 2), "level": self.level,
                "reasons": [r.to_dict() for r in self.reasons]}
