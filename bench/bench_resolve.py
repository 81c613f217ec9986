"""Benchmark: entity resolution of 100,000 names (target: under 60 s on this machine).

Generates realistic Chinese and English company and person names, a store
holding half of the entities, and 100,000 names to resolve: spellings of
stored entities with the variations real registers carry (legal form
changed or dropped, traditional characters, full-width letters and spaces,
OCR slips, titles, bracketed notes, case and punctuation) mixed with names
of entities the store does not hold, and their own variants.

Prints seconds and names/s for
1. ``resolve_references`` of the 100,000 names against the store (what ingest does), and
2. ``cluster`` of 100,000 records (what duplicates / adapters do).

Run: python bench/bench_resolve.py [--names 100000] [--seed 1]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphrisk import store  # noqa: E402
from graphrisk.resolve.match import Record, cluster  # noqa: E402
from graphrisk.resolve.normalize import normalize_name, to_simplified  # noqa: E402
from graphrisk.resolve.references import AMBIGUOUS, CREATED, LINKED, resolve_references  # noqa: E402

PLACES = ("北京 上海 天津 重庆 广州 深圳 杭州 南京 苏州 成都 武汉 西安 长沙 郑州 济南 青岛 沈阳 大连 长春 哈尔滨 "
          "合肥 福州 厦门 南昌 昆明 贵阳 南宁 海口 兰州 太原 石家庄 呼和浩特 银川 西宁 乌鲁木齐 宁波 温州 无锡 常州 "
          "佛山 东莞 珠海 烟台 潍坊 徐州 扬州 绍兴 嘉兴 金华 台州").split()
TRADE_CHARS = ("华鼎远航恒信宏达金泰盛世中天通达新元博雅瑞丰嘉禾安康永昌鑫源明辉正德天成海润国泰东方汇通鸿运"
               "长城星河蓝天绿洲宝利隆兴聚贤万通德信泰和富源益民康达锦程卓越腾飞创新启明光大宇航龙腾凤翔祥云")
INDUSTRY = ("科技 建设工程 生物制药 医药 贸易 物流 房地产开发 信息技术 电子 机械制造 环保科技 食品 服装 投资管理 "
            "文化传媒 建材 化工 能源 汽车销售 物业管理 装饰工程 软件 网络科技 教育咨询 餐饮管理 酒店管理").split()
CN_LEGAL = ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"]
CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
CN_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文斌海燕红梅玉兰晓东小红鹏飞春梅晨曦子涵浩然宇轩欣怡雨涵梓萱思远"
EN_FIRST = ("James John Robert Michael William David Richard Joseph Thomas Charles Mary Patricia Jennifer Linda "
            "Elizabeth Barbara Susan Jessica Sarah Karen Daniel Matthew Anthony Mark Donald Steven Paul Andrew "
            "Joshua Kenneth Emma Olivia Sophie Grace Hannah Lucy Amelia Chloe Oliver Harry George Jack Charlie "
            "Noah Leo Oscar Archie Henry Freddie Alfie Theo Isla Ava Mia Ivy Lily Rosie Evie Ella Florence").split()
EN_LAST = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White "
           "Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose Davis "
           "Rodriguez Cox Alexander Morgan Moore Martin Price Bell Hughes Ward King Turner Cooper Hill Morris "
           "Harris Clark Lee Baker Scott Young Allen Adams Campbell Anderson Parker Carter Murphy Kelly Hughes "
           "Edwards Collins Stewart Morris Murray Watson Reid Shaw Lloyd Ellis Graham Kennedy Marshall Owen "
           "Hunt Palmer Mills Barnes Knight Butler Russell Fisher Stevens Jenkins Murray Dixon Harvey Pearson").split()
EN_WORDS = ("Acme Global Northern Southern Eastern Western Royal Crown Apex Summit Pioneer Heritage Meridian "
            "Horizon Atlas Beacon Sterling Regal Vertex Orion Phoenix Falcon Harbour Castle Bridge Oak Cedar "
            "Willow Maple River Lake Stone Iron Silver Golden Blue Green Red Quantum Fusion Nova Prime Alpha "
            "Delta Omega Sigma Titan Vanguard Zenith Keystone Cornerstone Lighthouse Greenfield Westbrook").split()
EN_SECTOR = ("Holdings Consulting Engineering Logistics Media Energy Capital Partners Solutions Systems Foods "
             "Pharmaceuticals Developments Construction Retail Technologies Services Trading Properties "
             "Investments Communications Aviation Motors Analytics Security Healthcare Education Leisure").split()
EN_LEGAL = ["Ltd", "Limited", "PLC", "Ltd.", "Limited", "LLP", "Co. Ltd", "Inc.", "Corp."]
TITLES = ["Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Professor", "Cllr"]
OCR = {"责任": "贵任", "研究": "研宄", "泰": "秦", "沃": "^"}


def cn_company(rng: random.Random) -> str:
    trade = "".join(rng.sample(TRADE_CHARS, 2))
    return rng.choice(PLACES) + trade + rng.choice(INDUSTRY) + rng.choice(CN_LEGAL)


def en_company(rng: random.Random) -> str:
    words = rng.sample(EN_WORDS, rng.choice([1, 2, 2]))
    return " ".join(words) + " " + rng.choice(EN_SECTOR) + " " + rng.choice(EN_LEGAL)


def cn_person(rng: random.Random) -> str:
    return rng.choice(CN_SURNAMES) + "".join(rng.sample(CN_GIVEN, rng.choice([1, 2])))


def en_person(rng: random.Random) -> str:
    mid = f" {rng.choice(EN_FIRST)}" if rng.random() < 0.2 else ""
    return f"{rng.choice(EN_FIRST)}{mid} {rng.choice(EN_LAST)}"


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


_S2T = None


def _traditional(s: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(s)


def variant(name: str, kind: str, rng: random.Random) -> str:
    """A spelling of ``name`` as another register might type it."""
    r = rng.random()
    cjk = any("\u4e00" <= c <= "\u9fff" for c in name)
    if kind == "companies":
        if cjk:
            if r < 0.3:
                for legal in CN_LEGAL:
                    if name.endswith(legal):
                        return name[: -len(legal)] + rng.choice([x for x in CN_LEGAL if x != legal])
            if r < 0.45:
                return _traditional(name)
            if r < 0.6:
                for a, b in OCR.items():
                    if a in name:
                        return name.replace(a, b, 1)
                return " " + name + "\u00a0"
            if r < 0.75:
                return name + "（生产企业：" + cn_company(rng) + "）"
            return name.replace("有限公司", "有限公司 ")
        if r < 0.3:
            for legal in EN_LEGAL:
                if name.endswith(legal):
                    return name[: -len(legal)] + rng.choice(EN_LEGAL)
        if r < 0.45:
            return name.upper()
        if r < 0.6:
            return name.replace(" ", ".", 2)
        if r < 0.7:
            return _fullwidth(name)
        if r < 0.85:
            return "The " + name
        return name.replace(" Ltd", " Limited")
    if cjk:
        if r < 0.4:
            return _traditional(name)
        if r < 0.7:
            return name + rng.choice(["先生", "女士"])
        return name[0] + "\u3000" + name[1:]
    if r < 0.5:
        return rng.choice(TITLES) + " " + name
    if r < 0.7:
        return name.upper()
    return name + " OBE"


def build(n_names: int, seed: int):
    rng = random.Random(seed)
    n_entities = n_names // 2
    gens = [("companies", cn_company), ("companies", en_company), ("people", cn_person), ("people", en_person)]
    entities, seen = [], set()
    while len(entities) < n_entities:
        kind, gen = gens[len(entities) % 4]
        name = gen(rng)
        key = (kind, normalize_name(name))
        if key in seen:
            continue
        seen.add(key)
        entities.append((kind, name))
    stored = entities[: n_entities * 3 // 5]  # the store holds 60 %; the rest are new to it
    names, truth = [], {}
    while len(names) < n_names:
        e = rng.randrange(len(entities))
        kind, name = entities[e]
        n = variant(name, kind, rng) if rng.random() < 0.6 else name
        names.append(n)
        truth.setdefault(n, set()).add(e)
    return stored, list(dict.fromkeys(names)), entities, truth


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    stored, names, entities, truth = build(args.names, args.seed)
    # pad with fresh names so exactly args.names distinct names are resolved
    rng = random.Random(args.seed + 1)
    have = set(names)
    while len(names) < args.names:
        n = variant(rng.choice(entities)[1], rng.choice(["companies", "people"]), rng) + str(rng.randint(1, 9))
        if n not in have:
            have.add(n)
            names.append(n)
    print(f"generated {len(stored):,} stored entities and {len(names):,} distinct names "
          f"in {time.perf_counter() - t0:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "bench.db")
        rows = {"people": [], "companies": []}
        for i, (kind, name) in enumerate(stored):
            pk = "person_id" if kind == "people" else "company_id"
            rows[kind].append({pk: f"E{i}", "name": name, "name_norm": normalize_name(name)})
        for kind, rs in rows.items():
            db[kind].insert_all(rs, batch_size=5000)

        t, c = time.perf_counter(), time.process_time()
        res = resolve_references(db, names, ("people", "companies"), None)
        dt, cpu = time.perf_counter() - t, time.process_time() - c
        acts = {a: sum(r.action == a for r in res.values()) for a in (LINKED, CREATED, AMBIGUOUS)}
        print(f"resolve_references: {len(names):,} names against {len(stored):,} entities in {dt:.1f} s "
              f"({len(names) / dt:,.0f} names/s; CPU {cpu:.1f} s); {acts}")
        # accuracy on names whose entity is stored (E<i>, i < len(stored)) and written in one way only
        right = wrong = missed = amb = 0
        for n, es in truth.items():
            if len(es) != 1:
                continue
            e = next(iter(es))
            if e >= len(stored):
                continue
            r = res[n]
            if r.action == LINKED and r.entity_id == f"E{e}":
                right += 1
            elif r.action == LINKED and r.entity_id.startswith("E"):
                wrong += 1
            elif r.action == AMBIGUOUS:
                amb += 1
            else:
                missed += 1
        tot = right + wrong + missed + amb
        print(f"  names of stored entities: {tot:,}; linked right {right:,} ({right / tot:.1%}), "
              f"linked wrong {wrong:,} ({wrong / tot:.2%}), ambiguous {amb:,}, not linked {missed:,}")

    recs = [Record(str(i), n, "companies" if any(w in n for w in ("公司", "Ltd", "Limited", "PLC", "LLP", "Inc", "Corp",
                                                                    "LTD", "LIMITED", "Ｌｔｄ", "Ｌｉｍｉｔｅｄ"))
                   else "people") for i, n in enumerate(names)]
    t, c = time.perf_counter(), time.process_time()
    cl = cluster(recs)
    dt2, cpu2 = time.perf_counter() - t, time.process_time() - c
    print(f"cluster: {len(recs):,} records in {dt2:.1f} s ({len(recs) / dt2:,.0f} records/s); "
          f"{len(set(cl.cluster_of.values())):,} clusters; CPU {cpu2:.1f} s")
    ok = dt < 60
    print(f"target < 60 s for 100,000 names: {'met' if ok else 'NOT met'} ({dt:.1f} s wall, {cpu:.1f} s CPU; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
