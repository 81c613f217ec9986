"""Adapters for real registers: convert a source's own files into the canonical input format.

Each adapter is a module with ``convert(src: Path, out_dir: Path) -> list[Path]``
that writes canonical CSV files (``officials.csv``, ``companies.csv``,
``gifts.csv`` …) into ``out_dir``; ``graphrisk ingest`` loads that folder.
Column renames live as data in ``data/mappings/<name>.toml``; the code does
only what a rename cannot.

``ADAPTERS`` maps the ``--format`` name to the convert function.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import cn_vaccine, uk_commons

ADAPTERS: dict[str, Callable[[Path, Path], list[Path]]] = {
    "uk-commons-register": uk_commons.convert,
    "cn-vaccine-procurement": cn_vaccine.convert,
}


def get(name: str) -> Callable[[Path, Path], list[Path]]:
    """The convert function of adapter ``name`` (KeyError naming the known ones otherwise)."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}' (known: {', '.join(sorted(ADAPTERS))})") from None


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
