"""Reports as files: Markdown, HTML (charts as inline SVG), PDF (WeasyPrint) and CSV.

Markdown and HTML come from Jinja2 templates shipped in `templates/`; strings in the
templates go through the report's gettext. CSV files hold each table's plain values.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from revalign.charts import to_svg
from revalign.i18n import format_datetime, translator
from revalign.reports.fmt import Fmt, plain
from revalign.reports.model import Report, Table


@cache
def environment(lang: str = "en") -> Environment:
    """The template environment of a language (HTML autoescaped; Markdown not); one per
    language, so concurrent renders (the web pages) never share a translator."""
    env = Environment(
        loader=PackageLoader("revalign.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_cell
    t = translator(lang)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cells(table: Table, fmt: Fmt) -> list[list[str]]:
    return [
        [fmt.cell(row.get(c.key), row.get("unit", "count") if c.kind == "unit" else c.kind)
         for c in table.columns]
        for row in table.rows
    ]  # fmt: skip


def _context(report: Report, charts: bool) -> dict[str, Any]:
    fmt = Fmt(report.lang, report.currency)
    sections = []
    for s in report.sections:
        sections.append({
            "title": s.title, "paragraphs": s.paragraphs, "bullets": s.bullets,
            "tables": [{"table": t, "cells": _cells(t, fmt),
                        "right": [c.kind != "text" for c in t.columns]} for t in s.tables],
            "charts": [Markup(to_svg(c)) for c in s.charts] if charts else [],
        })  # fmt: skip
    return {
        "report": report,
        "sections": sections,
        "as_of": format_datetime(report.as_of, report.lang),
        "lang": report.lang,
    }


def _render(name: str, report: Report, charts: bool) -> str:
    return environment(report.lang).get_template(name).render(**_context(report, charts))


def to_markdown(report: Report) -> str:
    """The report as Markdown (tables as pipe tables; charts are left to HTML and PDF)."""
    return _render("report.md.j2", report, charts=False)


def to_html(report: Report) -> str:
    """A standalone HTML page: styles inline, charts as inline SVG, nothing fetched."""
    return _render("report.html.j2", report, charts=True)


def to_pdf(report: Report) -> bytes:
    """The HTML page printed to PDF by WeasyPrint (no browser)."""
    from weasyprint import HTML

    return bytes(HTML(string=to_html(report), base_url=None).write_pdf())


def to_csv(report: Report) -> dict[str, str]:
    """One CSV per table, by table name: plain values, header = column keys."""
    out = {}
    for table in report.tables():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in table.columns])
        for row in table.rows:
            writer.writerow([plain(row.get(c.key)) for c in table.columns])
        out[table.name] = buffer.getvalue()
    return out
