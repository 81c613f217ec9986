"""Work in a forked process that inherits this one's memory (the graph read once), fetched later.

Used where one evaluation or one centrality run can use a second core without changing its results:
the child computes exactly what this process would, and only the result is sent back. Where the
``fork`` start method is missing (Windows) or this process is already a pool worker, callers run the
work in-process instead (:func:`can_fork`).
"""
from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os

from . import collector

_PAYLOAD = None  # (function, arguments) the forked child calls


def can_fork(processes: int = 1) -> bool:
    """Whether ``processes`` children can be forked here: the ``fork`` start method exists, this is not a pool's
    worker (which may not have children), no OpenMP runtime in this process may run a team of threads
    (igraph's or networkit's with ``OMP_NUM_THREADS`` above 1: a child would wait forever on the team's locks),
    and the machine has memory for them (:func:`room_for`). Otherwise callers do the work in this process:
    the same results, later."""
    return "fork" in mp.get_all_start_methods() and not mp.current_process().daemon and _openmp_threads() <= 1 \
        and room_for(processes)


# A forked child shares this process's memory until either writes a page, and reading a Python object writes
# its reference count: the rule process of an evaluation ends up copying much of the graph (scale 10: the two
# processes together peak at 975-998 MB, the larger alone at about 660 MB; before the graph's values were pooled
# and large freed blocks given back, the rule process copied 530 MB of a 645 MB process). So a fork counts on
# this share of this process's resident memory per child: rather one process than a child the system kills.
COPY_SHARE = 0.85


def room_for(processes: int = 1, root: str = "/") -> bool:
    """Whether the memory available (the system's, and the control group's limit when one is set) holds
    ``processes`` children copying :data:`COPY_SHARE` of this process's resident memory each. True where
    neither can be read (not Linux): forking is then left to the other checks. ``root`` is for tests."""
    available = available_bytes(root)
    return available is None or processes * COPY_SHARE * _resident_bytes(root) <= available


def _resident_bytes(root: str = "/") -> int:
    try:
        with open(os.path.join(root, "proc/self/statm"), encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def available_bytes(root: str = "/") -> int | None:
    """Memory this process may still take: the system's ``MemAvailable``, capped by its control group's limit
    less its use (cgroup v2 ``memory.max``, or v1 ``memory.limit_in_bytes``); None when none can be read."""
    found = []
    try:
        with open(os.path.join(root, "proc/meminfo"), encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    for folder, limit, used, cache in _cgroup_files(root):
        try:
            with open(os.path.join(folder, limit), encoding="ascii") as f:
                cap = f.read().strip()
            with open(os.path.join(folder, used), encoding="ascii") as f:
                use = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if cap.isdigit() and int(cap) < 1 << 60:  # "max" or a huge number: no limit
            found.append(max(int(cap) - use + _stat(folder, cache), 0))
            break  # the first group found is this process's
    return min(found) if found else None


def _stat(folder: str, key: str) -> int:
    """One counter of a control group's ``memory.stat`` (file pages not used lately count as free: the kernel
    takes them back first); 0 when missing."""
    try:
        with open(os.path.join(folder, "memory.stat"), encoding="ascii") as f:
            for line in f:
                name, _, value = line.partition(" ")
                if name == key:
                    return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _cgroup_files(root: str) -> list[tuple[str, str, str, str]]:
    """``(folder, limit file, usage file, reclaimable counter)`` of this process's memory control group as
    /proc/self/cgroup names it, then at the root of the hierarchy (what a container sees)."""
    base = os.path.join(root, "sys/fs/cgroup")
    out = []
    try:
        with open(os.path.join(root, "proc/self/cgroup"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        rel = parts[2].lstrip("/")
        if parts[0] == "0" and parts[1] == "":  # v2: one unified hierarchy
            out.append((os.path.join(base, rel), *_V2))
        elif "memory" in parts[1].split(","):
            out.append((os.path.join(base, "memory", rel), *_V1))
    roots = [(base, *_V2), (os.path.join(base, "memory"), *_V1)]
    return list(dict.fromkeys([(os.path.normpath(f), *rest) for f, *rest in out + roots]))


_V2 = ("memory.max", "memory.current", "inactive_file")
_V1 = ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")


def _openmp_threads() -> int:
    """The most threads any OpenMP runtime loaded in this process may start (1 when none is loaded; Linux only:
    the runtimes are found in /proc/self/maps)."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            libs = sorted({line.split()[-1] for line in f if "libgomp" in line.rsplit("/", 1)[-1]})
    except OSError:
        return 1
    most = 1
    for lib in libs:
        try:
            most = max(most, int(ctypes.CDLL(lib).omp_get_max_threads()))
        except (OSError, AttributeError):
            continue
    return most


def _call():
    fn, args = _PAYLOAD
    return fn(*args)


def _call_on(item):
    fn, args = _PAYLOAD
    return fn(item, *args)


def fork_map(fn, items: list, workers: int, *args) -> list:
    """``[fn(item, *args) for item in items]`` over ``workers`` forked processes, results in ``items``' order;
    ``args`` (a graph, settings) reach the children through their inherited memory, never pickled.
    Where a fork is not safe (:func:`can_fork`) the items are done here, one after another."""
    return Forked(fn, *args, items=items, workers=workers).get()


def _pool(fn, args: tuple, workers: int):
    """A pool of ``workers`` forked processes that call ``fn`` with ``args`` (see :func:`_call`)."""
    global _PAYLOAD
    _PAYLOAD = (fn, args)  # read by the child from its copy of this process's memory, never pickled
    collector.freeze_for_fork()  # the collector would otherwise touch (and so copy) every inherited object in the child
    try:
        return mp.get_context("fork").Pool(max(1, workers))
    finally:
        _PAYLOAD = None
        collector.thaw_after_fork()


def fork_imap(fn, items: list, workers: int, *args):
    """Like :func:`fork_map`, but yields each result, in ``items``' order, as soon as it (and those before it)
    is done: the caller uses the first results while the workers compute the rest."""
    if not can_fork():
        for item in items:
            yield fn(item, *args)
        return
    pool = _pool(fn, args, workers)
    try:
        yield from pool.imap(_call_on, items, chunksize=1)
    finally:
        pool.terminate()
        pool.join()


class Forked:
    """``fn(*args)`` running in a forked process (or, with ``items``, ``fn(item, *args)`` for each item over
    ``workers`` processes, in order) while this one goes on; :meth:`get` waits for the result, :meth:`close`
    ends the processes. Where a fork is not safe (:func:`can_fork`), :meth:`get` does the work here."""

    def __init__(self, fn, *args, items: list | None = None, workers: int = 1):
        self._pool = self._here = None
        self._items = None if items is None else list(items)
        if not can_fork():
            self._here = (fn, args)
            return
        self._pool = _pool(fn, args, workers)
        self._result = self._pool.apply_async(_call) if self._items is None else \
            self._pool.map_async(_call_on, self._items, chunksize=1)

    def get(self):
        if self._here is not None:
            fn, args = self._here
            return fn(*args) if self._items is None else [fn(item, *args) for item in self._items]
        try:
            return self._result.get()
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


def _fork_with_pipe(target, fn, args: tuple):
    """A forked process running ``target(send, fn, args)``, and the receiving end of its pipe."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    collector.freeze_for_fork()
    try:
        proc = ctx.Process(target=target, args=(send, fn, args), daemon=True)
        proc.start()
    finally:
        collector.thaw_after_fork()
    send.close()
    return recv, proc


class Background:
    """``fn(*args)`` in a forked process that exits as soon as it is done, so its memory is freed then (a pool's
    worker lives until closed), for work whose only result is done or an error; :meth:`join` waits for it and
    raises its error. Callers check :func:`can_fork` first."""

    def __init__(self, fn, *args):
        self._recv, self._proc = _fork_with_pipe(_report_to, fn, args)

    def join(self) -> None:
        try:
            error = self._recv.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            error = None
            self._proc.join()
            if self._proc.exitcode:
                error = RuntimeError(f"a background process ended with exit code {self._proc.exitcode}")
        finally:
            self._recv.close()
        self._proc.join()
        if error is not None:
            raise error


class Fetch:
    """``fn(*args)`` in a forked process that sends its result back through a pipe and exits; :meth:`get`
    waits for it. Unlike a pool's worker, it can be stopped at any moment (:meth:`cancel`, also after an
    error here): no lock is shared with this process, so nothing can be left held. Callers check
    :func:`can_fork` first."""

    def __init__(self, fn, *args):
        self._recv, self._proc = _fork_with_pipe(_send_result, fn, args)

    def get(self):
        """The result; the child's error is raised here, and a child that died says so."""
        try:
            ok, value = self._recv.recv()
        except EOFError:  # killed, out of memory
            self._proc.join()
            raise RuntimeError(f"a forked process ended with exit code {self._proc.exitcode}") from None
        finally:
            self.cancel()
        if not ok:
            raise value
        return value

    def ready(self) -> bool:
        """Whether :meth:`get` would not wait: the result has started to arrive, or the process ended."""
        try:
            return self._recv.poll()
        except (OSError, ValueError):  # already fetched or cancelled
            return True

    def cancel(self) -> None:
        """Stop the process if it still runs (its result, if any, is dropped)."""
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._recv.close()

    @staticmethod
    def wait_any(fetches: list["Fetch"]) -> None:
        """Wait until one of ``fetches`` is :meth:`ready` (its result arriving, or its process ended)."""
        pending = [f._recv for f in fetches if not f._recv.closed]
        if pending:
            mp_connection.wait(pending)


def _send_result(send, fn, args) -> None:
    try:
        out = (True, fn(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        out = (False, exc)
    try:
        send.send(out)
    except Exception as exc:  # noqa: BLE001 - a result or error that does not pickle goes as text
        send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        send.close()


def _report_to(send, fn, args) -> None:
    try:
        fn(*args)
        send.send(None)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            send.send(exc)
        except Exception:  # noqa: BLE001 - an error that does not pickle goes as its text
            send.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


class Claims:
    """Indexes 0..n-1 of a list of tasks, claimed by two processes from either end (a forked child from the
    front, this process from the back once it is free): who runs a task changes nothing but the time.
    Made before the fork, so both processes share its counters."""

    def __init__(self, n: int):
        ctx = mp.get_context("fork")
        self._lock = ctx.Lock()
        self._next, self._end = ctx.RawValue("i", 0), ctx.RawValue("i", n)

    def first(self) -> int | None:
        """The first unclaimed index (the child's side), or None when every task is claimed."""
        with self._lock:
            if self._next.value >= self._end.value:
                return None
            self._next.value += 1
            return self._next.value - 1

    def last(self) -> int | None:
        """The last unclaimed index (this process's side), or None."""
        with self._lock:
            if self._next.value >= self._end.value:
                return None
            self._end.value -= 1
            return self._end.value
