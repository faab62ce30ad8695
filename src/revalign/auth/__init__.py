"""Who is calling and what they may do: roles, the caller, the permission table, users."""

from revalign.auth.caller import LOCAL_ADMIN, Caller
from revalign.auth.permissions import PERMISSIONS, Action, can, can_see_lead, require
from revalign.auth.roles import Role

__all__ = [
    "LOCAL_ADMIN",
    "PERMISSIONS",
    "Action",
    "Caller",
    "Role",
    "can",
    "can_see_lead",
    "require",
]
