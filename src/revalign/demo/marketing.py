"""The marketing half of the demo as files: costs, leads and marketing touches (with a little
bad data that the ingest must reject: malformed emails, a day that does not exist, a
negative cost)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from revalign.contract.schema import Contract
from revalign.demo import company as co
from revalign.demo.calendar import content_of
from revalign.demo.files import CsvFiles
from revalign.demo.journeys import journey
from revalign.demo.people import contact

LEAD_COLUMNS = ("email", "first_name", "last_name", "title", "company", "domain", "employees",
                "industry", "country", "source", "campaign", "created_at", "updated_at",
                "lead_score_legacy")  # fmt: skip
TOUCH_COLUMNS = ("email", "occurred_at", "kind", "channel", "campaign", "url", "content")
COST_COLUMNS = ("campaign", "channel", "amount", "currency", "period_start", "period_end")
MISSING_TITLES = "events"  # the channel whose leads come without titles (docs/demo.md)
_COUNTRY_NAMES = {"ID": "Indonesia", "SG": "Singapore", "GB": "United Kingdom", "US": "USA"}


def _months() -> list[tuple[date, date]]:
    out = []
    for month in range(co.PERIOD_START.month, co.PERIOD_END.month + 1):
        start = date(co.PERIOD_START.year, month, 1)
        nxt = date(start.year + (month == 12), month % 12 + 1, 1)
        out.append((start, date.fromordinal(nxt.toordinal() - 1)))
    return out


def _mangle(email: str, rng: random.Random) -> str:
    local, domain = email.split("@")
    return rng.choice((f"{local}{domain}", f"{local}@@{domain}", f"{local} @{domain}", local))


def write_costs(folder: Path, seed: int, contract: Contract, scale: float) -> Path:
    """Monthly spend per contract campaign (budget x noise x the company's size)."""
    rng = random.Random(f"{seed}:costs")
    with CsvFiles(folder, {"costs": COST_COLUMNS}) as files:
        for start, end in _months():
            for c in contract.campaigns:
                spent = c.monthly_budget * Decimal(str(round(rng.uniform(0.85, 1.15) * scale, 4)))
                row = {"campaign": c.id, "channel": c.channel, "amount": f"{spent:.2f}",
                       "currency": contract.currency, "period_start": start.isoformat(),
                       "period_end": end.isoformat()}  # fmt: skip
                files.write("costs", row)
        bad = {"campaign": "review-sites", "channel": "review_sites", "amount": "-450.00",
               "currency": "USD", "period_start": "2026-08-01",
               "period_end": "2026-08-31"}  # fmt: skip
        files.write("costs", bad)  # a refund typed as a negative cost: rejected
        return files.paths["costs"]


def write_marketing(folder: Path, seed: int, leads: int) -> tuple[Path, Path]:
    """leads.csv and touches.csv for `leads` contacts."""
    accounts = max(30, leads // 3)
    columns = {"leads": LEAD_COLUMNS, "touches": TOUCH_COLUMNS}
    with CsvFiles(folder, columns) as files:
        for i in range(leads):
            person = contact(seed, i, accounts)
            rng = random.Random(f"{seed}:data:{i}")
            email = person.email
            if rng.random() < 0.004:
                email = _mangle(email, rng)  # planted bad data: lands in leads.rejects.csv
            acct = person.account
            created = person.created_at.isoformat().replace("+00:00", "Z")
            country = (
                _COUNTRY_NAMES.get(acct.country, acct.country)
                if rng.random() < 0.3
                else acct.country
            )
            # planted: the Jakarta summit's badge scans carry no job title
            title = "" if person.channel.name == MISSING_TITLES else person.title
            row = {"email": email, "first_name": person.first_name, "last_name": person.last_name,
                   "title": title, "company": acct.name, "domain": "",
                   "employees": str(acct.employees), "industry": acct.industry,
                   "country": country, "source": person.channel.name,
                   "campaign": person.channel.campaign, "created_at": created,
                   "lead_score_legacy": str(rng.randrange(0, 100))}  # fmt: skip
            files.write("leads", row)
            if rng.random() < 0.02:  # enrichment corrects the head count: a lead.updated
                fixed = {**row, "employees": str(int(acct.employees * 1.1) + 1),
                         "updated_at": created}  # fmt: skip
                files.write("leads", fixed)
            for touch in journey(seed, person):
                at = touch.at.isoformat().replace("+00:00", "Z")
                if rng.random() < 0.002:
                    at = f"31/{touch.at.month:02d}/2026 {touch.at.hour:02d}:00"  # not ISO 8601
                files.write("touches", {"email": email, "occurred_at": at, "kind": touch.kind,
                                        "channel": touch.channel, "campaign": touch.campaign,
                                        "url": touch.url or "",
                                        "content": content_of(touch.kind, email, at)})  # fmt: skip
        return files.paths["leads"], files.paths["touches"]
