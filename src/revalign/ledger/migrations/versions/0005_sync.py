"""Two-way sync: the identity map, per-object cursors and last known field values.

Revision ID: 0005
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from revalign.ledger.codec import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_identity",
        sa.Column("system", sa.String(32), primary_key=True),
        sa.Column("object", sa.String(64), primary_key=True),
        sa.Column("foreign_id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("revalign_id", sa.String(200), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
        sa.Column("note", sa.String(200)),
    )
    op.create_index("ix_sync_identity_revalign", "sync_identity", ["kind", "revalign_id"])
    op.create_table(
        "sync_cursors",
        sa.Column("system", sa.String(32), primary_key=True),
        sa.Column("object", sa.String(64), primary_key=True),
        sa.Column("modified_at", UtcDateTime(), nullable=False),
        sa.Column("last_id", sa.String(200), nullable=False),
    )
    op.create_table(
        "sync_values",
        sa.Column("system", sa.String(32), primary_key=True),
        sa.Column("object", sa.String(64), primary_key=True),
        sa.Column("foreign_id", sa.String(200), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text()),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_values")
    op.drop_table("sync_cursors")
    op.drop_index("ix_sync_identity_revalign", table_name="sync_identity")
    op.drop_table("sync_identity")
