"""One message catalogue for every text a user reads, in Chinese and English.

Messages live in ``messages/<domain>.toml`` beside this file, one table per key::

    [path.gift]
    en = "{recipient} received a gift of {amount} from {giver} on {date}"
    zh = "{date}，{recipient}收受{giver}礼品，价值{amount}"

``t(key, **params)`` formats a message in the current language (``--lang``, the ``lang``
setting, else the locale); ``both(key, **params)`` gives ``{"en": ..., "zh": ...}`` for results
stored once and shown in either language. Dates and money go through :func:`fmt_date` and
:func:`fmt_money` (``2026年3月2日``, ``240万元``). A test fails when a key lacks a language.
"""
from __future__ import annotations

import locale
import os
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

LANGS = ("en", "zh")
_MESSAGES = Path(__file__).with_name("messages")
_current: list[str] = []


def default_lang() -> str:
    """The language of the locale (``$GRAPHRISK_LANG``, then ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` as gettext reads them): zh for Chinese (zh_CN, zh_TW, zh-Hans, ...), else en."""
    for var in ("GRAPHRISK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var)
        if v:
            first = v.split(":")[0].strip().lower()  # LANGUAGE is a priority list: zh_CN:en
            return "zh" if first.startswith("zh") else "en"
    loc = (locale.getlocale()[0] or "").lower()
    return "zh" if loc.startswith("zh") else "en"


def set_lang(lang: str | None) -> str:
    """Make ``lang`` the language of :func:`t` from now on (None: back to the default)."""
    _current.clear()
    if lang:
        if lang not in LANGS:
            raise ValueError(f"unknown language '{lang}' (known: {', '.join(LANGS)})")
        _current.append(lang)
    return current_lang()


def lang_setting(settings: dict) -> str | None:
    """The language the ``[output] lang`` setting names (None for "auto": the locale decides)."""
    value = (settings.get("output") or {}).get("lang", "auto")
    if value in ("auto", "", None):
        return None
    if value not in LANGS:
        from ..errors import SettingsError

        raise SettingsError(f"setting 'output.lang' must be one of auto, {', '.join(LANGS)}, not '{value}'")
    return value


def current_lang() -> str:
    return _current[0] if _current else default_lang()


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key -> {lang: template}, from all domain files."""
    out: dict[str, dict[str, str]] = {}
    for f in sorted(_MESSAGES.glob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        _flatten(data, "", out)
    return out


def _flatten(node: dict, prefix: str, out: dict) -> None:
    if any(isinstance(v, str) for v in node.values()) and set(node) <= set(LANGS) | {"note"}:
        out[prefix] = {k: v for k, v in node.items() if k in LANGS}
        return
    for k, v in node.items():
        if isinstance(v, dict):
            _flatten(v, f"{prefix}.{k}" if prefix else k, out)


def missing() -> list[str]:
    """Keys lacking a language: the catalogue test asserts this is empty."""
    return sorted(f"{k} ({lang})" for k, v in catalogue().items() for lang in LANGS if not v.get(lang))


def t(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``params``."""
    lang = lang or current_lang()
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"no message '{key}' in the catalogue")
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def both(key: str, **params) -> dict[str, str]:
    """The message in every language, for results stored once and shown in either."""
    return {lang: t(key, lang, **params) for lang in LANGS}


def level_label(level: str, lang: str | None = None) -> str:
    """A risk level in words (``red`` → 红色)."""
    key = f"common.levels.{level}"
    return t(key, lang) if key in catalogue() else level


def node_label(kind: str, lang: str | None = None, plural: bool = False) -> str:
    """A node kind's name from the model (``company`` → 企业 / Company; plural: companies / 家企业)."""
    from .. import schema

    n = schema.NODES.get(kind)
    if n is None:
        return kind
    words = n.plural if plural else n.label
    return words.get(lang or current_lang()) or words.get("en") or kind


def kind_label(kind: str, lang: str | None = None) -> str:
    """A record or entity kind's name from the model (``gifts`` → 礼品, ``relations`` → ties)."""
    from .. import schema

    k = schema.KINDS.get(kind)
    return (k.label.get(lang or current_lang()) or k.label.get("en") or kind) if k else kind


def catalogue_rule_name(rule_id: str, lang: str | None = None) -> str | None:
    """A rule's name from the catalogue (``rules.<id>.name``), None when the catalogue has none in ``lang``.

    ``graphrisk.rules.rule_name`` adds the registered title of a rule from another package.
    """
    entry = catalogue().get(f"rules.{rule_id}.name")
    return entry.get(lang or current_lang()) if entry else None


CURRENCY_ZH = {"CNY": "元", "RMB": "元", "GBP": "英镑", "EUR": "欧元", "USD": "美元", "HKD": "港元",
               "JPY": "日元", "KRW": "韩元", "CHF": "瑞士法郎", "AUD": "澳元", "CAD": "加元", "SGD": "新加坡元"}


def fmt_date(iso: str | None, lang: str | None = None) -> str:
    """``2026-03-02`` as ``2026年3月2日`` (zh) or ``2026-03-02`` (en); '' for None."""
    if not iso:
        return ""
    lang = lang or current_lang()
    if lang != "zh":
        return iso[:10]
    d = date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_money(amount: float | None, currency: str | None = None, lang: str | None = None) -> str:
    """``2400000, CNY`` as ``240万元`` (zh) or ``2,400,000 CNY`` (en); unknown amounts say so.

    >>> fmt_money(3000, "GBP", "zh"), fmt_money(123456789, "CNY", "zh"), fmt_money(0.5, "USD", "en")
    ('3000英镑', '1.23亿元', '0.5 USD')
    """
    lang = lang or current_lang()
    if amount is None:
        return t("common.unknown_amount", lang)
    cur = (currency or "").upper()
    if lang == "zh":
        unit = CURRENCY_ZH.get(cur, f" {cur}" if cur else "")
        a = abs(amount)
        if a >= 1e8:  # Chinese writes 3000元, 2.4万元, 1.2亿元: no thousands separators
            num = f"{amount / 1e8:.2f}".rstrip("0").rstrip(".") + "亿"
        elif a >= 1e4:
            num = f"{amount / 1e4:.2f}".rstrip("0").rstrip(".") + "万"
        else:
            num = f"{amount:.2f}".rstrip("0").rstrip(".")
        return f"{num}{unit}"
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {cur}".strip()


__all__ = ["LANGS", "both", "catalogue", "current_lang", "default_lang", "fmt_date", "fmt_money", "kind_label",
           "lang_setting", "level_label", "missing", "node_label", "rule_name", "set_lang", "t"]
