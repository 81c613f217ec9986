"""Adapters for real registers: convert a source's own files into the canonical input format.

Two sorts, both behind ``graphrisk ingest --format NAME``:

- **Profiles only**: ``mappings/<name>.toml`` lists ``[[load]]`` steps, each a
  file pattern and a mapping profile from ``profiles/`` (see
  :mod:`graphrisk.ingest.profiles`); every source file is ingested as it is,
  with its profile, so provenance points at the published file. No code.
- **Code for what a profile cannot say**: a module with ``convert(src: Path,
  out_dir: Path) -> list[Path]`` that writes canonical CSV files
  (``officials.csv``, ``companies.csv``, ``gifts.csv`` …) into ``out_dir``;
  ``graphrisk ingest`` loads that folder. Column names still live as data in
  ``mappings/<name>.toml``.

``ADAPTERS`` maps a ``--format`` name to its convert function; :func:`profile_plan`
gives the steps of a profile-made adapter. Mappings and profiles are package
data, so an installed wheel finds them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import cn_vaccine, ocds, uk_commons

ADAPTERS: dict[str, Callable[[Path, Path], list[Path]]] = {
    "uk-commons-register": uk_commons.convert,
    "cn-vaccine-procurement": cn_vaccine.convert,
    "ocds": ocds.convert,
}


def known_formats() -> list[str]:
    """Every ``--format`` name: code adapters and profile-made ones."""
    from .common import MAPPING_DIRS

    made = {f.stem for d in MAPPING_DIRS if d.exists() for f in d.glob("*.toml") if _is_plan_file(f)}
    return sorted(set(ADAPTERS) | made)


def _is_plan_file(path: Path) -> bool:
    import tomllib

    try:
        return "load" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False


def get(name: str) -> Callable[[Path, Path], list[Path]]:
    """The convert function of adapter ``name`` (KeyError naming the known ones otherwise)."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}' (known: {', '.join(known_formats())})") from None


class ProfilePlan:
    """The steps of a profile-made adapter over given sources: (source file, profile) in load order."""

    def __init__(self, name: str, steps: list[tuple[Path, object]]):
        self.name = name
        self.steps = steps

    def ingest(self, db, **kwargs):
        """Ingest every step; stop at the first rejected batch (InputError with ``reports``)."""
        from ..errors import InputError
        from ..ingest import ingest_file

        reports = []
        for i, (path, profile) in enumerate(self.steps):
            try:
                reports.append(ingest_file(db, path, profile=profile, **kwargs))
            except InputError as exc:
                exc.reports = reports  # type: ignore[attr-defined]
                exc.pending = [str(p) for p, _ in self.steps[i + 1:]]  # type: ignore[attr-defined]
                raise
        return reports, []


def profile_plan(name: str, sources: list) -> ProfilePlan | None:
    """The steps of adapter ``name`` over ``sources`` when it is made of profiles; None for a code adapter.

    Each ``[[load]]`` step's ``file`` is a pattern matched in every source
    folder (recursively) or against a source file's name; a step that
    matches no file is an error naming it, unless ``optional = true``.
    """
    from ..errors import InputError
    from ..ingest.profiles import load as load_profile
    from .common import MAPPING_DIRS, PROFILE_DIR

    spec = next((d / f"{name}.toml" for d in MAPPING_DIRS if (d / f"{name}.toml").exists()), None)
    if spec is None or not _is_plan_file(spec):
        return None
    import fnmatch
    import tomllib

    plan = tomllib.loads(spec.read_text(encoding="utf-8"))
    srcs = [Path(s) for s in sources]
    for s in srcs:
        if not s.exists():
            raise InputError(f"{s}: no such file or folder")
    steps = []
    for step in plan["load"]:
        pattern = step["file"]
        prof = load_profile(PROFILE_DIR / f"{step['profile']}.toml")
        found = []
        for s in srcs:
            if s.is_dir():
                found += sorted(f for f in s.rglob("*") if f.is_file() and fnmatch.fnmatch(f.name, pattern))
            elif fnmatch.fnmatch(s.name, pattern):
                found.append(s)
        if not found and not step.get("optional"):
            raise InputError(f"{', '.join(map(str, srcs))}: no file matching '{pattern}' for the {name} format "
                             f"(step {step['profile']})")
        steps += [(f, prof) for f in found]
    return ProfilePlan(name, steps)


def convert_sources(name: str, sources: list, converted_root: Path) -> list[Path]:
    """Convert each source with adapter ``name`` into a kept folder; return the folders to ingest.

    The folder is named after the source and a hash of its content, so the
    converted files that batches point to stay on disk (provenance) and a
    re-run over unchanged sources reproduces identical files (idempotent).
    """
    import hashlib

    from ..errors import InputError

    try:
        convert = get(name)
    except KeyError as exc:
        raise InputError(str(exc.args[0])) from None
    out = []
    for src in map(Path, sources):
        if not src.exists():
            raise InputError(f"{src}: no such file or folder")
        files = sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]
        h = hashlib.sha256()
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
        target = Path(converted_root) / name / f"{src.name}-{h.hexdigest()[:12]}"
        target.mkdir(parents=True, exist_ok=True)
        convert(src, target)
        out.append(target)
    return out
