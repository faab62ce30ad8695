"""The demo's campaign calendar and content assets, as files for `revalign ingest`.

* `write_calendar`: one run per contract campaign over the demo half-year, with the volume
  marketing expected (review sites were promised twice what they bring), and the next
  quarter's plan: the 2027 Jakarta summit is expected to bring sdr-apac far more MQLs in
  its week than the team can take on (the calendar check warns).
* `content_of`: which asset a touch names, from a hash of the touch (no random draws, so
  the rest of the demo is unchanged): marketing downloads and webinars name their asset,
  about half of the reps' e-mails share a case study or the ROI calculator.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from revalign.contract.schema import Contract
from revalign.demo import company as co
from revalign.demo.files import CsvFiles

CALENDAR_COLUMNS = ("campaign", "name", "channel", "start", "end", "expected_leads", "team",
                    "notes", "planned_at")  # fmt: skip
CONTENT_COLUMNS = ("content", "name", "kind", "campaign", "url", "listed_at")
PLANNED_AT = "2026-05-25T09:00:00Z"  # the week before the demo's half-year starts
# Expected ÷ what the channel really brings: review sites were oversold.
_PROMISE = {"review_sites": 2.0, "paid_social": 1.15, "events": 0.9}
SUMMIT = (
    "events-jakarta-2027",
    "Jakarta summit 2027",
    "events",
    "2027-02-08",
    "2027-02-12",
    900,
    "sdr-apac",
    "Book demo slots for the two days after the summit; badge scans arrive without titles",
)
ASSETS: tuple[tuple[str, str, str, str, str], ...] = (
    ("ebook-sla-playbook", "The SLA playbook (e-book)", "ebook", "seo-content",
     "/ebook/sla-playbook"),
    ("guide-lead-scoring", "Lead scoring guide", "guide", "paid-social-q4", "/guide/lead-scoring"),
    ("webinar-funnel-metrics", "Funnel metrics webinar", "webinar", "webinar-series",
     "/webinar/funnel-metrics"),
    ("case-study-fintech", "Fintech case study", "case_study", "", "/case-studies/fintech"),
    ("roi-calculator", "ROI calculator", "tool", "", "/tools/roi"),
)  # fmt: skip


def _bucket(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode()) % 100


def content_of(kind: str, email: str, at: str) -> str:
    """The asset a touch names ("" when none)."""
    b = _bucket(kind, email, at)
    if kind == "content_download":
        return "ebook-sla-playbook" if b < 55 else "guide-lead-scoring"
    if kind == "webinar":
        return "webinar-funnel-metrics"
    if kind == "email" and b < 50:  # a rep's e-mail
        return "case-study-fintech" if b < 30 else "roi-calculator"
    return ""


def write_calendar(folder: Path, contract: Contract, leads: int) -> Path:
    """campaigns.csv: the half-year's runs and the next quarter's summit."""
    with CsvFiles(folder, {"campaigns": CALENDAR_COLUMNS}) as files:
        shares = {c.name: c.share for c in co.CHANNELS}
        for c in contract.campaigns:
            expected = leads * shares.get(c.channel, 0.0) * _PROMISE.get(c.channel, 1.0)
            files.write("campaigns", {
                "campaign": c.id, "name": c.name, "channel": c.channel,
                "start": co.PERIOD_START.date().isoformat(),
                "end": co.PERIOD_END.date().isoformat(), "expected_leads": round(expected),
                "team": "", "notes": "", "planned_at": PLANNED_AT,
            })  # fmt: skip
        campaign, name, channel, start, end, expected, team, notes = SUMMIT
        files.write("campaigns", {
            "campaign": campaign, "name": name, "channel": channel, "start": start, "end": end,
            "expected_leads": expected, "team": team, "notes": notes,
            "planned_at": "2026-11-20T09:00:00Z",
        })  # fmt: skip
        return files.paths["campaigns"]


def write_content(folder: Path) -> Path:
    """content.csv: the assets touches name."""
    with CsvFiles(folder, {"content": CONTENT_COLUMNS}) as files:
        for content, name, kind, campaign, url in ASSETS:
            files.write("content", {"content": content, "name": name, "kind": kind,
                                    "campaign": campaign, "url": url,
                                    "listed_at": PLANNED_AT})  # fmt: skip
        return files.paths["content"]
