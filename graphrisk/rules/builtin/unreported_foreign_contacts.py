"""Unreported foreign contacts: contacts with a foreign counterpart that were not reported (报备).

A yellow signal under reporting discipline. It never scores anyone for a nationality: a contact
counts only when its record says it was not reported (``reported`` false); a reported contact, or
one whose reporting is unknown, gives nothing. Foreign: the contact's country, else the
counterpart's, differs from the home country (the most common country of the units).
"""
from __future__ import annotations

from collections import defaultdict

from ...findings import Reason
from ...schema import is_private_channel
from ...i18n import LANGS, fmt_date, t
from .. import Finding, rule
from ..scale import band
from ._common import ranges
from ._trips import abroad


@rule("unreported_foreign_contacts", "Unreported foreign contacts", max_level="orange", order=35, validate=ranges(many_contacts=(1, None)), paths=False)
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("unreported_foreign_contacts")
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, k, d in ctx.edges("contact"):
        if d.get("reported") != 0 or ctx.kind(u) != "official":
            continue
        country = d.get("country") or ctx.node(v).get("country")
        if not abroad(ctx, country, cfg["home_country"]):
            continue
        groups[(u, v)].append({**d.copy(), "_country": country})
    out = []
    for (o, cp), contacts in sorted(groups.items()):
        contacts.sort(key=lambda d: (d.get("date") or "", d["record_id"]))
        private = sum(1 for d in contacts if is_private_channel(d.get("channel")))
        strength = min(1.0, (len(contacts) - 1) / max(cfg["many_contacts"] - 1, 1) + (0.25 if private else 0.0))
        last = contacts[-1]
        ids = [d["record_id"] for d in contacts]
        summaries = {lang: t("rules.unreported_foreign_contacts.summary", lang, official=ctx.name(o), n=len(contacts),
                             counterpart=ctx.name(cp), country=last["_country"], date=fmt_date(last.get("date"), lang),
                             ids=", ".join(ids[:5])) for lang in LANGS}
        out.append(Finding(o, Reason(
            rule="unreported_foreign_contacts", score=band(ctx.settings, "yellow", strength),
            summary=summaries["en"], summaries=summaries, evidence=ids, path=[o, cp],
            company_id=cp if ctx.kind(cp) == "company" else None, latest_date=last.get("date"),
            metadata={"country": last["_country"], "contacts": len(contacts), "private": private})))
    return out
