"""The append-only events table and consumer checkpoints.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from revalign.ledger.codec import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("source_id", sa.String(500), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("lead_id", sa.String(200)),
        sa.Column("account_id", sa.String(200)),
        sa.Column("opportunity_id", sa.String(200)),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("contract_version", sa.String(64)),
        sa.Column("caused_by", sa.String(36)),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_events_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_lead_id", "events", ["lead_id"])
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "checkpoints",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("checkpoints")
    op.drop_table("events")
