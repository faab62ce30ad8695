"""The filters every page takes from its URL: period, team, rep, channel, campaign, segment,
plus `as_of` (the moment "now" means) and `by` (the breakdown)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from revalign.analytics.metrics.select import Selection
from revalign.auth import Caller, Role
from revalign.errors import InputError

KEYS = ("period", "team", "rep", "channel", "campaign", "segment", "as_of")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def period_months(period: str) -> tuple[str, ...]:
    """'2026-11' → ('2026-11',); '2026Q4' → the quarter's three months; '' → ()."""
    if not period:
        return ()
    if _MONTH.match(period):
        return (period,)
    q = _QUARTER.match(period)
    if q is None:
        raise InputError(f"period {period!r}: use a month (2026-11) or a quarter (2026Q4)")
    year, quarter = int(q.group(1)), int(q.group(2))
    return tuple(f"{year}-{m:02d}" for m in range(3 * quarter - 2, 3 * quarter + 1))


@dataclass(frozen=True)
class Filters:
    period: str = ""
    team: str = ""
    rep: str = ""
    channel: str = ""
    campaign: str = ""
    segment: str = ""
    as_of: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str], caller: Caller) -> Filters:
        values = {k: (query.get(k) or "").strip() for k in KEYS}
        f = cls(**values)
        period_months(f.period)  # validates
        f.moment()
        # a rep's numbers are their own (DESIGN.md: a rep sees own leads)
        return replace(f, rep=caller.rep_id or "-") if caller.role == Role.REP else f

    def moment(self) -> datetime:
        if not self.as_of:
            # "now" moves every second; the hour keeps the cached snapshot (runtime.py) useful
            return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        try:
            when = datetime.fromisoformat(self.as_of)
        except ValueError as e:
            raise InputError(f"as_of {self.as_of!r}: use an ISO moment (2026-11-30T23:59)") from e
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    def selection(self) -> Selection:
        return Selection(
            channel=self.channel or None, campaign=self.campaign or None,
            segment=self.segment or None, team=self.team or None, rep=self.rep or None,
            months=period_months(self.period),
        )  # fmt: skip

    def query(self, **extra: str) -> str:
        """The query string of these filters (empty ones left out), plus `extra`."""
        items = {k: getattr(self, k) for k in KEYS}
        items.update(extra)
        return urlencode({k: v for k, v in items.items() if v})
