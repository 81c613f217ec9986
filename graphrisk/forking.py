"""Work in a forked process that inherits this one's memory (the graph read once), fetched later.

Used where one evaluation or one centrality run can use a second core without changing its results:
the child computes exactly what this process would, and only the result is sent back. Where the
``fork`` start method is missing (Windows) or this process is already a pool worker, callers run the
work in-process instead (:func:`can_fork`).
"""
from __future__ import annotations

import gc
import multiprocessing as mp

_PAYLOAD = None  # (function, arguments) the forked child calls


def can_fork() -> bool:
    """Whether a child can be forked here (a pool's worker may not have children)."""
    return "fork" in mp.get_all_start_methods() and not mp.current_process().daemon


def _call():
    fn, args = _PAYLOAD
    return fn(*args)


def _call_on(item):
    fn, args = _PAYLOAD
    return fn(item, *args)


def fork_map(fn, items: list, workers: int, *args) -> list:
    """``[fn(item, *args) for item in items]`` over ``workers`` forked processes, results in ``items``' order;
    ``args`` (a graph, settings) reach the children through their inherited memory, never pickled."""
    global _PAYLOAD
    _PAYLOAD = (fn, args)
    gc.freeze()
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return pool.map(_call_on, items, chunksize=1)
    finally:
        _PAYLOAD = None
        gc.unfreeze()


class Forked:
    """``fn(*args)`` running in a forked process; :meth:`get` waits for its result, :meth:`close` ends it."""

    def __init__(self, fn, *args):
        global _PAYLOAD
        _PAYLOAD = (fn, args)  # read by the child from its copy of this process's memory, never pickled
        gc.freeze()  # the collector would otherwise touch (and so copy) every inherited object in the child
        try:
            self._pool = mp.get_context("fork").Pool(1)
        finally:
            _PAYLOAD = None
            gc.unfreeze()
        self._result = self._pool.apply_async(_call)

    def get(self):
        try:
            return self._result.get()
        finally:
            self.close()

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()
