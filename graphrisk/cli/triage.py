"""``graphrisk triage``: record an investigator's decision on a finding, and list the decisions."""
from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from .. import store
from .. import triage as triage_mod
from ..i18n import current_lang, t
from ..rules import rule_name
from .base import cli, config_option, console, db_option, handle_errors


@cli.command()
@click.argument("official", metavar="OFFICIAL|list")
@click.option("--finding", default=None, metavar="ID", help="The finding's id (shown by `graphrisk triage OFFICIAL`).")
@click.option("--status", type=click.Choice(triage_mod.STATUSES), default=None, help="The decision on the finding.")
@click.option("--note", default=None, metavar="TEXT", help="Why (kept with the step, who and when).")
@click.option("--filter-status", "filter_status", type=click.Choice(triage_mod.STATUSES), default=None,
              help="With `list`: only findings whose latest step has this status.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@config_option
@handle_errors
def triage(official, finding, status, note, filter_status, fmt, db_path, config_path):
    """Triage findings: confirm, dismiss or watch one, with a note; list the decisions.

    Every step is kept with who (the OS user) and when. A dismissed finding
    stays listed but no longer raises the official's level, unless records
    are added to it later (new evidence). `graphrisk triage OFFICIAL` shows
    the official's findings with their ids and triage state; `graphrisk
    triage list` shows the latest step of every triaged finding.

    \b
    Example:
      graphrisk triage O000123
      graphrisk triage O000123 --finding F-1a2b3c4d5e6f --status dismissed --note "gift returned, receipt on file"
      graphrisk triage list --filter-status watch --format json
    """
    from .. import settings as settings_mod

    db = store.connect(db_path, create=False)
    if official == "list":
        rows = triage_mod.listing(db, status=filter_status)
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title=t("triage.list_title"), show_lines=False)
        for col in ("finding", "official", "rule", "status", "note", "user", "at", "steps"):
            table.add_column(t(f"triage.col.{col}"), overflow="fold")
        for r in rows:
            table.add_row(r["finding_id"], r["official_id"], escape(rule_name(r["rule"])), t(f"triage.status.{r['status']}"),
                          escape(r["note"] or ""), escape(r["user"]), r["at"], str(r["steps"]))
        console.print(table)
        return
    from ..engine import evaluation

    ev = evaluation(db, settings=settings_mod.load(config_path))
    if finding is None and status is None:
        flag = ev.flag(official)
        if flag is None:
            console.print(t("triage.no_findings", official=official), markup=False)
            return
        if fmt == "json":
            click.echo(json.dumps(flag.to_dict(), ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{flag.name} ({official}): {t('common.levels.' + flag.level)} {flag.score:.0f}")
        for col in ("finding", "rule", "score", "status", "summary"):
            table.add_column(t(f"triage.col.{col}"), overflow="fold")
        for r in flag.reasons:
            tri = r.metadata.get("triage") or {}
            state = t(f"triage.status.{tri['status']}") if tri else ""
            if tri.get("new_evidence"):
                state += " " + t("triage.new_evidence", ids=", ".join(tri["new_evidence"]))
            table.add_row(str(r.metadata.get("finding_id")), escape(rule_name(r.rule)), f"{r.score:.0f}", escape(state),
                          escape(r.text(current_lang())))
        console.print(table)
        return
    if not finding or not status:
        raise click.UsageError(t("triage.need_both"))
    row = triage_mod.set_status(db, official, finding, status, note, evaluation=ev)
    after = evaluation(db, settings=settings_mod.load(config_path))
    flag = after.flag(official)
    if fmt == "json":
        click.echo(json.dumps({**row, "level": flag.level if flag else "green",
                               "score": flag.score if flag else 0.0}, ensure_ascii=False, indent=2))
        return
    console.print(t("triage.recorded", finding=row["finding_id"], official=official,
                    status=t(f"triage.status.{status}"), user=row["user"], at=row["at"],
                    level=t("common.levels." + (flag.level if flag else "green")),
                    score=f"{flag.score if flag else 0.0:.0f}"), markup=False)
