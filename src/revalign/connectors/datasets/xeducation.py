"""X Education leads (Leads.csv): reading, cleaning and translating into events.

Each row is one lead with its web behaviour, form answers and whether it converted
(became a paying customer). The file has no dates and no amounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from revalign.connectors.datasets.common import (
    UNKNOWN_CHANNEL,
    dataset_email,
    locate,
    read_csv,
    text,
)
from revalign.connectors.datasets.funnel import won_path
from revalign.core.events import Event, EventType

NAME = "xeducation"
SOURCE = f"dataset:{NAME}"
FILENAME = "Leads.csv"
TARGET = "Converted"
# The form default "Select" means the lead did not answer.
PLACEHOLDER = "Select"
NUMERIC_COLUMNS = ("TotalVisits", "Total Time Spent on Website", "Page Views Per Visit")
SCORE_COLUMNS = ("Asymmetrique Activity Score", "Asymmetrique Profile Score")
# The file has no dates: every fact is placed at this nominal instant (documented).
NOMINAL_TIME = datetime(2020, 1, 1, tzinfo=UTC)
# An Indian company; the file carries no amounts, so won deals record 0 INR.
CURRENCY = "INR"


def read_leads(path: Path) -> pd.DataFrame:
    """Leads.csv (folder or file) with "Select" as missing and behaviour columns numeric."""
    frame = read_csv(locate(path, FILENAME))
    frame = frame.replace(PLACEHOLDER, np.nan)
    for column in (*NUMERIC_COLUMNS, TARGET, *SCORE_COLUMNS):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def channel(value: object) -> str:
    """The channel from `Lead Source`: case variants merged ("google" → "Google")."""
    raw = text(value)
    if raw is None:
        return UNKNOWN_CHANNEL
    return _SPELLINGS.get(raw.casefold(), raw)


_SPELLINGS = {"google": "Google", "bing": "Bing", "welearnblog_home": "WeLearn Blog"}


def events(frame: pd.DataFrame) -> Iterator[Event]:
    """lead.captured for every lead; converted leads also walk MQL → … → won (synthesised)."""
    for row in frame.to_dict("records"):
        number = text(row.get("Lead Number"))
        if number is None:
            continue
        lead_id = f"xeducation:{number}"
        attributes = {
            "lead_origin": text(row.get("Lead Origin")),
            "occupation": text(row.get("What is your current occupation")),
            "total_visits": _number(row.get("TotalVisits")),
            "time_on_site": _number(row.get("Total Time Spent on Website")),
            "prospect_id": text(row.get("Prospect ID")),
        }
        yield Event(
            type=EventType.LEAD_CAPTURED,
            source=SOURCE,
            source_id=f"lead:{number}",
            occurred_at=NOMINAL_TIME,
            lead_id=lead_id,
            payload={
                "email": dataset_email(NAME, number),
                "source": channel(row.get("Lead Source")),
                "country": None,
                "attributes": {k: v for k, v in attributes.items() if v is not None},
            },
        )
        if row.get(TARGET) == 1:
            yield from won_path(
                SOURCE,
                record=number,
                lead_id=lead_id,
                opportunity_id=f"xeducation:{number}:enrolment",
                start=NOMINAL_TIME + timedelta(seconds=1),
                won_at=NOMINAL_TIME + timedelta(seconds=10),
                amount=Decimal(0),
                currency=CURRENCY,
            )


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)  # type: ignore[arg-type]
