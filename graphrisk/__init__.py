"""graphrisk: network analysis of relationships between public officials and businesses.

The library is the product; the ``graphrisk`` command is a thin layer over it.
"""
from .errors import GraphRiskError, InputError, NotFound, SettingsError, StoreError
from .store import connect

__all__ = ["GraphRiskError", "InputError", "NotFound", "SettingsError", "StoreError", "connect"]
__version__ = "0.1.0"
