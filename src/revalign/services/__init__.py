"""The verbs layer: the only place a verb is done, for the CLI, the API and the dashboard.

Every verb takes the `Caller`, checks the permission table (`revalign.auth.permissions`),
validates its input and returns a typed view (`services.views`, pydantic: the models the API
serves). Writes stamp the caller's audit record on the event they produce (`services.audit`).

    from revalign import services
    view = services.touch(engine, caller, "L-1", kind="call")      # -> LeadView
"""

from revalign.services.facts import SOURCE_CLI, submit_fact
from revalign.services.leads import (
    accept,
    disqualify,
    explain,
    lead_show,
    qualify,
    reassign,
    recycle,
    reject,
    timeline,
    touch,
)
from revalign.services.opportunities import change_stage, close_lost, close_won
from revalign.services.opportunities import create as create_opportunity

__all__ = [
    "SOURCE_CLI",
    "accept",
    "change_stage",
    "close_lost",
    "close_won",
    "create_opportunity",
    "disqualify",
    "explain",
    "lead_show",
    "qualify",
    "reassign",
    "recycle",
    "reject",
    "submit_fact",
    "timeline",
    "touch",
]
