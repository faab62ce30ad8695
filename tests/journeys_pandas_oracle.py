"""The journeys reader as it was before DuckDB (pandas, row by row checks): the test oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from revalign.analytics.attribution.journeys import journeys_from_touches

# the result types are the product's: the oracle restates how a file is read, not what it gives
from revalign.analytics.attribution.journeys_file import JourneysFile, RejectedRow
from revalign.errors import InputError

REQUIRED = ("journey_id", "occurred_at", "channel", "converted")
_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def read_journeys_csv(path: Path) -> JourneysFile:  # the original implementation
    """Parse the file; raise InputError if it is unreadable, lacks columns or is inconsistent."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read journeys file: {exc}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (need {REQUIRED})")
    touches, rejected = _clean(raw)
    if touches.empty:
        detail = (
            f"; first problem: line {rejected[0].line}: {rejected[0].reason}" if rejected else ""
        )
        raise InputError(f"{path}: no usable touch rows{detail}")
    _check_converted_consistent(path, touches)
    touches["value"] = touches.groupby("journey_id")["value"].transform("max").fillna(0.0)
    return JourneysFile(journeys_from_touches(touches), rejected, len(raw))


def _clean(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[RejectedRow]]:
    journey_id = raw["journey_id"].str.strip()
    channel = raw["channel"].str.strip()
    occurred = pd.to_datetime(raw["occurred_at"], errors="coerce", utc=True, format="ISO8601")
    flag = raw["converted"].str.strip().str.lower()
    value_text = raw["value"].str.strip() if "value" in raw else pd.Series("", index=raw.index)
    value = pd.to_numeric(value_text.where(value_text != ""), errors="coerce")
    checks = [
        (journey_id == "", "journey_id is empty"),
        (occurred.isna(), "occurred_at is not an ISO 8601 time"),
        (channel == "", "channel is empty"),
        (~flag.isin(_TRUE | _FALSE), "converted must be 0 or 1"),
        ((value_text != "") & (value.isna() | (value < 0)), "value must be a number >= 0"),
    ]
    reason = pd.Series("", index=raw.index)
    for bad, text in checks:
        reason = reason.where(~(bad & (reason == "")), text)
    bad_rows = reason != ""
    rejected = [
        RejectedRow(line=int(i) + 2, reason=str(r))
        for i, r in zip(np.flatnonzero(bad_rows.to_numpy()), reason[bad_rows], strict=True)
    ]
    keep = ~bad_rows
    touches = pd.DataFrame(
        {
            "journey_id": journey_id[keep],
            "occurred_at": occurred[keep],
            "channel": channel[keep],
            "converted": flag[keep].isin(_TRUE),
            "value": value[keep].astype(np.float64),
        }
    )
    return touches, rejected


def _check_converted_consistent(path: Path, touches: pd.DataFrame) -> None:
    spread = touches.groupby("journey_id")["converted"].nunique()
    mixed = spread[spread > 1]
    if len(mixed):
        names = ", ".join(repr(str(n)) for n in mixed.index[:5])
        more = f" and {len(mixed) - 5} more" if len(mixed) > 5 else ""
        raise InputError(
            f"{path}: journey {names}{more}: converted differs between rows "
            "(it must be the same 0/1 on every row of a journey)"
        )
