"""Write a report's files into a folder: `<kind>-<period>.md|html|pdf`, and one
`<kind>-<period>-<table>.csv` per table. An existing file is kept unless `force`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from revalign.cli import paths
from revalign.reports.model import Report
from revalign.reports.render import to_csv, to_html, to_markdown, to_pdf

Format = Literal["md", "html", "pdf", "csv"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf", "csv")


def stem(report: Report, key: str) -> str:
    """A file-name-safe stem: the kind and the period (or campaign) key."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{report.kind}-{key}").strip("-")


def planned(report: Report, key: str, formats: Sequence[Format], out: Path) -> dict[Path, Format]:
    """Every file the formats produce, before writing any (so a refusal writes nothing)."""
    base = stem(report, key)
    files: dict[Path, Format] = {}
    for fmt in formats:
        if fmt == "csv":
            for table in report.tables():
                files[out / f"{base}-{table.name}.csv"] = "csv"
        else:
            files[out / f"{base}.{fmt}"] = fmt
    return files


def write(
    report: Report, key: str, formats: Sequence[Format], out: Path, *, force: bool
) -> list[Path]:
    """Write the files; refuses (InputError) before writing if one exists and not `force`."""
    files = planned(report, key, formats, out)
    paths.make_dir(out, f"--out {out}")
    for path in files:
        paths.check_writable_file(path, f"--out {path}", force=force)
    tables = to_csv(report) if "csv" in formats else {}
    base = stem(report, key)
    for path, fmt in files.items():
        if fmt == "md":
            path.write_text(to_markdown(report), encoding="utf-8")
        elif fmt == "html":
            path.write_text(to_html(report), encoding="utf-8")
        elif fmt == "pdf":
            path.write_bytes(to_pdf(report))
        else:
            name = path.name.removeprefix(f"{base}-").removesuffix(".csv")
            path.write_text(tables[name], encoding="utf-8")
    return list(files)
