"""The shape of the system: one model, one engine, one API, no import cycles, modules of a readable size."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import graphrisk
from graphrisk import schema, store
from graphrisk.cli import cli
from graphrisk.graph import build_graph

PKG = Path(graphrisk.__file__).resolve().parent


def _module_imports() -> dict[str, set[str]]:
    """Module -> package modules it imports (static, TYPE_CHECKING blocks ignored)."""
    mods = {}
    for f in PKG.rglob("*.py"):
        rel = f.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        mods[name[:-9] if name.endswith(".__init__") else name] = f
    out = {m: set() for m in mods}
    for m, f in mods.items():
        tree = ast.parse(f.read_text(encoding="utf-8"))
        is_pkg = f.name == "__init__.py"
        skip = {id(x) for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
                for x in ast.walk(n)}
        for n in ast.walk(tree):
            if id(n) in skip:
                continue
            targets = []
            if isinstance(n, ast.Import):
                targets = [a.name for a in n.names]
            elif isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    parts = m.split(".") if is_pkg else m.split(".")[:-1]
                    parts = parts[:len(parts) - (n.level - 1)]
                    base = ".".join(parts + ([n.module] if n.module else []))
                targets = [base] + [f"{base}.{a.name}" for a in n.names]
            for t in targets:
                while t and t not in mods and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t in mods and t != m and not m.startswith(t + "."):
                    out[m].add(t)
    return out


def test_no_import_cycles():
    graph = _module_imports()
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_module_over_the_size_limit():
    big = {str(f.relative_to(PKG)): n for f in PKG.rglob("*.py")
           if (n := len(f.read_text(encoding="utf-8").splitlines())) > 450}
    assert big == {}


def test_the_package_and_the_cli_import_the_engine_when_first_used():
    """``import graphrisk`` and the ``graphrisk`` command load the engine (networkx, the rules' path search) only
    when an evaluation is asked for: an ingest never uses it. Its names stay where they were."""
    import subprocess
    import sys

    code = ("import sys, graphrisk, graphrisk.cli, graphrisk.render\n"
            "print('graphrisk.engine' in sys.modules, 'graphrisk.render.maps' in sys.modules)\n"
            "print(graphrisk.Evaluation.__name__, graphrisk.evaluation.__name__, graphrisk.render.official_map.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False False"
    assert out[1] == "Evaluation evaluation official_map"
    with pytest.raises(AttributeError):
        graphrisk.no_such_name  # noqa: B018


def test_an_ingest_loads_neither_networkx_nor_the_engine(tmp_path):
    """The settings (with every rule's defaults and checks) and an ingest need no graph: networkx, the engine and
    igraph stay unloaded (networkx alone took 0.1 s of every ingest's start)."""
    import subprocess
    import sys

    (tmp_path / "units.csv").write_text("unit_id,name\nU1,Finance Bureau\n", encoding="utf-8")
    code = ("import sys\nfrom graphrisk.cli import cli\n"
            f"cli(['ingest', {str(tmp_path / 'units.csv')!r}, '--db', {str(tmp_path / 's.db')!r}, '--quiet'],"
            " standalone_mode=False)\n"
            "print([m for m in ('networkx', 'igraph', 'graphrisk.engine', 'graphrisk.graph') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "s.db").exists()


def test_the_analyses_never_load_pandas_or_networkx(tmp_path, small_world):
    """``flags``, ``paths`` and ``centrality`` read the store and the graph without pandas (with pyarrow: 0.3 s
    and 75 MB of every such process, and pages its forked processes would share): sqlite-utils is imported
    with pandas out of its sight. An ingest imports pandas itself; a session that imported pandas first keeps
    sqlite-utils' use of it. The engine's compact graph needs no networkx either (20 MB): the modules name its
    graph type for type checkers only, and import it where a function calls it."""
    import subprocess
    import sys

    from graphrisk import store
    from graphrisk.ingest.pipeline import ingest_paths

    db_path = tmp_path / "s.db"
    ingest_paths(store.connect(db_path), [small_world])
    code = ("import sys\nfrom graphrisk.cli import cli\n"
            "for args in (['flags', '--format', 'json'], ['paths', '--all', '--format', 'json'],\n"
            "             ['centrality', '--measure', 'all', '--format', 'json']):\n"
            f"    cli(args + ['--db', {str(db_path)!r}], standalone_mode=False)\n"
            "print([m for m in ('pandas', 'pyarrow', 'networkx') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    code = "import pandas, graphrisk, sqlite_utils.db\nprint(sqlite_utils.db.pd is pandas)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "True"


def test_cli_modules_only_import_the_library_not_each_other():
    graph = _module_imports()
    for m, deps in graph.items():
        if m.startswith("graphrisk.cli.") and m != "graphrisk.cli.base":
            assert {d for d in deps if d.startswith("graphrisk.cli")} <= {"graphrisk.cli.base"}, m
        if not m.startswith("graphrisk.cli") and m != "graphrisk.__main__":  # python -m graphrisk runs the CLI
            assert not any(d.startswith("graphrisk.cli") for d in deps), f"{m} imports the CLI"


MEETINGS = """
[kinds.lobby_meetings]
entity = false
id = "meeting_id"
order = 15
date = "date"
label = { en = "lobby meetings", zh = "游说会面" }
columns = [
  { name = "meeting_id", required = true },
  { name = "official_id", required = true, refs = ["officials"] },
  { name = "lobbyist_id", required = true, refs = ["people", "companies", "organisations"] },
  { name = "date", type = "date", required = true },
  { name = "topic" },
]
edges = [{ kind = "lobby_meeting", source = "lobbyist_id", target = "official_id" }]

[edges.lobby_meeting]
role = "benefit"
label = { en = "Lobby meeting", zh = "游说会面" }
color = "#aa6600"
weight = 0.6
"""


@pytest.fixture
def extended_model():
    saved = {k: dict(v) for k, v in schema.MODEL.items() if isinstance(v, dict)}
    kinds, edges = dict(schema.KINDS), dict(schema.EDGE_KINDS)
    lists = (list(schema.ENTITY_TABLES), list(schema.TIE_KINDS), list(schema.RECORD_KINDS))
    schema.extend(MEETINGS)
    yield
    schema.MODEL.update(saved)
    schema.KINDS.clear()
    schema.KINDS.update(kinds)
    schema.EDGE_KINDS.clear()
    schema.EDGE_KINDS.update(edges)
    schema.ENTITY_TABLES[:], schema.TIE_KINDS[:], schema.RECORD_KINDS[:] = lists


def test_a_record_kind_added_through_the_model_alone(extended_model, tmp_path):
    from graphrisk.report.build import lookup_records

    (tmp_path / "units.csv").write_text("unit_id,name\nU1,Trade Committee\n", encoding="utf-8")
    (tmp_path / "officials.csv").write_text("official_id,name,unit_id\nO1,Anna Berg,U1\n", encoding="utf-8")
    (tmp_path / "companies.csv").write_text("company_id,name\nC1,Rail Forum Europe\n", encoding="utf-8")
    (tmp_path / "lobby_meetings.csv").write_text(
        "meeting_id,official_id,lobbyist_id,date,topic\nM1,O1,C1,2024-03-02,rail freight\n", encoding="utf-8")
    case = graphrisk.open(tmp_path / "m.db")
    case.ingest(tmp_path)
    row = case.db.execute("select official_id, lobbyist_id, date, _row from lobby_meetings").fetchone()
    assert row == ("O1", "C1", "2024-03-02", 2)
    G = build_graph(case.db)
    (u, v, d), = [(u, v, d) for u, v, d in G.edges(data=True) if d["kind"] == "lobby_meeting"]
    assert (u, v, d["record_id"], d["date"]) == ("C1", "O1", "M1", "2024-03-02")
    rec = lookup_records(case.db, ["M1"])["M1"]
    assert rec["kind"] == "lobby_meetings" and rec["from_id"] == "C1" and rec["to_id"] == "O1" and rec["row"] == 2
    assert store.counts(case.db)["lobby_meetings"] == 1


def test_every_path_a_flag_cites_is_the_officials_and_opens_as_a_map(sample_db_path, tmp_path):
    case = graphrisk.open(sample_db_path)
    flags = case.flags(level="orange").flags
    assert flags, "the sample world has orange or red officials"
    runner = CliRunner()
    opened = 0
    for f in flags:
        own = {p.path_id for p in case.paths(official=f.official_id).paths}
        for r in f.reasons:
            if r.path_id:
                assert r.path_id in own, (f.official_id, r.rule, r.path_id)
                if opened < 3:
                    out = tmp_path / f"{r.path_id}.html"
                    res = runner.invoke(cli, ["map", "--path", r.path_id, "--out", str(out), "--db",
                                              str(sample_db_path)])
                    assert res.exit_code == 0, res.output
                    assert out.stat().st_size > 1000
                    opened += 1
    assert opened > 0


def test_unknown_ids_raise_not_empty(sample_db_path):
    case = graphrisk.open(sample_db_path)
    with pytest.raises(graphrisk.NotFound):
        case.paths(official="NO-SUCH-OFFICIAL")
    with pytest.raises(graphrisk.NotFound):
        case.flags(official="NO-SUCH-OFFICIAL")
    with pytest.raises(graphrisk.NotFound):
        case.path("P-000000000000")


def test_evaluation_is_stored_once_and_reused(sample_db_path):
    case = graphrisk.open(sample_db_path)
    a = case.evaluation()
    b = case.evaluation()
    assert b.reused and b.run_id == (a.run_id if a.run_id else b.run_id)
    assert [f.to_dict() for f in a.flags] == [f.to_dict() for f in b.flags]
    assert [p.path_id for p in a.paths] == [p.path_id for p in b.paths]
    assert b.data_version == store.data_version(case.db)


def test_flags_json_is_the_api_to_dict(sample_db_path):
    res = CliRunner().invoke(cli, ["flags", "--format", "json", "--db", str(sample_db_path)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == graphrisk.open(sample_db_path).flags().to_dict()
