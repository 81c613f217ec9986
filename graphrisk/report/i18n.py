"""Labels of the report in English and Chinese, from the message catalogue (messages/report.toml).

Data (names, units, reason texts) stays as it is; names of kinds come from the model
(``schema.KINDS[...].label``). ``labels(lang)`` gives the dict the templates read.
"""
from __future__ import annotations

import re

from .. import schema
from ..i18n import LANGS, catalogue, t

_PREFIX = "report."


def _keys() -> list[str]:
    return [k[len(_PREFIX):] for k in catalogue() if k.startswith(_PREFIX) and "." not in k[len(_PREFIX):]]


def kind_labels(lang: str) -> dict[str, str]:
    """Plural name of every kind of the model (``gifts`` → 礼品)."""
    return {name: k.label.get(lang) or k.label.get("en") or name for name, k in schema.KINDS.items()}


def labels(lang: str) -> dict:
    """Every report label in ``lang``, plus ``kinds``: the name of each kind."""
    return {**{k: t(_PREFIX + k, lang) for k in _keys()}, "kinds": kind_labels(lang)}


def data_version_text(version: str | None, lang: str) -> str:
    """The store's data version (``b9-9``) in words: how many register files are loaded, the latest batch."""
    m = re.fullmatch(r"b(\d+)-(\d+)", version or "")
    if not m:
        return version or ""
    return t("report.data_version_text", lang, latest=int(m.group(1)), batches=int(m.group(2)))


class _Labels(dict):
    """``LABELS[lang][key]`` as before the catalogue, read from it."""

    def __missing__(self, lang):
        if lang not in LANGS:
            raise KeyError(lang)
        value = {k: t(_PREFIX + k, lang) for k in _keys()}
        return value


LABELS = _Labels()
KIND_LABELS = {lang: kind_labels(lang) for lang in LANGS}

__all__ = ["KIND_LABELS", "LABELS", "LANGS", "data_version_text", "kind_labels", "labels"]
