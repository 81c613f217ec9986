"""FollowTheMoney entities as JSON lines, for Aleph and the FtM tools (``ftm``, ``followthemoney-store``).

Nodes become Person (officials and people), Company, Organization, PublicBody (public bodies and
units) or LegalEntity (names not yet resolved). Ties and records become FtM's interval entities:
Membership (an official in a unit), Family, Associate, Ownership (shareholdings), Directorship
(legal representatives, directors, managers), Employment, Payment (gifts; a sponsor's payment for a
trip), Event (trips, with the sponsor as organiser and everyone on it as involved; contacts),
Contract + ContractAward (awards, the approver as an UnknownLink with role "approver"), and
UnknownLink for decisions and any other kind. Every entity is built through followthemoney's model
and checked against its schema before it is written; a value FtM cannot read is reported, never
dropped silently.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx

from .. import schema
from ..i18n import current_lang, t

NODE_SCHEMA = {"official": "Person", "person": "Person", "company": "Company", "organisation": "Organization",
               "public_body": "PublicBody", "unit": "PublicBody", "unresolved": "LegalEntity"}
DIRECTOR_KINDS = ("legal_representative", "director", "manager")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,120}")


def entity_id(*parts: str) -> str:
    """A stable FtM id: readable (``gr-person-P1``) when the graphrisk id is plain ASCII, else hashed."""
    raw = "-".join(str(p) for p in parts)
    if _SAFE_ID.fullmatch(raw):
        return f"gr-{raw}"
    return "gr-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


class Builder:
    """Makes FtM entities through followthemoney's model; collects values FtM refused."""

    def __init__(self, lang: str):
        from followthemoney import model

        self.model = model
        self.lang = lang
        self.entities: dict[str, object] = {}
        self.refused: list[str] = []

    def make(self, schema_name: str, eid: str, props: dict):
        proxy = self.entities.get(eid)
        if proxy is None:
            proxy = self.model.make_entity(schema_name)
            proxy.id = eid
            self.entities[eid] = proxy
        for prop, values in props.items():
            for value in values if isinstance(values, (list, tuple)) else [values]:
                if value is None or value == "":
                    continue
                before = len(proxy.get(prop))
                proxy.add(prop, str(value) if not isinstance(value, str) else value)
                if len(proxy.get(prop)) == before and str(value) not in proxy.get(prop):
                    self.refused.append(f"{eid} {schema_name}.{prop} = {value!r}")
        return proxy

    def validate(self) -> list[str]:
        """Schema errors (missing required properties) of every entity built."""
        errors = []
        for eid, proxy in self.entities.items():
            err = proxy.schema.validate(proxy.to_dict())
            if err:
                errors.append(f"{eid}: {err}")
        return errors


def _node_id(G, n) -> str:
    return entity_id(G.nodes[n].get("kind") or "entity", n)


def _provenance(d: dict) -> str | None:
    src = d.get("source")
    if not src:
        return None
    return f"{Path(str(src)).name}:{d.get('row')}" if d.get("row") else Path(str(src)).name


@functools.lru_cache(maxsize=None)
def _kind_is(kind: str | None, schema_name: str) -> bool:
    from followthemoney import model

    return model.get(NODE_SCHEMA.get(kind, "LegalEntity")).is_a(schema_name)


def _is(G, n, *schemas: str) -> bool:
    kind = G.nodes[n].get("kind")
    return any(_kind_is(kind, x) for x in schemas)


def build(G: nx.MultiDiGraph, lang: str | None = None) -> Builder:
    """Every node and edge of ``G`` as FtM entities."""
    lang = lang or current_lang()
    b = Builder(lang)
    for n, d in G.nodes(data=True):
        kind = d.get("kind") or "unresolved"
        props = {"name": d.get("name") or n, "notes": _provenance(d)}
        if kind == "official":
            props["position"] = " ".join(str(x) for x in (d.get("position"), d.get("rank")) if x) or None
        if d.get("registration_no"):
            props["registrationNumber"] = d["registration_no"]
        if kind == "company" and d.get("sector"):
            props["sector"] = d["sector"]
        if d.get("id_number") and kind in ("official", "person"):
            props["idNumber"] = d["id_number"]
        b.make(NODE_SCHEMA.get(kind, "LegalEntity"), _node_id(G, n), props)

    trips: dict[str, dict] = defaultdict(lambda: {"involved": set()})
    contracts: dict[str, dict] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        kind = d.get("kind")
        rid = str(d.get("record_id") or k)
        src, dst = _node_id(G, u), _node_id(G, v)
        base = {"recordId": rid, "date": d.get("date") if kind not in ("member_of",) else None,
                "summary": _provenance(d)}
        ties = {"startDate": d.get("date"), "endDate": d.get("end_date"), "recordId": rid,
                "summary": _provenance(d)}
        if kind == "member_of":
            b.make("Membership", entity_id("member_of", rid, str(v)),
                   {"member": src, "organization": dst, "role": d.get("position") or d.get("role"),
                    "startDate": d.get("start_date"), "endDate": d.get("end_date"), "recordId": rid,
                    "summary": _provenance(d)})
        elif kind == "family" and _is(G, u, "Person") and _is(G, v, "Person"):
            b.make("Family", entity_id("family", rid), {"person": dst, "relative": src,
                                                        "relationship": d.get("relation"), **ties})
        elif kind == "associate" and _is(G, u, "Person") and _is(G, v, "Person"):
            b.make("Associate", entity_id("associate", rid), {"person": dst, "associate": src,
                                                              "relationship": d.get("relation"), **ties})
        elif kind == "shareholder" and _is(G, v, "Asset"):
            b.make("Ownership", entity_id("ownership", rid), {"owner": src, "asset": dst,
                                                               "percentage": d.get("share_pct"), **ties})
        elif kind in DIRECTOR_KINDS and _is(G, v, "Organization"):
            b.make("Directorship", entity_id("directorship", rid), {"director": src, "organization": dst,
                                                                     "role": d.get("relation"), **ties})
        elif kind == "employee" and _is(G, u, "Person") and _is(G, v, "Organization"):
            b.make("Employment", entity_id("employment", rid), {"employee": src, "employer": dst,
                                                                 "role": d.get("relation"), **ties})
        elif kind == "gift":
            b.make("Payment", entity_id("gift", rid), {
                "payer": src, "beneficiary": dst, "amount": d.get("amount"), "currency": d.get("currency"),
                "purpose": t("export.ftm.gift", lang), "description": d.get("description"), **base})
        elif kind in ("trip_sponsor", "trip_participant"):
            trip = trips[rid]
            trip.update({k2: d.get(k2) for k2 in ("destination", "purpose", "date", "end_date", "source", "row")})
            if kind == "trip_sponsor":
                trip["sponsor"], trip["official"] = src, dst
                trip["involved"].add(dst)
                if d.get("amount") is not None:
                    b.make("Payment", entity_id("trip_payment", rid), {
                        "payer": src, "beneficiary": dst, "amount": d.get("amount"), "currency": d.get("currency"),
                        "purpose": t("export.ftm.trip_payment", lang, destination=d.get("destination") or ""),
                        **base})
            else:
                trip["involved"].update((src, dst))
        elif kind in ("contract", "approved"):
            c = contracts.setdefault(rid, {"source": d.get("source"), "row": d.get("row")})
            c.update({k2: d.get(k2) for k2 in ("title", "amount", "currency", "method", "date")})
            if kind == "contract":
                c["authority"], c["supplier"] = src, dst
            else:
                c["approver"] = src
                c.setdefault("supplier", dst)
        elif kind == "contact":
            b.make("Event", entity_id("contact", rid), {
                "name": t("export.ftm.contact", lang, channel=d.get("channel") or "").strip(),
                "date": d.get("date"), "involved": [src, dst], "location": d.get("location"),
                "summary": d.get("note"), "notes": _provenance(d)})
        else:
            label = schema.EDGE_KINDS[kind].label if kind in schema.EDGE_KINDS else kind
            b.make("UnknownLink", entity_id(kind or "link", rid, str(u), str(v)), {
                "subject": src, "object": dst, "role": d.get("decision_type") or d.get("relation") or label,
                "description": d.get("title"), **ties, "date": d.get("date")})
    for rid, trip in trips.items():
        name = " ".join(x for x in (trip.get("destination"), trip.get("purpose")) if x) or rid
        b.make("Event", entity_id("trip", rid), {
            "name": t("export.ftm.trip", lang, name=name), "startDate": trip.get("date"),
            "endDate": trip.get("end_date"), "location": trip.get("destination"),
            "organizer": trip.get("sponsor"), "involved": sorted(trip["involved"]),
            "notes": _provenance(trip)})
    for rid, c in contracts.items():
        cid = entity_id("contract", rid)
        b.make("Contract", cid, {"title": c.get("title") or rid, "name": c.get("title") or rid,
                                 "authority": c.get("authority"), "amount": c.get("amount"),
                                 "currency": c.get("currency"), "method": c.get("method"),
                                 "contractDate": c.get("date"), "notes": _provenance(c)})
        if c.get("supplier"):
            b.make("ContractAward", entity_id("award", rid), {
                "contract": cid, "supplier": c["supplier"], "amount": c.get("amount"),
                "currency": c.get("currency"), "date": c.get("date"), "recordId": rid, "summary": _provenance(c)})
        if c.get("approver"):
            b.make("UnknownLink", entity_id("approver", rid), {
                "subject": c["approver"], "object": cid, "role": t("export.ftm.approver", lang),
                "date": c.get("date"), "recordId": rid})
    return b


def write(G: nx.MultiDiGraph, out: Path, lang: str | None = None) -> tuple[list[Path], dict]:
    from ..errors import GraphRiskError

    b = build(G, lang)
    errors = b.validate()
    if errors:
        raise GraphRiskError("FollowTheMoney entities failed validation: " + "; ".join(errors[:5]))
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = defaultdict(int)
    with out.open("w", encoding="utf-8") as fh:
        for eid in sorted(b.entities):
            proxy = b.entities[eid]
            counts[proxy.schema.name] += 1
            fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return [out], {"schemata": dict(sorted(counts.items())), "refused": b.refused}
