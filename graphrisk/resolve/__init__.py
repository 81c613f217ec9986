"""Entity resolution: normalisation keys, matching, name references at ingest, review and merge.

- :mod:`.normalize`: ``normalize_name`` (stored as ``name_norm``), ``person_key``,
  ``company_key``, ``romanised_key``, ``normalize_identifier``;
- :mod:`.match`: ``Record``, ``score_pair``, ``candidate_pairs``, ``cluster``, ``Index``,
  ``records_from_store`` (strong identifiers first, then blocked fuzzy names with context);
- :mod:`.references`: ``resolve_references`` (called by ingest for ``*_name`` columns);
- :mod:`.merge`: ``duplicates``, ``merge``, ``unmerge``, ``merge_log``, ``canonical_map``.
"""
