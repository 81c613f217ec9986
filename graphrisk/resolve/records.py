"""The plain things resolution works on: a :class:`Record` to match, a :class:`Decision` about a pair,
the [resolve] settings, and small helpers shared by every resolution module."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import tomllib
from importlib import resources

from .. import collector
from .normalize import fix_ocr

# The shipped [resolve] settings (defaults.toml is the one place they are written down), read
# from the file itself: resolution sits below the settings, the store and the engine.
DEFAULTS: dict = tomllib.loads(resources.files("graphrisk").joinpath("defaults.toml")
                               .read_text(encoding="utf-8"))["resolve"]

PERSON_KINDS = ("people", "officials")
ID_FIELDS = ("id_number", "registration_no")


# matching allocates many small acyclic objects, and full collections over a large heap cost more than
# the matching itself: it runs with the cyclic collector paused
gc_paused = collector.paused


def resolve_settings(settings: dict | None) -> dict:
    """The [resolve] settings from a full settings dict, a [resolve] section, or nothing."""
    if settings is not None and settings.get("_resolved"):
        return settings
    out = dict(DEFAULTS)
    out["_resolved"] = True
    if settings:
        sec = settings.get("resolve", settings)
        out.update({k: v for k, v in sec.items() if k in DEFAULTS})
    return out


@dataclass
class Record:
    """One thing with a name to match: an entity row, a name from a register, a query."""
    id: str
    name: str
    kind: str = "companies"  # people | officials | companies | units
    id_number: str | None = None  # citizen id (people, officials)
    registration_no: str | None = None  # company registry number / unified social credit code
    region: str | None = None
    unit: str | None = None  # an official's unit
    neighbours: frozenset = frozenset()  # ids of entities linked to it in the graph


@dataclass
class Decision:
    a: str
    b: str
    score: float
    reason: str
    conflict: bool = False  # different strong identifiers: never the same entity
    evidence: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "reason": self.reason,
                "conflict": self.conflict, "evidence": self.evidence}


def family(kind: str) -> str:
    return "person" if kind in PERSON_KINDS else "company"



def pair_metrics(predicted_same, labelled: list[tuple[str, str, bool]]) -> dict:
    """Precision / recall of a same-entity predicate over labelled (a, b, same) pairs."""
    tp = fp = fn = tn = 0
    for a, b, same in labelled:
        p = predicted_same(a, b)
        if p and same:
            tp += 1
        elif p and not same:
            fp += 1
        elif not p and same:
            fn += 1
        else:
            tn += 1
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": prec, "recall": rec}


def clean_name(text) -> str:
    """Original text with outer whitespace (incl. no-break spaces) trimmed; '' for missing values."""
    if text is None:
        return ""
    s = str(text)
    if s.lower() == "nan":
        return ""
    return s.replace("\u00a0", " ").strip()


def preferred_name(names: list[str]) -> str:
    """The spelling to show for a group of variants: no brackets, no OCR slips, longest, then first."""
    def rank(n: str):
        return (bool(re.search(r"[()（）\[\]]", n)), fix_ocr(n) != n, n != n.strip(), -len(n.strip()), n)
    return min(names, key=rank)

