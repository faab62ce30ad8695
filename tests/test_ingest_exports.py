"""Real exports: encodings row by row, sniffed delimiters, header synonyms, --map, Excel."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest_fakes import FakeEngine
from revalign.connectors.csv_ingest import ReadOptions, ingest_file
from revalign.connectors.headers import SYNONYMS, column_names, load_map, normalise
from revalign.connectors.identity import lead_id_for
from revalign.contract.schema import VersionedContract
from revalign.core.events import EventType
from revalign.errors import InputError

HEADER = "email,first_name,company,created_at\n"


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return list(csv.DictReader(handle))


def captured(engine: FakeEngine) -> dict[str, dict[str, object]]:
    return {
        e.payload["email"]: dict(e.payload)
        for e in engine.events.values()
        if e.type is EventType.LEAD_CAPTURED
    }


def test_one_latin1_byte_rejects_that_row_only(tmp_path: Path, contract: VersionedContract) -> None:
    body = [f"p{i}@acme.example.com,P{i},Acme,2026-06-01" for i in range(1, 41)]
    body[16] = "bad@acme.example.com,Jos\xe9,Caf\xe9 SA,2026-06-01"
    src = tmp_path / "export.csv"
    src.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n".join(body) + "\n").encode("latin-1"))
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract)
    assert (report.rows, report.accepted, report.rejected) == (40, 39, 1)
    (bad,) = rejects_of(tmp_path / "export.rejects.csv")
    assert bad["row"] == "18"  # header row 1, the 17th data row
    assert "not valid UTF-8: byte 0xe9 in column 'first_name'" in bad["reason"]
    assert bad["company"] == "Caf\udce9 SA"  # the original bytes, kept as they were
    assert "bad@acme.example.com" not in captured(engine)


def test_encoding_option_reads_the_whole_file(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "cp1252.csv"
    src.write_bytes((HEADER + "jose@acme.example.com,José,Café SA,2026-06-01\n").encode("cp1252"))
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract, read=ReadOptions(encoding="cp1252"))
    assert (report.accepted, report.rejected) == (1, 0)
    assert captured(engine)["jose@acme.example.com"]["company"] == "Café SA"
    with pytest.raises(InputError, match="unknown encoding"):
        ingest_file(src, "leads", engine, contract, read=ReadOptions(encoding="klingon"))


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, contract: VersionedContract, sep: str) -> None:
    src = tmp_path / "leads.csv"
    rows = [["email", "company", "created_at"], ["ana@acme.example.com", "Acme, Inc", "2026-06-01"]]
    with src.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=sep).writerows(rows)
    engine = FakeEngine()
    assert ingest_file(src, "leads", engine, contract).accepted == 1
    assert captured(engine)["ana@acme.example.com"]["company"] == "Acme, Inc"


def test_delimiter_option_wins(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "leads.csv"
    src.write_text("email;note,x;created_at\nana@acme.example.com;a,b;2026-06-01\n")
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract, read=ReadOptions(delimiter="semicolon"))
    assert report.accepted == 1
    assert captured(engine)["ana@acme.example.com"]["attributes"] == {"note_x": "a,b"}


def test_salesforce_and_hubspot_headers(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "sf.csv"
    src.write_text(
        " E-mail ,First Name,Last Name,Job Title,Company Name,Number of Employees,"
        "Lead Source,Original Source,Country/Region,Created Date,Lead Score (HubSpot)\n"
        "ana@acme.example.com,Ana,Sari,VP Marketing,Acme,120,paid_search,organic,"
        "Indonesia,2026-06-01 10:00:00,42\n"
    )
    engine = FakeEngine()
    assert ingest_file(src, "leads", engine, contract).accepted == 1
    lead = captured(engine)["ana@acme.example.com"]
    assert (lead["first_name"], lead["last_name"], lead["title"], lead["company"]) == (
        "Ana", "Sari", "VP Marketing", "Acme",
    )  # fmt: skip
    assert (lead["employees"], lead["source"], lead["country"]) == (120, "paid_search", "ID")
    # a second synonym of a taken field keeps its own name, as an attribute
    assert lead["attributes"] == {"original_source": "organic", "lead_score_hubspot": "42"}


def test_jsonl_keys_are_matched_too(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "leads.jsonl"
    src.write_text('{"Email Address": "ana@acme.example.com", "Create Date": "2026-06-01"}\n')
    engine = FakeEngine()
    assert ingest_file(src, "leads", engine, contract).accepted == 1
    assert lead_id_for("ana@acme.example.com") in {e.lead_id for e in engine.events.values()}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("map.yaml", "Correo: email\nFecha de alta: created_at\nEmpresa: company\n"),
        ("map.csv", "their_column,our_field\nCorreo,email\nFecha de alta,created_at\n"
                    "Empresa,company\n"),
    ],
)  # fmt: skip
def test_map_file(tmp_path: Path, contract: VersionedContract, name: str, text: str) -> None:
    mapping = tmp_path / name
    mapping.write_text(text)
    src = tmp_path / "es.csv"
    src.write_text("Correo,Empresa,Fecha de alta\nana@acme.example.com,Acme,2026-06-01\n")
    with pytest.raises(InputError, match=r"needs a column email \(also read as e_mail"):
        ingest_file(src, "leads", FakeEngine(), contract)
    engine = FakeEngine()
    opts = ReadOptions(column_map=load_map(mapping), map_file=mapping)
    assert ingest_file(src, "leads", engine, contract, read=opts).accepted == 1
    assert captured(engine)["ana@acme.example.com"]["company"] == "Acme"


def test_map_to_an_unknown_field_is_refused(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "x.csv"
    src.write_text(HEADER)
    opts = ReadOptions(column_map={"Correo": "e-mail"})
    with pytest.raises(InputError, match="'Correo' maps to 'e-mail', not a leads field"):
        ingest_file(src, "leads", FakeEngine(), contract, read=opts)


def test_missing_required_column_lists_found_and_expected(
    tmp_path: Path, contract: VersionedContract
) -> None:
    src = tmp_path / "opps.csv"
    src.write_text("Deal Name,Amount,Create Date\nx,1,2026-06-01\n")
    with pytest.raises(InputError) as err:
        ingest_file(src, "opportunities", FakeEngine(), contract)
    message = str(err.value)
    assert "needs a column opportunity_id" in message
    assert "deal_id" in message and "['Deal Name', 'Amount', 'Create Date']" in message
    assert "--map" in message


def test_two_columns_for_one_field_is_an_error(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "x.csv"
    src.write_text("Email,EMAIL,created_at\n")
    with pytest.raises(InputError, match="both mean 'email'"):
        ingest_file(src, "leads", FakeEngine(), contract)


def test_xlsx(tmp_path: Path, contract: VersionedContract) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Email", "Company Name", "Employees", "Created Date"])
    sheet.append(["ana@acme.example.com", "Acme", 120, datetime(2026, 6, 1, 10, 0)])
    sheet.append(["not-an-email", "Nope", 5, datetime(2026, 6, 1)])
    sheet.append([None, None, None, None])
    sheet.append(["wei@lion.example.com", "Lion", 450.0, "2026-06-02"])
    src = tmp_path / "leads.xlsx"
    book.save(src)
    engine = FakeEngine()
    report = ingest_file(src, "leads", engine, contract)
    assert (report.rows, report.accepted, report.rejected) == (3, 2, 1)
    assert captured(engine)["ana@acme.example.com"]["employees"] == 120
    assert captured(engine)["wei@lion.example.com"]["employees"] == 450
    (bad,) = rejects_of(tmp_path / "leads.rejects.csv")
    assert (bad["row"], bad["Email"]) == ("3", "not-an-email")


def test_not_an_xlsx_is_an_input_error(tmp_path: Path, contract: VersionedContract) -> None:
    src = tmp_path / "leads.xlsx"
    src.write_text("email,created_at\n")
    with pytest.raises(InputError, match="not a readable Excel"):
        ingest_file(src, "leads", FakeEngine(), contract)


_FIELDS = sorted({(kind, f) for kind, table in SYNONYMS.items() for f in table})


@given(
    st.sampled_from(_FIELDS),
    st.lists(st.sampled_from(["upper", "title", "space", "pad", "dash"]), max_size=3),
)
def test_any_casing_or_spacing_of_a_field_name_matches(
    kind_field: tuple[str, str], changes: list[str]
) -> None:
    kind, field = kind_field
    name = field
    for change in changes:
        if change == "upper":
            name = name.upper()
        elif change == "title":
            name = name.title()
        elif change == "space":
            name = name.replace("_", " ")
        elif change == "pad":
            name = f"  {name} "
        else:
            name = name.replace("_", "-")
    assert normalise(name) == field
    assert column_names(kind, [name], {}) == {name: field}


def test_docs_list_every_synonym() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "ingest.md").read_text("utf-8")
    missing = sorted(
        {n for table in SYNONYMS.values() for names in table.values() for n in names}
        - {m for m in re.findall(r"`([a-z0-9_]+)`", doc)}
    )
    assert not missing, f"docs/ingest.md does not list: {missing}"


def test_utf16_unicode_text_export(tmp_path: Path, contract: VersionedContract) -> None:
    """Excel's "Unicode text": UTF-16 with a BOM, tab-delimited."""
    src = tmp_path / "leads.csv"
    src.write_bytes(
        "Email\tCompany\tCreated\nana@acme.example.com\tCafé\t2026-06-01\n".encode("utf-16")
    )
    engine = FakeEngine()
    assert ingest_file(src, "leads", engine, contract).accepted == 1
    assert captured(engine)["ana@acme.example.com"]["company"] == "Café"
