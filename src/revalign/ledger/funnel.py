"""The funnel's stage counts and reach counts, read three ways that must agree.

`funnel_counts` reads the `leads` projection (what `revalign status` prints),
`counts_from_state` the core's FunnelState, `counts_from_frames` the analytical frames
(what the metrics read). All three follow the core's fold rules, so a refused fact counts
nowhere; tests/test_one_reading.py checks they agree on random ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import sqlalchemy as sa

from revalign.core.state import FunnelState, Stage
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import leads

if TYPE_CHECKING:
    from revalign.analytics.frames import Frames

# The conversion chain of `revalign status`: each step's share of the step before.
CHAIN: tuple[str, ...] = ("lead", "mql", "sal", "sql", "opportunity", "won")


@dataclass(frozen=True)
class FunnelCounts:
    stages: dict[str, int]  # current stage -> leads, every Stage present
    reached: dict[str, int]  # chain step -> leads that ever reached it

    def conversion(self) -> dict[str, float | None]:
        """reached[step] / reached[previous step], None when the previous step is empty."""
        out: dict[str, float | None] = {}
        for prev, step in pairwise(CHAIN):
            base = self.reached[prev]
            out[step] = self.reached[step] / base if base else None
        return out


def funnel_counts(ledger: SqlLedger) -> FunnelCounts:
    """Counts from the `leads` projection (run `revalign rebuild` if it looks stale)."""
    c = leads.c

    def ever(col: sa.ColumnElement[object]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((col.is_not(None), 1), else_=0)), 0)

    with ledger.reader() as conn:
        grouped = conn.execute(sa.select(c.stage, sa.func.count()).group_by(c.stage))
        by_stage = {str(stage): int(n) for stage, n in grouped}
        row = conn.execute(
            sa.select(
                sa.func.count(),
                ever(c.mql_at),
                ever(c.sal_at),
                ever(c.sql_at),
                ever(c.opportunity_id),
                sa.func.coalesce(sa.func.sum(sa.case((c.stage == Stage.WON.value, 1), else_=0)), 0),
            )
        ).one()
    stages = {s.value: int(by_stage.get(s.value, 0)) for s in Stage}
    reached = dict(zip(CHAIN, (int(v) for v in row), strict=True))
    return FunnelCounts(stages=stages, reached=reached)


def counts_from_state(state: FunnelState) -> FunnelCounts:
    """The same counts from the core's fold."""
    leads = list(state.leads.values())
    stages = {s.value: 0 for s in Stage}
    for lead in leads:
        stages[lead.stage.value] += 1
    reached = (
        len(leads),
        sum(1 for x in leads if x.mql_at is not None),
        sum(1 for x in leads if x.sal_at is not None),
        sum(1 for x in leads if x.sql_at is not None),
        sum(1 for x in leads if x.opportunity_id is not None),
        stages[Stage.WON.value],
    )
    return FunnelCounts(stages=stages, reached=dict(zip(CHAIN, reached, strict=True)))


def counts_from_frames(frames: Frames) -> FunnelCounts:
    """The same counts from the analytical frames."""
    leads = frames.leads
    by_stage = leads["stage"].value_counts()
    stages = {s.value: int(by_stage.get(s.value, 0)) for s in Stage}
    reached = (
        len(leads),
        int(leads["mql_at"].notna().sum()),
        int(leads["sal_at"].notna().sum()),
        int(leads["sql_at"].notna().sum()),
        int(leads["opportunity_id"].notna().sum()),
        stages[Stage.WON.value],
    )
    return FunnelCounts(stages=stages, reached=dict(zip(CHAIN, reached, strict=True)))
