"""Matching keys of one name (:class:`Features`) and the blocks that make two names candidates."""
from __future__ import annotations

import re

from .identifiers import strip_embedded
from .normalize import (
    _CJK,
    compact,
    company_key,
    normalize_name,
    person_key,
    romanised_key,
    script_parts,
)

_PROVINCES = re.compile(
    r"^(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    r"四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)(省|市|自治区)?")
# Leading place names of Chinese company names: two names starting with different places are
# different firms however alike the rest is (上海生物制品研究所 / 兰州生物制品研究所).
_CN_PLACES = re.compile(
    r"^(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    r"四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    r"长春|兰州|武汉|成都|深圳|厦门|大连|沈阳|哈尔滨|南京|苏州|无锡|杭州|宁波|温州|合肥|福州|南昌|济南|青岛|"
    r"郑州|长沙|广州|珠海|佛山|东莞|南宁|海口|贵阳|昆明|玉溪|西安|太原|石家庄|呼和浩特|银川|西宁|乌鲁木齐|"
    r"拉萨|天津|唐山|保定|洛阳|宜昌|襄阳|绵阳|常州|南通|扬州|徐州|泰州|烟台|潍坊|淄博|临沂|绍兴|嘉兴|金华|台州)")
_GENERIC_TOKENS = {
    "the", "and", "of", "for", "in", "on", "at", "to", "a", "an", "uk", "british", "international",
    "national", "group", "company", "services", "service", "limited", "ltd", "trust", "foundation",
    "association", "society", "club", "council", "university", "of", "london", "england", "royal",
}



class Features:
    """Matching keys of one name, computed once."""

    __slots__ = ("name", "norm", "fam", "key", "compact", "cjk", "latin", "roman", "stripped", "acronym",
                 "notes", "is_cjk")

    def __init__(self, name: str, fam: str):
        self.name = name
        self.norm = normalize_name(name)
        self.fam = fam
        if fam == "person":
            self.key = person_key(name)
        else:
            self.key = company_key(strip_embedded(name))
        self.compact = compact(self.key)
        self.cjk, self.latin = script_parts(self.key)
        self.is_cjk = bool(self.cjk) and not self.latin
        self.roman = romanised_key(name) if fam == "person" else ""
        self.stripped = ""
        self.acronym = ""
        self.notes: tuple[str, ...] = ()
        if fam == "company":
            if self.cjk:
                m = _PROVINCES.match(self.cjk)
                if m and len(self.cjk) - m.end() >= 4:
                    self.stripped = self.cjk[m.end():]
            words = [w for w in self.key.split() if not _CJK.search(w) and w not in _GENERIC_TOKENS]
            if len(words) >= 3 and not self.cjk:
                self.acronym = "".join(w[0] for w in words if w[0].isalpha())
            notes = []
            for m in re.finditer(r"[(（]\s*([A-Za-z][A-Za-z0-9 .&]{1,9})\s*[)）]", name or ""):
                note = re.sub(r"[^a-z0-9]", "", m.group(1).casefold())
                if 2 <= len(note) <= 8:
                    notes.append(note)
            self.notes = tuple(notes)

    # --------------------------------------------------------------- blocks

    def exact_blocks(self) -> list[str]:
        """Keys that, when shared, make two records candidates without pre-filtering."""
        out = []
        if self.compact:
            out.append("k:" + self.compact)
        if self.cjk and self.latin:
            if len(self.cjk) >= 2:
                out.append("k:" + self.cjk)
            if len(self.latin) >= 4:
                out.append("k:" + self.latin)
        if self.stripped:
            out.append("k:" + self.stripped)
        if self.fam == "company":
            if self.acronym and len(self.acronym) >= 3:
                out.append("k:" + self.acronym)
            out.extend("k:" + n for n in self.notes)
        if self.roman and self.fam == "person":
            # pinyin meets Latin spellings only: Chinese names that merely sound alike are not candidates
            out.append(("rc:" if self.is_cjk else "r:") + self.roman.replace(" ", ""))
        return out

    def query_blocks(self) -> list[str]:
        """The exact blocks a query looks up (pinyin: a Chinese name looks for Latin spellings and back)."""
        out = self.exact_blocks()
        if self.roman and self.fam == "person":
            r = self.roman.replace(" ", "")
            out = [b for b in out if not b.startswith(("r:", "rc:"))]
            out += ["r:" + r] if self.is_cjk else ["r:" + r, "rc:" + r]
        return out

    def fuzzy_blocks(self) -> list[str]:
        """Tokens that make two records candidates if their keys are similar enough."""
        out = []
        if self.fam == "person":
            if self.is_cjk:
                return out  # Chinese personal names: exact or pinyin only
            toks = self.key.split()
            if toks:
                out.append("t:" + toks[-1])
                if len(toks) > 1:
                    out.append("t:" + toks[0])
            return out
        for w in self.key.split():
            if _CJK.search(w):
                if len(w) >= 2:
                    out.append("c0:" + w[:2])
                if len(w) >= 4:
                    out.append("c2:" + w[2:4])
                if len(w) >= 6:
                    out.append("c4:" + w[-2:])
            elif len(w) >= 3 and w not in _GENERIC_TOKENS:
                out.append("t:" + w)
        if self.latin and len(self.latin) >= 4:
            out.append("p:" + self.latin[:4])
        return out


_FEATURE_CACHE: dict[tuple[str, str], Features] = {}


def features(name: str, fam: str) -> Features:
    key = (name, fam)
    f = _FEATURE_CACHE.get(key)
    if f is None:
        if len(_FEATURE_CACHE) > 400_000:
            _FEATURE_CACHE.clear()
        f = _FEATURE_CACHE[key] = Features(name, fam)
    return f
