"""Entity matching: strong identifiers first, then blocked fuzzy name matching with context.

Works on plain lists of :class:`Record` (adapters, tests, benchmarks) and on
the store (:func:`records_from_store`). Every comparison yields a
:class:`Decision` with a score in 0..1, a reason in words and the evidence
it rests on.

Rules, in order:

1. Two records carrying the same strong identifier (citizen id number,
   unified social credit code, company registry number, compared after
   :func:`~graphrisk.resolve.normalize.normalize_identifier`) are the same
   entity: score 1.0.
2. Two records carrying *different* identifiers of the same type are never
   the same entity, whatever their names: score 0.0, ``conflict=True``.
   Clustering (:func:`cluster`) keeps this across chains too: a cluster never
   holds two different numbers of one type.
3. Otherwise the names are compared on matching keys (company key without
   legal forms and brackets; person key without titles; pinyin for a name
   written in Chinese on one side and Latin letters on the other) and the
   score is adjusted by context: same / different region, same unit, shared
   neighbours in the graph.

Candidate pairs come from blocking: records meet only if they share an
exact key (full key, the Chinese or Latin part of a mixed-script name, the
name without a leading province, an acronym) or a blocking token (a Latin
word, the first characters of a Chinese name) in a block small enough to
be informative (``max_block_size``). Within a fuzzy block rapidfuzz
pre-filters in C before the full score is computed.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..settings import defaults as _settings_defaults
from .normalize import (
    _CJK, company_key, compact, fix_ocr, has_cjk, normalize_identifier, normalize_name, person_key,
    romanised_key, script_parts,
)

# Shipped defaults; the [resolve] section of defaults.toml carries the same keys.
# The shipped [resolve] settings (defaults.toml is the one place they are written down).
DEFAULTS: dict = _settings_defaults()["resolve"]

PERSON_KINDS = ("people", "officials")
ID_FIELDS = ("id_number", "registration_no")

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


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: matching allocates many small acyclic objects, and
    full collections over a large heap cost more than the matching itself."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
            self.key = company_key(name)
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


# ---------------------------------------------------------------- scoring

@functools.lru_cache(maxsize=200_000)
def _norm_id(value: str) -> str:
    return normalize_identifier(value)


def strong_id_check(a: Record, b: Record) -> tuple[bool | None, str]:
    """True = same identifier, False = different identifiers (never merge), None = nothing to compare."""
    for fld in ID_FIELDS:
        x, y = getattr(a, fld), getattr(b, fld)
        if not x or not y:
            continue
        x, y = _norm_id(str(x)), _norm_id(str(y))
        if x and y:
            if x == y:
                return True, f"same {fld.replace('_', ' ')} {x}"
            return False, f"different {fld.replace('_', ' ')}s ({x} ≠ {y}): never merged"
    return None, ""


def _ratio(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0 if x and y else 0.0


def name_score(fa: Features, fb: Features, s: dict) -> tuple[float, str]:
    """Similarity of two names (0..1) and why, without identifiers or context."""
    if fa.norm and fa.norm == fb.norm:
        return 1.0, "same normalised name"
    if fa.fam == "person" or fb.fam == "person":
        return _person_score(fa, fb, s)
    if fa.compact and fa.compact == fb.compact:
        return 1.0, "same name once legal form, brackets and punctuation are removed"
    best, why = 0.0, ""

    def take(score: float, reason: str):
        nonlocal best, why
        if score > best:
            best, why = score, reason

    # whole key
    r = _ratio(fa.compact, fb.compact)
    if fa.latin and fb.latin and not fa.cjk and not fb.cjk:
        r = max(r, fuzz.token_sort_ratio(fa.key, fb.key) / 100.0)
    take(r, f"similar names ({r:.2f})")
    # mixed scripts: compare the Chinese and the Latin parts separately
    mixed = (fa.cjk and fa.latin) or (fb.cjk and fb.latin)
    if mixed:
        if len(fa.cjk) >= 2 and len(fb.cjk) >= 2:
            r = _ratio(fa.cjk, fb.cjk) * s["part_match_factor"]
            take(r, f"Chinese part of the names {'equal' if fa.cjk == fb.cjk else 'similar'}")
        if len(fa.latin) >= 4 and len(fb.latin) >= 4:
            r = _ratio(fa.latin, fb.latin) * s["part_match_factor"]
            take(r, f"Latin part of the names {'equal' if fa.latin == fb.latin else 'similar'}")
    # a leading province on one side only (江西博雅生物制药 / 博雅生物制药)
    if (fa.stripped and fa.stripped == fb.cjk) or (fb.stripped and fb.stripped == fa.cjk):
        take(s["region_prefix_score"], "same name but for a leading province")
    # acronym or bracketed short name (London North Eastern Railway (LNER) / LNER)
    if (fa.acronym and fa.acronym == fb.compact) or (fb.acronym and fb.acronym == fa.compact) \
            or (set(fa.notes) & ({fb.compact} | set(fb.notes))) or (set(fb.notes) & {fa.compact}):
        take(s["acronym_score"], "one name is the other's acronym or bracketed short name")
    # different places at the start of two Chinese names
    if fa.cjk and fb.cjk and best < 1.0:
        pa, pb = _CN_PLACES.match(fa.cjk), _CN_PLACES.match(fb.cjk)
        if pa and pb and pa.group(1) != pb.group(1):
            best -= 0.15
            why += f"; different places ({pa.group(1)} / {pb.group(1)})"
    # a Chinese name extended at the end (华兰生物工程 / 华兰生物工程重庆): a branch or subsidiary
    if fa.is_cjk and fb.is_cjk and best < 1.0:
        short, long_ = sorted((fa.cjk, fb.cjk), key=len)
        if long_.startswith(short) and len(long_) - len(short) >= 2 and best >= s["review_score"]:
            best = min(best, s["link_score"] - 0.01)
            why = f"one name extends the other ('{long_[len(short):]}'): possibly a branch, review"
    return best, why


def _person_score(fa: Features, fb: Features, s: dict) -> tuple[float, str]:
    if fa.fam != fb.fam:
        # a person against a company: only the same normalised name counts (handled above)
        ka, kb = person_key(fa.name), person_key(fb.name)
        if ka and ka == kb:
            return 0.8, "same name, but one is recorded as a company"
        return 0.0, ""
    if fa.key and fa.key == fb.key:
        return 1.0, "same name once titles are removed"
    if fa.compact and fa.compact == fb.compact:
        return 0.97, "same name but for spacing"
    a_cjk, b_cjk = has_cjk(fa.key), has_cjk(fb.key)
    if a_cjk != b_cjk:
        if fa.roman and fa.roman == fb.roman:
            return s["cross_script_score"], f"same name in pinyin ({fa.roman})"
        return 0.0, ""
    if a_cjk and b_cjk:
        # Chinese personal names differ by one character between different people
        r = _ratio(fa.compact, fb.compact) * 0.7
        return r, f"similar Chinese names ({r:.2f}), not the same characters"
    if fa.roman and fa.roman == fb.roman:
        return 0.97, "same name in another word order"
    r = fuzz.token_sort_ratio(fa.key, fb.key) / 100.0 * s["person_fuzzy_factor"]
    return r, f"similar names ({r:.2f})"


def context_adjust(a: Record, b: Record, s: dict) -> tuple[float, list[str], dict]:
    adj, notes, ev = 0.0, [], {}
    if a.region and b.region:
        ra, rb = normalize_name(a.region), normalize_name(b.region)
        ev["region"] = [a.region, b.region]
        if ra == rb:
            adj += s["same_region_bonus"]
            notes.append("same region")
        else:
            adj -= s["different_region_penalty"]
            notes.append("different regions")
    if a.unit and b.unit:
        ev["unit"] = [a.unit, b.unit]
        if a.unit == b.unit:
            adj += s["same_unit_bonus"]
            notes.append("same unit")
        else:
            adj -= s["different_unit_penalty"]
            notes.append("different units")
    if a.neighbours and b.neighbours:
        shared = (a.neighbours & b.neighbours) - {a.id, b.id}
        if shared:
            adj += s["shared_neighbour_bonus"] * min(1.0, len(shared) / 2)
            notes.append(f"{len(shared)} shared neighbour{'s' if len(shared) > 1 else ''}")
            ev["shared_neighbours"] = sorted(shared)[:10]
    return adj, notes, ev


def score_pair(a: Record, b: Record, settings: dict | None = None, reference: bool = False) -> Decision:
    """Compare two records: identifiers, then names, then context.

    ``reference``: ``a`` is a name from a register being resolved, not a stored
    entity; the name-only cap for people (which keeps two stored people with
    the same name apart) does not apply: a unique match is linked and reported.
    """
    s = resolve_settings(settings)
    same, why = strong_id_check(a, b)
    ev: dict = {"names": [a.name, b.name]}
    if same is True:
        return Decision(a.id, b.id, 1.0, why, evidence=ev)
    if same is False:
        return Decision(a.id, b.id, 0.0, why, conflict=True, evidence=ev)
    fa, fb = features(a.name, family(a.kind)), features(b.name, family(b.kind))
    ev["keys"] = [fa.key, fb.key]
    score, why = name_score(fa, fb, s)
    if score <= 0:
        return Decision(a.id, b.id, 0.0, why or "names differ", evidence=ev)
    adj, notes, cev = context_adjust(a, b, s)
    ev.update(cev)
    score = max(0.0, min(1.0, score + adj))
    if notes:
        why = f"{why}; {', '.join(notes)}"
    if not reference and family(a.kind) == "person" and adj <= 0 and score > s["person_name_only_cap"]:
        # common personal names repeat (33 people called 李伟 in one city): a name alone is a
        # candidate for review, never an automatic link or merge
        score = s["person_name_only_cap"]
        why = f"{why}; name only, capped for review"
    return Decision(a.id, b.id, score, why, evidence=ev)


# ---------------------------------------------------------------- index and candidates

class Index:
    """Records indexed by their blocks, for candidate search."""

    def __init__(self, records: list[Record], settings: dict | None = None):
        self.s = resolve_settings(settings)
        self.records = records
        self.feats: list[Features] = [features(r.name, family(r.kind)) for r in records]
        self.exact: dict[str, list[int]] = defaultdict(list)
        self.fuzzy: dict[str, list[int]] = defaultdict(list)
        self.ids: dict[str, list[int]] = defaultdict(list)
        self.by_norm: dict[str, list[int]] = defaultdict(list)  # normalised name -> records
        for i, (r, f) in enumerate(zip(records, self.feats)):
            self.by_norm[f.norm].append(i)
            for b in f.exact_blocks():
                self.exact[f.fam + b].append(i)
            for b in f.fuzzy_blocks():
                self.fuzzy[f.fam + b].append(i)
            for fld in ID_FIELDS:
                v = normalize_identifier(getattr(r, fld))
                if v:
                    self.ids[fld + ":" + v].append(i)
        self._choices: dict[str, list[str]] = {}

    def _block_choices(self, b: str) -> list[str]:
        c = self._choices.get(b)
        if c is None:
            c = self._choices[b] = [self.feats[i].compact for i in self.fuzzy[b]]
        return c

    def candidates(self, rec: Record, fams: tuple[str, ...] | None = None, *, only_after: int | None = None,
                   floor: float | None = None) -> set[int]:
        """Indices of records that may be the same as ``rec`` (not scored yet)."""
        s = self.s
        out: set[int] = set()
        for fld in ID_FIELDS:
            v = normalize_identifier(getattr(rec, fld))
            if v:
                out.update(self.ids.get(fld + ":" + v, ()))
        cutoff = min(s["review_score"], floor if floor is not None else 1.0) * 100
        for fam in fams or (family(rec.kind),):
            f = features(rec.name, fam)
            for b in f.query_blocks():
                hit = self.exact.get(fam + b)
                if hit:
                    out.update(hit if len(hit) <= s["max_block_size"] * 10 else hit[: s["max_block_size"] * 10])
            if not f.compact:
                continue
            for b in f.fuzzy_blocks():
                members = self.fuzzy.get(fam + b)
                if not members or len(members) > s["max_block_size"]:
                    continue
                if len(members) <= 3:
                    out.update(members)
                    continue
                choices = self._block_choices(fam + b)
                for _, _, pos in process.extract(f.compact, choices, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                 limit=s["max_candidates"]):
                    out.add(members[pos])
                if fam == "company" and f.latin and not f.cjk:
                    for _, _, pos in process.extract(f.key, [self.feats[i].key for i in members],
                                                     scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                                                     limit=s["max_candidates"]):
                        out.add(members[pos])
        if only_after is not None:
            out = {i for i in out if i > only_after}
        return out

    def query(self, rec: Record, fams: tuple[str, ...] | None = None, kinds: tuple[str, ...] | None = None,
              min_score: float | None = None, reference: bool = False) -> list[tuple[int, Decision]]:
        """Scored candidates for ``rec``, best first (index into ``records``, decision)."""
        floor = self.s["review_score"] if min_score is None else min_score
        out = []
        for i in self.candidates(rec, fams, floor=floor):
            other = self.records[i]
            if kinds and other.kind not in kinds:
                continue
            probe = rec if rec.kind == other.kind or family(rec.kind) == family(other.kind) else \
                Record(rec.id, rec.name, other.kind, rec.id_number, rec.registration_no, rec.region,
                       rec.unit, rec.neighbours)
            d = score_pair(probe, other, self.s, reference=reference)
            if d.conflict or d.score >= floor:
                out.append((i, d))
        out.sort(key=lambda t: (-t[1].score, t[0]))
        return out


def candidate_pairs(records: list[Record], settings: dict | None = None, min_score: float | None = None,
                    index: Index | None = None) -> list[Decision]:
    """Every pair of records scoring at least ``min_score`` (default review_score), best first.

    Pairs with conflicting strong identifiers are left out (they are never the same).
    """
    s = resolve_settings(settings)
    floor = s["review_score"] if min_score is None else min_score
    idx = index or Index(records, s)
    out = []
    for i, r in enumerate(records):
        for j in idx.candidates(r, only_after=i, floor=floor):
            d = score_pair(r, records[j], s)
            if not d.conflict and d.score >= floor:
                out.append(d)
    out.sort(key=lambda d: (-d.score, d.a, d.b))
    return out


class _Clusters:
    """Union-find that refuses to join two clusters holding different identifiers of one type."""

    def __init__(self, records: list[Record]):
        self.parent = list(range(len(records)))
        self.ids: list[dict[str, str]] = []
        for r in records:
            d = {}
            for fld in ID_FIELDS:
                v = normalize_identifier(getattr(r, fld))
                if v:
                    d[fld] = v
            self.ids.append(d)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        a, b = self.ids[ri], self.ids[rj]
        for k in a.keys() & b.keys():
            if a[k] != b[k]:
                return False
        if len(a) < len(b):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.ids[ri] = {**self.ids[rj], **self.ids[ri]}
        return True


@dataclass
class ClusterResult:
    cluster_of: dict[str, str]  # record id -> cluster id (the id of its first record)
    decisions: list[Decision]  # the pair decisions that joined records (score >= threshold)
    refused: list[Decision]  # pairs over the threshold not joined because of conflicting identifiers

    def groups(self) -> dict[str, list[str]]:
        g: dict[str, list[str]] = defaultdict(list)
        for rid, cid in self.cluster_of.items():
            g[cid].append(rid)
        return dict(g)


def cluster(records: list[Record], settings: dict | None = None, threshold: float | None = None
            ) -> ClusterResult:
    """Group records that are the same entity: identifiers first, then names above ``threshold``.

    Pairs are joined best-first; a join that would put two different
    identifiers of one type in one cluster is refused, so a chain
    A~B~C never links two different registry numbers through a nameless middle.
    """
    with gc_paused():
        return _cluster(records, settings, threshold)


def _cluster(records: list[Record], settings: dict | None, threshold: float | None) -> ClusterResult:
    s = resolve_settings(settings)
    thr = s["link_score"] if threshold is None else threshold
    idx = Index(records, s)
    uf = _Clusters(records)
    pos = {}
    for i, r in enumerate(records):
        pos.setdefault(r.id, i)
    joined, refused = [], []
    # identifiers first
    for members in idx.ids.values():
        for j in members[1:]:
            if uf.union(members[0], j):
                joined.append(Decision(records[members[0]].id, records[j].id, 1.0,
                                       strong_id_check(records[members[0]], records[j])[1]))
    pairs = candidate_pairs(records, s, min_score=thr, index=idx)
    for d in pairs:
        if uf.union(pos[d.a], pos[d.b]):
            joined.append(d)
        else:
            refused.append(d)
    cluster_of = {}
    rep: dict[int, str] = {}
    for i, r in enumerate(records):
        root = uf.find(i)
        rep.setdefault(root, r.id)
        cluster_of[r.id] = rep[root]
    return ClusterResult(cluster_of, joined, refused)


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


# ---------------------------------------------------------------- the store

_STORE_FIELDS = {
    "people": {"id_number": "id_number"},
    "officials": {"id_number": "id_number", "unit": "unit_id"},
    "companies": {"registration_no": "registration_no", "region": "region"},
    "units": {"region": "region"},
}


def records_from_store(db, kinds: tuple[str, ...] | list[str], *, with_neighbours: bool = False,
                       canonical_only: bool = True) -> list[Record]:
    """Entity rows of ``kinds`` as records; merged-away entities are left out when ``canonical_only``."""
    from .. import schema
    from .merge import canonical_map

    aliases = canonical_map(db) if canonical_only else {}
    nbrs = neighbours_from_store(db) if with_neighbours else {}
    out: list[Record] = []
    tables = set(db.table_names())
    for kind in kinds:
        if kind not in tables:
            continue
        k = schema.KINDS[kind]
        fields = _STORE_FIELDS.get(kind, {})
        cols = [k.id_column, k.name_column] + list(fields.values())
        sql = "select " + ", ".join(f"[{c}]" for c in cols) + f" from [{kind}]"
        for row in db.execute(sql).fetchall():
            rid = row[0]
            if rid in aliases:
                continue
            kw = {f: row[2 + n] for n, f in enumerate(fields)}
            out.append(Record(rid, row[1] or "", kind, neighbours=frozenset(nbrs.get(rid, ())), **kw))
    return out


# (table, column, column) pairs that are edges of the graph, for shared-neighbour context
_EDGE_COLUMNS = [
    ("relations", "from_id", "to_id"), ("gifts", "giver_id", "recipient_id"),
    ("contracts", "supplier_id", "unit_id"), ("contacts", "counterpart_id", "official_id"),
    ("trips", "sponsor_id", "official_id"), ("officials", "official_id", "unit_id"),
]


def neighbours_from_store(db) -> dict[str, set[str]]:
    """Entity id -> ids it is directly tied to (relations, gifts, contracts, contacts, trips, units)."""
    from .merge import canonical_map

    canon = canonical_map(db)
    out: dict[str, set[str]] = defaultdict(set)
    tables = set(db.table_names())
    for table, a, b in _EDGE_COLUMNS:
        if table not in tables:
            continue
        for x, y in db.execute(f"select distinct [{a}], [{b}] from [{table}] "
                               f"where [{a}] is not null and [{b}] is not null").fetchall():
            x, y = canon.get(x, x), canon.get(y, y)
            out[x].add(y)
            out[y].add(x)
    return out
