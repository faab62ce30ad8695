"""Exact Markov attribution vs the `channelattribution` package (simulation-based), and the
journeys CSV reader vs a plain pandas + numpy pipeline on the same file.

    .venv/bin/python benchmarks/bench_attribution.py            # 100k journeys
    .venv/bin/python benchmarks/bench_attribution.py --full     # 1M journeys

Prints: touches, our time (journeys build + exact solve), channelattribution's time on the
same aggregated paths, and the largest share difference in percentage points. Needs the
`bench` extra (`pip install channelattribution matplotlib`); without it, compares against
our own Monte-Carlo walk of the fitted chain instead.

Then the same journeys are written as a CSV event log and attributed from the file twice:
`read_journeys_csv` (DuckDB's CSV reader, every row checked, bad rows reported) + exact
Markov, against the reference `pandas.read_csv` (typed columns, no row checks) +
`journeys_from_touches` + the same exact solve; printed as wall and CPU time and the ratio.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from revalign.analytics.attribution import credit, journeys_from_touches, read_journeys_csv
from revalign.analytics.attribution.journeys import Journeys
from revalign.analytics.attribution.markov import build_chain

CHANNELS = ["search", "social", "email", "events", "webinar", "partner", "organic", "display"]
WEIGHTS = np.array([0.25, 0.2, 0.15, 0.05, 0.1, 0.05, 0.15, 0.05])
LIFT = np.array([0.6, 0.1, 0.3, 1.2, 0.8, 1.0, 0.4, -0.2])  # log-odds per channel present


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    """n journeys, 1-8 touches each, conversion driven by which channels were touched."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(rng.geometric(0.35, size=n), 8)
    journey = np.repeat(np.arange(n), lengths)
    channel = rng.choice(len(CHANNELS), size=len(journey), p=WEIGHTS)
    present = np.zeros((n, len(CHANNELS)), dtype=bool)
    present[journey, channel] = True
    logit = -3.0 + present @ LIFT
    converted = rng.random(n) < 1 / (1 + np.exp(-logit))
    start = np.datetime64("2026-01-01T00:00:00")
    offsets = rng.integers(0, 90 * 24 * 3600, size=len(journey)).astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "journey_id": journey,
            "occurred_at": np.sort(start + offsets),  # monotone per journey after the sort
            "channel": np.array(CHANNELS)[channel],
            "converted": converted[journey],
            "value": 1000.0,
        }
    )


def ours(touches: pd.DataFrame) -> tuple[Journeys, dict[str, float], float, float]:
    t0 = time.perf_counter()
    j = journeys_from_touches(touches)
    t1 = time.perf_counter()
    shares = credit(j, "markov").shares
    t2 = time.perf_counter()
    return j, shares, t1 - t0, t2 - t1


def aggregated_paths(j: Journeys) -> pd.DataFrame:
    """Unique paths 'a > b > c' with conversion and null counts (channelattribution input)."""
    letters = np.array([chr(65 + i) for i in range(len(j.channels))])
    codes = pd.Series(letters[j.channel]).groupby(j.journey).agg("".join)
    frame = pd.DataFrame({"code": codes.to_numpy(), "conv": j.converted.astype(int)})
    frame["null"] = 1 - frame["conv"]
    agg = frame.groupby("code", as_index=False)[["conv", "null"]].sum()
    names = dict(zip(letters, j.channels, strict=True))
    agg["path"] = [" > ".join(names[ch] for ch in code) for code in agg["code"]]
    return agg[["path", "conv", "null"]]


def theirs(paths: pd.DataFrame) -> tuple[dict[str, float], float] | None:
    try:
        import ChannelAttribution as ca
    except ImportError as exc:
        print(f"channelattribution unavailable ({exc}); comparing with Monte-Carlo instead")
        return None
    t0 = time.perf_counter()
    result = ca.markov_model(
        paths, var_path="path", var_conv="conv", var_null="null", sep=">", verbose=False,
        flg_pro=False, nsim_start=1e6, seed=0,
    )  # fmt: skip
    elapsed = time.perf_counter() - t0
    table = result if isinstance(result, pd.DataFrame) else result["result"]
    total = table["total_conversions"].sum()
    shares = {
        str(n).strip(): float(v) / total
        for n, v in zip(table["channel_name"], table["total_conversions"], strict=True)
    }
    return shares, elapsed


def monte_carlo(j: Journeys, walks: int, seed: int = 3) -> tuple[dict[str, float], float]:
    """Our own simulation of the fitted chain (the fallback comparison)."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    chain = build_chain(j)
    k = len(chain.r_conv)
    effects = []
    for removed in range(k):
        full = np.zeros((k, k + 2))
        full[:, :k], full[:, k] = chain.q, chain.r_conv
        full[:, k + 1] = 1 - full.sum(axis=1)
        if removed:
            full[removed], full[removed, k + 1] = 0.0, 1.0
        cum = np.cumsum(full, axis=1)
        state, alive, conv = np.zeros(walks, int), np.ones(walks, bool), 0
        while alive.any():
            idx = np.flatnonzero(alive)
            nxt = np.minimum((rng.random(len(idx))[:, None] > cum[state[idx]]).sum(1), k + 1)
            conv += int((nxt == k).sum())
            alive[idx[nxt >= k]] = False
            state[idx[nxt < k]] = nxt[nxt < k]
        effects.append(conv / walks)
    base = effects[0]
    re = np.array([max(0.0, 1 - p / base) for p in effects[1:]])
    shares = dict(zip(j.channels, (re / re.sum()).tolist(), strict=True))
    return shares, time.perf_counter() - t0


def write_csv(touches: pd.DataFrame, path: Path) -> None:
    """The touches as an event log: ISO 8601 times, converted as 0/1."""
    out = touches.assign(
        occurred_at=touches["occurred_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        converted=touches["converted"].astype(int),
    )
    out.to_csv(path, index=False)


def timed(run: Callable[[], dict[str, float]]) -> tuple[dict[str, float], float, float]:
    """(markov shares, wall s, CPU s) of `run()`."""
    t0, c0 = time.perf_counter(), time.process_time()
    shares = run()
    return shares, time.perf_counter() - t0, time.process_time() - c0


def from_file_ours(path: Path) -> dict[str, float]:
    return credit(read_journeys_csv(path).journeys, "markov").shares


def from_file_reference(path: Path) -> dict[str, float]:
    """Plain pandas + numpy: typed read_csv, ISO times, the same journeys build and solve."""
    raw = pd.read_csv(path, dtype={"journey_id": str, "channel": str, "converted": "int8",
                                   "value": "float64"})  # fmt: skip
    raw["occurred_at"] = pd.to_datetime(raw["occurred_at"], format="ISO8601", utc=True)
    raw["converted"] = raw["converted"].astype(bool)
    raw["value"] = raw.groupby("journey_id")["value"].transform("max").fillna(0.0)
    return credit(journeys_from_touches(raw), "markov").shares


def csv_run(touches: pd.DataFrame) -> None:
    fd, name = tempfile.mkstemp(prefix="bench_attribution_", suffix=".csv")
    os.close(fd)
    path = Path(name)
    try:
        write_csv(touches, path)
        size = path.stat().st_size / 1e6
        ours_shares, ours_wall, ours_cpu = timed(lambda: from_file_ours(path))
        ref_shares, ref_wall, ref_cpu = timed(lambda: from_file_reference(path))
    finally:
        path.unlink(missing_ok=True)
    diff = max(abs(ours_shares[c] - ref_shares[c]) for c in ours_shares) * 100
    print(f"from a {size:.0f} MB CSV event log ({len(touches):,} rows), exact Markov:")
    print(f"  ours (DuckDB read + row checks): {ours_wall:.2f} s wall, {ours_cpu:.2f} s CPU")
    print(f"  pandas + numpy reference:        {ref_wall:.2f} s wall, {ref_cpu:.2f} s CPU")
    print(f"  ratio ours / reference: {ours_wall / ref_wall:.2f}x wall, "
          f"{ours_cpu / ref_cpu:.2f}x CPU (target <= 1.5x)")  # fmt: skip
    print(f"  max share difference ours / reference: {diff:.6f} pp")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 journeys")
    args = parser.parse_args()
    n = 1_000_000 if args.full else args.journeys
    touches = synthetic(n)
    j, shares, build_s, solve_s = ours(touches)
    print(f"journeys: {n:,}  touches: {len(touches):,}  channels: {len(j.channels)}")
    print(f"ours: build journeys {build_s:.2f}s + exact Markov {solve_s:.3f}s")
    t0 = time.perf_counter()
    paths = aggregated_paths(j)
    print(f"aggregating to {len(paths):,} unique paths for the reference: "
          f"{time.perf_counter() - t0:.2f}s")  # fmt: skip
    reference = theirs(paths)
    label = "channelattribution markov_model (nsim_start=1e6)"
    if reference is None:
        reference, label = monte_carlo(j, 200_000), "own Monte-Carlo (200k walks per state)"
    ref_shares, ref_s = reference
    diff = max(abs(shares[c] - ref_shares.get(c, 0.0)) for c in shares) * 100
    print(f"{label}: {ref_s:.2f}s")
    print(f"max share difference: {diff:.3f} pp")
    for c in sorted(shares, key=lambda c: -shares[c]):
        print(f"  {c:10s} ours {shares[c]:.4f}  reference {ref_shares.get(c, 0.0):.4f}")
    csv_run(touches)


if __name__ == "__main__":
    main()
