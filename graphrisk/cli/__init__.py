"""The ``graphrisk`` command line: one module per command group, each parsing options, calling the library, printing.

Every module of this package adds its commands to the group in ``base`` (the
same registry a plugin would use), so a new command is one new file.
"""
from __future__ import annotations

import atexit
import importlib
import os
import pkgutil
import sys
import threading

from .base import cli

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "base":
        importlib.import_module(f"{__name__}.{_mod}")


def main() -> None:
    """Entry point of the ``graphrisk`` script: runs the command, then leaves through :func:`_leave`."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # also set on importing graphrisk: see graphrisk/__init__.py
    try:
        cli(prog_name="graphrisk")
        code = 0
    except SystemExit as exc:
        code = exc.code
    _leave(code)


def _leave(code) -> None:
    """Exit with ``code`` (as ``sys.exit`` reads it) without freeing every object one by one.

    The interpreter's own exit deallocates the whole heap: after ``flags`` at scale 50 (3.8 million edges)
    that took 2.3 s of a 47 s command, for memory the system takes back at once. The output is flushed, the
    stores still open are closed (``dbconn.close_all``) and the exit handlers run, as on a normal exit; then
    the process ends. With another thread running, the normal exit joins it.
    """
    from ..dbconn import close_all

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's; elsewhere exit as usual
    if threading.active_count() > 1 or run_exit_handlers is None:
        raise SystemExit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (| head), or a stream already closed
            code = code or 1
    close_all()
    run_exit_handlers()
    os._exit(code)


__all__ = ["cli", "main"]
