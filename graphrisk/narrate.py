"""Conflict paths told in words, in every language of the catalogue.

One clause per record of the path ("Wang Qiang is legal representative of Huading Technology", "2026年3月2日，
李明收受王强所送礼品，价值2万元"), then the award or decision, in the path's order. The wording lives in
``i18n/messages/paths.toml``; dates and money go through :func:`graphrisk.i18n.fmt_date` and
:func:`~graphrisk.i18n.fmt_money`; words from the data (names, destinations, relation or channel words not
in the vocabulary) are shown as they are.

The English text keeps the form the rules and stored runs have always read: clauses joined by ``"; "``,
the award last.
"""
from __future__ import annotations

from . import schema
from .findings import PathEdge
from .i18n import LANGS, catalogue, fmt_date, fmt_money, t

_SEP = {"en": "; ", "zh": "；"}
_END = {"en": "", "zh": "。"}


def _name(G, n: str | None) -> str:
    if n is None:
        return ""
    return str(G.nodes[n].get("name") or n) if n in G else str(n)


def _word(group: str, value, lang: str) -> str | None:
    """A vocabulary word (relation, channel, role, decision type) in ``lang``; None when not in the catalogue."""
    if value is None or value == "":
        return None
    entry = catalogue().get(f"paths.{group}.{str(value).strip().lower().replace(' ', '_')}")
    return entry.get(lang) if entry else None


def _date(d: str | None, lang: str) -> str:
    return fmt_date(d, lang) if d else t("paths.unknown_date", lang)


def _money(amount, currency, lang: str) -> str:
    return fmt_money(amount, currency, lang)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def channel_name(channel: str | None, lang: str = "en") -> str:
    """A contact channel as a noun (``dinner`` → 用餐, ``call`` → 电话); a word not in the vocabulary as given."""
    if not channel:
        return t("paths.channel_name.contact", lang)
    return _word("channel_name", channel, lang) or str(channel)


def relation_name(relation: str | None, lang: str = "en") -> str:
    """A relation word (``spouse`` → 配偶, ``former_colleague`` → 前同事); a word not in the vocabulary as given."""
    return _word("relation", relation, lang) or _word("role", relation, lang) or str(relation or "").replace("_", " ")


_FIELD_GROUPS = {"relation": ("relation", "role"), "channel": ("channel_name",), "method": ("method",),
                 "decision_type": ("decision_type",), "role": ("official_role",)}
_BOOL_FIELDS = ("declared", "reported", "in_plan", "government", "private")


def field_value(field: str, value, lang: str = "en") -> str:
    """A record's coded value in words for a reader: ``relation`` spouse → 配偶, ``channel`` dinner → 用餐,
    ``method`` single_source → 单一来源采购, ``decision_type``, an official's ``role``; yes/no for flags
    (declared, reported, in_plan). Anything else, or a word not in the vocabulary, as in the data."""
    if value is None or value == "":
        return ""
    if field in _BOOL_FIELDS:
        on = str(value).strip().lower() in ("1", "1.0", "true", "yes", "y", "是")
        return t("paths.yes" if on else "paths.no", lang)
    for group in _FIELD_GROUPS.get(field, ()):
        word = _word(group, value, lang)
        if word:
            return word
    return str(value)


def sampling_note(measure: str, info: dict, fallback: str = "", lang: str | None = None) -> str:
    """A centrality sampling note in plain words: how many starting nodes, how close the estimate came to exact.

    ``info`` is the measure's entry of ``CentralityResult.info``; ``fallback`` the library's own note.
    """
    if measure == "betweenness" and info.get("method") == "sampled":
        text = t("cmd.centrality.betweenness_sampled", lang, pivots=f"{info['pivots']:,}",
                 nodes=f"{info['nodes']:,}", threshold=f"{info['threshold']:,}")
        e = info.get("error") or {}
        if e:
            text += t("cmd.centrality.betweenness_checked", lang, check=f"{e['check_nodes']:,}", top=e["top"],
                      overlap=f"{e['overlap_top']:.0%}", median=f"{e['median_rel_error_top']:.0%}",
                      max=f"{e['max_rel_error_top']:.0%}")
        return text
    if measure == "closeness" and info.get("method") == "sampled":
        return t("cmd.centrality.closeness_sampled", lang, n=f"{info['estimated_nodes']:,}",
                 pivots=f"{info['pivots']:,}")
    return fallback


def clause(G, e: PathEdge, lang: str = "en", names: dict | None = None) -> str:
    """One private record of a path in words (``names`` overrides how nodes are called)."""
    names = names or {}
    a = names.get(e.source) or _name(G, e.source)
    b = names.get(e.target) or _name(G, e.target)
    k, rid = e.kind, e.record_id
    p = {"a": a, "b": b, "rid": rid, "date": _date(e.date, lang)}
    if k == "gift":
        declared = {1: "declared", True: "declared", 0: "undeclared", False: "undeclared"}.get(
            e.detail.get("declared"))
        p["declared"] = t(f"paths.gift_{declared}", lang) if declared else ""
        return t("paths.clause.gift", lang, amount=_money(e.amount, e.currency, lang), **p)
    if k == "trip_sponsor":
        return t("paths.clause.trip_sponsor", lang, dest=e.detail.get("destination") or "?",
                 amount=_money(e.amount, e.currency, lang), **p)
    if k == "trip_participant":
        return t("paths.clause.trip_participant", lang, dest=e.detail.get("destination") or "?", **p)
    if k == "contact":
        ch = e.detail.get("channel")
        word = _word("channel", ch or "contact", lang)
        if lang == "en":
            return t("paths.clause.contact", lang, channel=word or ch, **p)
        if word:
            return t("paths.clause.contact", lang, channel=word, **p)
        return t("paths.clause.contact_other", lang, channel=ch, **p)
    if k == "shareholder":
        pct = e.detail.get("share_pct")
        if pct is not None:
            return t("paths.clause.shareholder_pct", lang, pct=f"{pct:g}", **p)
        return t("paths.clause.shareholder", lang, **p)
    ek = schema.EDGE_KINDS.get(k)
    if k in schema.BUSINESS_RELATIONS:
        role = _word("role", k, lang) or (ek.label_zh if lang == "zh" and ek else k.replace("_", " "))
        return t("paths.clause.role", lang, role=role, **p)
    rel = e.detail.get("relation") or k
    word = _word("relation", rel, lang) or str(rel).replace("_", " ")
    if k == "family":
        return t("paths.clause.family", lang, relation=word, **p)
    if k == "associate" or (ek and ek.role == "tie"):
        return t("paths.clause.associate", lang, relation=word, article=_article(word), **p)
    label = (ek.label_zh if lang == "zh" else ek.label) if ek else k
    return t("paths.clause.other", lang, label=label or k, **p)


def award(G, c: PathEdge, official: str, gap: int | None, approved: bool, lang: str = "en") -> str:
    """The decision at the end of a path: the contract won or the decision granted, who took it, when."""
    off = _name(G, official)
    unit = c.detail.get("unit_id")
    decision = c.kind not in ("contract", "approved")
    prefix = "paths.decision." if decision else "paths.award."
    from_unit = t(prefix + "from_unit", lang, unit=_name(G, unit)) if unit and unit in G else \
        (t("paths.decision.no_unit", lang) if decision else "")
    role = c.detail.get("role")
    if approved and decision and role and role != "approver":
        approval = t("paths.award.took_part", lang, official=off,
                     role=_word("official_role", role, lang) or str(role).replace("_", " "))
    else:
        approval = t(prefix + ("approved_by" if approved else "by_unit"), lang, official=off)
    if gap is None:
        when = ""
    elif gap >= 0:
        when = t("paths.award.days_later", lang, days=gap)
    else:
        when = t("paths.award.days_before", lang, days=-gap)
    p = {"company": _name(G, c.target), "rid": c.record_id, "date": _date(c.date, lang),
         "from_unit": from_unit, "approval": approval, "gap": when}
    if not decision:
        return t("paths.award.contract", lang, amount=_money(c.amount, c.currency, lang), **p)
    dtype = c.detail.get("decision_type")
    what = _word("decision_type", dtype, lang) or (str(dtype).replace("_", " ") if dtype
                                                    else t("paths.award.a_decision", lang))
    amount = t("paths.decision.amount", lang, amount=_money(c.amount, c.currency, lang)) if c.amount is not None \
        else ""
    return t("paths.award.decision", lang, what=what, amount=amount, **p)


def explain(G, official: str, nodes: list[str], edges: list[PathEdge], gap: int | None, approved: bool,
            lang: str = "en") -> str:
    """Plain-language account of a path in ``lang``, naming every record in it."""
    off = _name(G, official)
    unit = G.nodes[official].get("unit_id") if official in G else None
    first = {official: t("paths.official_of_unit", lang, official=off, unit=_name(G, unit))} \
        if unit and unit in G else {}
    clauses = [clause(G, e, lang, first if i == 0 else None) for i, e in enumerate(edges[:-1])]
    clauses.append(award(G, edges[-1], official, gap, approved, lang))
    return _SEP[lang].join(clauses) + _END[lang]


def explain_all(G, official: str, nodes: list[str], edges: list[PathEdge], gap: int | None,
                approved: bool) -> dict[str, str]:
    """The account in every language: ``{"en": ..., "zh": ...}`` (ConflictPath.explanations)."""
    return {lang: explain(G, official, nodes, edges, gap, approved, lang) for lang in LANGS}


__all__ = ["award", "channel_name", "clause", "field_value", "explain", "explain_all", "relation_name", "sampling_note"]
