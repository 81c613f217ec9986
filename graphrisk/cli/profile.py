"""Mapping profiles: draft one from a file, check one against a file."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from .base import cli, config_option, console, db_option, handle_errors


@cli.group()
def profile():
    """Mapping profiles: how to read a register as it is published (docs/profiles.md)."""


@profile.command("draft")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", default=None, help="Kind of records in FILE (default: guessed from its headers).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Write the draft here (default: print it).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@db_option
@handle_errors
def draft_cmd(file, kind, out_path, force, db_path):
    """Write a commented draft profile by reading FILE.

    Headers are matched to canonical columns by name and built-in Chinese and
    English synonyms (送礼人, 收礼人, 日期, 金额, 单位, donor, minister, ...);
    reference columns whose values read as names become *_name; day-first
    dates are detected from values above 12; currency signs give the
    currency; non-numeric amounts get a value map; nil-return rows a skip
    rule. Every guess is said in a comment: check them, then run
    `graphrisk profile check`. (--db is accepted for uniformity; no store is read.)

    \b
    Example:
      graphrisk profile draft ministers_gifts.csv --kind gifts --out gifts.toml
      graphrisk profile check gifts.toml ministers_gifts.csv
    """
    from ..i18n import t
    from ..ingest.profiles import draft

    if kind is not None:
        from ..schema import KINDS

        if kind not in KINDS:
            raise click.BadParameter(f"unknown kind '{kind}' (one of {', '.join(KINDS)})", param_hint="--kind")
    text = draft(file, kind)
    if not out_path:
        click.echo(text, nl=False)
        return
    p = Path(out_path)
    if p.exists() and not force:
        raise click.ClickException(f"{p} exists; pass --force to overwrite it")
    p.write_text(text, encoding="utf-8")
    console.print(t("profiles.draft.written", path=str(p), source=file), markup=False)


@profile.command("check")
@click.argument("profile_path", metavar="P.toml", type=click.Path(exists=True, dir_okay=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--rows", default=5, show_default=True, help="How many rows to show.")
@click.option("--currency", default=None, metavar="CUR", help="As ingest --currency.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", help="Output as a table or JSON.")
@db_option
@config_option
@handle_errors
def check_cmd(profile_path, file, rows, currency, fmt, db_path, config_path):
    """Show the first rows of FILE as they would load with profile P.toml, and every problem.

    Nothing is written. Names are shown as given (they are linked to
    entities only at ingest). The exit status is 1 when there is a problem.
    (--db is accepted for uniformity; no store is read.)

    \b
    Example:
      graphrisk profile check gifts.toml ministers_gifts.csv --rows 10
    """
    from .. import settings as settings_mod
    from ..i18n import kind_label, t
    from ..ingest.profiles import check, load

    prof = load(profile_path)
    res = check(prof, file, settings=settings_mod.load(config_path), rows=rows,
                currency=currency.strip().upper() if currency else None)
    if fmt == "json":
        click.echo(json.dumps({"kind": res.kind, "source_rows": res.source_rows, "records": res.records,
                               "skipped": res.skipped, "mapping": res.mapping,
                               "preview": [{k: _plain(v) for k, v in r.items()} for r in res.preview],
                               "problems": [str(p) for p in res.problems], "problem_count": res.problem_count,
                               "unmapped_required": res.unmapped_required},
                              ensure_ascii=False, indent=2))
    else:
        console.print(t("profiles.check.title", path=file, kind=kind_label(res.kind), records=res.records,
                        rows=res.source_rows), markup=False)
        if res.mapping:
            m = Table(title=t("profiles.check.mapping"))
            m.add_column(t("profiles.check.column"))
            m.add_column(t("profiles.check.source"))
            for c, src in res.mapping.items():
                m.add_row(c, src)
            console.print(m)
        for reason, n in res.skipped.items():
            console.print(t("profiles.check.skipped", n=n, reason=reason), markup=False)
        if res.preview:
            cols = list(dict.fromkeys(k for r in res.preview for k in r))
            pt = Table(title=t("profiles.check.first_rows"))
            for c in cols:
                pt.add_column(c, overflow="fold")
            for r in res.preview:
                pt.add_row(*[str(_plain(r.get(c, ""))) if r.get(c) is not None else "" for c in cols])
            console.print(pt)
        for c in res.unmapped_required:
            console.print(t("profiles.check.required", col=c), markup=False)
        if res.problem_count:
            console.print(t("profiles.check.problems", n=res.problem_count), markup=False)
            for p in res.problems:
                console.print(f"  {p}", markup=False)
        else:
            console.print(t("profiles.check.no_problems"), markup=False)
    if res.problem_count:
        raise SystemExit(1)


def _plain(v):
    """numpy scalars and NaN as plain JSON values."""
    try:
        import math

        if isinstance(v, float) and math.isnan(v):
            return None
        if hasattr(v, "item"):
            v = v.item()
            return None if isinstance(v, float) and math.isnan(v) else v
    except (TypeError, ValueError):
        pass
    return v
