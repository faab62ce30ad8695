"""Dataset adapters on small hand-made files: translation, bad rows, stable keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import revalign.cli  # noqa: F401  (registers the commands)
from revalign.cli.app import run
from revalign.connectors.datasets import funnel, maven, olist, xeducation
from revalign.connectors.datasets.common import Rejected
from revalign.connectors.datasets.ingest import dataset_events
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.core.qualification import FRAMEWORK_FIELDS

MQLS = """mql_id,first_contact_date,landing_page_id,origin
aa01,2018-02-01,lp1,social
aa02,2018-02-02,lp2,
aa03,not-a-date,lp3,email
"""
DEALS_HEADER = (
    "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,lead_behaviour_profile,"
    "has_company,has_gtin,average_stock,business_type,declared_product_catalog_size,"
    "declared_monthly_revenue\n"
)
DEALS = (
    DEALS_HEADER
    + """aa01,s1,sdr1,sr1,2018-02-20 10:30:00,pet,online_medium,cat,,,,reseller,,1500.5
zz99,s2,sdr1,sr1,2018-03-01 00:00:00,pet,,,,,,,,0.0
"""
)


def _olist(tmp_path: Path) -> Path:
    (tmp_path / olist.MQL_FILE).write_text(MQLS)
    (tmp_path / olist.DEALS_FILE).write_text(DEALS)
    return tmp_path


def test_olist_translation_keeps_good_rows_and_names_bad_ones(
    tmp_path: Path, contract: VersionedContract
) -> None:
    good, bad = dataset_events("olist", _olist(tmp_path), contract)
    assert {(r.record, r.reason.split(":")[0]) for r in bad} == {
        ("aa03", "bad date 'not-a-date'"),
        ("zz99", "closed deal whose mql_id is not among the MQLs"),
    }
    types = [e.type for e in good if e.lead_id == "olist:aa01" or e.opportunity_id]
    assert types == [
        EventType.LEAD_CAPTURED,
        EventType.MARKETING_TOUCH,
        EventType.MQL_REACHED,
        EventType.SAL_ACCEPTED,
        EventType.SQL_QUALIFIED,
        EventType.OPPORTUNITY_CREATED,
        EventType.OPPORTUNITY_WON,
    ]
    captured = {e.lead_id: e for e in good if e.type is EventType.LEAD_CAPTURED}
    assert captured["olist:aa02"].payload["source"] == "unknown"
    assert captured["olist:aa01"].occurred_at == datetime(2018, 2, 1, tzinfo=UTC)
    won = next(e for e in good if e.type is EventType.OPPORTUNITY_WON)
    assert won.payload == {"amount": "1500.50", "currency": "BRL"}
    assert won.occurred_at == datetime(2018, 2, 20, 10, 30, tzinfo=UTC)
    assert won.lead_id is None and won.opportunity_id == "olist:aa01:seller"
    sql = next(e for e in good if e.type is EventType.SQL_QUALIFIED)
    assert set(sql.payload["fields"]) == set(
        FRAMEWORK_FIELDS[contract.contract.qualification.framework]
    )
    assert sql.payload["by"] == "sdr1"


def test_keys_are_stable_and_unique(tmp_path: Path, contract: VersionedContract) -> None:
    first, _ = dataset_events("olist", _olist(tmp_path), contract)
    second, _ = dataset_events("olist", _olist(tmp_path), contract)
    assert [e.id for e in first] == [e.id for e in second]
    assert len({e.key for e in first}) == len(first)
    assert all(e.source == "dataset:olist" for e in first)


def test_xeducation_select_and_channels(tmp_path: Path, contract: VersionedContract) -> None:
    header = "Prospect ID,Lead Number,Lead Source,Converted,TotalVisits,Specialization\n"
    rows = "p1,1,google,1,3,Select\np2,2,Google,0,,Finance\np3,3,,0,1,\np4,4,Olark Chat,x,1,\n"
    (tmp_path / "Leads.csv").write_text(header + rows)
    frame = xeducation.read_leads(tmp_path / "Leads.csv")
    assert frame["Specialization"].isna().sum() == 3
    events = list(xeducation.events(frame, contract.contract))
    refused = [e for e in events if isinstance(e, Rejected)]
    assert [r.record for r in refused] == ["4"]
    captured = [e for e in events if isinstance(e, Event) and e.type is EventType.LEAD_CAPTURED]
    assert [e.payload["source"] for e in captured] == ["Google", "Google", "unknown"]
    assert sum(isinstance(e, Event) and e.type is EventType.OPPORTUNITY_WON for e in events) == 1


def test_maven_open_deals_and_spellings(tmp_path: Path, contract: VersionedContract) -> None:
    (tmp_path / "sales_pipeline.csv").write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n"
        "O1,Ann,GTXPro,Acme,Won,2017-01-02,2017-03-01,4500\r\n"
        "O2,Ann,GTX Basic,,Prospecting,,,\r\n"
        "O3,Bob,GTX Basic,Acme,Lost,2017-02-01,2017-02-10,0\r\n"
        "O4,Bob,GTX Basic,Acme,Won,,2017-02-10,10\r\n"
    )
    (tmp_path / "accounts.csv").write_text("account,sector\nAcme,retail\n")
    (tmp_path / "products.csv").write_text(
        "product,series,sales_price\nGTX Pro,GTX,4821\nGTX Basic,GTX,550\n"
    )
    (tmp_path / "sales_teams.csv").write_text("sales_agent,manager,regional_office\nAnn,M,East\n")
    good, bad = dataset_events("maven", tmp_path, contract)
    assert [r.record for r in bad] == ["O4"]
    created = {e.opportunity_id: e for e in good if e.type is EventType.OPPORTUNITY_CREATED}
    assert created["maven:O1"].payload["attributes"] == {
        "product": "GTX Pro",
        "series": "GTX",
        "regional_office": "East",
        "manager": "M",
        "sector": "retail",
    }
    assert created["maven:O1"].account_id == "maven:Acme" and created["maven:O1"].lead_id is None
    # a Prospecting deal has no date: it is created at the file's latest date
    assert created["maven:O2"].occurred_at == datetime(2017, 3, 1, tzinfo=UTC)
    assert created["maven:O2"].payload["amount"] == "550.00"
    lost = next(e for e in good if e.type is EventType.OPPORTUNITY_LOST)
    assert lost.payload["reason"] == funnel.unrecorded_lost_reason(contract.contract)
    assert lost.payload["reason"] in contract.contract.qualification.lost_reasons


def test_cli_refuses_unknown_dataset_and_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert run(["ingest-dataset", "hubspot", str(tmp_path), "--db", db]) == 2
    assert "unknown dataset 'hubspot'" in capsys.readouterr().err
    assert run(["ingest-dataset", "maven", str(tmp_path / "nope"), "--db", db]) == 2
    assert "no such file or folder" in capsys.readouterr().err  # checked before any work


def test_adapters_expose_one_interface() -> None:
    for module in (olist, xeducation, maven):
        assert callable(module.read) and callable(module.events)
        assert f"dataset:{module.NAME}" == module.SOURCE
