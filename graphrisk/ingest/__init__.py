"""Ingest: read files, parse and validate values, resolve names, write batches with provenance."""
from .pipeline import FileReport, ingest_file, ingest_paths, order_paths
from .prepare import Problem

__all__ = ["FileReport", "Problem", "ingest_file", "ingest_paths", "order_paths"]
