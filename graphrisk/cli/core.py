"""Core commands: ingest, info, sample, config, demo."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from .. import settings as settings_mod
from .. import store
from .base import cli, config_option, console, db_option, err_console, handle_errors
from ..i18n import catalogue, current_lang, fmt_date, kind_label, t


# ------------------------------------------------------------------ ingest

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(sorted(__import__("graphrisk.schema").schema.KINDS)),
              help="Kind of every file given (default: from each file's name).")
@click.option("--map", "mapping", multiple=True, metavar="OLD=NEW",
              help="Rename a column before reading, e.g. --map 送礼人=giver_id (repeatable).")
@click.option("--format", "fmt", default=None, metavar="NAME",
              help="A real register's adapter, e.g. uk-commons-register, cn-vaccine-procurement.")
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False), default=None, metavar="P.toml",
              help="A mapping profile: how to read a register as published (columns, dates, values, "
                   "currency); see docs/profiles.md and `graphrisk profile draft`.")
@click.option("--currency", default=None, metavar="CUR",
              help="Currency of amounts that name none, e.g. GBP (else such an amount is an error).")
@click.option("--update", is_flag=True, help="Replace records whose id exists with other content "
                                              "(old versions go to the history table).")
@click.option("--skip-bad-rows", is_flag=True, help="Load good rows; write rejected ones with reasons "
                                                    "to a rejects CSV.")
@click.option("--rejects-dir", type=click.Path(file_okay=False), default=None,
              help="Where rejects CSVs go (default: rejects/ beside the store).")
@click.option("--format-output", "out_format", type=click.Choice(["table", "json"]), default="table",
              help="Summary as a table or JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@db_option
@config_option
@handle_errors
def ingest(paths, kind, mapping, fmt, profile_path, currency, update, skip_bad_rows, rejects_dir, out_format,
           quiet, db_path, config_path):
    """Load files or folders of records into the store.

    CSV (UTF-8, UTF-8 with BOM, GB18030/GBK), XLSX and JSON Lines. A folder is
    loaded in dependency order (entities before records). Each file is one
    batch: a batch with any bad row is rejected whole with every problem as
    FILE:ROW:COLUMN: MESSAGE and nothing written, unless --skip-bad-rows.

    \b
    Example:
      graphrisk ingest data/sample/
      graphrisk ingest 礼品登记.xlsx --kind gifts --map 送礼人=giver_id --map 收礼人=recipient_id
      graphrisk ingest gifts_2025.csv --profile ministers-gifts.toml
      graphrisk ingest --format uk-ministers-gifts ../shared/realdata/uk-ministers-gifts-hospitality
    """
    from ..ingest import ingest_paths

    rename = {}
    for m in mapping:
        if "=" not in m:
            raise click.BadParameter(t("cmd.ingest.bad_map", value=m), param_hint="--map")
        old, new = m.split("=", 1)
        rename[old] = new
    cfg = settings_mod.load(config_path)
    if currency is not None and not __import__("re").fullmatch(r"[A-Za-z]{3}", currency.strip()):
        raise click.BadParameter(f"'{currency}' is not a three-letter currency code such as GBP", param_hint="--currency")
    currency = currency.strip().upper() if currency else None
    profile = None
    if profile_path:
        from ..ingest.profiles import load as load_profile

        for given, name in ((fmt, "--format"), (mapping, "--map"), (kind, "--kind")):
            if given:  # the profile says the kind and the columns itself
                raise click.BadParameter(t("profiles.err.with_profile", option=name), param_hint="--profile")
        profile = load_profile(profile_path)
    db = store.connect(db_path)
    paths = list(paths)
    if fmt and profile is None:
        from ..adapters import profile_plan

        plan = profile_plan(fmt, paths)
        if plan is not None:  # an adapter made of profiles: each source file loads with its profile
            progress_cb, progress = _progress(quiet or out_format == "json")
            with progress:
                reports, skipped = plan.ingest(db, update=update, skip_bad_rows=skip_bad_rows,
                                               rejects_dir=rejects_dir, settings=cfg, progress=progress_cb,
                                               currency=currency)
            if out_format == "json":
                click.echo(json.dumps({"files": [r.to_dict() for r in reports], "skipped": skipped},
                                      ensure_ascii=False, indent=2))
                return
            _print_ingest_summary(reports)
            return
    if fmt:
        from ..adapters import convert_sources

        paths = convert_sources(fmt, paths, Path(db_path).parent / "converted")
        if not quiet and out_format != "json":
            console.print(t("cmd.ingest.converted", adapter=fmt, path=paths[0]), markup=False)
        for folder in paths:  # what the adapter read but did not write (e.g. cancelled awards), counted
            summary = Path(folder) / "_summary.json"
            if summary.exists() and out_format != "json":
                for reason, n in (json.loads(summary.read_text(encoding="utf-8")).get("not_written") or {}).items():
                    console.print(t("profiles.ingest.not_converted", n=n, reason=reason), markup=False)
    progress_cb, progress = _progress(quiet or out_format == "json")
    with progress:
        extra = {"currency": currency} if currency else {}
        if profile is not None:
            extra["profile"] = profile
        reports, skipped = ingest_paths(db, paths, kind=kind, rename=rename, update=update,
                                        skip_bad_rows=skip_bad_rows, rejects_dir=rejects_dir,
                                        settings=cfg, progress=progress_cb, **extra)
    if out_format == "json":
        click.echo(json.dumps({"files": [r.to_dict() for r in reports], "skipped": skipped},
                              ensure_ascii=False, indent=2))
        return
    for s in skipped:
        console.print(t("cmd.ingest.skipped", message=s), markup=False, style="yellow")
    _print_ingest_summary(reports)


def _progress(disabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=err_console, disable=disabled, transient=True)
    tasks: dict[str, int] = {}

    def cb(file: str, done: int, total: int) -> None:
        if file not in tasks:
            tasks[file] = progress.add_task(Path(file).name, total=total)
        progress.update(tasks[file], completed=done, total=total)  # the rows written, once checked

    return cb, progress


def _print_ingest_summary(reports) -> None:
    table = Table(title=t("cmd.ingest.title"))
    for c in ("file", "kind", "batch", "rows", "new", "updated", "unchanged", "rejected", "s", "status"):
        table.add_column(t(f"cmd.ingest.col.{c}"), justify="right" if c not in ("file", "kind", "status") else "left")
    tot = 0
    for r in reports:
        status = t(f"cmd.ingest.status.{r.status}") if f"cmd.ingest.status.{r.status}" in catalogue() else r.status
        table.add_row(escape(Path(r.path).name), kind_label(r.kind) if r.kind else "", str(r.batch_id or ""),
                      str(r.rows), str(r.inserted), str(r.updated), str(r.unchanged), str(r.rejected),
                      f"{r.seconds:.2f}", status)
        tot += r.inserted + r.updated
    console.print(table)
    for r in reports:
        name = Path(r.path).name
        if r.status == "unchanged":
            console.print(t("cmd.ingest.already", file=name, batch=r.batch_id) if r.batch_id is not None
                          else f"{name}: {r.message}", markup=False)
        if r.rejects_path:
            console.print(t("cmd.ingest.rejects", file=name, n=r.rejected, path=r.rejects_path), markup=False)
        if r.names and any(r.names.values()):
            console.print(t("cmd.ingest.names", file=name, linked=r.names.get("linked", 0),
                            created=r.names.get("created", 0), ambiguous=r.names.get("ambiguous", 0)),
                          markup=False)
        if r.extra_columns:
            console.print(t("cmd.ingest.extra_columns", file=name, columns=", ".join(r.extra_columns)), markup=False)
        if r.duplicates:
            console.print(t("cmd.ingest.duplicates", file=name, n=r.duplicates), markup=False)
        for w in getattr(r, "warnings", None) or []:  # other XLSX sheets, look-alike ids, normalised ids
            from ..safeio import escape_text

            console.print(t("errors.warning", file=name, message=escape_text(w)), markup=False)
        for reason, n in (getattr(r, "skipped", None) or {}).items():
            console.print(t("profiles.ingest.skipped", file=Path(r.path).name, n=n, reason=reason), markup=False)
    if reports and tot == 0:
        console.print(t("cmd.ingest.nothing_changed"), markup=False)


# ------------------------------------------------------------------ info

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def info(fmt, db_path):
    """What the store holds: counts per kind, batches, date range of records.

    \b
    Example:
      graphrisk info --format json | jq .counts.gifts
    """
    from ..info import store_info

    db = store.connect(db_path, create=False)
    data = store_info(db)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        return
    table = Table(title=t("cmd.info.title", path=db_path))
    table.add_column(t("cmd.info.col.kind"))
    table.add_column(t("cmd.info.col.records"), justify="right")
    table.add_column(t("cmd.info.col.from"))
    table.add_column(t("cmd.info.col.to"))
    for kind, n in data["counts"].items():
        rng = data["date_range"].get(kind, {})
        table.add_row(kind_label(kind), f"{n:,}", fmt_date(rng.get("min")), fmt_date(rng.get("max")))
    console.print(table)
    by_status = t("cmd.flags.level_sep").join(
        t("cmd.info.by_status", n=n, status=t(f"cmd.ingest.status.{s}") if f"cmd.ingest.status.{s}" in catalogue()
          else s) for s, n in data["batches_by_status"].items())
    console.print(t("cmd.info.summary", batches=data["batches"], by_status=by_status, history=data["history"],
                    runs=data["runs"]), markup=False)
    if data.get("data_version"):
        from ..report.i18n import data_version_text

        console.print(t("cmd.info.data_version", text=data_version_text(data["data_version"], current_lang())),
                      markup=False)


# ------------------------------------------------------------------ sample

@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Folder to write the world into.")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 is about 2,000 officials and 70,000 rows.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--params", "params_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="TOML or JSON world parameters: currency, amount scale, limit, density, period, noise, "
                   "variants (docs/sample.md).")
@handle_errors
def sample(out_dir, scale, seed, params_path):
    """Write a deterministic synthetic world with planted patterns and a truth file.

    \b
    Example:
      graphrisk sample --out outputs/sample --scale 1 --seed 42
      graphrisk sample --out outputs/gbp --scale 0.5 --params gbp-world.toml
    """
    from ..sample import generate
    from ..sample.params import Params

    if scale <= 0:
        raise click.BadParameter(t("cmd.sample.scale_positive"), param_hint="--scale")
    try:
        params = Params.load(params_path) if params_path else None
    except (ValueError, KeyError, TypeError) as exc:  # tomllib's and json's decode errors are ValueErrors
        raise click.BadParameter(str(exc), param_hint="--params") from None
    summary = generate(out_dir, scale=scale, seed=seed, params=params)
    console.print(t("cmd.sample.wrote", rows=f"{summary['total_rows']:,}", path=out_dir,
                    seconds=f"{summary['seconds']:.1f}", truth=summary["truth"]), markup=False)


# ------------------------------------------------------------------ config

@cli.group()
def config():
    """Settings files: thresholds and weights of the analyses."""


@config.command("init")
@click.argument("path", type=click.Path(dir_okay=False), default="graphrisk.toml")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def config_init(path, force):
    """Write the commented default settings to PATH (default graphrisk.toml).

    \b
    Example:
      graphrisk config init my-settings.toml && graphrisk flags --config my-settings.toml
    """
    p = Path(path)
    if p.exists() and not force:
        raise click.ClickException(t("cmd.config.exists", path=p))
    p.write_text(settings_mod.default_text(), encoding="utf-8")
    console.print(t("cmd.wrote", path=p), markup=False)


@config.command("show")
@config_option
@handle_errors
def config_show(config_path):
    """Print the settings in force (defaults overlaid by the given file) as JSON.

    \b
    Example:
      graphrisk config show --config my-settings.toml
    """
    click.echo(json.dumps(settings_mod.load(config_path), indent=2, ensure_ascii=False, sort_keys=True))


# ------------------------------------------------------------------ demo

@cli.command()
@click.option("--sample-dir", type=click.Path(file_okay=False), default="outputs/sample", show_default=True,
              help="Where the sample world is (made there if absent).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="outputs", show_default=True)
@click.option("--scale", type=float, default=1.0, show_default=True)
@db_option
@config_option
@handle_errors
def demo(sample_dir, out_dir, scale, db_path, config_path):
    """Run everything end to end on the sample world and print where the results are.

    Makes the sample world if absent, ingests it into the store, runs every
    analysis and writes the outputs.

    \b
    Example:
      graphrisk demo
    """
    from ..demo import run_demo

    run_demo(db_path=db_path, sample_dir=sample_dir, out_dir=out_dir, scale=scale,
             settings=settings_mod.load(config_path), console=console)
