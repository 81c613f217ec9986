"""Entity matching: strong identifiers first, then blocked fuzzy name matching with context.

This module gathers the matcher's public names; the code lives in :mod:`.records` (Record,
Decision, settings), :mod:`.features` (matching keys and blocks), :mod:`.scoring` (a pair),
:mod:`.index` (candidates, clustering) and :mod:`.stored` (records from the store).

Works on plain lists of :class:`Record` (adapters, tests, benchmarks) and on
the store (:func:`records_from_store`). Every comparison yields a
:class:`Decision` with a score in 0..1, a reason in words and the evidence
it rests on.

Rules, in order:

1. Two records carrying the same strong identifier (citizen id number,
   unified social credit code, company registry number, compared after
   :func:`~graphrisk.resolve.normalize.normalize_identifier`) are the same
   entity: score 1.0.
2. Two records carrying *different* identifiers of the same type are never
   the same entity, whatever their names: score 0.0, ``conflict=True``.
   Clustering (:func:`cluster`) keeps this across chains too: a cluster never
   holds two different numbers of one type.
3. Otherwise the names are compared on matching keys (company key without
   legal forms and brackets; person key without titles; pinyin for a name
   written in Chinese on one side and Latin letters on the other) and the
   score is adjusted by context: same / different region, same unit, shared
   neighbours in the graph.

Candidate pairs come from blocking: records meet only if they share an
exact key (full key, the Chinese or Latin part of a mixed-script name, the
name without a leading province, an acronym) or a blocking token (a Latin
word, the first characters of a Chinese name) in a block small enough to
be informative (``max_block_size``). Within a fuzzy block rapidfuzz
pre-filters in C before the full score is computed.
"""
from __future__ import annotations

from .features import Features, features
from .index import ClusterResult, Index, _Clusters, candidate_pairs, cluster
from .records import (
    DEFAULTS,
    ID_FIELDS,
    PERSON_KINDS,
    Decision,
    Record,
    clean_name,
    family,
    gc_paused,
    pair_metrics,
    preferred_name,
    resolve_settings,
)
from .scoring import context_adjust, name_score, score_pair, strong_id_check
from .stored import neighbours_from_store, records_from_store

__all__ = [
    "DEFAULTS", "ID_FIELDS", "PERSON_KINDS", "ClusterResult", "Decision", "Features", "Index", "Record",
    "candidate_pairs", "clean_name", "cluster", "context_adjust", "family", "features", "gc_paused",
    "name_score", "neighbours_from_store", "pair_metrics", "preferred_name", "records_from_store",
    "resolve_settings", "score_pair", "strong_id_check", "_Clusters",
]
