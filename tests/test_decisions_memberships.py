"""Decision power beyond contracts (decisions) and officials in several units over time (memberships)."""
from __future__ import annotations

import graphrisk

FILES = {
    "units.csv": "unit_id,name\nU1,Licensing Committee\nU2,Planning Council\n",
    "officials.csv": "official_id,name,unit_id\nO1,Ann Berg,U1\nO2,Bo Lund,U1\n",
    "companies.csv": "company_id,name\nC1,Barnfield Construction Limited\nC2,Northgate Taxis\n",
    "people.csv": "person_id,name\nP1,Carl Holm\n",
    "relations.csv": "from_id,to_id,relation\nP1,C2,director\n",
    "memberships.csv": "official_id,unit_id,role,start_date,end_date\nO1,U2,committee_member,2024-01-01,2024-06-30\n",
    "gifts.csv": ("gift_id,giver_id,recipient_id,date,value,currency,declared\n"
                  "G1,P1,O1,2024-02-01,900,GBP,no\n"
                  "G2,C1,O1,2024-01-15,400,GBP,no\n"),
    "decisions.csv": ("decision_id,unit_id,official_id,beneficiary_id,date,decision_type,role\n"
                      "D1,U1,O1,C2,2024-03-10,licence,approver\n"),
    "contracts.csv": ("contract_id,unit_id,supplier_id,date,amount,currency,method\n"
                      "K1,U2,C1,2024-03-01,220000,GBP,direct\n"
                      "K2,U2,C1,2024-09-01,180000,GBP,direct\n"),
}


def _case(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    case = graphrisk.open(tmp_path / "d.db")
    case.ingest(tmp_path)
    return case


def test_a_benefit_before_a_licence_the_official_approved_is_a_path(tmp_path):
    case = _case(tmp_path)
    paths = [p for p in case.paths(official="O1").paths if p.company_id == "C2"]
    assert paths, "gift from the director of C2, then a licence for C2 approved by O1"
    p = paths[0]
    assert [e.kind for e in p.edges] == ["gift", "director", "decided"]
    assert p.decision.record_id == "D1" and p.approved_personally and p.gap_days == 38
    assert "D1" in p.explanation and p.text("zh")
    assert not case.paths(official="O2").paths  # a colleague without the decision has no path to C2


def test_membership_gives_decision_power_only_while_it_lasts(tmp_path):
    case = _case(tmp_path)
    to_c1 = [p for p in case.paths(official="O1").paths if p.company_id == "C1"]
    awards = {p.decision.record_id for p in to_c1}
    assert awards == {"K1"}, "K2 was awarded after O1 left the Planning Council"
    assert to_c1[0].unit_id == "U2"
    G = case.graph()
    assert {v for _, v, d in G.out_edges("O1", data=True) if d["kind"] == "member_of"} == {"U1", "U2"}
