"""The ``graphrisk`` command line: one module per command group, each parsing options, calling the library, printing.

Every module of this package adds its commands to the group in ``base`` (the
same registry a plugin would use), so a new command is one new file.
"""
from __future__ import annotations

import importlib
import os
import pkgutil

from .base import cli

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _mod != "base":
        importlib.import_module(f"{__name__}.{_mod}")


def main() -> None:
    """Entry point of the ``graphrisk`` script."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # also set on importing graphrisk: see graphrisk/__init__.py
    cli(prog_name="graphrisk")


__all__ = ["cli", "main"]
