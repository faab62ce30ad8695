"""Whole files: rejects with row numbers and reasons, idempotent re-ingest, JSONL, batches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ingest_fakes import FakeEngine
from revalign.connectors.csv_ingest import default_rejects_path, ingest_file
from revalign.contract.schema import VersionedContract
from revalign.errors import InputError

LEADS_CSV = """email,first_name,title,company,employees,country,source,created_at,reason
ana@tokoku.co.id,Ana,Direktur Pemasaran,Tokoku,120,Indonesia,paid_social,2026-06-01T10:00:00,x
broken-email,Bad,CEO,Nope,10,ID,organic,2026-06-01T10:00:00,
budi@majujaya.com,Budi,Manajer TI,Maju Jaya,300,ID,partner,01/06/2026,
"wei@lionbank.sg",Wei,VP Sales,Lion Bank,450,Singapore,events,2026-06-02,
ana@tokoku.co.id,Ana,VP Marketing,Tokoku,120,Indonesia,paid_social,2026-07-01T10:00:00,
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bad_rows_go_to_rejects_good_rows_are_kept(
    tmp_path: Path, contract: VersionedContract
) -> None:
    src = write(tmp_path / "leads.csv", LEADS_CSV)
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract, lookup=engine)
    assert (report.rows, report.accepted, report.rejected) == (5, 3, 2)
    assert report.new_events == 3  # ana captured, wei captured, ana updated
    types = sorted(e.type.value for e in engine.events.values())
    assert types == ["lead.captured", "lead.captured", "lead.updated"]
    assert report.rejects_file == str(tmp_path / "leads.rejects.csv")
    rejected = read_rejects(tmp_path / "leads.rejects.csv")
    # the input has its own `reason` column, so ours is named reject_reason
    assert [(r["row"], r["reject_reason"]) for r in rejected] == [
        ("3", "invalid email 'broken-email'"),
        ("4", "unparseable created_at '01/06/2026' (use ISO 8601)"),
    ]
    assert rejected[0]["company"] == "Nope"  # the original columns, as they were
    assert rejected[1]["title"] == "Manajer TI"


def test_reingest_is_a_no_op(tmp_path: Path, contract: VersionedContract) -> None:
    src = write(tmp_path / "leads.csv", LEADS_CSV)
    engine = FakeEngine()
    ingest_file(src, "leads", engine, contract, lookup=engine)
    before = dict(engine.events)
    again = ingest_file(src, "leads", engine, contract, lookup=engine)
    assert again.new_events == 0
    assert again.duplicates + again.unchanged == again.accepted
    assert engine.events == before


def test_reingest_without_state_lookup_is_also_a_no_op(
    tmp_path: Path, contract: VersionedContract
) -> None:
    touches = tmp_path / "touches.csv"
    write(touches, "email,occurred_at,kind,campaign\n"
          "ana@tokoku.co.id,2026-06-01T10:00:00Z,webinar,webinar-series\n"
          "ana@tokoku.co.id,2026-06-02T10:00:00Z,demo_request,\n")  # fmt: skip
    engine = FakeEngine()
    first = ingest_file(touches, "touches", engine, contract)
    second = ingest_file(touches, "touches", engine, contract)
    assert (first.new_events, first.duplicates) == (2, 0)
    assert (second.new_events, second.duplicates) == (0, 2)


def test_jsonl_file(tmp_path: Path, contract: VersionedContract) -> None:
    lines = [
        {"email": "ana@tokoku.co.id", "created_at": "2026-06-01T10:00:00Z", "employees": 120,
         "tags": ["vip"]},
        {"email": "nope", "created_at": "2026-06-01"},
        "not an object",
    ]  # fmt: skip
    text = "\n".join(json.dumps(x) for x in lines) + "\n{broken json\n"
    src = write(tmp_path / "leads.jsonl", text)
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract)
    assert (report.rows, report.accepted, report.rejected) == (4, 1, 3)
    [event] = engine.events.values()
    assert event.payload["employees"] == 120
    assert event.payload["attributes"] == {"tags": ["vip"]}
    rejected = read_rejects(default_rejects_path(src))
    assert [(r["row"], r["reason"]) for r in rejected] == [
        ("2", "invalid email 'nope'"),
        ("3", "not a JSON object"),
        ("4", "not a JSON object"),
    ]
    assert rejected[0]["email"] == "nope"
    assert rejected[1]["raw"] == '"not an object"'


def test_only_bad_rows_still_reports(tmp_path: Path, contract: VersionedContract) -> None:
    src = write(tmp_path / "costs.csv", "campaign,amount,period_start,period_end\n"
                "paid-social-q4,-10,2026-06-01,2026-06-30\n")  # fmt: skip
    report = ingest_file(src, "costs", FakeEngine(), contract, rejects_path=tmp_path / "r.csv")
    assert (report.accepted, report.rejected, report.rejects_file) == (
        0,
        1,
        str(tmp_path / "r.csv"),
    )
    assert read_rejects(tmp_path / "r.csv")[0]["reason"] == "negative amount '-10'"


def test_no_rejects_no_file(tmp_path: Path, contract: VersionedContract) -> None:
    src = write(tmp_path / "costs.csv", "campaign,amount,period_start,period_end\n"
                "paid-social-q4,10,2026-06-01,2026-06-30\n")  # fmt: skip
    report = ingest_file(src, "costs", FakeEngine(), contract)
    assert report.rejects_file is None
    assert not default_rejects_path(src).exists()


def test_extra_cells_are_rejected_and_kept(tmp_path: Path, contract: VersionedContract) -> None:
    src = write(tmp_path / "costs.csv", "campaign,amount,period_start,period_end\n"
                "email-nurture,1,200.00,2026-06-01,2026-06-30\n")  # fmt: skip
    report = ingest_file(src, "costs", FakeEngine(), contract)
    assert report.rejected == 1
    with default_rejects_path(src).open(encoding="utf-8") as handle:
        line = handle.read().splitlines()[1]
    assert (
        line
        == "2,the row has more cells than the header,email-nurture,1,200.00,2026-06-01,2026-06-30"
    )


def test_batches(tmp_path: Path, contract: VersionedContract) -> None:
    body = "".join(f"p{i}@acme.com,2026-06-01T10:{i % 60:02d}:00Z,page_view\n" for i in range(25))
    src = write(tmp_path / "t.csv", "email,occurred_at,kind\n" + body)
    engine = FakeEngine()
    seen: list[tuple[int, int]] = []
    report = ingest_file(src, "touches", engine, contract, batch_size=10,
                         progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert engine.batches == [10, 10, 5]
    assert report.new_events == 25
    assert seen[-1] == (src.stat().st_size, src.stat().st_size)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", "", "empty file"),
        ("leads.txt", "email\n", "cannot tell the format"),
        ("wrong.csv", "campaign,amount\nx,1\n", "needs a column email"),
        ("bin.csv", b"\xff\xfe\x00\x00garbage", "not a readable CSV"),
        ("bad.jsonl", "email,created_at\n", "line 1 is not JSON"),
    ],
)
def test_unreadable_files_are_input_errors(
    tmp_path: Path, contract: VersionedContract, name: str, text: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        ingest_file(path, "leads", FakeEngine(), contract)
