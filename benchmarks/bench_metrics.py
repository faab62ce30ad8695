"""Benchmark: the full shared-metric set on DuckDB vs the same metrics in plain pandas.

Leads, opportunities and clocks come from the numpy synthetic funnel; the touches table
(the big one) is generated as integer columns and turned into strings inside DuckDB, so
ten million touches never become Python objects on the DuckDB path.

    .venv/bin/python benchmarks/bench_metrics.py                      # 200k leads / 2M touches
    .venv/bin/python benchmarks/bench_metrics.py --leads 1000000 --touches 10000000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from revalign.analytics.frames import SCHEMA
from revalign.analytics.metrics import build_context, rounded, run_loaded
from revalign.analytics.metrics.backends.duckdb import DuckDBBackend
from revalign.analytics.metrics.context import AUX_SCHEMA, MetricContext, aux_tables
from revalign.analytics.money import convert_frames
from revalign.contract.loader import default_contract

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test fixture
from metrics_synthetic import _KINDS, CHANNELS, SYNTHETIC_AS_OF, synthetic_frames


def touch_columns(n_leads: int, n_touches: int, created: np.ndarray, seed: int = 3) -> pd.DataFrame:
    """Touches as integer columns: lead index, epoch micros, kind and channel codes."""
    rng = np.random.default_rng(seed)
    lead = rng.integers(0, n_leads, n_touches)
    at = (
        created[lead]
        - 10 * 86_400_000_000
        + rng.exponential(20 * 86_400e6, n_touches).astype(np.int64)
    )
    return pd.DataFrame({
        "lead_idx": lead, "at_us": at,
        "kind": rng.integers(0, len(_KINDS), n_touches).astype(np.int16),
        "channel": rng.integers(0, len(CHANNELS), n_touches).astype(np.int16),
    })  # fmt: skip


def load_duckdb(con: duckdb.DuckDBPyConnection, frames: Any, touches: pd.DataFrame,
                ctx: MetricContext) -> DuckDBBackend:  # fmt: skip
    backend = DuckDBBackend(con)
    frames = convert_frames(frames, ctx.currency, ctx.fx_rates)  # Decimal amounts, as `load`
    small = {k: v for k, v in frames.tables().items() if k != "touches"}
    backend.load({**small, **aux_tables(frames, ctx)}, {**SCHEMA, **AUX_SCHEMA})
    kinds = "[" + ", ".join(f"'{k}'" for k in _KINDS) + "]"
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    con.register("touch_codes", touches)
    con.execute(
        "CREATE OR REPLACE TABLE touches AS SELECT 'L' || lead_idx AS lead_id, "
        "make_timestamp(at_us) AS occurred_at, "
        f"{kinds}[kind + 1] AS kind, {channels}[channel + 1] AS channel, "
        "CAST(NULL AS VARCHAR) AS campaign FROM touch_codes"
    )
    con.unregister("touch_codes")
    return backend


def _rate(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def pandas_metrics(frames: Any, touches: pd.DataFrame, ctx: MetricContext) -> dict[str, Any]:
    """The overall metric set, written again in plain pandas (the comparison baseline)."""
    leads, clocks = frames.leads, frames.clocks
    opps = frames.opportunities.assign(amount=frames.opportunities["amount"].astype(float))
    costs = frames.costs.assign(amount=frames.costs["amount"].astype(float))
    as_of = pd.Timestamp(ctx.as_of)
    n_mql = leads["mql_at"].notna().sum()
    n_sal, n_rej = leads["sal_at"].notna().sum(), leads["rejected_at"].notna().sum()
    n_sql = leads["sql_at"].notna().sum()
    in_cur = opps["currency"] == ctx.currency
    won = opps["won"].fillna(False).astype(bool)
    closed = opps["closed_at"].notna()
    open_ = ~closed
    won_rev = opps.loc[won & in_cur, "amount"].sum()
    marketing = ~opps["channel"].fillna("unknown").str.lower().isin(
        ["outbound", "sales", "unknown", ""]
    )
    first_touch = touches.groupby("lead_idx")["at_us"].min()
    lead_idx = opps["lead_id"].str[1:].astype(np.int64)
    ft = pd.to_datetime(lead_idx.map(first_touch), unit="us", utc=True)
    influenced = opps.loc[won & in_cur & (ft < opps["created_at"]), "amount"].sum()
    fc = clocks[clocks["sla"].str.startswith("first_contact") & clocks["elapsed_business_hours"]
                .notna()].groupby("lead_id")["elapsed_business_hours"].min()  # fmt: skip
    sal = leads[leads["sal_at"].notna()]
    wall = ((sal["first_contact_at"] - sal["sal_at"]).dt.total_seconds() / 3600).clip(lower=0)
    hours = sal["lead_id"].map(fc).fillna(wall).dropna()
    cycle = (opps.loc[won, "closed_at"] - opps.loc[won, "created_at"]).dt.total_seconds() / 86400
    cost = costs.loc[costs["currency"] == ctx.currency, "amount"]
    cost_sum = cost.sum() if len(cost) else None
    resolved = clocks["stopped_at"].notna() | clocks["breached"]
    met = clocks["met"].fillna(False).astype(bool) & ~clocks["breached"]
    side = clocks["owner_side"]
    q_start = pd.Timestamp(f"{ctx.quarter[:4]}-{3 * int(ctx.quarter[-1]) - 2:02d}-01", tz="UTC")
    q_end = q_start + pd.DateOffset(months=3)
    in_q = (opps["closed_at"] >= q_start) & (opps["closed_at"] < q_end)
    won_q = opps.loc[won & in_cur & in_q, "amount"].sum()
    remaining = None if ctx.revenue_target is None else ctx.revenue_target - won_q
    open_leads = leads[leads["stage"].isin(["lead", "mql", "sal", "sql", "recycled"])]
    days = np.floor((as_of - open_leads["stage_at"]).dt.total_seconds() / 86400)
    surveys = frames.surveys[frames.surveys["team"] != frames.surveys["about"]]
    nps = np.where(surveys["score"] >= 9, 100.0, np.where(surveys["score"] <= 6, -100.0, 0.0))
    return {
        "leads": len(leads), "mqls": n_mql, "sals": n_sal, "sqls": n_sql,
        "opportunities": len(opps), "won_deals": int(won.sum()), "won_revenue": won_rev,
        "pipeline_value": opps.loc[open_ & in_cur, "amount"].sum(),
        "pipeline_coverage": (opps.loc[open_ & in_cur, "amount"].sum() / remaining
                              if remaining and remaining > 0 else None),
        "mql_to_sql_rate": _rate(n_sql, n_mql),
        "mql_to_won_rate": _rate(leads["won_at"].notna().sum(), n_mql),
        "sal_acceptance_rate": _rate(n_sal, n_sal + n_rej),
        "time_to_first_contact_median_hours": hours.median() if len(hours) else None,
        "time_to_first_contact_p90_hours": hours.quantile(0.9) if len(hours) else None,
        "lead_to_opportunity_rate": _rate(len(opps), len(leads)),
        "marketing_sourced_revenue": opps.loc[won & in_cur & marketing, "amount"].sum(),
        "marketing_influenced_revenue": influenced,
        "cost_per_sql": _rate(cost_sum, n_sql) if cost_sum is not None else None,
        "cac": _rate(cost_sum, won.sum()) if cost_sum is not None else None,
        "win_rate": _rate(won.sum(), closed.sum()),
        "sales_cycle_median_days": cycle.median() if len(cycle) else None,
        "sla_compliance": _rate((met & resolved).sum(), resolved.sum()),
        "sla_compliance_sales": _rate((met & resolved & (side == "sales")).sum(),
                                      (resolved & (side == "sales")).sum()),
        "sla_compliance_marketing": _rate((met & resolved & (side == "marketing")).sum(),
                                          (resolved & (side == "marketing")).sum()),
        "cross_team_nps": nps.mean() if len(nps) else None,
        "lead_aging_0_7": int(days.between(0, 7).sum()),
        "lead_aging_8_14": int(days.between(8, 14).sum()),
        "lead_aging_15_30": int(days.between(15, 30).sum()),
        "lead_aging_31_plus": int((days >= 31).sum()),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=200_000)
    parser.add_argument("--touches", type=int, default=2_000_000)
    parser.add_argument("--full", action="store_true", help="1M leads / 10M touches")
    args = parser.parse_args(argv)
    if args.full:
        args.leads, args.touches = 1_000_000, 10_000_000

    t0 = time.perf_counter()
    frames = synthetic_frames(args.leads, 0, seed=5)
    stamps = frames.leads["created_at"].dt.tz_convert(None).to_numpy()
    created = stamps.astype("datetime64[us]").astype(np.int64)
    touches = touch_columns(args.leads, args.touches, created)
    ctx = build_context(frames, default_contract().contract, SYNTHETIC_AS_OF)
    gen = time.perf_counter() - t0

    con = duckdb.connect()
    t0 = time.perf_counter()
    backend = load_duckdb(con, frames, touches, ctx)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    duck = run_loaded(backend, ctx).metrics
    duck_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    reference = pandas_metrics(frames, touches, ctx)
    pandas_s = time.perf_counter() - t0
    differ = [k for k, v in reference.items()
              if rounded(k, v) != duck[k] and not (v is None and duck[k] is None)]  # fmt: skip

    n_opps = len(frames.opportunities)
    print(f"leads {args.leads:,}  touches {args.touches:,}  opportunities {n_opps:,}")
    print(f"generate {gen:.2f} s   load into DuckDB {load:.2f} s")
    print(f"duckdb  full metric set ({len(duck)} metrics): {duck_s:.2f} s")
    print(f"pandas  same metrics ({len(reference)} metrics):  {pandas_s:.2f} s")
    print(f"ratio pandas / duckdb: {pandas_s / duck_s:.1f}x")
    print("results agree" if not differ else f"results differ on: {', '.join(differ)}")


if __name__ == "__main__":
    main()
