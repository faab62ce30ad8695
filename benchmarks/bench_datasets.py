"""Dataset ingest and predictive-score timings. Default: maven + evaluate; --full: all three.

.venv/bin/python benchmarks/bench_datasets.py [--full] [--datasets DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from revalign.connectors.datasets.fitted import fitted_contract
from revalign.connectors.datasets.ingest import ingest_dataset
from revalign.engine import open_engine
from revalign.predictive import evaluate, load_labelled

FOLDERS = {
    "maven": "maven_crm_sales_opportunities",
    "olist": "olist_marketing_funnel",
    "xeducation": "x_education_leads",
}


def bench_ingest(name: str, folder: Path) -> None:
    contract = fitted_contract(name)  # the contract the dataset is ingested under
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(f"sqlite:///{tmp}/bench.db", contract)
        try:
            for label in ("first run", "re-run"):
                start = time.perf_counter()
                report = ingest_dataset(name, folder, engine, contract)
                took = time.perf_counter() - start
                print(
                    f"ingest {name:<10} {label:<9} {report.events:>6} events "
                    f"{report.new:>6} new {report.derived:>6} derived {took:6.1f} s "
                    f"({report.events / took:,.0f} events/s)"
                )
        finally:
            engine.close()


def bench_evaluate(folder: Path) -> None:
    data = load_labelled("xeducation", folder)
    start = time.perf_counter()
    result = evaluate(data.frame, data.target, exclude=data.exclude)
    took = time.perf_counter() - start
    print(
        f"score evaluate xeducation: {result.model} AUC {result.auc:.4f} "
        f"(baseline {result.baseline_auc:.4f}) in {took:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="ingest all three datasets")
    default = Path(__file__).resolve().parents[2] / "shared" / "datasets"
    parser.add_argument("--datasets", type=Path, default=default)
    args = parser.parse_args()
    names = list(FOLDERS) if args.full else ["maven"]
    for name in names:
        bench_ingest(name, args.datasets / FOLDERS[name])
    bench_evaluate(args.datasets / FOLDERS["xeducation"])


if __name__ == "__main__":
    main()
