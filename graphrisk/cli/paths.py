"""``graphrisk paths``: time-ordered conflict-of-interest paths."""
from __future__ import annotations

import functools
import json

import click
from rich.markup import escape
from rich.table import Table

from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, handle_errors, window_options
from ..i18n import current_lang, t


@cli.command()
@click.option("--official", default=None, metavar="ID", help="Paths of one official.")
@click.option("--company", default=None, metavar="ID", help="Paths that reach one company.")
@click.option("--all", "all_", is_flag=True, help="Paths of every official (the default).")
@click.option("--max-hops", type=click.IntRange(1, 6), default=None, help="Private hops at most (default 4).")
@click.option("--window-days", type=click.IntRange(0), default=None,
              help="A benefit this many days before the award counts fully (default 365).")
@click.option("--min-score", type=float, default=None, help="Drop weaker paths (default from settings).")
@click.option("--top", type=int, default=None, help="Show only the N strongest paths.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--no-store", is_flag=True, help="Do not record this run in the store.")
@functools.partial(window_options, as_of=True)
@db_option
@config_option
@handle_errors
def paths(official, company, all_, max_hops, window_days, min_score, top, fmt, no_store, since, until, as_of,
          db_path, config_path):
    """Conflict-of-interest paths: decision power over a supplier reached by private ties.

    Each path links a contract an official's unit awarded (or the official
    approved) to a chain of gifts, sponsored trips, private contacts, family,
    shareholdings, roles and associates that reaches the same supplier, with
    the gap in days between benefit and award, a strength score and a
    plain-language explanation naming every record.

    JSON: a list of {path_id, official_id, company_id, score, nodes, edges:
    [{kind, record_id, date, amount, ...}], gap_days, hops, approved_personally,
    latest_date, explanation}.

    \b
    Example:
      graphrisk paths --official O000123 --format json
      graphrisk paths --all --max-hops 3 --window-days 180 --top 20
    """
    from ..api import Case

    if official and company:
        raise click.UsageError(t("cmd.paths.both"))
    cfg = settings_mod.load(config_path)
    search = {k: v for k, v in (("max_hops", max_hops), ("window_days", window_days)) if v is not None}
    if search:  # another search is another evaluation (stored and reused like any other)
        cfg = settings_mod.load(config_path, {"paths": search})
    case = Case(db_path, settings=cfg, create=False)
    result = case.paths(official=official, company=company, as_of=as_of, since=since, until=until,
                        min_score=min_score, store=not no_store).paths
    shown = result[:top] if top else result
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in shown], ensure_ascii=False, indent=2))
        return
    if not shown:
        console.print(t("cmd.paths.none"), markup=False)
        return
    lang = current_lang()
    title = t("cmd.paths.title_top", n=len(result), top=len(shown)) if top else t("cmd.paths.title", n=len(result))
    table = Table(title=title, show_lines=True)
    for col in ("score", "official", "company", "gap", "explanation"):
        table.add_column(t(f"cmd.paths.col.{col}"), overflow="fold")
    names = store.entity_names(case.db, {p.official_id for p in shown} | {p.company_id for p in shown})
    for p in shown:
        table.add_row(f"{p.score:.0f}", escape(f"{names.get(p.official_id)} ({p.official_id})"),
                      escape(f"{names.get(p.company_id)} ({p.company_id})"),
                      "" if p.gap_days is None else t("cmd.paths.days", n=p.gap_days), escape(p.text(lang)))
    console.print(table)
