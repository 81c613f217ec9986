"""Tables for a terminal (rich): what `graphrisk flags` and the demo print, written once."""
from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..i18n import current_lang, level_label, t
from ..rules import rule_name

LEVEL_STYLE = {"red": "bold red", "orange": "bold dark_orange", "yellow": "yellow", "green": "green"}


def flags_table(flags, title: str | None = None, top_reasons: int = 3) -> Table:
    """Priority-attention officials: level, score, official, unit and their strongest reasons, in the current language."""
    lang = current_lang()
    table = Table(title=title or t("cmd.flags.title"), show_lines=True)
    for col in ("level", "score", "official", "unit", "reasons"):
        table.add_column(t(f"cmd.flags.col.{col}"), overflow="fold")
    for f in flags:
        reasons = "\n".join(f"[{rule_name(r.rule)} {r.score:.0f}] {r.text(lang)}" for r in f.reasons[:top_reasons])
        if len(f.reasons) > top_reasons:
            reasons += "\n" + t("cmd.more", n=len(f.reasons) - top_reasons)
        table.add_row(f"[{LEVEL_STYLE[f.level]}]{escape(level_label(f.level))}[/]", f"{f.score:.0f}",
                      escape(f"{f.name} ({f.official_id})"), escape(f.unit or ""), escape(reasons))
    return table
