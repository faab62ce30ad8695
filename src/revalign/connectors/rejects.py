"""The rejects file: every bad row with its original row number, columns and the reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from revalign.connectors.rows import NumberedRow


class RejectsWriter:
    """Writes lazily (no rejects, no file). CSV input streams; JSONL rejects are kept until
    `close` because their columns are only known once every bad row has been seen."""

    def __init__(self, path: Path, header: list[str] | None) -> None:
        self.path = path
        self.count = 0
        self._header = header
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self._held: list[tuple[int, str, dict[str, Any]]] = []
        row_col = "reject_row" if header and "row" in header else "row"
        reason_col = "reject_reason" if header and "reason" in header else "reason"
        self._extra = [row_col, reason_col]

    def add(self, row: NumberedRow, reason: str) -> None:
        self.count += 1
        if self._header is None:
            values = dict(row.values) if row.raw is None else {"raw": row.raw}
            self._held.append((row.number, reason, values))
            return
        if self._writer is None:
            self._open([*self._extra, *self._header])
        cells = [row.values.get(h, "") for h in self._header]
        extra = row.values.get("__extra__") or []  # cells beyond the header, kept as they were
        self._writer.writerow([row.number, reason, *cells, *extra])

    def _open(self, columns: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # surrogateescape: bytes that were not in the encoding are written back as they were
        self._handle = self.path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(columns)

    def close(self) -> None:
        if self._held:
            columns: dict[str, None] = {}
            for _, _, values in self._held:
                columns.update(dict.fromkeys(values))
            names = [c for c in columns if c not in self._extra]
            self._open([*self._extra, *names])
            for number, reason, values in self._held:
                cells = [_cell(values.get(c)) for c in names]
                self._writer.writerow([number, reason, *cells])
            self._held.clear()
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
