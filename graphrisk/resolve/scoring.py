"""Scoring a pair of records: strong identifiers first, then names, then context."""
from __future__ import annotations

from rapidfuzz import fuzz

from .features import _CN_PLACES, Features, features
from . import words as _words
from .identifiers import record_ids
from .normalize import has_cjk, normalize_name, person_key
from .records import Decision, Record, family, resolve_settings


_SCHEME_WORDS = {"registration_no": "registration no", "id_number": "id number"}


def strong_id_check(a: Record, b: Record) -> tuple[bool | None, str]:
    """True = same identifier, False = different identifiers of one scheme (never merge), None = nothing to compare.

    Identifiers are compared per scheme (:mod:`.identifiers`): a Companies House number and an EU
    Transparency Register number of one firm neither match nor conflict. Numbers written inside
    names count too.
    """
    ia, ib = record_ids(a), record_ids(b)
    for sch in ia.keys() & ib.keys():
        x, y = ia[sch], ib[sch]
        word = _SCHEME_WORDS.get(sch, sch)
        if x == y:
            return True, f"same {word} {x}"
        return False, f"different {word}s ({x} ≠ {y}): never merged"
    return None, ""


def _ratio(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0 if x and y else 0.0


def name_score(fa: Features, fb: Features, s: dict) -> tuple[float, str]:
    """Similarity of two names (0..1) and why, without identifiers or context.

    An organisation's name is also compared through the other names it carries (a trading name,
    the name before details: ``Financial Times: Robert Shrimsley, ...``), at a small discount.
    """
    best, why = _name_score(fa, fb, s)
    if best >= 1.0 or fa.fam == "person" or fb.fam == "person":
        return best, why
    alts_a, alts_b = _words.other_names(fa.name), _words.other_names(fb.name)
    for na in [fa.name] + alts_a:
        for nb in [fb.name] + alts_b:
            if na == fa.name and nb == fb.name:
                continue
            sc, w = _name_score(features(na, fa.fam), features(nb, fb.fam), s)
            sc *= s["other_name_factor"]
            if sc > best:
                alt = na if na != fa.name else nb
                best, why = sc, f"{w}, as '{alt}'"
    return best, why


def _name_score(fa: Features, fb: Features, s: dict) -> tuple[float, str]:
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
    latin_only = fa.latin and fb.latin and not fa.cjk and not fb.cjk
    if latin_only:
        r = max(r, fuzz.token_sort_ratio(fa.key, fb.key) / 100.0)
    verdict, words = _words.compare(fa.key, fb.key) if latin_only else (None, "")
    if verdict in (_words.DIFFERENT, _words.INITIAL):
        # one template, different words (Embassy of France / of Finland) or a person's initial
        # (F Parkinson Ltd / Parkinson's UK): different organisations
        r = min(r, s["review_score"] - 0.01)
        what = "different words" if verdict == _words.DIFFERENT else "an initial on one side only"
        take(r, f"similar names ({r:.2f}) but {what} ({words})")
    elif verdict == _words.EXTRA:
        # one name adds a distinctive word (Edinburgh International [Book] Festival): a branch, a
        # programme or another body; a review at most, never an automatic link
        r = min(r, s["link_score"] - 0.01)
        take(r, f"similar names ({r:.2f}) but one adds '{words}'")
    elif verdict in (_words.GENERIC_ONLY, _words.SAME_WORDS):
        r = max(r, s["word_match_score"])
        take(r, f"the same words but for generic ones ({words})" if words
             else "the same words, allowing typos and acronyms")
    else:
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
