"""The report as one self-contained HTML page: no script, no remote reference, every data value escaped."""
from __future__ import annotations

import re
from importlib import resources

import jinja2

from ..render import html as h
from . import charts, fmt, foreign
from ..rules import rule_name
from .i18n import data_version_text, labels


_URL_RE = re.compile(r"(?i)\b(https?):(//|\\/\\/)")


def defang(text: str) -> str:
    """Addresses quoted in the data (a description with a web address) stay readable but are not links or
    references: ``https://x`` becomes ``https[:]//x``. The template itself has none."""
    return _URL_RE.sub(lambda m: f"{m.group(1)}[:]{m.group(2)}", text)


def _env() -> jinja2.Environment:
    from ..render.html import environment

    return environment()


def layout_text(key: str, lang: str, **params) -> str:
    """A message of the report's own layout (``report_layout.*`` in the catalogue)."""
    from ..i18n import t

    return t(f"report_layout.{key}", lang, **params)


def in_lang(item: dict, texts: str, text: str, lang: str) -> str:
    """A finding's text in ``lang`` (``summaries``/``explanations``), else the stored one."""
    return (item.get(texts) or {}).get(lang) or item.get(text) or ""


def triage_text(counts: dict, lang: str) -> str:
    """{"confirmed": 1, "watch": 2} as "confirmed 1 · watch 2" (in Chinese 属实1项、持续关注2项)."""
    sep = "、" if lang == "zh" else " · "
    return sep.join(layout_text("triage_count", lang, status=layout_text(f"triage_status.{k}", lang), n=n)
                    for k, n in counts.items())


def render_html(data: dict, lang: str = "en", top_units: int = 15, period_note: str | None = None,
                links: bool = True) -> str:
    """The page; ``links=False`` when the maps and case files are not written beside it (no dead links)."""
    L = labels(lang)
    css = resources.files("graphrisk.render").joinpath("templates", "report.css").read_text(encoding="utf-8")
    css = css.replace("var(--font)", h.FONT_STACK)
    units = data["units"]
    shown = [u for u in units if u["flagged"] > 0][:top_units]
    html = _env().get_template("report.html").render(
        r=data, L=L, lang=lang, css=h.inline_css(css), fa=foreign.view(data.get("foreign_affairs"), lang),
        charts={"levels": charts.levels_chart(data["levels"]["current"], data["levels"]["previous"], L),
                "trend": charts.trend_chart(data["trend"], L),
                "units": charts.units_chart(shown, L)},
        maps={m["official_id"]: m["file"] for m in data["maps"]} if links else {}, links=links,
        units_shown=shown, units_more=max(len([u for u in units if u["flagged"] > 0]) - len(shown), 0),
        money=lambda a: fmt.money(a, lang), delta=fmt.delta, num=fmt.num, period_note=period_note,
        T=lambda key, **kw: layout_text(key, lang, **kw), tx=lambda item, texts, text: in_lang(item, texts, text, lang),
        dv=data_version_text(data["data_version"], lang),
        show_triage=any(e.get("triage") is not None for e in data.get("flagged", [])),
        triage_text=lambda counts: triage_text(counts, lang), rule_name=lambda rule: rule_name(rule, lang))
    html = defang(html)
    remote = h.find_remote_references(html)
    if remote:  # data cannot put one there (it is escaped); this guards the template
        raise ValueError(f"the report page would reference a remote resource: {remote[0]!r}")
    return html
