"""A fixed small demo for the report tests: seed 7, 300 leads, clock at the period end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from revalign.contract.schema import VersionedContract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine

LEADS, SEED = 300, 7
AS_OF = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
# Each report with the period (or campaign) its snapshot covers: periods with data in them.
CASES: dict[str, dict[str, str]] = {
    "weekly": {"period": "2026-W47"},
    "scorecard": {"period": "2026-10"},
    "qbr": {"period": "2026Q4"},
    "retro": {"campaign": "review-sites"},
    "winloss": {"period": "2026"},
    "content": {"period": "2026"},
}


def build(folder: Path, contract: VersionedContract) -> str:
    """The demo's ledger URL, built into `folder`."""
    url = f"sqlite:///{folder / 'demo.db'}"
    with open_engine(url, contract, clock=lambda: PERIOD_END) as engine:
        build_demo(engine, contract, leads=LEADS, seed=SEED, folder=folder / "files")
    return url
