"""What the engine concludes on a sample world, in a form to compare across versions of the code (issue 11).

``python -m tests.engine_snapshot`` rewrites ``tests/fixtures/engine/*.json`` from the current code; do that
only when a change of results is intended and explained in the commit. The test that reads them is
``tests/test_engine_unchanged.py``: a speed-up must leave paths, scores, levels and centrality ranks as they were.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "engine"

# name -> (scale, seed, Params keyword arguments): two worlds unlike each other in currency, ids and density
WORLDS = {
    "cny": (0.4, 4242, {}),
    "usd": (0.4, 777, {"currency": "USD", "amount_scale": 0.14, "direct_award_limit": 250_000, "density": 1.3,
                        "weeks": 40, "noise": 0.1,
                        "id_prefixes": {"units": "DEPT-", "officials": "EMP-", "people": "IND-",
                                        "companies": "ORG-", "contacts": "MTG-", "gifts": "GFT-", "trips": "TRV-",
                                        "contracts": "PRC-", "decisions": "DEC-"}}),
}
TOP = 100  # centrality ranks compared: the top of each measure


def world_db(name: str, folder: Path):
    """The world ``name`` generated into ``folder`` and ingested into a fresh store there."""
    from graphrisk import store
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import Params, generate

    scale, seed, params = WORLDS[name]
    generate(folder / "files", scale=scale, seed=seed, params=Params(**params))
    db = store.connect(folder / "store.db")
    ingest_paths(db, [folder / "files"])
    return db


def snapshot(db, overrides: dict | None = None, centrality: bool = True) -> dict:
    """Levels, scores and reasons of every official with a finding, every path kept, centrality tops
    (``overrides``: settings sections to change, e.g. ``{"graph": {"workers": 1}}``)."""
    from graphrisk import settings as settings_mod
    from graphrisk.analysis.centrality import compute
    from graphrisk.engine import evaluation
    from graphrisk.engine.arrays import load_arrays

    settings = settings_mod.load(overrides=overrides)
    ev = evaluation(db, settings=settings, store=False, reuse=False)
    flags = {f.official_id: {"level": f.level, "score": round(f.score, 2),
                             "reasons": sorted([r.rule, round(r.score, 2), sorted(r.evidence), r.path_id or ""]
                                               for r in f.reasons)} for f in ev.flags}
    paths = {p.path_id: [p.official_id, p.company_id, round(p.score, 2), p.gap_days, p.hops] for p in ev.paths}
    if not centrality:
        return {"flags": dict(sorted(flags.items())), "paths": dict(sorted(paths.items()))}
    result = compute(load_arrays(db), ["pagerank", "degree", "betweenness", "brokerage"], settings=settings)
    tops = {}
    for measure in ("pagerank", "degree", "betweenness", "brokerage"):
        values = result.values[measure] if hasattr(result, "values") else result[measure]
        ranked = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:TOP]
        tops[measure] = [n for n, _ in ranked]
    return {"flags": dict(sorted(flags.items())), "paths": dict(sorted(paths.items())), "centrality_top": tops}


def main(argv=None) -> int:
    import tempfile

    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in WORLDS:
        with tempfile.TemporaryDirectory() as tmp:
            snap = snapshot(world_db(name, Path(tmp)))
        out = FIXTURES / f"{name}.json"
        out.write_text(json.dumps(snap, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
        print(f"{out}: {len(snap['flags'])} officials, {len(snap['paths'])} paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
