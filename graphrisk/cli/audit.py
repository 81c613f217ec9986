"""``graphrisk audit``: the store's hash-chained log of who ran what (verify it, read it)."""
from __future__ import annotations

import json

import click
from rich.markup import escape as markup_escape
from rich.table import Table

from .. import store
from ..i18n import t
from ..safeio import escape_text
from .base import cli, console, db_option, err_console, handle_errors


@cli.group("audit")
def audit_group():
    """The audit log: every command run on a store, by whom, with what it wrote.

    \b
    Example:
      graphrisk audit verify --db cases/dept.db
      graphrisk audit log --limit 20
    """


FILE_OPTION = click.option("--file", "log_file", type=click.Path(dir_okay=False), default=None,
                           help="A fallback log (JSON lines) instead of the store's table: where commands on a "
                                "read-only store are logged ($GRAPHRISK_AUDIT_FILE or ~/.local/state/graphrisk/).")


@audit_group.command("verify")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@FILE_OPTION
@db_option
@handle_errors
def audit_verify(fmt, log_file, db_path):
    """Check the audit log's hash chain: exit 0 when intact, 1 when an entry was edited, inserted or removed.

    Prints the latest hash: keep it elsewhere to show later that the whole log
    was not rebuilt.

    \b
    Example:
      graphrisk audit verify --db cases/dept.db && echo intact
      graphrisk audit verify --file ~/.local/state/graphrisk/audit.jsonl
    """
    from ..audit import verify, verify_fallback

    if log_file:
        v = verify_fallback(log_file)
    else:
        db = store.connect(db_path, create=False)
        v = verify(db)
        db.conn.close()
    if fmt == "json":
        click.echo(json.dumps(v.to_dict(), ensure_ascii=False, indent=2))
    elif v.ok:
        console.print(t("audit.verify_ok", n=v.entries, head=v.head or "-"), markup=False)
    else:
        err_console.print(t("audit.verify_bad", n=len(v.problems)), markup=False)
        for p in v.problems:
            err_console.print(f"  {escape_text(p)}", markup=False)
    if not v.ok:
        raise click.exceptions.Exit(1)


@audit_group.command("log")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="The latest N entries.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@FILE_OPTION
@db_option
@handle_errors
def audit_log(limit, fmt, log_file, db_path):
    """List the latest entries: time, user@host, command and arguments, data version, files written.

    \b
    Example:
      graphrisk audit log --limit 20
      graphrisk audit log --format json | jq '.[-1].outputs'
    """
    from ..audit import entries, read_fallback

    if log_file:
        rows = read_fallback(log_file)[-limit:]
        for r in rows:
            for k in ("params", "outputs"):
                try:
                    r[k] = json.loads(r[k]) if r.get(k) else None
                except ValueError:
                    pass
    else:
        db = store.connect(db_path, create=False)
        rows = entries(db, limit)
        db.conn.close()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print(t("audit.empty"), markup=False)
        return
    table = Table(title=t("audit.title"))
    for key in ("id", "at", "who", "command", "data", "outputs", "status"):
        table.add_column(t(f"audit.col.{key}"), overflow="fold")
    for r in rows:
        params = r.get("params") or {}
        shown = " ".join(f"{k}={v}" for k, v in sorted(params.items()) if v not in (None, False, (), [])
                         and k != "db_path")
        outs = "\n".join(o["path"] for o in (r.get("outputs") or []))
        cells = [str(r["id"]), r["at"], f"{r['user']}@{r['host']}", f"{r['command']} {shown}".strip(),
                 r["data_version"] or "", outs, str(r["status"])]
        table.add_row(*(markup_escape(escape_text(c)) for c in cells))
    console.print(table)
