"""Communities (Leiden or Louvain on modularity) and the clusters that mix officials with their units' suppliers.

Detection runs with igraph on the undirected simple projection of the graph
(parallel records collapse into one tie) without the edge kinds of
``[communities] exclude_kinds`` (by default the administrative ties:
membership, awarded and approved contracts, so that clusters reflect private
ties rather than the org chart), vertices in sorted id order, the
random generator seeded from ``[communities] seed``: the same graph and
settings give the same partition. Communities are numbered by size, largest
first (ties: smallest member id), so community 0 is the largest.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for n, k in [("U1", "unit"), ("O1", "official"), ("C1", "company")]:
...     G.add_node(n, kind=k, unit_id="U1" if k == "official" else None)
>>> _ = G.add_edge("O1", "U1", kind="member_of"); _ = G.add_edge("U1", "C1", kind="contract", amount=9.0)
>>> _ = G.add_edge("C1", "O1", kind="gift", amount=1.0)  # a private tie
>>> res = detect(G)
>>> [(c["community"], c["officials"], c["suppliers"]) for c in mixed_clusters(G, res)]
[(0, ['O1'], ['C1'])]
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

import networkx as nx
import numpy as np

from .. import bulk, collector, store
from .. import settings as settings_mod
from ..engine.arrays import EdgeArrays
from ..errors import GraphRiskError, NotFound
from ..store_results import m007_communities_index
from ._igraph import seeded, to_igraph
from .centrality import _edges

METHODS = ("leiden", "louvain")
TABLE = "communities"


@dataclass
class CommunityResult:
    """A partition: ``membership`` node -> community (0 = largest), with its modularity and parameters."""

    membership: dict
    modularity: float
    method: str
    params: dict = field(default_factory=dict)
    seconds: float = 0.0
    graph: dict = field(default_factory=dict)

    @property
    def sizes(self) -> list[int]:
        counts: dict[int, int] = defaultdict(int)
        for c in self.membership.values():
            counts[c] += 1
        return [counts[c] for c in sorted(counts)]

    def members(self) -> dict[int, list]:
        """community -> sorted member ids."""
        out: dict[int, list] = defaultdict(list)
        for n, c in self.membership.items():
            out[c].append(n)
        return {c: sorted(ms, key=str) for c, ms in sorted(out.items())}


def detect(G: nx.Graph, settings: dict | None = None, *, method: str | None = None,
           resolution: float | None = None, seed: int | None = None) -> CommunityResult:
    """Partition ``G`` into communities (Leiden with the modularity objective, or Louvain)."""
    cfg = (settings or settings_mod.defaults())["communities"]
    method = method or cfg["method"]
    if method not in METHODS:
        raise GraphRiskError(f"unknown community method '{method}' (choose from {', '.join(METHODS)})")
    resolution = cfg["resolution"] if resolution is None else resolution
    seed = cfg["seed"] if seed is None else seed
    t0 = time.perf_counter()
    exclude = frozenset(cfg["exclude_kinds"])
    view = to_igraph(G, exclude_kinds=exclude)
    g = view.graph
    params = {"method": method, "resolution": resolution, "seed": seed, "exclude_kinds": sorted(exclude)}
    if g.vcount() == 0:
        return CommunityResult({}, 0.0, method, params, 0.0, _graph_info(G))
    with seeded(seed):
        if method == "leiden":
            params["iterations"] = cfg["leiden_iterations"]
            part = g.community_leiden(objective_function="modularity", resolution=resolution,
                                      n_iterations=cfg["leiden_iterations"])
        else:
            part = g.community_multilevel(resolution=resolution)
    raw = part.membership
    groups: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(raw):
        groups[c].append(i)  # indices ascend with sorted ids: groups[c][0] is the smallest id
    order = sorted(groups, key=lambda c: (-len(groups[c]), groups[c][0]))
    renum = {c: i for i, c in enumerate(order)}
    membership = {view.nodes[i]: renum[c] for i, c in enumerate(raw)}
    modularity = float(g.modularity(raw, resolution=resolution)) if g.ecount() else 0.0
    return CommunityResult(membership, round(modularity, 6), method, params,
                           round(time.perf_counter() - t0, 3), _graph_info(G))


def _graph_info(G: nx.Graph) -> dict:
    return {"nodes": G.number_of_nodes(), **{k: G.graph.get(k) for k in ("since", "until", "as_of", "data_version")}}


def _membership(communities) -> Mapping:
    return communities.membership if isinstance(communities, CommunityResult) else communities


def unit_suppliers(G: nx.Graph) -> dict:
    """unit -> {supplier: {"contracts": n, "amount": sum}} from the contract edges."""
    out: dict = defaultdict(dict)
    for u, v, a in _kind_edges(G, "contract", "amount"):
        s = out[u].setdefault(v, {"contracts": 0, "amount": 0.0})
        s["contracts"] += 1
        if isinstance(a, (int, float)) and a == a:
            s["amount"] += float(a)
    return out


def _kind_edges(G, kind: str, attr: str | None = None):
    """``(u, v, attrs[attr])`` of the edges of one kind, in edge order; on edge arrays only those edges are read."""
    if isinstance(G, EdgeArrays):
        if kind not in G.kinds:
            return
        ids = G.ids
        for i in np.flatnonzero(G.kind == G.kinds.index(kind)).tolist():
            a = G.amount[i] if attr == "amount" else None
            yield ids[G.src[i]], ids[G.dst[i]], None if a is None or a != a else float(a)
        return
    for u, v, d in _edges(G):
        if d.get("kind") == kind:
            yield u, v, d.get(attr) if attr else None


def units_of(G: nx.Graph, official) -> list:
    """The units an official belongs to (member_of edges, else the ``unit_id`` attribute)."""
    units = {v for _, v, d in G.out_edges(official, data=True) if d.get("kind") == "member_of"} \
        if G.is_directed() else set()
    return _units_or_attr(G, official, units)


def _units_or_attr(G, official, units: set) -> list:
    if not units and G.nodes[official].get("unit_id") in G:
        units = {G.nodes[official]["unit_id"]}
    return sorted(units, key=str)


@collector.without_collection  # a pair per official and supplier of a cluster: millions of tuples, none cyclic
def mixed_clusters(G: nx.Graph, communities, pairs_limit: int | None = None) -> list[dict]:
    """Clusters holding an official AND a supplier of the official's own unit.

    ``communities`` is a :class:`CommunityResult` or ``{node: community}``.
    Each item: ``community``, ``size``, counts of ``n_officials``,
    ``n_companies``, ``n_people``, ``n_units`` in the cluster; ``officials``
    and ``suppliers`` involved; ``pairs`` (official_id, supplier_id, unit_id,
    contracts, amount) and all ``members``. Sorted by number of pairs, then
    community number. ``pairs_limit`` keeps only each cluster's first pairs
    (``n_pairs`` still counts all): a big cluster of a big world holds millions.
    """
    membership = _membership(communities)
    suppliers = unit_suppliers(G)
    member_of: dict = defaultdict(set)
    if G.is_directed():
        for o, u, _ in _kind_edges(G, "member_of"):
            member_of[o].add(u)
    officials_of: dict = defaultdict(list)  # unit -> its officials that are in a community
    for o, d in G.nodes(data=True):
        if d.get("kind") == "official" and o in membership:
            for u in _units_or_attr(G, o, member_of.get(o, set())):
                officials_of[u].append(o)
    # per unit, its officials meet only the suppliers in their own community: (unit, officials, suppliers)
    groups: dict = defaultdict(list)
    for u, officials in officials_of.items():
        by_community: dict = defaultdict(list)
        for s, stats in suppliers.get(u, {}).items():
            if s in membership:
                by_community[membership[s]].append((s, stats))
        mine: dict = defaultdict(list)
        for o in officials:
            if membership[o] in by_community:
                mine[membership[o]].append(o)
        for c, os_ in mine.items():
            groups[c].append((u, os_, by_community[c]))
    text_ids = all(type(x) is str for x in officials_of) and all(type(x) is str for x in membership)
    found = [(c, _all_pairs(grp, text_ids) if pairs_limit is None else _first_pairs(grp, max(pairs_limit, 0)))
             for c, grp in groups.items()]
    found = [(c, f) for c, f in found if f[0]]
    if not found:
        return []
    members: dict = {c: [] for c, _ in found}
    for n, c in membership.items():
        if c in members:
            members[c].append(n)
    out = []
    for c, (n_pairs, officials, sups, shown) in found:
        ms = sorted(members[c], key=str)
        kinds = defaultdict(int)
        for n in ms:
            kinds[G.nodes[n].get("kind")] += 1
        out.append({
            "community": c, "size": len(ms),
            "n_officials": kinds["official"], "n_companies": kinds["company"],
            "n_people": kinds["person"], "n_units": kinds["unit"], "n_pairs": n_pairs,
            "officials": sorted(officials, key=str), "suppliers": sorted(sups, key=str),
            "pairs": [{"official_id": o, "supplier_id": s, "unit_id": u, **stats} for o, s, u, stats in shown],
            "members": ms,
        })
    out.sort(key=lambda x: (-x["n_pairs"], x["community"]))
    return out


def _all_pairs(groups: list, text_ids: bool) -> tuple:
    """``(n_pairs, officials, suppliers, pairs)`` of one cluster: every (official, supplier, unit, stats),
    sorted by official, supplier and unit as text."""
    pairs = [(o, s, u, stats) for u, officials, sups in groups for o in officials for s, stats in sups if s != o]
    if text_ids:  # compares as str(): the same order, without a key function per pair
        pairs.sort(key=itemgetter(0, 1, 2))
    else:
        pairs.sort(key=lambda p: (str(p[0]), str(p[1]), str(p[2])))
    return len(pairs), {p[0] for p in pairs}, {p[1] for p in pairs}, pairs


def _first_pairs(groups: list, limit: int) -> tuple:
    """:func:`_all_pairs` with only the first ``limit`` pairs, the others counted, not made: a cluster of a
    big world can hold millions of pairs (an official meets every supplier of their unit in it)."""
    n, officials, sups, by_official = 0, set(), set(), defaultdict(list)
    for u, os_, ss in groups:
        sids = {s for s, _ in ss}
        for o in os_:
            k = len(ss) - (o in sids)  # an official is never their own supplier
            if k:
                n += k
                officials.add(o)
                by_official[o].append((u, ss))
        sups.update(sids if len(os_) > 1 else sids - set(os_))
    shown: list = []
    for o in sorted(officials, key=str):
        if len(shown) >= limit:
            break
        mine = [(o, s, u, stats) for u, ss in by_official[o] for s, stats in ss if s != o]
        mine.sort(key=lambda p: (str(p[1]), str(p[2])))
        shown.extend(mine[:limit - len(shown)])
    return n, officials, sups, shown


# ---------------------------------------------------------------- store

def store_run(db, result: CommunityResult, params: dict | None = None, settings: dict | None = None) -> int:
    """Write the partition as one run (table ``communities``: run_id, node_id, community); return its id."""
    settings = settings or settings_mod.defaults()
    if TABLE not in db.table_names():  # a database made outside the store's migrations: as 005 and 007 make it
        db[TABLE].create({"run_id": int, "node_id": str, "community": int})
        db[TABLE].create_index(["run_id", "community"])
        m007_communities_index(db)
    g = result.graph
    run_params = {**result.params, "modularity": result.modularity, "communities": len(result.sizes),
                  "graph": g, **(params or {})}
    run_id = store.start_run(db, "communities", run_params, settings_mod.fingerprint(settings),
                             as_of=g.get("as_of"), since=g.get("since"), until=g.get("until"))
    with db.conn:
        bulk.insert_rows(db.conn, f"insert into [{TABLE}] (run_id, node_id, community)", 3,
                         ((run_id, n, c) for n, c in _by_community(result.membership)))
    store.finish_run(db, run_id, result.seconds)
    return run_id


def _by_community(membership: dict) -> Iterator[tuple[str, int]]:
    """``(str(node), community)`` ordered by community, then node as text (each index then grows at its end):
    one sort of the node texts and a stable sort of their communities by numpy, not a sort of 724,089 keyed
    tuples at scale 50."""
    nodes = sorted(membership, key=str)
    comm = np.fromiter(map(membership.__getitem__, nodes), dtype=np.int64, count=len(nodes))
    order = np.argsort(comm, kind="stable")
    return zip(map(str, map(nodes.__getitem__, order.tolist())), comm[order].tolist())


def load(db, run_id: int | None = None) -> dict:
    """``{node: community}`` of run ``run_id`` (default the latest communities run)."""
    if TABLE not in db.table_names():
        raise NotFound("no communities stored yet (run `graphrisk communities`)")
    if run_id is None:
        row = next(db.query("select max(id) id from runs where kind = 'communities'"), None)
        run_id = row and row["id"]
        if run_id is None:
            raise NotFound("no communities stored yet (run `graphrisk communities`)")
    rows = db.conn.execute(f"select node_id, community from [{TABLE}] where run_id = ?", [run_id]).fetchall()
    if not rows:
        raise NotFound(f"no communities run with id {run_id}")
    return dict(rows)


__all__ = ["CommunityResult", "detect", "mixed_clusters", "store_run", "load", "unit_suppliers", "units_of"]
