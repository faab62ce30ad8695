"""The roles of revalign's users (DESIGN.md, Security)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user is; the permission table says what each may do."""

    ADMIN = "admin"
    REVOPS = "revops"
    MARKETING = "marketing"
    SALES_MANAGER = "sales_manager"
    REP = "rep"
    VIEWER = "viewer"
