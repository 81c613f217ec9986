"""``graphrisk entities``: review candidate duplicates, merge and unmerge entities, unresolved names."""
from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from .. import schema
from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, handle_errors


@cli.group()
def entities():
    """Entity resolution: candidate duplicates, merges (logged, undoable), unresolved names."""


@entities.command("duplicates")
@click.option("--kind", type=click.Choice(["company", "person", "official", "unit"]), default=None)
@click.option("--min-score", type=float, default=None, help="Lowest pair score shown (default from settings).")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@config_option
@handle_errors
def duplicates_cmd(kind, min_score, limit, fmt, db_path, config_path):
    """Candidate duplicate pairs with their score, reason and evidence, best first.

    Pairs whose strong identifiers differ (citizen id, credit code, registry
    number) are never listed.

    \b
    Example:
      graphrisk entities duplicates --kind company --min-score 0.85
    """
    from ..resolve.merge import duplicates

    db = store.connect(db_path, create=False)
    pairs = duplicates(db, kind, min_score, settings_mod.load(config_path), limit=limit)
    if fmt == "json":
        click.echo(json.dumps(pairs, ensure_ascii=False, indent=2, default=str))
        return
    t = Table(title=f"{len(pairs)} candidate pair(s)")
    for c in ("score", "a", "b", "reason"):
        t.add_column(c, overflow="fold")
    for p in pairs:
        t.add_row(f"{p['score']:.2f}", escape(f"{p['a_name']} ({p['a_id']})"), escape(f"{p['b_name']} ({p['b_id']})"),
                  escape(str(p["reason"])))
    console.print(t)


def _require_reason(value: str) -> str:
    """A merge changes what every analysis sees: say why, for whoever reviews the merge log."""
    if not (value or "").strip():
        from ..i18n import t as _t

        raise click.BadParameter(_t("cmd.entities.reason_required"), param_hint="--reason")
    return value.strip()


@entities.command("merge")
@click.argument("keep_id")
@click.argument("merged_id")
@click.option("--reason", required=True, callback=lambda ctx, param, v: _require_reason(v),
              help="Why (required): kept in the merge log.")
@click.option("--force", is_flag=True, help="Merge even when identifiers differ (logged).")
@db_option
@config_option
@handle_errors
def merge_cmd(keep_id, merged_id, reason, force, db_path, config_path):
    """Merge entity MERGED_ID into KEEP_ID. Nothing is deleted; the merge is logged and can be undone.

    \b
    Example:
      graphrisk entities merge C000123 CN-1a2b3c4d5e --reason "same credit code on the invoice"
    """
    from ..resolve.merge import merge

    db = store.connect(db_path, create=False)
    mid = merge(db, keep_id, merged_id, reason, force=force, settings=settings_mod.load(config_path))
    console.print(f"merged {merged_id} into {keep_id} (merge {mid}); undo with: graphrisk entities unmerge "
                  f"{merged_id}", markup=False)


@entities.command("unmerge")
@click.argument("merged_id")
@click.option("--reason", default="")
@db_option
@handle_errors
def unmerge_cmd(merged_id, reason, db_path):
    """Undo the merge of MERGED_ID (the log keeps both the merge and its undoing).

    \b
    Example:
      graphrisk entities unmerge CN-1a2b3c4d5e --reason "different companies after all"
    """
    from ..resolve.merge import unmerge

    db = store.connect(db_path, create=False)
    mid = unmerge(db, merged_id, reason)
    console.print(f"undid merge {mid}: {merged_id} is its own entity again", markup=False)


@entities.command("log")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def log_cmd(fmt, db_path):
    """Every merge and unmerge, newest first.

    \b
    Example:
      graphrisk entities log --format json
    """
    from ..resolve.merge import merge_log

    rows = merge_log(store.connect(db_path, create=False))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    t = Table(title=f"{len(rows)} merge(s)")
    for c in rows[0].keys() if rows else ("id",):
        t.add_column(str(c), overflow="fold")
    for r in rows:
        t.add_row(*[escape("" if v is None else str(v)) for v in r.values()])
    console.print(t)


def unresolved(db) -> list[dict]:
    """Records whose reference was given as a name that matched several entities (left unlinked)."""
    out = []
    for kind in schema.RECORD_KINDS + ["relations", "officials"]:
        k = schema.KINDS[kind]
        for c in k.columns:
            if not (c.refs and c.name.endswith("_id") and c.type != schema.LIST):
                continue
            name_col = c.name[:-3] + "_name"
            sql = (f"select t.[{k.id_column}] id, t.[{name_col}] name, b.path, t._row from [{kind}] t "
                   f"join batches b on b.id = t._batch where t.[{c.name}] is null and t.[{name_col}] is not null "
                   f"order by t.[{k.id_column}]")
            for r in db.query(sql):
                out.append({"kind": kind, "record_id": r["id"], "column": name_col, "name": r["name"],
                            "source_file": r["path"], "row": r["_row"]})
    return out


@entities.command("unresolved")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def unresolved_cmd(fmt, db_path):
    """Records whose name reference was ambiguous and was left unlinked for review.

    \b
    Example:
      graphrisk entities unresolved --format json
    """
    rows = unresolved(store.connect(db_path, create=False))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    t = Table(title=f"{len(rows)} unresolved reference(s)")
    for c in ("kind", "record", "column", "name", "source"):
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(r["kind"], escape(r["record_id"]), r["column"], escape(r["name"]),
                  escape(f"{r['source_file']}:{r['row']}"))
    console.print(t)
