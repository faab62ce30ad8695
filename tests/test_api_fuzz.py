"""schemathesis over the whole API with a valid admin token: no 5xx for anything it
generates, and the answers match their documented schema.

schemathesis' pytest plugin does not run under this pytest, so each operation's hypothesis
strategy is driven directly (same generation, same checks).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api_fixtures import Served, serve

# these would lock the fuzzer's own user out mid-run; the matrix test covers them
SKIP = ("/api/users/{name}/disable", "/api/users/{name}/rotate")
EXAMPLES = 25


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("fuzz"))


def _operations(served: Served) -> list[Any]:
    for stage in ("mql", "sal", "sql", "opp"):
        served.lead(stage)
    schema = schemathesis.openapi.from_asgi("/openapi.json", served.app)
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if op.path not in SKIP]


def test_every_operation_has_no_5xx_and_matches_its_schema(served: Served) -> None:
    operations = _operations(served)
    assert len(operations) >= 35  # guards the walk: an empty one would prove nothing
    failures: list[str] = []
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            headers = {**(case.headers or {}), **served.auth("admin")}
            if case.path.startswith("/hooks/"):
                headers.pop("Authorization")
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except Exception as exc:  # collect all, report together
            failures.append(f"{op.method.upper()} {op.path}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)


def test_the_fixture_path_is_temporary(tmp_path: Path) -> None:
    assert tmp_path.exists()
