"""The funnel as the projections see it: current stage counts and stages ever reached."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import sqlalchemy as sa

from revalign.core.state import Stage
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import leads

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
