"""Conflict paths back from their JSON dicts (stored runs hold ``ConflictPath.to_dict()``)."""
from __future__ import annotations

from ..findings import ConflictPath, PathEdge

_EDGE_FIELDS = {"kind", "record_id", "from", "to", "date", "amount", "currency", "source_file", "row"}


def path_from_dict(d: dict) -> ConflictPath:
    edges = [PathEdge(kind=e["kind"], record_id=e["record_id"], source=e["from"], target=e["to"], date=e.get("date"),
                      amount=e.get("amount"), currency=e.get("currency"), source_file=e.get("source_file"),
                      row=e.get("row"), detail={k: v for k, v in e.items() if k not in _EDGE_FIELDS})
             for e in d["edges"]]
    return ConflictPath(official_id=d["official_id"], company_id=d["company_id"], unit_id=d.get("unit_id"),
                        score=d["score"], nodes=list(d["nodes"]), edges=edges, gap_days=d.get("gap_days"),
                        explanation=d.get("explanation", ""), hops=d.get("hops", len(edges) - 1),
                        approved_personally=bool(d.get("approved_personally")), latest_date=d.get("latest_date"),
                        path_id=d["path_id"])
