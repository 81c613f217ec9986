"""Search keys for a map page, computed here so the page's script only compares strings.

A name is found by its simplified or traditional characters, its pinyin (``zhangwei``, ``zhang wei``,
initials ``zw``) and by id; a record id finds the two ends of its line. The page also gets a small table
folding every traditional character of the names into its simplified form, so a query typed in either
script matches.
"""
from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold", "name_keys", "char_folds", "search_index"]

_SPACES = re.compile(r"[\s\u3000·•'’\-_.()（）]+")


@functools.lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def fold(text: str) -> str:
    """Lower case, NFKC (full-width letters), no spaces or punctuation, simplified characters."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = _SPACES.sub("", s)
    t2s, _ = _converters()
    return t2s.convert(s) if _has_han(s) else s


def _has_han(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in s)


@functools.lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, ...]:
    """Folded forms of a name: itself (simplified), its pinyin joined and its pinyin initials."""
    base = fold(name)
    keys = [base]
    if _has_han(base):
        from pypinyin import Style, lazy_pinyin

        syl = [p for p in lazy_pinyin(base, style=Style.NORMAL, errors="ignore") if p.strip()]
        if syl:
            keys.append("".join(syl).lower())
            keys.append("".join(p[0] for p in syl).lower())
    return tuple(dict.fromkeys(k for k in keys if k))


def char_folds(names) -> dict[str, str]:
    """Traditional (and variant) character → simplified, for every Han character of ``names`` whose forms differ."""
    t2s, s2t = _converters()
    out = {}
    chars = sorted({c for n in names for c in unicodedata.normalize("NFKC", str(n)) if _has_han(c)})
    for c in chars:
        simp = t2s.convert(c)
        trad = s2t.convert(simp)
        for variant in {c, trad}:
            if variant != simp and len(variant) == 1 and len(simp) == 1:
                out[variant] = simp
    return out


def search_index(nodes: list[dict], edges: list[dict], extra_nodes: list[dict] = ()) -> list[list]:
    """Entries ``[key, node id, kind of match, record id]`` for the page: names (folded, pinyin, initials), ids, and the
    record ids of the lines (each to both ends). ``extra_nodes`` are hidden behind a hub, found all the same."""
    out = []
    seen = set()
    for n in list(nodes) + list(extra_nodes):
        if n["id"] in seen:
            continue
        seen.add(n["id"])
        for i, k in enumerate(name_keys(n["name"])):
            out.append([k, n["id"], "name" if i == 0 else "pinyin", ""])
        out.append([fold(n["id"]), n["id"], "id", ""])
    for e in edges:
        for r in e["records"]:
            k = fold(r["id"])
            out.append([k, e["from"], "record", r["id"]])
            out.append([k, e["to"], "record", r["id"]])
    return out
