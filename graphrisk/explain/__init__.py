"""Why is this official flagged? One official's case file, as data.

:func:`explain` gathers, for one official, from the stored evaluation and the store itself:

- who they are (name, units over time, position, rank);
- their level and score, and what each point comes from: every reason's own score and what it adds
  under :func:`graphrisk.rules.engine.combine` (diminishing returns), the level cut-offs, and the cap
  a rule's ``max_level`` puts on the level;
- every reason with the records behind it (date, amount, counterpart, source file and row);
- a timeline of the official's records (contacts, gifts, trips, contracts and decisions, their
  unit's awards to the companies on their paths) with, for each decision, the benefits that came
  before it and how many days before;
- their conflict paths.

The result is a :class:`CaseFile`; ``to_dict()`` is the JSON shape of ``graphrisk explain --format
json`` (add keys, never rename). :func:`case_text` renders the plain-text form and
``graphrisk.explain_html`` the printable HTML case file. Every word comes from the catalogue
(``messages/explain.toml``), so each form exists in Chinese and English.

The package is split along those seams: ``model`` (the dataclasses and their JSON), ``records`` (reading
names, records and the official from the store), ``gather`` (:func:`explain`, the score), ``timeline``
(the timeline and benefit-before-decision links) and ``text`` (labels and the plain-text form). Every
name is importable from here, as it was when this was one module.
"""
from __future__ import annotations

from .gather import explain, score_breakdown
from .model import FORMAT_VERSION, CaseFile, CaseRecord, case_file_name  # noqa: F401
from .records import Names, Records  # noqa: F401
from .text import (case_text, describe_record, detail_text, level_label, node_label, points,  # noqa: F401
                   reasons_text, record_kind_label, rule_title, source_text, summary_lines)

__all__ = ["CaseFile", "CaseRecord", "Names", "case_file_name", "case_text", "explain", "reasons_text",
           "points", "record_kind_label", "rule_title", "score_breakdown"]

