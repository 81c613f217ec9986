"""Evaluate once, store, reuse."""
from __future__ import annotations

from .. import settings as settings_mod
from ..rules.engine import Evaluation, evaluate, store_evaluation


def evaluation(db, *, settings: dict | None = None, as_of: str | None = None, since: str | None = None,
               until: str | None = None, store: bool = True) -> Evaluation:
    """The evaluation of the store for a window and settings: reused when stored for the same data.

    ``as_of`` (or ``until``) caps records and ties at a date; ``since`` starts the window.
    """
    settings = settings or settings_mod.load()
    ev = evaluate(db, settings=settings, as_of=as_of or until, since=since)
    if store:
        store_evaluation(db, ev, {"since": since, "as_of": as_of or until})
    return ev
