"""The demo company: deterministic for a seed, and the planted story is in the ledger."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.demo.run import DemoReport
from revalign.demo.story import Story, story
from revalign.engine import open_engine
from revalign.ledger import open_ledger


def _build(folder: Path, contract: VersionedContract, leads: int, seed: int) -> DemoReport:
    db = f"sqlite:///{folder / 'demo.db'}"
    with open_engine(db, contract, clock=lambda: PERIOD_END) as engine:
        return build_demo(engine, contract, leads=leads, seed=seed, folder=folder / "files")


def _ledger(folder: Path) -> list[Event]:
    ledger = open_ledger(f"sqlite:///{folder / 'demo.db'}")
    try:
        return list(ledger.read())
    finally:
        ledger.close()


def content_hash(events: list[Event]) -> str:
    """Everything but recorded_at (the wall-clock time of the append)."""
    digest = hashlib.sha256()
    for e in events:
        data = e.to_dict()
        data.pop("recorded_at")
        digest.update(json.dumps(data, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoReport, Story]:
    from revalign.contract.loader import default_contract

    contract = default_contract()
    folder = tmp_path_factory.mktemp("demo")
    report = _build(folder, contract, leads=1500, seed=7)
    events = _ledger(folder)
    assert report.story == story(lambda: events, contract.contract)
    return folder, report, story(lambda: events, contract.contract)


def test_same_seed_same_ledger_other_seed_other_ledger(
    tmp_path: Path, contract: VersionedContract
) -> None:
    hashes = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        (tmp_path / name).mkdir()
        _build(tmp_path / name, contract, leads=300, seed=seed)
        hashes.append(content_hash(_ledger(tmp_path / name)))
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]


def test_funnel_is_plausible(demo: tuple[Path, DemoReport, Story]) -> None:
    _, report, _ = demo
    f = report.funnel
    assert 1400 < f["leads"] < 1500  # a few bad rows, a few same-email rows
    assert f["leads"] > f["mql"] > f["sal"] > f["sql"] > f["opportunities"] > f["won"] > 0
    assert f["rejected"] > 0 and f["disqualified"] > 0 and f["recycled"] > 0 and f["lost"] > 0
    assert 0.3 < f["mql"] / f["leads"] < 0.5
    assert 0.6 < f["sal"] / f["mql"] < 0.85  # SAL acceptance just above the 60 % flag


def test_bad_data_lands_in_rejects_files(demo: tuple[Path, DemoReport, Story]) -> None:
    folder, report, _ = demo
    by_file = {Path(r.file).name: r for r in report.files}
    assert by_file["leads.csv"].rejected > 0
    assert by_file["touches.csv"].rejected > 0
    assert by_file["costs.csv"].rejected == 1
    assert by_file["sal_reviews.csv"].rejected == 0  # sales files are all legal for the core

    def reasons(name: str) -> set[str]:
        with (folder / "files" / name).open(encoding="utf-8") as handle:
            return {row["reason"].split(" '")[0] for row in csv.DictReader(handle)}

    assert reasons("leads.rejects.csv") == {"invalid email"}
    assert "unparseable occurred_at" in reasons("touches.rejects.csv")
    assert reasons("costs.rejects.csv") == {"negative amount"}


def test_no_sales_fact_is_refused_by_the_core(demo: tuple[Path, DemoReport, Story]) -> None:
    folder, _, _ = demo
    refused = [e for e in _ledger(folder) if e.type.value == "engine.rejected"]
    assert refused == []


def test_a_paid_social_has_mql_volume_and_no_revenue(demo: tuple[Path, DemoReport, Story]) -> None:
    s = demo[2]
    assert max(s.mqls_by_channel, key=lambda c: s.mqls_by_channel[c]) == "paid_social"
    total_won = sum(s.won_by_channel.values())
    assert s.won_by_channel.get("paid_social", 0) < total_won / 20


def test_b_partner_is_small_and_wins(demo: tuple[Path, DemoReport, Story]) -> None:
    s = demo[2]
    leads = sum(s.leads_by_channel.values())
    assert s.leads_by_channel["partner"] < leads * 0.05
    assert max(s.win_rate_by_channel, key=lambda c: s.win_rate_by_channel[c]) == "partner"
    assert s.win_rate_by_channel["partner"] >= 0.45


def test_c_review_sites_mqls_are_mostly_rejected(demo: tuple[Path, DemoReport, Story]) -> None:
    s = demo[2]
    rates = s.rejection_rate_by_campaign
    assert max(rates, key=lambda c: rates[c]) == "review-sites"
    assert rates["review-sites"] > 0.6
    top = max(s.rejection_reasons["review-sites"].items(), key=lambda kv: kv[1])[0]
    assert top in ("wrong_size", "student")


def test_d_two_reps_sit_on_high_intent_leads(demo: tuple[Path, DemoReport, Story]) -> None:
    misses = demo[2].first_contact_misses_by_rep
    slow = misses.get("budi", 0) + misses.get("jake", 0)
    assert misses.get("budi", 0) >= 5 and misses.get("jake", 0) >= 5
    assert slow >= 0.8 * sum(misses.values())


def test_e_pipeline_is_short_of_coverage(demo: tuple[Path, DemoReport, Story]) -> None:
    s = demo[2]
    assert s.open_pipeline > 0
    assert s.coverage < 3.0


def test_f_one_rep_over_forecasts_by_a_wide_margin(demo: tuple[Path, DemoReport, Story]) -> None:
    forecasts = demo[2].forecast_closed_quarter
    assert len(forecasts) == 6  # every quota-carrying rep submitted for 2026Q3
    putri = forecasts["putri"]
    assert putri["won"] > 0 and putri["commit"] > 2 * putri["won"]
    others = [f for rep, f in forecasts.items() if rep != "putri" and f["won"] > 0]
    assert others and all(abs(f["commit"] - f["won"]) <= 0.3 * f["won"] for f in others)


def test_g_sales_rates_marketing_low(demo: tuple[Path, DemoReport, Story]) -> None:
    nps = demo[2].nps_by_quarter
    assert set(nps) == {"2026Q3", "2026Q4"}
    assert nps["2026Q4"]["sales_of_marketing"] < nps["2026Q3"]["sales_of_marketing"] < 0
    assert nps["2026Q4"]["marketing_of_sales"] >= 0


def test_h_one_capacity_notice_came_late(demo: tuple[Path, DemoReport, Story]) -> None:
    assert demo[2].capacity_notice_days_ahead == {"putri": 41, "jake": 7}


def test_i_event_leads_come_without_titles(demo: tuple[Path, DemoReport, Story]) -> None:
    missing = demo[2].mqls_missing_title_by_campaign
    assert list(missing) == ["events-jakarta"] and missing["events-jakarta"] >= 20


def test_j_marketing_misses_mql_volume_in_september(demo: tuple[Path, DemoReport, Story]) -> None:
    months = demo[2].mqls_vs_target_by_month
    short = [m for m, (mqls, target) in months.items() if mqls < target]
    assert short == ["2026-09"]


def test_every_metric_has_a_value_on_the_demo(demo: tuple[Path, DemoReport, Story]) -> None:
    from datetime import datetime

    from revalign.analytics.frames import frames_from_events
    from revalign.analytics.metrics import compute_metrics
    from revalign.contract.loader import default_contract

    frames = frames_from_events(_ledger(demo[0]))
    result = compute_metrics(frames, contract=default_contract().contract,
                             as_of=datetime.fromisoformat("2026-11-30T23:59:00+00:00"))  # fmt: skip
    assert [k for k, v in result.metrics.items() if v is None] == []
    assert result.details["alignment_score"]["dropped"] == {}
    assert result.metrics["forecast_bias"] > 0.2  # putri drags the team's forecast up
