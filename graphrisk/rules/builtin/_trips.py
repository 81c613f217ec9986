"""Trips as the rules see them: each official's trips (from the sponsor and participant edges), who went
along, and whether a trip went abroad (its country differs from the home country of the units)."""
from __future__ import annotations

from collections import Counter
from datetime import date


def trips_of(ctx) -> dict[str, dict[str, dict]]:
    """{official: {trip id: trip}} where a trip is its record's attributes plus ``participants`` (ids)
    and ``paid_by_government`` (sponsored by a unit or public body, or by nobody named)."""
    if "trips" in ctx.extra:
        return ctx.extra["trips"]
    out: dict[str, dict[str, dict]] = {}

    def add(official, d):
        rid = d.get("trip_id") or d["record_id"].split(":")[0]
        mine = out.setdefault(official, {})
        t = mine.get(rid)
        if t is None:
            t = mine[rid] = {**d.copy(), "record_id": rid, "participants": set()}
        return t

    for u, v, k, d in ctx.edges("trip_sponsor"):
        t = add(v, d)
        t["sponsor"] = u
    for u, v, k, d in ctx.edges("trip_participant"):
        add(u, d)["participants"].add(v)
    for trips in out.values():
        for t in trips.values():
            sponsor = t.get("sponsor") or t.get("sponsor_id")
            t["paid_by_government"] = (not sponsor) or ctx.kind(sponsor) in ("unit", "public_body") \
                or bool(t.get("government"))
    ctx.extra["trips"] = out
    return out


# Common ways registers write a country: ISO code, English and Chinese names (a code not listed is
# compared as written, upper-cased).
_COUNTRY_ALIASES = {
    "CN": ("china", "prc", "people's republic of china", "中国", "中华人民共和国", "中国大陆", "大陆", "内地"),
    "HK": ("hong kong", "hong kong sar", "香港", "中国香港"), "MO": ("macau", "macao", "澳门", "中国澳门"),
    "TW": ("taiwan", "台湾", "中国台湾"), "GB": ("uk", "united kingdom", "great britain", "britain", "england", "英国"),
    "US": ("usa", "united states", "united states of america", "america", "美国"), "JP": ("japan", "日本"),
    "KR": ("korea", "south korea", "republic of korea", "韩国"), "DE": ("germany", "德国"), "FR": ("france", "法国"),
    "SG": ("singapore", "新加坡"), "AU": ("australia", "澳大利亚"), "CA": ("canada", "加拿大"),
    "RU": ("russia", "russian federation", "俄罗斯"), "IT": ("italy", "意大利"), "ES": ("spain", "西班牙"),
    "NL": ("netherlands", "holland", "荷兰"), "CH": ("switzerland", "瑞士"), "TH": ("thailand", "泰国"),
    "MY": ("malaysia", "马来西亚"), "VN": ("vietnam", "viet nam", "越南"), "IN": ("india", "印度"),
    "AE": ("united arab emirates", "uae", "阿联酋"), "NZ": ("new zealand", "新西兰"), "IE": ("ireland", "爱尔兰"),
}
_ALIAS = {name: code for code, names in _COUNTRY_ALIASES.items() for name in names}


def country_code(country) -> str | None:
    """A country as a comparable code: 'China', '中国' and 'cn' are all CN; None when empty."""
    if country is None or not str(country).strip():
        return None
    c = str(country).strip()
    return _ALIAS.get(c.lower(), _ALIAS.get(c, c.upper()))


def home_country(ctx, setting: str = "") -> str | None:
    """The home country: ``setting`` when given, else the most common country of the units (None when
    units carry no country)."""
    if setting:
        return country_code(setting)
    if "home_country" not in ctx.extra:
        c = Counter()
        for o in ctx.officials():
            for u in ctx.units_of(o)[:1]:
                cc = country_code(ctx.node(u).get("country"))
                if cc:
                    c[cc] += 1
        ctx.extra["home_country"] = c.most_common(1)[0][0] if c else None
    return ctx.extra["home_country"]


def abroad(ctx, country, setting: str = "") -> bool:
    """A country other than home (any named country when home is unknown)."""
    code = country_code(country)
    if not code:
        return False
    home = home_country(ctx, setting)
    return home is None or code != home


def days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days


def duration(t: dict) -> int | None:
    d = days(t.get("date") or t.get("start_date"), t.get("end_date"))
    return None if d is None or d < 0 else d + 1


def is_related(ctx, official: str, other: str) -> bool:
    """``other`` is a specific related person of the official (a family or associate tie, either way)."""
    return any(d["kind"] in ("family", "associate") for d in ctx.between(other, official) + ctx.between(official, other))


def related_people(ctx, official: str) -> set[str]:
    """The official's specific related persons: family and close associates, either direction."""
    out = set()
    for m in ctx.neighbours(official):
        kinds = {d["kind"] for d in ctx.between(m, official)} | {d["kind"] for d in ctx.between(official, m)}
        if kinds & {"family", "associate"}:
            out.add(m)
    return out


def people_of(ctx, company: str, roles=("shareholder", "legal_representative", "director", "manager",
                                        "employee")) -> set[str]:
    """People (or companies) holding a stake or role in ``company``."""
    return {m for m in ctx.neighbours(company) if any(d["kind"] in roles for d in ctx.between(m, company))}


def companies_of(ctx, person: str, roles=("shareholder", "legal_representative", "director", "manager",
                                          "employee")) -> set[str]:
    """Companies in which ``person`` holds a stake or role."""
    return {m for m in ctx.neighbours(person) if any(d["kind"] in roles for d in ctx.between(person, m))}
