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

A process that loads a graph also has glibc give large freed blocks back to the system
(:func:`release_large_blocks`): the analyses' temporary arrays would otherwise stay resident.
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


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BLOCK = 1024 * 1024  # larger blocks are mapped on their own and unmapped when freed
_released = False


def release_large_blocks() -> None:
    """Have glibc give every large block (a numpy array, a big list) back to the system when it is freed.

    glibc maps a block of 128 KiB or more on its own and unmaps it when freed, but each such free raises that
    threshold to the block's size (up to 32 MiB): after the first few arrays are freed, the next ones come
    from the heap and stay resident once freed. An analysis makes and frees many large temporary arrays in
    two processes at once (the rule process forked beside the path search), and the pages they leave
    resident add up. Fixed at 1 MiB (smaller blocks are still reused from the heap), the scale-10
    ``paths --all`` process tree took 936-958 MB instead of 1,025-1,037 MB at the same speed (on a store
    without its last batch; 975-998 MB on the whole store). An ingest keeps glibc's default (fixed, the
    ingest was 0.7 s slower at scale 10: each large block then starts as fresh pages). Linux with glibc only;
    elsewhere nothing changes.
    """
    global _released
    if _released:
        return
    _released = True
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
    except (OSError, AttributeError):  # no C library to call: the default stays
        pass

