"""The same definitions give the same numbers on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from conftest import missing
from metrics_sample import EXPECTED, SAMPLE_AS_OF, sample_events
from metrics_synthetic import SYNTHETIC_AS_OF, synthetic_frames
from revalign.analytics.frames import Frames, frames_from_events
from revalign.analytics.metrics import compute_metrics
from revalign.analytics.metrics.compute import MetricsResult
from revalign.contract.loader import default_contract

CONTRACT = default_contract().contract


@pytest.fixture(scope="module")
def sample() -> Frames:
    return frames_from_events(sample_events())


@pytest.fixture(scope="module")
def synthetic() -> Frames:
    return synthetic_frames(1_500, 6_000, seed=11)


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    assert len(a) == len(b)
    for left, right in zip(a, b, strict=True):
        assert left.keys() == right.keys()
        for key, value in left.items():
            other = right[key]
            if isinstance(value, Decimal) and isinstance(other, Decimal):
                # money sums are exact; a money ratio may differ by a cent after rounding
                assert abs(value - other) <= Decimal("0.01"), (key, value, other)
            elif isinstance(value, float) and isinstance(other, float):
                # values are already rounded; allow one unit in the last place kept
                assert math.isclose(value, other, abs_tol=1.01e-4), (key, value, other)
            else:
                assert value == other, (key, value, other)


def _run(frames: Frames, as_of: Any, **kw: Any) -> MetricsResult:
    return compute_metrics(frames, contract=CONTRACT, as_of=as_of, **kw)


@pytest.mark.postgres
@pytest.mark.parametrize(("by", "cohort"), [(None, False), ("month", False), ("team", True)])
def test_postgres_agrees_on_the_sample(
    sample: Frames, pg_schema_url: str, by: Any, cohort: bool
) -> None:
    duck = _run(sample, SAMPLE_AS_OF, by=by, cohort=cohort)
    pg = _run(sample, SAMPLE_AS_OF, by=by, cohort=cohort, engine="postgres", pg_url=pg_schema_url)
    _same(duck.rows, pg.rows)
    if by is None:
        assert pg.metrics == EXPECTED


@pytest.mark.postgres
@pytest.mark.parametrize(("by", "cohort"), [(None, False), ("channel", True), ("rep", False)])
def test_postgres_agrees_on_synthetic_data(
    synthetic: Frames, pg_schema_url: str, by: Any, cohort: bool
) -> None:
    duck = _run(synthetic, SYNTHETIC_AS_OF, by=by, cohort=cohort)
    pg = _run(synthetic, SYNTHETIC_AS_OF, by=by, cohort=cohort, engine="postgres",
              pg_url=pg_schema_url)  # fmt: skip
    _same(duck.rows, pg.rows)
    assert duck.rows[0]["leads"] > 0


@pytest.fixture(scope="module")
def mixed() -> Frames:
    """USD, EUR and IDR amounts, with rates for EUR only: converted and excluded money."""
    from test_money import RATES, _events

    return frames_from_events(_events([r for r in RATES if r[0] != "IDR"]))


def _same_money(a: MetricsResult, b: MetricsResult) -> None:
    _same(a.rows, b.rows)
    assert a.excluded == b.excluded and a.excluded["cost_per_sql"]
    assert a.metrics["won_revenue"] == b.metrics["won_revenue"] == Decimal("17250.00")


@pytest.mark.postgres
def test_postgres_agrees_on_mixed_currencies(mixed: Frames, pg_schema_url: str) -> None:
    duck = _run(mixed, SAMPLE_AS_OF)
    _same_money(duck, _run(mixed, SAMPLE_AS_OF, engine="postgres", pg_url=pg_schema_url))


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("pyspark is not installed")
    if shutil.which("java") is None:
        missing("Java is not installed (PySpark needs it)")
    from revalign.analytics.metrics.backends.spark import local_session

    session = local_session()
    yield session
    session.stop()


@pytest.mark.spark
def test_spark_agrees_with_duckdb_on_sample_and_synthetic(
    sample: Frames, synthetic: Frames, spark_session: Any
) -> None:
    # Spark plans the 40-CTE query slowly: the overall view only (PostgreSQL covers --by)
    got = _run(sample, SAMPLE_AS_OF, engine="spark", spark=spark_session)
    assert got.metrics == EXPECTED
    duck = _run(synthetic, SYNTHETIC_AS_OF)
    spark = _run(synthetic, SYNTHETIC_AS_OF, engine="spark", spark=spark_session)
    _same(duck.rows, spark.rows)


@pytest.mark.spark
def test_spark_agrees_on_mixed_currencies(mixed: Frames, spark_session: Any) -> None:
    duck = _run(mixed, SAMPLE_AS_OF)
    _same_money(duck, _run(mixed, SAMPLE_AS_OF, engine="spark", spark=spark_session))
