"""Ingest problems are data: a code, file, row, column and message, as JSON on failure when JSON was asked."""
from __future__ import annotations

import json

from click.testing import CliRunner

from graphrisk.cli import cli


def test_failed_ingest_prints_its_problems_as_json(tmp_path):
    (tmp_path / "units.csv").write_text("unit_id,name\nU1,Finance Bureau\n", encoding="utf-8")
    (tmp_path / "officials.csv").write_text("official_id,name,unit_id\nO1,Li Ming,U1\n", encoding="utf-8")
    bad = tmp_path / "gifts.csv"
    bad.write_text("gift_id,giver_id,recipient_id,date,value,currency\n"
                   "G1,O1,O1,2026-02-30,100,CNY\n"
                   "G2,O1,NOBODY,2026-03-01,100,CNY\n"
                   "G3,O1,O1,,abc,CNY\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path / "units.csv"), str(tmp_path / "officials.csv"),
                                    "--db", db]).exit_code == 0
    res = CliRunner().invoke(cli, ["ingest", str(bad), "--db", db, "--format-output", "json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    got = {(p["row"], p["column"], p["code"]) for p in data["problems"]}
    assert {(2, "date", "bad_date"), (3, "recipient_id", "unknown_reference"), (4, "date", "missing_value"),
            (4, "value", "bad_amount")} <= got
    assert all(p["file"].endswith("gifts.csv") and p["message"] for p in data["problems"])
    assert "error" in data
