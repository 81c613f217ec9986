"""One exception hierarchy; the CLI turns each into a one-line message and exit status."""
from __future__ import annotations


class GraphRiskError(Exception):
    """Base class of every error graphrisk raises on purpose."""


class SettingsError(GraphRiskError):
    """Raised when a settings file is unreadable or names an unknown key or a bad value."""


class InputError(GraphRiskError):
    """Raised when an input file cannot be read as its kind; carries every problem found.

    ``problems`` is a list of :class:`graphrisk.ingest.validate.Problem`
    (file, row, column, message). Nothing of the batch has been written.
    """

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = problems or []

    def to_dict(self) -> dict:
        """The failure as data: ``{"error", "problems": [{code, file, row, column, message}], ...}``."""
        out = {"error": str(self), "problems": [p.to_dict() if hasattr(p, "to_dict") else {"message": str(p)}
                                                for p in self.problems]}
        if getattr(self, "reports", None):
            out["loaded"] = [r.to_dict() for r in self.reports]
        if getattr(self, "pending", None):
            out["pending"] = list(self.pending)
        return out


class StoreError(GraphRiskError):
    """Raised when the store cannot be opened or migrated, or a lookup names nothing stored."""


class NotFound(StoreError):
    """Raised when an id given by the user (official, company, path, run) is not in the store."""
