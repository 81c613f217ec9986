"""Mapping profiles, in parts: :mod:`graphrisk.ingest.profiles` re-exports every public name.

- :mod:`.format`: the profile file, its keys checked and loaded (:class:`Profile`, :func:`load`);
- :mod:`.headers`: header normalisation, built-in synonyms, matching headers to canonical columns;
- :mod:`.transforms`: per-cell and per-column helpers (dates, decimal commas, id templates, content ids);
- :mod:`.apply`: a profile applied to a file, giving the canonical table ingest reads;
- :mod:`.check`: ``graphrisk profile check``; :mod:`.draft`: ``graphrisk profile draft``.

This package's ``__init__`` imports nothing, so importing one part loads only what that part needs.
"""
