"""Private contact before award: dinners or meetings with a supplier's people in the window before an award.

Reads every contact between the official and the supplier (or one of its
people) from the graph, not only the record a path chose: a gift on the same
tie must not hide the dinner.
"""
from __future__ import annotations

from datetime import date

from ...schema import is_private_channel
from ...i18n import LANGS, fmt_date, t
from ...narrate import channel_name
from .. import Finding, rule
from ._common import ROLES, chain, claimed, per_pair, ranges


def _contacts(ctx, a: str, b: str) -> list[dict]:
    return [d for u, v in ((a, b), (b, a)) for d in ctx.between(u, v) if d["kind"] == "contact"]


@rule("private_contact", "Private contact before award", max_level="orange", order=20, validate=ranges(window_days=(0, None)))
def check(ctx) -> list[Finding]:
    cfg = ctx.cfg("private_contact")
    repeated = ctx.settings["paths"]["min_repeated_contacts"]
    matches: dict[str, tuple] = {}
    seen = set()
    for p in ctx.paths:
        kinds = chain(p)
        if tuple(kinds[1:]) not in {()} | {(r,) for r in ROLES}:
            continue
        person = p.nodes[1]
        key = (p.official_id, person, p.decision.record_id)
        if key in seen:
            continue
        seen.add(key)
        award = p.decision.date
        if not award:
            continue
        in_window, before = [], []
        for d in _contacts(ctx, p.official_id, person):
            if d.get("date"):
                gap = (date.fromisoformat(award[:10]) - date.fromisoformat(d["date"][:10])).days
                if gap >= 0:
                    before.append(d)
                if 0 <= gap <= cfg["window_days"]:
                    in_window.append(d)
        private = [d for d in in_window if is_private_channel(d.get("channel"))]
        if private:
            sev, cited = "orange", private
        elif in_window and len(before) >= repeated:  # a standing pattern of meetings, the last in the window
            sev, cited = "yellow", before
        else:
            continue
        cited = sorted(cited, key=lambda d: (d["date"], d["record_id"]))
        ids = [d["record_id"] for d in cited]
        last = cited[-1]
        key = "rules.private_contact.private" if private else "rules.private_contact.office"
        summary = {lang: t(key, lang, official=ctx.name(p.official_id), n=len(cited), person=ctx.name(person),
                           window=cfg["window_days"], channel=channel_name(last.get("channel"), lang),
                           date=fmt_date(last["date"], lang), ids=", ".join(ids[:5]),
                           award=(p.explanations.get(lang) or p.explanation).split("; " if lang == "en" else "；")[-1])
                   for lang in LANGS}
        matches[p.path_id] = (sev, ids, summary)
    out = per_pair("private_contact", [(p, matches[p.path_id][0]) for p in ctx.paths if p.path_id in matches],
                   claimed(ctx), ctx=ctx)
    for f in out:
        _, ids, summary = matches[f.reason.path_id]
        chosen = {e.record_id for e in next(p for p in ctx.paths if p.path_id == f.reason.path_id).private_edges[:1]}
        f.reason.evidence = sorted(set(ids) | (set(f.reason.evidence) - chosen))
        f.reason.summary = summary["en"]
        f.reason.summaries = summary
    return out
