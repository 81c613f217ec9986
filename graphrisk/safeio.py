"""Writing outputs safely: atomic, private, formula-safe, and remembered for the audit log.

Every file graphrisk writes goes through :func:`write_text` / :func:`write_bytes`:
the content goes to a temporary file beside the target, is flushed to disk and
renamed over it, so a crash or a full disk never leaves a truncated report or
an empty JSON file (the old file stays, or nothing). Files are created 0600
and folders 0700 (the data names people under investigation); the setting
``[security] private_files = false`` relaxes this to the umask.

Every CSV cell a user may open in a spreadsheet goes through :func:`csv_cell`:
text starting with ``= + - @`` (or a tab / carriage return) is a formula to
Excel and LibreOffice, so it gets a leading apostrophe.

Each path written is recorded with its sha256 (:func:`written`), which the
audit log (``graphrisk.audit``) stores for the command that wrote it.
"""
from __future__ import annotations

import hashlib
import re
import os
import tempfile
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILE_MODE = 0o600
DIR_MODE = 0o700

_private: list[bool] = [True]
_written: list[tuple[str, str]] = []


def configure(settings: dict | None) -> None:
    """Take ``[security] private_files`` from the settings (default: private)."""
    sec = (settings or {}).get("security", {})
    _private[0] = bool(sec.get("private_files", True))


def private() -> bool:
    env = os.environ.get("GRAPHRISK_PRIVATE_FILES")
    if env is not None:
        return env.strip().lower() not in ("0", "false", "no")
    return _private[0]


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``.

    Only text is changed; numbers (a negative amount) stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def make_dirs(path: str | os.PathLike) -> Path:
    """Create ``path`` and missing parents; folders created here are 0700 unless relaxed."""
    p = Path(path)
    missing = []
    q = p
    while not q.exists() and q != q.parent:
        missing.append(q)
        q = q.parent
    p.mkdir(parents=True, exist_ok=True)
    if private():
        for d in missing:
            try:
                os.chmod(d, DIR_MODE)
            except OSError:
                pass
    return p


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename); return the path.

    On any failure (disk full, permission) the temporary file is removed, the
    previous file (if any) is left as it was, and the OSError propagates. A
    symlink is followed (its target is replaced, the link stays); a device or
    pipe (``/dev/stdout``) is written to directly, never renamed over; the
    store a command works on is never overwritten (:func:`protect`).
    """
    import stat

    p = Path(path)
    _refuse_protected(p)
    try:
        st = os.stat(p)  # follows a symlink
    except (FileNotFoundError, NotADirectoryError):
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "is a folder, not a file", str(p))
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(p, "wb") as f:  # a device or a pipe (/dev/stdout): nothing to rename over
            f.write(data)
        _written.append((str(p), hashlib.sha256(data).hexdigest()))
        return p
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    make_dirs(target.parent if str(target.parent) else ".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent or "."))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE if private() else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _written.append((str(p), hashlib.sha256(data).hexdigest()))
    return p


_protected: set[str] = set()


def protect(path: str | os.PathLike | None) -> None:
    """Refuse to write over ``path`` (and its -wal / -shm) from now on: the store a command reads."""
    if path:
        base = os.path.realpath(path)
        _protected.update({base, base + "-wal", base + "-shm", base + "-journal"})


def _refuse_protected(target: Path) -> None:
    if _protected and os.path.realpath(target) in _protected:
        from .errors import GraphRiskError
        from .i18n import t

        raise GraphRiskError(t("errors.write_over_store", path=escape_text(str(target))))


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``text`` atomically; ``newline`` as in ``open()`` (``"\\n"`` keeps line ends as given)."""
    if newline is None:
        text = text.replace("\n", os.linesep) if os.linesep != "\n" else text
    elif newline not in ("", "\n"):
        text = text.replace("\n", newline)
    return write_bytes(path, text.encode(encoding))


def record(path: str | os.PathLike) -> None:
    """Note a file written by other means (e.g. the store itself) for the audit log."""
    p = Path(path)
    if p.is_file():
        _written.append((str(p), sha256_file(p)))


def capture(paths, since: float) -> None:
    """Files under ``paths`` (files or folders) changed since ``since`` that did not come through this module:
    noted for the audit log and made private. A safety net for writers that do not use :func:`write_text`
    (a library's own file writer, e.g. networkx's GraphML).
    """
    import itertools

    seen = {p for p, _ in _written}
    for base in paths:
        b = Path(base)
        if b.is_file():
            files = [b]
        elif b.is_dir():  # an output folder; at most 10,000 entries looked at (`--out .` in a home folder)
            files = sorted(x for x in itertools.islice(b.rglob("*"), 10_000) if x.is_file())
        else:
            files = []
        for f in files:
            try:
                if f.stat().st_mtime < since - 1 or str(f) in seen:
                    continue
                if private():
                    os.chmod(f, FILE_MODE)
                _written.append((str(f), sha256_file(f)))
            except OSError:
                continue


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def written(clear: bool = False) -> list[tuple[str, str]]:
    """(path, sha256) of every file written since the last clear, in order."""
    out = list(_written)
    if clear:
        _written.clear()
    return out


def relative_to(path: str | os.PathLike | None, base: str | os.PathLike) -> str | None:
    """``path`` relative to the folder ``base`` (the store's), so outputs do not embed a user's home.

    A path on another drive (Windows) keeps only its file name.
    """
    if path is None:
        return None
    try:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:
        return Path(path).name


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]")


def escape_text(text: str) -> str:
    """Text for a terminal or a log line: control, invisible and bidi characters shown as ``\\u200b``.

    A name carrying an ANSI escape (``\\x1b[2J``) or a zero-width space must be
    seen as such in a message, not executed or hidden.
    """
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", text)
