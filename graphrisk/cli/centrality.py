"""``graphrisk centrality`` and ``graphrisk communities``: measures and clusters of the graph, stored per run."""
from __future__ import annotations

import csv
import io
import json
import time

import click
from rich.markup import escape
from rich.table import Table

from .. import safeio
from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, echo_json, err_console, handle_errors, window_options
from ..i18n import catalogue, fmt_date, node_label, t

MEASURE_CHOICES = ["degree", "weighted_degree", "pagerank", "betweenness", "eigenvector", "closeness",
                   "brokerage", "all"]
KIND_CHOICES = ["official", "person", "company", "unit"]
ROW_KEYS = ("measure", "rank", "node_id", "name", "kind", "unit_id", "unit", "value")


def _describe(G, node) -> dict:
    d = G.nodes[node] if node in G else {}
    unit_id = d.get("unit_id") if d.get("kind") == "official" else None
    unit = G.nodes[unit_id].get("name") if unit_id in G else None
    return {"node_id": node, "name": d.get("name"), "kind": d.get("kind"), "unit_id": unit_id, "unit": unit}


def _measure(m: str) -> str:
    key = f"cmd.centrality.measure.{m}"
    return t(key) if key in catalogue() else m


def _note(measure: str, info: dict, fallback: str) -> str:
    """A sampling note in plain words (how many starting nodes, how close the estimate came to exact)."""
    from ..narrate import sampling_note

    return sampling_note(measure, info, fallback)


def _fmt(value: float, measure: str) -> str:
    if measure in ("degree", "brokerage"):
        return f"{value:,.0f}"
    if measure == "weighted_degree":
        return f"{value:,.2f}"
    return f"{value:.6g}"


@cli.command("centrality")
@click.option("--measure", type=click.Choice(MEASURE_CHOICES), default="all", show_default=True,
              help="Which measure (all: every one).")
@click.option("--kind", type=click.Choice(KIND_CHOICES), default=None,
              help="Rank only nodes of this kind (measures still use the whole graph).")
@click.option("--top", "top_n", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows shown per measure (every node is stored).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@window_options
@click.option("--no-store", is_flag=True, help="Do not store the run in the database.")
@db_option
@config_option
@handle_errors
def centrality_command(measure, kind, top_n, fmt, since, until, no_store, db_path, config_path):
    """Rank entities by degree, money around them, PageRank, eigenvector, closeness, betweenness, brokerage.

    Measures run on the undirected graph of ties (parallel records count as one
    tie); weighted degree sums the amounts of gifts, sponsored trips and
    contracts around a node; brokerage counts the companies an official ties
    together that are otherwise at least three steps apart. On large graphs
    betweenness (and closeness) are sampled and the measured sampling error is
    printed. Each run is stored (tables runs and centrality) with its
    parameters, so later runs can be compared.

    \b
    Example:
      graphrisk centrality --measure brokerage --kind official --top 10
      graphrisk centrality --measure pagerank --format json --since 2025-01-01 | jq '.[0]'
    """
    from ..analysis import centrality as cmod
    from ..engine.arrays import load_arrays

    cfg = settings_mod.load(config_path)
    db = store.connect(db_path, create=False)
    t0 = time.perf_counter()
    # amounts and record ids only when weighted degree is asked for
    G = load_arrays(db, since=since, until=until, attrs=measure in ("all", "weighted_degree"),
                    workers=int(cfg["graph"]["workers"]))
    writer = None

    def stored(res, m):  # each measure goes in as it is done, while sampled betweenness is still running
        nonlocal writer
        writer = writer or cmod.RunWriter(db, res, params={"top": top_n}, settings=cfg, background=True)
        writer.write(m)

    result = cmod.compute(G, measure, kind=kind, settings=cfg, on_measure=None if no_store else stored)
    run_id = writer.finish(seconds=time.perf_counter() - t0) if writer is not None else None
    rows = []
    for m in result.measures:
        for node, value, rank in result.top(m, top_n):
            rows.append({"measure": m, "rank": rank, **_describe(G, node), "value": value})
    notes = [_note(m, result.info.get(m) or {}, result.notes[m]) for m in result.measures if m in result.notes]
    if fmt == "json":
        click.echo(json.dumps([{k: r[k] for k in ROW_KEYS} for r in rows], ensure_ascii=False, indent=2))
        for n in notes:
            err_console.print(t("cmd.note", message=n), markup=False)
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(ROW_KEYS), lineterminator="\n")
        w.writeheader()
        w.writerows({k: safeio.csv_cell(v) for k, v in r.items()} for r in rows)
        click.echo(buf.getvalue(), nl=False)
        for n in notes:
            err_console.print(t("cmd.note", message=n), markup=False)
        return
    window = t("cmd.centrality.window", since=fmt_date(since) or "…", until=fmt_date(until) or "…") \
        if since or until else ""
    console.print(t("cmd.centrality.graph", window=window, nodes=f"{G.number_of_nodes():,}",
                    records=f"{G.number_of_edges():,}"), markup=False)
    for m in result.measures:
        table = Table(title=t("cmd.centrality.title", measure=_measure(m), top=top_n,
                              kind=t("cmd.centrality.kind", kind=node_label(kind)) if kind else ""))
        for c, j in (("rank", "right"), ("id", "left"), ("name", "left"), ("kind", "left"), ("unit", "left"),
                     ("value", "right")):
            table.add_column(t(f"cmd.centrality.col.{c}"), justify=j)
        for r in rows:
            if r["measure"] == m:
                table.add_row(str(r["rank"]), escape(str(r["node_id"])), escape(r["name"] or ""),
                              node_label(r["kind"]) if r["kind"] else "", escape(r["unit"] or ""),
                              _fmt(r["value"], m))
        console.print(table)
        if not result.values[m]:
            console.print(t("cmd.centrality.empty", kind=node_label(kind) if kind else "", measure=_measure(m)),
                          markup=False)
    for n in notes:
        console.print(t("cmd.note", message=n), markup=False)
    if run_id is not None:
        console.print(t("cmd.stored_run", run=run_id), markup=False)


@cli.command("communities")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--min-size", type=click.IntRange(min=1), default=None,
              help="Smallest cluster listed (default [communities] min_size).")
@click.option("--top", "top_n", type=click.IntRange(min=1), default=20, show_default=True,
              help="Mixed clusters shown in the table (JSON lists all).")
@window_options
@click.option("--no-store", is_flag=True, help="Do not store the run in the database.")
@db_option
@config_option
@handle_errors
def communities_command(fmt, min_size, top_n, since, until, no_store, db_path, config_path):
    """Find clusters (Leiden on modularity) and list those mixing officials with their own units' suppliers.

    Clusters are found on the private ties (gifts, trips, contacts, family,
    company roles, associates; see [communities] exclude_kinds). A mixed
    cluster holds an official and a company that won contracts from that
    official's unit. Each run is stored (tables runs and communities).

    \b
    Example:
      graphrisk communities --min-size 5
      graphrisk communities --format json | jq '.mixed_clusters[0].pairs'
    """
    from ..analysis import communities as cmod
    from ..engine.arrays import load_arrays
    from ..graph import label

    cfg = settings_mod.load(config_path)
    min_size = min_size if min_size is not None else cfg["communities"]["min_size"]
    db = store.connect(db_path, create=False)
    G = load_arrays(db, since=since, until=until, attrs="amounts", workers=int(cfg["graph"]["workers"]))
    result = cmod.detect(G, cfg)
    run_id = None if no_store else cmod.store_run(db, result, params={"min_size": min_size}, settings=cfg)
    mixed = [c for c in cmod.mixed_clusters(G, result, pairs_limit=None if fmt == "json" else 3)
             if c["size"] >= min_size]
    sizes = result.sizes
    listed = sum(1 for s in sizes if s >= min_size)
    if fmt == "json":
        echo_json({
            "run_id": run_id, "method": result.method, "params": result.params,
            "modularity": result.modularity, "n_communities": len(sizes), "n_listed": listed,
            "min_size": min_size, "sizes": [s for s in sizes if s >= min_size],
            "mixed_clusters": mixed,
        }, default=str)
        return
    console.print(t("cmd.communities.summary", n=f"{len(sizes):,}", method=result.method,
                    modularity=f"{result.modularity:.3f}", listed=f"{listed:,}", min_size=min_size,
                    mixed=f"{len(mixed):,}"), markup=False)
    table = Table(title=t("cmd.communities.title", n=min(top_n, len(mixed))))
    for c, j in (("cluster", "right"), ("size", "right"), ("officials", "right"), ("companies", "right"),
                 ("pairs", "right"), ("examples", "left")):
        table.add_column(t(f"cmd.communities.col.{c}"), justify=j)
    for c in mixed[:top_n]:
        ex = "; ".join(f"{label(G, p['official_id'])} → {G.nodes[p['supplier_id']].get('name') or p['supplier_id']}"
                       for p in c["pairs"][:3])
        table.add_row(str(c["community"]), str(c["size"]), str(c["n_officials"]), str(c["n_companies"]),
                      str(c["n_pairs"]), escape(ex + (" …" if c["n_pairs"] > 3 else "")))
    console.print(table)
    if run_id is not None:
        console.print(t("cmd.stored_run", run=run_id), markup=False)
