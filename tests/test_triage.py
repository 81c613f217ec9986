"""Triage that persists: steps kept with who and when, dismissed findings stay listed but stop counting
until new evidence arrives, stored evaluations pick up later decisions, the CLI."""
from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from graphrisk import settings as settings_mod
from graphrisk import triage
from graphrisk.cli import cli
from graphrisk.engine import evaluation
from graphrisk.errors import GraphRiskError, NotFound
from graphrisk.ingest import ingest_paths


def _set(db, *args, **kwargs):
    """A triage step looked up in the store's current evaluation (as the CLI and the API do)."""
    return triage.set_status(db, *args, evaluation=evaluation(db), **kwargs)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch):
    monkeypatch.delenv(settings_mod.ENV_CONFIG, raising=False)


def _finding(ev, official, rule):
    flag = ev.flag(official)
    return next(r for r in flag.reasons if r.rule == rule)


def test_finding_ids_are_stable_across_runs(loaded_db):
    a = evaluation(loaded_db, store=False)
    b = evaluation(loaded_db, store=False, reuse=False)
    ids_a = {(f.official_id, r.rule, r.metadata["finding_id"]) for f in a.flags for r in f.reasons}
    ids_b = {(f.official_id, r.rule, r.metadata["finding_id"]) for f in b.flags for r in f.reasons}
    assert ids_a == ids_b and all(i[2].startswith("F-") for i in ids_a)
    assert len({i[2] for i in ids_a}) == len(ids_a)  # one id per finding


def test_dismissed_finding_stays_listed_but_stops_counting(loaded_db):
    ev = evaluation(loaded_db)
    assert ev.flag("O1").level == "red"
    before = {r.metadata["finding_id"] for r in ev.flag("O1").reasons}
    for r in list(ev.flag("O1").reasons):
        _set(loaded_db, "O1", r.metadata["finding_id"], "dismissed", "explained in interview")
    after = evaluation(loaded_db)  # the stored run is reused for the same data: triage still applies
    flag = after.flag("O1")
    assert {r.metadata["finding_id"] for r in flag.reasons} == before  # still visible
    assert all(r.metadata["triage"]["status"] == "dismissed" for r in flag.reasons)
    assert flag.level == "green" and flag.score == 0.0


def test_watch_and_confirmed_count_as_before(loaded_db):
    ev = evaluation(loaded_db)
    level, score = ev.flag("O1").level, ev.flag("O1").score
    fid = _finding(ev, "O1", "gift_before_contract").metadata["finding_id"]
    _set(loaded_db, "O1", fid, "watch")
    again = evaluation(loaded_db)
    assert (again.flag("O1").level, again.flag("O1").score) == (level, score)
    assert _finding(again, "O1", "gift_before_contract").metadata["triage"]["status"] == "watch"


def test_new_evidence_raises_a_dismissed_finding_again(loaded_db, tmp_path):
    ev = evaluation(loaded_db)
    gift = _finding(ev, "O1", "gift_before_contract")
    for r in ev.flag("O1").reasons:
        _set(loaded_db, "O1", r.metadata["finding_id"], "dismissed")
    assert evaluation(loaded_db).flag("O1").level == "green"
    # a second award to the same supplier, approved by O1, after the same gift
    f = tmp_path / "more" / "contracts_more.csv"
    f.parent.mkdir()
    f.write_text(textwrap.dedent("""\
        contract_id,unit_id,supplier_id,date,amount,currency,method,approver_id,title
        HT9,U1,C1,2026-05-20,1800000,CNY,single_source,O1,运维服务
        """), encoding="utf-8")
    ingest_paths(loaded_db, [f], kind="contracts")
    later = evaluation(loaded_db)
    same = _finding(later, "O1", "gift_before_contract")
    assert same.metadata["finding_id"] == gift.metadata["finding_id"]  # the same finding, grown
    assert "HT9" in same.metadata["triage"]["new_evidence"]
    assert later.flag("O1").level == "red"


def test_every_step_is_kept_with_who_and_when(loaded_db):
    ev = evaluation(loaded_db)
    fid = _finding(ev, "O1", "gift_before_contract").metadata["finding_id"]
    _set(loaded_db, "O1", fid, "watch", "check the gift register", user="alice",
                      at="2026-11-20T09:00:00+00:00")
    _set(loaded_db, "O1", fid[:8], "confirmed", "receipt found", user="bob",
                      at="2026-11-21T09:00:00+00:00")  # a unique prefix names the finding
    steps = triage.history(loaded_db, finding=fid)
    assert [(s["status"], s["user"], s["note"]) for s in steps] == [
        ("watch", "alice", "check the gift register"), ("confirmed", "bob", "receipt found")]
    assert steps[0]["evidence"] and set(steps[0]["evidence"]) >= {"G1", "HT1"}
    [latest] = triage.listing(loaded_db)
    assert latest["status"] == "confirmed" and latest["steps"] == 2
    assert triage.listing(loaded_db, status="watch") == []
    # the OS user by default
    row = _set(loaded_db, "O1", fid, "watch")
    assert row["user"] and row["at"].endswith("+00:00")


def test_unknown_status_or_finding_is_a_clear_error(loaded_db):
    with pytest.raises(GraphRiskError, match="unknown triage status"):
        _set(loaded_db, "O1", "F-x", "ignored")
    with pytest.raises(NotFound, match="no finding F-000000000000"):
        _set(loaded_db, "O1", "F-000000000000", "dismissed")
    with pytest.raises(NotFound, match="O2"):
        _set(loaded_db, "O2", "F-000000000000", "dismissed")
    assert triage.history(loaded_db) == []  # nothing written


def test_triage_migration_is_recorded(loaded_db):
    assert "triage" in loaded_db.table_names()
    assert any(r["name"] == "004_triage" for r in loaded_db["_migrations"].rows)


def test_cli_triage_show_set_and_list(loaded_db, tmp_path):
    db = str(tmp_path / "store.db")
    r = CliRunner().invoke(cli, ["triage", "O1", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    reasons = json.loads(r.output)["reasons"]
    fid = next(x["metadata"]["finding_id"] for x in reasons if x["rule"] == "gift_before_contract")
    r = CliRunner().invoke(cli, ["triage", "O1", "--db", db, "--finding", fid, "--status", "dismissed",
                                 "--note", "gift returned", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["status"] == "dismissed" and out["note"] == "gift returned" and out["user"]
    r = CliRunner().invoke(cli, ["triage", "list", "--db", db, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert [x["finding_id"] for x in json.loads(r.output)] == [fid]
    r = CliRunner().invoke(cli, ["triage", "O1", "--db", db, "--finding", fid])
    assert r.exit_code != 0  # --status missing
    r = CliRunner().invoke(cli, ["triage", "O1", "--db", db, "--finding", "F-nope00", "--status", "watch"])
    assert r.exit_code == 1 and "Traceback" not in r.output
