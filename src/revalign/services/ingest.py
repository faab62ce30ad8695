"""Uploads and batches of source facts: the same translators as `revalign ingest`.

A file upload (CSV / JSONL of any ingest kind) goes through `ingest_file` with a submitter
that stamps the caller's audit record on every source event; the rejects (row, reason) come
back in the answer. A batch of source facts is idempotent by (source, source_id).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.connectors.csv_ingest import KINDS, SubmitResult, ingest_file
from revalign.connectors.state_lookup import EngineLookup
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.lifecycle import DERIVED_ONLY
from revalign.core.payloads import validate_payload
from revalign.errors import InputError
from revalign.services.audit import stamped
from revalign.services.team import check_period
from revalign.services.views import IngestView, SubmitView

if TYPE_CHECKING:
    from revalign.engine import Engine

# A kind that only one team's data makes needs that team's permission, not the full ingest.
KIND_ACTIONS: dict[str, Action] = {"leads": Action.LEAD_IMPORT, "costs": Action.COST_WRITE}
FORMATS = ("csv", "jsonl")


class AuditedSubmitter:
    """The engine's `submit`, with the caller's audit record on every source event."""

    def __init__(self, engine: Engine, caller: Caller) -> None:
        self._engine = engine
        self._caller = caller

    def submit(self, events: Sequence[Event]) -> SubmitResult:
        marked = [replace(e, payload=stamped(e.payload, self._caller)) for e in events]
        return self._engine.submit(marked)


def kind_action(kind: str) -> Action:
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r} (use {', '.join(KINDS)})")
    return KIND_ACTIONS.get(kind, Action.INGEST)


def _rejects(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return [dict(r) for r in csv.DictReader(f)]


def upload(engine: Engine, caller: Caller, kind: str, data: bytes, *, fmt: str = "csv",
           source: str | None = None, now: datetime | None = None) -> IngestView:  # fmt: skip
    """Ingest one uploaded file of `kind`; good rows are stored, bad rows come back."""
    require(caller, kind_action(kind))
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}: use csv or jsonl")
    with tempfile.TemporaryDirectory(prefix="revalign-upload-") as tmp:
        path = Path(tmp) / f"upload.{fmt}"
        path.write_bytes(data)
        rejects = Path(tmp) / "rejects.csv"
        report = ingest_file(
            path, kind, AuditedSubmitter(engine, caller), engine.contract,
            lookup=EngineLookup(engine), fmt=fmt, source=source or f"api:{kind}",
            rejects_path=rejects, now=now,
        )  # fmt: skip
        found = _rejects(rejects)
    body = report.to_dict()
    body.update(file="upload", rejects_file=None)
    return IngestView(kind=kind, report=body, rejects=found)


def submit_events(engine: Engine, caller: Caller, events: Sequence[Event]) -> SubmitView:
    """Append a batch of source facts (validated, audited); repeats change nothing."""
    require(caller, Action.INGEST)
    checked: list[Event] = []
    for i, e in enumerate(events):
        if e.source == SOURCE_ENGINE or e.type in DERIVED_ONLY or e.type == EventType.PERSON_ERASED:
            raise InputError(f"events[{i}]: {e.type.value} from {e.source!r} cannot be submitted")
        payload = validate_payload(e.type, e.payload)
        if e.type in (EventType.FORECAST_SUBMITTED, EventType.TARGET_SET):
            check_period(str(payload.get("period")), f"events[{i}].payload.period")
        checked.append(replace(e, payload=stamped(payload, caller)))
    report = engine.submit(checked)
    state = engine.state
    refused = [
        {"source": e.source, "source_id": e.source_id, "reason": state.refused[e.id]}
        for e in checked
        if e.id in state.refused
    ]
    return SubmitView(new=report.new, duplicates=report.duplicates, derived=report.derived,
                      refused=refused)  # fmt: skip
