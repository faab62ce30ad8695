"""Hand-computed examples for each rule-based model, lookback and ROI."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from attribution_paths import PATHS_END as END
from attribution_paths import journeys_from_paths
from revalign.analytics.attribution import credit, journeys_from_touches, roi
from revalign.errors import InputError


def journeys(paths: list[tuple], days: list[list[float]] | None = None):  # type: ignore[no-untyped-def,type-arg]
    """(channels, converted[, value]) tuples → Journeys."""
    values = [p[2] if len(p) > 2 else 100.0 for p in paths]
    return journeys_from_paths([p[0] for p in paths], [p[1] for p in paths], values, days)


ABCD = journeys([(["A", "B", "C", "D"], True)])
ABCDE = journeys([(["A", "B", "C", "D", "E"], True)])


def shares(j, model, **kw):  # type: ignore[no-untyped-def]
    return {k: round(v, 4) for k, v in credit(j, model, **kw).shares.items()}


def test_first_and_last_touch() -> None:
    assert shares(ABCD, "first_touch") == {"A": 1.0, "B": 0.0, "C": 0.0, "D": 0.0}
    assert shares(ABCD, "last_touch") == {"A": 0.0, "B": 0.0, "C": 0.0, "D": 1.0}


def test_linear() -> None:
    assert shares(ABCD, "linear") == {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}


def test_time_decay_halves_per_half_life() -> None:
    # 3, 2, 1, 0 days before conversion, half-life 1 day: 1/8, 1/4, 1/2, 1 over 15/8
    got = shares(ABCD, "time_decay", half_life_days=1.0)
    assert got == {"A": round(1 / 15, 4), "B": round(2 / 15, 4), "C": round(4 / 15, 4),
                   "D": round(8 / 15, 4)}  # fmt: skip


def test_time_decay_default_half_life_is_seven_days() -> None:
    j = journeys([(["A", "B"], True)], days=[[7.0, 0.0]])
    assert shares(j, "time_decay") == {"A": round(1 / 3, 4), "B": round(2 / 3, 4)}


def test_u_shaped() -> None:
    assert shares(ABCD, "u_shaped") == {"A": 0.4, "B": 0.1, "C": 0.1, "D": 0.4}
    assert shares(journeys([(["A"], True)]), "u_shaped") == {"A": 1.0}
    assert shares(journeys([(["A", "B"], True)]), "u_shaped") == {"A": 0.5, "B": 0.5}


def test_w_shaped_spaces_milestones_first_middle_last() -> None:
    # 4 touches: first (0), lower middle (1), last (3) get 30 % each; the rest 10 %
    assert shares(ABCD, "w_shaped") == {"A": 0.3, "B": 0.3, "C": 0.1, "D": 0.3}
    three = journeys([(["A", "B", "C"], True)])
    assert shares(three, "w_shaped") == {"A": 0.3333, "B": 0.3333, "C": 0.3333}


def test_full_path_z_shaped() -> None:
    # 5 touches: milestones at 0, 1, 2, 4 get 22.5 % each, touch 3 gets the 10 %
    assert shares(ABCDE, "full_path") == {"A": 0.225, "B": 0.225, "C": 0.225, "D": 0.1,
                                          "E": 0.225}  # fmt: skip


def test_w_shaped_uses_known_milestones() -> None:
    times = [END - timedelta(days=d) for d in (4, 3, 2, 1, 0)]
    touches = pd.DataFrame(
        {
            "journey_id": "x",
            "occurred_at": times,
            "channel": list("ABCDE"),
            "converted": True,
            "value": 1.0,
            "lead_at": times[2],  # the MQL came right after touch C
            "opp_at": times[3] + timedelta(hours=1),  # the opportunity after touch D
        }
    )
    j = journeys_from_touches(touches)
    assert shares(j, "w_shaped") == {"A": 0.3, "B": 0.05, "C": 0.3, "D": 0.3, "E": 0.05}


def test_revenue_credit_weights_by_value() -> None:
    j = journeys([(["A"], True, 300.0), (["B"], True, 100.0), (["C"], False, 999.0)])
    c = credit(j, "linear", "revenue")
    assert c.total == 400.0
    assert c.credited == {"A": 300.0, "B": 100.0, "C": 0.0}
    assert credit(j, "linear").shares == {"A": 0.5, "B": 0.5, "C": 0.0}


def test_lookback_drops_old_touches() -> None:
    j = journeys([(["A", "B", "C"], True)], days=[[10.0, 3.0, 0.0]])
    assert shares(j, "first_touch", lookback_days=5) == {"A": 0.0, "B": 1.0, "C": 0.0}
    assert shares(j, "first_touch") == {"A": 1.0, "B": 0.0, "C": 0.0}
    assert shares(j, "w_shaped", lookback_days=5) == {"A": 0.0, "B": 0.5, "C": 0.5}


def test_lookback_drops_journeys_with_no_touch_left() -> None:
    # journey x converted at END but its only touch was 30 days earlier
    touches = pd.DataFrame(
        {
            "journey_id": ["x", "y", "y"],
            "occurred_at": [END - timedelta(days=d) for d in (30, 2, 0)],
            "channel": ["A", "B", "C"],
            "converted": True,
            "value": 1.0,
            "end_at": END,
        }
    )
    c = credit(journeys_from_touches(touches), "first_touch", lookback_days=7)
    assert c.total == 1.0
    assert c.shares == {"A": 0.0, "B": 1.0, "C": 0.0}


def test_roi_per_channel() -> None:
    assert roi({"A": 300.0, "C": 10.0}, {"A": 100.0, "B": 50.0}) == {
        "A": 2.0,
        "B": -1.0,
        "C": None,
    }


def test_bad_arguments_are_user_errors() -> None:
    with pytest.raises(InputError, match="unknown attribution model"):
        credit(ABCD, "magic")
    with pytest.raises(InputError, match="half-life"):
        credit(ABCD, "time_decay", half_life_days=0)
    with pytest.raises(InputError, match="lookback"):
        credit(ABCD, "linear", lookback_days=-1)
