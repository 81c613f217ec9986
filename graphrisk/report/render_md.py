"""The report as Markdown for email or chat: the same sections, tables kept short, data escaped."""
from __future__ import annotations

import re

from . import fmt, foreign
from .i18n import labels
from .render_html import defang

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!&~{}])")


def esc(value) -> str:
    """Text from data, inert in Markdown: special characters backslash-escaped, on one line."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\r\n\u2028\u2029]+", " ", text)
    return defang(_MD_SPECIAL.sub(r"\\\1", text))


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def render_md(data: dict, lang: str = "en", top_units: int = 15, period_note: str | None = None,
              links: bool = True) -> str:
    from ..rules import rule_name
    from .i18n import data_version_text
    from .render_html import in_lang, layout_text

    L = labels(lang)
    r = data
    p = r["period"]
    lines = [f"# {L['title']} · {p['label']}", "",
             f"{L['period']}: {p['since']} – {p['until']} · {L['previous']}: {p['previous']['label']} "
             f"({p['previous']['since']} – {p['previous']['until']}) · {L['generated_from']}: "
             f"{esc(data_version_text(r['data_version'], lang))}", ""]
    if period_note:
        lines += [f"_{esc(period_note)}_", ""]
    if r["quiet"]:
        lines += [f"**{L['quiet']}**", ""]
    lines += [f"## {L['headline']}", ""]
    lv = r["levels"]
    lines += _table([L["level"], f"{L['before']} ({lv['previous_as_of']})", f"{L['now']} ({lv['as_of']})",
                     L["change"]],
                    [[L[x], str(lv["previous"][x]), str(lv["current"][x]), fmt.delta(lv["change"][x])]
                     for x in ("red", "orange", "yellow", "green")])
    lines += [f"**{L['received']}** ({L['received_note']})", ""]
    lines += _table([L["kind"], L["records"], L["amount"]],
                    [[L["kinds"][k], str(e["records"]), fmt.money(e.get("amount"), lang)]
                     for k, e in r["received"]["by_record_date"].items()])
    bb = r["received"]["by_batch"]
    if bb["batches"]:
        lines += [f"**{L['batches']}**", ""]
        lines += _table([L["kind"], L["files"], L["rows"], L["inserted"], L["updated"], L["dated_before"]],
                        [[L["kinds"].get(k, esc(k)), str(e["batches"]), str(e["rows"]), str(e["inserted"]),
                          str(e["updated"]), str(e["dated_before_period"])] for k, e in bb["by_kind"].items()])
    else:
        lines += [L["no_batches"], ""]

    flagged = r.get("flagged", [])
    lines += [f"## {layout_text('flagged', lang)} ({len(flagged)})", "",
              layout_text("flagged_note", lang, date=r["levels"]["as_of"]), ""]
    if not flagged:
        lines += [L["none"], ""]
    for e in flagged:
        refs = [f"[{L['open_map']}]({e['map']})"] if e.get("map") and links else []
        refs += [f"[{layout_text('case', lang)}]({e['case']})"] if e.get("case") and links else []
        top = in_lang(e["reasons"][0], "summaries", "summary", lang) if e["reasons"] else ""
        lines.append(f"- **{esc(e['name'])}** ({esc(e['official_id'])}, {esc(e['unit'] or '')}): {L[e['level']]}, "
                     f"{L['score'].lower()} {e['score']:.0f}" + (f" · {' · '.join(refs)}" if refs else "")
                     + (f" — {esc(top)}" if top else ""))
    lines.append("")

    att = r["attention"]
    lines += [f"## {L['attention']}", "", L["attention_note"].format(level=L[att["level"]]), ""]
    for section in ("new", "escalated", "de_escalated", "new_evidence"):
        lines += [f"### {L[section]} ({len(att[section])})", ""]
        if not att[section]:
            lines += [L["none"], ""]
            continue
        for e in att[section]:
            link = f" · [{L['open_map']}]({e['map']})" if e["map"] and links else ""
            link += f" · [{layout_text('case', lang)}]({e['case']})" if e.get("case") and links else ""
            lines.append(f"- **{esc(e['name'])}** ({esc(e['official_id'])}, {esc(e['unit'] or '')}): "
                         f"{L[e['previous_level']]} → {L[e['level']]}, {L['score'].lower()} "
                         f"{e['previous_score']:.0f} → {e['score']:.0f}{link}")
            for x in e["reasons"]:
                tag = f" _({L['in_period']})_" if x["in_period"] else ""
                lines.append(f"  - \\[{esc(rule_name(x['rule'], lang))} {x['score']:.0f}\\] "
                             f"{esc(in_lang(x, 'summaries', 'summary', lang))}{tag}")
        lines.append("")

    lines += [f"## {L['paths']} ({len(r['paths']['new'])})", "", L["paths_note"].format(n=r["paths"]["total"]), ""]
    if not r["paths"]["new"]:
        lines += [L["none"], ""]
    for x in r["paths"]["new"]:
        gap = "" if x["gap_days"] is None else f", {L['gap'].lower()} {x['gap_days']}"
        lines += [f"- **{x['score']:.0f}** {esc(x['official_name'])} → {esc(x['company_name'])} "
                  f"({esc(x['path_id'])}{gap}): {esc(in_lang(x, 'explanations', 'explanation', lang))}"]
    lines.append("")

    lines += foreign.markdown(r.get("foreign_affairs"), lang, esc, _table)

    units = [u for u in r["units"] if u["flagged"] > 0]
    lines += [f"## {L['units']}", "", L["units_note"], ""]
    if units:
        lines += _table([L["unit"], L["red"], L["orange"], L["yellow"], L["flagged_before"], L["contracts"],
                         L["contract_amount"]],
                        [[esc(u["unit"]), str(u["red"]), str(u["orange"]), str(u["yellow"]),
                          str(u["previous_flagged"]), str(u["contracts"]), fmt.money(u["contract_amount"], lang)]
                         for u in units[:top_units]])
        if len(units) > top_units:
            lines += [L["more_units"].format(n=len(units) - top_units), ""]
    else:
        lines += [L["none"], ""]

    if r["movers"]:
        lines += [f"## {L['movers']}", "", L["movers_note"], ""]
        for m in ("pagerank", "brokerage"):
            rows = r["movers"].get(m) or []
            lines += [f"### {L[m]}", ""]
            if not rows:
                lines += [L["none"], ""]
                continue
            lines += _table([L["official"], L["unit"], L["before"], L["now"], L["change"], L["rank"]],
                            [[f"{esc(x['name'])} ({esc(x['official_id'])})", esc(x["unit"] or ""),
                              fmt.num(x["previous"]), fmt.num(x["value"]), "+" + fmt.num(x["change"]),
                              f"{x['previous_rank'] or '–'} → {x['rank']}"] for x in rows])

    lines += [f"## {L['chart_trend'].format(n=len(r['trend']))}", ""]
    lines += _table([L["week"], L["red"], L["orange"], L["yellow"], L["flagged"]],
                    [[t["week"], str(t["red"]), str(t["orange"]), str(t["yellow"]), str(t["flagged"])]
                     for t in r["trend"]])

    lines += [f"## {L['appendix']} ({len(r['records'])})", ""]
    if r["records"]:
        lines += _table([L["record"], L["kind"], L["date"], L["amount"], L["source"], L["row"]],
                        [[esc(x["record_id"]), L["kinds"].get(x["kind"], x["kind"]), x["date"] or "",
                          fmt.money({x["currency"] or "": x["amount"]}, lang) if x["amount"] is not None else "",
                          esc(x["file_name"] or ""), str(x["row"] or "")] for x in r["records"]])
    else:
        lines += [L["none"], ""]
    lines += [f"_{L['footer']}_", ""]
    return "\n".join(lines)
