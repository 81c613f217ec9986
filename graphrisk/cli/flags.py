"""``graphrisk flags``: priority-attention officials with graded, explainable risk levels."""
from __future__ import annotations

import csv
import io
import json

import click

from .. import safeio
from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, date_option, db_option, handle_errors
from ..findings import LEVEL_RANK, LEVELS
from ..i18n import level_label, t

from ..render.console import LEVEL_STYLE, flags_table  # noqa: F401 (LEVEL_STYLE re-exported)


def flags_rows(flags, level: str, unit: str | None):
    return [f for f in flags if LEVEL_RANK[f.level] >= LEVEL_RANK[level] and (unit is None or f.unit_id == unit)]


def to_csv(flags) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["official_id", "name", "unit_id", "unit", "score", "level", "rule", "reason_score", "summary",
                "evidence", "summary_zh"])  # summary is the English text; summary_zh the Chinese
    for f in flags:
        for r in f.reasons:
            w.writerow(safeio.csv_row([f.official_id, f.name, f.unit_id, f.unit, f"{f.score:.2f}", f.level, r.rule,
                                      f"{r.score:.2f}", r.summary, ";".join(r.evidence), r.text("zh")]))
    return buf.getvalue()


def print_table(flags, top_reasons: int = 3, title: str | None = None) -> None:
    console.print(flags_table(flags, title, top_reasons))


@cli.command()
@click.option("--level", type=click.Choice(LEVELS), default="yellow", show_default=True,
              help="Show officials at this level or above.")
@click.option("--unit", default=None, metavar="ID", help="Only officials of this unit.")
@click.option("--official", default=None, metavar="ID",
              help="One official's level, score and every reason with its records (as `graphrisk explain`).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None, help="Write to FILE.")
@date_option("--as-of", "Grade with the records dated on or before DATE.")
@click.option("--no-store", is_flag=True, help="Do not record this run in the store.")
@db_option
@config_option
@handle_errors
def flags(level, unit, official, fmt, out_file, as_of, no_store, db_path, config_path):
    """Flag priority-attention officials (重点关注对象), graded red / orange / yellow / green.

    Runs every enabled rule (see docs/rules/), combines each official's
    findings into a 0-100 score and a level, and stores the run so a later
    run can tell whose level rose. Every reason cites its records.

    JSON: a list sorted by score of {official_id, name, unit_id, unit, score,
    level, reasons: [{rule, score, summary, evidence: [record ids], path}]}.

    \b
    Example:
      graphrisk flags --level orange
      graphrisk flags --format json --out flags.json --config my-settings.toml
      graphrisk flags --official O000123
    """
    from ..engine import evaluation

    cfg = settings_mod.load(config_path)
    db = store.connect(db_path, create=False)
    ev = evaluation(db, settings=cfg, as_of=as_of, store=not no_store)
    if official:
        _print_official(db, official, ev, cfg, fmt, out_file, as_of)
        return
    shown = flags_rows(ev.flags, level, unit)
    if fmt == "json":
        text = json.dumps([f.to_dict() for f in shown], ensure_ascii=False, indent=2)
    elif fmt == "csv":
        text = to_csv(shown)
    else:
        text = None
    if out_file:
        if text is None:
            text = json.dumps([f.to_dict() for f in shown], ensure_ascii=False, indent=2)
        safeio.write_text(out_file, text, encoding="utf-8")
        console.print(t("cmd.flags.wrote", n=len(shown), path=out_file), markup=False)
        return
    if text is not None:
        click.echo(text, nl=False) if fmt == "csv" else click.echo(text)
        return
    counts = {lvl: sum(1 for f in ev.flags if f.level == lvl) for lvl in reversed(LEVELS)}
    print_table(shown)
    levels = t("cmd.flags.level_sep").join(t("cmd.flags.level_count", level=level_label(k), n=v)
                                           for k, v in counts.items() if k != "green")
    console.print(t("cmd.flags.levels", counts=levels, paths=len(ev.paths), seconds=f"{ev.seconds:.1f}"),
                  markup=False)
    if (ev.unresolved or {}).get("references"):
        console.print(t("cmd.flags.unresolved", references=ev.unresolved["references"], names=ev.unresolved["names"]),
                      markup=False)


def _print_official(db, official, ev, cfg, fmt, out_file, as_of):
    """``flags --official``: the official's reasons as ``graphrisk explain`` gives them (same evaluation)."""
    from ..explain import explain, reasons_text, summary_lines

    case = explain(db, official, settings=cfg, as_of=as_of, evaluation=ev)
    if fmt == "json" or (out_file and fmt != "csv"):
        flag = next((f for f in ev.flags if f.official_id == official), None)
        text = json.dumps([flag.to_dict()] if flag else [], ensure_ascii=False, indent=2)
    elif fmt == "csv":
        flag = next((f for f in ev.flags if f.official_id == official), None)
        text = to_csv([flag] if flag else [])
    else:
        text = "\n".join(summary_lines(case) + [""] + reasons_text(case)) + "\n"
    if out_file:
        safeio.write_text(out_file, text, encoding="utf-8")
        from ..i18n import t

        console.print(t("explain.wrote", name=case.official["name"], official_id=official, path=out_file),
                      markup=False)
    else:
        click.echo(text, nl=False)
