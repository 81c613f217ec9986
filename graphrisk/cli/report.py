"""``graphrisk report``: the weekly exposure report, for a Monday cron job."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, err_console, handle_errors
from ..errors import GraphRiskError


def _fail(message: str) -> None:
    from ..i18n import t

    err_console.print(t("cmd.error", message=message), markup=False, soft_wrap=True)
    sys.exit(1)


@cli.command("report")
@click.option("--week", default=None, metavar="YYYY-Www|latest-data",
              help="ISO week to report on, e.g. 2026-W47; 'latest-data' = the last complete week of the data "
                   "(default: the latest complete ISO week with data, which the report says).")
@click.option("--since", default=None, metavar="DATE", help="Report on a date range instead (with --until).")
@click.option("--until", default=None, metavar="DATE", help="Last day of the range (with --since).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write into (default: reports/<week>/ beside the store, e.g. outputs/reports/<week>/).")
@click.option("--format", "formats", default="html,json,md,csv", show_default=True, metavar="LIST",
              help="Comma-separated: html, json, md, csv.")
@click.option("--lang", default=None, metavar="en|zh", help="Language of the labels (default: [report] lang, en).")
@click.option("--no-maps", is_flag=True, help="Do not write the officials' maps beside the report.")
@click.option("--no-store", is_flag=True, help="Do not store the evaluations this report makes as runs.")
@click.option("--quiet", is_flag=True, help="Print nothing on success (errors still go to stderr).")
@db_option
@config_option
@handle_errors
def report(week, since, until, out_dir, formats, lang, no_maps, no_store, quiet, db_path, config_path):
    """Write the weekly exposure report: what changed, who rose, which conflict paths are new.

    Content: records dated in the week by kind (and the registers loaded
    during it), officials by level against the previous week, everyone red
    or orange (changed or not, with their top reasons, triage state and
    links to their map and case file), the priority-attention officials
    who are new, escalated, de-escalated or have new evidence, new conflict
    paths, exposure by unit, movers in PageRank and brokerage, a 12-week
    trend, and every cited record with its source file and row. Without
    --week or --since/--until it reports on the latest complete ISO week
    with data, and says so.

    The previous week's levels are those as of its end date (the engine's
    stored evaluation with that as_of on the same data and settings, or a
    new one), never the store's latest run. Evaluations made here are
    stored, so the next report is quick. The same store, settings and week
    give a byte-identical report.json (run details go to meta.json).

    Files: index.html (self-contained, offline, printable), report.json,
    report.md, CSV tables, maps/<official>.html, cases/case-<official>.html,
    meta.json. Exit 0 on success
    (also for a quiet week, which the report says), 1 with a one-line reason
    otherwise.

    \b
    Example:
      graphrisk report                          # latest complete ISO week with data, into reports/<week>/
      graphrisk report --week latest-data       # the last complete week of the data
      graphrisk report --week 2026-W46 --lang zh --format html,md --out /srv/reports/W46
      graphrisk report --since 2026-10-01 --until 2026-10-31 --quiet
    """
    try:
        _run(week, since, until, out_dir, formats, lang, no_maps, no_store, quiet, db_path, config_path)
    except GraphRiskError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}" if exc.filename else str(exc))
    except Exception as exc:  # a cron job wants one line; GRAPHRISK_DEBUG=1 shows the traceback
        if os.environ.get("GRAPHRISK_DEBUG"):
            raise
        _fail(f"report failed: {type(exc).__name__}: {exc} (set GRAPHRISK_DEBUG=1 for the traceback)")


def _run(week, since, until, out_dir, formats, lang, no_maps, no_store, quiet, db_path, config_path):
    from ..report import FORMATS, make_report, resolve_period
    from ..report.i18n import LANGS
    from ..report.period import parse_iso_date

    t0 = time.perf_counter()
    fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise GraphRiskError(f"--format: unknown format '{','.join(bad) or formats}' "
                             f"(choose from {', '.join(FORMATS)})")
    if lang is not None and lang not in LANGS:
        raise GraphRiskError(f"--lang: '{lang}' is not one of {', '.join(LANGS)}")
    since = parse_iso_date(since, "--since") if since else None
    until = parse_iso_date(until, "--until") if until else None
    cfg = settings_mod.load(config_path)
    db = store.connect(db_path, create=False)
    period = resolve_period(db, week, since, until)
    out = Path(out_dir) if out_dir else Path(db_path).parent / "reports" / period.label
    rep, files = make_report(db, period, cfg, out, formats=fmts, lang=lang, maps=not no_maps,
                             store_runs=False if no_store else None)
    if quiet:
        return
    d = rep.data
    att = d["attention"]
    main = next((p for p in files if p.name == "index.html"), files[0])
    n_maps = sum(1 for p in files if p.parent.name == "maps")
    from ..i18n import fmt_date, level_label, t

    console.print(t("cmd.report.wrote", main=main, n=len(files) - 1, maps=n_maps, label=period.label,
                    since=fmt_date(str(period.since)), until=fmt_date(str(period.until)),
                    seconds=f"{time.perf_counter() - t0:.1f}"), markup=False)
    if getattr(period, "chosen", "") == "latest_data":
        console.print(t("report_layout.period_default_cli", label=period.label, since=fmt_date(period.since),
                        until=fmt_date(period.until), date=fmt_date(period.latest_record) or "?"), markup=False)
    if d["quiet"]:
        console.print(t("cmd.report.quiet"), markup=False)
        return
    lv = d["levels"]
    levels = t("cmd.flags.level_sep").join(
        t("cmd.report.level", level=level_label(k), n=lv["current"][k], change=f"{lv['change'][k]:+d}")
        for k in ("red", "orange", "yellow"))
    console.print(t("cmd.report.summary", records=f"{d['received']['total']:,}", levels=levels,
                    new=len(att["new"]), escalated=len(att["escalated"]), de_escalated=len(att["de_escalated"]),
                    evidence=len(att["new_evidence"]), paths=len(d["paths"]["new"])), markup=False)
