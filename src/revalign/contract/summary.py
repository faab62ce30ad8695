"""A short, JSON-ready summary of a contract: what `revalign contract show` prints."""

from __future__ import annotations

from typing import Any

from revalign.contract.schema import VersionedContract


def contract_summary(versioned: VersionedContract) -> dict[str, Any]:
    """Version, threshold, SLAs and the teams with their reps."""
    c = versioned.contract
    return {
        "version": versioned.version,
        "path": versioned.path,
        "name": c.name,
        "label": c.label,
        "currency": c.currency,
        "mql_threshold": c.scoring.mql_threshold,
        "high_intent_actions": list(c.scoring.high_intent_actions),
        "framework": c.qualification.framework,
        "slas": c.slas.model_dump(mode="json"),
        "teams": [
            {
                "id": team.id,
                "name": team.name,
                "side": team.side,
                "manager": team.manager,
                "hours": f"{team.working_hours.start:%H:%M}-{team.working_hours.end:%H:%M}",
                "days": list(team.working_hours.days),
                "holidays_country": team.holidays_country,
                "reps": [
                    {
                        "id": rep.id,
                        "name": rep.name,
                        "role": rep.role,
                        "timezone": rep.timezone,
                        "capacity": rep.capacity,
                        "territories": list(rep.territories),
                    }
                    for rep in team.reps
                ],
            }
            for team in c.teams
        ],
    }
