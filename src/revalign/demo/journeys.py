"""Marketing journeys: the touches a contact makes, from the one that created the lead on."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from revalign.demo import company as co
from revalign.demo.people import Contact

_URLS = {
    "page_view": "/blog/revenue-alignment",
    "pricing_page": "/pricing",
    "content_download": "/ebook/sla-playbook",
    "webinar": "/webinar/funnel-metrics",
    "form": "/contact",
    "demo_request": "/demo",
}
# Some follow-ups come through another channel's campaign (a multi-touch journey).
_CROSS = {
    "email_open": ("email", "email-nurture"),
    "email_click": ("email", "email-nurture"),
    "webinar": ("webinar", "webinar-series"),
}


@dataclass(frozen=True, slots=True)
class Touch:
    at: datetime
    kind: str
    channel: str
    campaign: str
    url: str | None


def journey(seed: int, person: Contact) -> Iterator[Touch]:
    """The contact's marketing touches in time order, all before the period ends."""
    rng = random.Random(f"{seed}:journey:{person.index}")
    ch = person.channel
    at = person.created_at
    yield Touch(at, ch.first_touch, ch.name, ch.campaign, _URLS.get(ch.first_touch))
    extra = min(12, int(rng.expovariate(1.0 / ch.activity) + 0.5))
    demo_at = rng.randrange(extra + 1) if rng.random() < ch.demo_rate else -1
    kinds = [k for k, _ in co.FOLLOW_UPS]
    weights = [w for _, w in co.FOLLOW_UPS]
    for n in range(extra + 1):
        at = at + timedelta(hours=rng.uniform(2, 96))
        if at >= co.PERIOD_END:
            return
        if n == demo_at:
            yield Touch(at, "demo_request", ch.name, ch.campaign, _URLS["demo_request"])
        if n == extra:
            break
        kind = rng.choices(kinds, weights=weights, k=1)[0]
        channel, campaign = ch.name, ch.campaign
        if kind in _CROSS and rng.random() < 0.5:
            channel, campaign = _CROSS[kind]
        yield Touch(at, kind, channel, campaign, _URLS.get(kind))
