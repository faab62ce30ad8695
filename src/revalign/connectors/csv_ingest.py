"""Ingest a CSV or JSONL file: translate its rows into events, submit them in batches.

    report = ingest_file(Path("leads.csv"), "leads", engine, contract)

Good rows become events; bad rows go to the rejects file with their row number and reason.
The file is streamed and events are submitted in batches, so memory stays flat. Every
event's key is (source, stable row key): ingesting the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from revalign.connectors import rows
from revalign.connectors.base import Context, StateLookup
from revalign.connectors.rejects import RejectsWriter
from revalign.connectors.translate_activity import StageTranslator, TouchTranslator
from revalign.connectors.translate_deals import CostTranslator, OpportunityTranslator
from revalign.connectors.translate_fx import FxTranslator
from revalign.connectors.translate_leads import LeadTranslator
from revalign.connectors.translate_team import ForecastTranslator, SurveyTranslator
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.errors import InputError

BATCH_SIZE = 5000
KINDS = ("leads", "touches", "opportunities", "costs", "stages", "forecasts", "surveys", "fx")
# A file must name at least one column of each group (else it is the wrong file or --kind).
_HEADER_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "leads": (("email",), ("created_at",)),
    "touches": (("email", "lead_id"), ("occurred_at",), ("kind",)),
    "stages": (("email", "lead_id"), ("occurred_at",), ("event",), ("by",)),
    "opportunities": (("opportunity_id",), ("created_at",), ("amount",)),
    "costs": (("campaign",), ("amount",), ("period_start",), ("period_end",)),
    "forecasts": (("period", "quarter"), ("by",), ("commit", "best_case"), ("submitted_at",)),
    "surveys": (("respondent",), ("team", "side"), ("score",), ("asked_at",)),
    "fx": (("date",), ("currency",), ("rate",)),
}

Progress = Callable[[int, int], None]  # (bytes read, total bytes)


class Translator(Protocol):
    def translate(self, row: rows.Row) -> list[Event]: ...

    def submitted(self) -> None: ...


class SubmitResult(Protocol):
    @property
    def new(self) -> int: ...

    @property
    def duplicates(self) -> int: ...

    @property
    def derived(self) -> int: ...


class Submitter(Protocol):
    """What ingest needs from the engine: append source events (idempotently) and run them."""

    def submit(self, events: Sequence[Event]) -> SubmitResult: ...


@dataclass(frozen=True, slots=True)
class IngestReport:
    file: str
    kind: str
    rows: int
    accepted: int
    rejected: int
    new_events: int
    duplicates: int  # source events already in the ledger
    unchanged: int  # good rows that added nothing (a lead row equal to what is known)
    derived: int  # events the engine derived (scores, MQLs, clocks...)
    rejects_file: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def translator_for(kind: str, ctx: Context) -> Translator:
    makers: dict[str, Callable[[Context], Translator]] = {
        "leads": LeadTranslator,
        "touches": TouchTranslator,
        "opportunities": OpportunityTranslator,
        "costs": CostTranslator,
        "stages": StageTranslator,
        "forecasts": ForecastTranslator,
        "surveys": SurveyTranslator,
        "fx": FxTranslator,
    }
    if kind not in makers:
        raise InputError(f"unknown kind {kind!r} (use {', '.join(KINDS)})")
    return makers[kind](ctx)


def default_rejects_path(path: Path) -> Path:
    """`<stem>.rejects.csv` beside the input."""
    return path.with_name(f"{path.stem}.rejects.csv")


def _check_header(path: Path, kind: str, header: list[str]) -> None:
    for group in _HEADER_NEEDS[kind]:
        if not any(name in header for name in group):
            names = " or ".join(group)
            raise InputError(f"{path}: a {kind} file needs a column {names}; found {header}")


def ingest_file(
    path: Path,
    kind: str,
    submitter: Submitter,
    contract: VersionedContract,
    *,
    lookup: StateLookup | None = None,
    fmt: str | None = None,
    source: str | None = None,
    rejects_path: Path | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> IngestReport:
    """Translate every row of `path` and submit the events; bad rows go to the rejects file."""
    ctx = Context.create(source or f"file:{kind}", contract, lookup)
    translator = translator_for(kind, ctx)
    file_format = rows.detect_format(path, fmt)
    handle, counter = rows.open_text(path)
    total_bytes = path.stat().st_size
    out = rejects_path or default_rejects_path(path)
    tally = {"rows": 0, "accepted": 0, "new": 0, "duplicates": 0, "unchanged": 0, "derived": 0}
    batch: list[Event] = []

    def flush() -> None:
        if batch:
            result = submitter.submit(batch)
            tally["new"] += result.new
            tally["duplicates"] += result.duplicates
            tally["derived"] += result.derived
            batch.clear()
        translator.submitted()
        if progress is not None:
            progress(counter.bytes_read, total_bytes)

    with handle:
        if file_format == "csv":
            header, numbered = rows.csv_rows(handle, path)
            _check_header(path, kind, header)
            rejects = RejectsWriter(out, header)
        else:
            numbered = rows.jsonl_rows(handle, path)
            rejects = RejectsWriter(out, None)
        try:
            for row in numbered:
                tally["rows"] += 1
                try:
                    if row.raw is not None:
                        raise rows.RowError("not a JSON object")
                    if "__extra__" in row.values:
                        raise rows.RowError("the row has more cells than the header")
                    events = translator.translate(row.values)
                except rows.RowError as exc:
                    rejects.add(row, str(exc))
                    continue
                tally["accepted"] += 1
                tally["unchanged"] += not events
                batch.extend(events)
                if len(batch) >= batch_size:
                    flush()
            flush()
        finally:
            rejects.close()
    return IngestReport(
        file=str(path),
        kind=kind,
        rows=tally["rows"],
        accepted=tally["accepted"],
        rejected=rejects.count,
        new_events=tally["new"],
        duplicates=tally["duplicates"],
        unchanged=tally["unchanged"],
        derived=tally["derived"],
        rejects_file=str(out) if rejects.count else None,
    )
