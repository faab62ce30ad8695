"""The typed data model every report builds and every renderer reads.

A report is sections of text, tables and charts. Table cells keep their raw values (Decimal
money, float rates, ints, dates); renderers format them per language, so the CSV keeps
machine values and the Markdown, HTML and PDF read like the language chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from revalign.charts import ChartSpec

# "unit": the row's own `unit` key says (a table of mixed metrics)
CellKind = Literal["text", "count", "money", "rate", "number", "date", "days", "hours", "unit"]
ReportKind = Literal["weekly", "scorecard", "qbr", "retro", "winloss", "content"]
REPORT_KINDS: tuple[ReportKind, ...] = ("weekly", "scorecard", "qbr", "retro", "winloss", "content")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: CellKind = "text"


@dataclass(frozen=True)
class Table:
    """One table: `name` is its CSV file stem; a None cell is unknown (—), never 0."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    empty: str = ""  # what to say when there is no row
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[ChartSpec, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole meeting pack."""

    kind: ReportKind
    title: str
    period: str  # the period's name, or the campaign's run
    lang: str
    currency: str
    as_of: datetime
    contract_version: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]
