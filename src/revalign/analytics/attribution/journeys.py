"""Journeys as flat arrays: one row per touch, sorted by journey then time.

Every model works on these arrays (numpy / pandas), never on Python loops per touch.
A journey that has no touch left (e.g. after the lookback window) carries no credit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from revalign.errors import InputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Journeys:
    """Touches of many journeys, as parallel arrays.

    `journey[i]` is the journey code (0..n_journeys-1) of touch i, `channel[i]` its channel
    code (index into `channels`), `days_before_end[i]` how long before the journey's end
    (conversion, or last touch) it happened. Per journey: `converted`, `value` (revenue of a
    converting journey). `lead_pos` / `opp_pos` are the positions of the lead-creation (or
    MQL) touch and the opportunity-creation touch inside each journey when known (-1 unknown).
    """

    channels: tuple[str, ...]
    journey: IntArray
    channel: IntArray
    days_before_end: FloatArray
    converted: BoolArray
    value: FloatArray
    lead_pos: IntArray | None = None
    opp_pos: IntArray | None = None

    @property
    def n_journeys(self) -> int:
        return len(self.converted)

    @property
    def n_touches(self) -> int:
        return len(self.journey)

    def position(self) -> tuple[IntArray, IntArray]:
        """(position of each touch in its journey, length of its journey), vectorised."""
        counts = np.bincount(self.journey, minlength=self.n_journeys).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        pos = np.arange(self.n_touches, dtype=np.int64) - starts[self.journey]
        return pos, counts[self.journey]

    def with_lookback(self, days: float | None) -> Journeys:
        """Only touches within `days` before the journey's end; emptied journeys drop out."""
        if days is None:
            return self
        if days < 0:
            raise InputError(f"lookback must be >= 0 days, got {days}")
        keep = self.days_before_end <= days
        return self._subset(keep)

    def _subset(self, keep: BoolArray) -> Journeys:
        journey = self.journey[keep]
        alive = np.bincount(journey, minlength=self.n_journeys) > 0
        new_code = np.cumsum(alive) - 1
        pos, _ = self.position()
        first_kept = _first_kept_pos(self.journey, pos, keep, self.n_journeys)

        def shift(p: IntArray | None) -> IntArray | None:
            if p is None:
                return None
            moved = p - first_kept
            return np.where((p >= 0) & (moved >= 0), moved, -1)[alive]

        return Journeys(
            channels=self.channels,
            journey=new_code[journey].astype(np.int64),
            channel=self.channel[keep],
            days_before_end=self.days_before_end[keep],
            converted=self.converted[alive],
            value=self.value[alive],
            lead_pos=shift(self.lead_pos),
            opp_pos=shift(self.opp_pos),
        )


def _first_kept_pos(journey: IntArray, pos: IntArray, keep: BoolArray, n: int) -> IntArray:
    """Per journey, the old position of its first kept touch (touches are dropped only
    from the front by a lookback, so positions shift by this much)."""
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, journey[keep], pos[keep])
    return first


def journeys_from_touches(touches: pd.DataFrame) -> Journeys:
    """Build Journeys from a touch table.

    Columns: journey_id, occurred_at (tz-aware or naive datetimes, one zone), channel,
    converted (bool), value (float, per touch, same on every row of a journey), optional
    end_at (the conversion time; default: the journey's last touch), lead_at and opp_at
    (milestone times: the last touch at or before each is the milestone touch).
    """
    if touches.empty:
        empty = np.zeros(0, dtype=np.int64)
        return Journeys((), empty, empty, np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0))
    df = touches.copy()
    for column in ("occurred_at", "end_at", "lead_at", "opp_at"):
        if column in df:
            df[column] = _naive_utc(df[column])
    df = df.sort_values(["journey_id", "occurred_at"], kind="stable")
    jcodes, _ = pd.factorize(df["journey_id"], sort=False)
    chan_codes, chan_names = pd.factorize(df["channel"].astype(str), sort=True)
    per_journey = df.groupby(jcodes, sort=True)
    end = per_journey["end_at"].first() if "end_at" in df else per_journey["occurred_at"].max()
    end_per_touch = end.to_numpy()[jcodes]
    days = (end_per_touch - df["occurred_at"].to_numpy()) / np.timedelta64(1, "D")
    journey = jcodes.astype(np.int64)
    pos = np.arange(len(df)) - np.searchsorted(journey, journey, side="left")
    return Journeys(
        channels=tuple(str(c) for c in chan_names),
        journey=journey,
        channel=chan_codes.astype(np.int64),
        days_before_end=np.asarray(days, dtype=np.float64),
        converted=per_journey["converted"].first().to_numpy(dtype=bool),
        value=per_journey["value"].first().to_numpy(dtype=np.float64),
        lead_pos=_milestone_pos(df, "lead_at", journey, pos),
        opp_pos=_milestone_pos(df, "opp_at", journey, pos),
    )


def _milestone_pos(
    df: pd.DataFrame, column: str, journey: IntArray, pos: IntArray
) -> IntArray | None:
    """Position of the last touch at or before the milestone time; -1 when none or unknown."""
    if column not in df:
        return None
    n = int(journey.max()) + 1 if len(journey) else 0
    at = df[column].to_numpy()
    before = ~pd.isna(at) & (df["occurred_at"].to_numpy() <= at)
    out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(out, journey[before], pos[before])
    return out


def _naive_utc(column: pd.Series) -> pd.Series:
    """Datetimes as naive UTC datetime64 (fast numpy arithmetic); naive input is taken as UTC."""
    values = pd.to_datetime(column, utc=True)
    return values.dt.tz_localize(None).astype("datetime64[ns]")
