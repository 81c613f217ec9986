"""The data model as data: record kinds and their columns, node kinds, edge kinds.

Everything that knows "which columns does a gift have" or "what is a
shareholder edge" reads it from here, so the input contract
(``shared/spec/input-format.md``) lives in one place.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Column value types understood by the parsers in graphrisk.ingest.values.
STR, NAME, DATE, AMOUNT, PCT, BOOL, LIST = "str", "name", "date", "amount", "pct", "bool", "list"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = STR
    required: bool = False
    refs: tuple[str, ...] = ()  # entity kinds an id column may point to


@dataclass(frozen=True)
class Kind:
    name: str
    entity: bool
    id_column: str  # for relations, a derived key (see relation_key)
    columns: tuple[Column, ...]
    order: int  # ingest order within a folder: entities before records
    name_column: str | None = None
    node: str | None = None  # node kind of its rows (entity kinds)
    key: tuple[str, ...] = ()  # columns making the derived id (ties: relations, memberships)
    date_column: str | None = None
    end_column: str | None = None
    amount_column: str | None = None
    label: dict = field(default_factory=dict)  # {"en": ..., "zh": ...} plural label
    edges: tuple = ()  # EdgeSpec: the edges each row makes
    one_of: tuple = ()  # column groups of which at least one must be filled

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


MODEL_FILE = Path(__file__).with_name("model.toml")
ROLES = ("benefit", "tie", "decision_unit", "decision_official", "membership")


@dataclass(frozen=True)
class EdgeSpec:
    """One edge a row of a kind makes: from the entity in ``source`` to the one in ``target``.

    ``kind`` names the edge kind; ``kind_from`` instead names the column whose (normalised)
    value gives it, as the relation word does for relations.
    """

    source: str
    target: str
    kind: str | None = None
    kind_from: str | None = None


@dataclass(frozen=True)
class NodeKind:
    name: str
    table: str
    label: dict
    plural: dict
    shape: str
    color: str
    passable: bool = False  # a conflict path may run through it (people, companies, organisations)


def _load_model(text: str) -> dict:
    return tomllib.loads(text)


def _build_kinds(model: dict) -> dict[str, Kind]:
    out = {}
    for name, k in model.get("kinds", {}).items():
        cols = tuple(Column(c["name"], c.get("type", STR), bool(c.get("required")), tuple(c.get("refs", ())))
                     for c in k["columns"])
        out[name] = Kind(
            name=name, entity=bool(k.get("entity")), id_column=k["id"], columns=cols, order=int(k["order"]),
            name_column=k.get("name"), node=k.get("node"), key=tuple(k.get("key", ())),
            date_column=k.get("date"), end_column=k.get("end"), amount_column=k.get("amount"),
            label=dict(k.get("label", {"en": name, "zh": name})),
            edges=tuple(EdgeSpec(e["source"], e["target"], e.get("kind"), e.get("kind_from"))
                        for e in k.get("edges", ())),
            one_of=tuple(tuple(g) for g in k.get("one_of", ())))
    return out


MODEL: dict = _load_model(MODEL_FILE.read_text(encoding="utf-8"))
KINDS: dict[str, Kind] = _build_kinds(MODEL)
NODES: dict[str, NodeKind] = {
    n: NodeKind(n, d["table"], d["label"], d["plural"], d["shape"], d["color"], bool(d.get("passable")))
    for n, d in MODEL["nodes"].items()}

ENTITY_TABLES = [k for k, v in KINDS.items() if v.node]  # kinds whose rows are nodes
ENTITY_KINDS = ENTITY_TABLES
TIE_KINDS = [k for k, v in KINDS.items() if v.entity and not v.node]  # relations, memberships
RECORD_KINDS = [k for k, v in KINDS.items() if not v.entity]
PARTY = ("people", "companies", "organisations", "public_bodies")  # a counterpart, giver or beneficiary
ANY_ENTITY = tuple(ENTITY_TABLES)

# The kind an id belongs to decides its node kind.
NODE_KIND_OF_TABLE = {n.table: name for name, n in NODES.items()}
NODE_KINDS = {name: {"label": n.label["en"], "shape": n.shape, "color": n.color} for name, n in NODES.items()}
PASSABLE_NODES = frozenset(n for n, d in NODES.items() if d.passable)

CONTRACT_METHODS = ("open_tender", "invited_tender", "competitive_negotiation", "single_source", "direct")
# Awards without open competition: splitting and concentration rules look at these.
NON_COMPETITIVE_METHODS = ("single_source", "direct", "competitive_negotiation")

FAMILY_RELATIONS = tuple(MODEL["relations"]["family"])
BUSINESS_RELATIONS = tuple(MODEL["relations"]["business"])
SOCIAL_RELATIONS = tuple(MODEL["relations"]["social"])
# Words real sources use for the vocabulary above; matched after lower-casing.
RELATION_ALIASES = dict(MODEL["relations"]["aliases"])


def relation_class(relation: str) -> str:
    """Map a relation word onto its edge kind: family, business role or associate."""
    if relation in FAMILY_RELATIONS:
        return "family"
    if relation in BUSINESS_RELATIONS:
        return relation
    return "associate"


def relation_key(from_id: str, relation: str, to_id: str) -> str:
    """The stored id of a relation row: one tie per (from, relation, to)."""
    return tie_key((from_id, relation, to_id))


def tie_key(values) -> str:
    """The derived id of a tie row (relations, memberships): its key columns joined by ``|``."""
    return "|".join("" if v is None else str(v) for v in values)


@dataclass(frozen=True)
class EdgeKind:
    name: str
    role: str  # one of ROLES
    label: str
    color: str
    dashes: bool = False
    weight: float = 1.0  # strength of the tie on a conflict path
    label_zh: str = ""
    dated: bool = False  # a tie whose date matters on a path (travelling together)

    @property
    def private(self) -> bool:
        """A private benefit or tie: what a conflict path's chain is made of."""
        return self.role in ("benefit", "tie")

    @property
    def benefit(self) -> bool:
        """A benefit whose timing against the decision matters."""
        return self.role == "benefit"

    @property
    def decision(self) -> bool:
        return self.role in ("decision_unit", "decision_official")


EDGE_KINDS: dict[str, EdgeKind] = {
    name: EdgeKind(name, e["role"], e["label"]["en"], e["color"], bool(e.get("dashes")), float(e.get("weight", 1.0)),
                   e["label"].get("zh", ""), bool(e.get("dated")))
    for name, e in MODEL["edges"].items()
}
DECISION_UNIT_EDGES = tuple(k for k, e in EDGE_KINDS.items() if e.role == "decision_unit")
DECISION_OFFICIAL_EDGES = tuple(k for k, e in EDGE_KINDS.items() if e.role == "decision_official")


def edge_kind_of(spec: EdgeSpec, row: dict) -> str:
    """The edge kind a row makes through ``spec``: fixed, or from a column (the relation word)."""
    return spec.kind or relation_class(row.get(spec.kind_from) or "")


def extend(toml_text: str) -> None:
    """Add kinds, node kinds or edge kinds to the model (a plugin's or a test's), in place.

    Every reader of the model (store, ingest, graph, engine, report) sees them from then on.
    """
    extra = _load_model(toml_text)
    for section in ("nodes", "kinds", "edges"):
        MODEL.setdefault(section, {}).update(extra.get(section, {}))
    KINDS.clear()
    KINDS.update(_build_kinds(MODEL))
    for name, d in extra.get("nodes", {}).items():
        NODES[name] = NodeKind(name, d["table"], d["label"], d["plural"], d["shape"], d["color"],
                               bool(d.get("passable")))
        NODE_KIND_OF_TABLE[d["table"]] = name
        NODE_KINDS[name] = {"label": d["label"]["en"], "shape": d["shape"], "color": d["color"]}
    for name, e in extra.get("edges", {}).items():
        EDGE_KINDS[name] = EdgeKind(name, e["role"], e["label"]["en"], e["color"], bool(e.get("dashes")),
                                    float(e.get("weight", 1.0)), e["label"].get("zh", ""), bool(e.get("dated")))
    for lst, pred in ((ENTITY_TABLES, lambda v: v.node), (TIE_KINDS, lambda v: v.entity and not v.node),
                      (RECORD_KINDS, lambda v: not v.entity)):
        lst[:] = [k for k, v in KINDS.items() if pred(v)]


# Contact channels that are private meetings rather than office business.
PRIVATE_CHANNELS = ("dinner", "banquet", "private", "karaoke", "golf", "home", "tea", "宴请", "吃饭", "私下")


def is_private_channel(channel: str | None) -> bool:
    """A contact away from office business (dinner, banquet, ...), per :data:`PRIVATE_CHANNELS`."""
    if not channel:
        return False
    ch = channel.lower()
    return any(word in ch for word in PRIVATE_CHANNELS)
