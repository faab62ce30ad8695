"""Projection tables: leads, accounts, opportunities, owners, clocks.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from revalign.ledger.codec import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("lead_id", sa.String(200), primary_key=True),
        sa.Column("account_id", sa.String(200)),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("stage_at", UtcDateTime()),
        sa.Column("score", sa.Float()),
        sa.Column("owner", sa.String(200)),
        sa.Column("team", sa.String(200)),
        sa.Column("source", sa.String(200)),
        sa.Column("campaign", sa.String(200)),
        sa.Column("company", sa.String(500)),
        sa.Column("industry", sa.String(200)),
        sa.Column("country", sa.String(8)),
        sa.Column("employees", sa.Integer()),
        sa.Column("created_at", UtcDateTime()),
        sa.Column("mql_at", UtcDateTime()),
        sa.Column("sal_at", UtcDateTime()),
        sa.Column("sql_at", UtcDateTime()),
        sa.Column("assigned_at", UtcDateTime()),
        sa.Column("first_contact_at", UtcDateTime()),
        sa.Column("opportunity_id", sa.String(200)),
        sa.Column("reason", sa.String(200)),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_leads_stage", "leads", ["stage"])
    op.create_index("ix_leads_owner", "leads", ["owner"])
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(200), primary_key=True),
        sa.Column("company", sa.String(500)),
        sa.Column("domain", sa.String(500)),
        sa.Column("industry", sa.String(200)),
        sa.Column("employees", sa.Integer()),
        sa.Column("country", sa.String(8)),
        sa.Column("lead_count", sa.Integer(), nullable=False),
        sa.Column("opportunity_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_table(
        "opportunities",
        sa.Column("opportunity_id", sa.String(200), primary_key=True),
        sa.Column("lead_id", sa.String(200)),
        sa.Column("account_id", sa.String(200)),
        sa.Column("stage", sa.String(64)),
        sa.Column("amount", sa.String(40)),
        sa.Column("currency", sa.String(3)),
        sa.Column("owner", sa.String(200)),
        sa.Column("created_at", UtcDateTime()),
        sa.Column("expected_close", sa.String(10)),
        sa.Column("closed_at", UtcDateTime()),
        sa.Column("won", sa.Boolean()),
        sa.Column("reason", sa.String(200)),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_table(
        "owners",
        sa.Column("owner", sa.String(200), primary_key=True),
        sa.Column("open_leads", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer()),
    )
    op.create_table(
        "clocks",
        sa.Column("clock_id", sa.String(300), primary_key=True),
        sa.Column("sla", sa.String(100)),
        sa.Column("lead_id", sa.String(200)),
        sa.Column("owner", sa.String(200)),
        sa.Column("owner_side", sa.String(32)),
        sa.Column("started_at", UtcDateTime()),
        sa.Column("due_at", UtcDateTime()),
        sa.Column("stopped_at", UtcDateTime()),
        sa.Column("met", sa.Boolean()),
        sa.Column("breached", sa.Boolean()),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_clocks_lead_id", "clocks", ["lead_id"])


def downgrade() -> None:
    for name in ("clocks", "owners", "opportunities", "accounts", "leads"):
        op.drop_table(name)
