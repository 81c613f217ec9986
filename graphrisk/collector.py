"""Python's cycle collector around the engine's big, long-lived object graphs.

Loading a store makes millions of small objects (rows, edge tuples, attribute views). Each of the
collector's full passes walks all of them, and with its default thresholds it runs about thirteen
during one scale-10 load: 1.6 s of a 5.5 s load, 0.5 s more while the adjacency is indexed, and more
during the analyses. None of these objects is cyclic garbage. So a load runs with the collector
paused (:func:`paused`), and a graph that stays for the process is moved out of its sight
(:func:`pin`, ``gc.freeze``). Frozen objects are still freed by reference counting when dropped;
:func:`unpin` gives them back to the collector before the next big load. The freeze covers every object
of the process at that moment: in a long notebook session, a reference cycle made before a load and
dropped after it waits for the next load of another store or data version (or ``collector.unpin()``).
"""
from __future__ import annotations

import functools
import gc
from contextlib import contextmanager

PIN_MIN_OBJECTS = 200_000  # below this a full pass is cheap: leave the collector alone
_pinned = False


@contextmanager
def paused():
    """No cycle collection inside the block (the previous state is restored after it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def without_collection(fn):
    """Decorate ``fn`` to run with the collector paused (:func:`paused`)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with paused():
            return fn(*args, **kwargs)
    return wrapper


def pin(size: int) -> None:
    """Freeze every object tracked now (a graph of about ``size`` objects just built) when it is big enough
    that the collector's passes over it would cost more than the analysis."""
    global _pinned
    if size >= PIN_MIN_OBJECTS:
        gc.freeze()
        _pinned = True


def unpin() -> None:
    """Give the frozen objects back to the collector (a new graph replaces the pinned one)."""
    global _pinned
    if _pinned:
        gc.unfreeze()
        _pinned = False


def freeze_for_fork() -> None:
    """Freeze before a fork, so the child's collector never touches (and so copies) inherited pages."""
    gc.freeze()


def thaw_after_fork() -> None:
    """Undo :func:`freeze_for_fork` in the parent, keeping a pinned graph frozen."""
    if not _pinned:
        gc.unfreeze()
