"""Ingest a CSV, JSONL or Excel file: translate its rows into events, submit them in batches.

    report = ingest_file(Path("leads.csv"), "leads", engine, contract)

Good rows become events; bad rows go to the rejects file with their row number and reason,
and so do rows whose facts the funnel refused (`engine.rejected`), once their batch is in.
The file is streamed and events are submitted in batches, so memory stays flat. Every
event's key is (source, stable row key): ingesting the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from revalign.connectors import headers, readers, rows
from revalign.connectors.base import DEFAULT_FUTURE_TOLERANCE, Context, StateLookup
from revalign.connectors.inbound import Inbound
from revalign.connectors.refusals import Refusal, RefusalSource
from revalign.connectors.rejects import RejectsWriter
from revalign.connectors.translate_activity import StageTranslator, TouchTranslator
from revalign.connectors.translate_calendar import CampaignTranslator, ContentTranslator
from revalign.connectors.translate_deals import CostTranslator, OpportunityTranslator
from revalign.connectors.translate_fx import FxTranslator
from revalign.connectors.translate_leads import LeadTranslator
from revalign.connectors.translate_team import ForecastTranslator, SurveyTranslator
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.errors import InputError
from revalign.gcpause import gc_paused

BATCH_SIZE = 5000
KINDS = ("leads", "touches", "opportunities", "costs", "stages", "forecasts", "surveys", "fx",
         "campaigns", "content")  # fmt: skip
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
    "campaigns": (("campaign",), ("start",), ("end",), ("expected_leads",)),
    "content": (("content",),),
}

Progress = Callable[[int, int], None]  # (bytes or Excel rows read, total)
REFUSED = "refused by the funnel: "  # the rejects file's reason for a refused fact


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
    accepted: int  # rows stored with every fact accepted by the funnel
    rejected: int  # rows that could not be read or translated
    new_events: int
    duplicates: int  # source events already in the ledger
    unchanged: int  # good rows that added nothing (a lead row equal to what is known)
    derived: int  # events the engine derived (scores, MQLs, clocks...)
    rejects_file: str | None
    refused: int = 0  # rows stored whose fact the funnel refused (engine.rejected)
    refusals: list[Refusal] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["refusals"] = [r.to_dict() for r in self.refusals]
        return data


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a real export: format, encoding, delimiter and column map."""

    fmt: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    column_map: Mapping[str, str] = field(default_factory=dict)
    map_file: Path | None = None


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
        "campaigns": CampaignTranslator,
        "content": ContentTranslator,
    }
    if kind not in makers:
        raise InputError(f"unknown kind {kind!r} (use {', '.join(KINDS)})")
    return makers[kind](ctx)


def default_rejects_path(path: Path) -> Path:
    """`<stem>.rejects.csv` beside the input."""
    return path.with_name(f"{path.stem}.rejects.csv")


def _check_header(path: Path, kind: str, header: list[str], fields: Mapping[str, str]) -> None:
    present = set(fields.values())
    for group in _HEADER_NEEDS.get(kind, ()):
        if not any(name in present for name in group):
            names = " or ".join(group)
            also = [s for name in group for s in headers.also_accepted(kind, name)][:6]
            hint = f" (also read as {', '.join(also)})" if also else ""
            raise InputError(
                f"{path}: a {kind} file needs a column {names}{hint}; found {header}; "
                "name yours with --map FILE (their_column: our_field)"
            )


class _Renamer:
    """Row values by our field names; JSONL keys are matched lazily, one time each."""

    def __init__(self, kind: str, header: list[str] | None, opts: ReadOptions) -> None:
        self._kind, self._map = kind, opts.column_map
        self.fields = headers.column_names(kind, header, opts.column_map) if header else {}

    def __call__(self, values: rows.Row) -> rows.Row:
        names = self.fields
        if any(k not in names for k in values):
            names.update(
                (k, headers.column_names(self._kind, [k], self._map)[k])
                for k in values
                if k not in names
            )
        return {names[k]: v for k, v in values.items()}


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
    read: ReadOptions | None = None,
    now: datetime | None = None,
    future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE,
    refusals: RefusalSource | None = None,
) -> IngestReport:
    """Translate every row of `path` and submit the events; bad rows go to the rejects file.

    `now` (default: the wall clock) bounds the facts: later than now + `future_tolerance` is
    a bad row. `refusals` (default: `lookup`, when it can tell) reports refused facts.
    """
    opts = read or ReadOptions(fmt=fmt)
    headers.check_map(kind, opts.column_map, opts.map_file)
    at = now if now is not None else datetime.now(UTC)
    ctx = Context.create(
        source or f"file:{kind}", contract, lookup, now=at, future_tolerance=future_tolerance
    )
    translator = translator_for(kind, ctx)
    file_format = readers.detect_format(path, opts.fmt or fmt)
    refused_by = refusals or (lookup if isinstance(lookup, RefusalSource) else None)
    out = rejects_path or default_rejects_path(path)
    rows_read = unchanged = 0
    with readers.open_table(
        path, file_format, encoding=opts.encoding, delimiter=opts.delimiter
    ) as table:
        rename = _Renamer(kind, table.header, opts)
        if table.header is not None:
            _check_header(path, kind, table.header, rename.fields)
        rejects = RejectsWriter(out, table.header)

        def flushed() -> None:
            translator.submitted()
            if progress is not None:
                progress(table.done(), table.total)

        inbound: Inbound[rows.NumberedRow] = Inbound(
            submitter,
            refusals=refused_by,
            batch_size=batch_size,
            on_refused=lambda row, refusal: rejects.add(row, REFUSED + refusal.reason),
            on_flush=flushed,
        )
        try:
            with gc_paused():  # the engine's state is 10^6 objects a collection would re-scan
                for row in table.rows:
                    rows_read += 1
                    try:
                        events = _translate(translator, row, rename)
                    except rows.RowError as exc:
                        rejects.add(row, str(exc))
                        continue
                    unchanged += not events
                    inbound.add(row, row.number, events)
                inbound.flush()
        finally:
            rejects.close()
    refused_rows = inbound.refused_origins
    bad_rows = rejects.count - refused_rows
    return IngestReport(
        file=str(path),
        kind=kind,
        rows=rows_read,
        accepted=rows_read - bad_rows - refused_rows,
        rejected=bad_rows,
        new_events=inbound.new,
        duplicates=inbound.duplicates,
        unchanged=unchanged,
        derived=inbound.derived,
        rejects_file=str(out) if rejects.count else None,
        refused=refused_rows,
        refusals=inbound.refusals,
    )


def _translate(translator: Translator, row: rows.NumberedRow, rename: _Renamer) -> list[Event]:
    """The events of one row, or RowError with the reason it cannot be read."""
    if row.error is not None:
        raise rows.RowError(row.error)
    if row.raw is not None:
        raise rows.RowError("not a JSON object")
    if "__extra__" in row.values:
        raise rows.RowError("the row has more cells than the header")
    return translator.translate(rename(row.values))
