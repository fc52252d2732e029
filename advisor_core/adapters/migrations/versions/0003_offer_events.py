"""Offer events: what the assistant showed, what was clicked and what was accepted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Pseudonymous ids and short codes only, no free text. Read by the persona label check and the
assistant's funnel (advisor_core.analytics). Written by hand; runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = 128
CODE = 32
PRODUCT = 64


def upgrade() -> None:
    op.create_table(
        "offer_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID), nullable=True),
        sa.Column("conversation_id", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(CODE), nullable=False),
        sa.Column("product_id", sa.String(PRODUCT), nullable=False),
        sa.Column("customer_level", sa.String(CODE), nullable=False),
        sa.Column("persona", sa.String(PRODUCT), nullable=False),
        sa.Column("arm", sa.String(CODE), nullable=False),
        sa.Column("channel", sa.String(PRODUCT), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_offer_events"),
        sa.UniqueConstraint("event_id", name="uq_offer_events_event_id"),
        sa.CheckConstraint("kind IN ('shown', 'clicked', 'accepted')", name="ck_offer_events_kind"),
    )
    op.create_index("ix_offer_events_customer_id", "offer_events", ["customer_id"])
    op.create_index("ix_offer_events_conversation_id", "offer_events", ["conversation_id"])
    op.create_index("ix_offer_events_created_at", "offer_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_offer_events_created_at", table_name="offer_events")
    op.drop_index("ix_offer_events_conversation_id", table_name="offer_events")
    op.drop_index("ix_offer_events_customer_id", table_name="offer_events")
    op.drop_table("offer_events")
