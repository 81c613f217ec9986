"""The ``graphrisk`` command line: each command parses options, calls one library function, prints.

Library errors (GraphRiskError) become a one-line message and a non-zero exit.
"""
from __future__ import annotations

import functools
import sys

import click
from rich.console import Console

from .. import settings as settings_mod
from .. import store
from ..errors import GraphRiskError, InputError
from ._lang import Group

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def db_option(f):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar=store.ENV_DB,
                        default=str(store.DEFAULT_DB), show_default=True,
                        help="SQLite store (also $GRAPHRISK_DB).")(f)


def config_option(f):
    return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        envvar=settings_mod.ENV_CONFIG, default=None,
                        help="Settings TOML (also $GRAPHRISK_CONFIG); defaults are built in.")(f)


def _date_value(ctx, param, value):
    """Click callback: any date form of the input format → ISO date; a clear error otherwise."""
    if value is None:
        return None
    from ..ingest.values import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def date_option(name: str, help: str):
    """A date option (``--since``, ``--until``, ``--as-of``) parsed like dates in the input files."""
    return click.option(name, callback=_date_value, default=None, metavar="DATE", help=help)


def window_options(f, as_of: bool = False):
    """``--since`` / ``--until`` (and ``--as-of``): the time window of the graph a command reads."""
    if as_of:
        f = date_option("--as-of", "Only records dated on or before DATE (the world as it stood then).")(f)
    f = date_option("--until", "Only records dated on or before DATE.")(f)
    return date_option("--since", "Only records dated on or after DATE.")(f)


def handle_errors(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except InputError as exc:
            _print_input_error(exc)
            sys.exit(1)
        except GraphRiskError as exc:
            err_console.print(f"error: {exc}", markup=False)
            sys.exit(1)
    return wrapper


def _print_input_error(exc: InputError) -> None:
    cap = settings_mod.defaults()["ingest"]["max_problems_shown"]
    for r in getattr(exc, "reports", []):
        err_console.print(f"loaded before the error: {r.path} ({r.kind}): {r.message or r.status}", markup=False)
    err_console.print(f"error: {exc}", markup=False)
    for p in exc.problems[:cap]:
        err_console.print(f"  {p}", markup=False)
    if len(exc.problems) > cap:
        err_console.print(f"  ... and {len(exc.problems) - cap} more problem(s)", markup=False)
    pending = getattr(exc, "pending", [])
    if pending:
        err_console.print(f"not attempted: {', '.join(pending)}", markup=False)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="graphrisk")
def cli():
    """graphrisk: relationships between public officials and businesses.

    Load registers of contacts, gifts, trips and contracts, then find the
    time-ordered conflict-of-interest paths and flag priority-attention
    officials.

    \b
    Example:
      graphrisk demo
      graphrisk ingest data/mydept/ --db cases/dept.db
    """
