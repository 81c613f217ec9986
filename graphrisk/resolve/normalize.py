"""Name normalisation: the form names are matched on. The original text is always kept beside it.

``normalize_name`` is what ingest stores in ``name_norm``: NFKC (full-width
letters, digits, spaces), traditional → simplified Chinese (OpenCC),
whitespace folded, case folded. It is deliberately cheap.

Matching keys strip more and are only ever used to compare names:

- :func:`person_key`: honorifics and titles (Mr, Dr, Sir, Rt Hon, County
  Councillor, 先生, 女士 …) and bracketed notes removed;
- :func:`company_key`: legal forms in Chinese and English (有限公司, 股份有限公司,
  集团, Ltd, Limited, PLC, Co., Inc. …), bracketed notes such as
  ``（生产企业：…）``, punctuation (``.`` ``&`` ``＆`` ``-``) and common OCR typos
  (贵任→责任, 研宄→研究) removed;
- :func:`romanised_key`: a Chinese name in pinyin (王强 → ``qiang wang``,
  tokens sorted) so it meets its Latin spelling (Wang Qiang / Qiang Wang);
- :func:`compact`: a key with every separator removed (``J.C. Bamford`` and
  ``JC Bamford`` meet), used for fuzzy comparison.
- :func:`normalize_identifier`: a registry number, citizen id or credit code
  in one form (Companies House ``882843`` = ``00882843``).
"""
from __future__ import annotations

import functools
import re
import unicodedata

_WS = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = re.compile(r"[a-z0-9][a-z0-9 ]*[a-z0-9]|[a-z0-9]")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese; text without Chinese characters is returned as is."""
    if not _CJK.search(text):
        return text
    return _t2s().convert(text)


# A space between two Chinese characters is a typing artefact (全角空格 in 张 三).
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


@functools.lru_cache(maxsize=500_000)
def normalize_name(text: str | None) -> str:
    """The stored normalised form of a name: NFKC, simplified script, single spaces, case folded."""
    if text is None:
        return ""
    return _tidy(to_simplified(_compatible(text)))


def _compatible(text) -> str:
    """NFKC, and no-break spaces as spaces: before the Chinese conversion."""
    return unicodedata.normalize("NFKC", str(text)).replace("\u00a0", " ")


def _tidy(s: str) -> str:
    """Single spaces, none between two Chinese characters, case folded: after the Chinese conversion."""
    s = _WS.sub(" ", s).strip()
    return (_CJK_SPACE.sub("", s) if " " in s else s).casefold()


def normalize_names(texts: list) -> list[str]:
    """:func:`normalize_name` of each text, with the Chinese conversion done once over the texts joined by line
    breaks: a register's tens of thousands of distinct names in a quarter to a third of the time.

    No conversion phrase holds a line break, so each text comes out as it would alone; when a text holds one
    itself, each is normalised alone. Only the texts with a Chinese character are converted, as alone.
    """
    parts = ["" if t is None else _compatible(t) for t in texts]
    chinese = [i for i, p in enumerate(parts) if _CJK.search(p)]
    if chinese:
        converted = _t2s().convert("\n".join(parts[i] for i in chinese)).split("\n")
        if len(converted) != len(chinese):  # a text with a line break of its own
            return [normalize_name(t) for t in texts]
        for i, c in zip(chinese, converted):
            parts[i] = c
    return [_tidy(p) for p in parts]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


# ---------------------------------------------------------------- shared steps

# Bracketed notes: (生产企业：…), （原上海生物制品研究所）, (LNER), [note]. Brackets may be unbalanced.
_BRACKETS = re.compile(r"[(\[{【〔《][^()\[\]{}【】〔〕《》]*[)\]}】〕》]")
_OPEN_TAIL = re.compile(r"[(\[{【〔《][^()\[\]{}【】〔〕《》]*$")
_STRAY_BRACKETS = re.compile(r"[()\[\]{}【】〔〕《》]")


def strip_brackets(s: str) -> str:
    """Remove bracketed notes (nested ones from the inside out) and a bracket left open at the end.

    A note closed but never opened is one whose "(" was typed as "9", the key it shares on
    English keyboards (``Lawn Tennis Association 9LTA)``): its last word goes too.
    """
    if ")" in s and "(" not in s:
        s = re.sub(r"\s9?[^\s()]*\)\s*$", " ", s)
    prev = None
    while prev != s:
        prev = s
        s = _BRACKETS.sub(" ", s)
    s = _OPEN_TAIL.sub(" ", s)
    return _STRAY_BRACKETS.sub(" ", s)


def bracket_notes(text: str) -> list[str]:
    """The text inside brackets, normalised: ``London North Eastern Railway (LNER)`` → ['lner']."""
    s = normalize_name(text)
    return [m.group(0)[1:-1].strip() for m in _BRACKETS.finditer(s)]


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


def _split_camel(text: str) -> str:
    """``MerckSharp&DohmeCorp.`` → ``Merck Sharp&Dohme Corp.`` (before case folding)."""
    return _CAMEL.sub(" ", text)


def _base(text: str | None) -> str:
    """NFKC + camel-case split + normalize_name."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    return normalize_name(_split_camel(s))


# ---------------------------------------------------------------- people

_PERSON_TITLES = [
    "the rt hon", "the right honourable", "the right hon", "rt hon", "right honourable", "rt. hon",
    "the hon", "hon", "county councillor", "councillor", "cllr", "professor", "prof", "doctor",
    "dr", "sir", "dame", "lord", "lady", "baroness", "baron", "mr", "mrs", "ms", "miss", "mx",
    "reverend", "rev", "the",
]
_PERSON_SUFFIXES = ["mp", "obe", "mbe", "cbe", "kc", "qc", "ma", "phd", "jp", "kbe", "dbe", "frs", "bt"]
_TITLE_RE = re.compile(r"^(?:(?:" + "|".join(re.escape(t) for t in _PERSON_TITLES) + r")\.?\s+)+")
_SUFFIX_RE = re.compile(r"(?:,?\s+(?:" + "|".join(_PERSON_SUFFIXES) + r")\.?)+$")
_CN_PERSON_TITLES = re.compile(
    r"(先生|女士|小姐|夫人|太太|同志|教授|博士|老师|医生|主任|局长|处长|科长|书记|厅长|部长|经理|总经理|董事长)$")


@functools.lru_cache(maxsize=200_000)
def person_key(name: str | None) -> str:
    """A person's name without titles, honorifics, post-nominals or bracketed notes."""
    s = strip_brackets(normalize_name(name))
    s = re.sub(r"[.,;:'\"’`]+", lambda m: "" if m.group(0) in ("'", "’") else " ", s)
    s = re.sub(r"[-‐–—_/]+", " ", s)
    s = _WS.sub(" ", s).strip()
    s = _TITLE_RE.sub("", s)
    s = _SUFFIX_RE.sub("", s).strip()
    if has_cjk(s):
        s = s.replace(" ", "").replace("·", "").replace("•", "")
        stripped = _CN_PERSON_TITLES.sub("", s)
        s = stripped or s
    return _WS.sub(" ", s).strip()


@functools.lru_cache(maxsize=50_000)
def _char_pinyin(ch: str) -> list[str]:
    """Toneless pinyin of one character (its most common reading), cached: names are short."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL, errors="default")


@functools.lru_cache(maxsize=200_000)
def romanised_key(name: str | None) -> str:
    """Pinyin (toneless) for Chinese characters, Latin letters as they are; tokens sorted.

    王强 → ``qiang wang``; ``Wang Qiang`` → ``qiang wang``; ``Qiang WANG`` → ``qiang wang``.
    Order is dropped because Chinese names are written surname-first in
    Chinese and often given-name-first in English.
    """
    s = person_key(name)
    if not s:
        return ""
    if has_cjk(s):
        parts = []
        for run in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]|[^\u3400-\u9fff\uf900-\ufaff]+", s):
            parts.extend(_char_pinyin(run) if _CJK.match(run) else run.split())
        # surname + given name: the given name's syllables are written as one word
        if len(parts) >= 2 and all(_CJK.fullmatch(c) for c in s):
            tokens = [parts[0], "".join(parts[1:])]
        else:
            tokens = " ".join(parts).split()
    else:
        tokens = s.split()
    tokens = [re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", t)) for t in tokens]
    return " ".join(sorted(t for t in tokens if t))


# ---------------------------------------------------------------- companies

# OCR and typing slips seen in scanned award notices; each maps a wrong form to the right one.
_OCR_FIXES = [
    ("贵任", "责任"), ("研宄", "研究"), ("宄", "究"), ("研_所", "研究所"), ("研一所", "研究所"),
    ("有限贵任", "有限责任"), ("有限公 司", "有限公司"),
]
# Legal forms, longest first, stripped from the end (repeatedly) of a Chinese name.
_CN_LEGAL = [
    "股份有限公司", "有限责任公司", "有限公司", "股份公司", "责任公司", "有限责任公", "有限责任",
    "有限公", "集团公司", "总公司", "分公司", "公司", "集团", "股份",
]
_CN_LEGAL_RE = re.compile("(?:" + "|".join(_CN_LEGAL) + ")$")
# Country / territory names written in front of a foreign maker's name (美国默沙东, 法国赛诺菲…).
_CN_COUNTRY_PREFIX = re.compile(
    r"^(美国|法国|英国|德国|意大利|比利时|印度|爱尔兰|日本|韩国|澳大利亚|澳洲|加拿大|瑞士|瑞典|荷兰|丹麦|"
    r"奥地利|西班牙|新加坡|台湾|香港|澳门|中国台湾|中国香港)")
# English legal forms; stripped as trailing tokens (and 'the' as a leading one).
_EN_LEGAL = {
    "ltd", "limited", "plc", "co", "company", "inc", "incorporated", "corp", "corporation", "llp", "llc",
    "lp", "gmbh", "ag", "sa", "nv", "bv", "pty", "pvt", "private", "cic", "srl", "spa", "ab", "as", "oy",
    "kk", "sarl", "sas", "group", "holdings", "uk", "usa", "us",
    # not-for-profit legal forms: AISBL / ASBL / VZW (Belgium), e.V. (Germany), CIO (England and Wales)
    "aisbl", "asbl", "vzw", "ivzw", "ev", "cio", "ggmbh",
}
_EN_STOP = {"the", "and", "of", "for", "&"}
_EN_SEP = re.compile(r"[.,;:!?'\"’`&＆+/\\|_~^*#@%=<>·•\-‐–—]+")


def fix_ocr(s: str) -> str:
    for wrong, right in _OCR_FIXES:
        if wrong in s:
            s = s.replace(wrong, right)
    return s


def _join_initials(tokens: list[str]) -> list[str]:
    """['j', 'c', 'bamford'] → ['jc', 'bamford']: runs of single letters are one word."""
    out: list[str] = []
    run = ""
    for t in tokens:
        if len(t) == 1 and t.isalpha() and t.isascii():
            run += t
            continue
        if run:
            out.append(run)
            run = ""
        out.append(t)
    if run:
        out.append(run)
    return out


def _strip_en_legal(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if tokens[-1] in _EN_LEGAL:
            tokens = tokens[:-1]
            changed = True
        elif tokens[-1] == "a" and tokens[-2].endswith("s") and len(tokens[-2]) > 3:
            # 'S.A.' glued to the word before it: 'PasteurS.A.' → 'pasteurs a'
            tokens = tokens[:-2] + [tokens[-2][:-1]]
            changed = True
    return tokens


def _strip_cn_legal(s: str) -> str:
    prev = None
    while prev != s and len(s) > 2:
        prev = s
        s = _CN_LEGAL_RE.sub("", s) or prev
    return s


def _is_cjk_token(t: str) -> bool:
    return bool(_CJK.search(t))


@functools.lru_cache(maxsize=500_000)
def company_key(name: str | None) -> str:
    """A company name without legal form, bracketed notes, punctuation or known OCR slips.

    Latin words stay separated by single spaces; a Chinese run is one word.
    ``长春长生生物科技有限贵任公司`` → ``长春长生生物科技``;
    ``J. C. Bamford Excavators Limited`` → ``jc bamford excavators``;
    ``重庆智飞生物制品股份有限公司(生产企业：Merck Sharp ＆ Dohme Corp.)`` → ``重庆智飞生物制品``;
    ``美国默沙东Merck Sharp Dohme`` → ``默沙东 merck sharp dohme``.
    """
    s = fix_ocr(_base(name))
    s = strip_brackets(s)
    s = _EN_SEP.sub(" ", s)
    s = re.sub(r"(?<=[\u3400-\u9fff])\d+$", "", s.strip())  # 长春百克生物科技股份公司1: a row counter
    s = re.sub(r"(?<=[\u3400-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u3400-\u9fff])", " ", s)
    tokens = [t for t in _WS.split(s) if t]
    # runs of one script: Chinese runs are joined into one word, Latin runs stay tokenised
    runs: list[tuple[bool, list[str]]] = []
    for t in tokens:
        cjk = _is_cjk_token(t)
        if runs and runs[-1][0] == cjk:
            runs[-1][1].append(t)
        else:
            runs.append((cjk, [t]))
    out: list[str] = []
    for cjk, toks in runs:
        if cjk:
            word = "".join(toks)
            word = _CN_COUNTRY_PREFIX.sub("", word)
            word = _strip_cn_legal(word) if word else word
            if word and not _CN_LEGAL_RE.fullmatch(word):
                out.append(word)
        else:
            toks = _strip_en_legal(_join_initials(toks))
            if len(toks) > 1:
                toks = [t for t in toks if t not in _EN_STOP] or toks
            if toks and not (len(toks) == 1 and toks[0] in _EN_LEGAL and len(runs) > 1):
                out.extend(toks)
    if not out:  # a name that is nothing but a legal form: keep what there was
        out = tokens
    return " ".join(out)


def compact(key: str) -> str:
    """A key with every space removed: ``merck sharp dohme`` → ``mercksharpdohme``."""
    return key.replace(" ", "")


def script_parts(key: str) -> tuple[str, str]:
    """(Chinese part, Latin part) of a key, each compacted; either may be empty."""
    cjk = "".join(t for t in key.split() if _CJK.search(t))
    latin = "".join(t for t in key.split() if not _CJK.search(t))
    return cjk, latin


# ---------------------------------------------------------------- identifiers

_CH_NUMBER = re.compile(r"^([A-Z]{0,2})(\d{1,8})$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


_EMBEDDED_NUMBER = re.compile(r"(?<![A-Z0-9])([A-Z]{2}\d{6}|\d{5,8})(?![0-9A-Z])")


def normalize_identifier(value) -> str:
    """One form for a registry number, citizen id or credit code; '' when there is none.

    Companies House numbers are zero-padded to 8 characters (``882843`` →
    ``00882843``, ``SC79939`` → ``SC079939``); 18-character unified social
    credit codes and citizen id numbers are upper-cased with separators
    removed. A number written inside words (``Registration 882843``, ``Not for
    profit company, 10894509``, ``03130330 (this is the IHG company number)``)
    is taken out of them.
    """
    if value is None:
        return ""
    s0 = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if s0 in ("", "NAN", "NONE", "NULL", "N/A", "NA", "-", "0"):
        return ""
    if s0.endswith(".0") and s0[:-2].isdigit():  # a number that went through a spreadsheet
        s0 = s0[:-2]
    s = re.sub(r"[\s\-./_]", "", s0)
    m = _CH_NUMBER.match(s)
    if m and len(s) <= 8:
        prefix, digits = m.groups()
        return prefix + digits.zfill(8 - len(prefix))
    if _USCC.fullmatch(s) or re.fullmatch(r"\d{15}|\d{17}[0-9X]", s):
        return s
    m = re.fullmatch(r"([A-Z]{2})([0-9O]{6})", s)  # SCO27139: a letter O typed for a zero
    if m and m.group(2).count("O") < 6:
        return m.group(1) + m.group(2).replace("O", "0")
    if re.search(r"[A-Z]", s0):  # words around a number
        m = _EMBEDDED_NUMBER.search(s0)
        if m:
            return normalize_identifier(m.group(1))
    return s
