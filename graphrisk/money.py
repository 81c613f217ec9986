"""Money in one base currency: amounts of different currencies are compared only through a rate table.

Settings hold amounts in the base currency (``[money] base``) and a table of
rates (``[money.rates]``: how many base units one unit of a currency is worth).
:func:`to_base` converts; a currency missing from the table is never treated as
the base: :func:`to_base` raises :class:`UnknownCurrency` and
:func:`to_base_or_none` returns None, which the rules report as "not comparable".
A record with no currency is in the register's default currency
(``[ingest] default_currency``), which is a stated setting, not a guess.
"""
from __future__ import annotations

from .errors import GraphRiskError


class UnknownCurrency(GraphRiskError):
    """Raised when an amount's currency has no rate in ``[money.rates]`` (so it cannot be compared)."""


def _settings(settings: dict | None) -> dict:
    if settings is None:
        from . import settings as settings_mod

        settings = settings_mod.load()
    return settings


def base_currency(settings: dict | None = None) -> str:
    return _settings(settings)["money"]["base"].upper()


def currency_of(currency: str | None, settings: dict | None = None) -> str:
    """The currency code of a record: its own (upper-cased), else the register's default currency."""
    s = _settings(settings)
    cur = (currency or "").strip().upper()
    return cur or s["ingest"]["default_currency"].upper()


def rate(currency: str | None, settings: dict | None = None) -> float | None:
    """Base units per one unit of ``currency``; None when the table has no rate for it."""
    s = _settings(settings)
    cur = currency_of(currency, s)
    if cur == base_currency(s):
        return 1.0
    rates = {k.upper(): v for k, v in s["money"]["rates"].items()}
    r = rates.get(cur)
    return float(r) if r and r > 0 else None


def comparable(currency: str | None, settings: dict | None = None) -> bool:
    """Whether amounts in ``currency`` can be converted to the base currency."""
    return rate(currency, settings) is not None


def to_base(amount: float | None, currency: str | None, settings: dict | None = None) -> float | None:
    """``amount`` in the base currency (None stays None); :class:`UnknownCurrency` when there is no rate."""
    if amount is None:
        return None
    r = rate(currency, settings)
    if r is None:
        s = _settings(settings)
        raise UnknownCurrency(f"no exchange rate for currency '{currency_of(currency, s)}' in [money.rates] "
                              f"(base {base_currency(s)}): amounts in it cannot be compared")
    return float(amount) * r


def to_base_or_none(amount: float | None, currency: str | None, settings: dict | None = None) -> float | None:
    """Like :func:`to_base`, but None for an unknown currency (the caller reports "not comparable")."""
    try:
        return to_base(amount, currency, settings)
    except UnknownCurrency:
        return None


def from_base(amount: float, currency: str | None, settings: dict | None = None) -> float | None:
    """A base-currency amount (e.g. a threshold from settings) expressed in ``currency``; None if no rate."""
    r = rate(currency, settings)
    return None if r is None else amount / r


__all__ = ["UnknownCurrency", "base_currency", "comparable", "currency_of", "from_base", "rate", "to_base",
           "to_base_or_none"]
