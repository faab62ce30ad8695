"""Crash at every step of the engine, resume with a fresh one: nothing lost, nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from revalign.contract.schema import VersionedContract
from revalign.engine import Engine
from revalign.ledger import LedgerWriter, SqlLedger, open_ledger
from test_ledger_support import (  # noqa: F401
    FAKE_CORE,
    T0,
    fresh_url,
    ledger_rows,
    ledger_url,
    projection_rows,
    workload,
)


class Crash(Exception):
    """The process 'dies' here."""


class FaultyLedger(SqlLedger):
    """Raises Crash at the k-th step: opening, any writer call, before or after commit."""

    def __init__(self, led: SqlLedger, crash_at: int) -> None:
        super().__init__(led.engine)
        self.crash_at = crash_at
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps == self.crash_at:
            raise Crash(f"step {self.steps}")

    @contextmanager
    def writer(self) -> Iterator[LedgerWriter]:
        self.step()
        with super().writer() as w:
            yield _FaultyWriter(w, self.step)  # type: ignore[misc]
            self.step()  # dies before commit: the whole batch rolls back
        self.step()  # dies after commit, before the engine hears of it


class _FaultyWriter:
    def __init__(self, inner: LedgerWriter, step: Callable[[], None]) -> None:
        self._inner, self._step = inner, step
        self.conn, self.dialect = inner.conn, inner.dialect

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self._step()
            return attr(*args, **kwargs)

        return call


def scenario(
    url: str,
    contract: VersionedContract,
    wrap: Callable[[SqlLedger], SqlLedger],
    core: dict[str, Any] = FAKE_CORE,
) -> None:
    """Another writer appends some facts; the engine submits the rest, runs, ticks."""
    events = workload(leads=6, touches=12, deals=2)
    plain = open_ledger(url)
    plain.append(events[:5])
    led = wrap(plain)
    engine = Engine(led, contract, lambda: T0 + timedelta(hours=1), batch_size=8, **core)
    try:
        engine.submit(events[5:])
        engine.run()
        engine.tick(T0 + timedelta(days=1))
    finally:
        plain.close()


def snapshot(url: str) -> tuple[Any, Any, int]:
    led = open_ledger(url)
    try:
        return ledger_rows(led), projection_rows(led), led.checkpoint("engine")
    finally:
        led.close()


@pytest.mark.parametrize("core", ["fake", "real"])
def test_crash_at_any_step_then_resume_equals_an_uncrashed_run(
    fresh_url: Callable[[], str],  # noqa: F811
    ledger_url: str,  # noqa: F811
    contract: VersionedContract,
    core: str,
) -> None:
    chosen = FAKE_CORE if core == "fake" else {}
    reference_url = fresh_url()
    counter: list[FaultyLedger] = []

    def count_steps(led: SqlLedger) -> SqlLedger:
        counter.append(FaultyLedger(led, crash_at=0))
        return counter[0]

    scenario(reference_url, contract, count_steps, chosen)
    expected = snapshot(reference_url)
    total = counter[0].steps
    assert total > 30 and len(expected[0]) > 30
    # every step with the fake core on SQLite; a spread of them otherwise (to keep it quick)
    every = 1 if ledger_url.startswith("sqlite") and core == "fake" else 5
    ks = range(1, total + 1, every)
    for k in ks:
        url = fresh_url()
        with pytest.raises(Crash):
            scenario(url, contract, lambda led, k=k: FaultyLedger(led, crash_at=k), chosen)  # type: ignore[misc]
        scenario(url, contract, lambda led: led, chosen)  # a fresh engine resumes
        assert snapshot(url) == expected, f"crash at step {k}"
