"""`revalign report`: files in --out, --force, languages, and clear errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _report_demo import build
from revalign.cli.app import run

AS_OF = "2026-11-30T23:59"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from revalign.contract.loader import default_contract

    return build(tmp_path_factory.mktemp("report-cli"), default_contract())


def _run(*args: str) -> int:
    return run(["report", *args, "--as-of", AS_OF])


def test_every_format_lands_in_out(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "packs"
    formats = [a for f in ("md", "html", "pdf", "csv") for a in ("--format", f)]
    code = _run("weekly", "--period", "2026-W47", "--db", db, "--out", str(out), *formats)
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "weekly-2026-W47.md" in names and "weekly-2026-W47.pdf" in names
    assert "weekly-2026-W47.html" in names and "weekly-2026-W47-leads_by_source.csv" in names
    html = (out / "weekly-2026-W47.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org", "")
    listed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in listed) == names


def test_existing_files_need_force(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("scorecard", "--period", "2026-10", "--db", db, "--out", str(tmp_path))
    assert _run(*args) == 0
    first = (tmp_path / "scorecard-2026-10.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert _run(*args, "--lang", "id") == 2
    assert "use --force" in capsys.readouterr().err
    assert (tmp_path / "scorecard-2026-10.md").read_text(encoding="utf-8") == first
    assert _run(*args, "--lang", "id", "--force") == 0
    text = (tmp_path / "scorecard-2026-10.md").read_text(encoding="utf-8")
    assert "Kartu skor kualitas prospek bulanan" in text


def test_markdown_on_stdout_by_default(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("retro", "--campaign", "review-sites", "--db", db) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Campaign retrospective")
    assert "Expected 36 leads, got 19" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("weekly", "--period", "2026-13"), "--period '2026-13'"),
        (("weekly", "--period", "2026-11"), "covers an ISO week"),
        (("weekly", "--lang", "fr"), "--lang 'fr'"),
        (("weekly", "--format", "docx"), "--format 'docx'"),
        (("weekly", "--format", "pdf"), "give --out DIR"),
        (("retro",), "needs --campaign"),
        (("retro", "--campaign", "nope"), "no run in the campaign calendar"),
    ],
)
def test_user_errors_are_one_line(
    db: str, args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(*args, "--db", db) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_ledger_stays_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "none.db"
    assert _run("qbr", "--db", f"sqlite:///{target}", "--out", str(tmp_path / "o")) == 2
    assert not target.exists() and not (tmp_path / "o").exists()
    assert "no ledger" in capsys.readouterr().err


def test_calendar_and_plan_warn_of_the_summit(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["calendar", "--from", "2027-01-01", "--db", db, "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert [c["campaign"] for c in data["campaigns"]] == ["events-jakarta-2027"]
    (warning,) = data["warnings"]
    assert warning.startswith("2027-W06: events-jakarta-2027") and "sdr-apac" in warning
    assert run(["plan", "--quarter", "2027Q1", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["calendar_warnings"] == [warning]
    assert run(["calendar", "--from", "2027-03-01", "--to", "2027-01-01", "--db", db]) == 2
    assert "is before --from" in capsys.readouterr().err
