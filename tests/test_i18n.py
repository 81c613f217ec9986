"""Chinese and English everywhere: a complete catalogue, --lang on every command, Chinese output without
English words (apart from ids, codes and names from the data), path explanations in both languages."""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphrisk import i18n
from graphrisk.cli import cli
from graphrisk.cli import base as cli_base


def walk(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, prefix + (name,))


COMMANDS = list(walk(cli))


@pytest.fixture(autouse=True)
def _default_language():
    yield
    i18n.set_lang(None)


# ------------------------------------------------------------------ the catalogue

def test_every_message_has_every_language():
    assert i18n.missing() == []


def test_no_message_is_defined_twice():
    """Two domain files defining one key: the later would silently win."""
    import tomllib

    seen: dict[str, str] = {}
    twice = []
    for f in sorted((Path(i18n.__file__).parent / "messages").glob("*.toml")):
        out: dict = {}
        i18n._flatten(tomllib.loads(f.read_text(encoding="utf-8")), "", out)
        for key in out:
            if key in seen:
                twice.append(f"{key} ({seen[key]}, {f.name})")
            seen[key] = f.name
    assert twice == []


def test_placeholders_agree_between_languages():
    """Both languages of a template take the same {placeholders} (English may add grammar: {article}).

    Help texts (cli.*) are printed as they are, not formatted."""
    fields = re.compile(r"(?<!\{)\{(\w+)[^{}]*\}(?!\})")
    bad = []
    for key, v in i18n.catalogue().items():
        if key.startswith("cli.") or not (v.get("en") and v.get("zh")):
            continue
        en, zh = set(fields.findall(v["en"])), set(fields.findall(v["zh"]))
        if not zh <= en or not en - zh <= {"article"}:
            bad.append((key, sorted(en), sorted(zh)))
    assert bad == []


def test_chinese_forms_of_dates_and_money():
    assert i18n.fmt_date("2026-03-02", "zh") == "2026年3月2日"
    assert i18n.fmt_money(2_400_000, "CNY", "zh") == "240万元"
    assert i18n.fmt_money(20_000, "GBP", "zh") == "2万英镑"
    assert i18n.fmt_money(2_400_000, "CNY", "en") == "2,400,000 CNY"
    assert i18n.level_label("red", "zh") == "红色" and i18n.level_label("red", "en") == "red"


def test_kind_names_come_from_the_model():
    from graphrisk import schema

    assert i18n.node_label("company", "en", plural=True) == schema.NODES["company"].plural["en"] == "companies"
    assert i18n.kind_label("gifts", "zh") == schema.KINDS["gifts"].label["zh"]


def test_report_labels_come_from_the_catalogue():
    from graphrisk.report.i18n import LABELS, data_version_text, labels

    zh, en = labels("zh"), labels("en")
    assert set(zh) == set(en) and zh["title"] == "每周风险暴露报告" and en["title"] == "Weekly exposure report"
    assert zh["kinds"]["gifts"] == "礼品" and en["kinds"]["relations"] == "ties"
    assert LABELS["zh"]["attention"] == "重点关注对象"
    assert data_version_text("b9-9", "zh") == "已导入9个登记文件，最新为第9批"
    assert "9 register file(s)" in data_version_text("b9-9", "en")


# ------------------------------------------------------------------ --lang and help

@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_every_command_takes_lang_and_has_chinese_help(path):
    cmd = dict(COMMANDS)[path]
    assert any("--lang" in getattr(p, "opts", ()) for p in cmd.params)
    key = ".".join(path)
    assert i18n.catalogue().get(f"cli.{key}.help", {}).get("zh"), f"no Chinese help: cli.{key}.help"
    res = CliRunner().invoke(cli, [*path, "--lang", "zh", "--help"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith("用法：") and "选项：" in out and "显示本帮助并退出" in out
    assert "Show this message" not in out and "Options:" not in out
    if "Example" in (cmd.help or ""):
        assert "示例：" in out and "graphrisk " + path[0] in out.split("示例：", 1)[1]
    body = out.split("示例：", 1)[0]
    for param in cmd.params:  # every option's help is Chinese
        if isinstance(param, click.Option) and param.help:
            zh = i18n.catalogue().get(f"cli.{key}.opt.{param.name}") or i18n.catalogue().get(f"cli.opt.{param.name}")
            assert zh and zh.get("zh"), f"no Chinese help for {' '.join(path)} {param.opts[0]}"
            assert param.help[:40] not in body, param.help


def test_help_stays_english_by_default_and_lang_works_before_or_after_the_command():
    res = CliRunner().invoke(cli, ["flags", "--help"], env={"GRAPHRISK_LANG": "en"})
    assert "Usage:" in res.output and "Flag priority-attention officials" in res.output
    res = CliRunner().invoke(cli, ["--lang", "zh", "flags", "--help"])
    assert "标记重点关注对象" in res.output
    res = CliRunner().invoke(cli, ["flags", "--help"], env={"GRAPHRISK_LANG": "zh"})
    assert "标记重点关注对象" in res.output
    res = CliRunner().invoke(cli, ["flags", "--help", "--lang", "zh"])  # --lang after --help counts too
    assert "标记重点关注对象" in res.output
    res = CliRunner().invoke(cli, ["report", "--help", "--lang=zh"])  # the report's own --lang
    assert "生成每周风险暴露报告" in res.output


def test_chinese_help_wraps_by_display_width():
    from graphrisk.cli._lang import wrap_cjk

    lines = wrap_cjk("设置文件（TOML，也可用 $GRAPHRISK_CONFIG 指定）；不指定时使用内置默认设置。", 24)
    assert "".join(lines).replace(" ", "") == "设置文件（TOML，也可用$GRAPHRISK_CONFIG指定）；不指定时使用内置默认设置。"
    assert all(sum(2 if ord(c) > 0x2e80 else 1 for c in line) <= 26 for line in lines)  # 24, or 26 with a closing mark
    assert "$GRAPHRISK_CONFIG" in " ".join(lines)  # a Latin word is never split
    assert not any(line.startswith(("，", "。", "）", "；")) for line in lines)


def test_lang_setting_and_precedence(loaded_db, tmp_path):
    db_path = str(tmp_path / "store.db")
    cfg = tmp_path / "zh.toml"
    cfg.write_text('[output]\nlang = "zh"\n', encoding="utf-8")
    env = {"GRAPHRISK_LANG": None, "LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    r = CliRunner().invoke(cli, ["paths", "--db", db_path, "--config", str(cfg)], env=env)
    assert r.exit_code == 0, r.output
    assert "利益冲突路径" in r.output
    r = CliRunner().invoke(cli, ["paths", "--db", db_path, "--config", str(cfg), "--lang", "en"], env=env)
    assert "conflict path(s)" in r.output and "利益冲突路径" not in r.output
    r = CliRunner().invoke(cli, ["paths", "--db", db_path], env=env)
    assert "conflict path(s)" in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[output]\nlang = "fr"\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["paths", "--db", db_path, "--config", str(bad)], env=env)
    assert r.exit_code != 0 and "output.lang" in r.output and "Traceback" not in r.output


# ------------------------------------------------------------------ Chinese output has no English words

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*")
CODES = {"graphrisk", "leiden", "Leiden", "louvain", "csv", "json"}  # names of tools, algorithms, formats


def _allowed_words(world: Path, tmp_path: Path) -> set[str]:
    """Ids and names from the data, rule ids (codes), the store's path: what Chinese output may show in ASCII."""
    import csv

    from graphrisk import schema
    from graphrisk.rules import load_builtin

    words = set(CODES) | set(load_builtin())
    for f in world.iterdir():
        words.add(f.name)
        kind = schema.KINDS.get(f.stem)
        with f.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col, value in row.items():
                    if not value or col is None:
                        continue
                    c = next((c for c in kind.columns if c.name == col), None) if kind else None
                    if col.endswith("_id") or col == "participants" or (c is not None and c.type == schema.NAME):
                        words.update(_TOKEN.findall(value))
    words.update(_TOKEN.findall(str(tmp_path)))
    words.update(("cli", "OPTIONS", "COMMAND", "ARGS", "help"))  # a usage line: the program, commands, options
    for path, cmd in COMMANDS:
        words.update(path)
        for p in cmd.params:
            words.update(o.lstrip("-") for o in getattr(p, "opts", ()))
            if isinstance(p, click.Argument):
                words.add(p.name.upper())
            words.update(str(c) for c in getattr(p.type, "choices", ()) or ())
            if getattr(p, "metavar", None):
                words.update(_TOKEN.findall(p.metavar))
    return words


def _english_words(text: str, allowed: set[str], paths: str = "") -> list[str]:
    """ASCII words of ``text`` that are not allowed (a piece of a path printed across lines is allowed)."""
    out = []
    for tok in _TOKEN.findall(text):
        if tok in allowed or tok in paths or re.fullmatch(r"[PF]-[0-9a-f]{12}", tok) or not re.search(r"[A-Za-z]{2}", tok):
            continue
        out.append(tok)
    return sorted(set(out))


@pytest.fixture
def wide_console(monkeypatch):
    """No folding inside an id: rich folds long CJK runs at any character."""
    monkeypatch.setattr(cli_base.console, "width", 1000)
    monkeypatch.setattr(cli_base.err_console, "width", 1000)


def test_chinese_output_has_no_english_words(small_world, tmp_path, wide_console):
    db = str(tmp_path / "store.db")
    allowed = _allowed_words(small_world, tmp_path)
    runs = [
        ["ingest", str(small_world), "--quiet"],
        ["ingest", str(small_world / "gifts.csv")],  # unchanged: the second time says so
        ["info"],
        ["flags", "--level", "green"],
        ["paths"],
        ["paths", "--official", "O1", "--top", "1"],
        ["centrality", "--top", "3"],
        ["communities", "--min-size", "2"],
        ["entities", "duplicates"],
        ["entities", "unresolved"],
        ["entities", "log"],
        ["entities", "links"],
        ["triage", "O1"],
        ["map", "--official", "O1"],
        ["report", "--week", "latest-data", "--no-maps", "--format", "json"],
        ["entities", "merge", "C1", "C2", "--reason", " "],  # refused, in Chinese
        ["flags", "--level", "purple"],  # a usage error, in Chinese
    ]
    found = {}
    for args in runs:
        res = CliRunner().invoke(cli, [*args, "--db", db, "--lang", "zh"])
        assert res.exit_code == (2 if args[-1] in (" ", "purple") else 0), (args, res.output)
        written = " ".join(str(f) for f in tmp_path.rglob("*"))  # files the command wrote, named in its output
        bad = _english_words(res.output, allowed, " ".join([db, written, *args]))  # and what the user typed
        if bad:
            found[" ".join(args)] = (bad, res.output[-2000:])
    assert not found, {k: v[0] for k, v in found.items()}


def test_chinese_output_shows_chinese_forms(small_world, tmp_path, wide_console):
    db = str(tmp_path / "store.db")
    CliRunner().invoke(cli, ["ingest", str(small_world), "--db", db, "--quiet"])
    res = CliRunner().invoke(cli, ["paths", "--db", db, "--lang", "zh"])
    assert "2026年3月2日" in res.output and "240万元" in res.output and "未申报" in res.output
    assert "王强是华鼎科技有限公司的法定代表人" in res.output
    res = CliRunner().invoke(cli, ["flags", "--db", db, "--lang", "zh"])
    assert "红色" in res.output and "重点关注对象" in res.output
    res = CliRunner().invoke(cli, ["paths", "--db", db, "--lang", "en"])
    assert "received a gift of 20,000 CNY from 王强 on 2026-03-02 (gift G1, undeclared)" in res.output


# ------------------------------------------------------------------ explanations

def test_path_explanations_in_both_languages(loaded_db):
    from graphrisk.analysis.paths import find_paths
    from graphrisk.graph import build_graph

    G = build_graph(loaded_db)
    paths = {tuple(p.record_ids()): p for p in find_paths(G, official="O1")}
    p = paths[("G1", "P1|legal_representative|C1", "HT1")]
    assert p.explanation == p.explanations["en"] == (
        "李明 (市财政局) received a gift of 20,000 CNY from 王强 on 2026-03-02 (gift G1, undeclared); "
        "王强 is legal representative of 华鼎科技有限公司; 华鼎科技有限公司 won contract HT1 (2,400,000 CNY) "
        "from 市财政局 approved by 李明 on 2026-04-10, 39 days later")
    assert p.explanations["zh"] == (
        "2026年3月2日，李明（市财政局）收受王强所送礼品，价值2万元（礼品记录G1，未申报）；"
        "王强是华鼎科技有限公司的法定代表人；"
        "2026年4月10日，华鼎科技有限公司获得市财政局授予的合同HT1（240万元），由李明审批，距此前的利益往来39天。")
    assert p.text("zh") == p.explanations["zh"] and p.to_dict()["explanations"]["zh"] == p.explanations["zh"]


def _edge(kind, src, dst, **kw):
    from graphrisk.findings import PathEdge

    detail = kw.pop("detail", {})
    return PathEdge(kind=kind, record_id=kw.pop("rid", "R1"), source=src, target=dst, detail=detail, **kw)


@pytest.fixture
def tiny_graph():
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node("U", kind="unit", name="Town Council")
    G.add_node("O", kind="official", name="Jane Roe", unit_id="U")
    G.add_node("S", kind="person", name="John Doe")
    G.add_node("C", kind="company", name="Acme Ltd")
    return G


@pytest.mark.parametrize("edge, en, zh", [
    (("family", "S", "O", {"detail": {"relation": "spouse"}}), "John Doe is the spouse of Jane Roe",
     "John Doe是Jane Roe的配偶"),
    (("shareholder", "S", "C", {"detail": {"share_pct": 60.0}}), "John Doe holds 60% of Acme Ltd",
     "John Doe持有Acme Ltd60%的股份"),
    (("associate", "S", "O", {"detail": {"relation": "former_colleague"}}), "John Doe is a former colleague of Jane Roe",
     "John Doe是Jane Roe的前同事"),
    (("associate", "S", "O", {"detail": {"relation": "godfather"}}), "John Doe is a godfather of Jane Roe",
     "John Doe是Jane Roe的godfather"),  # a word not in the vocabulary is shown as in the data
    (("contact", "O", "S", {"date": "2026-02-20", "detail": {"channel": "dinner"}}),
     "Jane Roe had a dinner with John Doe on 2026-02-20 (contact R1)",
     "2026年2月20日，Jane Roe与John Doe一同用餐（接触记录R1）"),
    (("contact", "O", "S", {"date": "2026-02-20", "detail": {"channel": "茶叙"}}),
     "Jane Roe had a 茶叙 with John Doe on 2026-02-20 (contact R1)",
     "2026年2月20日，Jane Roe与John Doe接触，方式为茶叙（接触记录R1）"),
    (("gift", "S", "O", {"date": None, "amount": None, "detail": {"declared": 1}}),
     "Jane Roe received a gift of an unknown amount from John Doe on an unknown date (gift R1, declared)",
     "日期不详，Jane Roe收受John Doe所送礼品，价值金额不详（礼品记录R1，已申报）"),
    (("trip_sponsor", "C", "O", {"date": "2026-01-10", "amount": 3000.0, "currency": "GBP",
                                 "detail": {"destination": "Paris"}}),
     "Acme Ltd paid for the trip of Jane Roe to Paris starting 2026-01-10 (3,000 GBP, trip R1)",
     "Acme Ltd资助Jane Roe赴Paris出行，2026年1月10日出发（费用3000英镑，出行记录R1）"),
])
def test_clauses(tiny_graph, edge, en, zh):
    from graphrisk.narrate import clause

    kind, src, dst, kw = edge
    e = _edge(kind, src, dst, **kw)
    assert clause(tiny_graph, e, "en") == en
    assert clause(tiny_graph, e, "zh") == zh


def test_decision_at_the_end_of_a_path(tiny_graph):
    from graphrisk.narrate import explain

    gift = _edge("gift", "S", "O", rid="G9", date="2026-01-02", amount=500.0, currency="GBP")
    role = _edge("director", "S", "C", rid="d1")
    dec = _edge("decided", "O", "C", rid="D7", date="2026-02-01", detail={"decision_type": "licence", "unit_id": "U",
                                                                           "role": "rapporteur"})
    en = explain(tiny_graph, "O", ["O", "S", "C"], [gift, role, dec], 30, True, "en")
    zh = explain(tiny_graph, "O", ["O", "S", "C"], [gift, role, dec], 30, True, "zh")
    assert en.endswith("Acme Ltd was granted licence D7 from Town Council, Jane Roe taking part as rapporteur "
                       "on 2026-02-01, 30 days later")
    assert zh.endswith("2026年2月1日，Town Council为Acme Ltd办理许可（决定D7），Jane Roe以报告人身份参与，距此前的利益往来30天。")
    card = _edge("decided", "O", "C", rid="D8", date="2026-02-01", amount=None,
                 detail={"decision_type": "business_card", "role": "approver"})
    assert explain(tiny_graph, "O", ["O", "S", "C"], [gift, role, card], 30, True, "zh").endswith(
        "2026年2月1日，有关单位为Acme Ltd办理商务旅行卡审批（决定D8），Jane Roe为审批人，距此前的利益往来30天。")
    assert "Jane Roe (Town Council) received a gift of 500 GBP" in en and "Jane Roe（Town Council）收受" in zh


def test_a_plugin_command_gets_lang(monkeypatch):
    """A command made elsewhere (a plugin's plain click command) and added to graphrisk takes --lang too."""
    from graphrisk.i18n import t

    @click.command("hello-i18n-test")
    def hello():
        click.echo(t("common.priority_attention"))

    cli.add_command(hello)
    try:
        assert CliRunner().invoke(cli, ["hello-i18n-test", "--lang", "zh"]).output.strip() == "重点关注对象"
        assert CliRunner().invoke(cli, ["hello-i18n-test", "--lang", "en"]).output.strip() == \
            "priority-attention officials"
    finally:
        cli.commands.pop("hello-i18n-test")


def test_chinese_help_follows_the_english():
    """The catalogue's ``en`` of a help text is the docstring (without its example) or the option's help it
    translates: when the English changes, this fails until the Chinese is brought up to date."""
    import inspect

    def english(cmd) -> str:
        text = inspect.cleandoc(cmd.help or "").partition("\f")[0]
        text = text.split("\b")[0] if "\b" in text else text.split("Example:")[0]
        paras = [" ".join(line.strip() for line in p.splitlines()).strip() for p in text.strip().split("\n\n")]
        return "\n\n".join(p for p in paras if p)

    cat = i18n.catalogue()
    stale = []
    for path, cmd in [((), cli), *COMMANDS]:
        key = ".".join(path) or "main"
        en = english(cmd)
        if cat.get(f"cli.{key}.help", {}).get("en") not in (en, en.split("\n\n")[0]):  # the whole, or its summary
            stale.append(f"cli.{key}.help")
        for p in cmd.params:
            if isinstance(p, click.Option) and p.help and "--lang" not in p.opts:
                own = cat.get(f"cli.{key}.opt.{p.name}")
                if own is not None and own.get("en") != p.help:
                    stale.append(f"cli.{key}.opt.{p.name}")
    assert stale == [], "English help changed; update graphrisk/i18n/messages/cli_help.toml: " + ", ".join(stale)


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"),
    ({"LANGUAGE": "zh_TW:en", "LANG": "C.UTF-8"}, "zh"), ({"LC_ALL": "zh_CN.GB18030", "LANG": "en_US"}, "zh"),
    ({"GRAPHRISK_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
])
def test_default_language_from_the_locale(monkeypatch, env, lang):
    for var in ("GRAPHRISK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.default_lang() == lang


def test_coded_values_in_words():
    from graphrisk.narrate import channel_name, field_value, relation_name

    assert field_value("relation", "spouse", "zh") == "配偶" and field_value("relation", "legal_representative",
                                                                            "zh") == "法定代表人"
    assert field_value("channel", "dinner", "zh") == "用餐" and channel_name("banquet", "zh") == "宴请"
    assert field_value("method", "single_source", "zh") == "单一来源采购"
    assert field_value("method", "single_source", "en") == "single source"
    assert field_value("declared", 0, "zh") == "否" and field_value("declared", "1", "en") == "yes"
    assert field_value("relation", "godmother", "zh") == "godmother"  # not in the vocabulary: as in the data
    assert relation_name("former_colleague", "en") == "former colleague"
