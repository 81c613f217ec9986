"""Red-flag rules: one module per rule, registered here; scoring turns findings into graded officials.

A rule is a function ``check(ctx) -> list[Finding]`` decorated with
:func:`rule`. Built-in rules register through the same decorator a plugin
would use. Each rule has a settings section ``[rules.<id>]`` in
``defaults.toml`` (``enabled`` plus its thresholds) and a doc page
``docs/rules/<id>.md``.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..findings import ConflictPath, Reason

if TYPE_CHECKING:  # networkx is the graphs' type; ingesting files and loading settings never need it
    import networkx as nx


@dataclass
class Finding:
    official_id: str
    reason: Reason


@dataclass
class Rule:
    id: str
    title: str
    check: Callable[["Context"], list[Finding]]
    max_level: str = "red"  # the highest level this rule alone can give
    order: int = 50  # rules run by (order, id); later rules see which paths earlier ones explained
    defaults: dict = field(default_factory=dict)  # the rule's settings section when defaults.toml has none
    validate: Callable[[dict], str | None] | None = None  # returns a problem with the section, or None
    paths: bool = True  # reads the conflict paths (or what earlier rules claimed); False may run beside the search
    weight: int = 1  # rough work relative to other rules: of those run beside the search, the heaviest start first


@dataclass
class Context:
    """What every rule sees: the graph, the conflict paths, the settings and the reference date."""

    G: nx.MultiDiGraph
    paths: list[ConflictPath]
    settings: dict
    as_of: str | None
    extra: dict = field(default_factory=dict)  # shared computations (e.g. brokerage), filled lazily

    def edges(self, kind: str) -> list[tuple]:
        """Edges of one kind as (u, v, key, data), sorted by key; indexed once for all rules."""
        by = self.extra.setdefault("_edges", {})
        if kind not in by:
            if hasattr(self.G, "by_kind"):  # the engine's compact graph keeps its edges by kind
                by[kind] = sorted(self.G.by_kind().get(kind, ()), key=lambda e: e[2])
            else:
                if "_all_kinds" not in self.extra:
                    groups: dict[str, list] = {}
                    for e in self.G.edges(keys=True, data=True):
                        groups.setdefault(e[3]["kind"], []).append(e)
                    self.extra["_all_kinds"] = groups
                by[kind] = sorted(self.extra["_all_kinds"].get(kind, ()), key=lambda e: e[2])
        return by[kind]

    def cfg(self, rule_id: str) -> dict:
        return self.settings["rules"][rule_id]

    def officials(self) -> list[str]:
        return sorted(n for n, d in self.G.nodes(data=True) if d.get("kind") == "official")

    def name(self, node: str) -> str:
        return str(self.G.nodes[node].get("name") or node) if node in self.G else node

    # Rules reach the graph only through the methods below, so the engine may hold it in any form.

    def node(self, n: str) -> dict:
        """Attributes of a node (``kind``, ``name``, ``unit_id``, ``country``, ...); {} if unknown."""
        return self.G.nodes[n] if n in self.G else {}

    def kind(self, n: str) -> str | None:
        """Node kind: official, person, company, organisation, public_body, unit, unresolved."""
        kinds = self.extra.get("_node_kinds")
        if kinds is None:  # the engine's graph keeps them (shared with the path search); else read per node
            kinds = self.extra["_node_kinds"] = self.G.node_kinds() if hasattr(self.G, "node_kinds") else False
        return kinds.get(n) if kinds is not False else self.node(n).get("kind")

    def between(self, u: str, v: str) -> list[dict]:
        """Data of the edges from ``u`` to ``v`` (every record between them, that direction)."""
        return list((self.G.get_edge_data(u, v) or {}).values()) if u in self.G and v in self.G else []

    def neighbours(self, n: str) -> set[str]:
        """Nodes tied to ``n`` by any edge, either direction."""
        return set(self.G.successors(n)) | set(self.G.predecessors(n)) if n in self.G else set()

    def _memberships(self, official: str) -> list[tuple]:
        """``(official, unit, data)`` of the official's ``member_of`` edges, in the graph's edge order."""
        if not hasattr(self.G, "by_kind"):
            return [e for e in self.G.out_edges(official, data=True) if e[2].get("kind") == "member_of"]
        by = self.extra.get("_memberships")
        if by is None:
            by = self.extra["_memberships"] = {}
            for u, v, _k, d in self.G.by_kind().get("member_of", ()):
                by.setdefault(u, []).append((u, v, d))
        return by.get(official, [])

    def units_of(self, official: str, on: str | None = None) -> list[str]:
        """Units the official belongs to (on a date, when memberships carry dates), own unit first."""
        own = self.node(official).get("unit_id")
        out = [own] if own else []
        if official in self.G:
            for _, unit, d in self._memberships(official):
                if unit in out:
                    continue
                start, end = d.get("date"), d.get("end_date")
                if on and ((start and start > on) or (end and end < on)):
                    continue
                out.append(unit)
        return out


REGISTRY: dict[str, Rule] = {}


def rule(id: str, title: str, max_level: str = "red", order: int = 50, settings: dict | None = None,
         validate: Callable[[dict], str | None] | None = None, paths: bool = True, weight: int = 1):
    """Register a rule function under ``id`` (also how a plugin adds one).

    ``settings`` are the defaults of the rule's section ``[rules.<id>]`` (``enabled`` is added), used
    when ``defaults.toml`` has no such section (a plugin's rule); a user file may then set them, and
    unknown keys stay errors. ``validate(section)`` returns a problem to report, or None.
    ``paths=False`` declares that the rule reads neither ``ctx.paths`` nor what other rules left in
    ``ctx.extra``: the engine may then run it in another process while the paths are searched.
    ``weight`` is a rough measure of the rule's work (1: a pass over one kind of record; 3: a walk
    over the whole graph): such rules start heaviest first, so two processes end at about the same time.
    """
    def deco(fn):
        REGISTRY[id] = Rule(id, title, fn, max_level, order, {"enabled": True, **(settings or {})}, validate,
                            paths, weight)
        return fn
    return deco


ENTRY_POINT_GROUP = "graphrisk.rules"
_loaded: list[bool] = []


def load_builtin() -> dict[str, Rule]:
    """Every rule: the built-in modules, then those of other packages (entry point ``graphrisk.rules``)."""
    if _loaded:
        return REGISTRY
    from . import builtin

    for mod in sorted(m.name for m in pkgutil.iter_modules(builtin.__path__)):
        importlib.import_module(f"{builtin.__name__}.{mod}")
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        ep.load()  # importing the plugin's module registers its rules through ``rule()``
    _loaded.append(True)
    return REGISTRY


def rule_defaults() -> dict[str, dict]:
    """Declared settings of every registered rule: ``{rule id: section}``."""
    return {rid: r.defaults for rid, r in load_builtin().items()}


def rule_name(rule_id: str, lang: str | None = None) -> str:
    """A rule's name: ``rules.<id>.name`` in the catalogue, else its registered title (English), else its id."""
    from ..i18n import catalogue_rule_name, current_lang

    lang = lang or current_lang()
    name = catalogue_rule_name(rule_id, lang)
    if name:
        return name
    rule = load_builtin().get(rule_id) if lang == "en" else None
    return rule.title if rule is not None else rule_id


__all__ = ["REGISTRY", "Context", "Finding", "Rule", "rule_name", "load_builtin", "rule", "rule_defaults"]
