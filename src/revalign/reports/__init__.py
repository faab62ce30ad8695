"""The meeting packs as files: weekly pipeline pack, lead-quality scorecard, QBR, campaign
retrospective, win/loss and content performance (one module each), in English or Bahasa
Indonesia, rendered to Markdown, HTML, PDF and CSV (`render.py`)."""

from __future__ import annotations

from revalign.errors import InputError
from revalign.reports.inputs import ReportInputs, inputs_from, load_inputs
from revalign.reports.model import REPORT_KINDS, Report, ReportKind
from revalign.reports.periods import Grain, resolve

# The period each report covers when --period is not given.
GRAINS: dict[ReportKind, Grain] = {"weekly": "week", "scorecard": "month", "qbr": "quarter",
                                   "retro": "quarter", "winloss": "quarter",
                                   "content": "quarter"}  # fmt: skip


def build_report(
    kind: str, inputs: ReportInputs, period: str | None = None, campaign: str | None = None
) -> Report:
    """Build one report; `campaign` is what the retrospective needs, `period` the others."""
    from revalign.reports import content, qbr, retro, scorecard, weekly, winloss

    if kind == "retro":
        if not campaign:
            raise InputError("report retro needs --campaign ID (a campaign of the calendar)")
        return retro.build(inputs, campaign)
    if kind not in GRAINS:
        raise InputError(f"unknown report {kind!r}: choose one of {', '.join(REPORT_KINDS)}")
    if campaign:  # the other packs cover every campaign; a silent filter would mislead
        raise InputError(f"--campaign is for `report retro`; `report {kind}` covers every campaign")
    span = resolve(period, inputs.as_of, GRAINS[kind])
    builders = {"weekly": weekly.build, "scorecard": scorecard.build, "qbr": qbr.build,
                "winloss": winloss.build, "content": content.build}  # fmt: skip
    return builders[kind](inputs, span)


__all__ = ["REPORT_KINDS", "Report", "ReportInputs", "build_report", "inputs_from", "load_inputs"]
