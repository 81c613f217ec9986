"""The ``graphrisk`` command line: each command parses options, calls one library function, prints.

Library errors (GraphRiskError) become a one-line message and a non-zero exit.
"""
from __future__ import annotations

import functools
import json
from itertools import islice
import os
import sys
import time

import click
from rich.console import Console

from .. import settings as settings_mod
from .. import store
from ..errors import GraphRiskError, InputError
from ..i18n import t
from ..safeio import escape_text
from ._lang import Group



class SafeConsole(Console):
    """A rich Console that shows control, invisible and bidi characters of the data as escapes.

    Names come from untrusted registers: an ANSI sequence in one must not clear the investigator's
    screen, and a zero-width space must show, not hide a look-alike. Rich's own styling is not
    text, so colours still work on a terminal.
    """

    def _render_buffer(self, buffer):
        from rich.segment import Segment

        return super()._render_buffer(
            seg if seg.control else Segment(escape_text(seg.text), seg.style, seg.control) for seg in buffer)


console = SafeConsole(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = SafeConsole(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def echo_json(data, **kwargs) -> None:
    """``click.echo(json.dumps(data, ensure_ascii=False, indent=2, **kwargs))``, the same bytes, written as they
    are made: an indented document is encoded piece by piece in Python, and a big world's communities make
    hundreds of megabytes of it (joined at once, 7 GB of pieces at scale 50)."""
    pieces = json.JSONEncoder(ensure_ascii=False, indent=2, **kwargs).iterencode(data)
    while batch := "".join(islice(pieces, 100_000)):  # a few megabytes at a time, joined in C
        click.echo(batch, nl=False)
    click.echo("")


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
    """Every failure of a command as one line and an exit status, never a traceback; every run audited.

    Library errors (GraphRiskError) print their message; SQLite (locked,
    read-only, full, damaged), OS (disk full, permission, read-only file
    system), decoding and memory errors get a sentence saying what to do;
    anything else is an "internal error" line (GRAPHRISK_DEBUG=1 prints the
    traceback too). After the command, successful or not, an entry goes to the
    store's audit log (graphrisk.audit).
    """
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .. import safeio

        safeio.written(clear=True)
        safeio.protect(kwargs.get("db_path"))
        state = {"status": 0, "message": "", "started": time.time()}
        try:
            try:
                cfg = settings_mod.load(kwargs.get("config_path"))
                safeio.configure(cfg)
                store.configure(cfg)  # [limits] lock_timeout for every connection the command opens
            except GraphRiskError:
                pass  # the command reports a bad settings file itself
            return f(*args, **kwargs)
        except click.exceptions.Exit as exc:
            state["status"] = exc.exit_code
            raise
        except click.ClickException as exc:
            state["status"], state["message"] = exc.exit_code, exc.format_message()
            raise
        except click.exceptions.Abort:
            state["status"], state["message"] = 1, "aborted"
            raise
        except SystemExit as exc:
            state["status"] = exc.code if isinstance(exc.code, int) else 1
            raise
        except InputError as exc:
            if kwargs.get("out_format") == "json":  # scripts asked for JSON: the failure comes as JSON too
                click.echo(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2))
            else:
                _print_input_error(exc)
            _fail(state, 1, str(exc), printed=True)
        except GraphRiskError as exc:
            _fail(state, 1, str(exc))
        except KeyboardInterrupt:
            _fail(state, 130, t("errors.interrupted"))
        except BaseException as exc:  # noqa: BLE001 - the point is that nothing escapes as a traceback
            code, msg = failure_message(exc, kwargs.get("db_path"))
            if code is None:  # output pipe closed by the reader (e.g. `| head`): not a failure
                _silence_stdout()
                sys.exit(0)
            if os.environ.get("GRAPHRISK_DEBUG"):
                import traceback

                traceback.print_exc()
            _fail(state, code, msg)
        finally:
            _audit(kwargs, state)
    return wrapper


def _fail(state: dict, code: int, message: str, printed: bool = False) -> None:
    state["status"], state["message"] = code, message
    if not printed:
        err_console.print(t("errors.line", message=escape_text(message)), markup=False, soft_wrap=True)
    sys.exit(code)


def _where(path) -> str:
    return t("errors.where", path=escape_text(str(path))) if path else ""


def failure_message(exc: BaseException, db_path=None) -> tuple[int | None, str]:
    """(exit status, one-line message) for an exception a command did not expect; status None: stay quiet."""
    import errno

    store_name = escape_text(str(db_path or store.default_path()))
    if store.is_db_error(exc, "OperationalError"):
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            return 1, t("errors.locked", store=store_name)
        if "readonly" in msg or "read-only" in msg:
            return 1, t("errors.readonly", store=store_name)
        if "disk is full" in msg or "full" in msg:
            return 1, t("errors.disk_full", where=_where(db_path))
        if "unable to open" in msg:
            return 1, t("errors.database", store=store_name, reason=msg)
        return 1, t("errors.database", store=store_name, reason=msg)
    if store.is_db_error(exc, "DatabaseError"):
        return 1, t("errors.damaged", store=store_name, reason=str(exc))
    if store.is_db_error(exc):
        return 1, t("errors.database", store=store_name, reason=str(exc))
    if isinstance(exc, BrokenPipeError):
        return None, ""
    if isinstance(exc, OSError):
        where = _where(exc.filename)
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return 1, t("errors.disk_full", where=where)
        if exc.errno in (errno.EACCES, errno.EPERM):
            return 1, t("errors.permission", where=where)
        if exc.errno == errno.EROFS:
            return 1, t("errors.read_only_fs", where=where)
        if exc.errno == errno.ENOENT:
            return 1, t("errors.not_found", where=where)
        return 1, t("errors.os", where=where, reason=exc.strerror or str(exc))
    if isinstance(exc, UnicodeError):
        return 1, t("errors.decoding", reason=str(exc))
    if isinstance(exc, (MemoryError, RecursionError)):
        return 1, t("errors.memory")
    reason = str(exc).splitlines()[0] if str(exc) else ""
    return 2, t("errors.internal", kind=type(exc).__name__, reason=reason[:200])


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _audit(kwargs: dict, state: dict) -> None:
    """Append the audit entry of this command (unless [security] audit is off); a failure is a note."""
    from .. import audit

    db_path = kwargs.get("db_path")
    if not db_path:
        return
    try:
        ctx = click.get_current_context(silent=True)
        command = " ".join(["graphrisk", *ctx.command_path.split(" ")[1:]]) if ctx else "graphrisk"
        params = dict(ctx.params) if ctx else {}
        try:
            cfg = settings_mod.load(kwargs.get("config_path"))
        except GraphRiskError:
            cfg = settings_mod.defaults()
        from .. import safeio

        outs = [v for k, v in params.items() if k.startswith("out") and isinstance(v, str) and v
                and k not in ("out_format",)]
        safeio.capture(outs, state.get("started", 0.0))
        note = audit.record_command(db_path, command, params, state["status"], state["message"], cfg)
    except Exception as exc:  # noqa: BLE001 - the audit must not hide the command's own outcome
        note = str(exc)
    if note:
        err_console.print(t("errors.note_line", message=escape_text(note)), markup=False, soft_wrap=True)


def _print_input_error(exc: InputError) -> None:
    cap = settings_mod.defaults()["ingest"]["max_problems_shown"]
    for r in getattr(exc, "reports", []):
        err_console.print(t("errors.loaded_before", path=escape_text(str(r.path)), kind=r.kind,
                            message=escape_text(r.message or r.status)), markup=False, soft_wrap=True)
    err_console.print(t("errors.line", message=escape_text(str(exc))), markup=False, soft_wrap=True)
    for p in exc.problems[:cap]:
        err_console.print(f"  {escape_text(str(p))}", markup=False, soft_wrap=True)
    if len(exc.problems) > cap:
        err_console.print(t("errors.more_problems", n=len(exc.problems) - cap), markup=False)
    pending = getattr(exc, "pending", [])
    if pending:
        err_console.print(t("errors.not_attempted", files=escape_text(", ".join(pending))), markup=False,
                          soft_wrap=True)


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
