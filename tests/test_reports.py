"""The meeting packs on a fixed demo: Markdown and CSV against committed snapshots, PDF text,
languages and money, and the one reading of the metrics (a window equals `--by month`).

Rewrite the snapshots with REVALIGN_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from _report_demo import AS_OF, CASES, build
from revalign.analytics.frames import load_frames
from revalign.analytics.metrics import compute_metrics
from revalign.contract.schema import VersionedContract
from revalign.ledger import open_ledger
from revalign.reports import ReportInputs, build_report, load_inputs
from revalign.reports.periods import parse
from revalign.reports.render import to_csv, to_markdown, to_pdf

SNAPSHOTS = Path(__file__).parent / "snapshots" / "reports"
UPDATE = os.environ.get("REVALIGN_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from revalign.contract.loader import default_contract

    return build(tmp_path_factory.mktemp("report-demo"), default_contract())


def _inputs(url: str, contract: VersionedContract, lang: str) -> ReportInputs:
    ledger = open_ledger(url, create=False)
    try:
        return load_inputs(ledger, contract, AS_OF, lang)  # type: ignore[arg-type]
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def inputs_en(demo_url: str) -> Iterator[ReportInputs]:
    from revalign.contract.loader import default_contract

    inputs = _inputs(demo_url, default_contract(), "en")
    yield inputs
    inputs.close()


def _check(path: Path, text: str) -> None:
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI"):
            pytest.fail(f"snapshot {path.name} is missing (set REVALIGN_UPDATE_SNAPSHOTS=1)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from its snapshot"


@pytest.mark.parametrize("kind", list(CASES))
def test_markdown_and_csv_match_the_snapshots(kind: str, inputs_en: ReportInputs) -> None:
    report = build_report(kind, inputs_en, **CASES[kind])
    _check(SNAPSHOTS / f"{kind}.md", to_markdown(report))
    tables = to_csv(report)
    assert tables, "every report has a table"
    for name, text in tables.items():
        _check(SNAPSHOTS / f"{kind}-{name}.csv", text)


_PDF_TEXT = {
    "weekly": ("Weekly pipeline pack", "Leads this week by source", "SLA compliance"),
    "scorecard": ("Monthly lead-quality scorecard", "What to celebrate and what to fix"),
    "qbr": ("Quarterly business review", "Pipeline health entering the next quarter",
            "events-jakarta-2027"),
    "retro": ("Campaign retrospective", "Review sites", "Leads per week: expected and actual"),
    "winloss": ("Win/loss analysis", "Reasons by segment", "Cycle length"),
    "content": ("Content performance", "ebook-sla-playbook", "Fintech case study"),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(CASES))
def test_pdf_has_the_page_text(kind: str, inputs_en: ReportInputs) -> None:
    pdf = to_pdf(build_report(kind, inputs_en, **CASES[kind]))
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    flat = " ".join(text.split())
    for expected in _PDF_TEXT[kind]:
        assert expected in flat, f"{expected!r} not in the {kind} PDF"
    assert "<svg" not in flat  # the charts are drawn, not printed as text


def test_indonesian_report_in_rupiah(demo_url: str) -> None:
    from revalign.contract.loader import default_contract

    base = default_contract().contract
    terms = base.model_copy(update={"currency": "IDR", "fx": base.fx.model_copy(
        update={"rates": {"USD": Decimal("16000")}})})  # fmt: skip
    inputs = _inputs(demo_url, VersionedContract(contract=terms), "id")
    try:
        text = to_markdown(build_report("qbr", inputs, period="2026Q4"))
    finally:
        inputs.close()
    assert "Tinjauan bisnis kuartalan" in text  # the title in Bahasa Indonesia
    assert "Pendapatan menang | Rp288.000.000 |" in text  # 18,000 USD × 16,000
    assert "Mata uang: IDR" in text
    assert "Quarterly business review" not in text


def test_a_window_is_the_month_of_revalign_metrics(demo_url: str, inputs_en: ReportInputs) -> None:
    """The reports' window over October equals `revalign metrics --by month`'s October."""
    from revalign.contract.loader import default_contract

    ledger = open_ledger(demo_url, create=False)
    try:
        frames = load_frames(ledger)
    finally:
        ledger.close()
    monthly = compute_metrics(frames, by="month", contract=default_contract().contract,
                              as_of=AS_OF)  # fmt: skip
    october = next(r for r in monthly.rows if r["month"] == "2026-10")
    period = parse("2026-10")
    (window,) = inputs_en.window(period.start, period.end)
    assert window, "the window has metrics"
    for name, value in window.items():
        assert value == october[name], name


def test_snapshots_are_not_empty_reports() -> None:
    """Guards the snapshot files themselves: each names its figures, none is a stub."""
    text = (SNAPSHOTS / "scorecard.md").read_text(encoding="utf-8")
    assert "| Campaign |" in text and "paid-social-q4" in text
    assert "Rp" not in text and "$" in text


def test_indonesian_markdown_matches_its_snapshot(demo_url: str) -> None:
    from revalign.contract.loader import default_contract

    inputs = _inputs(demo_url, default_contract(), "id")
    try:
        text = to_markdown(build_report("weekly", inputs, **CASES["weekly"]))
    finally:
        inputs.close()
    assert "Paket rapat pipeline mingguan" in text and "US$" in text
    _check(SNAPSHOTS / "weekly-id.md", text)
