"""`lead list`, `lead find`, `events` and tables that fit an 80-column terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from _lifecycle import FIT_LEAD, MONDAY
from revalign.cli.app import app, run
from revalign.cli.tables import fit_tables
from revalign.connectors.identity import lead_id_for
from revalign.contract.loader import default_contract
from revalign.core.events import Event, EventType
from revalign.engine import open_engine

PEOPLE = {
    "waiting": {**FIT_LEAD, "email": "dewi@acme.co.id", "first_name": "Dewi",
                "last_name": "Lestari"},
    "accepted": {**FIT_LEAD, "email": "budi@acme.co.id", "first_name": "Budi",
                 "last_name": "Santoso"},
    "late": {**FIT_LEAD, "email": "sari@acme.co.id", "first_name": "Sari", "last_name": "Budiman"},
}  # fmt: skip
CRM_ID = "L-crm-0001"  # an id not derived from the e-mail (a CRM's own)


def _fact(n: int, type: EventType, lead: str, days: float, payload: dict[str, object]) -> Event:
    return Event(type=type, source="test", source_id=f"f{n}", lead_id=lead,
                 occurred_at=MONDAY + timedelta(days=days), payload=payload)  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('workbench') / 'ledger.db'}"
    engine = open_engine(url, default_contract(), clock=lambda: MONDAY + timedelta(days=1))
    ids = {k: lead_id_for(str(p["email"])) for k, p in PEOPLE.items()}
    facts = [
        _fact(i, EventType.LEAD_CAPTURED, ids[k], 0, p) for i, (k, p) in enumerate(PEOPLE.items())
    ]
    crm = {**FIT_LEAD, "email": "Wayan@Bali.co.id", "first_name": "Wayan", "company": "Bali Dive"}
    facts.append(_fact(9, EventType.LEAD_CAPTURED, CRM_ID, 0, crm))
    facts += [
        _fact(10, EventType.SAL_ACCEPTED, ids["accepted"], 0.01, {"by": "maya"}),
        _fact(11, EventType.SAL_ACCEPTED, ids["late"], 0.01, {"by": "maya"}),
        _fact(
            12, EventType.OPPORTUNITY_WON, ids["waiting"], 0.02, {"amount": "1", "currency": "USD"}
        ),
    ]
    try:
        engine.submit(facts)
        engine.tick(MONDAY + timedelta(days=30))  # open clocks breach
    finally:
        engine.close()
    return url


def _json(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, list)
    return data


def test_queues(db: str) -> None:
    waiting = _json("lead", "list", "--queue", "sal-review", "--db", db)
    assert {r["email"] for r in waiting} == {"dewi@acme.co.id", "Wayan@Bali.co.id"}
    assert all(r["sla"] == "sal_review" and r["due_at"] for r in waiting)
    first = _json("lead", "list", "--queue", "first-contact", "--db", db)
    assert {r["name"] for r in first} == {"Budi Santoso", "Sari Budiman"}
    assert all(str(r["sla"]).startswith("first_contact") for r in first)
    breached = _json("lead", "list", "--queue", "breached", "--db", db)
    assert breached and all(r["breached"] for r in breached)
    assert _json("lead", "list", "--stage", "sal", "--limit", "1", "--db", db)[0]["stage"] == "sal"
    assert _json("lead", "list", "--created-since", "2030-01-01", "--db", db) == []


def test_find_by_email_and_name(db: str) -> None:
    assert [r["name"] for r in _json("lead", "find", "BUDI@acme.co.id", "--db", db)] == [
        "Budi Santoso"
    ]
    assert [r["lead_id"] for r in _json("lead", "find", "wayan@bali.co.id", "--db", db)] == [CRM_ID]
    # an exact first name first, then a name containing it, and no partial e-mail match
    assert [r["name"] for r in _json("lead", "find", "budi", "--db", db)] == [
        "Budi Santoso", "Sari Budiman",
    ]  # fmt: skip
    assert _json("lead", "find", "budi@acme", "--db", db) == []
    assert [r["lead_id"] for r in _json("lead", "find", "bali dive", "--db", db)] == [CRM_ID]


def test_events_refused_with_reasons(db: str) -> None:
    refused = _json("events", "--type", "engine.rejected", "--db", db)
    assert [e["payload"]["rejected_type"] for e in refused] == ["opportunity.won"]
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(
        app, ["events", "--type", "engine.rejected", "--csv", "--db", db]).output)))  # fmt: skip
    assert rows[0]["reason"] and rows[0]["rejected_type"] == "opportunity.won"
    lead = lead_id_for("dewi@acme.co.id")
    mine = _json("events", "--lead", lead, "--db", db)
    assert mine and {e["lead_id"] for e in mine} == {lead}
    assert len(_json("events", "--limit", "3", "--db", db)) == 3


def test_bad_options_are_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["lead", "list", "--queue", "someday"],
        ["lead", "list", "--columns", "lead_id,shoe_size"],
        ["lead", "list", "--created-since", "yesterday"],
        ["events", "--type", "lead.eaten"],
        ["events", "--since", "soon"],
        ["lead", "find", "  "],
    ):
        assert run([*args, "--db", db]) == 2, args
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.count("\n") == 1, err


def test_fit_tables_never_ellipsis() -> None:
    console = Console(width=80, record=True, file=io.StringIO())
    headers = ["key", *(f"column_{i}" for i in range(12))]
    rows = [[f"row {r}", *(f"value-{r}-{i}-abcdef" for i in range(12))] for r in range(3)]
    for table in fit_tables(headers, rows, console=console, title="wide"):
        console.print(table)
    text = console.export_text()
    assert "…" not in text and all(len(line) <= 80 for line in text.splitlines())
    assert all(cell in text for row in rows for cell in row)
    huge = [["k", "x" * 200]]  # wider than the console: folds, still whole
    console = Console(width=80, record=True, file=io.StringIO())
    for table in fit_tables(["key", "long"], huge, console=console):
        console.print(table)
    folded = console.export_text()
    assert "…" not in folded and "x" * 70 in folded


def _at_80_columns(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", "from revalign.cli import main; main()", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("metrics", "--by", "channel"),
        ("metrics",),
        ("lead", "list"),
        ("lead", "list", "--queue", "breached", "--columns", "lead_id,name,email,breached"),
        ("lead", "find", "budi"),
        ("events",),
    ],
)
def test_tables_fit_80_columns(db: str, args: tuple[str, ...]) -> None:
    out = _at_80_columns(*args, "--db", db)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_metrics_columns_option(db: str, tmp_path: Path) -> None:
    out = _at_80_columns("metrics", "--by", "channel", "--columns", "paid_social", "--db", db)
    assert "paid_social" in out and "┃ unit" not in out
    assert run(["metrics", "--columns", "nope", "--db", db]) == 2


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    assert run(["demo", "--leads", "200", "--db", url, "--out", str(folder / "files")]) == 0
    return url


@pytest.mark.parametrize("by", ["channel", "campaign", "rep"])
def test_demo_metrics_fit_80_columns_and_keep_every_value(demo_db: str, by: str) -> None:
    out = _at_80_columns("metrics", "--by", by, "--db", demo_db)
    assert "…" not in out and max(len(line) for line in out.splitlines()) <= 80
    data = json.loads(_at_80_columns("metrics", "--by", by, "--json", "--db", demo_db))
    for row in data["rows"]:  # every dimension value heads a column somewhere
        assert str(row[by]) in out
    assert "(2/" in out  # the demo's dimensions do not fit one 80-column table


cells = (
    st.text(alphabet="abcdefghij-_ 0123456789", min_size=1, max_size=24).map(str.strip).filter(bool)
)


@given(
    width=st.integers(min_value=60, max_value=200),
    n_cols=st.integers(min_value=2, max_value=14),
    data=st.data(),
)
@settings(max_examples=40, deadline=None)
def test_fitted_tables_show_every_cell_whole(width: int, n_cols: int, data: st.DataObject) -> None:
    headers = [f"h{i}" for i in range(n_cols)]
    rows = data.draw(st.lists(st.lists(cells, min_size=n_cols, max_size=n_cols), max_size=4))
    console = Console(width=width, record=True, file=io.StringIO())
    for table in fit_tables(headers, rows, console=console):
        console.print(table)
    text = console.export_text()
    assert "…" not in text and all(len(line) <= width for line in text.splitlines())
    lines = text.splitlines()
    for row in rows:  # each cell whole on one line (never cut, never folded at this size)
        for cell in row:
            assert any(cell in line for line in lines), cell


@given(
    headers=st.lists(cells, min_size=1, max_size=8),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_computed_width_is_what_rich_measures(headers: list[str], data: st.DataObject) -> None:
    from rich.measure import Measurement

    from revalign.cli.tables import _table, natural_widths, table_width

    n = len(headers)
    text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30)  # data, no \t
    rows = data.draw(st.lists(st.lists(text, min_size=n, max_size=n), max_size=4))
    console = Console(width=80, file=io.StringIO())
    table = _table("t", headers, rows, ())
    measured = Measurement.get(console, console.options.update_width(10**6), table).maximum
    assert table_width(natural_widths(headers, rows)) == measured
