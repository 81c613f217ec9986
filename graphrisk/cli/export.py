"""``graphrisk export``: the graph for Gephi, Aleph / FollowTheMoney, Neo4j and i2 Analyst's Notebook."""
from __future__ import annotations

import functools

import click

from .. import settings as settings_mod
from .. import store
from ..i18n import LANGS, current_lang, lang_setting, set_lang, t
from .base import cli, console, config_option, db_option, err_console, handle_errors, window_options


@cli.command()
@click.option("--to", "to", type=click.Choice(["graphml", "gexf", "ftm", "neo4j", "i2"]), required=True,
              help="graphml / gexf (Gephi), ftm (FollowTheMoney JSON lines for Aleph), neo4j (admin-import "
                   "CSVs, PATH is a folder), i2 (Analyst's Notebook .anx, needs anxwritter).")
@click.option("--official", default=None, metavar="ID", help="Only the network around this official.")
@click.option("--company", default=None, metavar="ID", help="Only the network around this company.")
@click.option("--hops", type=click.IntRange(0, 6), default=None,
              help="With --official/--company: ties to follow, either direction (default 2).")
@click.option("--out", "out_path", type=click.Path(), required=True, help="File to write (a folder for neo4j).")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="Language of labels (default: setting or locale).")
@functools.partial(window_options)
@db_option
@config_option
@handle_errors
def export(to, official, company, hops, out_path, lang, since, until, db_path, config_path):
    """Export the graph (or one official's or company's network) to other tools.

    Nodes keep their kind, name and provenance; every record becomes an edge
    with its kind, record id, date, amount, currency, source file and row.
    --since/--until keep the records dated in the window (entities stay).
    FollowTheMoney entities (Person, Company, PublicBody, Ownership,
    Directorship, Family, Associate, Payment for gifts, Event for trips and
    contacts, Contract and ContractAward) are validated with the
    followthemoney library before they are written.

    \b
    Example:
      graphrisk export --to gexf --out network.gexf
      graphrisk export --to graphml --official O000123 --hops 2 --out li-ming.graphml
      graphrisk export --to ftm --since 2026-01-01 --out entities.ftm.json
      graphrisk export --to neo4j --out neo4j-import/
      graphrisk export --to i2 --company C000456 --out huading.anx
    """
    from ..export import export as run_export

    cfg = settings_mod.load(config_path)
    set_lang(lang or lang_setting(cfg))
    lang = current_lang()
    if official and company:
        raise click.UsageError(t("export.error.both", lang))
    if hops is not None and not (official or company):
        raise click.UsageError(t("export.error.hops_without_seed", lang))
    db = store.connect(db_path, create=False)
    res = run_export(db, to, out_path, since=since, until=until, official=official, company=company,
                     hops=2 if hops is None else hops, lang=lang)
    files = ", ".join(str(f) for f in res.files)
    console.print(t("export.wrote", lang, nodes=res.nodes, edges=res.edges, format=to, files=files), markup=False)
    if to == "ftm":
        counts = ", ".join(f"{k} {v}" for k, v in res.extra.get("schemata", {}).items())
        console.print(t("export.ftm_counts", lang, counts=counts), markup=False)
        if res.extra.get("refused"):
            err_console.print(t("export.refused", lang, n=len(res.extra["refused"])), markup=False)
            for line in res.extra["refused"][:20]:
                err_console.print(f"  {line}", markup=False)
    if to == "neo4j":
        console.print(t("export.neo4j_hint", lang, nodes=res.files[0].name, relationships=res.files[1].name),
                      markup=False)
