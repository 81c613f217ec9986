"""A deterministic synthetic "sample world": a Chinese prefecture-level city, Jan-Nov 2026.

``generate(out_dir, scale, seed)`` writes one CSV per input kind (the columns of
``shared/spec/input-format.md``) plus ``truth.json``, which lists the planted
conflict-of-interest patterns and the decoys that must not be flagged.

How the background is kept free of chance patterns
--------------------------------------------------
Every background party that has a *private* tie to officials (a gift, a dinner,
a sponsored trip, a friendship, shares held by a relative) is given one
"target unit" and only ever touches officials (or their relatives) of that
unit. A supplier company's target is never a unit it supplies, and each
business person belongs to exactly one company. So the private graph splits
into one island per unit, and no island holds a company from that unit's
supplier pool: no path of any length links an official to a supplier of their
own unit except through office contacts (meeting/call/visit). Relatives hold
shares in, or work for, only non-supplier companies. Officials used by planted
patterns and decoys get no background private ties at all (only their family,
government trips without companions, and office contacts with other officials),
so the paths around them are exactly the planted ones.

Everything is vectorised with numpy; loops run only over the planted patterns.
"""
from __future__ import annotations

import json
import math
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import GraphRiskError

from graphrisk.schema import KINDS, relation_key

PERIOD_START = "2026-01-05"  # Monday of ISO 2026-W02
PERIOD_END = "2026-11-15"  # Sunday of ISO 2026-W46 (the latest complete week as of 2026-11-23)
DIRECT_AWARD_THRESHOLD = 1_000_000  # CNY, above which open tender is required
MIN_SCALE = 0.05  # smallest city that holds every planted pattern

FILES = ["units", "officials", "people", "companies", "relations", "contacts", "gifts", "trips", "contracts"]

_START = date.fromisoformat(PERIOD_START)
_NDAYS = (date.fromisoformat(PERIOD_END) - _START).days + 1  # 315
_LAST_WEEK = _NDAYS - 7  # offset of 2026-11-09
_TABLE_BASE = date(1940, 1, 1)
_TABLE_END = date(2027, 12, 31)
_S0 = (_START - _TABLE_BASE).days

CITY = "澜州市"
CITY_SHORT = "澜州"
MESSY_RATE = 0.05
TRAD_RATE = 0.03
SPACE_RATE = 0.01

BASE_COUNTS = {"officials": 2000, "companies": 3000, "contacts": 25000, "gifts": 6000, "trips": 4000,
               "contracts": 9000}
PATTERNS = [  # (name, base count at scale 1, expect)
    ("gift_before_contract", 8, "red_or_orange"),
    ("relative_owned_supplier", 6, "red_or_orange"),
    ("sponsored_trip_contract", 6, "red_or_orange"),
    ("split_contracts", 5, "red_or_orange"),
    ("two_hop_tie", 5, "at_least_yellow"),
    ("decoy_small_declared_gift", 10, "not_above_yellow"),
    ("decoy_government_trips", 5, "not_above_yellow"),
    ("decoy_homonym_spouse", 4, "not_above_yellow"),
    ("decoy_busy_approver", 3, "not_above_yellow"),
]
# Instance 0 of these has its last record in the last ISO week of the period.
_FINAL_WEEK = {"gift_before_contract", "split_contracts", "sponsored_trip_contract",
               "decoy_small_declared_gift", "decoy_homonym_spouse"}

# --------------------------------------------------------------------------- vocabulary

_SURNAMES = [
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.6), ("杨", 3.1), ("黄", 2.3), ("赵", 2.2),
    ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3), ("胡", 1.3), ("郭", 1.1),
    ("何", 1.1), ("林", 1.0), ("高", 1.0), ("罗", 0.9), ("郑", 0.9), ("梁", 0.8), ("谢", 0.7), ("宋", 0.6),
    ("唐", 0.6), ("许", 0.6), ("韩", 0.6), ("冯", 0.6), ("邓", 0.6), ("曹", 0.5), ("彭", 0.5), ("曾", 0.5),
    ("肖", 0.5), ("田", 0.5), ("董", 0.5), ("袁", 0.4), ("潘", 0.4), ("于", 0.4), ("蒋", 0.4), ("蔡", 0.4),
    ("余", 0.4), ("杜", 0.4), ("叶", 0.4), ("程", 0.4), ("苏", 0.3), ("魏", 0.3), ("吕", 0.3), ("丁", 0.3),
    ("任", 0.3), ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3), ("夏", 0.3),
    ("韦", 0.2), ("付", 0.2), ("方", 0.2), ("白", 0.2), ("邹", 0.2), ("孟", 0.2), ("熊", 0.2), ("秦", 0.2),
    ("邱", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2), ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2),
    ("龙", 0.2), ("史", 0.2), ("陶", 0.2), ("黎", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2),
    ("龚", 0.2), ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("覃", 0.1), ("武", 0.1), ("戴", 0.1),
    ("莫", 0.1), ("孔", 0.1), ("向", 0.1), ("汤", 0.1),
]
_GIVEN = list(dict.fromkeys(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉玲华红建飞鑫波宇浩凯健俊帆帅旭宁龙林欣佳雪婷燕晨阳鹏亮"
    "斌峰梅琳颖倩丹萍云海国志新春嘉子晓立永金小思雨梓涵博睿泽轩诗怡一然晶慧莉荣成彬正德光庆福民东祥瑞振家世"))

_DISTRICT_A = "江湖青白新云金松桃龙凤临西东南北长安清宁"
_DISTRICT_B = "南北山城湖源川林岭桥阳河州溪岗口"
_MUNICIPAL = [
    "市财政局", "市卫生健康委员会", "市交通运输局", "市住房和城乡建设局", "市教育局", "市水务局",
    "市发展和改革委员会", "市工业和信息化局", "市民政局", "市人力资源和社会保障局", "市自然资源和规划局",
    "市生态环境局", "市农业农村局", "市商务局", "市文化广电旅游局", "市应急管理局", "市市场监督管理局",
    "市医疗保障局", "市城市管理局", "市公安局", "市司法局", "市审计局", "市统计局", "市科学技术局", "市林业局",
    "市体育局", "市机关事务管理局", "市国有资产监督管理委员会", "市退役军人事务局", "市政务服务管理局",
]
_DISTRICT_UNITS = ["财政局", "教育局", "卫生健康局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局",
                   "市场监督管理局"]

# sector label -> (words used in names, contract titles)
_SECTORS = {
    "建筑业": (["建设工程", "建筑工程", "市政工程", "建筑劳务", "路桥工程"],
            ["道路改造工程", "办公楼维修改造工程", "市政管网改造工程", "排水设施改造工程", "老旧小区改造工程"]),
    "信息技术": (["科技", "信息技术", "软件", "网络科技", "数据科技"],
             ["信息化系统建设项目", "政务数据平台运维服务", "网络安全设备采购", "软件开发服务", "视频监控系统建设"]),
    "医疗器械": (["医疗器械", "医疗设备", "生物科技", "医药"],
             ["医疗设备采购", "医用耗材采购", "检验试剂采购", "医疗设备维保服务"]),
    "交通运输": (["交通设施", "交通工程", "运输", "物流"],
             ["交通标志标线工程", "公交站台改造工程", "交通信号设备采购", "公务用车租赁服务"]),
    "环境保护": (["环保科技", "环境工程", "水务工程", "园林绿化"],
             ["河道整治工程", "污水处理设备采购", "绿化养护服务", "环境监测服务"]),
    "教育服务": (["教育科技", "教学设备", "文化用品", "图书"],
             ["教学设备采购", "图书采购", "校园安防系统建设", "学生课桌椅采购"]),
    "物业服务": (["物业管理", "保洁服务", "安保服务"],
             ["物业管理服务", "保洁服务", "安保服务", "食堂托管服务"]),
    "办公用品": (["办公设备", "商贸", "家具"],
             ["办公设备采购", "办公家具采购", "办公用品采购", "打印耗材采购"]),
    "咨询服务": (["工程咨询", "管理咨询", "造价咨询"],
             ["项目咨询服务", "审计服务", "造价咨询服务", "规划编制服务"]),
}
_NON_SECTORS = {  # companies that supply no unit
    "餐饮住宿": ["餐饮管理", "酒店管理", "食品"],
    "商贸": ["贸易", "商贸", "实业"],
    "房地产": ["房地产开发", "置业"],
    "文化传媒": ["文化传媒", "广告"],
}
_DOMAINS = [
    ("财政", ["信息技术", "办公用品", "咨询服务"]),
    ("卫生健康", ["医疗器械", "信息技术", "物业服务"]),
    ("医疗保障", ["医疗器械", "信息技术"]),
    ("交通", ["交通运输", "建筑业", "咨询服务"]),
    ("住房和城乡建设", ["建筑业", "环境保护", "咨询服务"]),
    ("城市管理", ["建筑业", "环境保护", "物业服务"]),
    ("自然资源", ["咨询服务", "建筑业", "信息技术"]),
    ("教育", ["教育服务", "信息技术", "建筑业"]),
    ("水务", ["环境保护", "建筑业"]),
    ("生态环境", ["环境保护", "咨询服务"]),
    ("农业", ["环境保护", "建筑业", "办公用品"]),
    ("林业", ["环境保护", "咨询服务"]),
]
_DEFAULT_DOMAIN = ["办公用品", "信息技术", "物业服务", "咨询服务", "建筑业"]
_BRAND_A = "华远盛恒鑫宏金中天博瑞嘉永汇众国新德隆兴信鼎泰通和安富达优创明正合海佳广同万诚荣昌顺东联"
_BRAND_B = "鼎航达信源图桥联成远丰禾盛通诚泰华润基业宇邦辉力科拓腾悦扬峰和晟昊森博"
_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
_OTHER_REGIONS = ["江城", "华南", "中原", "海东", "湘江", "蜀中"]

_OFFICE_CHANNELS = ["meeting", "call", "visit"]
_OFFICE_LOCATIONS = ["办公室", "会议室", "第一会议室", "第二会议室", "接待室", "企业现场"]
_PRIVATE_CHANNELS = ["dinner", "banquet"]
_PRIVATE_LOCATIONS = [CITY_SHORT + "大酒店", "江畔酒楼包间", "锦园会所", "农家乐", "老街茶楼"]
_CONTACT_NOTES = ["工作对接", "项目协调", "政策咨询", "情况汇报", "", "", ""]
_PRIVATE_NOTES = ["", "老同学聚会", "朋友聚餐", ""]
_GIFT_DESC = ["月饼", "茶叶", "纪念品", "书籍", "土特产", "节日慰问品", "会议纪念品", "水果"]
_BIG_GIFT_DESC = ["购物卡", "现金红包", "名表", "高档烟酒", "字画", "金条"]
_DESTINATIONS = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "长沙", "重庆", "厦门",
                 "青岛", "昆明", "省城"]
_GOV_PURPOSES = ["业务培训", "学习考察", "参加会议", "招商引资", "调研"]
_CONF_PURPOSES = ["行业会议", "技术交流会", "产品推介会"]
_LUX_DESTINATIONS = ["三亚", "香港", "澳门", "丽江", "厦门", "杭州"]

_METHODS = ["open_tender", "invited_tender", "competitive_negotiation", "single_source", "direct"]
_METHOD_P = [0.62, 0.20, 0.06, 0.05, 0.07]
_NONCOMP = {"competitive_negotiation", "single_source", "direct"}

_SRC_FAMILY = "个人有关事项报告"
_SRC_BUSINESS = "企业信用信息公示系统"
_SRC_SOCIAL = "线索核查"

K_UNIT, K_OFF, K_PER, K_COM = 0, 1, 2, 3
_PREFIX = {K_UNIT: ("U", 4), K_OFF: ("O", 6), K_PER: ("P", 6), K_COM: ("C", 6)}
_REC_PREFIX = {"contacts": ("K", 7), "gifts": ("G", 7), "trips": ("T", 7), "contracts": ("HT", 7)}

# --------------------------------------------------------------------------- helpers


def _digits(arr, width: int) -> np.ndarray:
    """Non-negative ints -> zero-padded fixed-width unicode strings (vectorised)."""
    arr = np.asarray(arr, dtype=np.int64)
    p = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    d = ((arr[:, None] // p) % 10 + 48).astype(np.uint32)
    return np.ascontiguousarray(d).view(f"<U{width}")[:, 0]


def _chars(codes: np.ndarray, alphabet: str) -> np.ndarray:
    """(n, w) matrix of indices into alphabet -> n strings of width w."""
    lut = np.array([ord(c) for c in alphabet], dtype=np.uint32)
    w = codes.shape[1]
    return np.ascontiguousarray(lut[codes]).view(f"<U{w}")[:, 0]


def _obj(a) -> np.ndarray:
    return np.asarray(a, dtype=object)


def _ints_str(a) -> np.ndarray:
    return pd.Series(np.asarray(a, dtype=np.int64)).astype(str).to_numpy(dtype=object)


class _Groups:
    """Members grouped by an int key, to pick a random member of a given group fast."""

    def __init__(self, keys, members, n_groups: int):
        keys = np.asarray(keys, dtype=np.int64)
        members = np.asarray(members, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.members = members[order]
        self.counts = np.bincount(keys, minlength=n_groups) if len(keys) else np.zeros(n_groups, np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)

    def pick(self, rng, groups) -> np.ndarray:
        groups = np.asarray(groups, dtype=np.int64)
        if len(self.members) == 0:
            return np.full(len(groups), -1, np.int64)
        cnt = self.counts[groups]
        r = (rng.random(len(groups)) * cnt).astype(np.int64)
        idx = np.minimum(self.offsets[groups] + r, len(self.members) - 1)
        return np.where(cnt > 0, self.members[idx], -1)

    def all(self, g: int) -> np.ndarray:
        return self.members[self.offsets[g]:self.offsets[g] + self.counts[g]]


class _Table:
    """Columns collected in chunks, concatenated once."""

    def __init__(self, cols: dict):
        self.defaults = cols
        self.chunks: list[dict] = []
        self.n = 0

    def add(self, **cols) -> np.ndarray:
        n = max(len(np.atleast_1d(v)) for v in cols.values())
        chunk = {}
        for c, default in self.defaults.items():
            v = cols.get(c, default)
            v = np.atleast_1d(np.asarray(v, dtype=object if isinstance(default, str) else None))
            if len(v) == 1 and n > 1:
                v = np.repeat(v, n)
            chunk[c] = v
        self.chunks.append(chunk)
        start = self.n
        self.n += n
        return np.arange(start, start + n)

    def frame(self) -> pd.DataFrame:
        out = {}
        for c, default in self.defaults.items():
            parts = [ch[c] for ch in self.chunks]
            if isinstance(default, str):
                out[c] = np.concatenate([p.astype(object) for p in parts]) if parts else np.array([], object)
            else:
                out[c] = np.concatenate(parts) if parts else np.array([], type(default))
        return pd.DataFrame(out)


def _date_tables():
    d = pd.date_range(_TABLE_BASE, _TABLE_END, freq="D")
    y = pd.Series(d.year.astype(str))
    m = pd.Series(d.month.astype(str))
    dd = pd.Series(d.day.astype(str))
    m2, d2 = m.str.zfill(2), dd.str.zfill(2)
    iso = (y + "-" + m2 + "-" + d2).to_numpy(dtype=object)
    compact = (y + m2 + d2).to_numpy(dtype=object)
    forms = [iso, (y + "/" + m + "/" + dd).to_numpy(dtype=object), (y + "." + m2 + "." + d2).to_numpy(dtype=object),
             compact, (y + "年" + m + "月" + dd + "日").to_numpy(dtype=object)]
    return forms


def _iso(off: int) -> str:
    return date.fromordinal(_START.toordinal() + int(off)).isoformat()


def _fmt_amounts(rng, values: np.ndarray, messy: bool = True) -> np.ndarray:
    """Integer CNY amounts -> text; ~5% in a messy but valid form."""
    v = np.asarray(values, dtype=np.int64)
    out = _ints_str(v)
    if not messy or len(v) == 0:
        return out
    sel = np.flatnonzero(rng.random(len(v)) < MESSY_RATE)
    if len(sel) == 0:
        return out
    form = rng.integers(0, 5, len(sel))
    sv = pd.Series(v[sel])
    plain = sv.astype(str)
    comma = sv.map("{:,}".format)
    q, r = sv // 10000, sv % 10000
    wan = q.astype(str) + np.where(r > 0, "." + r.astype(str).str.zfill(4).str.rstrip("0"), "") + "万"
    choices = [("¥" + comma), ("￥" + plain + "元"), wan, comma, comma + ".00"]
    res = np.empty(len(sel), dtype=object)
    for k, ch in enumerate(choices):
        mk = form == k
        res[mk] = ch.to_numpy(dtype=object)[mk]
    out[sel] = res
    return out


# --------------------------------------------------------------------------- generator


class _World:
    def __init__(self, scale: float, seed: int):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = float(scale)
        self.seed = int(seed)
        self.rng = np.random.default_rng(seed)
        self.dates = _date_tables()
        sw = np.array([w for _, w in _SURNAMES])
        self.sur = np.array([s for s, _ in _SURNAMES], dtype=object)
        self.sur_p = sw / sw.sum()
        gw = 1.0 / (np.arange(len(_GIVEN)) + 3.0) ** 0.9
        self.given = np.array(_GIVEN, dtype=object)
        self.given_p = gw / gw.sum()
        self.people = _Table({"name": "", "id_number": "", "note": "", "clean": False})
        self.companies = _Table({"name": "", "regno": "", "region": "", "sector": "", "clean": False})
        self.rel = _Table({"fk": 0, "fi": 0, "tk": 0, "ti": 0, "relation": "", "share": -1.0, "start": -99999,
                           "end": -99999, "source": "", "tag": -1})
        self.rec = {
            "contacts": _Table({"off": 0, "ck": 0, "ci": 0, "date": 0, "channel": "", "location": "", "note": "",
                                "tag": -1}),
            "gifts": _Table({"gk": 0, "gi": 0, "rk": 0, "ri": 0, "date": 0, "value": 0, "currency": "",
                             "description": "", "declared": 1, "tag": -1}),
            "trips": _Table({"off": 0, "destination": "", "date": 0, "end": 0, "purpose": "", "sk": 0, "si": 0,
                             "cost": 0, "currency": "", "p1k": 0, "p1": -1, "p2k": 0, "p2": -1, "p3k": 0, "p3": -1,
                             "tag": -1}),
            "contracts": _Table({"unit": 0, "sup": 0, "date": 0, "amount": 0, "currency": "", "method": "",
                                 "approver": -1, "title": "", "tag": -1}),
        }
        self.truth: list[dict] = []

    # ---------------------------------------------------------------- names and codes
    def names(self, n: int, surnames=None) -> np.ndarray:
        rng = self.rng
        s = self.sur[rng.choice(len(self.sur), n, p=self.sur_p)] if surnames is None else _obj(surnames)
        g1 = self.given[rng.choice(len(self.given), n, p=self.given_p)]
        g2 = self.given[rng.choice(len(self.given), n, p=self.given_p)]
        two = rng.random(n) < 0.65
        return s + g1 + np.where(two, g2, "")

    def id_numbers(self, n: int, y0: int, y1: int) -> np.ndarray:
        rng = self.rng
        if n == 0:
            return np.array([], dtype=object)
        area = np.array(["360202", "360203", "360221", "360222", "360281", "360102", "430104", "420106"])
        a = area[rng.integers(0, len(area), n)]
        lo = (date(y0, 1, 1) - _TABLE_BASE).days
        hi = (date(y1, 12, 28) - _TABLE_BASE).days
        born = self.dates[3][rng.integers(lo, hi, n)].astype(str)
        seq = rng.integers(0, 1000, n)
        body = np.char.add(np.char.add(a, born), _digits(seq, 3))
        d = np.ascontiguousarray(body.astype("<U17")).view(np.uint32).reshape(n, 17).astype(np.int64) - 48
        w = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        check = np.array(list("10X98765432"))[(d * w).sum(1) % 11]
        return np.char.add(body, check).astype(object)

    def uscc(self, n: int) -> np.ndarray:
        rng = self.rng
        alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        codes = np.empty((n, 17), dtype=np.int64)
        codes[:, 0] = 9
        codes[:, 1] = 1
        area = np.array([[3, 6, 0, 2, 0, 2], [3, 6, 0, 2, 0, 3], [3, 6, 0, 2, 2, 1], [3, 6, 0, 1, 0, 0]])
        codes[:, 2:8] = area[rng.integers(0, len(area), n)]
        codes[:, 8:16] = rng.integers(0, 31, (n, 8))
        codes[:, 16] = rng.integers(0, 10, n)
        w = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
        check = (31 - (codes * w).sum(1) % 31) % 31
        full = np.concatenate([codes, check[:, None]], axis=1)
        return _chars(full, alpha).astype(object)

    def company_names(self, sectors: np.ndarray, words_by_sector: dict) -> np.ndarray:
        rng = self.rng
        n = len(sectors)
        regions = np.array([""] * 6 + [CITY_SHORT] + [d + "" for d in self.district_names[:8]] + _OTHER_REGIONS,
                           dtype=object)
        names = np.empty(n, dtype=object)
        todo = np.arange(n)
        for _round in range(50):
            if len(todo) == 0:
                break
            k = len(todo)
            reg = regions[rng.integers(0, len(regions), k)]
            brand = (np.array(list(_BRAND_A), dtype=object)[rng.integers(0, len(_BRAND_A), k)]
                     + np.array(list(_BRAND_B), dtype=object)[rng.integers(0, len(_BRAND_B), k)])
            word = np.empty(k, dtype=object)
            for sec in np.unique(sectors[todo]):
                m = sectors[todo] == sec
                ws = np.array(words_by_sector[sec], dtype=object)
                word[m] = ws[rng.integers(0, len(ws), int(m.sum()))]
            form = np.array(_FORMS, dtype=object)[rng.choice(3, k, p=[0.6, 0.3, 0.1])]
            cand = reg + brand + word + form
            names[todo] = cand
            s = pd.Series(names)
            dup = s.duplicated(keep="first").to_numpy()
            todo = np.flatnonzero(dup)
        if len(todo):
            names[todo] = names[todo] + _ints_str(np.arange(len(todo)))
        return names

    # ---------------------------------------------------------------- entities
    def build_units(self):
        n_units = max(15, int(round(60 * self.scale ** 0.8)))
        pairs = [a + b for a in _DISTRICT_A for b in _DISTRICT_B]
        order = self.rng.permutation(len(pairs))
        self.district_names = [pairs[i] + "区" for i in order]
        towns_pool = [pairs[i] for i in order[::-1]]
        names, parents, regions = ["市人民政府"], [-1], [CITY]
        n_muni = min(len(_MUNICIPAL), max(8, int(round(n_units * 0.5))))
        for nm in _MUNICIPAL[:n_muni]:
            names.append(nm)
            parents.append(0)
            regions.append(CITY)
        govs = []
        d = 0
        while len(names) < n_units and d < 8:
            dn = self.district_names[d]
            govs.append(len(names))
            names.append(dn + "人民政府")
            parents.append(0)
            regions.append(dn)
            for nm in _DISTRICT_UNITS:
                if len(names) >= n_units:
                    break
                names.append(dn + nm)
                parents.append(govs[-1])
                regions.append(dn)
            d += 1
        t = 0
        while len(names) < n_units:
            g = govs[t % len(govs)]
            base = towns_pool[t % len(towns_pool)] + ("" if t < len(towns_pool) else str(t // len(towns_pool)))
            names.append(regions[g] + base + ("镇人民政府" if t % 3 else "街道办事处"))
            parents.append(g)
            regions.append(regions[g])
            t += 1
        self.unit_name = np.array(names, dtype=object)
        self.unit_parent = np.array(parents)
        self.unit_region = np.array(regions, dtype=object)
        self.n_units = len(names)
        doms = []
        for nm in names:
            dom = _DEFAULT_DOMAIN
            for key, secs in _DOMAINS:
                if key in nm:
                    dom = secs
                    break
            doms.append(dom)
        self.unit_domain = doms

    def build_officials(self):
        rng = self.rng
        n = max(int(round(BASE_COUNTS["officials"] * self.scale)), 6 * self.n_units)
        nu = self.n_units
        w = np.ones(nu)
        w[0] = 2.0
        sizes = 6 + rng.multinomial(n - 6 * nu, w / w.sum())
        unit = np.repeat(np.arange(nu), sizes)
        offs = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        r = np.arange(n) - offs[unit]
        n_dep = 2 + rng.integers(0, 3, nu) + sizes // 60
        pos = np.array(["处长", "副处长", "科长", "副科长", "科员"], dtype=object)[
            rng.choice(5, n, p=[0.08, 0.10, 0.20, 0.15, 0.47])]
        pos = np.where(r == 0, "局长", np.where(r <= n_dep[unit], "副局长", pos))
        rank_of = {"局长": "正处级", "副局长": "副处级", "处长": "正科级", "副处长": "副科级", "科长": "正科级",
                   "副科长": "副科级", "科员": "科员"}
        rank = pd.Series(pos).map(rank_of).to_numpy(dtype=object)
        self.off_sur = self.sur[rng.choice(len(self.sur), n, p=self.sur_p)]
        self.off_name = self.names(n, self.off_sur)
        self.off_unit = unit
        self.off_pos = pos
        self.off_rank = rank
        self.off_idn = self.id_numbers(n, 1966, 1998)
        self.n_off = n
        self.approver = np.isin(pos, ["局长", "副局长"])

    def choose_planted(self):
        """Pick the officials of planted patterns and decoys (distinct, one pattern each)."""
        rng = self.rng
        self.counts = {p: max(2, int(round(b * self.scale))) for p, b, _ in PATTERNS}
        approvers = rng.permutation(np.flatnonzero(self.approver))
        others = rng.permutation(np.flatnonzero(~self.approver))
        need_app = sum(c for p, c in self.counts.items() if p != "decoy_government_trips")
        if need_app > len(approvers):
            raise ValueError("scale too small for the planted patterns")
        self.planted_off = {}
        k = 0
        for p, _, _ in PATTERNS:
            c = self.counts[p]
            if p == "decoy_government_trips":
                self.planted_off[p] = others[:c]
                others = others[c:]
            else:
                self.planted_off[p] = approvers[k:k + c]
                k += c
        self.is_planted = np.zeros(self.n_off, bool)
        for v in self.planted_off.values():
            self.is_planted[v] = True
        bg = np.flatnonzero(~self.is_planted)
        self.bg_off_by_unit = _Groups(self.off_unit[bg], bg, self.n_units)
        bga = np.flatnonzero(~self.is_planted & self.approver)
        self.bg_app_by_unit = _Groups(self.off_unit[bga], bga, self.n_units)
        alla = np.flatnonzero(self.approver)
        self.app_by_unit = _Groups(self.off_unit[alla], alla, self.n_units)

    def build_relatives(self):
        rng = self.rng
        n = self.n_off
        kinds = []
        for rel, p in (("spouse", 0.70), ("child", 0.40), ("sibling", 0.25)):
            o = np.flatnonzero(rng.random(n) < p)
            kinds.append((rel, o))
        offs = np.concatenate([o for _, o in kinds])
        rels = np.concatenate([np.full(len(o), r, dtype=object) for r, o in kinds])
        m = len(offs)
        same_sur = rels != "spouse"
        sur = np.where(same_sur, self.off_sur[offs], self.sur[rng.choice(len(self.sur), m, p=self.sur_p)])
        names = self.names(m, sur)
        idn = self.id_numbers(m, 1950, 2008)
        idn = np.where(rng.random(m) < 0.9, idn, "")
        pidx = self.people.add(name=names, id_number=idn, note="")
        self.rel.add(fk=K_PER, fi=pidx, tk=K_OFF, ti=offs, relation=rels, source=_SRC_FAMILY)
        self.rel_person = pidx
        self.rel_off = offs
        self.rel_kind = rels
        bgm = ~self.is_planted[offs]
        self.bg_rel_by_unit = _Groups(self.off_unit[offs[bgm]], pidx[bgm], self.n_units)
        # spouse etc. of each official (first of each kind) for planted patterns
        self.relative_of = {}
        pm = self.is_planted[offs]
        for p, o, r in zip(pidx[pm].tolist(), offs[pm].tolist(), rels[pm].tolist()):
            self.relative_of.setdefault((o, r), p)

    def build_companies(self):
        rng = self.rng
        nu = self.n_units
        n = int(round(BASE_COUNTS["companies"] * self.scale))
        n_sup = int(round(n * 0.85))
        n_non = n - n_sup
        # supplier pools: each supplier serves 1-2 units
        u1 = rng.integers(0, nu, n_sup)
        two = rng.random(n_sup) < 0.3
        u2 = np.where(two, (u1 + 1 + rng.integers(0, nu - 1, n_sup)) % nu, -1)
        sec = np.empty(n_sup, dtype=object)
        for u in range(nu):
            m = u1 == u
            dom = self.unit_domain[u]
            sec[m] = np.array(dom, dtype=object)[rng.integers(0, len(dom), int(m.sum()))]
        non_sec = np.array(list(_NON_SECTORS), dtype=object)[rng.integers(0, len(_NON_SECTORS), n_non)]
        sectors = np.concatenate([sec, non_sec])
        words = {k: v[0] for k, v in _SECTORS.items()}
        words.update(_NON_SECTORS)
        names = self.company_names(sectors, words)
        self.taken_names = set(names.tolist())
        region_pool = np.array([CITY] + self.district_names[:8] + [r + "市" for r in _OTHER_REGIONS[:2]],
                               dtype=object)
        regions = region_pool[rng.integers(0, len(region_pool), n)]
        # a company named after a place is registered there
        sname = pd.Series(names)
        for place in self.district_names[:8]:
            regions[sname.str.startswith(place).to_numpy()] = place
        for place in _OTHER_REGIONS:
            regions[sname.str.startswith(place).to_numpy()] = place + "市"
        regions[sname.str.startswith(CITY_SHORT).to_numpy()] = CITY
        cidx = self.companies.add(name=names, regno=self.uscc(n), region=regions, sector=sectors)
        self.sup = cidx[:n_sup]
        self.non = cidx[n_sup:]
        self.sup_u1, self.sup_u2 = u1, u2
        self.sup_sector = sec
        # target unit of each company's private dealings: never a unit it supplies
        t = rng.integers(0, nu, n_sup)
        for _ in range(100):
            bad = (t == u1) | (t == u2)
            if not bad.any():
                break
            t[bad] = rng.integers(0, nu, int(bad.sum()))
        self.sup_target = t
        self.non_target = rng.integers(0, nu, n_non)
        # pool table (unit, company) for background contracts
        pu = np.concatenate([u1, u2[two]])
        pc = np.concatenate([self.sup, self.sup[two]])
        o = np.lexsort((pc, pu))
        self.pool_unit, self.pool_comp = pu[o], pc[o]
        self.pool_by_unit = _Groups(self.pool_unit, self.pool_comp, nu)
        self.company_target = np.concatenate([t, self.non_target])
        self.company_is_sup = np.concatenate([np.ones(n_sup, bool), np.zeros(n_non, bool)])
        # hostile company name (a background supplier)
        self.hostile_company = int(self.sup[rng.integers(0, n_sup)])
        self.build_company_people()

    def build_company_people(self):
        """Legal representative and 1-3 shareholders for each company; relatives only in non-suppliers."""
        rng = self.rng
        ncomp = self.companies.n
        comps = np.arange(ncomp)
        n_sh = rng.choice([1, 2, 3], ncomp, p=[0.45, 0.35, 0.20])
        slot_c = np.repeat(comps, n_sh)
        offs = np.concatenate([[0], np.cumsum(n_sh)[:-1]])
        slot_k = np.arange(len(slot_c)) - offs[slot_c]
        total = np.where(n_sh == 1, rng.integers(51, 101, ncomp), rng.integers(60, 101, ncomp)).astype(float)
        wts = 1.0 + rng.exponential(1.0, len(slot_c))
        wsum = np.bincount(slot_c, weights=wts, minlength=ncomp)
        pct = np.floor(wts / wsum[slot_c] * total[slot_c] * 10) / 10
        # relatives fill some later slots of non-suppliers (relatives of officials of the company's target unit)
        is_non = ~self.company_is_sup[slot_c]
        fill = is_non & (slot_k >= 1) & (rng.random(len(slot_c)) < 0.45)
        person = np.full(len(slot_c), -1, np.int64)
        cand = self.bg_rel_by_unit.pick(rng, self.company_target[slot_c[fill]])
        person[np.flatnonzero(fill)] = cand
        new = person < 0
        n_new = int(new.sum())
        names = self.names(n_new)
        idn = np.where(rng.random(n_new) < 0.85, self.id_numbers(n_new, 1955, 1998), "")
        person[new] = self.people.add(name=names, id_number=idn, note="")
        # legal representative: the first shareholder (85%) or a separate person
        sep = rng.random(ncomp) < 0.15
        lr = person[offs].copy()
        n_sep = int(sep.sum())
        if n_sep:
            lr[sep] = self.people.add(name=self.names(n_sep),
                                      id_number=self.id_numbers(n_sep, 1960, 1998), note="")
        mgr_c = np.flatnonzero(rng.random(ncomp) < 0.10)
        mgr = self.people.add(name=self.names(len(mgr_c)), id_number=self.id_numbers(len(mgr_c), 1965, 2000),
                              note="") if len(mgr_c) else np.array([], np.int64)
        start = rng.integers(-365 * 16, -30, len(slot_c))
        self.rel.add(fk=K_PER, fi=person, tk=K_COM, ti=slot_c, relation="shareholder", share=pct, start=start,
                     source=_SRC_BUSINESS)
        self.rel.add(fk=K_PER, fi=lr, tk=K_COM, ti=comps, relation="legal_representative",
                     start=rng.integers(-365 * 16, -30, ncomp), source=_SRC_BUSINESS)
        if len(mgr_c):
            self.rel.add(fk=K_PER, fi=mgr, tk=K_COM, ti=mgr_c, relation="manager", source=_SRC_BUSINESS)
        # relatives employed by non-suppliers of their own target island
        non_by_t = _Groups(self.non_target, self.non, self.n_units)
        bgm = ~self.is_planted[self.rel_off]
        emp = np.flatnonzero(bgm & (self.rel_kind != "child") & (rng.random(len(self.rel_off)) < 0.05)
                             | bgm & (self.rel_kind == "child") & (rng.random(len(self.rel_off)) < 0.10))
        ec = non_by_t.pick(rng, self.off_unit[self.rel_off[emp]])
        ok = ec >= 0
        if ok.any():
            ended = rng.random(int(ok.sum())) < 0.1
            self.rel.add(fk=K_PER, fi=self.rel_person[emp[ok]], tk=K_COM, ti=ec[ok], relation="employee",
                         start=rng.integers(-365 * 8, -200, int(ok.sum())),
                         end=np.where(ended, rng.integers(-190, -5, int(ok.sum())), -99999), source=_SRC_BUSINESS)
        # business people (not relatives) and their target unit
        biz = np.unique(np.concatenate([person[new], lr[sep], mgr]))
        comp_of = np.full(self.people.n, -1, np.int64)
        comp_of[person[new]] = slot_c[new]
        comp_of[lr[sep]] = comps[sep]
        comp_of[mgr] = mgr_c
        self.biz_people = biz
        self.biz_target = self.company_target[comp_of[biz]]
        self.biz_is_sup = self.company_is_sup[comp_of[biz]]
        self.company_lr = lr

    def build_others(self):
        rng = self.rng
        n = max(10, int(round(0.35 * self.n_off)))
        names = self.names(n)
        idn = np.where(rng.random(n) < 0.6, self.id_numbers(n, 1955, 2000), "")
        note = np.array(["", "", "", "个体工商户", "退休人员", "自由职业"], dtype=object)[rng.integers(0, 6, n)]
        pidx = self.people.add(name=names, id_number=idn, note=note)
        self.hostile_person = int(pidx[0])
        self.oth = pidx[1:]
        self.oth_target = rng.integers(0, self.n_units, len(self.oth))
        # friends of officials (each friend has exactly one official friend) and of relatives
        k1 = int(round(0.12 * self.n_off))
        k2 = int(round(0.08 * self.n_off))
        order = rng.permutation(len(self.oth))
        fo = order[:min(k1, len(order))]
        fr = order[len(fo):len(fo) + k2]
        social = np.array(["associate", "classmate", "former_colleague"], dtype=object)
        o = self.bg_off_by_unit.pick(rng, self.oth_target[fo])
        ok = o >= 0
        self.rel.add(fk=K_PER, fi=self.oth[fo[ok]], tk=K_OFF, ti=o[ok],
                     relation=social[rng.integers(0, 3, int(ok.sum()))], source=_SRC_SOCIAL)
        r = self.bg_rel_by_unit.pick(rng, self.oth_target[fr])
        ok = r >= 0
        self.rel.add(fk=K_PER, fi=self.oth[fr[ok]], tk=K_PER, ti=r[ok],
                     relation=social[rng.integers(0, 2, int(ok.sum()))], source=_SRC_SOCIAL)

    # ---------------------------------------------------------------- planted
    def new_person(self, name=None, idn=True, clean=False, y0=1960, y1=1995) -> int:
        nm = name if name is not None else self.names(1)[0]
        idv = self.id_numbers(1, y0, y1)[0] if idn else ""
        return int(self.people.add(name=[nm], id_number=[idv], note=[""], clean=[clean])[0])

    def new_company(self, unit: int, tag: int, owner_name=None, clean_owner=False, second=True):
        """A supplier of one unit with an owner (legal representative and majority shareholder)."""
        rng = self.rng
        dom = self.unit_domain[unit]
        sec = dom[rng.integers(0, len(dom))]
        regions = [""] * 6 + [CITY_SHORT] + self.district_names[:8] + _OTHER_REGIONS
        words = _SECTORS[sec][0]
        while True:
            nm = (regions[rng.integers(0, len(regions))] + _BRAND_A[rng.integers(0, len(_BRAND_A))]
                  + _BRAND_B[rng.integers(0, len(_BRAND_B))] + words[rng.integers(0, len(words))]
                  + _FORMS[rng.choice(3, p=[0.6, 0.3, 0.1])])
            if nm not in self.taken_names:
                self.taken_names.add(nm)
                break
        region = next((r if r.endswith("区") else r + "市" for r in regions if r and nm.startswith(r)),
                      self.unit_region[unit])
        c = int(self.companies.add(name=[nm], regno=self.uscc(1), region=[region], sector=[sec])[0])
        owner = self.new_person(owner_name, clean=clean_owner)
        share = float(rng.integers(51, 101)) if second else 100.0
        keys = []
        st = int(rng.integers(-365 * 12, -60))
        self.rel.add(fk=K_PER, fi=owner, tk=K_COM, ti=c, relation="legal_representative", start=st,
                     source=_SRC_BUSINESS, tag=tag)
        self.rel.add(fk=K_PER, fi=owner, tk=K_COM, ti=c, relation="shareholder", share=share, start=st,
                     source=_SRC_BUSINESS, tag=tag)
        keys += [(K_PER, owner, "legal_representative", K_COM, c), (K_PER, owner, "shareholder", K_COM, c)]
        if second and share < 100 and rng.random() < 0.5:
            q = self.new_person()
            self.rel.add(fk=K_PER, fi=q, tk=K_COM, ti=c, relation="shareholder",
                         share=float(100 - share), start=st, source=_SRC_BUSINESS, tag=tag)
            keys.append((K_PER, q, "shareholder", K_COM, c))
        self.company_title[c] = sec
        return c, owner, keys

    def contract(self, unit, comp, day, amount, method, approver, tag, title=None):
        rng = self.rng
        if title is None:
            sec = self.company_title.get(comp, "办公用品")
            tl = _SECTORS.get(sec, _SECTORS["办公用品"])[1]
            title = tl[rng.integers(0, len(tl))]
        self.rec["contracts"].add(unit=[unit], sup=[comp], date=[int(day)], amount=[int(amount)], currency=["CNY"],
                                  method=[method], approver=[int(approver)], title=[title], tag=[tag])

    def relative(self, o: int, tag: int, kinds=("spouse", "child", "sibling")):
        """An existing relative of a planted official, or a new one (returns person, kind, relation key, new)."""
        rng = self.rng
        kinds = list(kinds)
        rng.shuffle(kinds)
        for k in kinds:
            p = self.relative_of.get((o, k))
            if p is not None:
                return p, k, (K_PER, p, k, K_OFF, o)
        k = kinds[0]
        sur = None if k == "spouse" else [self.off_sur[o]]
        p = self.new_person(self.names(1, sur)[0] if sur else None, y0=1965 if k != "child" else 1990,
                            y1=1995 if k != "child" else 2004)
        self.rel.add(fk=K_PER, fi=p, tk=K_OFF, ti=o, relation=k, source=_SRC_FAMILY, tag=tag)
        self.relative_of[(o, k)] = p
        return p, k, (K_PER, p, k, K_OFF, o)

    def other_approver(self, unit: int, o: int) -> int:
        cands = self.bg_app_by_unit.all(unit)
        if len(cands) == 0:
            return o
        return int(cands[self.rng.integers(0, len(cands))])

    def anchors(self, pattern: str, n: int, lo: int) -> list[int]:
        """Last-record day of each instance, spread over the period; instance 0 in the last week if required."""
        rng = self.rng
        hi = _LAST_WEEK - 1  # 307: everything else planted stays before the last week
        out = []
        for i in range(n):
            if i == 0 and pattern in _FINAL_WEEK:
                out.append(int(rng.integers(_LAST_WEEK, _NDAYS)))
            else:
                a = lo + (hi - lo) * (i + rng.random()) / n
                out.append(int(min(hi, max(lo, round(a)))))
        return out

    def plant(self):
        rng = self.rng
        self.company_title = {}
        used_companies = {self.hostile_company}
        tag = 0
        thr = DIRECT_AWARD_THRESHOLD
        for pattern, _, expect in PATTERNS:
            offs = self.planted_off[pattern]
            n = len(offs)
            lo = {"gift_before_contract": 95, "sponsored_trip_contract": 125, "split_contracts": 62,
                  "relative_owned_supplier": 30, "two_hop_tie": 5, "decoy_small_declared_gift": 65,
                  "decoy_homonym_spouse": 10, "decoy_government_trips": 300, "decoy_busy_approver": 300}[pattern]
            anchors = self.anchors(pattern, n, lo)
            for i, o in enumerate(offs.tolist()):
                u = int(self.off_unit[o])
                a = anchors[i]
                t = {"pattern": pattern, "official": o, "unit": u, "expect": expect, "keys": [], "tag": tag,
                     "last": a}
                if pattern == "gift_before_contract":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    variant = i % 3
                    giver_k, giver = (K_PER, owner) if variant == 0 else (K_COM, c) if variant == 1 else (K_PER, -1)
                    if variant == 2:
                        giver = self.new_person()
                        self.rel.add(fk=K_PER, fi=giver, tk=K_PER, ti=owner, relation="spouse",
                                     source=_SRC_FAMILY, tag=tag)
                        t["keys"].append((K_PER, giver, "spouse", K_PER, owner))
                    gap = int(rng.integers(10, 91))
                    value = int(rng.integers(100, 1001)) * 100
                    declared = int(rng.random() < 0.2)
                    self.rec["gifts"].add(gk=[giver_k], gi=[giver], rk=[K_OFF], ri=[o], date=[a - gap], value=[value],
                                          currency=["CNY"], description=[_BIG_GIFT_DESC[rng.integers(0, 6)]],
                                          declared=[declared], tag=[tag])
                    amount = int(rng.integers(500, 5001)) * 1000 + int(rng.integers(0, 1000))
                    method = _METHODS[rng.integers(0, 5)]
                    self.contract(u, c, a, amount, method, o, tag)
                    who = ["its owner", "the company itself", "the owner's spouse"][variant]
                    t.update(company=c, desc=(
                        f"{{O}} received {'a declared' if declared else 'an undeclared'} gift worth {value:,} CNY "
                        f"from {who} ({{C}}); {gap} days later {{C}} won a {amount:,} CNY {method} contract from "
                        f"{{U}} approved by {{O}}."))
                elif pattern == "relative_owned_supplier":
                    r, kind, fkey = self.relative(o, tag)
                    t["keys"].append(fkey)
                    c = None
                    if i % 2 == 0:  # relative holds 20-60 %
                        c, owner, keys = self.new_company(u, tag, second=False)
                        # reduce the owner's stake to make room
                        share = int(rng.integers(20, 61))
                        self._set_last_share(owner, c, 100 - share)
                        self.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="shareholder", share=float(share),
                                     start=int(rng.integers(-365 * 6, -60)), source=_SRC_BUSINESS, tag=tag)
                        t["keys"] += keys + [(K_PER, r, "shareholder", K_COM, c)]
                        how = f"holds {share}% of"
                    else:  # relative is legal representative, someone else owns it
                        c, owner, keys = self.new_company(u, tag, second=False)
                        self._drop_last_lr(owner, c)
                        keys = [k for k in keys if k[2] != "legal_representative"]
                        self.rel.add(fk=K_PER, fi=r, tk=K_COM, ti=c, relation="legal_representative",
                                     start=int(rng.integers(-365 * 6, -60)), source=_SRC_BUSINESS, tag=tag)
                        t["keys"] += keys + [(K_PER, r, "legal_representative", K_COM, c)]
                        how = "is the legal representative of"
                    k = int(rng.integers(1, 4))
                    days = sorted([a] + [max(0, a - int(x)) for x in rng.integers(15, 181, k - 1)])
                    n_o = int(rng.integers(math.ceil(k / 2), k + 1))
                    by_o = set(rng.permutation(k)[:n_o].tolist())
                    if k - 1 not in by_o and n_o < k:
                        by_o = set(range(k - n_o, k))
                    total = 0
                    for j, d in enumerate(days):
                        amount = int(rng.integers(200, 3001)) * 1000
                        total += amount
                        appr = o if j in by_o else self.other_approver(u, o)
                        self.contract(u, c, d, amount, _METHODS[rng.integers(0, 5)], appr, tag)
                    t.update(company=c, relative=r, desc=(
                        f"The {kind} of {{O}} ({{R}}) {how} {{C}}, which won {k} contract(s) worth {total:,} CNY "
                        f"from {{U}}, {len(by_o)} of them approved by {{O}}."))
                elif pattern == "sponsored_trip_contract":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    sk, si = (K_COM, c) if i % 2 == 0 else (K_PER, owner)
                    gap = int(rng.integers(20, 121))
                    dur = int(rng.integers(3, 6))
                    cost = int(rng.integers(200, 801)) * 100
                    start = a - gap
                    spouse = self.relative_of.get((o, "spouse"))
                    p1k, p1 = (K_PER, spouse) if (spouse is not None and rng.random() < 0.5) else (0, -1)
                    dest = _LUX_DESTINATIONS[rng.integers(0, len(_LUX_DESTINATIONS))]
                    self.rec["trips"].add(off=[o], destination=[dest], date=[start], end=[start + dur - 1],
                                          purpose=["考察交流"], sk=[sk], si=[si], cost=[cost], currency=["CNY"],
                                          p1k=[p1k], p1=[p1], tag=[tag])
                    amount = int(rng.integers(500, 5001)) * 1000
                    method = _METHODS[rng.integers(0, 3)]
                    self.contract(u, c, a, amount, method, o, tag)
                    t.update(company=c, desc=(
                        f"{{O}} went on a {dur}-day trip to {dest} costing {cost:,} CNY paid by "
                        f"{'{C}' if sk == K_COM else 'the owner of {C}'}"
                        f"{' with their spouse' if p1 >= 0 else ''}; {gap} days later {{C}} won a {amount:,} CNY "
                        f"contract from {{U}} approved by {{O}}."))
                elif pattern == "split_contracts":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    k = int(rng.integers(3, 6))
                    hi = min(a - 1, _LAST_WEEK - 1)
                    span = np.arange(a - 59, hi + 1)
                    days = sorted(rng.choice(span, k - 1, replace=False).tolist()) + [a]
                    sec = self.company_title[c]
                    base = _SECTORS[sec][1][rng.integers(0, len(_SECTORS[sec][1]))]
                    amounts = []
                    for j, d in enumerate(days):
                        amount = int(thr * rng.uniform(0.85, 0.995))
                        amounts.append(amount)
                        self.contract(u, c, d, amount, "direct", o, tag, title=f"{base}（{'一二三四五'[j]}期）")
                    t.update(company=c, desc=(
                        f"{{O}} approved {k} direct awards from {{U}} to {{C}} within {days[-1] - days[0] + 1} days, "
                        f"each just under the {thr:,} CNY open-tender threshold, {sum(amounts):,} CNY in total."))
                elif pattern == "two_hop_tie":
                    c, owner, keys = self.new_company(u, tag)
                    t["keys"] += keys
                    r, kind, fkey = self.relative(o, tag)
                    soc = ["associate", "classmate"][i % 2]
                    self.rel.add(fk=K_PER, fi=r, tk=K_PER, ti=owner, relation=soc, source=_SRC_SOCIAL, tag=tag)
                    t["keys"] += [fkey, (K_PER, r, soc, K_PER, owner)]
                    amount = int(rng.integers(300, 3001)) * 1000
                    self.contract(u, c, a, amount, _METHODS[rng.integers(0, 5)], o, tag)
                    t.update(company=c, relative=r, desc=(
                        f"The {kind} of {{O}} ({{R}}) is a{'n' if soc == 'associate' else ''} {soc} of the owner of "
                        f"{{C}}, which won a {amount:,} CNY contract from {{U}} approved by {{O}}."))
                elif pattern == "decoy_small_declared_gift":
                    pool = [x for x in self.pool_by_unit.all(u).tolist() if x not in used_companies]
                    if not pool:
                        c, owner, keys = self.new_company(u, tag)
                        t["keys"] += keys
                        lr = owner
                    else:
                        c = pool[rng.integers(0, len(pool))]
                        lr = int(self.company_lr[c])
                        self.company_title.setdefault(c, str(self.sup_sector[c]) if c < len(self.sup_sector)
                                                      else "办公用品")
                    used_companies.add(c)
                    gap = int(rng.integers(7, 61))
                    value = int(rng.integers(2, 9)) * 100
                    self.rec["gifts"].add(gk=[K_PER], gi=[lr], rk=[K_OFF], ri=[o], date=[a - gap], value=[value],
                                          currency=["CNY"], description=[_GIFT_DESC[rng.integers(0, 8)]],
                                          declared=[1], tag=[tag])
                    amount = int(rng.integers(200, 3001)) * 1000
                    self.contract(u, c, a, amount, "open_tender", o, tag)
                    t.update(company=c, desc=(
                        f"{{O}} received and declared a {value} CNY ceremonial gift from the legal representative "
                        f"of {{C}}, a supplier of {{U}}; {gap} days later {{C}} won a {amount:,} CNY open tender "
                        f"approved by {{O}}."))
                elif pattern == "decoy_government_trips":
                    k = int(rng.integers(8, 16))
                    starts = np.sort(rng.choice(np.arange(0, 300, 4), k, replace=False))
                    colleagues = self.bg_off_by_unit.all(u)
                    for s in starts.tolist():
                        dur = int(rng.integers(1, 5))
                        ps = [-1, -1]
                        if len(colleagues) and rng.random() < 0.6:
                            ps = rng.choice(colleagues, min(2, len(colleagues)), replace=False).tolist()
                            if rng.random() < 0.5:
                                ps[1] = -1
                        self.rec["trips"].add(off=[o], destination=[_DESTINATIONS[rng.integers(0, 15)]], date=[s],
                                              end=[s + dur - 1], purpose=[_GOV_PURPOSES[rng.integers(0, 5)]],
                                              sk=[K_UNIT], si=[u], cost=[int(rng.integers(15, 151)) * 100],
                                              currency=["CNY"], p1k=[K_OFF], p1=[ps[0]], p2k=[K_OFF], p2=[ps[1]],
                                              tag=[tag])
                    t["last"] = int(starts[-1])
                    t.update(desc=f"{{O}} made {k} trips in the period, all paid by their own unit {{U}}.")
                elif pattern == "decoy_homonym_spouse":
                    sp = self.relative_of.get((o, "spouse"))
                    if sp is None:
                        sp = self.new_person(clean=True)
                        self.rel.add(fk=K_PER, fi=sp, tk=K_OFF, ti=o, relation="spouse", source=_SRC_FAMILY, tag=tag)
                        self.relative_of[(o, "spouse")] = sp
                    self._clean_person(sp)
                    name = self._person_name(sp)
                    c, s2, keys = self.new_company(u, tag, owner_name=name, clean_owner=True, second=False)
                    t["keys"] += [(K_PER, sp, "spouse", K_OFF, o)] + keys
                    k = int(rng.integers(1, 4))
                    days = sorted([a] + [max(0, a - int(x)) for x in rng.integers(20, 201, k - 1)])
                    for d in days:
                        self.contract(u, c, d, int(rng.integers(200, 3001)) * 1000,
                                      _METHODS[rng.integers(0, 2)], o, tag)
                    t.update(company=c, spouse=sp, homonym=s2, desc=(
                        f"The spouse of {{O}} shares the name of a different person (other id number) who owns "
                        f"{{C}}, which won {k} contract(s) from {{U}} approved by {{O}}; nothing links the two."))
                elif pattern == "decoy_busy_approver":
                    pool = [x for x in self.pool_by_unit.all(u).tolist() if x not in used_companies]
                    k = int(rng.integers(30, 61))
                    comps = rng.choice(pool, k, replace=len(pool) < k)
                    days = np.sort(rng.integers(0, _LAST_WEEK, k))
                    amts = np.clip(rng.lognormal(np.log(900_000), 0.8, k), 100_000, 8_000_000).astype(np.int64)
                    titles = [_SECTORS[str(self.sup_sector[cc])][1][int(x)]
                              for cc, x in zip(comps.tolist(), rng.integers(0, 4, k).tolist())]
                    self.rec["contracts"].add(unit=u, sup=comps, date=days, amount=amts, currency="CNY",
                                              method="open_tender", approver=o, title=_obj(titles), tag=tag)
                    t["last"] = int(days[-1])
                    t.update(desc=(f"{{O}} approved {k} open-tender contracts from {{U}} to "
                                   f"{len(set(comps.tolist()))} different suppliers."))
                self.truth.append(t)
                tag += 1

    # small mutators on the planted company rows just added
    def _set_last_share(self, owner, c, share):
        ch = self.rel.chunks
        for chunk in reversed(ch):
            if (chunk["fi"][0] == owner and chunk["ti"][0] == c and chunk["relation"][0] == "shareholder"):
                chunk["share"] = np.array([float(share)])
                return

    def _drop_last_lr(self, owner, c):
        for j in range(len(self.rel.chunks) - 1, -1, -1):
            chunk = self.rel.chunks[j]
            if (chunk["fi"][0] == owner and chunk["ti"][0] == c and chunk["relation"][0] == "legal_representative"):
                del self.rel.chunks[j]
                self.rel.n -= 1
                return

    def _person_chunk(self, p):
        start = 0
        for chunk in self.people.chunks:
            n = len(chunk["name"])
            if start <= p < start + n:
                return chunk, p - start
            start += n
        raise KeyError(p)

    def _clean_person(self, p):
        chunk, i = self._person_chunk(p)
        chunk["clean"] = chunk["clean"].astype(bool).copy()
        chunk["clean"][i] = True
        if chunk["id_number"][i] == "":
            chunk["id_number"] = chunk["id_number"].copy()
            chunk["id_number"][i] = self.id_numbers(1, 1965, 1995)[0]

    def _person_name(self, p):
        chunk, i = self._person_chunk(p)
        return chunk["name"][i]

    # ---------------------------------------------------------------- background records
    def planted_count(self, kind):
        return self.rec[kind].n

    def background_contracts(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["contracts"] * self.scale)) - self.planted_count("contracts"))
        e = rng.integers(0, len(self.pool_unit), n)
        unit, comp = self.pool_unit[e], self.pool_comp[e]
        day = rng.integers(0, _NDAYS, n)
        method = np.array(_METHODS, dtype=object)[rng.choice(5, n, p=_METHOD_P)]
        amount = np.clip(rng.lognormal(np.log(900_000), 0.9, n), 100_000, 8_000_000).astype(np.int64)
        small = rng.integers(20_000, int(0.4 * DIRECT_AWARD_THRESHOLD) - 10_000, n)
        noncomp = np.isin(method, list(_NONCOMP))
        # non-competitive awards: at most one per (unit, supplier), well below the threshold
        df = pd.DataFrame({"u": unit, "c": comp, "d": day, "nc": noncomp})
        df = df.sort_values(["d"], kind="stable")
        dup = df[df.nc].duplicated(["u", "c"], keep="first")
        method[dup[dup].index.to_numpy()] = "invited_tender"
        noncomp = np.isin(method, list(_NONCOMP))
        amount = np.where(noncomp, small, amount)
        amount = np.where(amount >= 1_000_000, (amount // 1000) * 1000, amount)
        approver = self.app_by_unit.pick(rng, unit)
        sec = self.sup_sector[comp]
        title = np.empty(n, dtype=object)
        for s, (_, tl) in _SECTORS.items():
            m = sec == s
            title[m] = np.array(tl, dtype=object)[rng.integers(0, len(tl), int(m.sum()))]
        title = np.where(rng.random(n) < 0.3, "2026年度" + title, title)
        self.rec["contracts"].add(unit=unit, sup=comp, date=day, amount=amount, currency="CNY", method=method,
                                  approver=approver, title=title)

    def background_gifts(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["gifts"] * self.scale)) - self.planted_count("gifts"))
        typ = rng.choice(4, n, p=[0.45, 0.30, 0.15, 0.10])  # other person, business person, supplier, non-supplier
        gk = np.where(typ <= 1, K_PER, K_COM)
        gi = np.empty(n, np.int64)
        tgt = np.empty(n, np.int64)
        m = typ == 0
        j = rng.integers(0, len(self.oth), int(m.sum()))
        gi[m], tgt[m] = self.oth[j], self.oth_target[j]
        m = typ == 1
        j = rng.integers(0, len(self.biz_people), int(m.sum()))
        gi[m], tgt[m] = self.biz_people[j], self.biz_target[j]
        m = typ == 2
        j = rng.integers(0, len(self.sup), int(m.sum()))
        gi[m], tgt[m] = self.sup[j], self.sup_target[j]
        m = typ == 3
        j = rng.integers(0, len(self.non), int(m.sum()))
        gi[m], tgt[m] = self.non[j], self.non_target[j]
        rec = self.bg_off_by_unit.pick(rng, tgt)
        ok = rec >= 0
        n2 = int(ok.sum())
        vals = np.array([100, 200, 200, 300, 300, 500, 500, 500, 600, 800, 1000, 1200, 1500])
        value = vals[rng.integers(0, len(vals), n2)]
        self.rec["gifts"].add(gk=gk[ok], gi=gi[ok], rk=K_OFF, ri=rec[ok], date=rng.integers(0, _NDAYS, n2),
                              value=value, currency=np.where(rng.random(n2) < 0.9, "CNY", ""),
                              description=np.array(_GIFT_DESC, dtype=object)[rng.integers(0, 8, n2)],
                              declared=(rng.random(n2) < 0.85).astype(int))

    def background_contacts(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["contacts"] * self.scale)) - 6)
        private = rng.random(n) < 0.08
        # office business
        no = int((~private).sum())
        off = rng.integers(0, self.n_off, no)
        typ = rng.choice(4, no, p=[0.35, 0.45, 0.10, 0.10])
        typ = np.where(self.is_planted[off], 0, typ)  # planted officials meet only other officials
        ck = np.where(typ == 0, K_OFF, np.where(typ == 2, K_COM, K_PER))
        ci = np.empty(no, np.int64)
        m = typ == 0
        other = rng.integers(0, self.n_off - 1, int(m.sum()))
        ci[m] = np.where(other >= off[m], other + 1, other)
        m = typ == 1
        ci[m] = self.biz_people[rng.integers(0, len(self.biz_people), int(m.sum()))]
        m = typ == 2
        ci[m] = self.sup[rng.integers(0, len(self.sup), int(m.sum()))]
        m = typ == 3
        ci[m] = self.oth[rng.integers(0, len(self.oth), int(m.sum()))]
        ch = np.array(_OFFICE_CHANNELS, dtype=object)[rng.choice(3, no, p=[0.5, 0.35, 0.15])]
        loc = np.array(_OFFICE_LOCATIONS, dtype=object)[rng.integers(0, 5, no)]
        loc = np.where(ch == "visit", "企业现场", np.where(ch == "call", "", loc))
        note = np.array(_CONTACT_NOTES, dtype=object)[rng.integers(0, len(_CONTACT_NOTES), no)]
        self.rec["contacts"].add(off=off, ck=ck, ci=ci, date=rng.integers(0, _NDAYS, no), channel=ch,
                                 location=loc, note=note)
        # private: counterparts of the official's own island only (never tied to the unit's suppliers)
        npv = int(private.sum())
        use_biz = rng.random(npv) < 0.3
        ci = np.empty(npv, np.int64)
        tgt = np.empty(npv, np.int64)
        j = rng.integers(0, len(self.biz_people), int(use_biz.sum()))
        ci[use_biz], tgt[use_biz] = self.biz_people[j], self.biz_target[j]
        j = rng.integers(0, len(self.oth), int((~use_biz).sum()))
        ci[~use_biz], tgt[~use_biz] = self.oth[j], self.oth_target[j]
        off = self.bg_off_by_unit.pick(rng, tgt)
        ok = off >= 0
        k = int(ok.sum())
        self.rec["contacts"].add(off=off[ok], ck=K_PER, ci=ci[ok], date=rng.integers(0, _NDAYS, k),
                                 channel=np.array(_PRIVATE_CHANNELS, dtype=object)[rng.integers(0, 2, k)],
                                 location=np.array(_PRIVATE_LOCATIONS, dtype=object)[rng.integers(0, 5, k)],
                                 note=np.array(_PRIVATE_NOTES, dtype=object)[rng.integers(0, 4, k)])
        # hostile-named entities: a few ordinary office contacts each
        bg = np.flatnonzero(~self.is_planted)
        offs = bg[rng.integers(0, len(bg), 6)]
        self.rec["contacts"].add(off=offs, ck=np.array([K_PER] * 3 + [K_COM] * 3),
                                 ci=np.array([self.hostile_person] * 3 + [self.hostile_company] * 3),
                                 date=rng.integers(0, _NDAYS, 6), channel="meeting", location="会议室",
                                 note="工作对接")

    def background_trips(self):
        rng = self.rng
        n = max(0, int(round(BASE_COUNTS["trips"] * self.scale)) - self.planted_count("trips"))
        sponsored = rng.random(n) < 0.03
        ng = int((~sponsored).sum())
        gov_off = np.flatnonzero(~np.isin(np.arange(self.n_off), self.planted_off["decoy_government_trips"]))
        off = gov_off[rng.integers(0, len(gov_off), ng)]
        unit = self.off_unit[off]
        dur = rng.integers(1, 6, ng)
        start = rng.integers(0, _NDAYS - 5, ng)
        npart = rng.choice(4, ng, p=[0.35, 0.35, 0.2, 0.1])
        npart = np.where(self.is_planted[off], 0, npart)
        ps = []
        for k in range(3):
            p = self.bg_off_by_unit.pick(rng, unit)
            bad = (p == off) | (k >= npart) | (p < 0)
            for q in ps:
                bad |= p == q
            ps.append(np.where(bad, -1, p))
        self.rec["trips"].add(off=off, destination=np.array(_DESTINATIONS, dtype=object)[rng.integers(0, 15, ng)],
                              date=start, end=start + dur - 1,
                              purpose=np.array(_GOV_PURPOSES, dtype=object)[rng.integers(0, 5, ng)],
                              sk=K_UNIT, si=unit, cost=rng.integers(15, 201, ng) * 100,
                              currency=np.where(rng.random(ng) < 0.9, "CNY", ""),
                              p1k=K_OFF, p1=ps[0], p2k=K_OFF, p2=ps[1], p3k=K_OFF, p3=ps[2])
        # conferences paid by companies outside the official's unit's pool (the company's island)
        ns = int(sponsored.sum())
        comp = np.concatenate([self.sup, self.non])
        tg = self.company_target
        j = rng.integers(0, len(comp), ns)
        off = self.bg_off_by_unit.pick(rng, tg[comp[j]])
        ok = off >= 0
        k = int(ok.sum())
        dur = rng.integers(1, 4, k)
        start = rng.integers(0, _NDAYS - 4, k)
        self.rec["trips"].add(off=off[ok], destination=np.array(_DESTINATIONS, dtype=object)[rng.integers(0, 15, k)],
                              date=start, end=start + dur - 1,
                              purpose=np.array(_CONF_PURPOSES, dtype=object)[rng.integers(0, 3, k)],
                              sk=K_COM, si=comp[j][ok], cost=rng.integers(30, 151, k) * 100, currency="CNY")

    # ---------------------------------------------------------------- output
    def assign_ids(self):
        rng = self.rng
        self.ids = {K_UNIT: np.char.add("U", _digits(np.arange(1, self.n_units + 1), 4)).astype(object)}
        self.num = {K_UNIT: np.arange(1, self.n_units + 1)}
        for k, n in ((K_OFF, self.n_off), (K_PER, self.people.n), (K_COM, self.companies.n)):
            pre, w = _PREFIX[k]
            self.num[k] = rng.permutation(n) + 1
            self.ids[k] = np.char.add(pre, _digits(self.num[k], w)).astype(object)

    def id_order(self, kinds, idx) -> np.ndarray:
        """An int that sorts like the id string (kind letter, then number)."""
        kinds = np.asarray(kinds)
        idx = np.asarray(idx, dtype=np.int64)
        rank = {K_COM: 0, K_OFF: 1, K_PER: 2, K_UNIT: 3}  # C < O < P < U
        out = np.zeros(len(idx), np.int64)
        for k, arr in self.num.items():
            m = kinds == k
            out[m] = rank[k] * 10**8 + arr[idx[m]]
        return out

    def ref(self, kinds, idx) -> np.ndarray:
        kinds = np.asarray(kinds)
        idx = np.asarray(idx, dtype=np.int64)
        out = np.full(len(idx), "", dtype=object)
        for k, arr in self.ids.items():
            m = (kinds == k) & (idx >= 0)
            out[m] = arr[idx[m]]
        return out

    def date_str(self, off, messy=True) -> np.ndarray:
        off = np.asarray(off, dtype=np.int64)
        t = off + _S0
        out = self.dates[0][t].copy()
        if messy and len(off):
            m = np.flatnonzero(self.rng.random(len(off)) < MESSY_RATE)
            form = self.rng.integers(1, 5, len(m))
            for f in range(1, 5):
                mf = m[form == f]
                out[mf] = self.dates[f][t[mf]]
        return out

    def messy_names(self, names: np.ndarray, clean: np.ndarray) -> np.ndarray:
        import opencc

        rng = self.rng
        names = names.copy()
        r = rng.random(len(names))
        trad = np.flatnonzero((r < TRAD_RATE) & ~clean)
        if len(trad):
            conv = opencc.OpenCC("s2t")
            uniq = pd.unique(names[trad])
            table = {u: conv.convert(u) for u in uniq}
            names[trad] = [table[x] for x in names[trad]]
        sp = np.flatnonzero((r >= TRAD_RATE) & (r < TRAD_RATE + SPACE_RATE) & ~clean)
        if len(sp):
            form = rng.integers(0, 3, len(sp))
            s = names[sp]
            lead = _obj([x[:1] for x in s])
            rest = _obj([x[1:] for x in s])
            names[sp] = np.where(form == 0, lead + "\u3000" + rest, np.where(form == 1, " " + s + " ", s + "\u3000"))
        return names

    def write(self, out: Path) -> dict:
        rng = self.rng
        rows = {}
        files = {}
        # entities
        files["units"] = pd.DataFrame({
            "unit_id": self.ids[K_UNIT], "name": self.unit_name,
            "parent_id": self.ref(np.full(self.n_units, K_UNIT), self.unit_parent), "region": self.unit_region})
        ppl = self.people.frame()
        clean = ppl["clean"].to_numpy(dtype=bool).copy()
        clean[self.hostile_person] = True
        pname = ppl["name"].to_numpy(dtype=object).copy()
        pname[self.hostile_person] = "<img src=x onerror=alert(1)>"
        pid = ppl["id_number"].to_numpy(dtype=object).copy()
        pid[self.hostile_person] = ""
        allid = np.concatenate([np.asarray(self.off_idn, dtype=object), pid])
        for _ in range(50):  # citizen ids are unique
            s = pd.Series(allid)
            dup = (s.duplicated() & (s != "")).to_numpy()
            if not dup.any():
                break
            allid[dup] = self.id_numbers(int(dup.sum()), 1960, 1995)
        self.off_idn, pid = allid[:self.n_off], allid[self.n_off:]
        files["officials"] = pd.DataFrame({
            "official_id": self.ids[K_OFF], "name": self.off_name,
            "unit_id": self.ids[K_UNIT][self.off_unit], "position": self.off_pos, "rank": self.off_rank,
            "id_number": self.off_idn}).iloc[np.argsort(self.num[K_OFF])]
        files["people"] = pd.DataFrame({
            "person_id": self.ids[K_PER], "name": self.messy_names(pname, clean), "id_number": pid,
            "note": ppl["note"].to_numpy(dtype=object)}).iloc[np.argsort(self.num[K_PER])]
        com = self.companies.frame()
        cname = com["name"].to_numpy(dtype=object).copy()
        cname[self.hostile_company] = '<script>alert("x")</script>贸易有限公司'
        cclean = com["clean"].to_numpy(dtype=bool).copy()
        cclean[self.hostile_company] = True
        files["companies"] = pd.DataFrame({
            "company_id": self.ids[K_COM], "name": self.messy_names(cname, cclean),
            "registration_no": com["regno"].to_numpy(dtype=object), "region": com["region"].to_numpy(dtype=object),
            "sector": com["sector"].to_numpy(dtype=object)}).iloc[np.argsort(self.num[K_COM])]
        # relations
        rel = self.rel.frame()
        fid = self.ref(rel.fk.to_numpy(), rel.fi.to_numpy())
        tid = self.ref(rel.tk.to_numpy(), rel.ti.to_numpy())
        share = rel.share.to_numpy(dtype=float)
        sv = np.round(np.where(share >= 0, share, 0) * 10).astype(np.int64)
        share_s = np.where(share >= 0, _ints_str(sv // 10) + np.where(sv % 10 > 0, "." + _ints_str(sv % 10), ""), "")
        st = rel.start.to_numpy()
        en = rel.end.to_numpy()
        start_s = np.where(st > -99999, self.date_str(np.where(st > -99999, st, 0)), "")
        end_s = np.where(en > -99999, self.date_str(np.where(en > -99999, en, 0)), "")
        relations = pd.DataFrame({"from_id": fid, "to_id": tid, "relation": rel.relation.to_numpy(dtype=object),
                                  "share_pct": share_s, "start_date": start_s, "end_date": end_s,
                                  "source": rel.source.to_numpy(dtype=object)})
        fo = self.id_order(rel.fk.to_numpy(), rel.fi.to_numpy())
        to = self.id_order(rel.tk.to_numpy(), rel.ti.to_numpy())
        rcode = pd.factorize(rel.relation.to_numpy(dtype=object), sort=True)[0]
        tag = rel.tag.to_numpy()
        # one row per (from, relation, to), a planted row winning; then sorted like the key string
        order = np.lexsort((-tag, to, rcode, fo))
        keys = pd.DataFrame({"f": fo[order], "r": rcode[order], "t": to[order]})
        keep = order[~keys.duplicated().to_numpy()]
        files["relations"] = relations.iloc[keep]
        # records: sort by date, then assign ids
        rec_ids = {}
        for kind, table in self.rec.items():
            df = table.frame()
            tie = rng.random(len(df))
            order = np.lexsort((tie, df["date"].to_numpy()))
            df = df.iloc[order].reset_index(drop=True)
            pre, w = _REC_PREFIX[kind]
            ids = np.char.add(pre, _digits(np.arange(1, len(df) + 1), w)).astype(object)
            rec_ids[kind] = (ids, df)
        ids, df = rec_ids["contacts"]
        files["contacts"] = pd.DataFrame({
            "contact_id": ids, "official_id": self.ids[K_OFF][df.off.to_numpy()],
            "counterpart_id": self.ref(df.ck.to_numpy(), df.ci.to_numpy()), "date": self.date_str(df.date),
            "channel": df.channel.to_numpy(dtype=object), "location": df.location.to_numpy(dtype=object),
            "note": df.note.to_numpy(dtype=object)})
        ids, df = rec_ids["gifts"]
        dec = df.declared.to_numpy().astype(int)
        bool_forms = np.array([["no", "yes"], ["n", "y"], ["false", "true"], ["0", "1"], ["否", "是"]], dtype=object)
        bf = np.where(rng.random(len(df)) < 0.85, 0, rng.integers(1, 5, len(df)))
        files["gifts"] = pd.DataFrame({
            "gift_id": ids, "giver_id": self.ref(df.gk.to_numpy(), df.gi.to_numpy()),
            "recipient_id": self.ref(df.rk.to_numpy(), df.ri.to_numpy()), "date": self.date_str(df.date),
            "value": _fmt_amounts(rng, df.value.to_numpy()), "currency": df.currency.to_numpy(dtype=object),
            "description": df.description.to_numpy(dtype=object), "declared": bool_forms[bf, dec]})
        ids, df = rec_ids["trips"]
        parts = [self.ref(df[f"p{k}k"].to_numpy(), df[f"p{k}"].to_numpy()) for k in (1, 2, 3)]
        joined = parts[0]
        for p in parts[1:]:
            joined = np.where((joined != "") & (p != ""), joined + ";" + p, joined + p)
        cost = df.cost.to_numpy()
        files["trips"] = pd.DataFrame({
            "trip_id": ids, "official_id": self.ids[K_OFF][df.off.to_numpy()],
            "destination": df.destination.to_numpy(dtype=object), "start_date": self.date_str(df.date),
            "end_date": self.date_str(df.end), "purpose": df.purpose.to_numpy(dtype=object),
            "sponsor_id": self.ref(df.sk.to_numpy(), df.si.to_numpy()), "cost": _fmt_amounts(rng, cost),
            "currency": df.currency.to_numpy(dtype=object), "participants": joined})
        ids, df = rec_ids["contracts"]
        files["contracts"] = pd.DataFrame({
            "contract_id": ids, "unit_id": self.ids[K_UNIT][df.unit.to_numpy()],
            "supplier_id": self.ids[K_COM][df.sup.to_numpy()], "date": self.date_str(df.date),
            "amount": _fmt_amounts(rng, df.amount.to_numpy()), "currency": df.currency.to_numpy(dtype=object),
            "method": df.method.to_numpy(dtype=object), "approver_id": self.ref(
                np.full(len(df), K_OFF), df.approver.to_numpy()), "title": df.title.to_numpy(dtype=object)})
        out.mkdir(parents=True, exist_ok=True)
        for kind in FILES:
            frame = files[kind][[c for c in KINDS[kind].column_names if c in files[kind]]].astype(object)
            frame.to_csv(out / f"{kind}.csv", index=False, encoding="utf-8", lineterminator="\n")
            rows[kind] = len(frame)
        self.write_truth(out, rec_ids)
        return rows

    def write_truth(self, out: Path, rec_ids):
        by_tag: dict[int, list] = {}
        for kind in ("gifts", "trips", "contracts"):
            ids, df = rec_ids[kind]
            tags = df.tag.to_numpy()
            dates = df.date.to_numpy()
            for j in np.flatnonzero(tags >= 0).tolist():
                by_tag.setdefault(int(tags[j]), []).append((int(dates[j]), kind, ids[j]))
        patterns = []
        for t in self.truth:
            o, u = t["official"], t["unit"]
            keys = []
            for fk, fi, relname, tk, ti in t["keys"]:
                key = relation_key(self.ids[fk][fi], relname, self.ids[tk][ti])
                if key not in keys:
                    keys.append(key)
            recs = sorted(by_tag.get(t["tag"], []), key=lambda x: (x[0], x[2]))
            oid, uid = self.ids[K_OFF][o], self.ids[K_UNIT][u]
            entry = {"pattern": t["pattern"], "official_id": oid, "unit_id": uid, "expect": t["expect"],
                     "records": keys + [r[2] for r in recs], "last_date": _iso(max(r[0] for r in recs))}
            fmt = {"O": f"{oid} ({self.off_pos[o]}, {self.unit_name[u]})", "U": f"{uid} {self.unit_name[u]}"}
            if "company" in t:
                entry["company_id"] = self.ids[K_COM][t["company"]]
                fmt["C"] = entry["company_id"]
            if "relative" in t:
                entry["relative_id"] = self.ids[K_PER][t["relative"]]
                fmt["R"] = entry["relative_id"]
            if t["pattern"] == "decoy_homonym_spouse":
                entry["no_path"] = True
                entry["spouse_id"] = self.ids[K_PER][t["spouse"]]
                entry["homonym_id"] = self.ids[K_PER][t["homonym"]]
            entry["description"] = t["desc"].format(**fmt)
            entry["in_last_week"] = entry["last_date"] >= _iso(_LAST_WEEK)
            patterns.append(entry)
        truth = {"generator": "graphrisk.sample", "seed": self.seed, "scale": self.scale,
                 "period": {"start": PERIOD_START, "end": PERIOD_END},
                 "last_week": {"start": _iso(_LAST_WEEK), "end": PERIOD_END},
                 "direct_award_threshold": DIRECT_AWARD_THRESHOLD,
                 "hostile_names": {"person_id": self.ids[K_PER][self.hostile_person],
                                   "company_id": self.ids[K_COM][self.hostile_company]},
                 "patterns": patterns}
        (out / "truth.json").write_text(json.dumps(truth, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")


def generate(out_dir, scale: float = 1.0, seed: int = 42) -> dict:
    """Write units.csv, officials.csv, people.csv, companies.csv, relations.csv, contacts.csv,
    gifts.csv, trips.csv, contracts.csv and truth.json into out_dir; return a summary dict
    {"rows": {kind: n}, "total_rows": n, "seconds": s, "truth": path}.

    Below ``MIN_SCALE`` the city is too small to hold every planted pattern and decoy.
    """
    if not scale >= MIN_SCALE:
        raise GraphRiskError(f"scale {scale:g} is too small: the sample world needs at least {MIN_SCALE:g} "
                             f"to plant every pattern")
    t0 = time.perf_counter()
    w = _World(scale, seed)
    w.build_units()
    w.build_officials()
    w.choose_planted()
    w.build_relatives()
    w.build_companies()
    w.build_others()
    w.plant()
    w.background_contracts()
    w.background_gifts()
    w.background_contacts()
    w.background_trips()
    w.assign_ids()
    out = Path(out_dir)
    rows = w.write(out)
    return {"rows": rows, "total_rows": int(sum(rows.values())), "seconds": round(time.perf_counter() - t0, 3),
            "truth": str(out / "truth.json")}
