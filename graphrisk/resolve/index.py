"""Candidate search (:class:`Index`), candidate pairs and clustering that never joins two identifiers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .features import Features, features
from .identifiers import record_ids
from .records import Decision, Record, family, gc_paused, resolve_settings
from .scoring import score_pair, strong_id_check


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
            for sch, v in record_ids(r).items():
                self.ids[sch + ":" + v].append(i)
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
        for sch, v in record_ids(rec).items():
            out.update(self.ids.get(sch + ":" + v, ()))
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
            self.ids.append(record_ids(r))

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
