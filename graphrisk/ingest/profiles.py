"""Mapping profiles: a declarative TOML file that turns one source file into one canonical kind.

A register received as it is published (a ministry's spreadsheet, a monthly
CSV, a scraped JSON) rarely has graphrisk's column names, date order or
currency. A profile says, as data, how to read it, so that nobody writes
pandas for it::

    kind = "gifts"
    [columns]                 # canonical column = source column (a list: the first non-empty)
    recipient_name = "minister"
    giver_name = "donor_recipient"
    date = "date"
    value = "value"
    description = "gift"
    [formats]                 # date formats per column (strptime), or "day-first" / "month-first"
    date = ["%Y-%m-%d", "%d/%m/%Y"]
    [values]                  # value maps; "" = empty (an amount: unknown, the text kept in value_text)
    value = { "Above limit" = "", "Value Unknown" = "" }
    [constants]               # currency here is the file's currency where an amount has no sign
    currency = "GBP"
    [filter]                  # keep only rows whose source column holds one of these
    given_or_received = ["Received"]
    [entity_kinds]            # person, company, organisation, public_body, official, unit, unknown
    giver_name = "unknown"

Further tables: ``[ids]`` id templates from several columns
(``official_id = "GB-{council}:{name:slug}"``, ``{_row}`` is the file row),
``[split]`` a multi-valued cell into several records, ``[skip]`` values that
mean a row holds no record (``Nil Return``: counted, not stored),
``skip_if_empty`` columns whose emptiness means the same, ``[replace]``
substrings, ``[[shift]]`` rows whose cells are shifted, ``dayfirst``,
``currency``, ``distinct`` (an entity file made from a record file: one
row per id, the first spelling kept). Every name in the file is matched
case-insensitively after trimming; a column the profile names that the file
lacks is an error, never silently empty. docs/profiles.md documents each key.

:func:`load` reads a profile (unknown keys are errors), :meth:`Profile.apply`
turns a file into the canonical table ingest reads (with the problems found
and the rows skipped, each counted by reason), :func:`draft` writes a
commented profile by reading a file, :func:`check` shows the first rows as
they would load and every problem.

The code lives in :mod:`graphrisk.ingest.profile` (format, headers,
transforms, apply, check, draft); this module gathers its public names so
that callers import from one place.
"""
from __future__ import annotations

from .profile.apply import Applied, merge_problems, read_source
from .profile.check import CheckResult, check
from .profile.draft import draft, guess_kind, mojibake_sign
from .profile.format import _TOP_KEYS, ENTITY_KINDS, Profile, Shift, load  # noqa: F401 (_TOP_KEYS: the docs test)
from .profile.headers import SYNONYMS, slug, synonym_mapping
from .profile.transforms import SKIP

__all__ = ["ENTITY_KINDS", "SKIP", "SYNONYMS", "Applied", "CheckResult", "Profile", "Shift", "check", "draft",
           "guess_kind", "load", "merge_problems", "mojibake_sign", "read_source", "slug", "synonym_mapping"]
