"""CLI commands beyond the core ones: each module here adds its commands to the ``graphrisk`` group.

A module does ``from ..cli import cli`` and decorates its functions with
``@cli.command()``; ``load_all`` imports every module of this package, so a
new command is one new file (the same registry a plugin would use).
"""
from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{mod}")
