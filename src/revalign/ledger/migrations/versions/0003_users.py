"""API users (hashed tokens and passwords), the webhook deliveries already seen, and the
index the API's lead list pages on.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from revalign.ledger.codec import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("rep_id", sa.String(200)),
        sa.Column("team", sa.String(200)),
        sa.Column("token_hash", sa.String(200), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("token_id", name="uq_users_token_id"),
    )
    op.create_table(
        "hook_deliveries",
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("delivery_id", sa.String(200), primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )

    op.create_index("ix_leads_created", "leads", ["created_at", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_leads_created", "leads")
    op.drop_table("hook_deliveries")
    op.drop_table("users")
