"""Accounts and contacts, each derived from (seed, index) alone: deterministic, no pool held.

An account's tier (good / medium / poor fit for the ideal customer profile) is a function of
its index, so a lead can pick an account of the tier its channel brings without a lookup.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from revalign.demo import company as co

_TIER_SLOTS = {"good": (0, 1, 2, 3), "medium": (4, 5, 6), "poor": (7, 8, 9)}
_FIT_GEOS = ("ID", "SG", "MY", "TH", "PH", "VN", "AU", "US", "GB")
_FREE_MAIL = ("gmail.com", "yahoo.co.id", "outlook.com")


@dataclass(frozen=True, slots=True)
class Account:
    index: int
    tier: str
    name: str
    domain: str
    employees: int
    industry: str
    country: str


@dataclass(frozen=True, slots=True)
class Contact:
    index: int
    channel: co.Channel
    account: Account
    first_name: str
    last_name: str
    title: str
    title_tier: str
    email: str
    created_at: datetime


def _weighted(rng: random.Random, items: list[str], weights: list[float]) -> str:
    return rng.choices(items, weights=weights, k=1)[0]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def account(seed: int, index: int) -> Account:
    rng = random.Random(f"{seed}:account:{index}")
    slot = index % 10
    tier = next(t for t, slots in _TIER_SLOTS.items() if slot in slots)
    countries = [c for c, _, _ in co.COUNTRIES]
    weights = [w for _, w, _ in co.COUNTRIES]
    if tier == "good":
        pool = [(c, w) for c, w, _ in co.COUNTRIES if c in _FIT_GEOS]
        country = _weighted(rng, [c for c, _ in pool], [w for _, w in pool])
        employees = rng.randint(50, 500)
        industry = rng.choice(co.FIT_INDUSTRIES)
    elif tier == "medium":
        country = _weighted(rng, countries, weights)
        off = rng.random()
        employees = rng.randint(501, 5000) if off < 0.5 else rng.randint(50, 500)
        industry = rng.choice(co.FIT_INDUSTRIES if off < 0.5 else co.OTHER_INDUSTRIES)
    else:
        country = _weighted(rng, countries, weights)
        employees = rng.randint(2, 45)
        industry = rng.choice(co.OTHER_INDUSTRIES + co.FIT_INDUSTRIES[:2])
    local = next(is_id for c, _, is_id in co.COUNTRIES if c == country)
    words = co.COMPANY_WORDS_ID if local else co.COMPANY_WORDS_INTL
    first = words[index % len(words)]
    second = words[(index // len(words)) % len(words)]
    lap = index // (len(words) ** 2)
    suffix = co.COMPANY_SUFFIX[industry]
    base = f"{first} {second}" if first != second else first
    name = f"PT {base} {suffix}" if local else f"{base} {suffix}"
    number = str(lap) if lap else ""
    domain = f"{_ascii(first + second + suffix)}{number}.{co.TLD[country]}"
    return Account(index, tier, name + (f" {lap}" if lap else ""), domain, employees, industry,
                   country)  # fmt: skip


def contact(seed: int, index: int, accounts: int) -> Contact:
    """Lead `index` of a company with `accounts` accounts."""
    rng = random.Random(f"{seed}:lead:{index}")
    channel = rng.choices(co.CHANNELS, weights=[c.share for c in co.CHANNELS], k=1)[0]
    tier = _weighted(rng, ["good", "medium", "poor"], list(channel.fit))
    slots = _TIER_SLOTS[tier]
    block = rng.randrange(max(1, accounts // 10))
    acct = account(seed, block * 10 + rng.choice(slots))
    local = acct.country == "ID" and rng.random() < 0.9
    first = rng.choice(co.FIRST_NAMES_ID if local else co.FIRST_NAMES_INTL)
    last = rng.choice(co.LAST_NAMES_ID if local else co.LAST_NAMES_INTL)
    title_tier = _weighted(rng, ["senior", "manager", "individual", "student"],
                           list(channel.titles))  # fmt: skip
    title = rng.choice(co.TITLES[title_tier])
    domain = acct.domain
    if channel.name in ("paid_social", "review_sites") and rng.random() < 0.08:
        domain = rng.choice(_FREE_MAIL)
    email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
    span = (co.PERIOD_END - co.PERIOD_START).total_seconds() - 5 * 86400
    # volume grows through the half year (u ** 0.85 leans late)
    offset = span * rng.random() ** 0.85
    created = co.PERIOD_START + timedelta(seconds=int(offset))
    created = created.replace(minute=rng.randrange(60), second=rng.randrange(60))
    return Contact(index, channel, acct, first, last, title, title_tier, email, created)
