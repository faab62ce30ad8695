"""Routing benchmark: decision p50/p99 (50 rules, 100 reps) and account matching throughput.

python benchmarks/bench_routing.py            # prints the figures the README quotes
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

import yaml

from revalign.contract.loader import default_contract_text
from revalign.contract.schema import Contract
from revalign.core.accounts import index_account, match_account
from revalign.core.routing import route
from revalign.core.state import FunnelState, LeadState

AT = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
COUNTRIES = ["ID", "SG", "MY", "TH", "PH", "VN", "AU", "US", "GB", "DE"]
WORDS = [
    "maju",
    "jaya",
    "sinar",
    "abadi",
    "nusantara",
    "cloud",
    "data",
    "logistik",
    "bank",
    "karya",
    "mitra",
    "global",
    "digital",
    "sejahtera",
    "teknologi",
    "niaga",
    "prima",
]


def contract() -> Contract:
    data: dict[str, Any] = yaml.safe_load(default_contract_text())
    reps = [
        {"id": f"r{i}", "name": f"R{i}", "timezone": "Asia/Jakarta", "weight": 1 + i % 3,
         "capacity": 10_000, "territories": [COUNTRIES[i % 10]]}
        for i in range(100)
    ]  # fmt: skip
    data["teams"].append({"id": "pool", "name": "Pool", "reps": reps,
                          "working_hours": {"start": "09:00", "end": "17:00"}})  # fmt: skip
    rules = [{"name": f"r{i}", "when": {"country_in": [COUNTRIES[i % 10]],
              "employees_min": 1000 * (i // 10), "employees_max": 1000 * (i // 10) + 999},
              "pool": "all", "method": "weighted_round_robin"} for i in range(50)]  # fmt: skip
    data["routing"] = {
        "rules": rules,
        "fallback_team": "pool",
        "pools": {"all": [r["id"] for r in reps]},
    }
    return Contract.model_validate(data)


def name(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 3)) + f" {rng.randrange(10_000)}"


def bench_decisions(c: Contract, n: int = 5000) -> tuple[float, float]:
    rng, state = random.Random(1), FunnelState()
    times = []
    for i in range(n):
        lead = LeadState(lead_id=f"L{i}", email=f"p{i}@gmail.com", created_at=AT,
                         country=rng.choice(COUNTRIES), employees=rng.randrange(6000))  # fmt: skip
        t0 = time.perf_counter()
        route(state, lead, c, AT)
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times) * 1e3, times[int(len(times) * 0.99)] * 1e3


def bench_matching(
    c: Contract, accounts: int = 100_000, leads: int = 10_000
) -> tuple[float, float]:
    rng, state = random.Random(2), FunnelState()
    names = [name(rng) for _ in range(accounts)]
    for i, n in enumerate(names):
        index_account(state, f"A{i}", f"PT {n} Tbk", f"co{i}.co.id")
    queries, truth = [], []
    for i in range(leads):
        if i % 2:  # half by domain, half by a (sometimes misspelt) name with free mail
            queries.append(LeadState(lead_id=f"N{i}", email=f"x@mail.co{i}.co.id", created_at=AT))
            truth.append(f"A{i}")
        else:
            k = rng.randrange(accounts)
            n = names[k]
            n = n[:-1] + "x" if i % 4 == 0 else n
            queries.append(
                LeadState(lead_id=f"N{i}", email="x@gmail.com", company=n, created_at=AT)
            )
            truth.append(f"A{k}")
    t0 = time.perf_counter()
    found = [match_account(state, lead, c).account_id for lead in queries]
    seconds = time.perf_counter() - t0
    return seconds, sum(f == t for f, t in zip(found, truth, strict=True)) / len(truth)


if __name__ == "__main__":
    c = contract()
    p50, p99 = bench_decisions(c)
    print(f"routing decision (50 rules, 100 reps, with trace): p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    seconds, right = bench_matching(c)
    print(f"matching 10,000 leads against 100,000 accounts: {seconds:.2f} s, {right:.1%} right")
