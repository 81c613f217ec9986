"""``graphrisk map``: an interactive, self-contained HTML map of an official, a company, a path or the flagged."""
from __future__ import annotations

import click

from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, err_console, handle_errors, window_options
from ..findings import LEVELS
from ..i18n import t


@cli.command("map")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="HTML file to write (one self-contained file; nothing else is written). Default: "
                   "maps/<official-ID|company-ID|path-ID|overview>.html beside the store.")
@click.option("--official", metavar="ID", help="An official's network.")
@click.option("--company", metavar="ID", help="Who in government is tied to a company (or person).")
@click.option("--path", "path_id", metavar="ID", help="One conflict path (P-...) on its surroundings.")
@click.option("--paths", "only_paths", is_flag=True,
              help="With --official: the official's conflict paths and immediate surroundings only.")
@click.option("--overview", is_flag=True, help="The flagged officials and what ties them, for a briefing.")
@click.option("--min-level", type=click.Choice(list(LEVELS)), default="yellow", show_default=True,
              help="With --overview: lowest risk level shown.")
@click.option("--hops", type=click.IntRange(0, 6), default=None,
              help="Neighbourhood size (an official's map: their paths and direct private ties unless given; "
                   "a company: [map] hops, 2; a path: 1).")
@window_options
@db_option
@config_option
@handle_errors
def map_command(out_path, official, company, path_id, only_paths, overview, min_level, hops, since, until,
                db_path, config_path):
    """Write an interactive HTML map: one file that works offline, with search, filters and paths.

    Choose one of --official, --company, --path, --overview. An official's
    map shows their conflict paths and direct private ties, with the
    timeline of their records below; the overview shows the flagged
    officials and the companies on their paths. Hubs (units, very connected
    nodes) are collapsed "(+N)" and expand on click; clicking a path dims
    the rest; search finds simplified or traditional characters, pinyin,
    ids and record ids. Node shape and colour show the kind, a ring the
    official's risk level; parallel records collapse into one line (×N).
    Maps keep at most [map] max_nodes nodes (150) and say what they left out.

    \b
    Example:
      graphrisk map --official O0001 --hops 2 --out outputs/maps/O0001.html
      graphrisk map --official O0001 --paths --out outputs/maps/O0001-paths.html
      graphrisk map --company C0042 --since 2025-01-01 --out outputs/maps/C0042.html
      graphrisk map --overview --min-level orange --out outputs/maps/overview.html
    """
    from ..render.map_load import map_from_store

    chosen = [name for name, v in (("--official", official), ("--company", company), ("--path", path_id),
                                   ("--overview", overview)) if v]
    if len(chosen) != 1:
        raise click.UsageError(t("cmd.map.choose_one")
                               + (t("cmd.map.got", options=", ".join(chosen)) if chosen else ""))
    if only_paths and not official:
        raise click.UsageError(t("cmd.map.paths_with_official"))
    if hops is not None and overview:
        raise click.UsageError(t("cmd.map.hops_overview"))
    if out_path is None:  # beside the store, as the report and the demo write them
        from pathlib import Path

        name = ("overview" if overview else f"official-{official}" if official else
                f"company-{company}" if company else f"path-{path_id}")
        out_path = str(Path(db_path).parent / "maps" / f"{name}{'-paths' if only_paths else ''}.html")
    cfg = settings_mod.load(config_path)
    db = store.connect(db_path, create=False)
    notes: list[str] = []
    rendered = map_from_store(db, official=official, company=company, path_id=path_id, only_paths=only_paths,
                              overview=overview, min_level=min_level, hops=hops, since=since, until=until,
                              settings=cfg, notes=notes)
    for n in notes:
        err_console.print(t("cmd.note", message=n), markup=False)
    p = rendered.write(out_path)
    s = rendered.summary
    line = t("cmd.map.wrote", path=p, nodes=f"{s['nodes']:,}", lines=f"{s['edges']:,}", records=f"{s['records']:,}",
             paths=s["paths"])
    if s["omitted"]:
        line += t("cmd.map.capped", omitted=f"{s['omitted']:,}", cap=f"{s['cap']:,}")
    console.print(line, markup=False)
