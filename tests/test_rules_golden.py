"""Golden tests per rule: a small input fixture per case and the findings the rule must produce.

Each case is a directory ``tests/golden/<rule_id>/<case>/`` holding canonical input CSVs, an optional
``settings.toml`` (overrides of the shipped defaults) and ``expected.json``:

    {"rule": ..., "description": ..., "run": [rule ids, optional],
     "known_discrepancy": "optional: the code does not yet do what the rule intends",
     "findings": [{official_id, score, evidence, company_id, summary (optional),
                   summary_not_contains (optional: a claim the summary must not make)}],
     "levels": {official_id: level when graded on this rule's findings alone}}

``GRAPHRISK_REGEN_GOLDEN=1`` rewrites ``findings`` and ``levels`` from the current output (summaries only
in files that already state some; cases with a
``known_discrepancy`` are left alone: they state the intent, not the output). See tests/golden/README.md.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from graphrisk import settings as settings_mod
from graphrisk import store
from graphrisk.graph import build_graph
from graphrisk.ingest import ingest_paths
from graphrisk.rules import Finding
from graphrisk.rules.engine import evaluate, grade

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("GRAPHRISK_REGEN_GOLDEN") == "1"
CASES = sorted(p.parent for p in GOLDEN.glob("*/*/expected.json"))


def _key(f: dict):
    return (f["official_id"], f.get("company_id") or "", -f["score"], f["evidence"], f.get("summary") or "")


def run_case(case: Path, tmp_path: Path, monkeypatch) -> tuple[dict, dict]:
    """(findings of the case's rule as golden dicts, levels graded on those findings alone)."""
    monkeypatch.delenv(settings_mod.ENV_CONFIG, raising=False)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    rule_id = expected["rule"]
    assert rule_id == case.parent.name, f"{case}: rule {rule_id} filed under {case.parent.name}"
    cfg_file = case / "settings.toml"
    settings = settings_mod.load(cfg_file if cfg_file.exists() else None)
    db = store.connect(tmp_path / "store.db")
    ingest_paths(db, [case])
    G = build_graph(db)
    ev = evaluate(G=G, settings=settings, only=expected.get("run") or [rule_id])
    mine = [Finding(f.official_id, r) for f in ev.flags for r in f.reasons if r.rule == rule_id]
    findings = sorted(({"official_id": f.official_id, "score": round(f.reason.score, 2),
                        "evidence": sorted(f.reason.evidence), "company_id": f.reason.company_id,
                        "summary": f.reason.summary} for f in mine), key=_key)
    levels = {f.official_id: f.level for f in grade(G, mine, settings)}
    return expected, {"findings": findings, "levels": dict(sorted(levels.items()))}


def _comparable(expected: dict, actual: dict) -> tuple[dict, dict]:
    """Compare summaries only where the golden file states one."""
    exp = sorted(expected["findings"], key=_key)
    act = []
    for i, f in enumerate(actual["findings"]):
        f = dict(f)
        summary = f.pop("summary")
        if i < len(exp) and "summary" in exp[i]:
            f["summary"] = summary
        if i < len(exp) and "summary_not_contains" in exp[i]:
            text = exp[i]["summary_not_contains"]
            f["summary_not_contains"] = text if text not in summary else f"<present in: {summary}>"
        act.append(f)
    return ({"findings": exp, "levels": expected.get("levels", {})},
            {"findings": act, "levels": actual["levels"]})


def test_every_rule_has_golden_cases():
    from graphrisk.rules import load_builtin

    have = {c.parent.name for c in CASES}
    missing = sorted(set(load_builtin()) - have)
    assert not missing, f"rules without golden cases: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_golden(case, tmp_path, monkeypatch):
    expected, actual = run_case(case, tmp_path, monkeypatch)
    discrepancy = expected.get("known_discrepancy")
    if REGEN and not discrepancy:
        doc = {k: v for k, v in expected.items() if k not in ("findings", "levels")}
        doc.update(actual)
        if not any("summary" in f for f in expected["findings"]):  # keep the golden file's shape
            doc["findings"] = [{k: v for k, v in f.items() if k != "summary"} for f in actual["findings"]]
        (case / "expected.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")
        return
    want, got = _comparable(expected, actual)
    if discrepancy:
        if want == got:
            pytest.fail(f"{case.name}: the known discrepancy is fixed; remove 'known_discrepancy' from "
                        f"expected.json ({discrepancy})")
        pytest.xfail(f"known discrepancy: {discrepancy} -- got {json.dumps(got, ensure_ascii=False)}")
    assert got == want, json.dumps(got, ensure_ascii=False, indent=1)
