"""The library's front door: ``case = graphrisk.open("dept.db")``.

A :class:`Case` is one store with its settings. Every method calls the same engine the CLI calls
(the CLI only parses and formats), and results are dataclasses whose ``to_dict()`` is exactly the
CLI's JSON shape. An id the store does not hold raises :class:`graphrisk.NotFound`, never ``[]``.

Examples
--------
>>> import graphrisk, tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "units.csv").write_text("unit_id,name\\nU1,Finance Bureau\\n", encoding="utf-8")
>>> _ = (tmp / "officials.csv").write_text("official_id,name,unit_id\\nO1,Li Ming,U1\\n", encoding="utf-8")
>>> _ = (tmp / "people.csv").write_text("person_id,name\\nP1,Wang Qiang\\n", encoding="utf-8")
>>> _ = (tmp / "companies.csv").write_text("company_id,name\\nC1,Huading Technology\\n", encoding="utf-8")
>>> _ = (tmp / "relations.csv").write_text("from_id,to_id,relation\\nP1,C1,legal_representative\\n",
...                                        encoding="utf-8")
>>> _ = (tmp / "gifts.csv").write_text("gift_id,giver_id,recipient_id,date,value,currency\\n"
...                                    "G1,P1,O1,2026-03-02,20000,CNY\\n", encoding="utf-8")
>>> _ = (tmp / "contracts.csv").write_text("contract_id,unit_id,supplier_id,date,amount,currency,approver_id\\n"
...                                        "T1,U1,C1,2026-04-10,2400000,CNY,O1\\n", encoding="utf-8")
>>> case = graphrisk.open(tmp / "dept.db")
>>> _ = case.ingest(tmp)
>>> [p] = case.paths(official="O1").paths
>>> p.nodes, p.gap_days
(['O1', 'P1', 'C1'], 39)
>>> case.flags().flags[0].official_id
'O1'
>>> case.paths(official="O404")
Traceback (most recent call last):
...
graphrisk.errors.NotFound: no official with id 'O404' in the store
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import settings as settings_mod
from . import store as store_mod
from .errors import NotFound
from .findings import LEVEL_RANK, ConflictPath, OfficialFlag

if TYPE_CHECKING:  # the engine (networkx, the rules) is imported when first used: ingest and info need none of it
    from .engine import Evaluation


@dataclass
class FlagsResult:
    """Graded officials of one evaluation; ``to_dict()`` is ``graphrisk flags --format json``."""

    flags: list[OfficialFlag]
    evaluation: Evaluation = field(repr=False)

    def to_dict(self) -> list[dict]:
        return [f.to_dict() for f in self.flags]

    def counts(self) -> dict[str, int]:
        """Officials per level, over every graded official of the evaluation."""
        out = {lvl: 0 for lvl in ("red", "orange", "yellow", "green")}
        for f in self.evaluation.flags:
            out[f.level] += 1
        return out


@dataclass
class PathsResult:
    """Conflict paths; ``to_dict()`` is ``graphrisk paths --format json``."""

    paths: list[ConflictPath]
    evaluation: Evaluation = field(repr=False)

    def to_dict(self) -> list[dict]:
        return [p.to_dict() for p in self.paths]


class Case:
    """One store and its settings: ingest, evaluate, and every output from one engine."""

    def __init__(self, path: str | os.PathLike | None = None, *, config: str | os.PathLike | None = None,
                 settings: dict | None = None, create: bool = True, lang: str | None = None):
        from . import i18n

        self.db_path = Path(path) if path else store_mod.default_path()
        self.db = store_mod.connect(self.db_path, create=create)
        self.settings = settings or settings_mod.load(config)
        if lang:  # texts (summaries, explanations, reports) in this language from now on
            i18n.set_lang(lang)

    def __repr__(self) -> str:
        return f"Case({str(self.db_path)!r})"

    # ------------------------------------------------------------ input
    def ingest(self, paths: str | os.PathLike | Iterable[str | os.PathLike], **options):
        """Load files or folders (see ``graphrisk ingest``); returns the per-file reports."""
        from .ingest import ingest_paths

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        reports, _skipped = ingest_paths(self.db, list(paths), settings=self.settings, **options)
        return reports

    # ------------------------------------------------------------ the engine
    def evaluation(self, *, as_of: str | None = None, since: str | None = None, until: str | None = None,
                   settings: dict | None = None, store: bool = True) -> Evaluation:
        """The evaluation for a window (stored and reused for the same data and settings)."""
        from .engine import evaluation

        return evaluation(self.db, settings=settings or self.settings, as_of=as_of, since=since, until=until,
                          store=store)

    def flags(self, *, level: str = "yellow", unit: str | None = None, official: str | None = None,
              as_of: str | None = None, since: str | None = None, store: bool = True) -> FlagsResult:
        """Graded officials at ``level`` or above (yellow by default, as ``graphrisk flags``; "green" gives
        every official with a finding)."""
        if level not in LEVEL_RANK:
            raise ValueError(f"unknown level '{level}' (one of {', '.join(LEVEL_RANK)})")
        if official is not None:
            self.require(official, "officials")
        if unit is not None:
            self.require(unit, "units")
        ev = self.evaluation(as_of=as_of, since=since, store=store)
        shown = [f for f in ev.flags if LEVEL_RANK[f.level] >= LEVEL_RANK[level]
                 and (unit is None or f.unit_id == unit) and (official is None or f.official_id == official)]
        return FlagsResult(shown, ev)

    def paths(self, *, official: str | None = None, company: str | None = None, as_of: str | None = None,
              since: str | None = None, until: str | None = None, min_score: float | None = None,
              settings: dict | None = None, store: bool = True) -> PathsResult:
        """Conflict paths of one official, of one company, or of everyone: the evaluation's paths."""
        if official is not None:
            self.require(official, "officials")
        if company is not None:
            self.require(company, ("companies", "people", "organisations"))
        ev = self.evaluation(as_of=as_of, since=since, until=until, settings=settings, store=store)
        floor = (settings or self.settings)["paths"]["show_min_strength"] if min_score is None else min_score
        cited = {r.path_id for f in ev.flags for r in f.reasons if r.path_id}
        out = [p for p in ev.paths_of(official, company) if p.score >= floor or p.path_id in cited]
        return PathsResult(out, ev)

    def path(self, path_id: str) -> ConflictPath:
        """A path by its id, from the latest evaluation that holds it."""
        row = self.db.execute("select data from paths where path_id = ? order by run_id desc limit 1",
                              [path_id]).fetchone()
        if row is None:
            raise NotFound(f"no conflict path '{path_id}' in the store (run `graphrisk flags` or `graphrisk "
                           f"paths` first)")
        import json

        return ConflictPath.from_dict(json.loads(row[0]))

    def triage(self, official: str, finding: str, status: str, note: str | None = None) -> dict:
        """Record an investigator's decision (confirmed, dismissed, watch) on one finding of an official
        (see ``graphrisk triage``); returns the stored step. A dismissed finding stops counting until new
        records arrive."""
        from . import triage as triage_mod

        self.require(official, "officials")
        return triage_mod.set_status(self.db, official, finding, status, note, evaluation=self.evaluation())

    # ------------------------------------------------------------ graphs and outputs
    def graph(self, *, since: str | None = None, until: str | None = None, as_of: str | None = None):
        """The networkx ``MultiDiGraph`` of the store (optionally of a window): the public graph model."""
        from .graph import build_graph

        return build_graph(self.db, since=since, until=until, as_of=as_of)

    def centrality(self, measures: Iterable[str] = ("pagerank",), *, kind: str | None = None,
                   since: str | None = None, until: str | None = None, store: bool = True):
        """Centrality measures (see ``graphrisk centrality``) on the compact graph."""
        from .analysis.centrality import compute, store_run
        from .engine.arrays import load_arrays

        G = load_arrays(self.db, since=since, until=until, workers=int(self.settings["graph"]["workers"]))
        result = compute(G, list(measures), kind=kind, settings=self.settings)
        if store:
            store_run(self.db, result, settings=self.settings)
        return result

    def map(self, out: str | os.PathLike, **options) -> Path:
        """Write an interactive map (see ``graphrisk map``); returns its path."""
        from .render.maps import map_from_store

        rendered = map_from_store(self.db, settings=self.settings, **options)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rendered.html, encoding="utf-8")
        return out

    def report(self, out: str | os.PathLike, *, week: str | None = None, since: str | None = None,
               until: str | None = None, lang: str | None = None, **options):
        """Write the weekly exposure report (see ``graphrisk report``); returns (report, files written)."""
        from .report import make_report
        from .report.period import resolve_period

        period = resolve_period(self.db, week, since, until)
        return make_report(self.db, period, self.settings, out, lang=lang, **options)

    # ------------------------------------------------------------ look-ups
    def require(self, entity_id: str, kinds: str | tuple[str, ...]) -> dict:
        """The stored row of an entity of one of ``kinds``; :class:`NotFound` when there is none."""
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        for kind in kinds:
            try:
                return store_mod.require_entity(self.db, entity_id, kind)
            except NotFound:
                continue
        return store_mod.require_entity(self.db, entity_id, kinds[0])  # raises, naming the first kind


def open(path: str | os.PathLike | None = None, **kwargs) -> Case:  # noqa: A001 (the package's front door)
    """Open (creating if needed) the store at ``path`` as a :class:`Case`."""
    return Case(path, **kwargs)


__all__ = ["Case", "FlagsResult", "PathsResult", "open"]
