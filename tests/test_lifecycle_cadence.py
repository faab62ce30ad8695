"""The touch cadence guard: >= 6 touches spanning >= 14 days before disqualifying."""

from __future__ import annotations

from datetime import timedelta

from _lifecycle import MONDAY, Funnel, refusal
from revalign.contract.schema import VersionedContract
from revalign.core.state import Stage

D = timedelta(days=1)


def test_five_touches_are_refused_with_what_is_missing(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    for day, kind in zip(
        (0, 2, 4, 6, 8), ("call", "email", "linkedin", "call", "email"), strict=True
    ):
        f.rep_touch("L1", MONDAY + D * day + timedelta(hours=1), kind)
    placed = f.disqualify("L1", MONDAY + D * 15, "no_response")
    assert refusal(placed) == (
        "lead L1: the cadence needs 6 touches (call, email, linkedin) over 14 days before "
        "disqualifying; it has 5: 1 more touch still needed "
        "(reasons exempt from the cadence: bad_data, duplicate)"
    )
    assert f.lead("L1").stage is Stage.SAL


def test_six_touches_in_three_days_still_need_the_days(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    for i in range(6):
        f.rep_touch("L1", MONDAY + timedelta(hours=1 + 10 * i))
    placed = f.disqualify("L1", MONDAY + D * 3, "not_interested")
    message = refusal(placed)
    assert message is not None
    assert "it has 6: 12 more days still needed" in message


def test_six_touches_over_fourteen_days_are_accepted(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    first = MONDAY + timedelta(hours=1)
    for day in (0, 2, 5, 8, 11, 14):
        f.rep_touch("L1", first + D * day, "email" if day % 2 else "call")
    placed = f.disqualify("L1", first + D * 14, "no_response")
    assert refusal(placed) is None
    lead = f.lead("L1")
    assert lead.stage is Stage.DISQUALIFIED
    assert lead.reason == "no_response"
    assert f.state.rep_load["budi"] == 0


def test_meetings_do_not_count_toward_the_cadence(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    first = MONDAY + timedelta(hours=1)
    for day in (0, 3, 6, 9, 12, 14):
        f.rep_touch("L1", first + D * day, "meeting")
    message = refusal(f.disqualify("L1", first + D * 15, "no_budget"))
    assert message is not None and "it has 0: 6 more touches and 14 more days" in message


def test_exempt_reason_skips_the_cadence(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    assert refusal(f.disqualify("L1", MONDAY + timedelta(hours=2), "bad_data")) is None
    assert f.lead("L1").stage is Stage.DISQUALIFIED
