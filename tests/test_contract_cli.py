"""`revalign init` and `revalign contract validate|show`: files, output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from revalign.cli.app import run
from revalign.contract.loader import default_contract


def test_init_then_validate_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = default_contract().version
    assert run(["init", str(tmp_path / "acme")]) == 0
    target = tmp_path / "acme" / "revalign.yaml"
    assert capsys.readouterr().out.strip() == f"Wrote {target} (version {version})"
    assert target.read_text().startswith("# revalign revenue contract")

    assert run(["contract", "validate", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"OK {target} version {version}"


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "revalign.yaml"
    target.write_text("mine")
    assert run(["init", str(tmp_path)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert target.read_text() == "mine"
    assert run(["init", str(tmp_path), "--force"]) == 0
    assert target.read_text().startswith("# revalign revenue contract")


def test_validate_lists_every_error_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["init", str(tmp_path)]) == 0
    target = tmp_path / "revalign.yaml"
    text = target.read_text()
    text = text.replace("mql_threshold: 60", "mql_threshold: sixty")
    text = text.replace("timezone: Asia/Singapore", "timezone: Asia/Jakartaa")
    target.write_text(text)
    capsys.readouterr()

    lines = text.splitlines()
    threshold = next(n for n, line in enumerate(lines, 1) if "mql_threshold: sixty" in line)
    zone = next(n for n, line in enumerate(lines, 1) if "Asia/Jakartaa" in line)
    zone_column = lines[zone - 1].index("Asia/Jakartaa") + 1

    assert run(["contract", "validate", str(target)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        f"{target}:{threshold}:18: scoring.mql_threshold: Input should be a valid number, "
        "unable to parse string as a number",
        f"{target}:{zone}:{zone_column}: teams[0].reps[3].timezone: "
        "unknown time zone 'Asia/Jakartaa'",
    ]

    assert run(["contract", "validate", str(target), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["errors"][1] == {
        "file": str(target),
        "line": zone,
        "column": zone_column,
        "path": "teams[0].reps[3].timezone",
        "message": "unknown time zone 'Asia/Jakartaa'",
    }


def test_validate_json_when_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["init", str(tmp_path)])
    capsys.readouterr()
    assert run(["contract", "validate", str(tmp_path / "revalign.yaml"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert report["version"] == default_contract().version


def test_validate_a_missing_file_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["contract", "validate", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist (create one: revalign init)" in " ".join(capsys.readouterr().err.split())


def test_show_json_summarises_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["init", str(tmp_path)])
    capsys.readouterr()
    assert run(["contract", "show", "--contract", str(tmp_path / "revalign.yaml"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["version"] == default_contract().version
    assert summary["mql_threshold"] == 60
    assert summary["slas"]["first_contact_high_intent_hours"] == 4
    apac = summary["teams"][0]
    assert (apac["id"], apac["manager"], apac["hours"]) == ("sdr-apac", "maya", "09:00-17:00")
    assert [rep["id"] for rep in apac["reps"]] == ["maya", "budi", "putri", "wei"]


def test_show_prints_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["init", str(tmp_path)])
    capsys.readouterr()
    assert run(["contract", "show", "--contract", str(tmp_path / "revalign.yaml")]) == 0
    out = capsys.readouterr().out
    assert f"version {default_contract().version}" in out
    assert "first_contact_standard_hours" in out
    assert "sdr-apac" in out
    assert "maya" in out
