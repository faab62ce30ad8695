"""`lead show` and `explain` give a lead's score at the same moment the same way (`--at`)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import revalign.cli  # noqa: F401
from _lifecycle import FIT_LEAD, MONDAY, T
from revalign.cli.app import app, run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event


def _ledger(tmp_path: Path, contract: VersionedContract) -> str:
    from revalign.engine import open_engine

    url = f"sqlite:///{tmp_path / 's.db'}"
    events = [
        Event(type=T.LEAD_CAPTURED, source="form", source_id="c", occurred_at=MONDAY,
              lead_id="L1", payload=dict(FIT_LEAD)),
        Event(type=T.MARKETING_TOUCH, source="map", source_id="t", occurred_at=MONDAY,
              lead_id="L1", payload={"kind": "pricing_page"}),
    ]  # fmt: skip
    with open_engine(url, contract) as engine:
        engine.submit(events)
    return url


def _score(args: list[str]) -> float:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return float(json.loads(result.output)["score"])


def test_show_and_explain_agree_at_every_moment(
    contract: VersionedContract, tmp_path: Path
) -> None:
    url = _ledger(tmp_path, contract)
    scores = []
    for days in (0, 14, 60):
        at = (MONDAY + timedelta(days=days)).isoformat()
        shown = _score(["lead", "show", "L1", "--at", at, "--db", url])
        explained = _score(["explain", "L1", "--at", at, "--db", url])
        assert shown == explained
        scores.append(shown)
    # the pricing-page points halve every 14 days: the moment is honoured, not the stored score
    assert scores[0] > scores[1] > scores[2]


def test_bad_at_is_one_line(
    contract: VersionedContract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _ledger(tmp_path, contract)
    assert run(["explain", "L1", "--at", "monday", "--db", url]) == 2
    assert "--at 'monday' is not an ISO date or datetime" in capsys.readouterr().err
