"""The SQL tables of the ledger and its projections (SQLAlchemy Core).

Migrations under `migrations/versions/` create exactly these; a test compares the two.
Projection tables carry a few key columns for queries plus `data`, the full state object as
JSON, so fields added to the state later are stored without a schema change.
"""

from __future__ import annotations

import sqlalchemy as sa

from revalign.ledger.codec import UtcDateTime

metadata = sa.MetaData()

# Integer (not BigInteger) on SQLite, so `seq` is the rowid alias.
SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", SeqType, primary_key=True, autoincrement=True),
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
    sa.Index("ix_events_lead_id", "lead_id"),
    sa.Index("ix_events_type", "type"),
    sqlite_autoincrement=True,
)

checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("seq", sa.BigInteger(), nullable=False),
)

leads = sa.Table(
    "leads",
    metadata,
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
    sa.Index("ix_leads_stage", "stage"),
    sa.Index("ix_leads_owner", "owner"),
)

accounts = sa.Table(
    "accounts",
    metadata,
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

opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("opportunity_id", sa.String(200), primary_key=True),
    sa.Column("lead_id", sa.String(200)),
    sa.Column("account_id", sa.String(200)),
    sa.Column("stage", sa.String(64)),
    sa.Column("amount", sa.String(40)),  # Decimal as text: exact, like payloads
    sa.Column("currency", sa.String(3)),
    sa.Column("owner", sa.String(200)),
    sa.Column("created_at", UtcDateTime()),
    sa.Column("expected_close", sa.String(10)),  # ISO date
    sa.Column("closed_at", UtcDateTime()),
    sa.Column("won", sa.Boolean()),
    sa.Column("reason", sa.String(200)),
    sa.Column("data", sa.Text(), nullable=False),
)

owners = sa.Table(
    "owners",
    metadata,
    sa.Column("owner", sa.String(200), primary_key=True),
    sa.Column("open_leads", sa.Integer(), nullable=False),
    sa.Column("capacity", sa.Integer()),
)

clocks = sa.Table(
    "clocks",
    metadata,
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
    sa.Index("ix_clocks_lead_id", "lead_id"),
)

PROJECTION_TABLES: tuple[sa.Table, ...] = (leads, accounts, opportunities, owners, clocks)

# the API's lead list pages newest first by (created_at, lead_id): one index range per page
sa.Index("ix_leads_created", leads.c.created_at, leads.c.lead_id)

# -- who may call (issue 10): API users and the webhook deliveries already seen ----------

users = sa.Table(
    "users",
    metadata,
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

hook_deliveries = sa.Table(
    "hook_deliveries",
    metadata,
    sa.Column("source", sa.String(100), primary_key=True),
    sa.Column("delivery_id", sa.String(200), primary_key=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)
