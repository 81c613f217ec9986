"""``graphrisk explain``: why is this official flagged? The case file of one official."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import settings as settings_mod
from .. import store
from ..i18n import LANGS, current_lang, lang_setting, set_lang, t
from .base import cli, config_option, console, date_option, db_option, handle_errors

FORMATS = ("text", "json", "html", "pdf")
_BY_SUFFIX = {".json": "json", ".html": "html", ".htm": "html", ".pdf": "pdf", ".txt": "text"}


@cli.command()
@click.argument("official")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="text (default), json, html (printable case file) or pdf (needs WeasyPrint); "
                   "default from the --out suffix.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None, help="Write to FILE.")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Language (default: setting or locale).")
@date_option("--as-of", "Grade with the records dated on or before DATE.")
@date_option("--since", "Only records dated on or after DATE.")
@db_option
@config_option
@handle_errors
def explain(official, fmt, out_file, lang, as_of, since, db_path, config_path):
    """Why is this official flagged? Their case file: level, score and every reason with its records.

    Shows who the official is (units, position), their level and score and
    what each point comes from (each finding's score and what it adds), every
    reason with its records (date, amount, counterpart, source file and row),
    their conflict paths drawn small, and a timeline of their contacts, gifts,
    trips, contracts and decisions with the benefits that came before each
    decision. The html form is a printable case file (offline, one official
    per document); print it to PDF from a browser, or use --format pdf.

    JSON: {official, level, score, scoring: {cutoffs, contributions, ...},
    reasons: [{rule, score, adds, summary, records, ...}], paths, timeline,
    links: [{benefit, decision, days}], records: {id: {date, amount, parties,
    source_file, row, ...}}, window}.

    \b
    Example:
      graphrisk explain O000123
      graphrisk explain O000123 --lang zh --format html --out case-O000123.html
      graphrisk explain O000123 --format json --as-of 2026-06-30
    """
    from ..explain import case_text, explain as explain_official

    cfg = settings_mod.load(config_path)
    set_lang(lang or lang_setting(cfg))
    lang = current_lang()
    if fmt is None:
        fmt = _BY_SUFFIX.get(Path(out_file).suffix.lower(), "text") if out_file else "text"
    if fmt == "pdf" and not out_file:
        raise click.UsageError(t("explain.pdf_needs_out", lang))
    db = store.connect(db_path, create=False)
    case = explain_official(db, official, settings=cfg, as_of=as_of, since=since)
    if fmt == "json":
        text = json.dumps(case.to_dict(), ensure_ascii=False, indent=2)
    elif fmt in ("html", "pdf"):
        from ..explain_html import render_html

        text = render_html(case, lang)
    else:
        text = case_text(case, lang)
    if fmt == "pdf":
        from ..explain_html import write_pdf

        try:
            write_pdf(text, out_file)
        except ImportError:
            raise click.ClickException(t("explain.pdf_unavailable", lang)) from None
    elif out_file:
        from .. import safeio  # atomic, private, noted for the audit log

        safeio.write_text(out_file, text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))
        return
    console.print(t("explain.wrote", lang, name=case.official["name"], official_id=case.official_id, path=out_file),
                  markup=False)
