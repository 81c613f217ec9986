"""Word by word comparison of two Latin organisation names, and the other names a name carries.

Character similarity alone links ``Permanent Representation of Ireland`` to
``... of the Netherlands`` (0.9) and misses ``Babcock`` / ``Babcock
International`` (0.5). Comparing the words that differ says more:

- words on one side only are first paired with a near spelling on the other
  (a typo: Propserity / Prosperity, Forces / Force, Qatari / Qatar; Ratch / Reach is too far) or read as
  an acronym of the other side's words (RL / Rugby League);
- different words left on both sides: two bodies built on one template
  (Ireland / Netherlands, Leeds / Leicester) — never an automatic link;
- an initial on one side only (F Parkinson / Parkinson's): a person's firm;
- distinctive words added on one side (Sky / Sky News, Royal Society / of
  Chemistry, Edinburgh International [Book] Festival): a branch, a
  programme or another body — a review, not a link;
- only generic words added (Babcock / Babcock International, Embassy of
  Qatar / of the State of Qatar, National Theatre / Royal National Theatre):
  the same organisation.

:func:`other_names` gives the names a register entry carries besides its
full text: the trading name after ``trading as`` / ``t/a``, and the name
before a separator followed by details (``Financial Times: Robert
Shrimsley, ...``, ``BBC / Question Time``).
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

# Words that add nothing distinctive to an organisation's name. Country and region names are
# not among them (Football Association / of Wales are two bodies), nor Foundation or Trust (a
# club's foundation is a charity of its own).
GENERIC = {
    "uk", "gb", "british", "britain", "united", "kingdom", "international", "global", "worldwide", "national",
    "group", "company", "companies", "holdings", "holding", "limited", "ltd", "plc", "association",
    "society", "union", "trade", "federation", "organisation", "organization", "corporation", "royal", "state",
    "republic", "official", "hq",
    "news",  # a broadcaster's or publisher's news arm is the same counterparty (BBC / BBC News)
}
# Generic words that say where or how far a body reaches: different ones on the two sides
# name two bodies.
SCOPE = {"uk", "gb", "british", "britain", "united", "kingdom", "international", "global", "worldwide",
         "national", "royal", "state", "republic", "european", "europe"}
STOP = {"the", "and", "of", "for", "in", "on", "at", "to", "a", "an", "&", "de", "du", "des", "la", "le", "der",
        "die", "das", "und", "et", "y"}

DIFFERENT, INITIAL, EXTRA, GENERIC_ONLY, SAME_WORDS = "different", "initial", "extra", "generic", "same_words"


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w)


# Endings that leave a word's meaning (plural, demonym): Forces / Force, Qatari / Qatar, Libyan /
# Libya, Educational / Education. Commissioner / Commission (a person / a body) is not among them.
_ENDINGS = ("s", "es", "i", "n", "an", "al")


def _same_word(a: str, b: str) -> bool:
    """One word spelt two ways: a typo of the same length, or an ending that keeps the meaning."""
    if min(len(a), len(b)) < 4 or fuzz.ratio(a, b) < 85:
        return False
    if len(a) == len(b):
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and long_[len(short):] in _ENDINGS


def word_diff(key_a: str, key_b: str) -> tuple[list[str], list[str], bool]:
    """Words of each key not matched on the other side, and whether typos or acronyms were paired."""
    ta = [w for w in key_a.split() if w not in STOP]
    tb = [w for w in key_b.split() if w not in STOP]
    ua = [w for w in ta if w not in tb]
    ub = [w for w in tb if w not in ta]
    paired = False
    for w in list(ua):
        best = max(ub, key=lambda x: fuzz.ratio(w, x), default=None)
        if best is not None and _same_word(w, best):
            ua.remove(w)
            ub.remove(best)
            paired = True
    if ua and ub and (_initials(ua) == "".join(ub) or _initials(ub) == "".join(ua) or "".join(ua) == "".join(ub)):
        ua, ub, paired = [], [], True  # RL / Rugby League; Bamford Excavators / BamfordExcavators
    return ua, ub, paired


def compare(key_a: str, key_b: str) -> tuple[str | None, str]:
    """(verdict, words) for two Latin keys: DIFFERENT, INITIAL, EXTRA, GENERIC_ONLY, SAME_WORDS or None."""
    ua, ub, paired = word_diff(key_a, key_b)
    ua_d = [w for w in ua if w not in GENERIC]
    ub_d = [w for w in ub if w not in GENERIC]
    if ua_d and ub_d:
        return DIFFERENT, f"{' '.join(ua_d)} / {' '.join(ub_d)}"
    ua_s, ub_s = [w for w in ua if w in SCOPE], [w for w in ub if w in SCOPE]
    if ua_s and ub_s:  # British / International Paralympic Association: two scopes, two bodies
        return DIFFERENT, f"{' '.join(ua_s)} / {' '.join(ub_s)}"
    one = ua or ub
    if any(len(w) == 1 and w.isalpha() for w in one):
        return INITIAL, " ".join(one)
    core_a = [w for w in key_a.split() if w not in STOP and w not in GENERIC]
    core_b = [w for w in key_b.split() if w not in STOP and w not in GENERIC]
    if not core_a or not core_b:  # nothing distinctive on one side ('The Society'): no verdict
        return None, ""
    extra = ua_d or ub_d
    if extra:
        return EXTRA, " ".join(extra)
    if ua or ub:
        return GENERIC_ONLY, " ".join(ua or ub)
    if paired:
        return SAME_WORDS, ""
    return None, ""


_TRADING = re.compile(r"\b(?:trading as|t/a|also known as|aka|known as)\b[\s:]*(.+)$", re.IGNORECASE)
_HEAD = re.compile(r"^(.{2,}?)\s*(?::|;|\s[-–—/]\s|/|,)\s*(.{3,})$")


def other_names(name: str) -> list[str]:
    """Other names a register entry carries: a trading name, the name before details."""
    out = []
    m = _TRADING.search(name or "")
    if m:
        out.append(m.group(1).strip(" ,.;)"))
    m = _HEAD.match(name or "")
    if m and not _TRADING.search(m.group(1)):
        head = m.group(1).strip()
        if len(head) >= 2 and head.lower() not in ("the", "mr", "mrs", "ms", "dr"):
            out.append(head)
    return [n for n in dict.fromkeys(out) if n and n != name]
