"""Read CSV, JSONL and Excel files row by row, as real exports come.

    table = open_table(Path("export.csv"), encoding=None, delimiter=None)
    with table:
        for row in table.rows: ...   # NumberedRow(number, values by the file's columns)

Readers stream: one row at a time with its original row number, never the whole file.
Text is UTF-8 with or without a BOM (UTF-16 when it starts with a UTF-16 BOM) unless
`encoding` says otherwise. Bytes that are not in
the encoding do not refuse the file: they are kept (surrogate escapes) and that row carries
`error`, so the ingest rejects it with its row number and keeps the rest. The CSV delimiter
is `,` `;` tab or `|`, whichever the header line uses most, unless `delimiter` is given.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

from revalign.connectors.rows import NumberedRow, Row
from revalign.errors import InputError

Format = Literal["csv", "jsonl", "xlsx"]
DELIMITERS = (",", ";", "\t", "|")
_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
}  # fmt: skip
_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}


def detect_format(path: Path, explicit: str | None = None) -> Format:
    """The file format from `--format` or the extension (.csv, .tsv, .jsonl, .xlsx…)."""
    if explicit:
        name = explicit.lower()
        if name not in ("csv", "jsonl", "xlsx"):
            raise InputError(f"unknown format {explicit!r} (use csv, jsonl or xlsx)")
        return "csv" if name == "csv" else "jsonl" if name == "jsonl" else "xlsx"
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"{path}: cannot tell the format from {path.suffix!r}; pass --format")
    return found


def text_encoding(name: str | None) -> str:
    """The codec to read with: UTF-8 drops an Excel BOM; an unknown name is an InputError."""
    if name is None:
        return "utf-8-sig"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise InputError(f"unknown encoding {name!r} (e.g. utf-8, cp1252, latin-1)") from None
    return "utf-8-sig" if codec in ("utf-8", "utf-8-sig") else codec


def delimiter_of(explicit: str | None, header_line: str) -> str:
    """`--delimiter` (a character or comma/semicolon/tab/pipe), else the most used candidate."""
    if explicit is not None:
        value = _DELIMITER_NAMES.get(explicit.lower(), explicit)
        if len(value) != 1:
            raise InputError("--delimiter must be one character or comma|semicolon|tab|pipe")
        return value
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier (comma first)
    return best if counts[best] else ","


def bad_bytes(cells: Any, encoding: str) -> str | None:
    """Why a row read with surrogate escapes is not in `encoding`, or None when it is."""
    for column, value in cells:
        if not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            byte = ord(exc.object[exc.start]) - 0xDC00
            where = f" in column {column!r}" if column is not None else ""
            name = "UTF-8" if encoding == "utf-8-sig" else encoding
            return (
                f"not valid {name}: byte 0x{byte:02x}{where} "
                "(pass --encoding, e.g. cp1252, if the file uses another)"
            )
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ByteCounter(io.RawIOBase):
    """A raw reader that counts the bytes read so far (for progress bars over streamed files)."""

    def __init__(self, raw: io.FileIO) -> None:
        self._raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self.bytes_read += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass
class Table:
    """An open file: its header (None for JSONL), its rows, and how far reading has got."""

    header: list[str] | None
    rows: Iterator[NumberedRow]
    total: int  # bytes (text files) or rows (Excel), for progress
    done: Any  # () -> int: bytes or rows read so far
    closers: list[Any] = field(default_factory=list)

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        for close in self.closers:
            close()


def open_table(
    path: Path, fmt: Format, *, encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Open `path` for streaming; a missing or unreadable file is an InputError."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if fmt == "xlsx":
        return _xlsx_table(path)
    codec = text_encoding(encoding)
    if encoding is None and _utf16_bom(path):
        codec = "utf-16"  # Excel's "Unicode text" export: UTF-16 with a BOM, tab-delimited
    counter = ByteCounter(io.FileIO(path, "r"))
    handle: IO[str] = io.TextIOWrapper(
        io.BufferedReader(counter), encoding=codec, errors="surrogateescape", newline=""
    )
    size = path.stat().st_size
    try:
        if fmt == "jsonl":
            rows = _jsonl_rows(handle, path, codec)
            return Table(None, rows, size, lambda: counter.bytes_read, [handle.close])
        header, rows = _csv_rows(handle, path, codec, delimiter)
    except BaseException:
        handle.close()
        raise
    return Table(header, rows, size, lambda: counter.bytes_read, [handle.close])


def _utf16_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4)
    return head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and head != codecs.BOM_UTF32_LE


def _csv_rows(
    handle: IO[str], path: Path, codec: str, delimiter: str | None
) -> tuple[list[str], Iterator[NumberedRow]]:
    first = handle.readline()
    if not first:
        raise InputError(f"{path}: empty file (no header row)")
    reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter_of(delimiter, first))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: empty file (no header row)") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from exc
    why = bad_bytes(((None, h) for h in header), codec)
    if why is not None:
        raise InputError(f"{path}: not a readable CSV file (header row {why})")
    if not any(header) or len(set(header)) != len(header):
        raise InputError(f"{path}: the header row must name each column once: {header}")

    def rows() -> Iterator[NumberedRow]:
        number = 1
        try:
            for cells in reader:
                number += 1
                joined = "".join(cells)
                if not joined.strip():
                    continue  # blank line
                values: Row = dict(zip(header, cells, strict=False))
                if len(cells) > len(header):
                    values["__extra__"] = cells[len(header) :]
                # the cells hold an undecodable byte (a surrogate escape) iff their join does
                why = None if _encodes(joined) else bad_bytes(values.items(), codec)
                yield NumberedRow(number, values, error=why)
        except csv.Error as exc:
            raise InputError(f"{path}: unreadable near row {number + 1} ({exc})") from exc

    return header, rows()


def _jsonl_rows(handle: IO[str], path: Path, codec: str) -> Iterator[NumberedRow]:
    """One JSON object per line; a line that is not an object becomes a row with `raw` set."""
    number = 0
    for line in handle:
        number += 1
        text = line.strip()
        if not text:
            continue
        why = bad_bytes([(None, text)], codec)
        if why is not None:
            yield NumberedRow(number, {}, raw=text, error=why)
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            if number == 1:
                raise InputError(f"{path}: line 1 is not JSON; is this a JSONL file?") from None
            yield NumberedRow(number, {}, raw=text)
            continue
        if isinstance(value, dict):
            yield NumberedRow(number, value)
        else:
            yield NumberedRow(number, {}, raw=text)


def _cell(value: Any) -> str:
    """An Excel cell as the text a CSV export would hold (dates in ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_table(path: Path) -> Table:
    """The first worksheet of an .xlsx workbook, streamed (openpyxl read-only mode)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"{path}: not a readable Excel (.xlsx) file ({exc})") from exc
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    number = 0
    header: list[str] | None = None
    for values in cells:
        number += 1
        if any(v not in (None, "") for v in values):
            header = [_cell(v).strip() for v in values]
            break
    if header is None:
        book.close()
        raise InputError(f"{path}: empty workbook (no header row)")
    while header and not header[-1]:
        header.pop()  # formatting often extends the used range past the last column
    if not all(header) or len(set(header)) != len(header):
        book.close()
        raise InputError(f"{path}: the header row must name each column once: {header}")
    names = header
    state = {"done": number}

    def rows() -> Iterator[NumberedRow]:
        n = number
        for values in cells:
            n += 1
            state["done"] = n
            texts = [_cell(v) for v in values]
            if not any(t.strip() for t in texts):
                continue
            row: Row = dict(zip(names, texts, strict=False))
            extra = [t for t in texts[len(names) :] if t]
            if extra:
                row["__extra__"] = extra
            yield NumberedRow(n, row)

    total = sheet.max_row or 0
    return Table(header, rows(), total, lambda: state["done"], [book.close])
