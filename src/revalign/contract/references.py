"""Checks that span sections: ids are unique and every reference names something that exists.

Each problem comes with the path of the referencing field, so the loader can point at its line.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from revalign.contract.fields import ATTRIBUTE_PREFIX, BEHAVIOUR, LEAD_FIELDS
from revalign.contract.routing_checks import routing_problems

if TYPE_CHECKING:
    from revalign.contract.schema import Contract

# (path of the offending field, message, whether the key itself is at fault)
Problem = tuple[tuple[Any, ...], str, bool]


def reference_problems(contract: Contract) -> list[Problem]:
    """Every cross-reference problem of a shape-valid contract, in file order."""
    problems: list[Problem] = []
    problems += _unique_ids(contract)
    team_ids = {team.id for team in contract.teams}
    for t, team in enumerate(contract.teams):
        rep_ids = {rep.id for rep in team.reps}
        if team.manager is not None and team.manager not in rep_ids:
            message = f"manager {team.manager!r} is not one of the team's reps"
            problems.append((("teams", t, "manager"), message, False))
    for r, rule in enumerate(contract.routing.rules):
        if rule.team is not None and rule.team not in team_ids:
            message = f"routing rule {rule.name!r} names unknown team {rule.team!r}"
            problems.append((("routing", "rules", r, "team"), message, False))
    if contract.routing.fallback_team not in team_ids:
        message = f"unknown team {contract.routing.fallback_team!r}"
        problems.append((("routing", "fallback_team"), message, False))
    problems += routing_problems(contract)
    problems += _signals(contract)
    problems += _required_fields(contract)
    return problems


def _required_fields(contract: Contract) -> list[Problem]:
    """`slas.required_fields` must name lead fields, or the data-quality SLA checks nothing."""
    known = [*LEAD_FIELDS, "account_id", BEHAVIOUR]
    problems: list[Problem] = []
    for i, name in enumerate(contract.slas.required_fields):
        if name in known or (name.startswith(ATTRIBUTE_PREFIX) and len(name) > 11):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
        message = f"unknown lead field {name!r} (or attributes.<name>; {hint})"
        problems.append((("slas", "required_fields", i), message, False))
    return problems


def _signals(contract: Contract) -> list[Problem]:
    """Behaviour rules must name a marketing touch kind, or they would silently never fire."""
    from revalign.core.events import MarketingTouchKind

    known = [kind.value for kind in MarketingTouchKind]
    problems: list[Problem] = []
    for name in contract.scoring.behaviour:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            message = f"unknown signal {name!r} ({hint})"
            problems.append((("scoring", "behaviour", name), message, True))
    return problems


def _unique_ids(contract: Contract) -> list[Problem]:
    problems: list[Problem] = []
    teams: dict[str, int] = {}
    reps: dict[str, tuple[int, int]] = {}
    for t, team in enumerate(contract.teams):
        if team.id in teams:
            message = f"duplicate team id {team.id!r} (first at teams[{teams[team.id]}])"
            problems.append((("teams", t, "id"), message, False))
        teams.setdefault(team.id, t)
        for r, rep in enumerate(team.reps):
            if rep.id in reps:
                ft, fr = reps[rep.id]
                message = f"duplicate rep id {rep.id!r} (first at teams[{ft}].reps[{fr}])"
                problems.append((("teams", t, "reps", r, "id"), message, False))
            reps.setdefault(rep.id, (t, r))
    campaigns: dict[str, int] = {}
    for c, campaign in enumerate(contract.campaigns):
        if campaign.id in campaigns:
            first = campaigns[campaign.id]
            message = f"duplicate campaign id {campaign.id!r} (first at campaigns[{first}])"
            problems.append((("campaigns", c, "id"), message, False))
        campaigns.setdefault(campaign.id, c)
    return problems
