"""A synthetic funnel generated column-wise with numpy (for engine checks and benchmarks).

Nothing here goes through events: a million leads are a handful of arrays. Timestamps are
whole seconds, so every engine computes the same durations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from revalign.analytics.frames import Frames, column, frame

SYNTHETIC_AS_OF = datetime(2026, 12, 15, tzinfo=UTC)
_START = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
_SPAN = int(datetime(2026, 11, 30, tzinfo=UTC).timestamp()) - _START
_DAY, _HOUR = 86_400, 3_600
CHANNELS = np.array(["paid_search", "paid_social", "webinar", "organic", "partner", "events",
                     "outbound", "email", "review_sites"], dtype=object)  # fmt: skip
_CHANNEL_P = np.array([0.18, 0.2, 0.08, 0.16, 0.04, 0.06, 0.12, 0.1, 0.06])
_REPS = np.array(["budi", "putri", "wei", "sophie", "jake", "lena"], dtype=object)
_TEAMS = np.array(["sdr-apac", "sdr-apac", "sdr-apac", "sdr-emea", "sdr-amer", "sdr-amer"],
                  dtype=object)  # fmt: skip
_REASONS = np.array(
    ["wrong_size", "wrong_geography", "no_budget_signal", "duplicate"], dtype=object
)
_KINDS = np.array(["page_view", "pricing_page", "content_download", "webinar", "email_open",
                   "email_click", "form", "demo_request"], dtype=object)  # fmt: skip


def _ts(seconds: np.ndarray, present: np.ndarray) -> pd.Series:
    micros = np.where(present, seconds.astype(np.int64) * 1_000_000, np.iinfo(np.int64).min)
    return column(micros, "ts")


def _later(rng: np.random.Generator, start: np.ndarray, mean_seconds: float) -> np.ndarray:
    return start + rng.exponential(mean_seconds, start.shape).astype(np.int64) + 60


def _money(values: np.ndarray) -> list[Decimal]:
    """Amounts to the cent, as exact Decimals (the frames' money type)."""
    return [Decimal(f"{v:.2f}") for v in values]


def _labels(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[~present] = None
    return out


def synthetic_frames(n_leads: int = 2_000, n_touches: int = 10_000, seed: int = 7) -> Frames:
    """A plausible funnel of `n_leads` leads and `n_touches` marketing touches."""
    rng = np.random.default_rng(seed)
    n = n_leads
    ids = np.array([f"L{i}" for i in range(n)], dtype=object)
    created = _START + rng.integers(0, _SPAN, n)
    channel_idx = rng.choice(len(CHANNELS), n, p=_CHANNEL_P)
    channel = CHANNELS[channel_idx]
    campaign = np.array([f"{c}-{k}" for c, k in zip(channel, rng.integers(0, 3, n), strict=True)],
                        dtype=object)  # fmt: skip
    employees = rng.lognormal(4.5, 1.3, n).astype(np.int64) + 1
    has_size = rng.random(n) > 0.05
    segment = np.where(~has_size, "unknown", np.where(employees < 50, "1-49",
                       np.where(employees <= 500, "50-500", "501+"))).astype(object)  # fmt: skip
    r = rng.random((12, n))
    mql = r[0] < 0.4
    mql_at = _later(rng, created, 3 * _DAY)
    reviewed = mql & (r[1] < 0.9)
    sal = reviewed & (r[2] < 0.7)
    rejected = reviewed & ~sal
    sal_at = _later(rng, mql_at, 0.5 * _DAY)
    rejected_at = sal_at
    sql = sal & (r[3] < 0.5)
    sql_at = _later(rng, sal_at, 5 * _DAY)
    contacted = sal & (r[4] < 0.95)
    contact_at = _later(rng, sal_at, 10 * _HOUR)
    disq = sal & ~sql & (r[5] < 0.5)
    disq_at = _later(rng, sal_at, 14 * _DAY)
    recycled = rejected & (r[6] < 0.3)
    recycled_at = _later(rng, rejected_at, _DAY)
    opp = sql & (r[7] < 0.7)
    opp_at = _later(rng, sql_at, 3 * _DAY)
    closed = opp & (r[8] < 0.7)
    won = closed & (r[9] < 0.45)
    lost = closed & ~won
    closed_at = _later(rng, opp_at, 30 * _DAY)
    rep = rng.integers(0, len(_REPS), n)
    stage_order = [  # later entries win: the lead's current stage
        (np.ones(n, bool), "lead", created), (mql, "mql", mql_at),
        (rejected, "rejected", rejected_at), (recycled, "recycled", recycled_at),
        (sal, "sal", sal_at), (sql, "sql", sql_at), (disq, "disqualified", disq_at),
        (opp, "opportunity", opp_at), (won, "won", closed_at), (lost, "lost", closed_at),
    ]  # fmt: skip
    stage = np.empty(n, dtype=object)
    stage_at = created.copy()
    for mask, name, at in stage_order:
        stage[mask] = name
        stage_at = np.where(mask, at, stage_at)
    opp_ids = np.array([f"O{i}" for i in range(n)], dtype=object)
    leads = pd.DataFrame({
        "lead_id": column(ids, "str"), "created_at": _ts(created, np.ones(n, bool)),
        "channel": column(channel, "str"), "campaign": column(campaign, "str"),
        "country": column(np.full(n, "ID", dtype=object), "str"),
        "industry": column(np.full(n, "software", dtype=object), "str"),
        "employees": pd.Series(pd.array(np.where(has_size, employees, 0), dtype="Int64")).where(
            has_size, pd.NA),
        "segment": column(segment, "str"),
        "team": column(_labels(_TEAMS[rep], mql), "str"),
        "owner": column(_labels(_REPS[rep], mql), "str"), "stage": column(stage, "str"),
        "high_intent": column(mql & (r[10] < 0.2), "bool"),
        "mql_at": _ts(mql_at, mql), "sal_at": _ts(sal_at, sal),
        "rejected_at": _ts(rejected_at, rejected),
        "reject_reason": column(_labels(_REASONS[rng.integers(0, 4, n)], rejected), "str"),
        "sql_at": _ts(sql_at, sql), "disqualified_at": _ts(disq_at, disq),
        "disqualify_reason": column(_labels(np.full(n, "no_response", dtype=object), disq),
                                    "str"),
        "recycled_at": _ts(recycled_at, recycled),
        "first_contact_at": _ts(contact_at, contacted),
        "opportunity_id": column(_labels(opp_ids, opp), "str"),
        "won_at": _ts(closed_at, won), "lost_at": _ts(closed_at, lost),
        "stage_at": _ts(stage_at, np.ones(n, bool)),
        "timing": column(np.full(n, None, dtype=object), "str"),  # every step really timed
    })  # fmt: skip
    o = np.flatnonzero(opp)
    amount = np.round(rng.lognormal(9.5, 0.6, n), 2)
    opportunities = pd.DataFrame({
        "opportunity_id": column(opp_ids[o], "str"), "lead_id": column(ids[o], "str"),
        "account_id": column(np.full(len(o), None, dtype=object), "str"),
        "created_at": _ts(opp_at[o], np.ones(len(o), bool)),
        "amount": column(_money(amount[o]), "money"),
        "currency": column(np.full(len(o), "USD", dtype=object), "str"),
        "stage": column(np.where(won[o], "won", np.where(lost[o], "lost", "discovery")), "str"),
        "owner": column(_REPS[rep][o], "str"), "team": column(_TEAMS[rep][o], "str"),
        "channel": column(channel[o], "str"), "campaign": column(campaign[o], "str"),
        "expected_close": _ts(opp_at[o] + 30 * _DAY, np.ones(len(o), bool)),
        "closed_at": _ts(closed_at[o], closed[o]),
        "won": pd.Series(pd.array(won[o], dtype="boolean")).where(closed[o], pd.NA),
        "reason": column(_labels(np.full(len(o), "competitor", dtype=object), lost[o]), "str"),
        "report_amount": column([None] * len(o), "money"),
    })  # fmt: skip
    t_lead = rng.integers(0, n, n_touches)
    t_at = _later(rng, created[t_lead] - 10 * _DAY, 20 * _DAY)
    t_channel = CHANNELS[rng.choice(len(CHANNELS), n_touches, p=_CHANNEL_P)]
    touches = frame("touches", {
        "lead_id": ids[t_lead], "occurred_at": t_at * 1_000_000,
        "kind": _KINDS[rng.integers(0, len(_KINDS), n_touches)], "channel": t_channel,
        "campaign": np.full(n_touches, None, dtype=object),
        "content": np.full(n_touches, None, dtype=object),
    })  # fmt: skip
    c = np.flatnonzero(contacted)
    rep_touches = frame("rep_touches", {
        "lead_id": ids[c], "occurred_at": contact_at[c] * 1_000_000,
        "kind": np.full(len(c), "call", dtype=object), "by": _REPS[rep][c],
        "content": np.full(len(c), None, dtype=object),
    })  # fmt: skip
    return Frames(
        leads=leads, opportunities=opportunities, touches=touches, rep_touches=rep_touches,
        costs=_costs(rng, campaign), clocks=_clocks(rng, ids, mql, mql_at, sal, sal_at,
                                                    contacted, contact_at, rep),
        targets=frame("targets", {"metric": ["revenue"] + ["mqls"] * 11,
                                  "period": ["2026Q4"] + [f"2026-{m:02d}" for m in range(1, 12)],
                                  "amount": [float(n) * 400.0] + [n * 0.04] * 11}),
        forecasts=frame("forecasts", {
            "period": [f"2026-{m:02d}" for m in range(1, 12)],
            "amount": _money(rng.uniform(0.7, 1.3, 11) * n * 40.0), "report_amount": [None] * 11,
            "currency": ["USD"] * 11, "by": ["grace"] * 11, "category": ["commit"] * 11,
            "submitted_at": [int(datetime(2026, m, 1, tzinfo=UTC).timestamp()) * 1_000_000
                             for m in range(1, 12)]}),
        surveys=frame("surveys", {
            "team": ["sales", "marketing"] * 20, "about": ["marketing", "sales"] * 20,
            "score": list(rng.integers(0, 11, 40)),
            "occurred_at": [_START * 1_000_000] * 40}),
        opportunity_stages=pd.DataFrame({
            "opportunity_id": opportunities["opportunity_id"],
            "stage": column(np.full(len(o), "discovery", dtype=object), "str"),
            "entered_at": opportunities["created_at"]}),
    )  # fmt: skip


def _costs(rng: np.random.Generator, campaign: np.ndarray) -> pd.DataFrame:
    names = sorted({str(c) for c in campaign if not str(c).startswith("outbound")})
    rows = [(c, m) for c in names for m in range(1, 12)]
    start = [int(datetime(2026, m, 1, tzinfo=UTC).timestamp()) * 1_000_000 for _, m in rows]
    return frame("costs", {
        "campaign": [c for c, _ in rows], "channel": [c.rsplit("-", 1)[0] for c, _ in rows],
        "amount": _money(rng.uniform(500, 5000, len(rows))), "report_amount": [None] * len(rows),
        "currency": ["USD"] * len(rows), "period_start": start,
        "period_end": [s + 27 * _DAY * 1_000_000 for s in start],
    })  # fmt: skip


def _clocks(rng: np.random.Generator, ids: np.ndarray, mql: np.ndarray, mql_at: np.ndarray,
            sal: np.ndarray, sal_at: np.ndarray, contacted: np.ndarray, contact_at: np.ndarray,
            rep: np.ndarray) -> pd.DataFrame:  # fmt: skip
    s = np.flatnonzero(sal)
    hours = np.round((contact_at[s] - sal_at[s]) / _HOUR * 0.4, 2)
    stopped = contacted[s]
    fc_met = stopped & (hours <= 24)
    m = np.flatnonzero(mql)
    route_met = rng.random(len(m)) < 0.9
    us = 1_000_000
    return frame("clocks", {
        "clock_id": [f"F{i}" for i in s] + [f"R{i}" for i in m],
        "sla": ["first_contact_standard"] * len(s) + ["route"] * len(m),
        "lead_id": list(ids[s]) + list(ids[m]),
        "owner": list(_REPS[rep][s]) + ["system"] * len(m),
        "owner_side": ["sales"] * len(s) + ["marketing"] * len(m),
        "started_at": list(sal_at[s] * us) + list(mql_at[m] * us),
        "due_at": list((sal_at[s] + 24 * _HOUR) * us) + list((mql_at[m] + 300) * us),
        "stopped_at": list(np.where(stopped, contact_at[s] * us, np.iinfo(np.int64).min))
        + list(np.where(route_met, (mql_at[m] + 120) * us, np.iinfo(np.int64).min)),
        "met": [bool(x) if st else None for x, st in zip(fc_met, stopped, strict=True)]
        + [True if x else None for x in route_met],
        "breached": list(stopped & ~fc_met | ~stopped) + list(~route_met),
        "elapsed_business_hours": list(np.where(stopped, hours, np.nan))
        + list(np.where(route_met, 0.03, np.nan)),
    })  # fmt: skip
