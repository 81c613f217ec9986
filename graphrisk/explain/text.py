"""The case file in words: labels from the catalogue and the model (rule titles, record kinds, node kinds,
levels), one line per record, and the plain-text case file (:func:`case_text`, what ``graphrisk explain``
prints). ``graphrisk.explain_html`` builds the HTML form from the same pieces."""
from __future__ import annotations

from .. import schema
from ..i18n import catalogue, current_lang, fmt_date, fmt_money, t
from .model import CaseFile, CaseRecord


def rule_title(rule_id: str, lang: str | None = None) -> str:
    """A rule's name from the catalogue (the rules' domain file) when it has one, else its registered title."""
    lang = lang or current_lang()
    cat = catalogue()
    for key in (f"rules.{rule_id}.name", f"rules.{rule_id}.title", f"rule.{rule_id}.name", f"rules.names.{rule_id}"):
        if key in cat:
            return t(key, lang)
    try:
        from ..rules import load_builtin

        rule = load_builtin().get(rule_id)
    except Exception:  # a rule registry that fails to load must not hide the case file
        rule = None
    return rule.title if rule is not None and lang == "en" else rule_id


def record_kind_label(kind: str, lang: str | None = None) -> str:
    """A record kind's label (``gifts`` -> ``Gift`` / ``礼品``) from the model."""
    lang = lang or current_lang()
    k = schema.KINDS.get(kind)
    if k is None:
        return kind
    key = f"explain.kind.{kind}"
    if key in catalogue():
        return t(key, lang)
    label = k.label.get(lang) or k.label.get("en") or kind
    return label[:1].upper() + label[1:]



def node_label(kind: str | None, lang: str | None = None) -> str:
    """A node kind's name from the model (``company`` -> 企业 / Company)."""
    n = schema.NODES.get(kind or "")
    if n is None:
        return kind or ""
    return n.label.get(lang or current_lang()) or n.label["en"]


def points(x: float) -> str:
    """Points to two decimals (``2.2``, ``90``); a share too small to show says so (``<0.01``)."""
    if 0 < x < 0.005:
        return "<0.01"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def level_label(level: str, lang: str | None = None) -> str:
    return t(f"common.levels.{level}", lang or current_lang())


def describe_record(rec: CaseRecord, official_id: str, lang: str | None = None) -> str:
    """One line: date, kind, amount, counterpart(s), what, and where it is recorded (file, row)."""
    lang = lang or current_lang()
    parts = [fmt_date(rec.date, lang) or t("explain.no_date", lang), record_kind_label(rec.kind, lang),
             rec.record_id]
    if rec.amount is not None:
        parts.append(fmt_money(rec.amount, rec.currency, lang))
    cps = rec.counterparts(official_id)
    if cps:
        sep = "、" if lang == "zh" else ", "
        parts.append(t("explain.counterpart", lang, names=sep.join(f"{p['name']} ({p['id']})" for p in cps)))
    what = detail_text(rec, lang)
    if what:
        parts.append(what)
    parts.append(source_text(rec, lang))
    return t("explain.sep", lang).join(p for p in parts if p)


def detail_text(rec: CaseRecord, lang: str | None = None) -> str:
    lang = lang or current_lang()
    out = []
    for col, v in rec.detail.items():
        if col in ("declared", "reported", "in_plan"):
            out.append(t(f"explain.flag.{col}.{'yes' if v in (1, True, '1') else 'no'}", lang))
        elif col == "method" and f"explain.method.{v}" in catalogue():
            out.append(t(f"explain.method.{v}", lang))
        elif col == "channel" and f"explain.channel.{str(v).lower()}" in catalogue():
            out.append(t(f"explain.channel.{str(v).lower()}", lang))
        elif col == "relation" and f"explain.relation.{v}" in catalogue():
            out.append(t(f"explain.relation.{v}", lang))
        elif col == "share_pct":
            out.append(t("explain.share", lang, pct=f"{v:g}" if isinstance(v, (int, float)) else v))
        else:
            out.append(str(v))
    return t("explain.sep", lang).join(out)


def source_text(rec: CaseRecord, lang: str | None = None) -> str:
    lang = lang or current_lang()
    if rec.file_name or rec.source_file:
        return t("explain.source", lang, file=rec.file_name or rec.source_file, row=rec.row if rec.row else "?")
    return t("explain.source_unknown", lang)


def reasons_text(case: CaseFile, lang: str | None = None) -> list[str]:
    """The reasons section: each reason, its score and what it adds, and its records, one per line."""
    lang = lang or current_lang()
    lines = []
    if not case.reasons:
        return [t("explain.no_findings", lang)]
    for i, r in enumerate(case.reasons, 1):
        lines.append(t("explain.reason_head", lang, n=i, rule=rule_title(r["rule"], lang), score=points(r["score"]),
                       adds=points(r["adds"])))
        lines.append("    " + (r.get("summaries", {}).get(lang) or r["summary"]))
        for rid in r["records"]:
            lines.append("    - " + describe_record(case.records[rid], case.official_id, lang))
        for ent in r.get("entities", []):
            lines.append("    - " + t("explain.entity_cited", lang, name=ent["name"], id=ent["id"],
                                        kind=node_label(ent["kind"], lang)))
        for rid in r["missing_records"]:
            lines.append("    - " + t("explain.record_not_found", lang, record_id=rid))
    return lines


def _units_text(case: CaseFile, lang: str) -> str:
    out = []
    for u in case.official["units"]:
        s = f"{u['name']} ({u['unit_id']})"
        if u.get("role") and u["source"] == "memberships":
            s += f" {u['role']}"
        if u.get("start_date") or u.get("end_date"):
            s += " " + t("explain.period", lang, start=fmt_date(u.get("start_date"), lang) or "…",
                         end=fmt_date(u.get("end_date"), lang) or "…")
        out.append(s)
    return ("、" if lang == "zh" else "; ").join(out)


def summary_lines(case: CaseFile, lang: str | None = None) -> list[str]:
    """Who, level and score, and how the score is made."""
    lang = lang or current_lang()
    o = case.official
    lines = [t("explain.title", lang, name=o["name"], official_id=o["id"])]
    if o.get("merged_from"):
        lines.append(t("explain.merged", lang, asked=o["merged_from"], official_id=o["id"]))
    if o.get("aliases"):
        lines.append(t("explain.aliases", lang, ids=", ".join(o["aliases"])))
    lines.append(t("explain.units", lang, units=_units_text(case, lang) or "—"))
    if o.get("position") or o.get("rank"):
        lines.append(t("explain.position", lang, position=" ".join(x for x in (o.get("position"), o.get("rank")) if x)))
    lines.append(t("explain.level_score", lang, level=level_label(case.level, lang), score=f"{case.score:g}"))
    c = case.scoring["cutoffs"]
    lines.append(t("explain.cutoffs", lang, red=f"{c['red']:g}", orange=f"{c['orange']:g}", yellow=f"{c['yellow']:g}"))
    if case.reasons:
        lines.append(t("explain.combine", lang))
    if case.scoring.get("capped_by"):
        lines.append(t("explain.capped", lang, level=level_label(case.level, lang),
                       uncapped=level_label(case.scoring["uncapped_level"], lang),
                       rule=rule_title(case.scoring["capped_by"], lang)))
    return lines


def case_text(case: CaseFile, lang: str | None = None) -> str:
    """The whole case file as plain text (what ``graphrisk explain`` prints)."""
    lang = lang or current_lang()
    lines = summary_lines(case, lang)
    lines += ["", t("explain.h.reasons", lang)]
    lines += reasons_text(case, lang)
    lines += ["", t("explain.h.paths", lang)]
    if not case.paths:
        lines.append(t("explain.no_paths", lang))
    for p in case.paths:
        lines.append(t("explain.path_head", lang, path_id=p["path_id"], score=f"{p['score']:g}"))
        lines.append("    " + (p.get("explanations", {}).get(lang) or p["explanation"]))
    lines += ["", t("explain.h.timeline", lang)]
    if not case.timeline:
        lines.append(t("explain.no_timeline", lang))
    before = {}
    for link in case.links:
        before.setdefault(link["decision"], []).append(link)
    for rec in case.timeline:
        mark = "◆" if rec.role == "decision" else "•"
        lines.append(f"  {mark} " + describe_record(rec, case.official_id, lang))
        for link in before.get(rec.record_id, []):
            lines.append("      ↳ " + t("explain.benefit_before", lang, record_id=link["benefit"], days=link["days"]))
    return "\n".join(lines) + "\n"
