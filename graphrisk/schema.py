"""The data model as data: record kinds and their columns, node kinds, edge kinds.

Everything that knows "which columns does a gift have" or "what is a
shareholder edge" reads it from here, so the input contract
(``shared/spec/input-format.md``) lives in one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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


PARTY = ("people", "companies")  # a counterpart, giver or supplier
ANY_ENTITY = ("officials", "people", "companies", "units")

KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("units", True, "unit_id", (
            Column("unit_id", required=True),
            Column("name", NAME, required=True),
            Column("parent_id", refs=("units",)),
            Column("region"),
        ), order=0, name_column="name"),
        Kind("officials", True, "official_id", (
            Column("official_id", required=True),
            Column("name", NAME, required=True),
            Column("unit_id", required=True, refs=("units",)),
            Column("position"),
            Column("rank"),
            Column("id_number"),
        ), order=1, name_column="name"),
        Kind("people", True, "person_id", (
            Column("person_id", required=True),
            Column("name", NAME, required=True),
            Column("id_number"),
            Column("note"),
        ), order=2, name_column="name"),
        Kind("companies", True, "company_id", (
            Column("company_id", required=True),
            Column("name", NAME, required=True),
            Column("registration_no"),
            Column("region"),
            Column("sector"),
        ), order=3, name_column="name"),
        Kind("relations", True, "relation_id", (
            Column("from_id", required=True, refs=ANY_ENTITY),
            Column("to_id", required=True, refs=ANY_ENTITY),
            Column("relation", required=True),
            Column("share_pct", PCT),
            Column("start_date", DATE),
            Column("end_date", DATE),
            Column("source"),
        ), order=4),
        Kind("contacts", False, "contact_id", (
            Column("contact_id", required=True),
            Column("official_id", required=True, refs=("officials",)),
            Column("counterpart_id", required=True, refs=("officials",) + PARTY),
            Column("date", DATE, required=True),
            Column("channel"),
            Column("location"),
            Column("note"),
        ), order=10),
        Kind("gifts", False, "gift_id", (
            Column("gift_id", required=True),
            Column("giver_id", required=True, refs=PARTY + ("officials",)),
            Column("recipient_id", required=True, refs=("officials", "people")),
            Column("date", DATE, required=True),
            Column("value", AMOUNT, required=True),
            Column("currency"),
            Column("description"),
            Column("declared", BOOL),
        ), order=11),
        Kind("trips", False, "trip_id", (
            Column("trip_id", required=True),
            Column("official_id", required=True, refs=("officials",)),
            Column("destination", required=True),
            Column("start_date", DATE, required=True),
            Column("end_date", DATE),
            Column("purpose"),
            Column("sponsor_id", refs=PARTY + ("units",)),
            Column("cost", AMOUNT),
            Column("currency"),
            Column("participants", LIST, refs=("officials", "people")),
        ), order=12),
        Kind("contracts", False, "contract_id", (
            Column("contract_id", required=True),
            Column("unit_id", required=True, refs=("units",)),
            Column("supplier_id", required=True, refs=PARTY),
            Column("date", DATE, required=True),
            Column("amount", AMOUNT, required=True),
            Column("currency"),
            Column("method"),
            Column("approver_id", refs=("officials",)),
            Column("title"),
        ), order=13),
    ]
}

ENTITY_KINDS = [k for k in KINDS if KINDS[k].entity and k != "relations"]
RECORD_KINDS = ["contacts", "gifts", "trips", "contracts"]

# The kind an id belongs to decides its node kind.
NODE_KIND_OF_TABLE = {"officials": "official", "people": "person", "companies": "company", "units": "unit"}
NODE_KINDS = {
    "official": {"label": "Official", "shape": "star", "color": "#1f4e79"},
    "person": {"label": "Person", "shape": "dot", "color": "#7f7f7f"},
    "company": {"label": "Company", "shape": "square", "color": "#8e44ad"},
    "unit": {"label": "Unit", "shape": "diamond", "color": "#2e8b57"},
}

CONTRACT_METHODS = ("open_tender", "invited_tender", "competitive_negotiation", "single_source", "direct")
# Awards without open competition: splitting and concentration rules look at these.
NON_COMPETITIVE_METHODS = ("single_source", "direct", "competitive_negotiation")

FAMILY_RELATIONS = ("spouse", "child", "parent", "sibling", "relative")
BUSINESS_RELATIONS = ("shareholder", "legal_representative", "director", "manager", "employee")
SOCIAL_RELATIONS = ("associate", "classmate", "former_colleague")
# Words real sources use for the vocabulary above; matched after lower-casing.
RELATION_ALIASES = {
    "wife": "spouse", "husband": "spouse", "配偶": "spouse", "妻子": "spouse", "丈夫": "spouse",
    "son": "child", "daughter": "child", "子女": "child", "儿子": "child", "女儿": "child",
    "father": "parent", "mother": "parent", "父亲": "parent", "母亲": "parent", "父母": "parent",
    "brother": "sibling", "sister": "sibling", "兄弟": "sibling", "姐妹": "sibling", "兄弟姐妹": "sibling",
    "亲属": "relative", "亲戚": "relative",
    "股东": "shareholder", "法定代表人": "legal_representative", "法人": "legal_representative",
    "legal representative": "legal_representative", "董事": "director", "经理": "manager",
    "总经理": "manager", "员工": "employee", "同学": "classmate", "前同事": "former_colleague",
    "former colleague": "former_colleague", "associate": "associate", "朋友": "associate",
}


def relation_class(relation: str) -> str:
    """Map a relation word onto its edge kind: family, business role or associate."""
    if relation in FAMILY_RELATIONS:
        return "family"
    if relation in BUSINESS_RELATIONS:
        return relation
    return "associate"


def relation_key(from_id: str, relation: str, to_id: str) -> str:
    """The stored id of a relation row: one tie per (from, relation, to)."""
    return f"{from_id}|{relation}|{to_id}"


@dataclass(frozen=True)
class EdgeKind:
    name: str
    source: str  # table or record kind the edge comes from
    label: str
    color: str
    dashes: bool = False
    private: bool = False  # a private benefit or tie on a conflict path
    benefit: bool = False  # a benefit whose timing against the award matters
    weight: float = 1.0  # strength of the tie on a conflict path
    extra: dict = field(default_factory=dict)


EDGE_KINDS: dict[str, EdgeKind] = {
    e.name: e
    for e in [
        EdgeKind("contact", "contacts", "Contact", "#f39c12", dashes=True, private=True, benefit=True, weight=0.5),
        EdgeKind("gift", "gifts", "Gift", "#c0392b", private=True, benefit=True, weight=1.0),
        EdgeKind("trip_sponsor", "trips", "Sponsored trip", "#e67e22", private=True, benefit=True, weight=0.9),
        EdgeKind("trip_participant", "trips", "On trip together", "#f5b041", dashes=True, private=True, weight=0.4),
        EdgeKind("contract", "contracts", "Contract awarded", "#2980b9"),
        EdgeKind("approved", "contracts", "Approved contract", "#1a5276"),
        EdgeKind("member_of", "officials", "Member of unit", "#95a5a6", dashes=True),
        EdgeKind("family", "relations", "Family", "#27ae60", private=True, weight=0.9),
        EdgeKind("shareholder", "relations", "Shareholder", "#6c3483", private=True, weight=1.0),
        EdgeKind("legal_representative", "relations", "Legal representative", "#884ea0", private=True, weight=1.0),
        EdgeKind("director", "relations", "Director", "#a569bd", private=True, weight=0.9),
        EdgeKind("manager", "relations", "Manager", "#bb8fce", private=True, weight=0.7),
        EdgeKind("employee", "relations", "Employee", "#d2b4de", dashes=True, private=True, weight=0.4),
        EdgeKind("associate", "relations", "Associate", "#16a085", dashes=True, private=True, weight=0.5),
    ]
}

# Contact channels that are private meetings rather than office business.
PRIVATE_CHANNELS = ("dinner", "banquet", "private", "karaoke", "golf", "home", "tea", "宴请", "吃饭", "私下")
