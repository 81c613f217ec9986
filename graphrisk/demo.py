"""The end-to-end demo: sample world → store → every analysis → outputs, narrated on the console."""
from __future__ import annotations

import json
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from . import store
from .info import store_info


def run_demo(db_path: str, sample_dir: str, out_dir: str, scale: float, settings: dict,
             console: Console) -> dict:
    """Run the demo; return a summary of what was written where."""
    from .ingest import ingest_paths
    from .sample import generate

    t_start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sample = Path(sample_dir)
    say = console.print
    if not (sample / "truth.json").exists():
        summary = generate(sample, scale=scale, seed=42)
        say(f"[bold]1. sample world[/] written to {escape(str(sample))}: {summary['total_rows']:,} rows "
            f"in {summary['seconds']:.1f} s")
    else:
        say(f"[bold]1. sample world[/] found in {escape(str(sample))}")

    db = store.connect(db_path)
    reports, _ = ingest_paths(db, [sample], settings=settings)
    changed = sum(r.inserted + r.updated for r in reports)
    say(f"[bold]2. ingest[/] into {escape(str(db_path))}: {changed:,} records written"
        + (" (already loaded: nothing changed)" if changed == 0 else ""))
    info = store_info(db)
    say("   store: " + ", ".join(f"{k} {v:,}" for k, v in info["counts"].items())
        + f"; {info['batches']} batches")

    results: dict = {"db": str(db_path), "sample": str(sample)}
    for step in STEPS:
        step(db, settings, out, results, say)
    say(f"\n[bold]done[/] in {time.perf_counter() - t_start:.1f} s. Results:")
    for label, path in results.get("written", []):
        say(f"  {label}: {escape(str(path))}")
    return results


def _analysis(db, settings, out: Path, results: dict, say) -> None:
    from .commands.flags import print_table
    from .rules.engine import evaluate, store_evaluation

    ev = evaluate(db, settings=settings)
    run_id = store_evaluation(db, ev, {"demo": True})
    results["evaluation"] = ev
    say(f"[bold]4. conflict paths and flags[/] ({ev.seconds:.1f} s, run {run_id}): {len(ev.paths)} paths; "
        + ", ".join(f"{lvl} {sum(1 for f in ev.flags if f.level == lvl)}" for lvl in ("red", "orange", "yellow")))
    say("   strongest paths:")
    for p in ev.paths[:5]:
        say(f"   [{p.score:.0f}] {escape(p.explanation)}")
    flags_path = out / "flags.json"
    flags_path.write_text(json.dumps([f.to_dict() for f in ev.flags if f.level != "green"], ensure_ascii=False,
                                     indent=2), encoding="utf-8")
    paths_path = out / "paths.json"
    paths_path.write_text(json.dumps([p.to_dict() for p in ev.paths], ensure_ascii=False, indent=2),
                          encoding="utf-8")
    results.setdefault("written", []).extend([("flags (JSON)", flags_path), ("conflict paths (JSON)", paths_path)])
    results["print_flags"] = lambda: print_table([f for f in ev.flags if f.level in ("red", "orange")],
                                                 title="priority-attention officials (red and orange)")


def _final_table(db, settings, out, results, say) -> None:
    say("")
    results.pop("print_flags", lambda: None)()


STEPS = [_analysis, _final_table]
