"""The end-to-end demo: sample world → store → every analysis → outputs, narrated on the console."""
from __future__ import annotations

import json
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from . import safeio, store
from .i18n import current_lang, fmt_date, kind_label, level_label, t
from .info import store_info


def run_demo(db_path: str, sample_dir: str, out_dir: str, scale: float, settings: dict,
             console: Console) -> dict:
    """Run the demo; return a summary of what was written where."""
    from .ingest import ingest_paths
    from .sample import generate

    t_start = time.perf_counter()
    out = safeio.make_dirs(out_dir)
    sample = Path(sample_dir)
    say = console.print
    if not (sample / "truth.json").exists():
        summary = generate(sample, scale=scale, seed=42)
        say(t("demo.sample_written", path=escape(str(sample)), rows=f"{summary['total_rows']:,}",
              seconds=f"{summary['seconds']:.1f}"))
    else:
        say(t("demo.sample_found", path=escape(str(sample))))

    db = store.connect(db_path)
    reports, _ = ingest_paths(db, [sample], settings=settings)
    changed = sum(r.inserted + r.updated for r in reports)
    say(t("demo.ingest", path=escape(str(db_path)), n=f"{changed:,}") + (t("demo.ingest_nothing") if changed == 0 else ""))
    info = store_info(db)
    say(t("demo.store", counts=t("cmd.flags.level_sep").join(t("demo.count", kind=kind_label(k), n=f"{v:,}")
                                                           for k, v in info["counts"].items()),
          batches=info["batches"]))

    results: dict = {"db": str(db_path), "sample": str(sample)}
    for step in STEPS:
        step(db, settings, out, results, say)
    say(t("demo.done", seconds=f"{time.perf_counter() - t_start:.1f}"))
    for label, path in results.get("written", []):
        say(t("demo.result", label=label, path=escape(str(path))))
    return results


def _analysis(db, settings, out: Path, results: dict, say) -> None:
    from .engine import evaluation
    from .render.map_load import graph_of

    ev = evaluation(db, settings=settings)  # the one engine: stored, and reused by the maps and the report
    run_id = ev.run_id
    results["evaluation"] = ev
    results["G"] = graph_of(db, ev)
    levels = t("cmd.flags.level_sep").join(
        t("cmd.flags.level_count", level=level_label(lvl), n=sum(1 for f in ev.flags if f.level == lvl))
        for lvl in ("red", "orange", "yellow"))
    say(t("demo.analysis", seconds=f"{ev.seconds:.1f}", run=run_id, paths=len(ev.paths), levels=levels))
    say(t("demo.strongest"))
    for p in ev.paths[:5]:
        say(f"   [{p.score:.0f}] {escape(p.text(current_lang()))}")
    flags_path = out / "flags.json"
    safeio.write_text(flags_path, json.dumps([f.to_dict() for f in ev.flags if f.level != "green"],
                                             ensure_ascii=False, indent=2), encoding="utf-8")
    paths_path = out / "paths.json"
    safeio.write_text(paths_path, json.dumps([p.to_dict() for p in ev.paths], ensure_ascii=False, indent=2),
                      encoding="utf-8")
    results.setdefault("written", []).extend([(t("demo.written.flags"), flags_path),
                                              (t("demo.written.paths"), paths_path)])
    results["print_flags"] = lambda: _flags_table([f for f in ev.flags if f.level in ("red", "orange")],
                                                  t("demo.flags_title"), say)




def _flags_table(flags, title: str, say, top_reasons: int = 3) -> None:
    """The priority-attention officials as `graphrisk flags` prints them."""
    from .render.console import flags_table

    say(flags_table(flags, title, top_reasons))


def _resolution(db, settings, out: Path, results: dict, say) -> None:
    from .resolve.unresolved import references as unresolved
    from .resolve.merge import canonical_map, duplicates

    t0 = time.perf_counter()
    pairs = duplicates(db, "company", settings=settings)
    people = duplicates(db, "person", settings=settings)
    auto = sum(1 for p in pairs + people if p["auto"])
    say(t("demo.resolution", seconds=f"{time.perf_counter() - t0:.1f}", companies=len(pairs), people=len(people),
          auto=auto, merges=len(canonical_map(db)), unresolved=len(unresolved(db))))


def _centrality(db, settings, out: Path, results: dict, say) -> None:
    from .analysis import centrality, communities

    G = results["G"]  # the evaluation's graph (built for its window when the engine reused a stored one)
    t0 = time.perf_counter()
    res = centrality.compute(G, "all", kind="official", settings=settings)
    run_id = centrality.store_run(db, res, {"demo": True}, settings)
    parts = communities.detect(G, settings)
    communities.store_run(db, parts, {"demo": True}, settings)
    mixed = communities.mixed_clusters(G, parts, pairs_limit=0)  # counted only
    say(t("demo.centrality", seconds=f"{time.perf_counter() - t0:.1f}", run=run_id,
          communities=len(set(parts.membership.values())), mixed=len(mixed)))
    for measure in ("brokerage", "pagerank"):
        top = t("cmd.flags.level_sep").join(f"{escape(str(G.nodes[n].get('name')))} ({n}) {v:.3g}"
                                            for n, v, _ in res.top(measure, 3))
        say(t("demo.top", measure=t(f"cmd.centrality.measure.{measure}"), top=top))
    from .narrate import sampling_note

    for m, note in res.notes.items():
        say(f"   {escape(sampling_note(m, res.info.get(m) or {}, note))}")


def _maps(db, settings, out: Path, results: dict, say) -> None:
    from .render.maps import official_map, overview_map
    from .report.build import map_file

    ev, G = results["evaluation"], results["G"]
    levels = {f.official_id: f.level for f in ev.flags}
    scores = {f.official_id: f.score for f in ev.flags}
    maps_dir = out / "maps"
    safeio.make_dirs(maps_dir)
    t0 = time.perf_counter()
    red = [f for f in ev.flags if f.level == "red"]  # readable maps: paths, private ties, timeline (the report adds orange)
    written = []
    for f in red:
        mine = [p for p in ev.paths if p.official_id == f.official_id]
        path = maps_dir / f"official-{Path(map_file(f.official_id)).name}"  # safe whatever the id ("/", "..")
        official_map(G, f.official_id, paths=mine, levels=levels, scores=scores, settings=settings,
                     lang=current_lang()).write(path)
        written.append(path)
    overview = maps_dir / "overview.html"
    overview_map(G, levels, min_level="orange", paths=ev.paths, scores=scores, settings=settings,
                 lang=current_lang()).write(overview)
    say(t("demo.maps", seconds=f"{time.perf_counter() - t0:.1f}", n=len(written), path=escape(str(maps_dir))))
    for f in red:
        mine = [p for p in ev.paths if p.official_id == f.official_id]
        if mine:
            say(f"   {escape(f.name)} ({f.official_id}): "
                + " | ".join(escape(p.text(current_lang())) for p in mine[:2]))
    results.setdefault("written", []).extend([(t("demo.written.overview"), overview),
                                              (t("demo.written.maps", n=len(written)), maps_dir)])


def _report(db, settings, out: Path, results: dict, say) -> None:
    from .report.period import default_period
    from .report import make_report

    period = default_period(db)  # the latest complete ISO week with data; the report says so
    t0 = time.perf_counter()
    rep, files = make_report(db, period, settings, out / "reports" / period.label, lang=current_lang())
    index = next(p for p in files if p.name == "index.html")
    att = rep.data["attention"]
    say(t("demo.report", label=period.label, since=fmt_date(str(period.since)), until=fmt_date(str(period.until)),
          seconds=f"{time.perf_counter() - t0:.1f}", new=len(att["new"]), escalated=len(att["escalated"]),
          evidence=len(att["new_evidence"]), paths=len(rep.data["paths"]["new"]), maps=len(rep.maps)))
    results.setdefault("written", []).append((t("demo.written.report"), index))


def _final_table(db, settings, out, results, say) -> None:
    say("")
    results.pop("print_flags", lambda: None)()


STEPS = [_resolution, _analysis, _centrality, _maps, _report, _final_table]
