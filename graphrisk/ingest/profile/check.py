"""``graphrisk profile check``: a profile applied to a file without a store, to see it before ingesting."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ... import schema
from ...errors import InputError
from .apply import merge_problems
from .format import Profile


@dataclass
class CheckResult:
    kind: str
    source_rows: int
    records: int
    skipped: dict[str, int]
    mapping: dict[str, str]
    preview: list[dict]
    problems: list
    problem_count: int
    unmapped_required: list[str]


def check(profile: Profile, path: str | Path, settings: dict | None = None, rows: int = 5,
          currency: str | None = None) -> CheckResult:
    """Apply ``profile`` to ``path`` without a store: the first rows as they would load and every problem.

    Name references are not resolved here (that needs the store); ids that
    would be looked up are shown as given.
    """
    from ... import settings as settings_mod
    from ..prepare import Problem, prepare

    settings = settings or settings_mod.load()
    try:
        applied = profile.apply(path)
    except InputError as exc:
        probs = list(getattr(exc, "problems", []) or []) or [Problem(str(path), None, "", str(exc))]
        return CheckResult(profile.kind, 0, 0, {}, {}, [], probs, len(probs), [])
    prep = prepare(applied.table, settings, currency=currency or applied.currency)
    merge_problems(prep, applied, str(path))
    k = schema.KINDS[profile.kind]
    # a reference given by id must exist in the store: not checked here; a required one must be there
    preview = []
    frame = prep.frame
    show = [c for c in list(k.column_names) + list(prep.name_columns.values()) if c in frame.columns]
    show += [c for c in frame.columns if c.endswith("_text") and c not in show]
    for pos in range(min(rows, len(frame))):
        row = {"_row": int(prep.rows[pos])}
        for c in show:
            v = frame[c].iloc[pos]
            if v is None or (isinstance(v, float) and v != v):
                continue
            row[c] = v.item() if hasattr(v, "item") else v
        preview.append(row)
    prep.problems.sort(key=lambda q: (q.row or 0, q.column))
    unmapped = [c.name for c in k.columns if c.required and c.name not in applied.table.frame.columns
                and not (c.name.endswith("_id") and c.name[:-3] + "_name" in applied.table.frame.columns)]
    return CheckResult(profile.kind, applied.source_rows, len(frame) - len(prep.bad), applied.skipped,
                       applied.mapping, preview, prep.problems, len(prep.problems), unmapped)
