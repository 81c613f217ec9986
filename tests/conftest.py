from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from graphrisk import store

# A small hand-made world: one official's gift and contract, a relative, a homonym.
SMALL_WORLD = {
    "units.csv": """\
        unit_id,name,parent_id,region
        U1,市财政局,,市本级
        U2,市財政局采购科,U1,市本级
        U3,市交通运输局,,市本级
        """,
    "officials.csv": """\
        official_id,name,unit_id,position,rank,id_number
        O1,李明,U1,局长,正处级,110101197001010011
        O2,張　偉 ,U2,科长,正科级,110101198002020022
        O3,赵军,U3,局长,正处级,110101197503030033
        """,
    "people.csv": """\
        person_id,name,id_number,note
        P1,王强,110101198001010011,
        P2,刘芳,110101198505050055,李明之妻
        P3,刘芳,110101199006060066,同名不同人
        P4,陈静,,
        """,
    "companies.csv": """\
        company_id,name,registration_no,region,sector
        C1,华鼎科技有限公司,91110000MA00000001,市本级,信息技术
        C2,远航建设工程有限责任公司,91110000MA00000002,市本级,建设
        """,
    "relations.csv": """\
        from_id,to_id,relation,share_pct,start_date,end_date,source
        P1,C1,legal_representative,,,,工商登记
        P1,C1,shareholder,60,,,工商登记
        P2,O1,spouse,,,,干部档案
        P3,C2,shareholder,100,,,工商登记
        P4,P1,associate,,,,
        """,
    "gifts.csv": """\
        gift_id,giver_id,recipient_id,date,value,currency,description,declared
        G1,P1,O1,2026-03-02,"20,000",CNY,购物卡,否
        G2,C2,O3,2026-05-01,500,CNY,月饼,是
        """,
    "contacts.csv": """\
        contact_id,official_id,counterpart_id,date,channel,location,note
        K1,O1,P1,2026-02-20,dinner,酒店,
        K2,O3,P4,2026-04-01,meeting,办公室,
        """,
    "trips.csv": """\
        trip_id,official_id,destination,start_date,end_date,purpose,sponsor_id,cost,currency,participants
        T1,O1,海南,2026-01-10,2026-01-14,考察,C1,30000,CNY,O2
        T2,O3,北京,2026-02-01,2026-02-03,会议,U3,4000,CNY,
        """,
    "contracts.csv": """\
        contract_id,unit_id,supplier_id,date,amount,currency,method,approver_id,title
        HT1,U1,C1,2026-04-10,2400000,CNY,single_source,O1,信息系统
        HT2,U3,C2,2026-06-01,800000,CNY,open_tender,O3,道路养护
        """,
}


def write_files(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding=encoding)
    return folder


@pytest.fixture
def small_world(tmp_path) -> Path:
    return write_files(tmp_path / "world", SMALL_WORLD)


@pytest.fixture
def db(tmp_path):
    return store.connect(tmp_path / "store.db")


@pytest.fixture
def loaded_db(db, small_world):
    from graphrisk.ingest import ingest_paths

    ingest_paths(db, [small_world])
    return db


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory) -> Path:
    """A small sample world (scale 0.2), ingested once per session: a store path tests may read and evaluate."""
    from graphrisk import store as store_mod
    from graphrisk.ingest import ingest_paths
    from graphrisk.sample import generate

    root = tmp_path_factory.mktemp("sample-world")
    generate(root / "world", scale=0.2, seed=5)
    path = root / "sample.db"
    db = store_mod.connect(path)
    ingest_paths(db, [root / "world"])
    db.conn.close()  # the last connection's close moves the write-ahead log into the file: tests copy the file
    return path


def record_results(monkeypatch, owner, name: str, keep) -> list:
    """Patch ``owner.name`` (a method) to call the original and ``keep(self, result, found)``, where ``found``
    is the list returned here: what the tests of the forked reads ahead count."""
    found: list = []
    original = getattr(owner, name)

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        keep(self, result, found)
        return result

    monkeypatch.setattr(owner, name, spy)
    return found

