"""Streaming CSV writers for the demo's input files (opened together, written row by row)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any


class CsvFiles:
    """One CSV writer per name; a file's header is its column list, rows may omit columns."""

    def __init__(self, folder: Path, columns: Mapping[str, Sequence[str]]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = {name: folder / f"{name}.csv" for name in columns}
        self._stack = ExitStack()
        self._writers: dict[str, Any] = {}
        self.counts = dict.fromkeys(columns, 0)
        for name, cols in columns.items():
            handle = self._stack.enter_context(
                self.paths[name].open("w", encoding="utf-8", newline="")
            )
            writer = csv.DictWriter(handle, fieldnames=list(cols), extrasaction="raise")
            writer.writeheader()
            self._writers[name] = writer

    def write(self, name: str, row: Mapping[str, Any]) -> None:
        self._writers[name].writerow(row)
        self.counts[name] += 1

    def __enter__(self) -> CsvFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
