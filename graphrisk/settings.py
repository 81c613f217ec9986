"""Settings: shipped defaults (``defaults.toml``) overlaid by a user TOML file.

Unknown keys are errors naming the key, so a typo in a threshold never
silently falls back to the default. The resolved settings are recorded with
every stored analysis run.
"""
from __future__ import annotations

import copy
import json
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SettingsError

ENV_CONFIG = "GRAPHRISK_CONFIG"
# Tables whose keys are the user's own (a currency code per rate); values must be numbers.
OPEN_TABLES = {"money.rates"}


def default_text() -> str:
    """The commented default settings file, as shipped."""
    return resources.files("graphrisk").joinpath("defaults.toml").read_text(encoding="utf-8")


def defaults() -> dict[str, Any]:
    """The shipped defaults, plus the declared defaults of rules registered without a section here
    (a rule from another package, through the ``graphrisk.rules`` entry point)."""
    out = tomllib.loads(default_text())
    try:
        from .rules import rule_defaults
    except ImportError:  # pragma: no cover - the rules package is part of graphrisk
        return out
    for rid, cfg in rule_defaults().items():
        section = out.setdefault("rules", {}).setdefault(rid, {})
        for key, value in cfg.items():
            section.setdefault(key, copy.deepcopy(value))
    return out


def _merge(base: dict, over: dict, where: str) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        name = f"{where}.{key}" if where else key
        if where in OPEN_TABLES:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise SettingsError(f"setting '{name}' must be a positive number, got {type(value).__name__} {value!r}")
            out[key] = float(value)
            continue
        if key not in base:
            raise SettingsError(f"unknown setting '{name}'")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise SettingsError(f"setting '{name}' must be a table")
            out[key] = _merge(base[key], value, name)
            continue
        expected = type(base[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise SettingsError(
                f"setting '{name}' must be {expected.__name__}, got {type(value).__name__} {value!r}")
        out[key] = value
    return out


def load(path: str | os.PathLike | None = None, overrides: dict | None = None) -> dict[str, Any]:
    """Return the settings: defaults, then the file at ``path`` (or $GRAPHRISK_CONFIG), then overrides."""
    settings = defaults()
    path = path or os.environ.get(ENV_CONFIG)
    if path:
        p = Path(path)
        try:
            user = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"{p}: settings file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{p}: not valid TOML: {exc}") from None
        settings = _merge(settings, user, "")
    if overrides:
        settings = _merge(settings, overrides, "")
    _validate_rules(settings)
    for name in ("graph", "centrality", "ingest"):  # processes: 1 (one process) or more
        workers = (settings.get(name) or {}).get("workers", 1)
        if workers < 1:
            raise SettingsError(f"setting '{name}.workers' must be at least 1 (1: one process), got {workers}")
    return settings


def _validate_rules(settings: dict) -> None:
    """Each rule's own check of its section (a rule declares it with ``rule(validate=...)``)."""
    try:
        from .rules import REGISTRY, load_builtin
    except ImportError:  # pragma: no cover
        return
    load_builtin()
    for rid, r in REGISTRY.items():
        if r.validate is not None and rid in settings.get("rules", {}):
            problem = r.validate(settings["rules"][rid])
            if problem:
                raise SettingsError(f"setting 'rules.{rid}': {problem}")


def fingerprint(settings: dict) -> str:
    """Stable JSON of the settings, stored with each run."""
    return json.dumps(settings, sort_keys=True, ensure_ascii=False)
