"""X Education leads (Leads.csv): reading, cleaning and translating into events.

Each row is one lead with its web behaviour, form answers and whether it converted
(became a paying customer). The file has no dates and no amounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from revalign.connectors.datasets import funnel
from revalign.connectors.datasets.common import (
    UNKNOWN_CHANNEL,
    Rejected,
    guarded,
    locate,
    read_csv,
    records,
    text,
)
from revalign.contract.schema import Contract
from revalign.core.events import Event
from revalign.errors import InputError

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


# Only case variants are merged (to the spelling most rows use); other values are kept as is.
_SPELLINGS = {"google": "Google"}


def events(frame: pd.DataFrame, contract: Contract) -> Iterator[Event | Rejected]:
    """lead.captured for every lead; a converted lead also walks MQL → … → won (synthesised)."""
    framework = contract.qualification.framework
    for row in records(frame):
        number = text(row.get("Lead Number"))
        if number is None:
            yield Rejected("(no Lead Number)", "lead row without Lead Number")
            continue
        yield from guarded(number, partial(_record, number, row, framework))


def _record(number: str, row: dict[str, Any], framework: str) -> list[Event]:
    lead = f"xeducation:{number}"
    attributes = {
        "lead_origin": text(row.get("Lead Origin")),
        "occupation": text(row.get("What is your current occupation")),
        "country_name": text(row.get("Country")),
        "city": text(row.get("City")),
        "total_visits": _number(row.get("TotalVisits")),
        "time_on_site": _number(row.get("Total Time Spent on Website")),
        "prospect_id": text(row.get("Prospect ID")),
    }
    kept = {k: v for k, v in attributes.items() if v is not None}
    source_channel = channel(row.get("Lead Source"))
    out = [
        funnel.captured(
            SOURCE, NAME, number, lead, NOMINAL_TIME, source_channel, kept, funnel.NOMINAL
        )
    ]
    converted = row.get(TARGET)
    if converted not in (0, 1):
        raise InputError(f"lead {number}: Converted must be 0 or 1, not {converted!r}")
    if converted == 1:
        start = NOMINAL_TIME + funnel.STEP
        deal = funnel.Deal(
            record=number,
            lead_id=lead,
            opportunity_id=f"{lead}:enrolment",
            start=start,
            amount=Decimal(0),
            currency=CURRENCY,
        )
        out.append(funnel.mql(SOURCE, number, lead, start))
        out.extend(funnel.to_opportunity(SOURCE, deal, framework))
        out.append(funnel.won(SOURCE, deal, start + 10 * funnel.STEP))
    return out


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


read = read_leads  # the adapter interface: read(path) then events(data, framework)
