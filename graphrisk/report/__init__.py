"""The scripted weekly exposure report (``graphrisk report``).

``build.build_report`` computes the report as one plain dict (see its
docstring for what each figure means), ``write.write_report`` writes
``index.html`` (self-contained, offline), ``report.json`` (byte-identical
for the same store, settings and period), ``report.md``, CSV tables, the
maps of the listed and red officials beside them, and ``meta.json`` (the
run's timings and time stamp, kept out of ``report.json``).
"""
from __future__ import annotations

from .build import Report, build_report
from .period import Period, ReportError, last_complete_week, latest_data_week, resolve_period, week_period
from .write import FORMATS, report_json, write_report

__all__ = ["FORMATS", "Period", "Report", "ReportError", "build_report", "last_complete_week", "latest_data_week",
           "make_report", "report_json", "resolve_period", "week_period", "write_report"]


def check_settings(settings: dict) -> None:
    from ..findings import LEVELS
    from .i18n import LANGS

    cfg = settings.get("report", {})
    if cfg.get("attention_level") not in LEVELS[1:]:
        raise ReportError(f"setting 'report.attention_level' must be one of {', '.join(LEVELS[1:])}")
    if cfg.get("map_level") not in LEVELS:
        raise ReportError(f"setting 'report.map_level' must be one of {', '.join(LEVELS)}")
    if cfg.get("lang") not in (*LANGS, "auto"):
        raise ReportError(f"setting 'report.lang' must be one of {', '.join(LANGS)}, auto")
    for key in ("trend_weeks", "top_reasons", "top_units", "top_movers", "max_maps", "workers"):
        if int(cfg.get(key, 1 if key == "workers" else 0)) < (1 if key in ("trend_weeks", "workers") else 0):
            raise ReportError(f"setting 'report.{key}' must be positive")


def make_report(db, period: Period, settings: dict, out_dir, formats=FORMATS, lang: str | None = None,
                maps: bool = True, store_runs: bool | None = None):
    """Build and write the report for ``period``; return (Report, written paths)."""
    check_settings(settings)
    if not lang:
        from ..i18n import current_lang

        lang = settings["report"]["lang"] if settings["report"]["lang"] != "auto" else current_lang()
    report = build_report(db, period, settings, store_runs=store_runs)
    files = write_report(report, out_dir, formats=formats, lang=lang, maps=maps)
    return report, files
