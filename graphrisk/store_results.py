"""The analyses' result tables (``flags``, ``findings``, ``paths``, ``centrality``, ``communities``): the
store's migrations 005, 006 and 007 (:data:`graphrisk.store.MIGRATIONS`), kept here to keep ``store.py`` short."""
from __future__ import annotations

import sqlite_utils


def m005_results(db: sqlite_utils.Database) -> None:
    """Result tables of the analyses (each row belongs to a run in ``runs``)."""
    db["flags"].create({"run_id": int, "official_id": str, "name": str, "unit_id": str, "unit": str,
                        "score": float, "level": str, "reasons": str}, pk=("run_id", "official_id"),
                       if_not_exists=True)
    db["findings"].create({"run_id": int, "official_id": str, "rule": str, "score": float, "summary": str,
                           "evidence": str, "path": str, "path_id": str, "company_id": str,
                           "latest_date": str}, if_not_exists=True)
    db["findings"].create_index(["run_id", "official_id"], if_not_exists=True)
    db["paths"].create({"run_id": int, "path_id": str, "official_id": str, "company_id": str, "score": float,
                        "gap_days": int, "hops": int, "approved_personally": int, "latest_date": str,
                        "explanation": str, "data": str}, pk=("run_id", "path_id"), if_not_exists=True)
    db["paths"].create_index(["official_id"], if_not_exists=True)
    db["centrality"].create({"run_id": int, "node_id": str, "measure": str, "value": float, "rank": int},
                            if_not_exists=True)
    db["centrality"].create_index(["run_id", "measure"], if_not_exists=True)
    db["centrality"].create_index(["node_id"], if_not_exists=True)
    db["communities"].create({"run_id": int, "node_id": str, "community": int}, if_not_exists=True)
    db["communities"].create_index(["run_id", "community"], if_not_exists=True)
    db["communities"].create_index(["node_id"], if_not_exists=True)
    db["runs"].create_index(["kind", "data_version"], if_not_exists=True)


def m006_centrality_index(db: sqlite_utils.Database) -> None:
    """One index on centrality ``(run_id, measure, node_id)`` instead of ``(run_id, measure)`` and ``(node_id)``.

    A run's rows land in a key range of their own, so its writers no longer update an index spread over every
    earlier run (scale 50: 7.7 million rows stored in about 17 s of SQLite time instead of 31 s). Reading a
    run's measure, and one node in it, still uses the index; no query of graphrisk looks a node up across runs.
    """
    db.conn.execute("DROP INDEX IF EXISTS idx_centrality_node_id")
    db.conn.execute("DROP INDEX IF EXISTS idx_centrality_run_id_measure")
    db["centrality"].create_index(["run_id", "measure", "node_id"], if_not_exists=True)


def m007_communities_index(db: sqlite_utils.Database) -> None:
    """Communities' ``(node_id)`` index becomes ``(run_id, node_id)``; ``(run_id, community)`` stays.

    A run's rows then land in a key range of their own in both indexes: storing the 724,089 rows of a scale-50
    run after one earlier run took 3.96-4.28 s with the index on ``node_id`` over every run, and 2.92-3.04 s
    with this one.
    graphrisk reads a run's rows (``run_id = ?``); one node of a run is still an index look-up.
    """
    db.conn.execute("DROP INDEX IF EXISTS idx_communities_node_id")
    if "communities" in db.table_names():
        db["communities"].create_index(["run_id", "node_id"], if_not_exists=True)
